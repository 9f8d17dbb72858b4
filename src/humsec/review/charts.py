"""Charts of the Human Security Review: heat map and network of interlinked threats, left-behind groups.

Every function returns an Altair chart (render it offline with :func:`humsec.core.charts.to_svg`).
Feed them tables that went through :func:`humsec.core.disclosure.apply_disclosure_control` when the
chart is to be published: suppressed cells are blank and are drawn as such.

>>> import pandas as pd
>>> m = pd.DataFrame([[1, .6], [.6, 1]], index=["food", "water"], columns=["food", "water"])
>>> from humsec.core.charts import to_svg
>>> to_svg(threat_network(m, title="links")).startswith("<svg")
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["left_behind_chart", "threat_heatmap", "threat_network"]


def threat_heatmap(
    matrix: pd.DataFrame,
    *,
    title: str,
    value_title: str = "association",
    domain: tuple[float, float] = (0.0, 1.0),
    order: list[str] | None = None,
) -> Any:
    """Heat map of a square threat × threat matrix (e.g. Cramér's V, R0, P(column | row), r).

    ``order`` (e.g. the ``order`` of :func:`humsec.af.interlinkages.cluster_threats`) puts
    clustered threats side by side. A domain starting below 0 uses a diverging scheme.
    """
    import altair as alt

    names = order or list(matrix.index)
    wide = matrix.copy()
    wide.index.name = "row"
    long = wide.reset_index().melt(id_vars="row", var_name="column", value_name="value")
    diverging = domain[0] < 0
    base = alt.Chart(long, title=title).encode(
        x=alt.X("column:N", sort=names, title=None),
        y=alt.Y("row:N", sort=names, title=None),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "value:Q",
            title=value_title,
            scale=alt.Scale(
                domain=list(domain),
                scheme="redblue" if diverging else "orangered",
                reverse=diverging,
            ),
        ),
        tooltip=["row", "column", alt.Tooltip("value:Q", format=".3f")],
    )
    text = base.mark_text(fontSize=9).encode(text=alt.Text("value:Q", format=".2f"))
    side = max(160, 28 * len(names))
    return (cells + text).properties(width=side, height=side)


def threat_network(
    matrix: pd.DataFrame,
    *,
    title: str,
    min_strength: float = 0.1,
    node_size: Mapping[str, float] | None = None,
    node_group: Mapping[str, Any] | None = None,
    max_width: float = 10.0,
) -> Any:
    """Network of threats: nodes on a circle, one edge per pair whose strength ≥ ``min_strength``
    (the upper triangle of ``matrix``, or the larger of the two directions when it is asymmetric),
    edge width proportional to the strength. ``node_size`` (e.g. headcounts) sizes the nodes,
    ``node_group`` (e.g. dimensions or clusters) colours them.
    """
    import altair as alt

    names = list(matrix.index)
    angle = np.pi / 2 - 2 * np.pi * np.arange(len(names)) / max(len(names), 1)
    pos = pd.DataFrame({"node": names, "x": np.cos(angle), "y": np.sin(angle)})
    pos["size"] = [float(node_size.get(n, 0.0)) if node_size else 1.0 for n in names]
    pos["group"] = [str(node_group.get(n, "")) if node_group else "" for n in names]
    edges = []
    values = matrix.to_numpy(dtype=np.float64)
    # the larger direction; fmax ignores one NaN (suppressed cell) and gives NaN only for two
    values = np.fmax(values, values.T)
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            strength = values[i, j]
            if np.isfinite(strength) and strength >= min_strength:
                edges.append((names[i], names[j], strength))
    e = pd.DataFrame(edges, columns=["a", "b", "strength"])
    xy = pos.set_index("node")
    e["x"], e["y"] = xy.loc[e["a"], "x"].to_numpy(), xy.loc[e["a"], "y"].to_numpy()
    e["x2"], e["y2"] = xy.loc[e["b"], "x"].to_numpy(), xy.loc[e["b"], "y"].to_numpy()
    top = float(e["strength"].max()) if len(e) else 1.0
    axis = alt.Axis(labels=False, ticks=False, grid=False, domain=False, title=None)
    scale = alt.Scale(domain=[-1.35, 1.35])
    lines = (
        alt.Chart(e)
        .mark_rule(color="#b2182b", opacity=0.6)
        .encode(
            x=alt.X("x:Q", axis=axis, scale=scale),
            y=alt.Y("y:Q", axis=axis, scale=scale),
            x2="x2:Q",
            y2="y2:Q",
            strokeWidth=alt.StrokeWidth(
                "strength:Q", scale=alt.Scale(domain=[0, top], range=[0, max_width]), title="link"
            ),
            tooltip=["a", "b", alt.Tooltip("strength:Q", format=".3f")],
        )
    )
    node_enc: dict[str, Any] = {
        "x": alt.X("x:Q", axis=axis, scale=scale),
        "y": alt.Y("y:Q", axis=axis, scale=scale),
        "tooltip": ["node", alt.Tooltip("size:Q", format=".3f")],
    }
    if node_size:
        node_enc["size"] = alt.Size("size:Q", title="headcount", scale=alt.Scale(range=[60, 900]))
    if node_group:
        node_enc["color"] = alt.Color("group:N", title=None)
    nodes = alt.Chart(pos).mark_circle(opacity=0.9, size=250).encode(**node_enc)
    pos["lx"], pos["ly"] = pos["x"] * 1.18, pos["y"] * 1.18
    labels = (
        alt.Chart(pos)
        .mark_text(fontSize=11)
        .encode(
            x=alt.X("lx:Q", axis=axis, scale=scale),
            y=alt.Y("ly:Q", axis=axis, scale=scale),
            text="node:N",
        )
    )
    return (
        (lines + nodes + labels)
        .properties(title=title, width=420, height=420)
        .configure_view(stroke=None)
    )


def left_behind_chart(
    groups: pd.DataFrame,
    *,
    measure: str,
    k: float,
    title: str,
    status_names: tuple[str, str] = ("left behind", "not shown to differ"),
) -> Any:
    """Each tested group's estimate with its CI against the national level (a rule); groups found
    left behind (after FDR control) are highlighted. ``groups`` is ``LeftBehindResult.to_frame()``;
    ``status_names`` are the legend's two labels (in the report's language)."""
    import altair as alt

    d = groups[
        (groups["measure"] == measure) & np.isclose(groups["k"], k) & groups["tested"]
    ].copy()
    d["unit"] = (
        d["over"] + " = " + d["group"] + np.where(d["time"] != "", " (" + d["time"] + ")", "")
    )
    d["status"] = np.where(d["left_behind"], *status_names)
    d = d.sort_values("estimate", ascending=False)
    # labelLimit=0: a group's full name (Vega-Lite cuts labels at 180 px by default)
    y = alt.Y("unit:N", sort=list(d["unit"]), title=None, axis=alt.Axis(labelLimit=0))
    base = alt.Chart(d, title=title).encode(y=y)
    rules = base.mark_rule().encode(
        x=alt.X("ci_low:Q", title=measure), x2="ci_high:Q", color="status:N"
    )
    points = base.mark_point(filled=True).encode(
        x="estimate:Q",
        color=alt.Color("status:N", title=None),
        tooltip=[
            "unit",
            alt.Tooltip("estimate:Q", format=".3f"),
            alt.Tooltip("q_value:Q", format=".3g"),
        ],
    )
    national = (
        alt.Chart(d.drop_duplicates("time"))
        .mark_rule(strokeDash=[4, 3], color="black")
        .encode(x="national:Q")
    )
    return (rules + points + national).properties(width=420, height=max(120, 14 * len(d)))
