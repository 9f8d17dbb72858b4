"""Datasets: every uploaded data file with its sharing terms, and the log of every read of one.

A :class:`Dataset` holds one stored file (uploaded on its own at ``/datasets/``, or as an input of a
country review version, which then points to it), its sensitivity class (OCHA's four,
:mod:`humsec_web.sharing.classes`), its owner, licence and terms. Every download and API read is
checked against the class (:mod:`humsec_web.sharing.access`) and written to :class:`AccessLog`,
refusals too.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from humsec_web.core.countries import country_choices
from humsec_web.sharing.classes import UNCLASSIFIED, licence_choices, sensitivity_choices


def _dataset_path(instance: Dataset, filename: str) -> str:
    return f"datasets/{instance.sha256[:2]}/{instance.sha256}/{instance.name}"


class Dataset(models.Model):
    name = models.CharField(max_length=100, help_text=_("The file name (letters, digits, '.', '-', '_')."))
    file = models.FileField(upload_to=_dataset_path, max_length=300)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    description = models.CharField(max_length=500, blank=True)
    country = models.CharField(
        max_length=3, blank=True, choices=country_choices,
        help_text=_("The country the data describe (its team and counterparts read confidential data)."),
    )
    sensitivity = models.CharField(max_length=30, choices=sensitivity_choices, default=UNCLASSIFIED)
    owner = models.CharField(
        max_length=200, help_text=_("Who owns the data (e.g. the national statistics office, an NGO).")
    )
    licence = models.CharField(max_length=30, choices=licence_choices)
    terms = models.TextField(
        blank=True, max_length=5000,
        help_text=_("The terms of use: purpose, who may receive it, attribution, retention."),
    )
    grantees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="granted_datasets",
        help_text=_("People who may read it besides whoever uploaded it (strictly confidential data)."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.name


class AccessLog(models.Model):
    """One attempt to read data: a dataset's file or metadata, or a review's derived outputs."""

    class Via(models.TextChoices):
        PAGE = "page", _("download (page)")
        API = "api", _("API read")
        API_DOWNLOAD = "api_download", _("download (API)")
        REVIEW_INPUT = "review_input", _("review input download")
        REVIEW_OUTPUT = "review_output", _("review report or tables")

    dataset = models.ForeignKey(Dataset, null=True, blank=True, on_delete=models.CASCADE, related_name="log")
    subject = models.CharField(max_length=300, help_text=_("What was asked for, in words."))
    sensitivity = models.CharField(max_length=30, choices=sensitivity_choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    role = models.CharField(max_length=20)
    via = models.CharField(max_length=20, choices=Via.choices)
    allowed = models.BooleanField()
    reason = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user or 'anonymous'} {self.via} {self.subject}"
