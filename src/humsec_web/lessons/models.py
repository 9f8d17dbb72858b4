"""Lessons learned and good practices: structured entries, tags and attachments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from humsec_web.core.countries import country_choices
from humsec_web.core.models import Organisation
from humsec_web.core.uploads import validate_upload

TEXT_MAX = 20_000  # characters per free-text field (about 8 pages)


class Tag(models.Model):
    name = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Lesson(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(max_length=300)
    country = models.CharField(max_length=3, choices=country_choices)
    theme = models.CharField(max_length=120)
    # bounded: one 5 MB lesson made every page that compares lessons slow for everyone
    context = models.TextField(max_length=TEXT_MAX, help_text=_("The situation and the people concerned."))
    what_worked = models.TextField(max_length=TEXT_MAX)
    evidence = models.TextField(max_length=TEXT_MAX, blank=True, help_text=_("How we know: evaluations, data, sources."))
    contacts = models.CharField(max_length=300, blank=True)
    tags = models.ManyToManyField(Tag, blank=True)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # all-MiniLM-L6-v2 sentence embedding (384 float32), empty until computed
    embedding = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def text(self) -> str:
        """The words that search and similarity look at."""
        return "\n".join(
            [self.title, self.theme, self.context, self.what_worked, self.evidence]
        ).strip()


class Attachment(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="lessons/%Y/%m/", validators=[validate_upload])
    name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name
