"""Country Human Security Reviews: each upload or run is a new, immutable version.

A version holds its input files (the review file and the data it names) and, once built by
``humsec review``'s report builder (:mod:`humsec_web.reviews.runner`), the report (HTML, PDF) and
its published tables. Old versions are kept; publishing a version makes it (and the review) public.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from humsec.hazard.alerts import ALERT_STATUSES
from humsec_web.core.countries import country_choices


class CountryReview(models.Model):
    title = models.CharField(max_length=300)
    country = models.CharField(max_length=3, choices=country_choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["country", "-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def latest(self) -> ReviewVersion | None:
        return self.versions.order_by("-number").first()

    def latest_published(self) -> ReviewVersion | None:
        return self.versions.filter(published_at__isnull=False).order_by("-number").first()


def _version_folder(version: ReviewVersion) -> str:
    return f"reviews/{version.review_id}/v{version.number}"


def _input_path(instance: ReviewFile, filename: str) -> str:
    return f"{_version_folder(instance.version)}/inputs/{instance.name}"


def report_language_choices() -> list[tuple[str, str]]:
    """The languages humsec writes reports in (declared once, in :mod:`humsec.core.i18n`)."""
    from humsec.core.i18n import LANGUAGES

    return [("", _("the review file's language")), *((c, lang.native) for c, lang in LANGUAGES.items())]


def _output_path(instance: ReviewVersion, filename: str) -> str:
    return f"{_version_folder(instance)}/report/{filename}"


class ReviewVersion(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Report built")
        FAILED = "failed", _("Failed")

    review = models.ForeignKey(CountryReview, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    note = models.CharField(max_length=500, blank=True, help_text=_("What changed in this version."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    with_pdf = models.BooleanField(_("also print a PDF"), default=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    log = models.TextField(blank=True, help_text=_("Progress and, on failure, what to fix."))
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # moved by the worker while it builds; a still heartbeat means the worker died (requeued)
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    # the language of the report, brief and slides ("": the review file's own language:)
    language = models.CharField(max_length=5, blank=True, default="", choices=report_language_choices)
    report_html = models.FileField(upload_to=_output_path, blank=True)
    report_pdf = models.FileField(upload_to=_output_path, blank=True)
    tables_zip = models.FileField(upload_to=_output_path, blank=True)
    # for shorter audiences, from the same tables: the 2-page brief (with the PDF) and the slides
    brief_pdf = models.FileField(upload_to=_output_path, blank=True)
    slides_pptx = models.FileField(upload_to=_output_path, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # set by the build: the report's sections (what comments anchor to) and, per published table,
    # its sensitivity class (the strictest of its inputs unless disclosure control cleared it)
    outline = models.JSONField(default=list, blank=True, editable=False)
    table_classes = models.JSONField(default=list, blank=True, editable=False)
    report_sensitivity = models.CharField(max_length=30, blank=True, editable=False)

    class Meta:
        ordering = ["review", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="one_number_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.review} · version {self.number}"

    @property
    def country(self) -> str:
        """The review's country (the permission rules of country teams look at it)."""
        return self.review.country

    @property
    def status(self) -> str:
        """``published`` once published, otherwise the build state."""
        return "published" if self.published_at else self.state

    def review_file(self) -> ReviewFile | None:
        return self.files.filter(kind=ReviewFile.Kind.REVIEW).first()


class ReviewFile(models.Model):
    """One input file of one version (a version may share the stored file of an earlier one)."""

    class Kind(models.TextChoices):
        REVIEW = "review", _("Review file (YAML)")
        DATA = "data", _("Data file")

    version = models.ForeignKey(ReviewVersion, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=100)
    file = models.FileField(upload_to=_input_path, max_length=300)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    # the data file's sharing terms (kept files share their dataset); none for the review file itself
    # and for files stored before sharing terms existed (treated as restricted)
    dataset = models.ForeignKey("sharing.Dataset", null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="one_name_per_version")
        ]

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------------------- national ownership
class Counterpart(models.Model):
    """A government counterpart: an official who comments on and signs off the country's
    publications (review versions, early-warning outlooks) before they are published."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="counterpart")
    country = models.CharField(max_length=3, choices=country_choices)
    institution = models.CharField(max_length=200, help_text=_("e.g. Ministry of Planning"))
    position = models.CharField(max_length=200, blank=True, help_text=_("e.g. Director of Statistics"))
    active = models.BooleanField(default=True)
    designated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["country", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} (government counterpart, {self.country})"


class Outlook(models.Model):
    """An early-warning outlook for one country: what ``humsec warn`` forecasts and alerts say,
    read by the analysts; published only once the government counterpart signed it off."""

    SECTIONS = (
        ("summary", "Summary"),
        ("alerts", "Alerts by area"),
        ("method", "Method and scores"),
        ("forecast", "Forecast table"),
    )

    country = models.CharField(max_length=3, choices=country_choices)
    title = models.CharField(max_length=300)
    period = models.CharField(max_length=60, help_text=_("The months it looks at, e.g. 2027-01 to 2027-03."))
    summary = models.TextField(max_length=20000)
    alerts = models.TextField(max_length=20000, blank=True, help_text=_("The areas on alert, and why."))
    method = models.TextField(max_length=20000, blank=True, help_text=_("Model, benchmarks and scores."))
    forecast = models.ForeignKey(
        "sharing.Dataset", null=True, blank=True, on_delete=models.PROTECT,
        help_text=_("The forecast table (e.g. the CSV of humsec warn), with its sharing terms."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["country", "-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class AreaAlert(models.Model):
    """One trigger rule's state in one area of an outlook, read from the CSV of
    ``humsec warn triggers --alerts`` (:func:`humsec.hazard.alerts.read_alerts`): the platform's
    current alerts are those of the latest outlook of each country that a user may see."""

    outlook = models.ForeignKey(Outlook, on_delete=models.CASCADE, related_name="area_alerts")
    area_id = models.CharField(max_length=100)
    area = models.CharField(max_length=200)
    rule = models.CharField(max_length=200)
    status = models.CharField(max_length=12, choices=[(s, s) for s in ALERT_STATUSES])
    since = models.CharField(max_length=7, blank=True, help_text=_("YYYY-MM: firing at every evaluation since."))
    values = models.JSONField(default=dict, help_text=_("The rule's indicator values (null: no data)."))
    as_of = models.CharField(max_length=7, help_text=_("YYYY-MM: the month evaluated."))

    class Meta:
        ordering = ["outlook", "id"]

    def __str__(self) -> str:
        return f"{self.rule} in {self.area}: {self.status}"


class Publication(models.Model):
    """The road of one review version or outlook to publication (transitions in
    :mod:`humsec_web.reviews.publication`); ``events`` is its audit trail."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SHARED = "shared", _("Shared for comment")
        CHANGES = "changes_requested", _("Changes requested")
        SIGNED_OFF = "signed_off", _("Signed off")
        PUBLISHED = "published", _("Published")

    version = models.OneToOneField(
        ReviewVersion, null=True, blank=True, on_delete=models.CASCADE, related_name="publication"
    )
    outlook = models.OneToOneField(
        Outlook, null=True, blank=True, on_delete=models.CASCADE, related_name="publication"
    )
    country = models.CharField(max_length=3, choices=country_choices)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    shared_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signer_name = models.CharField(max_length=200, blank=True)
    signer_position = models.CharField(max_length=200, blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    conditions = models.TextField(blank=True, max_length=5000)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(version__isnull=False, outlook__isnull=True)
                           | models.Q(version__isnull=True, outlook__isnull=False)),
                name="publication_of_one_thing",
            )
        ]

    def __str__(self) -> str:
        return str(self.target)

    @property
    def target(self) -> ReviewVersion | Outlook:
        return self.version if self.version_id else self.outlook

    @property
    def kind(self) -> str:
        return "review version" if self.version_id else "early-warning outlook"

    def sections(self) -> list[tuple[str, str]]:
        """(id, title) of what a comment may anchor to: the whole document, then its sections."""
        if self.outlook_id:
            return [("whole", "The whole outlook"), *Outlook.SECTIONS]
        outline = [(s["id"], s["title"]) for s in (self.version.outline or [])]
        return [("whole", "The whole report"), ("summary", "Executive summary"), *outline]

    def open_comments(self) -> models.QuerySet[Comment]:
        """Comments neither resolved nor answered (sign-off waits for them)."""
        answered = Comment.objects.filter(parent=models.OuterRef("pk")).exclude(author=models.OuterRef("author"))
        return self.comments.filter(parent__isnull=True, resolved_at__isnull=True).exclude(models.Exists(answered))


class Comment(models.Model):
    """A comment anchored to one section; a reply answers it; its author or the owners resolve it."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    section = models.CharField(max_length=60)
    section_title = models.CharField(max_length=300)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(max_length=10000)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.section_title}: {self.body[:40]}"

    @property
    def country(self) -> str:
        return self.publication.country


class PublicationEvent(models.Model):
    """Append-only: every transition and decision, by whom, when (written in the same transaction)."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
