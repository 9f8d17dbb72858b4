"""Admin boundaries (GeoJSON): assign points to polygons, and find neighbouring areas.

Points are assigned with a shapely STRtree (``covers``, so a point on a shared border goes to the
first polygon listed); points outside every polygon get ``None`` and are counted by the caller.
Two areas are neighbours when their polygons touch or overlap (simplified boundaries leave
slivers, so a 0.01° buffer closes gaps).

>>> import json, tempfile, pathlib
>>> sq = lambda x0: {"type": "Polygon", "coordinates": [[[x0, 0], [x0 + 1, 0], [x0 + 1, 1], [x0, 1], [x0, 0]]]}
>>> gj = {"type": "FeatureCollection", "features": [
...     {"type": "Feature", "properties": {"name": n}, "geometry": sq(x)} for n, x in [("A", 0), ("B", 1), ("C", 5)]]}
>>> p = pathlib.Path(tempfile.mkdtemp()) / "b.geojson"; _ = p.write_text(json.dumps(gj))
>>> b = read_boundaries(p, name_property="name")
>>> b.assign([0.5, 1.5, 9.0], [0.5, 0.5, 0.5])
['A', 'B', None]
>>> b.neighbours()
{'A': ['B'], 'B': ['A'], 'C': []}

Every map the project draws winds its rings with :func:`wound_for_d3` first (see there why).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from humsec.core.errors import DataError

__all__ = ["Boundaries", "read_boundaries", "read_geojson", "wound_for_d3"]


@dataclass
class Boundaries:
    """Area names, their shapely geometries, the GeoJSON features and the file they came from."""

    names: list[str]
    geometries: list[Any]
    features: list[dict[str, Any]]
    source: str | None = None

    def assign(self, lon: Any, lat: Any) -> list[str | None]:
        """The area containing each point (``None`` outside all polygons or without coordinates)."""
        import shapely

        lon_a = np.asarray(lon, dtype=float)
        lat_a = np.asarray(lat, dtype=float)
        result: list[str | None] = [None] * lon_a.size
        ok = np.flatnonzero(np.isfinite(lon_a) & np.isfinite(lat_a))
        if ok.size == 0:
            return result
        tree = shapely.STRtree(self.geometries)
        points = shapely.points(lon_a[ok], lat_a[ok])
        point_i, area_i = tree.query(points, predicate="covered_by")
        order = np.lexsort((area_i, point_i))  # the first polygon listed wins on shared borders
        point_i, area_i = point_i[order], area_i[order]
        first = np.r_[True, point_i[1:] != point_i[:-1]] if point_i.size else point_i.astype(bool)
        for p, a in zip(point_i[first], area_i[first], strict=True):
            result[int(ok[p])] = self.names[int(a)]
        return result

    def neighbours(self, tolerance: float = 0.01) -> dict[str, list[str]]:
        """Each area's neighbours (polygons within ``tolerance`` degrees), sorted by name."""
        import shapely

        tree = shapely.STRtree(self.geometries)
        grown = shapely.buffer(np.asarray(self.geometries, dtype=object), tolerance)
        left, right = tree.query(grown, predicate="intersects")
        out: dict[str, set[str]] = {n: set() for n in self.names}
        for i, j in zip(left, right, strict=True):
            if i != j:
                out[self.names[int(i)]].add(self.names[int(j)])
        return {n: sorted(v) for n, v in out.items()}


def read_geojson(path: str | Path, key: str | None = None) -> dict[str, Any]:
    """The one GeoJSON reader: a FeatureCollection (``.geojson``/``.json``, gzipped or not) whose
    features all have the property ``key`` when one is given.

    Every command that takes boundaries reads them here, so a missing file, a folder, bad JSON,
    a file that is not a FeatureCollection or a missing name property read the same everywhere.

    >>> import json, tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "b.geojson"
    >>> _ = p.write_text(json.dumps({"type": "FeatureCollection", "features": [
    ...     {"type": "Feature", "properties": {"pcode": "KE01"}, "geometry": None}]}))
    >>> read_geojson(p, "adm1_pcode")
    Traceback (most recent call last):
    humsec.core.errors.DataError: b.geojson: no feature has the property 'adm1_pcode' (the area names); the features have ['pcode'].
    """
    from humsec.core.errors import SpecError
    from humsec.core.files import read_config

    p = Path(path)
    try:
        doc = read_config(p, what="GeoJSON boundaries (a FeatureCollection)", json_only=True)
    except SpecError as exc:  # a data file, not a specification: one line naming it
        raise DataError(f"{p.name}: {exc.problems[0][1]}.") from None
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list) or not features or not all(isinstance(f, dict) for f in features):
        msg = f"{p.name}: expected GeoJSON boundaries, a FeatureCollection with a list of features; found none."
        raise DataError(msg)
    if key is not None:
        props = [f.get("properties") or {} for f in features]
        lacking = [i for i, pr in enumerate(props) if key not in pr]
        if len(lacking) == len(props):
            have = sorted({str(k) for pr in props for k in pr})
            more = " ..." if len(have) > 20 else ""
            msg = f"{p.name}: no feature has the property {key!r} (the area names); the features have {have[:20]}{more}."
            raise DataError(msg)
        if lacking:
            msg = (
                f"{p.name}: {len(lacking)} of {len(props)} features have no property {key!r} (the area "
                f"names), e.g. feature {lacking[0] + 1}; every feature needs one."
            )
            raise DataError(msg)
    return dict(doc)


def read_boundaries(path: str | Path, *, name_property: str = "adm1_name") -> Boundaries:
    """Read a GeoJSON FeatureCollection; each feature's area name is ``name_property``."""
    import shapely

    source = str(path)
    features = read_geojson(path, name_property)["features"]
    names = [str((f.get("properties") or {}).get(name_property)) for f in features]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise DataError(f"{source}: area names repeat in {name_property!r}: {dup}")
    geoms = [shapely.make_valid(shapely.geometry.shape(f["geometry"])) for f in features]
    return Boundaries(names, geoms, features, source)


def wound_for_d3(geometry: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The GeoJSON ``geometry`` with its rings wound as d3-geo (Vega, Altair) draws them:
    exterior rings clockwise, holes counter-clockwise.

    RFC 7946 asks for the opposite (the right-hand rule) and files in the wild mix both. d3 works
    on the sphere, where a counter-clockwise exterior encloses the whole globe *except* the area,
    so one such ring paints the whole map one colour. Points and lines come back unchanged, and
    so does a missing geometry (``None``).

    >>> square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    >>> wound_for_d3(square)["coordinates"]  # counter-clockwise in, clockwise out
    [[[0.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, 0.0], [0.0, 0.0]]]
    >>> wound_for_d3(wound_for_d3(square)) == wound_for_d3(square)
    True
    """
    import shapely

    if not geometry:
        return None
    oriented = shapely.orient_polygons(shapely.geometry.shape(geometry), exterior_cw=True)
    return dict(json.loads(shapely.to_geojson(oriented)))
