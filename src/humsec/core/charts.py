"""Chart builders: Altair (Vega-Lite) specifications rendered to inline SVG offline (vl-convert).

No CDN and no JavaScript are needed to view the result, so reports work in the field.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["bar_with_ci", "censored_headcounts", "contributions", "to_svg"]


def to_svg(chart: Any, language: str = "en") -> str:
    """Render an Altair chart to an SVG string (offline), its numbers and dates written as
    ``language`` writes them, mirrored when it reads right to left (:func:`mirror_for_rtl`).

    >>> import altair as alt
    >>> bars = alt.Chart(pd.DataFrame({"v": [0.25], "c": ["a"]})).mark_bar().encode(
    ...     x=alt.X("v:Q", axis=alt.Axis(format="%")), y="c:N")
    >>> "25,0" in to_svg(bars.encode(x=alt.X("v:Q", axis=alt.Axis(format=".1%"))), "fr")
    True
    """
    import vl_convert as vlc

    from humsec.core.i18n import LANGUAGES

    spec = chart.to_dict()
    if language not in LANGUAGES or language == "en":
        return str(vlc.vegalite_to_svg(spec))
    if LANGUAGES[language].direction == "rtl":
        spec = mirror_for_rtl(spec)
    time_locale: Any = LANGUAGES[language].time_locale  # a d3 locale name vl-convert knows
    return str(vlc.vegalite_to_svg(spec, format_locale=number_locale(language), time_format_locale=time_locale))


def number_locale(language: str) -> dict[str, Any]:
    """d3-format's locale for a language, from the same CLDR data (Babel) as the report's tables:
    its decimal and grouping signs and % suffix, Latin digits.

    >>> number_locale("fr")["decimal"], number_locale("es")["thousands"]
    (',', '.')
    """
    from babel import Locale

    locale = Locale.parse(language)
    symbols = locale.number_symbols["latn"]
    suffix = locale.percent_formats[None].suffix[0]
    return {
        "decimal": symbols["decimal"],
        "thousands": symbols["group"],
        "grouping": [3],
        "currency": ["", ""],
        "percent": suffix.replace("\u200e", "") or "%",
        "minus": "−",
    }


#: x fields that hold time even on a numeric or nominal scale (years, rounds, periods)
_TIME_FIELDS = frozenset({"year", "time", "month", "date", "period", "round", "origin"})


def _is_time(x: dict[str, Any]) -> bool:
    return x.get("type") in ("temporal", "ordinal") or "timeUnit" in x or x.get("field") in _TIME_FIELDS


def mirror_for_rtl(spec: Any) -> Any:
    """A Vega-Lite spec mirrored for a right-to-left reader: horizontal scales run from the right
    (bars grow leftwards, categories read right to left), the vertical axis stands on the right,
    legends on the left, titles aligned right. Time axes (temporal or ordinal scales, and fields
    named as times: ``year``, ``time``, ``round``…) keep running left to right, as UN Arabic statistical publications print
    them, and maps are never mirrored (a geoshape has no x or y).

    >>> mirror_for_rtl({"encoding": {"x": {"field": "v", "type": "quantitative"},
    ...                  "y": {"field": "c", "type": "nominal"}}})["encoding"]
    {'x': {'field': 'v', 'type': 'quantitative', 'scale': {'reverse': True}}, 'y': {'field': 'c', 'type': 'nominal', 'axis': {'orient': 'right'}}}
    """
    if isinstance(spec, list):
        return [mirror_for_rtl(item) for item in spec]
    if not isinstance(spec, dict):
        return spec
    out = {key: mirror_for_rtl(value) for key, value in spec.items() if key not in ("data", "datasets")}
    for key in ("data", "datasets"):
        if key in spec:
            out[key] = spec[key]
    encoding = out.get("encoding")
    if isinstance(encoding, dict):
        x = encoding.get("x")
        if isinstance(x, dict) and not _is_time(x):
            scale = dict(x.get("scale") or {})
            scale["reverse"] = not scale.get("reverse", False)
            x["scale"] = scale
        y = encoding.get("y")
        if isinstance(y, dict) and y.get("axis", {}) is not None:
            y["axis"] = {**(y.get("axis") or {}), "orient": "right"}
        for channel in ("color", "size", "shape", "opacity"):
            legend_of = encoding.get(channel)
            if isinstance(legend_of, dict) and legend_of.get("legend", {}) is not None:
                legend_of["legend"] = {**(legend_of.get("legend") or {}), "orient": "left"}
    is_view = any(k in out for k in ("mark", "layer", "hconcat", "vconcat", "concat", "facet", "$schema"))
    if is_view and isinstance(out.get("title"), str):  # a chart's title (not an axis' or legend's)
        out["title"] = {"text": out["title"], "anchor": "end"}
    return out


def censored_headcounts(
    levels: pd.DataFrame,
    k: float,
    title: str,
    *,
    value_title: str = "share of people",
    round_title: str = "round",
    ratio_names: dict[str, str] | None = None,
) -> Any:
    """Grouped bars: censored (and uncensored) headcount ratio of each indicator, by round
    (the labels in the report's language: ``ratio_names`` for ``hd`` and ``hdk``)."""
    import altair as alt

    d = levels[
        (levels["over"] == "national")
        & ((levels["measure"] == "hd") | ((levels["measure"] == "hdk") & (levels["k"] == k)))
    ].copy()
    d["ratio"] = d["measure"].map(ratio_names or {"hd": "uncensored (hd)", "hdk": f"censored at k={k:g} (hdk)"})
    d["round"] = d["time"].astype(str).replace("", "all")
    return (
        alt.Chart(d, title=title)
        .mark_bar()
        .encode(
            x=alt.X("indicator:N", sort=None, title=None),
            xOffset="ratio:N",
            y=alt.Y("estimate:Q", title=value_title, axis=alt.Axis(format="%")),
            color=alt.Color("ratio:N", title=None),
            column=alt.Column("round:N", title=round_title),
            tooltip=["indicator", "ratio", "round", alt.Tooltip("estimate:Q", format=".3f")],
        )
        .properties(width=320, height=220)
    )


def bar_with_ci(d: pd.DataFrame, category: str, title: str, value_title: str, round_title: str = "round") -> Any:
    """Points with confidence-interval rules, one row per category (e.g. M0 by subgroup)."""
    import altair as alt

    order = list(dict.fromkeys(d[category]))  # the table's order (natural: 2 before 10)
    base = alt.Chart(d, title=title).encode(y=alt.Y(f"{category}:N", sort=order, title=None))
    points = base.mark_point(filled=True, size=50).encode(
        x=alt.X("estimate:Q", title=value_title), color=alt.Color("round:N", title=round_title)
    )
    rules = base.mark_rule().encode(x="ci_low:Q", x2="ci_high:Q", color="round:N")
    return (rules + points).properties(width=420, height=max(120, 16 * d[category].nunique()))


def contributions(levels: pd.DataFrame, k: float, dimensions: dict[str, str], title: str) -> Any:
    """Stacked bars: each indicator's percentage contribution to M0, nationally and by subgroup."""
    import altair as alt

    d = levels[(levels["measure"] == "pctb") & (levels["k"] == k)].copy()
    d["unit"] = [
        ("national" if o == "national" else f"{o} {g}") + (f" (round {t})" if t != "" else "")
        for o, g, t in zip(d["over"], d["group"], d["time"], strict=True)
    ]
    d["dimension"] = d["indicator"].map(dimensions)
    return (
        alt.Chart(d, title=title)
        .mark_bar()
        .encode(
            y=alt.Y("unit:N", sort=None, title=None),
            x=alt.X(
                "estimate:Q", stack="normalize", title="share of M0", axis=alt.Axis(format="%")
            ),
            color=alt.Color("indicator:N", sort=None, scale=alt.Scale(scheme="tableau20")),
            tooltip=["unit", "dimension", "indicator", alt.Tooltip("estimate:Q", format=".3f")],
        )
        .properties(width=420, height=max(120, 14 * d["unit"].nunique()))
    )
