"""Choropleth maps of area values (Altair geoshape), rendered offline to SVG or PNG (vl-convert).

Areas without a value are drawn grey, so a missing area is never mistaken for a zero (callers name
them under the map). Every polygon is wound the way d3-geo draws it (:func:`wound_for_d3`), whatever
the winding of the file it came from.

>>> geo = {"type": "FeatureCollection", "features": [
...     {"type": "Feature", "properties": {"code": "A"},
...      "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}}]}
>>> import pandas as pd
>>> chart = choropleth(geo, pd.DataFrame({"area": ["A"], "value": [3.0]}), key="code", title="t")
>>> to_png(chart)[:4]
b'\\x89PNG'
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from humsec.core.boundaries import wound_for_d3

__all__ = ["choropleth", "choropleth_grid", "to_png"]


def to_png(chart: Any, scale: float = 2.0) -> bytes:
    """Render an Altair chart to PNG bytes (offline)."""
    import vl_convert as vlc

    return bytes(vlc.vegalite_to_png(chart.to_dict(), scale=scale))


def _signed_area(ring: list[list[float]]) -> float:
    """Area of a ring, positive when it runs counter-clockwise (lon/lat, north up)."""
    import shapely

    area = float(shapely.Polygon(ring).area)
    return area if shapely.LinearRing(ring).is_ccw else -area


_rewind = wound_for_d3  # the winding lives with the boundary loader; tests/response use this name


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
        out.append(
            {"type": "Feature", "geometry": wound_for_d3(f["geometry"]), "properties": props}
        )
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
    value_format: str = ",.0f",
    domain: tuple[float, float] | None = None,
) -> Any:
    """One map: ``values`` has ``area`` (codes matching the features' ``key`` property) and
    ``value``; features without a value are grey. ``legend_format`` and ``value_format`` (the
    tooltip's) are d3 formats (``~s``: 12k; ``.0%`` for shares); ``domain`` fixes the colour
    scale's ends (default: the values' range)."""
    import altair as alt

    feats = _features(geo, key, values, value)
    scale = alt.Scale(scheme=scheme)  # type: ignore[arg-type]
    if domain is not None:
        scale = alt.Scale(scheme=scheme, domain=list(domain))  # type: ignore[arg-type]
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
                scale=scale,
                legend=alt.Legend(format=legend_format),
            ),
            tooltip=[
                alt.Tooltip("properties.area:N", title="area"),
                alt.Tooltip("properties.name:N", title="name"),
                alt.Tooltip("properties.value:Q", title=legend or value, format=value_format),
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
