from django.contrib import admin

from humsec_web.sharing.models import AccessLog, Dataset


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ("name", "sensitivity", "owner", "licence", "country", "uploaded_by", "uploaded_at")
    list_filter = ("sensitivity", "licence", "country")
    readonly_fields = ("name", "file", "size", "sha256", "uploaded_by", "uploaded_at")
    filter_horizontal = ("grantees",)


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """The read log is append-only: nobody edits or deletes it here."""

    list_display = ("at", "user", "role", "via", "subject", "sensitivity", "allowed")
    list_filter = ("allowed", "via", "sensitivity")
    readonly_fields = ("at", "dataset", "subject", "sensitivity", "user", "role", "via", "allowed", "reason")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
