"""Shared vocabularies: the five human security principles, the two pillars, sectors."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Principle(models.TextChoices):
    """The five principles of the human security approach (UN Framework for Cooperation)."""

    PEOPLE_CENTRED = "people_centred", _("People-centred")
    COMPREHENSIVE = "comprehensive", _("Comprehensive")
    CONTEXT_SPECIFIC = "context_specific", _("Context-specific")
    PREVENTION = "prevention", _("Prevention-oriented")
    PROTECTION_EMPOWERMENT = "protection_empowerment", _("Protection and empowerment")


class Pillar(models.TextChoices):
    PROTECTION = "protection", _("Protection (top-down)")
    EMPOWERMENT = "empowerment", _("Empowerment (bottom-up)")
    BOTH = "both", _("Both")


class Sector(models.TextChoices):
    """Humanitarian clusters and development sectors (IASC cluster names)."""

    EDUCATION = "education", _("Education")
    FOOD_SECURITY = "food_security", _("Food security")
    HEALTH = "health", _("Health")
    NUTRITION = "nutrition", _("Nutrition")
    PROTECTION = "protection", _("Protection")
    SHELTER = "shelter", _("Shelter and non-food items")
    WASH = "wash", _("Water, sanitation and hygiene")
    LIVELIHOODS = "livelihoods", _("Livelihoods and early recovery")
    GOVERNANCE = "governance", _("Governance and peacebuilding")
    ENVIRONMENT = "environment", _("Environment and climate")
    MULTI = "multi", _("Multi-sector")
