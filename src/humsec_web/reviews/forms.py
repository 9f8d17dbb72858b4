from __future__ import annotations

from typing import Any

from django import forms

from humsec_web.core.countries import country_choices
from humsec_web.reviews.inputs import DATA_TYPES


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


class VersionForm(forms.Form):
    """A new version: the review file and its data (any of them may be kept from the last version)."""

    review_file = forms.FileField(
        required=False,
        help_text="The review file (YAML, as for 'humsec review'; see docs/review.md). Paths in it are "
        "names of the data files below, or humsec:NAME for data shipped with humsec.",
    )
    data_files = MultipleFileField(
        required=False, help_text=f"Data files the review file names ({_TYPES}); 20 MB each at most."
    )
    keep_files = forms.BooleanField(
        required=False, initial=True, label="Keep the previous version's files (uploads replace those of the same name)"
    )
    note = forms.CharField(required=False, max_length=500, help_text="What changed in this version.")
    with_pdf = forms.BooleanField(required=False, initial=True, label="Also print a PDF")


class ReviewForm(VersionForm):
    title = forms.CharField(max_length=300)
    country = forms.ChoiceField(choices=())
    field_order = ["title", "country", "review_file", "data_files", "note", "with_pdf"]

    def __init__(self, *args: Any, countries: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["keep_files"]
        choices = country_choices()
        if countries is not None:  # a country team works on its own country only
            choices = [c for c in choices if c[0] in countries]
        self.fields["country"].choices = choices
