"""Build a review version's report with the humsec library, as ``humsec review`` does.

The public API of the report builder is used unchanged: ``load_review`` (checks the review file,
listing every problem), ``build_review`` (the analyses; every table through disclosure control),
``render_review_html`` (self-contained HTML) and ``write_pdf`` (WeasyPrint). The inputs are copied
into a fresh temporary folder under their version names, so the review file sees exactly this
version's files; paths were checked by :func:`humsec_web.reviews.inputs.reference_problems`.

Builds are background tasks (:mod:`humsec_web.background`): queued in the database, run by a
worker one at a time per process (the analyses use the machine's cores), inline in tests. While a
build runs its version's heartbeat moves; a build whose worker was killed is queued again.
"""

from __future__ import annotations

import io
import logging
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from humsec_web.core.exports import neutralise
from humsec_web.reviews.inputs import reference_problems
from humsec_web.reviews.models import ReviewFile, ReviewVersion

log = logging.getLogger(__name__)
_ONE_AT_A_TIME = threading.Lock()


def start(version_id: int) -> None:
    """Queue the version's build (in the caller's transaction; see :func:`background.submit`)."""
    from humsec_web import background

    background.submit(background.build_review_version, version_id)


def run(version_id: int) -> ReviewVersion:
    """Build the report of one version; the outcome is recorded on it (never raised)."""
    from humsec_web.background import Heartbeat

    with _ONE_AT_A_TIME, Heartbeat(version_id):
        version = ReviewVersion.objects.select_related("review").get(pk=version_id)
        if version.state in (ReviewVersion.State.DONE, ReviewVersion.State.FAILED):
            return version  # a duplicate of a finished task (e.g. queued again by two workers)
        version.state = ReviewVersion.State.RUNNING
        version.started_at = timezone.now()
        version.save(update_fields=["state", "started_at"])
        lines: list[str] = []
        try:
            with tempfile.TemporaryDirectory(prefix="humsec-review-") as tmp:
                try:
                    _build(version, Path(tmp), lines)
                    version.state = ReviewVersion.State.DONE
                except Exception as exc:
                    version.state = ReviewVersion.State.FAILED
                    lines.append(_explain(exc))
                lines = [cite_uploads(line, Path(tmp)) for line in lines]
        finally:
            version.log = "\n".join(lines)
            version.finished_at = timezone.now()
            version.save(
                update_fields=["state", "log", "finished_at", "report_html", "report_pdf", "tables_zip",
                               "brief_pdf", "slides_pptx", "outline", "table_classes", "report_sensitivity"]
            )
        return version


def _explain(exc: Exception) -> str:
    from humsec.core.errors import HumsecError

    if isinstance(exc, HumsecError):
        return f"The review could not be built:\n{exc}"
    log.exception("review build failed")
    return f"The review could not be built (an unexpected error: {type(exc).__name__}: {exc})."


def _build(version: ReviewVersion, folder: Path, lines: list[str]) -> None:
    from humsec.core.errors import SpecError
    from humsec.core.i18n import translator
    from humsec.review.brief import write_brief_pdf
    from humsec.review.build import build_review
    from humsec.review.digest import digest_review
    from humsec.review.html import render_review_html, write_pdf
    from humsec.review.slides import write_slides
    from humsec.review.spec import load_review

    inputs = folder / "inputs"
    inputs.mkdir()
    files = list(version.files.select_related("dataset"))
    review_file = next((f for f in files if f.kind == ReviewFile.Kind.REVIEW), None)
    if review_file is None:
        raise SpecError([("(version)", "this version has no review file")], str(version))
    for f in files:
        with f.file.open("rb") as src, (inputs / f.name).open("wb") as dst:
            shutil.copyfileobj(src, dst)
    text = (inputs / review_file.name).read_text(encoding="utf-8")
    problems = reference_problems(text, {f.name for f in files if f.kind == ReviewFile.Kind.DATA})
    if problems:
        raise SpecError(problems, review_file.name)
    spec = load_review(inputs / review_file.name)
    lines.append(f"review file checked: {review_file.name}")
    tr = translator(version.language or spec.language)  # the version's choice, else the file's
    result = build_review(spec, progress=lines.append, tr=tr)
    page = cite_uploads(render_review_html(result, tr), folder)
    version.report_html.save("review.html", ContentFile(page.encode("utf-8")), save=False)
    zipped = _zip_tables(result.tables, lambda text: cite_uploads(text, folder))
    version.tables_zip.save("tables.zip", ContentFile(zipped), save=False)
    digest = digest_review(result)  # the brief and slides: the same rows as the report
    if version.with_pdf:
        pdf = folder / "review.pdf"
        write_pdf(page, pdf)
        version.report_pdf.save("review.pdf", ContentFile(pdf.read_bytes()), save=False)
        brief = folder / "brief.pdf"
        write_brief_pdf(digest, brief, tr)
        version.brief_pdf.save("brief.pdf", ContentFile(brief.read_bytes()), save=False)
    slides = folder / "slides.pptx"
    write_slides(digest, slides, tr)
    version.slides_pptx.save("slides.pptx", ContentFile(slides.read_bytes()), save=False)
    if tr.missing:
        lines.append(tr.missing_note())
    _record_classes(version, spec, result, files)
    lines.append(f"report built: {len(result.sections)} sections, {len(result.tables)} published tables")
    lines.append(f"report sensitivity: {version.report_sensitivity} (the strictest of its tables; see the version page)")
    lines += [f"· {_plain(s)}" for s in result.summary]


def _plain(sentence: str) -> str:
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", sentence))


def cite_uploads(text: str, folder: Path) -> str:
    """``text`` with the build folder taken out of every path: the inputs are copied there under
    the names the user uploaded, so what is left is that name (the report cites the user's file,
    never a server path).

    >>> cite_uploads("Boundaries: /tmp/humsec-review-x/inputs/counties.geojson", Path("/tmp/humsec-review-x"))
    'Boundaries: counties.geojson'
    """
    return text.replace(f"{folder}/inputs/", "").replace(str(folder), "…")


def _zip_tables(tables: list[Any], clean: Callable[[str], str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for table in tables:
            z.writestr(f"tables/{table.key}.csv", clean(neutralise(table.frame).to_csv(index=False)))
    return buffer.getvalue()


def _record_classes(version: ReviewVersion, spec: Any, result: Any, files: list[ReviewFile]) -> None:
    """The report's sections (comments anchor to them) and each published table's sensitivity
    class (:mod:`humsec_web.reviews.classify`), stored on the version."""
    from humsec_web.reviews.classify import classify, input_roles, report_class
    from humsec_web.sharing.classes import UNCLASSIFIED

    version.outline = [{"id": s.id, "title": s.title} for s in result.sections]
    section_of = {t.key: s.id for s in result.sections for t in s.tables}
    tables = [{"key": t.key, "title": t.title, "section": section_of.get(t.key, ""), "kind": t.kind}
              for t in result.tables]  # fmt: skip
    classes = {f.name: (f.dataset.sensitivity if f.dataset else UNCLASSIFIED)
               for f in files if f.kind == ReviewFile.Kind.DATA}  # fmt: skip
    version.table_classes = classify(tables, classes, input_roles(spec))
    version.report_sensitivity = report_class(version.table_classes)
