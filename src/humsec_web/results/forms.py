"""Forms of the results pages; every rule is in ``humsec_web.results.entry`` (the API uses the same)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from humsec_web.results import entry
from humsec_web.results.models import Indicator, Logframe, Result, ResultLevel
from humsec_web.results.units import Unit


class LogframeForm(forms.ModelForm):
    class Meta:
        model = Logframe
        fields = ["title", "organisation", "country", "project", "activities", "iati_identifier"]
        widgets = {"activities": forms.SelectMultiple(attrs={"size": 6})}
        labels = {
            "title": _("Title"), "organisation": _("Organisation"), "country": _("Country"),
            "project": _("Project"), "activities": _("Activities"),
        }  # fmt: skip

    def __init__(self, *args: Any, fixed_organisation: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fixed_organisation = fixed_organisation
        project = self.fields["project"]
        activities = self.fields["activities"]
        if fixed_organisation is not None:
            # a focal point reports on their own organisation's projects and activities only
            del self.fields["organisation"]
            project.queryset = project.queryset.filter(lead_organisation=fixed_organisation)
            activities.queryset = activities.queryset.filter(organisation=fixed_organisation)
        project.queryset = project.queryset.filter(logframe__isnull=True) | project.queryset.filter(
            pk=getattr(self.instance, "project_id", None)
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        project, country = data.get("project"), data.get("country")
        if project is not None and country and project.country != country:
            self.add_error("country", gettext("The project is in %(country)s; the logframe must be too.") % {
                "country": project.country})  # fmt: skip
        return data

    def save(self, commit: bool = True) -> Logframe:
        if self.fixed_organisation is not None:
            self.instance.organisation = self.fixed_organisation
        return super().save(commit=commit)


class ResultForm(forms.ModelForm):
    class Meta:
        model = Result
        fields = ["level", "parent", "title", "description", "order"]
        labels = {
            "level": _("Level"), "parent": _("Parent"), "title": _("Title"), "description": _("Description"),
            "order": _("Order"),
        }  # fmt: skip

    def __init__(self, *args: Any, logframe: Logframe, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.logframe = logframe
        self.fields["parent"].queryset = logframe.results.exclude(level=ResultLevel.OUTPUT)
        self.fields["parent"].help_text = _("An outcome sits under the goal, an output under an outcome.")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "level" in data:
            try:
                entry.check_result(data["level"], data.get("parent"), self.logframe)
            except ValidationError as exc:
                _add(self, exc)
        return data


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "result", "name", "unit", "direction", "frequency", "baseline_period", "baseline_value",
            "baseline_ci_low", "baseline_ci_high", "baseline_source", "means_of_verification",
            "reporting_organisation", "disaggregations", "activities",
        ]  # fmt: skip
        widgets = {"activities": forms.SelectMultiple(attrs={"size": 6})}
        labels = {
            "result": _("Result"), "name": _("Name"), "unit": _("Unit"), "direction": _("Direction"),
            "frequency": _("Frequency"), "baseline_period": _("Baseline period"), "baseline_value": _("Baseline value"),
            "baseline_ci_low": _("Baseline ci low"), "baseline_ci_high": _("Baseline ci high"),
            "baseline_source": _("Baseline source"), "means_of_verification": _("Means of verification"),
            "reporting_organisation": _("Reporting organisation"), "disaggregations": _("Disaggregations"),
            "activities": _("Activities"),
        }  # fmt: skip

    def __init__(self, *args: Any, logframe: Logframe, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["result"].queryset = logframe.results.all()
        self.fields["activities"].queryset = logframe.activities.all()
        self.fields["reporting_organisation"].initial = logframe.organisation_id

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        needed = ("unit", "frequency", "baseline_period", "baseline_value")
        if all(data.get(f) is not None for f in needed):
            try:
                entry.check_indicator(data)
            except ValidationError as exc:
                _add(self, exc)
        return data


class TargetForm(forms.Form):
    period = forms.CharField(max_length=7, label=_("Period"),
                             help_text=_("At the indicator's frequency: 2024, 2024-Q2 or 2024-03."))
    value = forms.FloatField(label=_("Value"))
    unit = forms.ChoiceField(choices=Unit.choices, label=_("Unit"),
                             help_text=_("Must be the indicator's unit: nothing is converted."))
    comment = forms.CharField(max_length=500, required=False, label=_("Comment"))

    def __init__(self, *args: Any, indicator: Indicator, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.fields["unit"].initial = indicator.unit

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if {"period", "value", "unit"} <= set(data):
            try:
                entry.check_target(self.indicator, data["period"], data["value"], data["unit"])
            except ValidationError as exc:
                _add(self, exc)
        return data


class ActualForm(forms.Form):
    period = forms.CharField(max_length=7, label=_("Period"),
                             help_text=_("At the indicator's frequency: 2024, 2024-Q2 or 2024-03."))
    value = forms.FloatField(label=_("Value"))
    unit = forms.ChoiceField(choices=Unit.choices, label=_("Unit"),
                             help_text=_("Must be the indicator's unit: nothing is converted."))
    ci_low = forms.FloatField(required=False, label=_("Confidence interval, low"))
    ci_high = forms.FloatField(required=False, label=_("Confidence interval, high"))
    parts = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, label=_("Disaggregation"),
        help_text=_("One per line: dimension, category, value (e.g. 'sex, female, 620'). Parts that do not add up to the total are kept and flagged."),
    )  # fmt: skip
    comment = forms.CharField(max_length=1000, required=False, label=_("Comment"))

    def __init__(self, *args: Any, indicator: Indicator, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.fields["unit"].initial = indicator.unit

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if {"period", "value", "unit"} <= set(data):
            try:
                entry.check_actual(self.indicator, data["period"], data["value"], data["unit"],
                                   data.get("ci_low"), data.get("ci_high"))  # fmt: skip
                data["part_list"] = entry.parse_parts(data.get("parts", ""))
                entry.check_parts(self.indicator, data["value"], data["part_list"])
            except ValidationError as exc:
                _add(self, exc)
        return data


class CorrectionForm(forms.Form):
    """A correction of a returned actual: the period and unit stay, the numbers change."""

    value = forms.FloatField(label=_("Value"))
    ci_low = forms.FloatField(required=False, label=_("Confidence interval, low"))
    ci_high = forms.FloatField(required=False, label=_("Confidence interval, high"))
    parts = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, label=_("Disaggregation"),
                            help_text=_("One per line: dimension, category, value."))
    comment = forms.CharField(max_length=1000, required=False, label=_("Comment"))


class AFImportForm(forms.Form):
    """An actual (or the baseline) from a stored ``humsec af`` result table."""

    table = forms.FileField(label=_("humsec af result table (CSV)"))
    use_as = forms.ChoiceField(choices=[("actual", _("An actual")), ("baseline", _("The baseline"))], initial="actual",
                               label=_("Use as"))
    period = forms.CharField(max_length=7, required=False, label=_("Period"),
                             help_text=_("For an actual: the period it reports (e.g. 2018)."))
    measure = forms.ChoiceField(label=_("Measure"), choices=[
        ("H", _("H (headcount ratio)")), ("M0", _("M0 (adjusted headcount)")), ("A", _("A (intensity)"))])
    k = forms.FloatField(label=_("Poverty cutoff k (%)"), min_value=0, max_value=100)
    over = forms.CharField(max_length=60, initial="region", label=_("Over"),
                           help_text=_("The subgroup variable ('national' for all)."))
    group = forms.CharField(max_length=120, required=False, label=_("Group"), help_text=_("e.g. 1 for region 1."))
    time = forms.CharField(max_length=20, required=False, label=_("Survey round"),
                           help_text=_("The table's 'time' value, e.g. 2."))
    level = forms.FloatField(label=_("Confidence level of the table"), initial=0.95, min_value=0.5, max_value=0.999,
                             help_text=_("humsec af --level (0.95 unless you changed it)."))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("validate", _("Validate")), ("return", _("Return for correction"))])
    note = forms.CharField(max_length=1000, required=False, label=_("Note (required to return)"))


class IATIImportForm(forms.Form):
    file = forms.FileField(label=_("IATI activity XML (with result elements)"))


def _add(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put the entry rules' errors on the form's fields (or the form when it has no such field)."""
    for field, messages in exc.message_dict.items():
        target = field if field in form.fields else None
        if field.startswith("baseline_ci"):
            target = "baseline_ci_low"
        for m in messages:
            form.add_error(target, m)
