"""The feedback log's REST endpoints, ``/api/feedback/`` (list, record, read, follow up) and
``/api/feedback/summary/``: the same rules, lists and checks as the pages (registered in
``humsec_web.api.urls``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from humsec_web import permissions
from humsec_web.feedback.models import (
    PERIODS,
    SUMMARY_OVER,
    FeedbackCode,
    FeedbackItem,
    closing_problems,
)
from humsec_web.feedback.summary import summarise


class FeedbackItemSerializer(serializers.ModelSerializer):
    code = serializers.SlugRelatedField(slug_field="code_id", queryset=FeedbackCode.objects.all())
    theme = serializers.CharField(source="code.category", read_only=True)

    class Meta:
        model = FeedbackItem
        fields = [
            "id", "country", "organisation", "received_on", "channel", "area", "group", "sex",
            "age_band", "code", "theme", "sensitive", "description", "status", "referral", "response",
            "date_closed", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["organisation", "created_at", "updated_at"]

    def validate_country(self, value: str) -> str:
        allowed = permissions.feedback_countries(self.context["request"].user)
        if allowed is not None and value not in allowed:
            raise ValidationError(f"Your role records feedback for {', '.join(allowed)} only.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        def current(field: str) -> Any:
            return attrs.get(field, getattr(self.instance, field, None))

        problems = closing_problems(
            current("status") or "open", current("received_on"), current("date_closed")
        )
        if problems:
            raise ValidationError(problems)
        return attrs


class FeedbackViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = FeedbackItemSerializer
    rules = {
        "list": "feedback.list",
        "retrieve": "feedback.view",
        "create": "feedback.create",
        "update": "feedback.change",
        "partial_update": "feedback.change",
        "summary": "feedback.summary",
    }
    object_actions = ("retrieve", "update", "partial_update")

    def get_queryset(self) -> Any:
        return permissions.visible_feedback(self.request.user)

    def perform_create(self, serializer: Any) -> None:
        org = None
        if permissions.role_of(self.request.user) == permissions.FOCAL:
            org = self.request.user.profile.organisation
        serializer.save(author=self.request.user, **({"organisation": org} if org else {}))

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "over", str, enum=[k for k, _ in SUMMARY_OVER], description="Break down by."
            ),
            OpenApiParameter("period", str, enum=[k for k, _ in PERIODS], description="M, Q or Y."),
        ],
        responses=None,
    )
    @action(detail=False, methods=["get"])
    def summary(self, request: Request) -> Response:
        over = request.query_params.get("over", "")
        period = request.query_params.get("period", "")
        if over and over not in dict(SUMMARY_OVER):
            raise ValidationError(
                {"over": [f"one of {', '.join(dict(SUMMARY_OVER))}; got {over!r}"]}
            )
        if period and period not in dict(PERIODS):
            raise ValidationError(
                {"period": [f"one of {', '.join(dict(PERIODS))}; got {period!r}"]}
            )
        table, notes = summarise(
            permissions.scoped_feedback(request.user), FeedbackCode.objects.all(),
            over=[over] if over else [], period=period or None,
        )  # fmt: skip
        rows = (
            table.astype(object).where(table.notna(), None).to_dict("records")
            if not table.empty
            else []
        )
        return Response({"rows": rows, "notes": notes})
