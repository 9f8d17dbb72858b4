"""The results framework: a logframe per programme or trust-fund project (goal → outcomes →
outputs), indicators with baseline, targets and actuals per reporting period, and the
disaggregation of each actual. Actuals are reported by the project's organisation and validated
by the Human Security Unit; an actual may come from a stored ``humsec af`` table with its CI.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from humsec_web.activities.models import Activity
from humsec_web.core.countries import country_choices
from humsec_web.core.models import Organisation
from humsec_web.proposals.models import Proposal
from humsec_web.results.periods import Frequency
from humsec_web.results.units import Unit


class Logframe(models.Model):
    """The results chain of one programme or trust-fund project."""

    title = models.CharField(max_length=300)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="logframes",
        help_text=_("The organisation that reports on this programme."),
    )  # fmt: skip
    country = models.CharField(max_length=3, choices=country_choices)
    project = models.OneToOneField(
        Proposal, null=True, blank=True, on_delete=models.PROTECT, related_name="logframe",
        help_text=_("The trust-fund project this logframe belongs to (optional)."),
    )  # fmt: skip
    activities = models.ManyToManyField(
        Activity, blank=True, related_name="logframes", help_text=_("Activity updates (4W rows) that deliver it.")
    )
    iati_identifier = models.CharField(
        _("IATI activity identifier"), max_length=150, blank=True,
        help_text=_("e.g. XM-DAC-41114-PROJECT-00123; used in the IATI export."),
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["country", "title", "id"]

    def __str__(self) -> str:
        return self.title


class ResultLevel(models.TextChoices):
    GOAL = "goal", _("Goal (impact)")
    OUTCOME = "outcome", _("Outcome")
    OUTPUT = "output", _("Output")


# the level a result's parent must have: goal -> outcome -> output (IATI result types 3, 2, 1)
PARENT_LEVEL = {ResultLevel.GOAL: None, ResultLevel.OUTCOME: ResultLevel.GOAL, ResultLevel.OUTPUT: ResultLevel.OUTCOME}
IATI_RESULT_TYPE = {ResultLevel.OUTPUT: "1", ResultLevel.OUTCOME: "2", ResultLevel.GOAL: "3"}


class Result(models.Model):
    """One statement of the chain: the goal, an outcome under it or an output under an outcome."""

    logframe = models.ForeignKey(Logframe, on_delete=models.CASCADE, related_name="results")
    level = models.CharField(max_length=10, choices=ResultLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    title = models.CharField(max_length=500)
    description = models.TextField(max_length=5_000, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.title}"


class Direction(models.TextChoices):
    INCREASE = "increase", _("Higher is better")
    DECREASE = "decrease", _("Lower is better")


class Indicator(models.Model):
    """What is measured for one result, how, by whom, against which baseline."""

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(max_length=300)
    unit = models.CharField(max_length=12, choices=Unit.choices)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.INCREASE)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.ANNUAL)
    baseline_period = models.CharField(max_length=7, help_text=_("At the indicator's frequency: 2024, 2024-Q2 or 2024-03."))
    baseline_value = models.FloatField()
    baseline_ci_low = models.FloatField(null=True, blank=True)
    baseline_ci_high = models.FloatField(null=True, blank=True)
    baseline_source = models.CharField(max_length=500, blank=True)
    means_of_verification = models.CharField(max_length=500, help_text=_("Where the numbers come from (survey, register, ...)."))
    reporting_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+",
        help_text=_("The organisation that reports the actuals."),
    )  # fmt: skip
    disaggregations = models.CharField(
        max_length=100, blank=True, help_text=_("Dimensions reported: any of sex, age, area, group (comma-separated).")
    )
    activities = models.ManyToManyField(Activity, blank=True, related_name="indicators")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def logframe(self) -> Logframe:
        return self.result.logframe

    def dimension_list(self) -> list[str]:
        return [d.strip() for d in self.disaggregations.split(",") if d.strip()]


class Target(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    period = models.CharField(max_length=7)
    value = models.FloatField()
    comment = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["period"]
        constraints = [models.UniqueConstraint(fields=["indicator", "period"], name="one_target_per_period")]


class Actual(models.Model):
    """What was achieved in one period, as reported; public once the HSU has validated it."""

    class Status(models.TextChoices):
        REPORTED = "reported", _("Reported (awaiting validation)")
        VALIDATED = "validated", _("Validated")
        RETURNED = "returned", _("Returned for correction")

    class Source(models.TextChoices):
        ENTERED = "entered", _("Entered")
        AF = "humsec_af", _("humsec af result table")
        IATI = "iati", _("IATI import")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="actuals")
    period = models.CharField(max_length=7)
    value = models.FloatField()
    ci_low = models.FloatField(null=True, blank=True)
    ci_high = models.FloatField(null=True, blank=True)
    ci_level = models.FloatField(null=True, blank=True)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.ENTERED)
    source_detail = models.CharField(max_length=500, blank=True)
    comment = models.CharField(max_length=1000, blank=True)
    # disaggregations that do not add up to the total are kept and reported, not refused
    warnings = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REPORTED)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField(auto_now_add=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    validated_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["period"]
        constraints = [models.UniqueConstraint(fields=["indicator", "period"], name="one_actual_per_period")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.period}: {self.value:g}"


class Dimension(models.TextChoices):
    SEX = "sex", _("Sex")
    AGE = "age", _("Age group")
    AREA = "area", _("Area")
    GROUP = "group", _("Population group")


class Disaggregation(models.Model):
    actual = models.ForeignKey(Actual, on_delete=models.CASCADE, related_name="parts")
    dimension = models.CharField(max_length=8, choices=Dimension.choices)
    category = models.CharField(max_length=120)
    value = models.FloatField()

    class Meta:
        ordering = ["dimension", "id"]
        constraints = [
            models.UniqueConstraint(fields=["actual", "dimension", "category"], name="one_value_per_category")
        ]
