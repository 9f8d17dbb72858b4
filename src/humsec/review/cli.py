"""``humsec review REVIEW.yaml --out DIR``: the country Human Security Review as HTML and PDF.

The review file is checked first (every problem listed at once, nothing computed); then the
analyses run, every table goes through disclosure control, and DIR receives ``review.html``
(self-contained: works offline), ``review.pdf``, ``tables/*.csv`` (the published tables, with the
row ids the report cites), and for shorter audiences ``brief.pdf`` (two pages: key findings, a
map, a chart, the top strategies; ``brief.html`` is what it prints) and ``slides.pptx`` (one
message per slide), whose numbers link to the same rows. Microdata never leave the estimators.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from humsec.core.cli import fail as _fail
from humsec.core.cli import stdout, write_or_fail
from humsec.core.errors import HumsecError
from humsec.core.i18n import LANGUAGES, translator
from humsec.core.progress import progress_for


def _csv_writer(frame: Any) -> Callable[[Path], None]:
    def write(tmp: Path) -> None:
        frame.to_csv(tmp, index=False)

    return write


def review(
    review_file: Path = typer.Argument(..., help="Review file (YAML): data, sections, disclosure rules."),
    out: Path = typer.Option(..., "--out", help="Folder for review.html, review.pdf, brief.pdf, slides.pptx and tables/."),
    pdf: bool = typer.Option(True, "--pdf/--no-pdf", help="Also print the report and its brief to PDF (WeasyPrint)."),
    slides: bool = typer.Option(True, "--slides/--no-slides", help="Also write the slide deck (slides.pptx)."),
    lang: str | None = typer.Option(None, "--lang", help=f"Language of the report, brief and slides: {', '.join(LANGUAGES)} (default: the review file's language:, else en)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress on stderr; print only the paths written."),
) -> None:
    """Human Security Review: profile, maps, left-behind groups, interlinkages, index, responses, strategies."""
    from humsec.review.brief import write_brief_pdf
    from humsec.review.build import build_review
    from humsec.review.digest import digest_review
    from humsec.review.html import render_review_html, write_pdf
    from humsec.review.slides import write_slides
    from humsec.review.spec import load_review

    progress = progress_for(quiet)  # the steps on stderr (bars on a terminal), none with --quiet
    try:
        with progress:
            tr = translator(lang) if lang else None  # an unknown language is refused before any work
            spec = load_review(review_file)
            progress.say(f"review file checked: {review_file}")
            tr = tr or translator(spec.language)
            result = build_review(spec, progress=progress.say, tr=tr)
            progress.say("rendering the report")
            page = render_review_html(result, tr)
    except HumsecError as exc:
        _fail(exc)
        return
    out.mkdir(parents=True, exist_ok=True)
    (out / "tables").mkdir(exist_ok=True)
    writers: list[tuple[Path, Any]] = [
        (out / "tables" / f"{table.key}.csv", _csv_writer(table.frame)) for table in result.tables
    ]
    html_path = out / "review.html"
    writers.append((html_path, lambda tmp: tmp.write_text(page, encoding="utf-8")))
    digest = digest_review(result)
    if pdf:
        pdf_path = out / "review.pdf"
        progress.say(f"printing {pdf_path}")
        writers.append((pdf_path, lambda tmp: write_pdf(page, tmp)))
        brief: list[str] = []  # the brief's printed HTML, kept beside its PDF
        writers.append((out / "brief.pdf", lambda tmp: brief.append(write_brief_pdf(digest, tmp, tr))))
        writers.append((out / "brief.html", lambda tmp: tmp.write_text(brief[0], encoding="utf-8")))
    if slides:
        writers.append((out / "slides.pptx", lambda tmp: write_slides(digest, tmp, tr)))
    # tables, page, PDFs and slides: all written, or none (a PDF failure leaves no page)
    write_or_fail(writers)
    if tr.missing:  # said, never silent: the strings shown in English
        stdout.print("note: " + tr.missing_note(), highlight=False, markup=False)
    if not quiet:
        import html
        import re

        for sentence in result.summary:
            text = html.unescape(re.sub(r"<[^>]+>", "", sentence))
            stdout.print("  · " + text, highlight=False, markup=False)
    extra = (f", {out / 'review.pdf'}, {out / 'brief.pdf'}" if pdf else "") + (f", {out / 'slides.pptx'}" if slides else "")
    stdout.print(f"wrote {html_path}{extra} ({len(result.tables)} tables in {out / 'tables'})", highlight=False, markup=False)
