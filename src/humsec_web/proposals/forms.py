from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from humsec_web.proposals.models import SCORE_MAX, Criterion, Proposal


class ProposalForm(forms.ModelForm):
    class Meta:
        model = Proposal
        fields = [
            "title", "lead_organisation", "partners", "country", "sector", "summary",
            "budget_usd", "duration_months",
        ]  # fmt: skip
        widgets = {"partners": forms.CheckboxSelectMultiple}
        labels = {
            "title": _("Title"), "lead_organisation": _("Lead organisation"), "partners": _("Partners"),
            "country": _("Country"), "sector": _("Sector"), "summary": _("Summary"),
            "duration_months": _("Duration months"),
        }  # fmt: skip

    def __init__(self, *args: Any, fixed_organisation: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fixed_organisation = fixed_organisation
        if fixed_organisation is not None:
            del self.fields["lead_organisation"]
            self.fields["partners"].queryset = self.fields["partners"].queryset.exclude(
                pk=fixed_organisation.pk
            )

    def save(self, commit: bool = True) -> Proposal:
        if self.fixed_organisation is not None:
            self.instance.lead_organisation = self.fixed_organisation
        return super().save(commit=commit)


class AppraisalForm(forms.Form):
    """A score (0–5) and an optional comment for each active criterion, then an overall comment."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(Criterion.objects.filter(active=True))
        for c in self.criteria:
            self.fields[f"score_{c.pk}"] = forms.TypedChoiceField(
                label=gettext("%(criterion)s (weight %(weight)s)") % {"criterion": c.name, "weight": c.weight},
                choices=[(i, str(i)) for i in range(SCORE_MAX + 1)],
                coerce=int,
                help_text=c.description,
            )
            self.fields[f"note_{c.pk}"] = forms.CharField(
                label=gettext("Comment on %(criterion)s") % {"criterion": c.name}, required=False, max_length=500
            )
        self.fields["comment"] = forms.CharField(
            label=_("Overall comment"), widget=forms.Textarea, required=True
        )

    def scores(self) -> dict[int, tuple[int, str]]:
        return {
            c.pk: (self.cleaned_data[f"score_{c.pk}"], self.cleaned_data[f"note_{c.pk}"])
            for c in self.criteria
        }

    def criterion_fields(self) -> list[tuple[Any, Any]]:
        return [(self[f"score_{c.pk}"], self[f"note_{c.pk}"]) for c in self.criteria]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Approve")), ("decline", _("Decline"))])
    note = forms.CharField(widget=forms.Textarea, required=True, label=_("Reason"))
