"""HTML page for a composite index: scores with intervals, rank intervals, sensitivity, a map.

Charts are Vega-Lite (Altair) rendered to inline SVG offline, so the page needs no network.

>>> import pandas as pd
>>> from humsec.index.composite import CompositeIndex
>>> from humsec.index.model import IndexModel
>>> m = IndexModel.from_dict({"root": "R", "unit": "u", "nodes": {"R": {"children": ["a", "b"]}}})
>>> res = CompositeIndex(m).fit(pd.DataFrame({"u": ["x", "y"], "a": [1.0, 3], "b": [2.0, 4]}))
>>> "<svg" in render_index_html(res)
True
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pandas as pd

from humsec.core.boundaries import wound_for_d3
from humsec.core.charts import to_svg
from humsec.index.composite import IndexResult

__all__ = ["map_note", "read_boundaries", "render_index_html"]

TOP = 40  # units shown in the bar charts (the highest scores)


def _scores_chart(d: pd.DataFrame, title: str) -> Any:
    import altair as alt

    base = alt.Chart(d, title=title).encode(y=alt.Y("unit:N", sort=list(d["unit"]), title=None))
    bars = base.mark_bar(color="#4c78a8").encode(x=alt.X("score:Q", title="score"))
    layers = [bars]
    if "score_low" in d:
        layers.append(base.mark_rule(color="black").encode(x="score_low:Q", x2="score_high:Q"))
    return alt.layer(*layers).properties(width=420, height=max(120, 14 * len(d)))


def _rank_chart(d: pd.DataFrame, title: str) -> Any:
    import altair as alt

    base = alt.Chart(d, title=title).encode(y=alt.Y("unit:N", sort=list(d["unit"]), title=None))
    rules = base.mark_rule().encode(
        x=alt.X("rank_low:Q", title="rank (1 = highest)", scale=alt.Scale(reverse=True)),
        x2="rank_high:Q",
    )
    points = base.mark_point(filled=True, color="#e45756").encode(x="rank:Q")
    return (rules + points).properties(width=420, height=max(120, 14 * len(d)))


def _sensitivity_chart(s: pd.DataFrame) -> Any:
    import altair as alt

    long = s.melt(
        id_vars="factor",
        value_vars=["first_order", "total_effect"],
        var_name="index",
        value_name="value",
    )
    return (
        alt.Chart(long, title="Sensitivity of the ranking to each method choice")
        .mark_bar()
        .encode(
            y=alt.Y("factor:N", title=None),
            x=alt.X("value:Q", title="share of variance"),
            yOffset="index:N",
            color="index:N",
        )
        .properties(width=420, height=max(100, 30 * len(s)))
    )


def read_boundaries(path: str | Path, key: str) -> list[dict[str, Any]]:
    """The features of a GeoJSON FeatureCollection whose features have the property ``key``
    (:func:`humsec.core.boundaries.read_geojson`: one clear error otherwise)."""
    from humsec.core.boundaries import read_geojson

    return list(read_geojson(path, key)["features"])


def map_note(units: Any, features: list[dict[str, Any]], key: str) -> str | None:
    """Which units the map cannot draw (no feature whose ``key`` property is the unit's code).

    >>> feats = [{"properties": {"iso_a3": "KEN"}}]
    >>> map_note(["KEN", "UGA", "SSD"], feats, "iso_a3")
    'the map draws 1 of 3 units: 2 have no polygon in the boundaries (SSD, UGA)'
    """
    codes = {str((f.get("properties") or {}).get(key)) for f in features}
    units = [str(u) for u in units]
    missing = sorted(u for u in units if u not in codes)
    if not missing:
        return None
    shown = ", ".join(missing[:10]) + (", ..." if len(missing) > 10 else "")
    return (
        f"the map draws {len(units) - len(missing)} of {len(units)} units: {len(missing)} have "
        f"no polygon in the boundaries ({shown})"
    )


def _map_chart(
    scores: pd.DataFrame, features: list[dict[str, Any]] | str | Path, key: str, title: str
) -> Any:
    """The choropleth (``features``: read ones, or the GeoJSON file to read)."""
    import altair as alt

    if not isinstance(features, list):
        features = read_boundaries(features, key)
    # d3 fills the whole globe for an RFC 7946 (counter-clockwise) exterior ring: rewind every one
    features = [{**f, "geometry": wound_for_d3(f.get("geometry"))} for f in features]
    data = alt.Data(values=features)
    return (
        alt.Chart(data, title=title)
        .mark_geoshape(stroke="white", strokeWidth=0.5)
        .transform_lookup(
            lookup=f"properties.{key}", from_=alt.LookupData(scores, "unit", ["score"])
        )
        .encode(color=alt.Color("score:Q", scale=alt.Scale(scheme="orangered"), title="score"))
        .project("equalEarth")
        .properties(width=520, height=320)
    )


def render_index_html(
    result: IndexResult,
    *,
    intervals: pd.DataFrame | None = None,
    sensitivity: pd.DataFrame | None = None,
    boundaries: str | Path | None = None,
    key: str = "iso_a3",
) -> str:
    """A self-contained page for the root node (``intervals``/``sensitivity`` from the uncertainty
    analysis; ``boundaries`` a GeoJSON file whose feature property ``key`` holds the unit codes)."""
    root = result.model.root
    table = result.to_frame()
    d = table[table["node"] == root].copy()
    if intervals is not None:
        d = d.merge(
            intervals[intervals["node"] == root][
                ["unit", "score_low", "score_high", "rank_low", "rank_high"]
            ],
            on="unit",
            how="left",
        )
    d = d.sort_values("score", ascending=False).head(TOP)
    name = result.model.name or root
    charts = [
        (
            f"{root}: highest {len(d)} units",
            to_svg(
                _scores_chart(
                    d, f"{root} (bars) with 90% intervals" if intervals is not None else root
                )
            ),
        )
    ]
    if intervals is not None:
        charts.append(
            ("Rank intervals", to_svg(_rank_chart(d, "Nominal rank and its 90% interval")))
        )
    if sensitivity is not None:
        charts.append(("Sensitivity", to_svg(_sensitivity_chart(sensitivity))))
    below: dict[str, str] = {}  # a line under a chart
    if boundaries is not None:
        features = read_boundaries(boundaries, key)
        scores = table[table["node"] == root][["unit", "score"]]
        charts.append(("Map", to_svg(_map_chart(scores, features, key, f"{root} by unit"))))
        missing = map_note(scores["unit"], features, key)
        if missing:
            below["Map"] = f"<p>Note: {html.escape(missing)}.</p>"
    figures = "\n".join(
        f'<figure role="img" aria-label="{html.escape(t)}"><figcaption>{html.escape(t)}</figcaption>{svg}</figure>'
        + below.get(t, "")
        for t, svg in charts
    )
    all_notes = list(result.notes)
    if intervals is not None:
        from humsec.index.uncertainty import uncertainty_notes

        all_notes += uncertainty_notes(intervals, sensitivity, root, result.model)
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in all_notes)
    sensitivity_table = (
        "<h2>Sensitivity indices (95% bootstrap intervals)</h2>"
        + sensitivity.to_html(index=False, float_format=lambda v: f"{v:.3f}", border=0)
        if sensitivity is not None
        else ""
    )
    top_table = d[["unit", "score", "rank", "class", "driver"]].to_html(
        index=False, na_rep="", float_format=lambda v: f"{v:.2f}", border=0
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(name)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:980px;margin:2rem auto;padding:0 1rem;color:#1a1a1a}}
table{{border-collapse:collapse}}td,th{{padding:.2rem .5rem;border-bottom:1px solid #ccc}}th{{background:#eef2f6}}
figure{{margin:1rem 0;overflow-x:auto}}figcaption{{font-weight:600}}</style></head>
<body><main><h1>{html.escape(name)}</h1>
<p>{len(result.scores)} units, {len(result.model.nodes)} nodes. Rank 1 = highest score.</p>
{figures}
<h2>Highest scores</h2>{top_table}
{sensitivity_table}
{f"<h2>Notes</h2><ul>{notes}</ul>" if notes else ""}
</main></body></html>"""
