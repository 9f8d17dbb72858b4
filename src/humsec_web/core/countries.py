"""Country choices (ISO 3166-1 alpha-3) from pycountry, so that every record uses the same codes
as the humsec library and HXL (``#country+code``). Pages show the names in the reader's language,
from pycountry's own translations (the iso-codes project); :func:`country_name` stays English (logs,
audit trails, messages stored).

>>> country_name("KEN")
'Kenya'
>>> country_name("XXX")
'XXX'
"""

from __future__ import annotations

import gettext
from functools import lru_cache

import pycountry
from django.utils.translation import get_language


@lru_cache(maxsize=8)
def _names(language: str) -> gettext.NullTranslations:
    """pycountry's translations of the ISO 3166-1 names into ``language`` (none for English)."""
    if language == "en":
        return gettext.NullTranslations()
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except OSError:
        return gettext.NullTranslations()


def _language() -> str:
    return (get_language() or "en").split("-")[0].lower()


def country_choices() -> list[tuple[str, str]]:
    """(code, name) pairs sorted by name, for form selects and models' choices, in the active language."""
    return _choices(_language())


@lru_cache(maxsize=8)
def _choices(language: str) -> list[tuple[str, str]]:
    names = _names(language)
    return sorted(((c.alpha_3, names.gettext(c.name)) for c in pycountry.countries), key=lambda p: p[1])


def country_name(code: str) -> str:
    """The country's short name in English, or the code itself when unknown."""
    found = pycountry.countries.get(alpha_3=(code or "").upper())
    return found.name if found else code


def country_label(code: str) -> str:
    """The country's short name in the active language (pages), or the code itself when unknown."""
    return _names(_language()).gettext(country_name(code))
