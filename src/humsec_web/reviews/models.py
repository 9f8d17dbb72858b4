"""Country Human Security Reviews: each upload or run is a new, immutable version.

A version holds its input files (the review file and the data it names) and, once built by
``humsec review``'s report builder (:mod:`humsec_web.reviews.runner`), the report (HTML, PDF) and
its published tables. Old versions are kept; publishing a version makes it (and the review) public.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from humsec_web.core.countries import country_choices


class CountryReview(models.Model):
    title = models.CharField(max_length=300)
    country = models.CharField(max_length=3, choices=country_choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["country", "-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def latest(self) -> ReviewVersion | None:
        return self.versions.order_by("-number").first()

    def latest_published(self) -> ReviewVersion | None:
        return self.versions.filter(published_at__isnull=False).order_by("-number").first()


def _version_folder(version: ReviewVersion) -> str:
    return f"reviews/{version.review_id}/v{version.number}"


def _input_path(instance: ReviewFile, filename: str) -> str:
    return f"{_version_folder(instance.version)}/inputs/{instance.name}"


def _output_path(instance: ReviewVersion, filename: str) -> str:
    return f"{_version_folder(instance)}/report/{filename}"


class ReviewVersion(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Report built"
        FAILED = "failed", "Failed"

    review = models.ForeignKey(CountryReview, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    note = models.CharField(max_length=500, blank=True, help_text="What changed in this version.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    with_pdf = models.BooleanField("also print a PDF", default=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    log = models.TextField(blank=True, help_text="Progress and, on failure, what to fix.")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # moved by the worker while it builds; a still heartbeat means the worker died (requeued)
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    report_html = models.FileField(upload_to=_output_path, blank=True)
    report_pdf = models.FileField(upload_to=_output_path, blank=True)
    tables_zip = models.FileField(upload_to=_output_path, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["review", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="one_number_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.review} · version {self.number}"

    @property
    def country(self) -> str:
        """The review's country (the permission rules of country teams look at it)."""
        return self.review.country

    @property
    def status(self) -> str:
        """``published`` once published, otherwise the build state."""
        return "published" if self.published_at else self.state

    def review_file(self) -> ReviewFile | None:
        return self.files.filter(kind=ReviewFile.Kind.REVIEW).first()


class ReviewFile(models.Model):
    """One input file of one version (a version may share the stored file of an earlier one)."""

    class Kind(models.TextChoices):
        REVIEW = "review", "Review file (YAML)"
        DATA = "data", "Data file"

    version = models.ForeignKey(ReviewVersion, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=100)
    file = models.FileField(upload_to=_input_path, max_length=300)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="one_name_per_version")
        ]

    def __str__(self) -> str:
        return self.name
