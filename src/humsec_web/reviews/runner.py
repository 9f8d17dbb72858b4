"""Build a review version's report with the humsec library, as ``humsec review`` does.

The public API of the report builder is used unchanged: ``load_review`` (checks the review file,
listing every problem), ``build_review`` (the analyses; every table through disclosure control),
``render_review_html`` (self-contained HTML) and ``write_pdf`` (WeasyPrint). The inputs are copied
into a fresh temporary folder under their version names, so the review file sees exactly this
version's files; paths were checked by :func:`humsec_web.reviews.inputs.reference_problems`.

Builds run one at a time (the analyses use the machine's cores), in a background thread under
``humsec serve`` and inline in tests (``settings.REVIEW_RUN_INLINE``). A build that a killed
server interrupted is marked failed at the next start (:func:`fail_interrupted`).
"""

from __future__ import annotations

import io
import logging
import shutil
import tempfile
import threading
import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connections, transaction
from django.utils import timezone

from humsec_web.reviews.inputs import reference_problems
from humsec_web.reviews.models import ReviewFile, ReviewVersion

log = logging.getLogger(__name__)
_ONE_AT_A_TIME = threading.Lock()


def start(version_id: int) -> None:
    """Build the version once the current transaction commits (inline or in a thread)."""

    def go() -> None:
        if settings.REVIEW_RUN_INLINE:
            run(version_id)
        else:
            threading.Thread(
                target=_in_thread, args=(version_id,), name=f"review-v{version_id}", daemon=True
            ).start()

    transaction.on_commit(go)


def _in_thread(version_id: int) -> None:
    try:
        run(version_id)
    finally:
        connections.close_all()  # this thread's database connection


def run(version_id: int) -> ReviewVersion:
    """Build the report of one version; the outcome is recorded on it (never raised)."""
    with _ONE_AT_A_TIME:
        version = ReviewVersion.objects.select_related("review").get(pk=version_id)
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
                    lines.append(_explain(exc).replace(tmp + "/inputs/", "").replace(tmp, "…"))
        finally:
            version.log = "\n".join(lines)
            version.finished_at = timezone.now()
            version.save(
                update_fields=["state", "log", "finished_at", "report_html", "report_pdf", "tables_zip"]
            )
        return version


def _explain(exc: Exception) -> str:
    from humsec.exceptions import HumsecError

    if isinstance(exc, HumsecError):
        return f"The review could not be built:\n{exc}"
    log.exception("review build failed")
    return f"The review could not be built (an unexpected error: {type(exc).__name__}: {exc})."


def _build(version: ReviewVersion, folder: Path, lines: list[str]) -> None:
    from humsec.exceptions import SpecError
    from humsec.report.review_build import build_review
    from humsec.report.review_html import render_review_html, write_pdf
    from humsec.report.review_spec import load_review

    inputs = folder / "inputs"
    inputs.mkdir()
    files = list(version.files.all())
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
    result = build_review(spec, progress=lines.append)
    page = render_review_html(result)
    version.report_html.save("review.html", ContentFile(page.encode("utf-8")), save=False)
    version.tables_zip.save("tables.zip", ContentFile(_zip_tables(result.tables)), save=False)
    if version.with_pdf:
        pdf = folder / "review.pdf"
        write_pdf(page, pdf)
        version.report_pdf.save("review.pdf", ContentFile(pdf.read_bytes()), save=False)
    lines.append(f"report built: {len(result.sections)} sections, {len(result.tables)} published tables")
    lines += [f"· {_plain(s)}" for s in result.summary]


def _plain(sentence: str) -> str:
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", sentence))


def _zip_tables(tables: list[Any]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for table in tables:
            z.writestr(f"tables/{table.key}.csv", table.frame.to_csv(index=False))
    return buffer.getvalue()


def fail_interrupted() -> int:
    """Mark builds that a stopped server left queued or running as failed (they can be re-run)."""
    return ReviewVersion.objects.filter(
        state__in=[ReviewVersion.State.QUEUED, ReviewVersion.State.RUNNING]
    ).update(
        state=ReviewVersion.State.FAILED,
        log="The server stopped before this build finished; start it again with 'Run again'.",
        finished_at=timezone.now(),
    )
