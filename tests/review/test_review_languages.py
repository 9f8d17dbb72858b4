"""``humsec review --lang``: the report's frame, section titles, brief and slides in French, Spanish
and Arabic (right-to-left), the published numbers unchanged; unknown languages refused first."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pptx import Presentation
from typer.testing import CliRunner

from humsec.cli.main import app
from tests.cli.test_review_cli import _small_review

runner = CliRunner()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("languages")
    _small_review(folder)
    res = runner.invoke(app, ["review", str(folder / "review.yaml"), "--out", str(folder / "en"), "--no-pdf", "-q"])
    assert res.exit_code == 0, res.output
    return folder


def _build(folder: Path, lang: str, *extra: str) -> Path:
    out = folder / lang
    res = runner.invoke(app, ["review", str(folder / "review.yaml"), "--out", str(out), "--lang", lang, *extra])
    assert res.exit_code == 0, res.output
    assert "no French translation" not in res.output  # every string of the frame has one
    return out


@pytest.mark.parametrize(("lang", "summary", "profile", "finding"), [
    ("fr", "Résumé analytique", "Le profil multidimensionnel", "des personnes sont en insécurité multidimensionnelle"),
    ("es", "Resumen ejecutivo", "El perfil multidimensional", "de las personas está en inseguridad multidimensional"),
])  # fmt: skip
def test_review_in_another_language(folder: Path, lang: str, summary: str, profile: str, finding: str) -> None:
    out = _build(folder, lang, "--no-pdf")
    page = (out / "review.html").read_text(encoding="utf-8")
    assert f'<html lang="{lang}" dir="ltr">' in page
    assert f">{summary}</h2>" in page and f">{profile}</h2>" in page
    assert ">Executive summary<" not in page and ">Statistical disclosure control<" not in page
    # the findings are written in the language, with the same cited numbers as in English
    english = (folder / "en" / "review.html").read_text(encoding="utf-8")
    top = page.split('id="summary"', 1)[1].split("</ul>", 1)[0]
    top_en = english.split('id="summary"', 1)[1].split("</ul>", 1)[0]
    assert finding in top and "multidimensionally insecure" not in top
    cited = re.findall(r'data-row="([^"]+)"[^>]*>([^<]+)</a>', top)
    cited_en = re.findall(r'data-row="([^"]+)"[^>]*>([^<]+)</a>', top_en)
    assert [r for r, _ in cited] == [r for r, _ in cited_en] and len(cited) >= 8
    # ... each written as the language writes numbers (decimal comma), the same value
    assert [_value(n, lang) for _, n in cited] == [_value(n, "en") for _, n in cited_en]
    assert any("," in n for _, n in cited) and not any(re.search(r"\d\.\d", n) for _, n in cited)
    # table titles, column headings and figure captions are in the language too
    assert {"fr": ">estimation</th>", "es": ">estimación</th>"}[lang] in page
    assert {"fr": "Privations (k = ", "es": "Privaciones (k = "}[lang] in page
    assert 'lang="en"' not in page
    # the published tables are the same numbers, whatever the language
    for csv in (folder / "en" / "tables").glob("*.csv"):
        assert (out / "tables" / csv.name).read_bytes() == csv.read_bytes(), csv.name
    deck = Presentation(str(out / "slides.pptx"))
    assert profile in [s.shapes.title.text for s in deck.slides]
    assert not (out / "brief.html").exists()  # --no-pdf: no brief either (checked in Arabic, with its PDF)


#: grouping and decimal signs of the numbers cited in each language (CLDR, as Babel gives them)
_SIGNS = {"en": (",", "."), "fr": ("\u202f", ","), "es": (".", ","), "ar": (",", ".")}


def _value(text: str, lang: str) -> float:
    """A cited number (``23,5\xa0%``, ``−1,2\xa0p.p.``, ``1.234``) as a float, read with the
    language's signs."""
    group, decimal = _SIGNS[lang]
    number = re.search(r"[−+-]?[\d\u202f.,]*\d", text)
    assert number, text
    digits = number.group().replace(group, "").replace(decimal, ".").replace("−", "-")
    return float(digits)


def test_arabic_reads_right_to_left_in_the_report_and_the_brief(folder: Path) -> None:
    pytest.importorskip("weasyprint")
    out = _build(folder, "ar")
    page = (out / "review.html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in page and ">الملخص التنفيذي</h2>" in page
    assert "يعاني" in page.split('id="summary"', 1)[1].split("</ul>", 1)[0]  # the first finding, in Arabic
    brief = (out / "brief.html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in brief and ">النتائج الرئيسية</h2>" in brief
    for name in ("review.pdf", "brief.pdf"):
        assert (out / name).read_bytes().startswith(b"%PDF")
    deck = Presentation(str(out / "slides.pptx"))
    finding = list(deck.slides)[1]
    assert finding.shapes.title.text == "الصورة متعددة الأبعاد"
    paragraphs = [p for shape in finding.shapes if shape.has_text_frame for p in shape.text_frame.paragraphs]
    assert paragraphs and all(p._p.pPr.get("rtl") == "1" for p in paragraphs)  # the slide reads right to left


def test_the_review_file_names_the_language(folder: Path, tmp_path: Path) -> None:
    review = folder / "review.yaml"
    spanish = tmp_path / "review.yaml"
    spanish.write_text(review.read_text(encoding="utf-8").replace("title: Test review", "title: Test review\nlanguage: es")
                       .replace("survey.csv", str(folder / "survey.csv")).replace("counties.csv", str(folder / "counties.csv"))
                       .replace("ipc.csv", str(folder / "ipc.csv")), encoding="utf-8")  # fmt: skip
    res = runner.invoke(app, ["review", str(spanish), "--out", str(tmp_path / "out"), "--no-pdf", "--no-slides", "-q"])
    assert res.exit_code == 0, res.output
    assert '<html lang="es" dir="ltr">' in (tmp_path / "out" / "review.html").read_text(encoding="utf-8")
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(spanish.read_text(encoding="utf-8").replace("language: es", "language: de"), encoding="utf-8")
    res = runner.invoke(app, ["review", str(wrong), "--out", str(tmp_path / "out2"), "--no-pdf"])
    assert res.exit_code == 2 and "language" in res.output and "en, fr, es, ar" in res.output
    assert not (tmp_path / "out2").exists()


def test_an_unknown_language_is_refused_before_any_work(folder: Path, tmp_path: Path) -> None:
    res = runner.invoke(app, ["review", str(folder / "review.yaml"), "--out", str(tmp_path / "out"), "--lang", "de"])
    assert res.exit_code == 2
    assert "Unknown language 'de'" in res.output and "ar (Arabic)" in res.output
    assert "Traceback" not in res.output and not (tmp_path / "out").exists()


#: headings that are symbols (the same in every language) or the review file's own labels and dates
_NOT_WORDS = {"n", "a", "b", "p", "q", "r", "V", "R0", "P(a|b)", "P(b|a)", "SDC", "sha256", "Poverty (%)",
              "Water (%)", "Feb 2022", "Jul 2019", "counties.csv"}  # fmt: skip


def test_every_word_of_the_report_goes_through_translation(folder: Path) -> None:
    """The pseudo-locale ``qps`` brackets every translated string: in the report built in it, every
    section and table title, column heading, figure caption and note is bracketed, except symbols
    and the review file's own labels."""
    out = folder / "qps"
    res = runner.invoke(app, ["review", str(folder / "review.yaml"), "--out", str(out), "--lang", "qps", "--no-pdf",
                              "--no-slides", "-q"])  # fmt: skip
    assert res.exit_code == 0, res.output
    page = (out / "review.html").read_text(encoding="utf-8")
    for tag in ("h2", "h3", "th", "figcaption"):
        texts = re.findall(rf"<{tag}[^>]*>(.*?)</{tag}>", page, flags=re.S)
        assert texts or tag == "figcaption"
        english = sorted({t for t in texts if "⟦" not in t} - _NOT_WORDS)
        assert not english, (tag, english)
    for note in re.findall(r'<p class="(?:note|small)"[^>]*>(.*?)</p>', page, flags=re.S):
        words = re.sub(r"⟦.*?⟧|<[^>]+>|a synthetic survey|\S+\.csv|[\d.·]+", " ", note, flags=re.S)
        assert not re.findall(r"\b[a-z]{4,}\b", words) or "humsec" in words, note  # versions line: names
    cells = re.findall(r'<td class="(?:sup|sdc)"[^>]*>(.*?)</td>', page)
    assert all("⟦" in c or not re.search(r"[a-z]{3,}", c) for c in cells), [c for c in cells if "⟦" not in c][:5]
