"""REST endpoints of national ownership: publications (workflow, comments, audit trail) and
early-warning outlooks; the same rules and transitions as the pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from humsec_web import permissions
from humsec_web.reviews import publication
from humsec_web.reviews.models import AreaAlert, Comment, Outlook, Publication, PublicationEvent


def _detail(exc: DjangoValidationError) -> Any:
    return exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.StringRelatedField()
    resolved_by = serializers.StringRelatedField()

    class Meta:
        model = Comment
        fields = ["id", "parent", "section", "section_title", "author", "body", "created_at", "resolved_by",
                  "resolved_at"]  # fmt: skip
        read_only_fields = fields


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField()

    class Meta:
        model = PublicationEvent
        fields = ["at", "actor", "action", "from_state", "to_state", "note"]
        read_only_fields = fields


class PublicationSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)
    title = serializers.SerializerMethodField()
    comments = CommentSerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)
    signed_off_by = serializers.StringRelatedField()

    class Meta:
        model = Publication
        fields = ["id", "kind", "title", "version", "outlook", "country", "state", "shared_at", "signed_off_by",
                  "signer_name", "signer_position", "signed_off_at", "conditions", "published_at", "comments",
                  "events"]  # fmt: skip
        read_only_fields = fields

    def get_title(self, obj: Publication) -> str:
        return str(obj.target)


class MoveSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    signer_name = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    signer_position = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    conditions = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    conditions_met = serializers.BooleanField(required=False, default=False)


class CommentInSerializer(serializers.Serializer):
    section = serializers.CharField(max_length=60, default="whole")
    body = serializers.CharField(max_length=10000)
    parent = serializers.IntegerField(required=False, allow_null=True, default=None)


class PublicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """POST ``/{id}/share/``, ``/request-changes/``, ``/sign-off/``, ``/publish/`` move it one step;
    ``/comments/`` adds a comment (or, with ``parent``, an answer)."""

    serializer_class = PublicationSerializer
    rules = {
        "list": "review.list", "retrieve": "publication.view", "share": "publication.view",
        "request_changes": "publication.view", "sign_off": "publication.view", "publish": "publication.view",
        "comments": "publication.view",
    }  # fmt: skip
    object_actions = ("retrieve", "share", "request_changes", "sign_off", "publish", "comments")

    def get_queryset(self) -> Any:
        return permissions.visible_publications(self.request.user).prefetch_related("comments__author", "events")

    def _move(self, request: Request, name: str) -> Response:
        pub = self.get_object()
        body = MoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            moved = publication.move(pub.pk, request.user, name, **body.validated_data)
        except DjangoValidationError as exc:
            raise ValidationError(_detail(exc)) from None
        return Response(PublicationSerializer(self.get_queryset().get(pk=moved.pk)).data)

    @extend_schema(request=MoveSerializer, responses=PublicationSerializer)
    @action(detail=True, methods=["post"])
    def share(self, request: Request, pk: str | None = None) -> Response:
        return self._move(request, "share")

    @extend_schema(request=MoveSerializer, responses=PublicationSerializer)
    @action(detail=True, methods=["post"], url_path="request-changes")
    def request_changes(self, request: Request, pk: str | None = None) -> Response:
        return self._move(request, "request_changes")

    @extend_schema(request=MoveSerializer, responses=PublicationSerializer)
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request: Request, pk: str | None = None) -> Response:
        return self._move(request, "sign_off")

    @extend_schema(request=MoveSerializer, responses=PublicationSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        return self._move(request, "publish")

    @extend_schema(request=CommentInSerializer, responses={201: CommentSerializer})
    @action(detail=True, methods=["post"])
    def comments(self, request: Request, pk: str | None = None) -> Response:
        pub = self.get_object()
        body = CommentInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        try:
            c = publication.comment(pub.pk, request.user, d["section"], d["body"], d["parent"])
        except DjangoValidationError as exc:
            raise ValidationError(_detail(exc)) from None
        return Response(CommentSerializer(c).data, status=201)


class AreaAlertSerializer(serializers.ModelSerializer):
    class Meta:
        model = AreaAlert
        fields = ["area_id", "area", "rule", "status", "since", "values", "as_of"]
        read_only_fields = fields


class OutlookSerializer(serializers.ModelSerializer):
    state = serializers.SerializerMethodField()
    area_alerts = AreaAlertSerializer(many=True, read_only=True)

    class Meta:
        model = Outlook
        fields = ["id", "country", "title", "period", "summary", "alerts", "method", "forecast", "created_at", "state",
                  "area_alerts"]  # fmt: skip
        read_only_fields = fields

    def get_state(self, obj: Outlook) -> str:
        return publication.stage(obj)


class OutlookViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = OutlookSerializer
    # visibility is the queryset (published to everyone; drafts to the owners, shared ones to counterparts)
    rules = {"list": "outlook.list", "retrieve": "outlook.list"}

    def get_queryset(self) -> Any:
        return permissions.visible_outlooks(self.request.user).prefetch_related("area_alerts")
