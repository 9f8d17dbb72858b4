"""``humsec review REVIEW.yaml --out DIR``: the country Human Security Review as HTML and PDF.

The review file is checked first (every problem listed at once, nothing computed); then the
analyses run, every table goes through disclosure control, and DIR receives ``review.html``
(self-contained: works offline), ``review.pdf`` and ``tables/*.csv`` (the published tables, with the
row ids the report cites). Microdata never leave the estimators.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from humsec.core.cli import fail as _fail
from humsec.core.cli import stdout
from humsec.core.errors import HumsecError
from humsec.core.progress import progress_for
from humsec.core.write import write_atomic


def _csv_writer(frame: Any) -> Callable[[Path], None]:
    def write(tmp: Path) -> None:
        frame.to_csv(tmp, index=False)

    return write


def review(
    review_file: Path = typer.Argument(..., help="Review file (YAML): data, sections, disclosure rules."),
    out: Path = typer.Option(..., "--out", help="Folder for review.html, review.pdf and tables/."),
    pdf: bool = typer.Option(True, "--pdf/--no-pdf", help="Also print the report to PDF (WeasyPrint)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress on stderr; print only the paths written."),
) -> None:
    """Human Security Review: profile, maps, left-behind groups, interlinkages, index, responses, strategies."""
    from humsec.review.build import build_review
    from humsec.review.html import render_review_html, write_pdf
    from humsec.review.spec import load_review

    progress = progress_for(quiet)  # the steps on stderr (bars on a terminal), none with --quiet
    try:
        with progress:
            spec = load_review(review_file)
            progress.say(f"review file checked: {review_file}")
            result = build_review(spec, progress=progress.say)
            progress.say("rendering the report")
            page = render_review_html(result)
    except HumsecError as exc:
        _fail(exc)
        return
    out.mkdir(parents=True, exist_ok=True)
    (out / "tables").mkdir(exist_ok=True)
    written = []
    for table in result.tables:
        path = out / "tables" / f"{table.key}.csv"
        write_atomic(path, _csv_writer(table.frame))
        written.append(path)
    html_path = out / "review.html"
    write_atomic(html_path, lambda tmp: tmp.write_text(page, encoding="utf-8"))
    written.append(html_path)
    if pdf:
        pdf_path = out / "review.pdf"
        progress.say(f"printing {pdf_path}")
        try:
            write_atomic(pdf_path, lambda tmp: write_pdf(page, tmp))
            written.append(pdf_path)
        except HumsecError as exc:
            _fail(exc)
            return
    if not quiet:
        import html
        import re

        for sentence in result.summary:
            text = html.unescape(re.sub(r"<[^>]+>", "", sentence))
            stdout.print("  · " + text, highlight=False, markup=False)
    stdout.print(f"wrote {html_path}" + (f" and {out / 'review.pdf'}" if pdf else "") + f" ({len(result.tables)} tables in {out / 'tables'})", highlight=False, markup=False)
