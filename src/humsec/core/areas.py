"""Admin-area names: one canonical spelling, and unknown names listed with the nearest known ones.

Event data spell the same area many ways (``Bago Division``, ``Bago  region``; ``Barisāl``;
``Karen State`` / ``Kayin State``). :func:`canonical_area` removes accents, unit-type words
(division, state, region, province, district) and extra spaces, and maps former names to current
ones (:data:`FORMER_NAMES`: Myanmar's pre-1989/2008 English names).

>>> [canonical_area(n) for n in ["Bago  region", "Barisāl Division", "Karen State", "Magwe Division"]]
['Bago', 'Barisal', 'Kayin', 'Magway']
>>> match_areas(["Dhaka", "Sylhet"], ["Dhaka", "Sylhet", "Khulna"])
>>> match_areas(["Dhakka"], ["Dhaka", "Sylhet"], source="events.csv")
Traceback (most recent call last):
...
humsec.core.errors.DataError: 1 area name(s) in events.csv are not among the 2 known areas: 'Dhakka' (nearest: 'Dhaka')
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence

from humsec.core.errors import DataError

__all__ = ["FORMER_NAMES", "canonical_area", "match_areas", "nearest_names"]

#: former English names → current names (Myanmar renamed its states/regions in 1989 and 2008)
FORMER_NAMES = {
    "Karen": "Kayin",
    "Karenni": "Kayah",
    "Magwe": "Magway",
    "Pegu": "Bago",
    "Irrawaddy": "Ayeyarwady",
    "Tenasserim": "Tanintharyi",
    "Rangoon": "Yangon",
    "Arakan": "Rakhine",
}

_UNIT_WORDS = re.compile(r"\b(division|state|region|province|district|governorate)\b", re.I)


def canonical_area(name: object) -> str:
    """One spelling of an area name: no accents, no unit-type word, single spaces."""
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = " ".join(_UNIT_WORDS.sub(" ", text).split())
    return FORMER_NAMES.get(text, text)


def nearest_names(name: str, known: Sequence[str], n: int = 2) -> list[str]:
    """The known names closest to ``name`` (case-insensitive difflib ratio ≥ 0.6)."""
    lowered = {k.lower(): k for k in known}
    return [lowered[m] for m in difflib.get_close_matches(name.lower(), list(lowered), n, 0.6)]


def match_areas(names: Iterable[str], known: Sequence[str], *, source: str | None = None) -> None:
    """Raise a DataError listing every name not in ``known``, each with its nearest known names."""
    known_set = set(known)
    unknown = sorted({n for n in names if n not in known_set})
    if not unknown:
        return
    parts = []
    for name in unknown[:20]:
        near = nearest_names(name, known)
        parts.append(f"{name!r}" + (f" (nearest: {', '.join(map(repr, near))})" if near else ""))
    more = f" and {len(unknown) - 20} more" if len(unknown) > 20 else ""
    where = f" in {source}" if source else ""
    raise DataError(
        f"{len(unknown)} area name(s){where} are not among the {len(known_set)} known areas: "
        + "; ".join(parts)
        + more
    )
