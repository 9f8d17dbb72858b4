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

import functools
import gettext
import io
import re
from dataclasses import dataclass, field
from importlib import resources

from humsec.core.errors import ParameterError

__all__ = ["LANGUAGES", "N_", "PSEUDO", "Language", "Translator", "translator"]


@dataclass(frozen=True)
class Language:
    code: str  # ISO 639-1
    name: str  # in English
    native: str  # in the language itself
    direction: str  # "ltr" or "rtl"


#: The languages reports can be written in (declared once: CLI choices, review files, tests)
LANGUAGES = {
    "en": Language("en", "English", "English", "ltr"),
    "fr": Language("fr", "French", "Français", "ltr"),
    "es": Language("es", "Spanish", "Español", "ltr"),
    "ar": Language("ar", "Arabic", "العربية", "rtl"),
}

#: A pseudo-locale for tests: shows which strings went through translation
PSEUDO = "qps"


def N_(message: str) -> str:
    """Mark a string for translation where it is defined; it is translated where it is shown."""
    return message


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

    def missing_note(self) -> str:
        """One sentence on the strings shown in English, or '' when every string had a translation."""
        if not self.missing:
            return ""
        return (
            f"{len(self.missing)} string(s) have no {self.language.name} translation yet and are shown "
            f"in English (humsec/locale/{self.code}/LC_MESSAGES/humsec.po)."
        )


def translator(code: str | None) -> Translator:
    """The translator for a language code (None: English); an unknown code is an error listing the
    available ones."""
    code = (code or "en").strip()
    if code == PSEUDO:
        return Translator(Language(PSEUDO, "pseudo-locale", "pseudo", "ltr"), gettext.NullTranslations())
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
