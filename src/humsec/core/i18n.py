"""The languages of humsec's reports, and their translations (gettext catalogues read with Babel).

The languages are declared once (:data:`LANGUAGES`); each has a catalogue
``humsec/locale/<code>/LC_MESSAGES/humsec.po`` holding every string marked for translation in the
library (``_()`` / ``N_()`` in Python, ``{{ _("…") }}`` in templates). A string without a
translation yet is shown in English and recorded in :attr:`Translator.missing`, which the caller
reports: never a blank or a broken page. ``qps`` is a pseudo-locale for tests (every translated
string comes back marked and accented), not offered to users.

>>> fr = translator("fr")
>>> fr.gettext("Executive summary")
'Résumé analytique'
>>> translator("ar").direction
'rtl'
>>> translator("qps").gettext("Maps")
'⟦Ṁàpš⟧'
"""

from __future__ import annotations

import contextlib
import functools
import gettext
import io
import re
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from humsec.core.errors import ParameterError

__all__ = [
    "LANGUAGES",
    "N_",
    "PSEUDO",
    "Language",
    "Marked",
    "Translator",
    "active_translator",
    "format_number",
    "translator",
    "using",
]


@dataclass(frozen=True)
class Language:
    code: str  # ISO 639-1
    name: str  # in English
    native: str  # in the language itself
    direction: str  # "ltr" or "rtl"
    time_locale: str  # d3-time-format's locale of the charts' month and day names


#: The languages reports can be written in (declared once: CLI choices, review files, tests)
LANGUAGES = {
    "en": Language("en", "English", "English", "ltr", "en-US"),
    "fr": Language("fr", "French", "Français", "ltr", "fr-FR"),
    "es": Language("es", "Spanish", "Español", "ltr", "es-ES"),
    "ar": Language("ar", "Arabic", "العربية", "rtl", "ar-EG"),
}

#: A pseudo-locale for tests: shows which strings went through translation
PSEUDO = "qps"


class Marked(str):
    """A string marked for translation (by :func:`N_`): still the English text, but
    :meth:`Translator.text` translates it where it is shown, while a plain string (a user's own
    label, a file's column name) is shown as it is. :meth:`fill` puts values into its
    ``%(name)s`` placeholders and keeps them apart, so that the translation gets them too.

    >>> label = N_("survey microdata: %(name)s").fill(name="DHS 2022")
    >>> label, translator("fr").text(label)
    ('survey microdata: DHS 2022', 'microdonnées d’enquête : DHS 2022')
    """

    msgid: str
    values: dict[str, Any]

    def __new__(cls, message: str, msgid: str | None = None, values: dict[str, Any] | None = None) -> Marked:
        self = super().__new__(cls, message)
        self.msgid = message if msgid is None else msgid
        self.values = values or {}
        return self

    def fill(self, **values: Any) -> Marked:
        return Marked(self.msgid % values, self.msgid, values)


def N_(message: str) -> Marked:
    """Mark a string for translation where it is defined; it is translated where it is shown.

    >>> translator("es").text(N_("area")), translator("es").text("area")
    ('zona', 'area')
    """
    return Marked(message)


@dataclass
class Translator:
    """Translations into one language; what had none is kept in :attr:`missing` (shown in English)."""

    language: Language
    catalogue: gettext.NullTranslations
    translated: frozenset[str] = frozenset()  # msgids with a translation in the catalogue
    missing: set[str] = field(default_factory=set)

    @property
    def code(self) -> str:
        return self.language.code

    @property
    def direction(self) -> str:
        return self.language.direction

    def gettext(self, message: str) -> str:
        if self.code == PSEUDO:
            return _pseudo(message)
        if self.code != "en" and message and message not in self.translated:
            self.missing.add(message)
        return self.catalogue.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if self.code == PSEUDO:
            return _pseudo(singular if n == 1 else plural)
        if self.code != "en" and singular not in self.translated:
            self.missing.add(singular)
        return self.catalogue.ngettext(singular, plural, n)  # the catalogue's own Plural-Forms

    def text(self, value: Any) -> Any:
        """``value`` translated when it was marked by :func:`N_`; anything else unchanged."""
        if not isinstance(value, Marked):
            return value
        translated = self.gettext(value.msgid)
        return translated % value.values if value.values else translated

    def texts(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """A mapping's marked values translated (table headings: ``{"row_id": N_("row"), ...}``)."""
        return {key: self.text(value) for key, value in values.items()}

    def number(self, value: float, how: str) -> str:
        """A number as this language writes it (see :func:`format_number`)."""
        return format_number(value, how, self.code, unit=self.gettext(N_("pp")))

    def missing_note(self) -> str:
        """One sentence on the strings shown in English, or '' when every string had a translation."""
        if not self.missing:
            return ""
        return (
            f"{len(self.missing)} string(s) have no {self.language.name} translation yet and are shown "
            f"in English (humsec/locale/{self.code}/LC_MESSAGES/humsec.po)."
        )


# ---------------------------------------------------------------------------- numbers
def format_number(value: float, how: str, code: str = "en", unit: str = "pp") -> str:
    """One number as the report shows it: ``pct`` (a share 0–1 as %), ``pp`` (a change of a share,
    signed percentage points, ``unit`` after it), ``pct100`` (already %), ``int``, ``f2``/``f3``…
    (fixed decimals), anything else the shortest form. English keeps humsec's own format (the
    published tables and charts were checked in it); the other languages take their decimal and
    grouping signs and the place of the % sign from CLDR through Babel, with Latin digits (as the
    tables and CSV files have them, and as UN Arabic statistical tables print them).

    >>> format_number(0.1234, "pct"), format_number(0.1234, "pct", "fr"), format_number(-0.012, "pp", "es", "p. p.")
    ('12.3%', '12,3\xa0%', '−1,2\xa0p. p.')
    >>> format_number(1234567, "int", "fr"), format_number(1234567, "int", "ar")
    ('1\u202f234\u202f567', '1,234,567')
    """
    v = float(value)
    if code in ("en", PSEUDO) or code not in LANGUAGES:
        if how == "pct":
            return f"{100 * v:.1f}%"
        if how == "pp":
            return f"{100 * v:+.1f} {unit}".replace("-", "−")
        if how == "pct100":
            return f"{v:.1f}%"
        if how == "int":
            return f"{v:,.0f}"
        if how.startswith("f") and how[1:].isdigit():
            return f"{v:.{int(how[1:])}f}"
        return f"{v:g}"
    from decimal import Decimal

    from babel import Locale
    from babel.numbers import parse_pattern

    locale = Locale.parse(code)

    def decimals(x: float, places: int) -> str:
        # rounded by Python first, as the English text and the tables are, so that every language
        # shows the same digits (Babel alone would round the decimal repr half-even: 2.675 → 2.68)
        exact = Decimal(f"{x:.{places}f}")
        pattern = parse_pattern("#,##0" + ("." + "0" * places if places else ""))
        return str(pattern.apply(exact, locale, numbering_system="latn"))

    if how in ("pct", "pct100"):
        pattern = parse_pattern(locale.percent_formats[None].pattern)
        pattern.frac_prec = (1, 1)
        exact = Decimal(f"{100 * v if how == 'pct' else v:.1f}") / 100
        return str(pattern.apply(exact, locale, numbering_system="latn"))
    if how == "pp":
        body = decimals(abs(100 * v), 1)
        return ("+" if f"{100 * v:+.1f}"[0] == "+" else "−") + body + "\u00a0" + unit
    if how == "int":
        return decimals(v, 0)
    if how.startswith("f") and how[1:].isdigit():
        return decimals(v, int(how[1:])).replace("\u200e", "")
    return f"{v:g}".replace(".", locale.number_symbols["latn"]["decimal"])


#: the language whose translator formats numbers and words while a review is built or drawn
_ACTIVE: ContextVar[Translator | None] = ContextVar("humsec_language", default=None)


@contextlib.contextmanager
def using(tr: Translator) -> Iterator[Translator]:
    """Numbers and marked words shown inside the block are in ``tr``'s language (as Django's
    ``translation.override``): the review's builders and renderers share one language without
    passing it to every formatting call."""
    token = _ACTIVE.set(tr)
    try:
        yield tr
    finally:
        _ACTIVE.reset(token)


def active_translator() -> Translator:
    """The translator of the innermost :func:`using` block, else English."""
    return _ACTIVE.get() or translator("en")


def language_code(code: str | None) -> str:
    """A language code as the catalogues key it: language tags are case-insensitive (BCP 47), so
    ``" FR"`` is ``fr``; None is English.

    >>> language_code(" FR"), language_code(None)
    ('fr', 'en')
    """
    return (code or "en").strip().lower()


def translator(code: str | None) -> Translator:
    """The translator for a language code (None: English); an unknown code is an error listing the
    available ones."""
    code = language_code(code)
    if code == PSEUDO:
        return Translator(Language(PSEUDO, "pseudo-locale", "pseudo", "ltr", "en-US"), gettext.NullTranslations())
    if code not in LANGUAGES:
        available = ", ".join(f"{c} ({lang.name})" for c, lang in LANGUAGES.items())
        raise ParameterError(f"Unknown language {code!r}: the available languages are {available}.")
    if code == "en":
        return Translator(LANGUAGES[code], gettext.NullTranslations())
    mo, translated = _compiled(code)
    return Translator(LANGUAGES[code], gettext.GNUTranslations(io.BytesIO(mo)), translated)


@functools.cache
def _compiled(code: str) -> tuple[bytes, frozenset[str]]:
    """A language's catalogue (the .po shipped in the package) compiled to .mo in memory, and the
    msgids it translates (fuzzy and empty entries count as untranslated)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    path = resources.files("humsec") / "locale" / code / "LC_MESSAGES" / "humsec.po"
    with path.open("rb") as fh:
        catalogue = read_po(fh, locale=code)
    translated: set[str] = set()
    for message in catalogue:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.id and not message.fuzzy and all(strings):
            translated.add(str(message.id[0] if isinstance(message.id, (tuple, list)) else message.id))
    buffer = io.BytesIO()
    write_mo(buffer, catalogue, use_fuzzy=False)
    return buffer.getvalue(), frozenset(translated)


_ACCENTS = str.maketrans("aeiouyAEIOUYcnsCNSMm", "àéîöûýÀÉÎÖÛÝçñšÇÑŠṀṁ")


def _pseudo(message: str) -> str:
    """Accented and bracketed, placeholders ({name}, %(name)s) and markup left intact."""
    parts = re.split(r"(\{[^}]*\}|%\([^)]*\)[sd]|<[^>]+>)", message)
    return "⟦" + "".join(p if i % 2 else p.translate(_ACCENTS) for i, p in enumerate(parts)) + "⟧"
