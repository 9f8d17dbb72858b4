"""Trust-fund proposals, their appraisal against configurable criteria, and the audit trail."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from humsec_web.core.countries import country_choices
from humsec_web.core.models import Organisation
from humsec_web.core.vocab import Sector

SCORE_MAX = 5


class Criterion(models.Model):
    """One appraisal criterion (the five principles, partnership, sustainability...), set in the
    admin; only active criteria are scored."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    weight = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal(1), validators=[MinValueValidator(0)]
    )
    order = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return self.name


class Proposal(models.Model):
    """A funding request, from submission to decision."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    title = models.CharField(max_length=300)
    lead_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="led_proposals"
    )
    partners = models.ManyToManyField(
        Organisation, blank=True, related_name="partner_proposals", help_text=_("Other agencies.")
    )
    country = models.CharField(max_length=3, choices=country_choices)
    sector = models.CharField(max_length=30, choices=Sector.choices)
    summary = models.TextField(max_length=20_000)
    budget_usd = models.DecimalField(
        _("budget requested (USD)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(1)]
    )
    duration_months = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Appraisal(models.Model):
    """One reviewer's appraisal of one proposal: a score per criterion and a comment."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="appraisals")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "reviewer"], name="one_appraisal_each")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.proposal}"


class Score(models.Model):
    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT)
    score = models.PositiveSmallIntegerField(validators=[MaxValueValidator(SCORE_MAX)])
    comment = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "criterion"], name="one_score_each")
        ]


class AuditEvent(models.Model):
    """An append-only record of what happened to a proposal, by whom and when."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="audit")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
