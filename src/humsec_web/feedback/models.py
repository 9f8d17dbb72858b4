"""The coding framework's codes and the feedback items coded with them."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from humsec.voice.feedback import STATUSES
from humsec_web.core.countries import country_choices
from humsec_web.core.models import Organisation

TEXT_MAX = 5_000

#: how feedback reaches the team (declared once: the model, the form, the API and the summary read it)
CHANNELS = (
    ("face_to_face", _("Face to face")),
    ("hotline", _("Hotline / phone")),
    ("sms", _("SMS")),
    ("whatsapp", _("WhatsApp or messaging app")),
    ("community_meeting", _("Community meeting")),
    ("suggestion_box", _("Suggestion box")),
    ("email", _("E-mail")),
    ("social_media", _("Social media")),
    ("other", _("Other")),
)
SEXES = (("female", _("Female")), ("male", _("Male")), ("other", _("Other")), ("not_given", _("Not given")))
AGE_BANDS = (
    ("0-17", _("Under 18")),
    ("18-59", _("18 to 59")),
    ("60+", _("60 and over")),
    ("not_given", _("Not given")),
)
#: the summary's groupings (columns of the log that summaries may be broken down by)
SUMMARY_OVER = (
    ("area", _("Area")),
    ("group", _("Group")),
    ("channel", _("Channel")),
    ("sex", _("Sex")),
    ("age_band", _("Age")),
)
#: the summary's periods (as humsec.voice.summarise_feedback takes them)
PERIODS = (("M", _("Month")), ("Q", _("Quarter")), ("Y", _("Year")))
#: the statuses as forms offer them; the pages show the codes themselves ("open", "closed"), translated
STATUS_LABELS = {"open": _("Open"), "closed": _("Closed")}
STATUS_WORDS = (gettext_noop("open"), gettext_noop("closed"))


class FeedbackCode(models.Model):
    """One code of the coding framework (loaded with ``load_feedback_codes``)."""

    code_id = models.CharField(max_length=255, unique=True)  # NLRC ids run to 208 characters
    type = models.CharField(max_length=120)
    category = models.CharField(max_length=200, help_text=_("The theme the summaries count by."))
    name = models.CharField(max_length=300)
    sensitive = models.BooleanField(
        default=False, help_text=_("Protection, sexual exploitation and abuse, threats ...")
    )

    class Meta:
        ordering = ["type", "category", "name"]

    def __str__(self) -> str:
        return f"{self.category}: {self.name}"


def closing_problems(
    status: str, received_on: date | None, date_closed: date | None
) -> dict[str, str]:
    """What is wrong with an item's status and dates (field -> message); empty when consistent.
    Shared by the form, the API and the model so that every door checks the same."""
    problems: dict[str, str] = {}
    if status == "closed" and date_closed is None:
        problems["date_closed"] = gettext("A closed item needs the date it was closed.")
    if status == "open" and date_closed is not None:
        problems["status"] = gettext("An item with a closing date is closed: set the status to closed.")
    if received_on and date_closed and date_closed < received_on:
        problems["date_closed"] = gettext("The item was closed before it was received (%(date)s).") % {
            "date": received_on
        }
    return problems


class FeedbackItem(models.Model):
    """One piece of feedback or one complaint, from receipt to closing the loop."""

    country = models.CharField(max_length=3, choices=country_choices)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT,
        help_text=_("The organisation that received it (a focal point's own)."),
    )  # fmt: skip
    received_on = models.DateField(_("Date received"))
    channel = models.CharField(max_length=30, choices=CHANNELS)
    area = models.CharField(
        max_length=120, blank=True, help_text=_("Where it came from (admin area, camp ...).")
    )
    group = models.CharField(
        max_length=120, blank=True, help_text=_("Population group, e.g. IDP, host, refugee.")
    )
    sex = models.CharField(max_length=20, choices=SEXES, default="not_given")
    age_band = models.CharField(_("Age"), max_length=20, choices=AGE_BANDS, default="not_given")
    code = models.ForeignKey(FeedbackCode, on_delete=models.PROTECT, verbose_name=_("Theme (code)"))
    sensitive = models.BooleanField(
        default=False,
        help_text=_("Protection or PSEA concern: only designated staff will see it. Set for sensitive codes."),
    )
    description = models.TextField(
        max_length=TEXT_MAX, blank=True, help_text=_("What was said (no names).")
    )
    status = models.CharField(
        max_length=10, choices=[(s, STATUS_LABELS.get(s, s.capitalize())) for s in STATUSES], default="open"
    )
    referral = models.CharField(
        max_length=200, blank=True, help_text=_("To whom it was referred, if anyone.")
    )
    response = models.TextField(_("Response given"), max_length=TEXT_MAX, blank=True)
    date_closed = models.DateField(null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        permissions = [("view_sensitive_feedback", "Can see sensitive feedback (protection, PSEA)")]

    def __str__(self) -> str:
        return gettext("Feedback %(pk)s (%(date)s)") % {"pk": self.pk, "date": self.received_on}

    def save(self, *args: object, **kwargs: object) -> None:
        # a sensitive code makes the item sensitive, whatever the form said
        if self.code_id is not None and self.code.sensitive:
            self.sensitive = True
        super().save(*args, **kwargs)
