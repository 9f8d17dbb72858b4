"""Chart builders: Altair (Vega-Lite) specifications rendered to inline SVG offline (vl-convert).

No CDN and no JavaScript are needed to view the result, so reports work in the field.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["bar_with_ci", "censored_headcounts", "contributions", "to_svg"]


def to_svg(chart: Any) -> str:
    """Render an Altair chart to an SVG string (offline)."""
    import vl_convert as vlc

    return str(vlc.vegalite_to_svg(chart.to_dict()))


def censored_headcounts(levels: pd.DataFrame, k: float, title: str) -> Any:
    """Grouped bars: censored (and uncensored) headcount ratio of each indicator, by round."""
    import altair as alt

    d = levels[
        (levels["over"] == "national")
        & ((levels["measure"] == "hd") | ((levels["measure"] == "hdk") & (levels["k"] == k)))
    ].copy()
    d["ratio"] = d["measure"].map({"hd": "uncensored (hd)", "hdk": f"censored at k={k:g} (hdk)"})
    d["round"] = d["time"].astype(str).replace("", "all")
    return (
        alt.Chart(d, title=title)
        .mark_bar()
        .encode(
            x=alt.X("indicator:N", sort=None, title=None),
            xOffset="ratio:N",
            y=alt.Y("estimate:Q", title="share of people", axis=alt.Axis(format="%")),
            color=alt.Color("ratio:N", title=None),
            column=alt.Column("round:N", title="round"),
            tooltip=["indicator", "ratio", "round", alt.Tooltip("estimate:Q", format=".3f")],
        )
        .properties(width=320, height=220)
    )


def bar_with_ci(d: pd.DataFrame, category: str, title: str, value_title: str) -> Any:
    """Points with confidence-interval rules, one row per category (e.g. M0 by subgroup)."""
    import altair as alt

    order = list(dict.fromkeys(d[category]))  # the table's order (natural: 2 before 10)
    base = alt.Chart(d, title=title).encode(y=alt.Y(f"{category}:N", sort=order, title=None))
    points = base.mark_point(filled=True, size=50).encode(
        x=alt.X("estimate:Q", title=value_title), color=alt.Color("round:N", title="round")
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
