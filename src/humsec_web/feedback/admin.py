"""The coding framework and the feedback items in Django's admin."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from humsec_web import permissions
from humsec_web.feedback.models import FeedbackCode, FeedbackItem


@admin.register(FeedbackCode)
class FeedbackCodeAdmin(admin.ModelAdmin):
    list_display = ("code_id", "type", "category", "name", "sensitive")
    list_filter = ("sensitive", "type")
    search_fields = ("code_id", "category", "name")


@admin.register(FeedbackItem)
class FeedbackItemAdmin(admin.ModelAdmin):
    list_display = ("pk", "received_on", "country", "channel", "code", "sensitive", "status")
    list_filter = ("status", "sensitive", "channel", "country")

    def get_queryset(self, request: HttpRequest) -> QuerySet[FeedbackItem]:
        # staff given the model's permissions reach the admin too: sensitive items only if designated
        qs = super().get_queryset(request)
        if permissions.designated_for_sensitive_feedback(request.user):
            return qs
        return qs.filter(sensitive=False)
