"""Forms that ask for sharing terms: on their own (``/datasets/new/``) and inside review uploads."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from humsec_web.core.countries import country_choices
from humsec_web.sharing.classes import SENSITIVITY, licence_choices, sensitivity_choices
from humsec_web.sharing.store import Terms


def _classes_help() -> str:
    """Who may download each class, in the reader's language (the form's help)."""
    classes = "; ".join(f"{gettext(c.label)}: {gettext(c.readers)}" for c in SENSITIVITY)
    return gettext("Who may download the data files. %(classes)s.") % {"classes": classes}


class TermsFields(forms.Form):
    """The terms every uploaded data file gets (OCHA's classes; see docs/ownership.md)."""

    sensitivity = forms.ChoiceField(
        choices=sensitivity_choices, initial="restricted", label=_("Sensitivity class"),
        help_text=lazy(_classes_help, str)(),
    )
    owner = forms.CharField(max_length=200, label=_("Data owner"), help_text=_("Who owns the data (e.g. KNBS, an NGO)."))
    licence = forms.ChoiceField(choices=licence_choices, label=_("Licence"))
    terms = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}), label=_("Terms of use"),
        help_text=_("Purpose, who may receive it, attribution, retention (required unless public)."),
    )

    def terms_value(self, country: str = "", description: str = "") -> Terms:
        d = self.cleaned_data
        return Terms(d.get("sensitivity", ""), d.get("owner", ""), d.get("licence", ""), d.get("terms", ""), country,
                     description)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if {"sensitivity", "owner", "licence"} <= set(data):
            for field, message in self.terms_value().problems().items():
                self.add_error(field, message)
        return data


class DatasetForm(TermsFields):
    file = forms.FileField(
        label=_("File"), help_text=_("A data file (.csv, .csv.gz, .xlsx, .dta, .sav, .parquet, .json, .geojson, .yaml).")
    )
    description = forms.CharField(max_length=500, required=False, label=_("Description"))
    country = forms.ChoiceField(
        required=False, choices=(), label=_("Country"), help_text=_("The country the data describe.")
    )
    grantees = forms.CharField(
        required=False, max_length=1000, label=_("Grantees"),
        help_text=_("Usernames, separated by commas, of people who may read it besides you."),
    )
    field_order = ["file", "description", "country", "sensitivity", "owner", "licence", "terms", "grantees"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("(none)")), *country_choices()]
        self.sha256 = ""

    def clean_file(self) -> Any:
        # checked here, not after is_valid(), so that one answer lists every problem of the upload
        from humsec_web.reviews.inputs import validate_data_file

        upload = self.cleaned_data["file"]
        self.sha256 = validate_data_file(upload)
        return upload

    def clean_grantees(self) -> list[User]:
        names = [n.strip() for n in self.cleaned_data.get("grantees", "").split(",") if n.strip()]
        users = {u.username: u for u in User.objects.filter(username__in=names, is_active=True)}
        unknown = [n for n in names if n not in users]
        if unknown:
            raise forms.ValidationError(gettext("No active user named %(names)s.") % {"names": ", ".join(unknown)})
        return list(users.values())
