from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from humsec_web.activities.models import Activity, Digest
from humsec_web.core.models import Organisation
from humsec_web.lessons.models import Lesson
from humsec_web.proposals.models import SCORE_MAX, AuditEvent, Criterion, Proposal


def _require_org(serializer: Any, attrs: dict[str, Any], field: str) -> None:
    """Creating without an organisation is only for focal points (the view sets theirs)."""
    from humsec_web import permissions

    request = serializer.context.get("request")
    focal = request is not None and permissions.role_of(request.user) == permissions.FOCAL
    if serializer.instance is None and field not in attrs and not focal:
        raise serializers.ValidationError({field: ["This field is required."]})


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "acronym", "kind"]


class ActivitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Activity
        fields = [
            "id", "organisation", "title", "description", "country", "admin_areas", "sector",
            "theme", "principle", "pillar", "start_date", "end_date", "budget_usd", "partners",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]
        # a focal point's own organisation is filled in by the view; others must name one
        extra_kwargs = {"organisation": {"required": False}}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        _require_org(self, attrs, "organisation")
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        end = attrs.get("end_date", getattr(self.instance, "end_date", None))
        if start and end and end < start:
            raise serializers.ValidationError({"end_date": "The end date is before the start date."})
        return attrs


class DigestSerializer(serializers.ModelSerializer):
    class Meta:
        model = Digest
        fields = [
            "id", "title", "period_start", "period_end", "summary", "status", "activities",
            "created_at", "published_at",
        ]  # fmt: skip
        read_only_fields = ["status", "activities", "created_at", "published_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["period_end"] < attrs["period_start"]:
            raise serializers.ValidationError({"period_end": "The period ends before it starts."})
        return attrs


class LessonSerializer(serializers.ModelSerializer):
    tags = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta:
        model = Lesson
        fields = [
            "id", "title", "country", "theme", "context", "what_worked", "evidence", "contacts",
            "tags", "organisation", "status", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["organisation", "status", "created_at", "updated_at"]


class ScoredLessonSerializer(serializers.Serializer):
    lesson = LessonSerializer()
    score = serializers.FloatField(allow_null=True)


class SimilarSerializer(serializers.Serializer):
    method = serializers.CharField()
    results = ScoredLessonSerializer(many=True)


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["id", "name", "description", "weight"]


class AuditSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField()

    class Meta:
        model = AuditEvent
        fields = ["action", "from_status", "to_status", "note", "actor", "at"]


class VisibleAuditSerializer(serializers.Serializer):
    action = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    note = serializers.CharField()
    actor = serializers.CharField()
    at = serializers.DateTimeField()


class ProposalSerializer(serializers.ModelSerializer):
    """A proposal as the requesting user may see it: appraisals are blind
    (``humsec_web.proposals.confidential``): named in full, an anonymised summary, or nothing."""

    mean_score = serializers.SerializerMethodField()
    audit = serializers.SerializerMethodField()
    appraisals = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = [
            "id", "title", "lead_organisation", "partners", "country", "sector", "summary",
            "budget_usd", "duration_months", "status", "submitted_at", "mean_score", "appraisals",
            "audit",
        ]  # fmt: skip
        read_only_fields = ["status", "submitted_at"]
        extra_kwargs = {"lead_organisation": {"required": False}}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        _require_org(self, attrs, "lead_organisation")
        return attrs

    def _user(self) -> Any:
        request = self.context.get("request")
        return request.user if request is not None else None

    def _seen(self, obj: Proposal) -> Any:
        from humsec_web.proposals.confidential import appraisal_view

        cache = self.context.setdefault("_seen", {})
        if obj.pk not in cache:
            cache[obj.pk] = appraisal_view(self._user(), obj)
        return cache[obj.pk]

    def get_mean_score(self, obj: Proposal) -> float | None:
        return self._seen(obj).mean_score

    @extend_schema_field(VisibleAuditSerializer(many=True))
    def get_audit(self, obj: Proposal) -> list[dict[str, Any]]:
        from humsec_web.proposals.confidential import visible_audit

        return VisibleAuditSerializer(visible_audit(self._user(), obj), many=True).data

    @extend_schema_field(serializers.JSONField(allow_null=True))
    def get_appraisals(self, obj: Proposal) -> dict[str, Any] | None:
        seen = self._seen(obj)
        if seen.level == "full":
            return {"level": "full", "n": seen.n, "items": [
                {"reviewer": str(a.reviewer), "score": score, "comment": a.comment,
                 "scores": [{"criterion": s.criterion.name, "score": s.score, "comment": s.comment}
                            for s in a.scores.all()]}
                for a, score in seen.appraisals
            ]}  # fmt: skip
        if seen.level == "summary":
            return {"level": "summary", "n": seen.n, "criteria": seen.criteria, "comments": seen.comments}
        return None


class ScoreInputSerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    score = serializers.IntegerField(min_value=0, max_value=SCORE_MAX)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class AppraisalInputSerializer(serializers.Serializer):
    scores = ScoreInputSerializer(many=True)
    comment = serializers.CharField(max_length=5000)


class DecisionInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "decline"])
    note = serializers.CharField(max_length=5000)


class NoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class PortfolioRowSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True)
    label = serializers.CharField(allow_null=True)
    n = serializers.IntegerField()
    budget = serializers.FloatField()


class PortfolioSerializer(serializers.Serializer):
    n = serializers.IntegerField()
    budget = serializers.FloatField()
    by_country = PortfolioRowSerializer(many=True)
    by_sector = PortfolioRowSerializer(many=True)
    by_agency = PortfolioRowSerializer(many=True)
    by_status = PortfolioRowSerializer(many=True)
