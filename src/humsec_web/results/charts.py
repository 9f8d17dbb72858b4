"""Target-versus-actual chart of one indicator: a Vega-Lite spec drawn to SVG on the server by
Altair and vl-convert (``humsec.core.charts.to_svg``), as the portfolio's chart: no chart
script, no CDN. Targets are a dashed line from the baseline; actuals are points with their
confidence interval as a bar; each distinct set of numbers is drawn once and kept.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from humsec_web.results.progress import Row

# (period, kind, value, low, high); kind is 'baseline', 'target' or 'actual'
KINDS = (gettext_noop("baseline"), gettext_noop("target"), gettext_noop("actual"))
Points = tuple[tuple[str, str, float, float | None, float | None], ...]


def chart_points(rows: list[Row]) -> Points:
    """The baseline, the targets and the actuals of a progress table, as numbers only (no user text)."""
    out: list[tuple[str, str, float, float | None, float | None]] = []
    for i, r in enumerate(rows):
        if i == 0:
            out.append((r.period, "baseline", float(r.actual or 0.0), r.ci_low, r.ci_high))
            out.append((r.period, "target", float(r.actual or 0.0), None, None))  # the line starts at the baseline
            continue
        if r.target is not None:
            out.append((r.period, "target", r.target, None, None))
        if r.actual is not None:
            out.append((r.period, "actual", r.actual, r.ci_low, r.ci_high))
    return tuple(out)


def chart_spec(points: Points, unit: str) -> Any:
    import altair as alt
    import pandas as pd

    frame = pd.DataFrame(list(points), columns=["period", "kind", "value", "low", "high"])
    words = {kind: gettext(kind) for kind in KINDS}  # the legend in the reader's language
    frame["label"] = frame["kind"].map(words)
    colours = alt.Scale(domain=[words[k] for k in KINDS], range=["#6b6b6b", "#9a6700", "#0b4f8a"])
    x = alt.X("period:O", title=gettext("period"), sort=None)
    y = alt.Y("value:Q", title=unit, scale=alt.Scale(zero=False))
    target = alt.Chart(frame[frame.kind == "target"]).mark_line(strokeDash=[6, 4], point=True).encode(
        x=x, y=y, color=alt.Color("label:N", scale=colours, title=None))
    dots = alt.Chart(frame[frame.kind != "target"]).mark_point(filled=True, size=70).encode(
        x=x, y=y, color=alt.Color("label:N", scale=colours, title=None))
    bars = alt.Chart(frame.dropna(subset=["low", "high"])).mark_rule(strokeWidth=2).encode(
        x=x, y="low:Q", y2="high:Q", color=alt.Color("label:N", scale=colours, title=None))
    return (target + bars + dots).properties(width=360, height=200)


def progress_svg(points: Points, unit: str) -> str:
    """The chart as SVG ('' when there is only a baseline), its words in the active language."""
    return _progress_svg(points, unit, translation.get_language())


@lru_cache(maxsize=64)
def _progress_svg(points: Points, unit: str, language: str | None) -> str:
    if len(points) <= 2:
        return ""
    from humsec.core.charts import to_svg

    return to_svg(chart_spec(points, unit))
