"""The review as a slide deck (``slides.pptx``, python-pptx): one message per slide.

A title slide; then one slide per finding of the executive summary (its section as the title,
the sentence as the message, the section's first chart beside it); the map; the top recommended
strategies. Every cited number is a run linked to its row in ``review.html`` (the report beside
the deck) and every slide's notes list the row ids it cites, so that a number on a slide can be
traced to the same row of the same published table as in the report. Charts are PNG images drawn
from the report's own SVG (vl-convert), not redrawn.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from humsec.core.i18n import Translator, translator
from humsec.review.base import row_anchor
from humsec.review.digest import html_runs

if TYPE_CHECKING:
    from humsec.review.digest import Digest

__all__ = ["REPORT_FILE", "ROWS_CITED", "write_slides"]

#: the report the slides' numbers link to (written beside them)
REPORT_FILE = "review.html"
#: how each slide's notes begin, in every language (then the row ids, comma-separated)
ROWS_CITED = "Rows cited:"

_BLUE = (0x0B, 0x4F, 0x8A)


def write_slides(digest: Digest, path: Path, tr: Translator | None = None) -> None:
    """Write the deck to ``path``, its own words in the language of ``tr`` (default English)."""
    from pptx import Presentation
    from pptx.util import Inches

    tr = tr or translator("en")
    _ = tr.gettext
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)  # 16:9
    _title_slide(deck, digest, _)
    for finding in digest.findings:
        slide = _slide(deck, _(finding.section))
        box = (0.6, 1.5, 5.6, 5.2) if finding.figure else (0.6, 1.5, 12.1, 5.2)
        rows = _sentence(slide, finding.html, box, size=24)
        if finding.figure:
            _picture(slide, finding.figure, (6.5, 1.4, 6.3, 5.6))
        _notes(slide, rows, finding.figure, _)
    if digest.map is not None:
        slide = _slide(deck, _(digest.map_section))
        _caption(slide, digest.map[0])
        _picture(slide, digest.map, (0.6, 1.9, 12.1, 5.4))
        _notes(slide, [], digest.map, _)
    if digest.strategies:
        _strategies(deck, digest, tr)
    if tr.direction == "rtl":
        _right_to_left(deck)
    deck.save(str(path))


def _right_to_left(deck: Any) -> None:
    """Every paragraph of the deck read and aligned right to left (DrawingML ``rtl``, ``algn``)."""
    for slide in deck.slides:
        frames = [shape.text_frame for shape in slide.shapes if shape.has_text_frame]
        frames += [cell.text_frame for shape in slide.shapes if shape.has_table
                   for row in shape.table.rows for cell in row.cells]  # fmt: skip
        for frame in frames:
            for paragraph in frame.paragraphs:
                properties = paragraph._p.get_or_add_pPr()
                properties.set("rtl", "1")
                properties.set("algn", "r")


def _slide(deck: Any, title: str) -> Any:
    from pptx.util import Pt

    slide = deck.slides.add_slide(deck.slide_layouts[5])  # "Title Only"
    slide.shapes.title.text = title
    for paragraph in slide.shapes.title.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(30)
    return slide


def _title_slide(deck: Any, digest: Digest, _: Callable[[str], str]) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[0])
    slide.shapes.title.text = digest.title
    subtitle = _("Human Security Review") + (f" · {digest.country}" if digest.country else "")
    link = _("Every number in blue links to its row in the full report (%(file)s).") % {"file": REPORT_FILE}
    slide.placeholders[1].text = f"{subtitle}\n{link}"


def _sentence(slide: Any, sentence: str, box: tuple[float, ...], size: int) -> list[str]:
    """The sentence as runs in a text box, each cited number linked to its row; the rows cited."""
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    frame = slide.shapes.add_textbox(*(Inches(v) for v in box)).text_frame
    frame.word_wrap = True
    paragraph = frame.paragraphs[0]
    rows = []
    for text, row in html_runs(sentence):
        run = paragraph.add_run()
        run.text = text
        run.font.size = Pt(size)
        if row:
            rows.append(row)
            run.font.bold = True
            run.font.color.rgb = RGBColor(*_BLUE)
            run.hyperlink.address = f"{REPORT_FILE}#{row_anchor(row)}"
    return rows


def _picture(slide: Any, figure: tuple[str, str], box: tuple[float, float, float, float]) -> None:
    """The figure's SVG as a PNG, as large as fits the box, keeping its proportions."""
    import vl_convert as vlc
    from PIL import Image
    from pptx.util import Inches

    png = bytes(vlc.svg_to_png(figure[1], scale=2))
    width, height = Image.open(io.BytesIO(png)).size
    left, top, box_w, box_h = box
    scale = min(box_w / width, box_h / height)
    w, h = width * scale, height * scale
    slide.shapes.add_picture(io.BytesIO(png), Inches(left + (box_w - w) / 2), Inches(top), Inches(w), Inches(h))


def _caption(slide: Any, text: str) -> None:
    from pptx.util import Inches, Pt

    frame = slide.shapes.add_textbox(Inches(0.6), Inches(1.3), Inches(12.1), Inches(0.5)).text_frame
    frame.word_wrap = True
    run = frame.paragraphs[0].add_run()
    run.text = text
    run.font.size = Pt(16)


def _notes(slide: Any, rows: list[str], figure: tuple[str, str] | None, _: Callable[[str], str]) -> None:
    # the rows stay first and in this form (ROWS_CITED): readers of the deck trace numbers by them
    lines = [f"{ROWS_CITED} {', '.join(rows)}" if rows else _("No number cited on this slide.")]
    if figure is not None:
        lines.append(_("Figure: %(caption)s (drawn from the report's published tables).") % {"caption": figure[0]})
    slide.notes_slide.notes_text_frame.text = "\n".join(lines)


def _strategies(deck: Any, digest: Digest, tr: Translator) -> None:
    from pptx.util import Inches, Pt

    _ = tr.gettext
    slide = _slide(deck, _("Recommended strategies"))
    headers = [_("threats"), _("protection (top-down)"), _("empowerment (bottom-up)"), _("lead")]
    table = slide.shapes.add_table(len(digest.strategies) + 1, len(headers), Inches(0.6), Inches(1.5),
                                   Inches(12.1), Inches(0.6 * (len(digest.strategies) + 1))).table  # fmt: skip
    for j, header in enumerate(headers):
        table.cell(0, j).text = header
    for i, s in enumerate(digest.strategies, start=1):
        pair = _("%(a)s with %(b)s") % {"a": s["name_a"], "b": s["name_b"]}
        values = [pair, s["protection"], s["empowerment"], s["lead_entities"]]
        for j, value in enumerate(values):
            table.cell(i, j).text = value
    for j, width in enumerate((2.2, 4.3, 4.3, 1.3)):  # the two lists of measures get the room
        table.columns[j].width = Inches(width)
    for cell in (table.cell(i, j) for i in range(len(digest.strategies) + 1) for j in range(len(headers))):
        for paragraph in cell.text_frame.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(11)
    rows = [s["row_id"] for s in digest.strategies]
    more = digest.more_strategies
    text = tr.ngettext("%(num)d more strategy in the full report.", "%(num)d more strategies in the full report.", more)
    note = f" ({text % {'num': more}})" if more else ""
    slide.notes_slide.notes_text_frame.text = f"{ROWS_CITED} {', '.join(rows)}{note}"
