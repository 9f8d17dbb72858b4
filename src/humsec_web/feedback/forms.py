"""The feedback log's forms: one item (recorded or followed up) and the summary's breakdown."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from humsec_web.core.countries import country_choices
from humsec_web.feedback.models import PERIODS, SUMMARY_OVER, FeedbackItem, closing_problems


class FeedbackForm(forms.ModelForm):
    """Record an item (country limited to a country team's own) or follow it up."""

    class Meta:
        model = FeedbackItem
        fields = ["country", "received_on", "channel", "area", "group", "sex", "age_band", "code",
                  "sensitive", "description", "status", "referral", "response", "date_closed"]  # fmt: skip
        widgets = {
            "received_on": forms.DateInput(attrs={"type": "date"}),
            "date_closed": forms.DateInput(attrs={"type": "date"}),
        }
        labels = {
            "channel": _("Channel"), "area": _("Area"), "group": _("Group"), "sex": _("Sex"),
            "sensitive": _("Sensitive"), "description": _("Description"), "status": _("Status"),
            "referral": _("Referral"), "date_closed": _("Date closed"),
        }  # fmt: skip

    def __init__(self, *args: Any, countries: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = country_choices()
        if countries is not None:
            choices = [c for c in choices if c[0] in countries]
        self.fields["country"] = forms.ChoiceField(choices=choices, label=_("Country"))
        self.fields["code"].label_from_instance = lambda c: f"{c.type} › {c.category} › {c.name}"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for field, message in closing_problems(
            data.get("status", ""), data.get("received_on"), data.get("date_closed")
        ).items():
            self.add_error(field, message)
        return data


class SummaryForm(forms.Form):
    """The summary's breakdown: by one of the log's columns and by period."""

    over = forms.ChoiceField(
        required=False, label=_("By"), choices=[("", _("theme only")), *SUMMARY_OVER]
    )
    period = forms.ChoiceField(
        required=False, label=_("Period"), choices=[("", _("whole period")), *PERIODS]
    )
