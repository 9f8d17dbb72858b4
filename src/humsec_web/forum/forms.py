from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from humsec_web.core.countries import country_choices


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), widget=forms.Textarea, max_length=10_000)


class ThreadForm(forms.Form):
    title = forms.CharField(max_length=200, label=_("Title"))
    country = forms.ChoiceField(
        required=False, choices=(), label=_("Country"), help_text=_("If the thread is about one country.")
    )
    body = forms.CharField(label=_("Message"), widget=forms.Textarea, max_length=10_000)

    def __init__(self, *args: Any, countries: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— no particular country —")), *country_choices()]
        if countries is not None:  # a country team tags its own country only
            choices = [c for c in choices if c[0] in countries]
        self.fields["country"].choices = choices
