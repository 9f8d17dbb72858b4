from django.contrib import admin

from humsec_web.reviews.models import (
    AreaAlert,
    Comment,
    Counterpart,
    CountryReview,
    Outlook,
    Publication,
    PublicationEvent,
    ReviewFile,
    ReviewVersion,
)


class VersionInline(admin.TabularInline):
    model = ReviewVersion
    extra = 0
    fields = ("number", "state", "note", "published_at", "created_by", "created_at")
    readonly_fields = fields
    can_delete = False


@admin.register(CountryReview)
class CountryReviewAdmin(admin.ModelAdmin):
    list_display = ("title", "country", "created_by", "created_at")
    list_filter = ("country",)
    inlines = (VersionInline,)


class FileInline(admin.TabularInline):
    model = ReviewFile
    extra = 0
    readonly_fields = ("kind", "name", "file", "size", "sha256", "dataset")
    can_delete = False


@admin.register(ReviewVersion)
class ReviewVersionAdmin(admin.ModelAdmin):
    """Versions are built by the platform and published through the sign-off workflow only
    (humsec_web.reviews.publication): the admin reads them."""

    list_display = ("review", "number", "state", "published_at", "created_at")
    list_filter = ("state",)
    readonly_fields = ("review", "number", "note", "created_by", "with_pdf", "state", "log", "started_at",
                       "finished_at", "report_html", "report_pdf", "tables_zip", "published_at",
                       "report_sensitivity")  # fmt: skip
    inlines = (FileInline,)


@admin.register(Counterpart)
class CounterpartAdmin(admin.ModelAdmin):
    """Administrators designate a country's government counterparts (they sign off its publications)."""

    list_display = ("user", "country", "institution", "position", "active")
    list_filter = ("country", "active")


class EventInline(admin.TabularInline):
    model = PublicationEvent
    extra = 0
    readonly_fields = ("at", "actor", "action", "from_state", "to_state", "note")
    can_delete = False


class CommentInline(admin.TabularInline):
    model = Comment
    extra = 0
    readonly_fields = ("section_title", "author", "body", "parent", "resolved_by", "resolved_at", "created_at")
    exclude = ("section",)
    can_delete = False


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    """The workflow and its audit trail, read-only: states change only through the workflow."""

    list_display = ("__str__", "country", "state", "signer_name", "signed_off_at", "published_at")
    list_filter = ("state", "country")
    readonly_fields = ("version", "outlook", "country", "state", "shared_at", "signed_off_by", "signer_name",
                       "signer_position", "signed_off_at", "conditions", "published_by", "published_at")  # fmt: skip
    inlines = (CommentInline, EventInline)

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


class AreaAlertInline(admin.TabularInline):
    model = AreaAlert
    extra = 0


@admin.register(Outlook)
class OutlookAdmin(admin.ModelAdmin):
    list_display = ("title", "country", "period", "created_at")
    list_filter = ("country",)
    inlines = [AreaAlertInline]
