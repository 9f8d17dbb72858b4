"""New versions of a country review: from uploaded files, from the previous version's, or both."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from humsec_web.reviews import runner
from humsec_web.reviews.inputs import reference_problems, validate_data_file
from humsec_web.reviews.models import CountryReview, ReviewFile, ReviewVersion
from humsec_web.sharing.store import UNDECLARED, Terms, store

MAX_FILES = 20
REVIEW_ENDINGS = (".yaml", ".yml")


def new_version(
    review: CountryReview,
    user: Any,
    *,
    review_upload: Any = None,
    data_uploads: Sequence[Any] = (),
    base: ReviewVersion | None = None,
    note: str = "",
    with_pdf: bool = True,
    terms: Terms | None = None,
    language: str = "",
) -> ReviewVersion:
    """Create version N+1 and start building it.

    Its files are ``base``'s (the previous version's, when given) with the uploads added or
    replacing those of the same name. Raises ValidationError (naming the file and the field of the
    review file) before anything is stored when the inputs cannot make a review.

    Every uploaded data file is stored as a :class:`~humsec_web.sharing.models.Dataset` with
    ``terms`` (its sensitivity class, owner, licence, terms of use); without terms it is recorded
    as ``sharing.store.UNDECLARED`` (restricted). Kept files keep their dataset.
    """
    if terms is not None:
        terms = replace(terms, country=review.country)
        bad = terms.problems()
        if bad:
            raise ValidationError(bad)
    if review_upload is not None and not review_upload.name.lower().endswith(REVIEW_ENDINGS):
        raise ValidationError({"review_file": f"{review_upload.name}: the review file is YAML (.yaml or .yml)."})
    uploads: dict[str, tuple[str, Any, str]] = {}  # name -> (kind, upload, sha256)
    for upload, kind in [*((u, ReviewFile.Kind.DATA) for u in data_uploads),
                         *(((review_upload, ReviewFile.Kind.REVIEW),) if review_upload else ())]:  # fmt: skip
        try:
            sha = validate_data_file(upload)
        except ValidationError as exc:
            field = "review_file" if kind == ReviewFile.Kind.REVIEW else "data_files"
            raise ValidationError({field: exc.messages}) from None
        if upload.name in uploads:
            raise ValidationError({"data_files": f"{upload.name}: uploaded twice."})
        uploads[upload.name] = (kind, upload, sha)
    kept = [] if base is None else [
        f for f in base.files.all()
        if f.name not in uploads and not (review_upload is not None and f.kind == ReviewFile.Kind.REVIEW)
    ]  # fmt: skip
    if len(kept) + len(uploads) > MAX_FILES:
        raise ValidationError({"data_files": f"at most {MAX_FILES} files per version."})
    review_text = _review_text(review_upload, kept)
    if review_text is None:
        raise ValidationError({"review_file": "Upload the review file (YAML); see docs/review.md."})
    data_names = {n for n, (k, _u, _s) in uploads.items() if k == ReviewFile.Kind.DATA}
    data_names |= {f.name for f in kept if f.kind == ReviewFile.Kind.DATA}
    problems = reference_problems(review_text, data_names)
    if problems:
        raise ValidationError({"review_file": [f"{where}: {msg}" for where, msg in problems]})
    with transaction.atomic():
        locked = CountryReview.objects.select_for_update().get(pk=review.pk)
        number = (locked.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = ReviewVersion.objects.create(
            review=locked, number=number, note=note[:500], created_by=user, with_pdf=with_pdf, language=language
        )
        for f in kept:  # stored files are never changed, so versions may share them
            ReviewFile.objects.create(version=version, kind=f.kind, name=f.name, file=f.file.name,
                                      size=f.size, sha256=f.sha256, dataset=f.dataset)  # fmt: skip
        for name, (kind, upload, sha) in uploads.items():
            item = ReviewFile.objects.create(version=version, kind=kind, name=name, file=upload,
                                             size=upload.size, sha256=sha)  # fmt: skip
            if kind == ReviewFile.Kind.DATA:
                declared = terms or replace(UNDECLARED, country=review.country)
                item.dataset = store(upload, sha, declared, user, stored_name=item.file.name)
                item.save(update_fields=["dataset"])
        runner.start(version.pk)
    return version


def _review_text(upload: Any, kept: Sequence[ReviewFile]) -> str | None:
    if upload is not None:
        upload.seek(0)
        text = upload.read().decode("utf-8", errors="replace")
        upload.seek(0)
        return str(text)
    old = next((f for f in kept if f.kind == ReviewFile.Kind.REVIEW), None)
    if old is None:
        return None
    with old.file.open("rb") as fh:
        return str(fh.read().decode("utf-8", errors="replace"))
