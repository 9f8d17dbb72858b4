"""Choropleth maps of area values (Altair geoshape), rendered offline to SVG or PNG (vl-convert).

Areas without a value are drawn grey and named in the legend-free caption, so a missing area is
never mistaken for a zero.

>>> geo = {"type": "FeatureCollection", "features": [
...     {"type": "Feature", "properties": {"code": "A"},
...      "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}}]}
>>> import pandas as pd
>>> chart = choropleth(geo, pd.DataFrame({"area": ["A"], "value": [3.0]}), key="code", title="t")
>>> to_png(chart)[:4]
b'\\x89PNG'
"""

from __future__ import annotations

import itertools
from typing import Any

import pandas as pd

__all__ = ["choropleth", "choropleth_grid", "to_png"]


def to_png(chart: Any, scale: float = 2.0) -> bytes:
    """Render an Altair chart to PNG bytes (offline)."""
    import vl_convert as vlc

    return bytes(vlc.vegalite_to_png(chart.to_dict(), scale=scale))


def _signed_area(ring: list[list[float]]) -> float:
    pairs = itertools.pairwise(ring)
    return sum(x0 * y1 - x1 * y0 for (x0, y0, *_), (x1, y1, *_) in pairs) / 2


def _rewind(geometry: dict[str, Any]) -> dict[str, Any]:
    """Rings wound as d3-geo (Vega) expects: exterior clockwise, holes counter-clockwise.

    GeoJSON (RFC 7946) winds the other way; d3 works on the sphere, where a counter-clockwise
    exterior means "the whole globe except this area", which paints every map one colour."""

    def polygon(rings: list[Any]) -> list[Any]:
        out = []
        for i, ring in enumerate(rings):
            clockwise = _signed_area(ring) < 0
            out.append(ring if clockwise == (i == 0) else ring[::-1])
        return out

    kind = geometry.get("type")
    if kind == "Polygon":
        return {"type": kind, "coordinates": polygon(geometry["coordinates"])}
    if kind == "MultiPolygon":
        return {"type": kind, "coordinates": [polygon(p) for p in geometry["coordinates"]]}
    return geometry


def _features(
    geo: dict[str, Any], key: str, values: pd.DataFrame, value: str
) -> list[dict[str, Any]]:
    by_area = dict(zip(values["area"].astype(str), values[value], strict=False))
    out = []
    for f in geo["features"]:
        code = str(f.get("properties", {}).get(key))
        v = by_area.get(code)
        v = None if v is None or pd.isna(v) else float(v)
        props = {"area": code, "name": _name(f), "value": v}
        out.append({"type": "Feature", "geometry": _rewind(f["geometry"]), "properties": props})
    return out


def _name(feature: dict[str, Any]) -> str:
    props = feature.get("properties", {})
    for k in ("adm1_name", "adm2_name", "name", "NAME", "ADM1_EN", "ADM2_EN"):
        if props.get(k):
            return str(props[k])
    return ""


def choropleth(
    geo: dict[str, Any],
    values: pd.DataFrame,
    *,
    key: str,
    title: str,
    value: str = "value",
    legend: str | None = None,
    scheme: str = "orangered",
    width: int = 360,
    height: int = 360,
    legend_format: str = "~s",
) -> Any:
    """One map: ``values`` has ``area`` (codes matching the features' ``key`` property) and
    ``value``; features without a value are grey. ``legend_format`` is a d3 format (``~s``: 12k;
    ``.0%`` for shares)."""
    import altair as alt

    feats = _features(geo, key, values, value)
    data = alt.Data(values=feats)
    base = alt.Chart(data, title=title).project("mercator").properties(width=width, height=height)
    missing = base.mark_geoshape(fill="#dddddd", stroke="white", strokeWidth=0.5).transform_filter(
        "datum.properties.value === null"
    )
    filled = (
        base.mark_geoshape(stroke="white", strokeWidth=0.5)
        .transform_filter("datum.properties.value !== null")
        .encode(
            color=alt.Color(
                "properties.value:Q",
                title=legend or value,
                scale=alt.Scale(scheme=scheme),  # type: ignore[arg-type]
                legend=alt.Legend(format=legend_format),
            ),
            tooltip=[
                alt.Tooltip("properties.area:N", title="area"),
                alt.Tooltip("properties.name:N", title="name"),
                alt.Tooltip("properties.value:Q", title=legend or value, format=",.0f"),
            ],
        )
    )
    return missing + filled


def choropleth_grid(
    geo: dict[str, Any],
    values: pd.DataFrame,
    *,
    key: str,
    panel: str,
    title: str,
    value: str = "value",
    legend: str | None = None,
    columns: int = 3,
    size: int = 240,
) -> Any:
    """Small multiples: one map per value of ``panel`` (e.g. sector), each with its own scale."""
    import altair as alt

    maps = [
        choropleth(
            geo, part, key=key, title=str(name), value=value, legend=legend, width=size, height=size
        )
        for name, part in values.groupby(panel, sort=False)
    ]
    return alt.concat(*maps, columns=columns, title=title).resolve_scale(color="independent")
