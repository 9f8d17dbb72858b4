"""Places shipped with humsec: the OCHA COD P-code gazetteer (admin 1 and 2, 156 countries) and
admin boundaries for maps (see ``places/SOURCE.md`` for origins and licences).

>>> gaz = load_pcodes()
>>> gaz.loc[gaz["P-Code"] == "KE023", "Name"].item()
'Turkana'
>>> len(load_boundaries("KEN-adm1")["features"])
47
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from humsec.exceptions import DataError

__all__ = ["BUILTIN_BOUNDARIES", "load_boundaries", "load_pcodes"]

#: name -> (file, property holding the P-code)
BUILTIN_BOUNDARIES = {
    "KEN-adm1": ("ken_adm1_counties.geojson.gz", "adm1_pcode"),
    "BGD-adm1": ("bgd_adm1_divisions.geojson.gz", "adm1_pcode"),
}


def _path(name: str) -> Path:
    return Path(str(resources.files("humsec.datasets") / "places" / name))


@lru_cache(maxsize=1)
def _pcodes() -> pd.DataFrame:
    return pd.read_csv(_path("cod_pcodes_adm1_adm2.csv.gz"), dtype=str).astype({"Admin Level": int})


def load_pcodes() -> pd.DataFrame:
    """The COD gazetteer: ``Location`` (ISO3), ``Admin Level``, ``P-Code``, ``Name``,
    ``Parent P-Code``, ``Valid from date`` (a copy: callers may change it)."""
    return _pcodes().copy()


def load_boundaries(name_or_path: str | Path) -> dict[str, Any]:
    """GeoJSON of a built-in boundary set (:data:`BUILTIN_BOUNDARIES`) or of a file
    (``.geojson`` or ``.geojson.gz``)."""
    if str(name_or_path) in BUILTIN_BOUNDARIES:
        path = _path(BUILTIN_BOUNDARIES[str(name_or_path)][0])
    else:
        path = Path(name_or_path)
        if not path.exists():
            raise DataError(
                f"Boundaries {str(name_or_path)!r}: no such file, and not a built-in set "
                f"{sorted(BUILTIN_BOUNDARIES)}."
            )
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as fh:
            geo = json.load(fh)
    except (OSError, ValueError) as exc:
        raise DataError(f"Cannot read the boundaries {path} as GeoJSON: {exc}") from exc
    if not isinstance(geo, dict) or not geo.get("features"):
        raise DataError(f"The boundaries {path} hold no GeoJSON features.")
    return geo
