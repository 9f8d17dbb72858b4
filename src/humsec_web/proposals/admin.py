from typing import Any

from django.contrib import admin

from humsec_web.proposals.models import Appraisal, AuditEvent, Criterion, Proposal, Score


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ("name", "weight", "order", "active")
    list_editable = ("weight", "order", "active")


class AuditInline(admin.TabularInline):
    """The audit trail is append-only: shown, never edited here."""

    model = AuditEvent
    extra = 0
    can_delete = False
    readonly_fields = ("actor", "action", "from_status", "to_status", "note", "at")

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ("title", "lead_organisation", "country", "status", "budget_usd")
    list_filter = ("status", "country", "sector")
    # status changes go through the workflow (with its audit trail), not the admin form
    readonly_fields = ("status",)
    inlines = (AuditInline,)


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0


@admin.register(Appraisal)
class AppraisalAdmin(admin.ModelAdmin):
    list_display = ("proposal", "reviewer", "created_at")
    inlines = (ScoreInline,)
