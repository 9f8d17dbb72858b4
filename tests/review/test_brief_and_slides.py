"""The review's outputs for shorter audiences: ``brief.pdf`` (two pages) and ``slides.pptx``.

Built by ``humsec review`` on the small review of tests/cli/test_review_cli.py, as a user runs it.
Checked as the reader finally sees them: the brief prints on at most two A4 pages with the key
findings, a map, a chart and the top strategies; every number in the brief and on the slides is a
link to a row of the published tables, and equals that row's value as the report formats it; the
brief and the slides cite the same rows as the report's executive summary; one message per slide.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import pandas as pd
import pytest
from pptx import Presentation
from typer.testing import CliRunner

from humsec.cli.main import app
from humsec.review.base import fmt_value, row_anchor
from humsec.review.brief import BRIEF_PAGES, brief_pages, fit_brief, render_brief_html
from humsec.review.digest import Digest, Finding, html_runs
from humsec.review.slides import write_slides
from tests.cli.test_review_cli import _small_review

runner = CliRunner()
FORMATS = ("pct", "pp", "pct100", "int", "f1", "f2", "f3", "g")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("weasyprint")
    folder = tmp_path_factory.mktemp("brief")
    review = _small_review(folder)
    res = runner.invoke(app, ["review", str(review), "--out", str(folder / "out")])
    assert res.exit_code == 0, res.output
    assert "brief.pdf" in res.output and "slides.pptx" in res.output
    return folder / "out"


def _tables(built: Path) -> pd.DataFrame:
    return pd.concat([pd.read_csv(p) for p in (built / "tables").glob("*.csv")], ignore_index=True)


def _row_shows(tables: pd.DataFrame, row_id: str, text: str) -> bool:
    """Whether ``text`` is a value of the published row ``row_id`` in one of the report's formats."""
    rows = tables[tables["row_id"] == row_id]  # a row may be shown in two tables (all and national)
    assert len(rows), f"{row_id} is in no published table"
    values = [v for v in rows.to_numpy().ravel().tolist() if isinstance(v, (int, float)) and pd.notna(v)]
    return any(fmt_value(v, how) == text.strip() for v in values for how in FORMATS)


def _inflated(pdf: bytes) -> bytes:
    """The PDF with every Flate stream decompressed (where annotations and their URIs live)."""
    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, flags=re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(parts)


def _summary_rows(built: Path) -> list[str]:
    page = (built / "review.html").read_text(encoding="utf-8")
    summary = page.split('id="summary"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'data-row="([^"]+)"', summary)


def test_brief_prints_on_two_pages_with_map_chart_and_strategies(built: Path) -> None:
    pdf = (built / "brief.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    page = (built / "brief.html").read_text(encoding="utf-8")
    assert brief_pages(page) <= BRIEF_PAGES
    assert "Key findings" in page
    has_strategies = len(pd.read_csv(built / "tables" / "strategies.csv")) > 0
    assert ("Recommended strategies" in page) == has_strategies
    assert page.count("<figure>") == 2 and page.count("<svg") >= 2  # the map and the chart
    # the PDF keeps the links into the report (URI actions, inside its compressed object streams)
    assert b"review.html#row-" in _inflated(pdf)


def test_every_number_in_the_brief_is_its_row(built: Path) -> None:
    page = (built / "brief.html").read_text(encoding="utf-8")
    tables = _tables(built)
    cited = re.findall(r'<a class="num" href="review\.html#([^"]+)" data-row="([^"]+)"[^>]*>([^<]+)</a>', page)
    assert len(cited) >= 8
    for anchor, row_id, text in cited:
        assert anchor == row_anchor(row_id)
        assert _row_shows(tables, row_id, text), (row_id, text)
    # the same rows, in the same order, as the report's executive summary (all findings fit)
    assert [rid for _, rid, _ in cited] == _summary_rows(built)
    # no measured number outside a link in the findings
    findings = page.split('<ul class="findings">', 1)[1].split("</ul>", 1)[0]
    bare = re.sub(r'<span class="where">.*?</span>', "", re.sub(r"<a [^>]*>.*?</a>", "", findings))
    assert not re.findall(r"\d+\.\d+|\d+%|\d{1,3}(?:,\d{3})+", re.sub(r"<[^>]+>", "", bare))


def test_slides_one_message_each_numbers_linked_to_their_rows(built: Path) -> None:
    deck = Presentation(str(built / "slides.pptx"))
    tables = _tables(built)
    summary = _summary_rows(built)
    cited: list[str] = []
    pictures = 0
    for slide in list(deck.slides)[1:]:
        texts = [shape for shape in slide.shapes if shape.has_text_frame and shape != slide.shapes.title]
        pictures += sum(shape.shape_type == 13 for shape in slide.shapes)  # MSO_SHAPE_TYPE.PICTURE
        assert len(texts) <= 1  # one message per slide
        notes = slide.notes_slide.notes_text_frame.text
        for shape in texts:
            for run in (r for p in shape.text_frame.paragraphs for r in p.runs):
                address = run.hyperlink.address
                if address is None:
                    assert not re.search(r"\d+\.\d+|\d+%", run.text), run.text  # numbers are linked
                    continue
                row_id = next(rid for rid in summary if address == f"review.html#{row_anchor(rid)}")
                assert _row_shows(tables, row_id, run.text), (row_id, run.text)
                assert row_id in notes
                cited.append(row_id)
    assert cited == summary  # every finding of the report, each on its slide
    assert pictures >= 3  # charts and the map, as images
    titles = [s.shapes.title.text for s in deck.slides if s.shapes.title is not None]
    has_strategies = len(pd.read_csv(built / "tables" / "strategies.csv")) > 0
    assert ("Recommended strategies" in titles) == has_strategies


def test_a_brief_too_long_drops_its_last_findings_and_says_so() -> None:
    pytest.importorskip("weasyprint")
    sentence = "A finding with a number " + '<a class="num" href="#row-x" data-row="x">12.5%</a>' + " and words." * 12
    digest = Digest("Long review", "Kenya", [Finding(sentence, "Maps", "maps", None)] * 80, None, None)
    page, document = fit_brief(digest)
    assert len(document.pages) == BRIEF_PAGES
    shown = page.count('data-row="x"')
    assert 10 < shown < 80
    assert f"{80 - shown} more findings in the full report." in page
    assert html_runs(sentence)[1] == ("12.5%", "x")


def test_strategies_in_the_brief_and_slides_link_their_rows(tmp_path: Path) -> None:
    strategy = {"row_id": "rs:1:water~health", "name_a": "Unsafe water", "name_b": "Ill health",
                "protection": "early warning of cholera", "empowerment": "water committees",
                "lead_entities": "UNICEF", "target_groups": "region 2"}  # fmt: skip
    digest = Digest("Review", "Kenya", [], None, None, [strategy], 1)
    page = render_brief_html(digest)
    assert f'href="review.html#{row_anchor(strategy["row_id"])}"' in page
    assert "water committees" in page and "1 more strategy in the full report." in page
    write_slides(digest, tmp_path / "s.pptx")
    slide = list(Presentation(str(tmp_path / "s.pptx")).slides)[-1]
    assert slide.shapes.title.text == "Recommended strategies"
    cells = [c.text for shape in slide.shapes if shape.has_table for row in shape.table.rows for c in row.cells]
    assert "Unsafe water with Ill health" in cells and "water committees" in cells
    assert strategy["row_id"] in slide.notes_slide.notes_text_frame.text
