from django.contrib import admin

from humsec_web.feedback.models import FeedbackCode, FeedbackItem


@admin.register(FeedbackCode)
class FeedbackCodeAdmin(admin.ModelAdmin):
    list_display = ("code_id", "type", "category", "name", "sensitive")
    list_filter = ("sensitive", "type")
    search_fields = ("code_id", "category", "name")


@admin.register(FeedbackItem)
class FeedbackItemAdmin(admin.ModelAdmin):
    # only administrators reach the admin; they are designated to see sensitive items
    list_display = ("pk", "received_on", "country", "channel", "code", "sensitive", "status")
    list_filter = ("status", "sensitive", "channel", "country")
