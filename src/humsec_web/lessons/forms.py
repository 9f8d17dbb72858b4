from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from humsec_web.core.uploads import validate_upload
from humsec_web.lessons.models import Lesson, Tag


class LessonForm(forms.ModelForm):
    tag_names = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Comma-separated, e.g. water, displacement.")
    )
    attachment = forms.FileField(
        required=False,
        validators=[validate_upload],
        label=_("Attachment"),
        help_text=_("PDF, Word, Excel, CSV, text or image; 5 MB at most."),
    )

    class Meta:
        model = Lesson
        fields = ["title", "country", "theme", "context", "what_worked", "evidence", "contacts"]
        labels = {
            "title": _("Title"), "country": _("Country"), "theme": _("Theme"), "context": _("Context"),
            "what_worked": _("What worked"), "evidence": _("Evidence"), "contacts": _("Contacts"),
        }  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["tag_names"].initial = ", ".join(t.name for t in self.instance.tags.all())

    def clean_tag_names(self) -> list[str]:
        names = [slugify(n)[:60] for n in self.cleaned_data["tag_names"].split(",")]
        return sorted({n for n in names if n})[:20]

    def save_tags(self, lesson: Lesson) -> None:
        tags = [Tag.objects.get_or_create(name=n)[0] for n in self.cleaned_data["tag_names"]]
        lesson.tags.set(tags)
