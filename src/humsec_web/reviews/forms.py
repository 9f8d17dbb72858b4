from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from humsec_web.core.countries import country_choices
from humsec_web.core.uploads import validate_upload
from humsec_web.reviews.inputs import DATA_TYPES
from humsec_web.reviews.models import report_language_choices
from humsec_web.sharing.forms import TermsFields
from humsec_web.sharing.store import Terms


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); cleans to a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


_TYPES = ", ".join(sorted(DATA_TYPES))


class VersionForm(TermsFields):
    """A new version: the review file and its data (any of them may be kept from the last version)."""

    review_file = forms.FileField(
        required=False,
        help_text=_("The review file (YAML, as for 'humsec review'; see docs/review.md). Paths in it are "
                    "names of the data files below, or humsec:NAME for data shipped with humsec."),
    )
    data_files = MultipleFileField(
        required=False,
        help_text=format_lazy(_("Data files the review file names ({types}); 20 MB each at most."), types=_TYPES),
    )
    keep_files = forms.BooleanField(
        required=False, initial=True, label=_("Keep the previous version's files (uploads replace those of the same name)")
    )
    note = forms.CharField(required=False, max_length=500, help_text=_("What changed in this version."))
    with_pdf = forms.BooleanField(required=False, initial=True, label=_("Also print a PDF"))
    language = forms.ChoiceField(
        required=False, choices=report_language_choices, initial="", label=_("Language of the report"),
        help_text=_("The report, its brief and slides are written in it; the published tables are the same in "
                    "every language."),
    )  # fmt: skip
    field_order = ["review_file", "data_files", "keep_files", "sensitivity", "owner", "licence", "terms", "note",
                   "with_pdf", "language"]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("sensitivity", "owner", "licence"):  # asked only when data files are uploaded (clean)
            self.fields[name].required = False
        self.fields["licence"].choices = [("", _("(choose)")), *self.fields["licence"].choices]
        self.fields["sensitivity"].label = _("Sensitivity class of the data files")

    def clean(self) -> dict[str, Any]:
        data = forms.Form.clean(self) or {}
        if data.get("data_files"):
            # every problem of the declared terms at once; computed before add_error, which drops
            # the field from cleaned_data, and only for fields not already refused
            problems = self.terms_value().problems()
            if not data.get("sensitivity"):
                problems["sensitivity"] = "Choose the sensitivity class of the uploaded data files."
            if not data.get("licence"):
                problems["licence"] = "Choose the licence of the uploaded data files."
            for field, message in problems.items():
                if field not in self.errors:
                    self.add_error(field, message)
        return data

    def upload_terms(self) -> Terms | None:
        """The uploaded data files' terms (None when no data file is uploaded)."""
        return self.terms_value() if self.cleaned_data.get("data_files") else None


class ReviewForm(VersionForm):
    title = forms.CharField(max_length=300)
    country = forms.ChoiceField(choices=())
    field_order = ["title", "country", "review_file", "data_files", "sensitivity", "owner", "licence", "terms",
                   "note", "with_pdf", "language"]

    def __init__(self, *args: Any, countries: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["keep_files"]
        choices = country_choices()
        if countries is not None:  # a country team works on its own country only
            choices = [c for c in choices if c[0] in countries]
        self.fields["country"].choices = choices


class OutlookForm(TermsFields):
    """An early-warning outlook; the forecast table (optional) is stored with its sharing terms."""

    title = forms.CharField(max_length=300)
    country = forms.ChoiceField(choices=())
    period = forms.CharField(max_length=60, help_text=_("The months it looks at, e.g. 2027-01 to 2027-03."))
    summary = forms.CharField(max_length=20000, widget=forms.Textarea(attrs={"rows": 5}))
    alerts = forms.CharField(max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("The areas on alert, and why."))  # fmt: skip
    method = forms.CharField(max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Model, benchmarks and scores (e.g. from humsec warn)."))  # fmt: skip
    forecast = forms.FileField(required=False, label=_("Forecast table"),
                               help_text=_("Optional: the forecast CSV of humsec warn, stored with the terms below."))  # fmt: skip
    alerts_table = forms.FileField(
        required=False, label=_("Current alerts table"),
        help_text=_("Optional: the CSV of humsec warn triggers --alerts (one row per rule and area); its "
                    "fired rules are listed on the outlook and, once published, on the current alerts page."),
    )  # fmt: skip
    field_order = ["title", "country", "period", "summary", "alerts", "method", "alerts_table", "forecast",
                   "sensitivity", "owner", "licence", "terms"]  # fmt: skip
    #: the rows of the alerts table once it has been read (clean)
    alert_rows: list[dict[Any, Any]]

    def __init__(self, *args: Any, countries: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = country_choices()
        if countries is not None:
            choices = [c for c in choices if c[0] in countries]
        self.fields["country"].choices = choices
        for name in ("sensitivity", "owner", "licence"):  # asked only with a forecast table (clean)
            self.fields[name].required = False
        self.fields["licence"].choices = [("", _("(choose)")), *self.fields["licence"].choices]

    def clean_alerts_table(self) -> Any:
        """Read the alerts CSV now, so that a damaged table is an error on its field, naming the row."""
        from humsec.core.errors import HumsecError
        from humsec.hazard.alerts import read_alerts

        upload = self.cleaned_data.get("alerts_table")
        self.alert_rows = []
        if not upload:
            return upload
        validate_upload(upload)
        try:
            table = read_alerts(upload.read(), upload.name)
        except HumsecError as exc:
            raise forms.ValidationError(str(exc)) from None
        finally:
            upload.seek(0)
        self.alert_rows = table.to_dict("records")
        return upload

    def clean(self) -> dict[str, Any]:
        data = forms.Form.clean(self) or {}
        country = data.get("country")
        if country and getattr(self, "alert_rows", None):
            others = sorted({str(r["country"]) for r in self.alert_rows} - _codes_of(country))
            if others:
                self.add_error(
                    "alerts_table",
                    f"The alerts table is about {', '.join(others)}, not the outlook's country {country}.",
                )
        if data.get("forecast"):
            problems = self.terms_value().problems()  # before add_error drops fields from cleaned_data
            if not data.get("sensitivity"):
                problems["sensitivity"] = "Choose the sensitivity class of the forecast table."
            if not data.get("licence"):
                problems["licence"] = "Choose the licence of the forecast table."
            for field, message in problems.items():
                if field not in self.errors:
                    self.add_error(field, message)
        return data


class CommentForm(forms.Form):
    section = forms.ChoiceField(choices=(), label=_("Section"))
    body = forms.CharField(max_length=10000, widget=forms.Textarea(attrs={"rows": 3}), label=_("Comment"))

    def __init__(self, *args: Any, sections: list[tuple[str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = list(sections)


class SignOffForm(forms.Form):
    signer_name = forms.CharField(max_length=200, label=_("Your name"), help_text=_("As it will stand on the record."))
    signer_position = forms.CharField(max_length=200, required=False, label=_("Position"))
    conditions = forms.CharField(
        max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("Conditions (optional)"),
        help_text=_("Anything that must be done before or when it is published."),
    )
    confirm = forms.BooleanField(label=_("I sign this off for publication on behalf of my government"))


class PublishForm(forms.Form):
    conditions_met = forms.BooleanField(required=False, label=_("The conditions of the sign-off are met"))
    note = forms.CharField(max_length=2000, required=False, label=_("How they were met / note"))


class ChangesForm(forms.Form):
    note = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 3}), label=_("Changes needed"))


def _codes_of(alpha_3: str) -> set[str]:
    """The spellings of a country in a humsec table: ISO alpha-3 and alpha-2 (IPC files use the latter)."""
    import pycountry

    found = pycountry.countries.get(alpha_3=alpha_3)
    return {alpha_3} | ({found.alpha_2} if found else set())
