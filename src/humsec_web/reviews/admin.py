from django.contrib import admin

from humsec_web.reviews.models import CountryReview, ReviewFile, ReviewVersion


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
    readonly_fields = ("kind", "name", "file", "size", "sha256")
    can_delete = False


@admin.register(ReviewVersion)
class ReviewVersionAdmin(admin.ModelAdmin):
    """Versions are built by the platform: the admin reads them and may (un)publish."""

    list_display = ("review", "number", "state", "published_at", "created_at")
    list_filter = ("state",)
    readonly_fields = ("review", "number", "note", "created_by", "with_pdf", "state", "log", "started_at",
                       "finished_at", "report_html", "report_pdf", "tables_zip")  # fmt: skip
    inlines = (FileInline,)
