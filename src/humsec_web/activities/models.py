"""Focal points' activity updates and the HSU's periodic digests of them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from humsec_web.core.countries import country_choices
from humsec_web.core.models import Organisation
from humsec_web.core.vocab import Pillar, Principle, Sector


class Activity(models.Model):
    """One activity of one organisation, as its focal point reports it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    title = models.CharField(max_length=300)
    description = models.TextField(max_length=20_000, blank=True)
    country = models.CharField(max_length=3, choices=country_choices)
    admin_areas = models.CharField(
        max_length=500, blank=True, help_text=_("Admin areas (names or P-codes), comma-separated.")
    )
    sector = models.CharField(max_length=30, choices=Sector.choices)
    theme = models.CharField(max_length=120, blank=True)
    principle = models.CharField(max_length=30, choices=Principle.choices)
    pillar = models.CharField(
        _("protection / empowerment"), max_length=20, choices=Pillar.choices, default=Pillar.BOTH
    )
    start_date = models.DateField()
    end_date = models.DateField()
    budget_usd = models.DecimalField(
        _("budget (USD)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    partners = models.CharField(max_length=500, blank=True, help_text=_("Partners, comma-separated."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "id"]
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date is before the start date.")})


class Digest(models.Model):
    """A compilation of the activities that ran during a period; public once published."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    summary = models.TextField(max_length=20_000, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    activities = models.ManyToManyField(Activity, blank=True, related_name="digests")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # the rows as published (digest.digest_frame records): published digests never change
    snapshot = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-period_end", "-id"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The period ends before it starts.")})
