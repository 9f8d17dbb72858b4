"""Languages of the reports: the catalogues hold every marked string, translations keep their
placeholders, templates show no English outside ``_()``, unknown languages are refused with the
list, and a string without a translation is shown in English and reported.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import humsec
from humsec.core.errors import ParameterError
from humsec.core.i18n import LANGUAGES, PSEUDO, translator

SRC = Path(humsec.__file__).parent
LOCALE = SRC / "locale"
METHODS = [("**/templates/**.j2", "jinja2"), ("**.py", "python")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "phrase": None}


def _marked() -> set[str]:
    """Every string marked for translation in the package's code and templates (as pybabel extracts)."""
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(SRC), METHODS, keywords=KEYWORDS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _catalogue(code: str) -> dict[str, tuple[str, ...]]:
    with (LOCALE / code / "LC_MESSAGES" / "humsec.po").open("rb") as fh:
        catalogue = read_po(fh, locale=code)
    out = {}
    for m in catalogue:
        if m.id and not m.fuzzy:
            key = m.id[0] if isinstance(m.id, tuple) else m.id
            out[key] = m.string if isinstance(m.string, tuple) else (m.string,)
    return out


def test_every_marked_string_is_in_every_catalogue_and_translated() -> None:
    marked = _marked()
    assert len(marked) >= 50  # the report's frame, section titles, brief and slides
    for code in LANGUAGES:
        if code == "en":
            continue
        catalogue = _catalogue(code)
        absent = sorted(marked - set(catalogue))
        assert not absent, f"{code}: not in the catalogue (run make messages): {absent[:5]}"
        untranslated = sorted(m for m in marked if not all(catalogue[m]))
        assert not untranslated, f"{code}: no translation yet: {untranslated[:5]}"


@pytest.mark.parametrize("code", [c for c in LANGUAGES if c != "en"])
def test_translations_keep_placeholders_and_markup(code: str) -> None:
    def marks(text: str) -> set[str]:
        return set(re.findall(r"%\(\w+\)[sd]|</?code>", text))

    for msgid, strings in _catalogue(code).items():
        for s in strings:
            assert marks(s) <= marks(msgid), (code, msgid, s)  # never a new placeholder
            # every one kept, but a plural form may say its number in words (Arabic one, two)
            assert marks(msgid) - {"%(num)d"} <= marks(s), (code, msgid, s)


def test_templates_show_no_english_outside_translation() -> None:
    """Pseudo-locale check of the templates' frame: what is left of a template once its tags,
    styles, Jinja expressions and statements are removed must hold no word."""
    for name in ("review.html.j2", "brief.html.j2"):
        text = (SRC / "review" / "templates" / name).read_text(encoding="utf-8")
        text = re.sub(r"<style>.*?</style>", " ", text, flags=re.S)
        text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " ", text, flags=re.S)
        text = re.sub(r"<[^>]+>", " ", text)
        text = re.sub(r"\bdocs/\w+\.md\b|\bsha256\b", " ", text)  # file names and a hash's name
        words = re.findall(r"[A-Za-z]{2,}", text)
        assert not words, (name, words[:20])


def test_pseudo_locale_marks_every_translated_string() -> None:
    tr = translator(PSEUDO)
    out = tr.gettext("Boundaries: <code>%(name)s</code> (supplied with this review).")
    assert out.startswith("⟦") and out.endswith("⟧")
    assert "<code>%(name)s</code>" in out and "Bîùñ" not in out and "Bòûñ" not in out
    assert tr.ngettext("%(num)d more finding", "%(num)d more findings", 2).count("%(num)d") == 1


def test_unknown_language_lists_the_available_ones() -> None:
    with pytest.raises(ParameterError) as err:
        translator("de")
    for code, lang in LANGUAGES.items():
        assert f"{code} ({lang.name})" in str(err.value)


def test_a_string_without_translation_is_english_and_reported() -> None:
    fr = translator("fr")
    assert fr.gettext("A sentence nobody translated") == "A sentence nobody translated"
    assert fr.gettext("Executive summary") == "Résumé analytique"
    assert fr.missing == {"A sentence nobody translated"}
    assert "1 string(s) have no French translation yet" in fr.missing_note()
    assert translator("en").gettext("Executive summary") == "Executive summary"


@pytest.mark.parametrize(("code", "n", "expected"), [
    ("fr", 1, "1 autre constat"), ("fr", 0, "0 autre constat"), ("fr", 3, "3 autres constats"),
    ("es", 1, "1 hallazgo más"), ("es", 4, "4 hallazgos más"),
    ("ar", 1, "نتيجة واحدة أخرى"), ("ar", 2, "نتيجتان أخريان"), ("ar", 5, "5 نتائج أخرى"), ("ar", 12, "12 نتيجة أخرى"),
])  # fmt: skip
def test_plural_forms_follow_each_language(code: str, n: int, expected: str) -> None:
    tr = translator(code)
    text = tr.ngettext("%(num)d more finding in the full report.", "%(num)d more findings in the full report.", n)
    assert (text % {"num": n}).startswith(expected)


def test_the_template_catalogue_is_current() -> None:
    """src/humsec/locale/humsec.pot lists exactly the marked strings (make messages writes it)."""
    with (LOCALE / "humsec.pot").open("rb") as fh:
        pot = {m.id[0] if isinstance(m.id, tuple) else m.id for m in read_po(fh) if m.id}
    assert pot == _marked()


def test_a_language_code_in_other_case_or_with_spaces_is_the_same_language() -> None:
    assert translator("FR").code == "fr" and translator(" es ").code == "es"
    assert translator("AR").direction == "rtl"
