"""Organisations and the people who work for them, each with one role on the platform."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from humsec_web.core.countries import country_choices


class Organisation(models.Model):
    """A UN entity, government body, NGO or donor that takes part in the network."""

    class Kind(models.TextChoices):
        UN = "un", _("UN entity")
        GOVERNMENT = "government", _("Government")
        NGO = "ngo", _("NGO")
        DONOR = "donor", _("Donor")
        OTHER = "other", _("Other")

    name = models.CharField(max_length=200, unique=True)
    acronym = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NGO)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.acronym or self.name


class Role(models.TextChoices):
    """The platform's roles; what each may do is declared in ``humsec_web.permissions``."""

    ADMINISTRATOR = "administrator", _("Administrator")
    HSU = "hsu", _("Human Security Unit staff")
    FOCAL_POINT = "focal_point", _("Focal point (of one organisation)")
    COUNTRY_TEAM = "country_team", _("Country-team member (of one country)")
    REVIEWER = "reviewer", _("Reviewer")
    PUBLIC = "public", _("Public visitor")


class Profile(models.Model):
    """A user's role and, for focal points and country-team members, what they belong to."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PUBLIC)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Required for focal points."),
    )
    country = models.CharField(
        max_length=3, blank=True, choices=country_choices, help_text=_("Required for country teams.")
    )
    language = models.CharField(
        max_length=8, blank=True, choices=settings.LANGUAGES,
        help_text=_("The platform's language for this user; empty: the browser's."),
    )  # fmt: skip

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"
