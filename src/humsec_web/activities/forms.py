from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from humsec_web.activities.models import Activity, Digest


class DateInput(forms.DateInput):
    input_type = "date"


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = [
            "organisation", "title", "description", "country", "admin_areas", "sector", "theme",
            "principle", "pillar", "start_date", "end_date", "budget_usd", "partners",
        ]  # fmt: skip
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        labels = {
            "organisation": _("Organisation"), "title": _("Title"), "description": _("Description"),
            "country": _("Country"), "admin_areas": _("Admin areas"), "sector": _("Sector"),
            "theme": _("Theme"), "principle": _("Principle"), "start_date": _("Start date"),
            "end_date": _("End date"), "partners": _("Partners"),
        }  # fmt: skip

    def __init__(self, *args: Any, fixed_organisation: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fixed_organisation = fixed_organisation
        if fixed_organisation is not None:
            # a focal point reports for their own organisation only
            del self.fields["organisation"]

    def save(self, commit: bool = True) -> Activity:
        if self.fixed_organisation is not None:
            self.instance.organisation = self.fixed_organisation
        return super().save(commit=commit)


class DigestForm(forms.ModelForm):
    class Meta:
        model = Digest
        fields = ["title", "period_start", "period_end", "summary"]
        widgets = {"period_start": DateInput(), "period_end": DateInput()}
        labels = {
            "title": _("Title"), "period_start": _("Period start"), "period_end": _("Period end"),
            "summary": _("Summary"),
        }  # fmt: skip
