"""Places shipped with humsec: the OCHA COD P-code gazetteer (admin 1 and 2, 156 countries) and
admin boundaries for maps (see ``places/SOURCE.md`` for origins and licences).

>>> gaz = load_pcodes()
>>> gaz.loc[gaz["P-Code"] == "KE023", "Name"].item()
'Turkana'
>>> len(load_boundaries("KEN-adm1")["features"])
47

Names that do not match are given real suggestions: a country by its ISO 3166 code (pycountry's
names and the common short names of :data:`COUNTRY_ALIASES`), anything else by spelling.

>>> country_iso3("DR Congo"), country_iso3("DR Congo (Zaire)"), country_iso3("Congo")
('COD', 'COD', 'COG')
>>> suggest_names("DR Congo", ["Congo", "DR Congo (Zaire)", "Kenya"])
['DR Congo (Zaire)']
>>> suggest_names("Luwero", ["Luweero", "Lwengo", "Kampala"])
['Luweero']
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from humsec.core.errors import DataError

__all__ = [
    "BUILTIN_BOUNDARIES",
    "COUNTRY_ALIASES",
    "country_iso3",
    "load_boundaries",
    "load_pcodes",
    "suggest_names",
]

#: common short names that ISO 3166 (pycountry) does not list, as UN, UCDP, ACLED and the press
#: write them -> ISO3. pycountry knows the ISO names, official names and codes itself.
COUNTRY_ALIASES = {
    "dr congo": "COD", "drc": "COD", "d.r. congo": "COD", "congo-kinshasa": "COD",
    "congo kinshasa": "COD", "democratic republic of congo": "COD",
    "democratic republic of the congo": "COD", "zaire": "COD",
    "republic of the congo": "COG", "congo-brazzaville": "COG", "congo brazzaville": "COG",
    "ivory coast": "CIV", "cote d'ivoire": "CIV", "burma": "MMR", "russia": "RUS",
    "soviet union": "RUS", "turkey": "TUR", "turkiye": "TUR", "north korea": "PRK",
    "south korea": "KOR", "swaziland": "SWZ", "kingdom of eswatini": "SWZ", "eswatini": "SWZ",
    "cape verde": "CPV", "east timor": "TLS", "macedonia": "MKD", "palestine": "PSE",
    "state of palestine": "PSE", "kampuchea": "KHM", "malagasy": "MDG", "rhodesia": "ZWE",
    "yugoslavia": "SRB", "north yemen": "YEM", "bosnia-herzegovina": "BIH",
    "the gambia": "GMB", "gambia": "GMB", "czech republic": "CZE", "vatican": "VAT",
    "micronesia": "FSM", "south sudan": "SSD", "sudan": "SDN", "car": "CAF",
    "central african republic": "CAF", "uk": "GBR", "usa": "USA", "united states": "USA",
}  # fmt: skip

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
    from humsec.core.boundaries import read_geojson

    return read_geojson(path)


def _fold(text: str) -> str:
    """Lower case, accents and extra spaces removed: 'Côte d’Ivoire ' -> "cote d'ivoire"."""
    text = unicodedata.normalize("NFKD", str(text).replace("’", "'"))
    return re.sub(r"\s+", " ", text.encode("ascii", "ignore").decode()).strip().lower()


def country_iso3(name: str) -> str | None:
    """ISO 3166 alpha-3 code of a country name, code or common short name (None if unknown).

    A name with a former name in parentheses (UCDP's ``DR Congo (Zaire)``) is tried whole, then part
    by part.
    """
    import pycountry

    text = str(name)
    parts = [text, *re.split(r"\s*[()]\s*", text)]
    for part in (p for p in parts if p.strip()):
        folded = _fold(part)
        if folded in COUNTRY_ALIASES:
            return COUNTRY_ALIASES[folded]
        try:
            return str(pycountry.countries.lookup(part.strip()).alpha_3)
        except LookupError:
            continue
    return None


def suggest_names(value: str, choices: Iterable[str], n: int = 1) -> list[str]:
    """The ``choices`` that ``value`` most likely means: the same country (ISO 3166 code) first,
    else the nearest spellings (case and accents ignored; difflib's ratio of at least 0.6)."""
    options = [str(c) for c in dict.fromkeys(choices)]
    iso = country_iso3(value)
    if iso is not None:
        same = [c for c in options if country_iso3(c) == iso]
        if same:
            return same[:n]
    folded = {_fold(c): c for c in options}
    near = difflib.get_close_matches(_fold(value), list(folded), n=n)
    return [folded[c] for c in near]
