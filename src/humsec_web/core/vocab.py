"""Shared vocabularies: the five human security principles, the two pillars, sectors."""

from __future__ import annotations

from django.db import models


class Principle(models.TextChoices):
    """The five principles of the human security approach (UN Framework for Cooperation)."""

    PEOPLE_CENTRED = "people_centred", "People-centred"
    COMPREHENSIVE = "comprehensive", "Comprehensive"
    CONTEXT_SPECIFIC = "context_specific", "Context-specific"
    PREVENTION = "prevention", "Prevention-oriented"
    PROTECTION_EMPOWERMENT = "protection_empowerment", "Protection and empowerment"


class Pillar(models.TextChoices):
    PROTECTION = "protection", "Protection (top-down)"
    EMPOWERMENT = "empowerment", "Empowerment (bottom-up)"
    BOTH = "both", "Both"


class Sector(models.TextChoices):
    """Humanitarian clusters and development sectors (IASC cluster names)."""

    EDUCATION = "education", "Education"
    FOOD_SECURITY = "food_security", "Food security"
    HEALTH = "health", "Health"
    NUTRITION = "nutrition", "Nutrition"
    PROTECTION = "protection", "Protection"
    SHELTER = "shelter", "Shelter and non-food items"
    WASH = "wash", "Water, sanitation and hygiene"
    LIVELIHOODS = "livelihoods", "Livelihoods and early recovery"
    GOVERNANCE = "governance", "Governance and peacebuilding"
    ENVIRONMENT = "environment", "Environment and climate"
    MULTI = "multi", "Multi-sector"
