"""Short self-contained HTML summary of an AF result: tables and three charts, no external assets."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from humsec.af.measures import headline
from humsec.core.charts import bar_with_ci, censored_headcounts, contributions, to_svg

if TYPE_CHECKING:
    from humsec.af.result import AFResult

__all__ = ["render_af_html"]


def render_af_html(result: AFResult, title: str) -> str:
    """Render the summary page (Jinja template ``af_summary.html.j2``)."""
    levels = result.to_frame("levels", backend="pandas")
    levels["time"] = levels["time"].astype(str)
    ks = sorted(levels["k"].dropna().unique())
    k = ks[len(ks) // 2] if ks else float("nan")
    charts = [
        (
            "Censored and uncensored headcount ratios",
            to_svg(censored_headcounts(levels, k, f"Deprivations (k = {k:g}%)")),
        )
    ]
    for over in [o for o in levels["over"].unique() if o != "national"]:
        d = levels[
            (levels["over"] == over) & (levels["measure"] == "M0") & (levels["k"] == k)
        ].copy()
        d["round"] = d["time"].replace("", "all")
        charts.append(
            (
                f"M0 by {over}",
                to_svg(
                    bar_with_ci(
                        d,
                        "group",
                        f"M0 by {over} (k = {k:g}%), {round(result.level * 100)}% CI",
                        "M0",
                    )
                ),
            )
        )
    charts.append(
        (
            "Contributions of indicators to M0",
            to_svg(
                contributions(
                    levels, k, result.dimensions, f"Percentage contributions (k = {k:g}%)"
                )
            ),
        )
    )
    nat = levels[(levels["over"] == "national") & levels["measure"].isin(headline())].copy()
    table = nat.pivot_table(index=["k", "time"], columns="measure", values="estimate").reset_index()
    env = Environment(
        loader=PackageLoader("humsec.af", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )
    template = env.get_template("af_summary.html.j2")
    prov = result.provenance
    return template.render(
        title=title,
        summary=result.summary(),
        national=_fmt(table),
        charts=[(html.escape(t), svg) for t, svg in charts],
        provenance=prov,
        weights=result.indicator_weights,
    )


def _fmt(df: pd.DataFrame) -> list[dict[str, str]]:
    out = []
    for _, row in df.iterrows():
        out.append(
            {
                str(c): (
                    f"{v:.4f}"
                    if isinstance(v, float) and c not in ("k",)
                    else (f"{v:g}" if isinstance(v, float) else str(v))
                )
                for c, v in row.items()
            }
        )
    return out
