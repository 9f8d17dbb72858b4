"""Export gap tables for the ecosystem: HXL-tagged CSV (ready for HDX), Excel, GeoJSON.

>>> import pandas as pd
>>> t = pd.DataFrame({"area": ["A"], "sector": ["Health"], "people_in_need": [10.0],
...                   "people_reached": [4.0], "coverage": [0.4], "n_orgs": [1], "gap_score": [6.0]})
>>> hxl_table(t).iloc[0].tolist()[:3]
['#adm1+code', '#sector', '#inneed']
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from humsec.core.codelists import adds_to_totals
from humsec.core.errors import DataError

__all__ = ["HXL_TAGS", "area_totals", "gaps_geojson", "hxl_table"]

HXL_TAGS = {
    "area": "#adm1+code",
    "area_name": "#adm1+name",
    "sector": "#sector",
    "sector_key": "#sector+code",
    "sector_kind": "#sector+type",
    "people_in_need": "#inneed",
    "people_reached": "#reached",
    "coverage": "#indicator+coverage+pct",
    "n_orgs": "#org+num",
    "gap_score": "#inneed+unreached",
    "gap_rank": "#indicator+rank",
}


def hxl_table(
    table: pd.DataFrame, area_tag: str = "#adm1+code", tags: dict[str, str] | None = None
) -> pd.DataFrame:
    """The table with an HXL tag row under the header (as HDX expects); ``tags`` adds or replaces
    column tags."""
    name_tag = area_tag.replace("+code", "+name")
    known = {**HXL_TAGS, "area": area_tag, "area_name": name_tag, **(tags or {})}
    tags = {c: known.get(c, "") for c in table.columns}
    return pd.concat([pd.DataFrame([tags]), table.astype(object)], ignore_index=True)


def area_totals(table: pd.DataFrame) -> pd.DataFrame:
    """People in need and gap per area, added over the sectors that add to totals: an
    intersectoral or multi-sector row, or an area of responsibility beside Protection, would
    count the same people twice (:func:`humsec.core.codelists.adds_to_totals`).

    >>> t = pd.DataFrame({"area": ["A", "A", "A"], "sector_key": ["wash", "health", "intersectoral"],
    ...                   "people_in_need": [10.0, 8.0, 12.0], "gap_score": [5.0, 8.0, 12.0]})
    >>> area_totals(t).to_dict("records")
    [{'area': 'A', 'people_in_need': 18.0, 'gap_score': 13.0}]
    """
    added = table[[adds_to_totals(str(k)) for k in table["sector_key"]]]
    return added.groupby("area", as_index=False)[["people_in_need", "gap_score"]].sum()


def gaps_geojson(
    table: pd.DataFrame, boundaries: str | Path | dict[str, Any], key: str
) -> dict[str, Any]:
    """Boundaries (a GeoJSON file or its parsed dict) with, per area, the total gap and people in
    need (over the sectors that add to totals, as :func:`area_totals`) and each sector's gap."""
    from humsec.core.boundaries import read_geojson

    geo = boundaries if isinstance(boundaries, dict) else read_geojson(boundaries, key)
    features = geo.get("features", [])
    if not features or key not in features[0].get("properties", {}):
        found = sorted(features[0].get("properties", {})) if features else []
        raise DataError(
            f"The boundaries {boundaries} have no feature property {key!r}; found {found}."
        )
    totals: dict[str, dict[str, float]] = {}
    for area, sector, pin, gap in zip(
        table["area"], table["sector_key"], table["people_in_need"], table["gap_score"], strict=True
    ):
        t = totals.setdefault(str(area), {"people_in_need": 0.0, "gap_score": 0.0})
        if adds_to_totals(str(sector)):  # intersectoral, AoRs: their own gap_<key>, not added
            t["people_in_need"] += 0.0 if pd.isna(pin) else float(pin)
            t["gap_score"] += 0.0 if pd.isna(gap) else float(gap)
        if not pd.isna(gap):
            t[f"gap_{sector}"] = t.get(f"gap_{sector}", 0.0) + float(gap)
    out = []
    for f in features:
        code = str(f["properties"].get(key))
        out.append({**f, "properties": {**f["properties"], **totals.get(code, {})}})
    unmatched = sorted(set(totals) - {str(f["properties"].get(key)) for f in features})
    return {"type": "FeatureCollection", "features": out, "humsec_unmatched_areas": unmatched}
