"""Country choices (ISO 3166-1 alpha-3) from pycountry, so that every record uses the same codes
as the humsec library and HXL (``#country+code``).

>>> country_name("KEN")
'Kenya'
>>> country_name("XXX")
'XXX'
"""

from __future__ import annotations

from functools import lru_cache

import pycountry


@lru_cache(maxsize=1)
def country_choices() -> list[tuple[str, str]]:
    """(code, name) pairs sorted by name, for form selects."""
    return sorted(((c.alpha_3, c.name) for c in pycountry.countries), key=lambda p: p[1])


def country_name(code: str) -> str:
    """The country's short name, or the code itself when unknown."""
    found = pycountry.countries.get(alpha_3=(code or "").upper())
    return found.name if found else code
