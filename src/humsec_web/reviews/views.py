"""Country reviews: list, start one, upload versions, read reports, publish."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from humsec_web import permissions
from humsec_web.core.access import SignInRequired, require
from humsec_web.reviews import outputs, publication
from humsec_web.reviews.forms import PublishForm, ReviewForm, VersionForm
from humsec_web.reviews.models import CountryReview, ReviewFile, ReviewVersion
from humsec_web.reviews.publication import publication_of
from humsec_web.reviews.versions import new_version
from humsec_web.sharing.access import check_read
from humsec_web.sharing.classes import UNCLASSIFIED
from humsec_web.sharing.models import AccessLog

# The report is humsec's own HTML, without scripts; served sandboxed all the same (no script, no
# form, its own origin), so text from a review file can never act on the platform's pages.
REPORT_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:"


def review_list(request: HttpRequest) -> HttpResponse:
    require(request, "review.list")
    reviews = permissions.visible_reviews(request.user).prefetch_related("versions")
    country = request.GET.get("country", "").upper()[:3]
    if country:
        reviews = reviews.filter(country=country)
    return render(request, "reviews/list.html", {"reviews": reviews[:200], "country": country})


def _form_errors(form: Any, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def review_create(request: HttpRequest) -> HttpResponse:
    require(request, "review.create")
    form = ReviewForm(
        request.POST or None, request.FILES or None, countries=permissions.review_countries(request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                review = CountryReview.objects.create(
                    title=data["title"], country=data["country"], created_by=request.user
                )
                version = new_version(
                    review, request.user, review_upload=data["review_file"], data_uploads=data["data_files"],
                    note=data["note"], with_pdf=data["with_pdf"], terms=form.upload_terms(),
                    language=data["language"],
                )  # fmt: skip
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, gettext("Review started; version 1 is being built."))
            return redirect("review-version-detail", pk=version.pk)
    return render(request, "reviews/form.html", {"form": form, "title": "Start a country review"})


def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(CountryReview, pk=pk)
    require(request, "review.view", review)
    versions = permissions.visible_review_versions(request.user).filter(review=review)
    return render(
        request,
        "reviews/detail.html",
        {
            "review": review,
            "versions": versions,
            "can_add": permissions.can(request.user, "review.add_version", review),
        },
    )


def version_create(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(CountryReview, pk=pk)
    require(request, "review.add_version", review)
    form = VersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = new_version(
                review, request.user, review_upload=data["review_file"], data_uploads=data["data_files"],
                base=review.latest() if data["keep_files"] else None, note=data["note"],
                with_pdf=data["with_pdf"], terms=form.upload_terms(), language=data["language"],
            )  # fmt: skip
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, gettext("Version %(number)s is being built.") % {"number": version.number})
            return redirect("review-version-detail", pk=version.pk)
    return render(
        request, "reviews/form.html", {"form": form, "title": f"New version of {review.title}", "review": review}
    )


def _version(request: HttpRequest, pk: int, action: str) -> ReviewVersion:
    version = get_object_or_404(ReviewVersion.objects.select_related("review"), pk=pk)
    require(request, action, version)
    return version


def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk, "review.version_view")
    pub = publication_of(version)
    report_class = version.report_sensitivity or UNCLASSIFIED
    return render(
        request,
        "reviews/version.html",
        {
            "version": version,
            "review": version.review,
            "files": version.files.select_related("dataset"),
            "publication": pub,
            "can_workflow": permissions.can(request.user, "publication.view", pub),
            "report_class": report_class,
            "report_cleared": outputs.report_cleared(request.user, version),
            "tables": version.table_classes,
            "can_inputs": permissions.can(request.user, "review.inputs", version),
            "can_add": permissions.can(request.user, "review.add_version", version.review),
            "can_publish": permissions.can(request.user, "review.publish", version),
            # refresh while the build runs
            "refresh": version.state in (ReviewVersion.State.QUEUED, ReviewVersion.State.RUNNING),
        },
    )


def _file(field: Any, filename: str, attachment: bool) -> FileResponse:
    if not field:
        raise Http404("This version has no such file (not built, or built without it).")
    return FileResponse(field.open("rb"), as_attachment=attachment, filename=filename)


def version_report(request: HttpRequest, pk: int) -> FileResponse:
    version = _version(request, pk, "review.version_view")
    outputs.check_report(request, version, "report (HTML)")
    response = _file(version.report_html, f"review-{version.review_id}-v{version.number}.html", False)
    response["Content-Type"] = "text/html; charset=utf-8"
    response["Content-Security-Policy"] = REPORT_CSP
    return response


def version_pdf(request: HttpRequest, pk: int) -> FileResponse:
    version = _version(request, pk, "review.version_view")
    outputs.check_report(request, version, "report (PDF)")
    return _file(version.report_pdf, f"review-{version.review_id}-v{version.number}.pdf", True)


def version_brief(request: HttpRequest, pk: int) -> FileResponse:
    """The 2-page brief: the report's findings, so read under the report's class."""
    version = _version(request, pk, "review.version_view")
    outputs.check_report(request, version, "brief (PDF)")
    return _file(version.brief_pdf, f"review-{version.review_id}-v{version.number}-brief.pdf", True)


def version_slides(request: HttpRequest, pk: int) -> FileResponse:
    """The slide deck: the report's findings, so read under the report's class."""
    version = _version(request, pk, "review.version_view")
    outputs.check_report(request, version, "slides (PPTX)")
    return _file(version.slides_pptx, f"review-{version.review_id}-v{version.number}-slides.pptx", True)


def version_tables(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk, "review.version_view")
    if not version.tables_zip:
        raise Http404("This version has no tables (not built).")
    body = outputs.cleared_tables_zip(request, version)
    response = HttpResponse(body, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="review-{version.review_id}-v{version.number}-tables.zip"'
    return response


@require_POST
def version_rerun(request: HttpRequest, pk: int) -> HttpResponse:
    old = get_object_or_404(ReviewVersion.objects.select_related("review"), pk=pk)
    require(request, "review.add_version", old.review)
    try:
        version = new_version(
            old.review, request.user, base=old, note=f"Run again from version {old.number}.",
            with_pdf=old.with_pdf, language=old.language,
        )  # fmt: skip
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("review-version-detail", pk=old.pk)
    messages.success(request, gettext("Version %(number)s is being built from version %(old)s's files.")
                     % {"number": version.number, "old": old.number})
    return redirect("review-version-detail", pk=version.pk)


@require_POST
def version_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish a signed-off version (the workflow's last step; see the publication page)."""
    version = get_object_or_404(ReviewVersion.objects.select_related("review"), pk=pk)
    if not request.user.is_authenticated:
        raise SignInRequired  # nobody publishes signed out (a published version is readable, not publishable)
    require(request, "review.version_view", version)
    pub = publication_of(version)
    form = PublishForm(request.POST)
    form.is_valid()
    try:
        pub = publication.move(
            pub.pk, request.user, "publish", note=form.cleaned_data.get("note", ""),
            conditions_met=bool(form.cleaned_data.get("conditions_met")),
            link=request.build_absolute_uri(reverse("publication-detail", kwargs={"pk": pub.pk})),
        )  # fmt: skip
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("publication-detail", pk=pub.pk)
    messages.success(request, gettext("Version %(number)s is published (signed off by %(signer)s).")
                     % {"number": version.number, "signer": pub.signer_name or gettext("its counterpart")})
    return redirect("review-version-detail", pk=pk)


def input_download(request: HttpRequest, pk: int) -> FileResponse:
    item = get_object_or_404(ReviewFile.objects.select_related("version__review"), pk=pk)
    require(request, "review.inputs", item.version)
    check_read(request.user, item.dataset, str(AccessLog.Via.REVIEW_INPUT),
               subject=f"{item.name} (input of {item.version})")  # fmt: skip
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)
