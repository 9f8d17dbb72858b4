"""REST endpoints: the same rules (``humsec_web.permissions``) and querysets as the pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from humsec_web import permissions
from humsec_web.activities import digest as digest_table
from humsec_web.api import serializers as s
from humsec_web.core.models import Organisation
from humsec_web.lessons import search, semantic
from humsec_web.lessons.editing import returns_to_review
from humsec_web.proposals import workflow
from humsec_web.proposals.models import Criterion
from humsec_web.proposals.portfolio import breakdown


def _own_org(request: Request) -> Any:
    if permissions.role_of(request.user) == permissions.FOCAL:
        return request.user.profile.organisation
    return None


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.OrganisationSerializer
    queryset = Organisation.objects.all()
    rules = {"list": "organisation.list", "retrieve": "organisation.list"}


class ActivityViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.ActivitySerializer
    rules = {
        "list": "activity.list",
        "retrieve": "activity.view",
        "create": "activity.create",
        "update": "activity.change",
        "partial_update": "activity.change",
    }
    object_actions = ("retrieve", "update", "partial_update")

    def get_queryset(self) -> Any:
        return permissions.visible_activities(self.request.user)

    def perform_create(self, serializer: Any) -> None:
        org = _own_org(self.request)
        if org is not None:
            serializer.save(organisation=org, created_by=self.request.user)
        else:
            serializer.save(created_by=self.request.user)

    def perform_update(self, serializer: Any) -> None:
        org = _own_org(self.request)
        serializer.save(**({"organisation": org} if org is not None else {}))


class DigestViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.DigestSerializer
    rules = {
        "list": "digest.list",
        "retrieve": "digest.view",
        "create": "digest.create",
        "publish": "digest.publish",
    }
    object_actions = ("retrieve", "publish")

    def get_queryset(self) -> Any:
        return permissions.visible_digests(self.request.user)

    @transaction.atomic
    def perform_create(self, serializer: Any) -> None:
        digest = serializer.save(created_by=self.request.user)
        digest.activities.set(
            digest_table.activities_in_period(digest.period_start, digest.period_end)
        )

    @extend_schema(request=None, responses=s.DigestSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        with transaction.atomic():
            digest = self.get_object()
            digest_table.publish(digest)
        return Response(s.DigestSerializer(digest).data)


class LessonViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.LessonSerializer
    rules = {
        "list": "lesson.list",
        "retrieve": "lesson.view",
        "create": "lesson.create",
        "update": "lesson.change",
        "partial_update": "lesson.change",
        "similar": "lesson.view",
        "search": "lesson.list",
    }
    object_actions = ("retrieve", "update", "partial_update", "similar")

    def get_queryset(self) -> Any:
        return permissions.visible_lessons(self.request.user).prefetch_related("tags")

    def perform_create(self, serializer: Any) -> None:
        profile = getattr(self.request.user, "profile", None)
        serializer.save(author=self.request.user, organisation=getattr(profile, "organisation", None))

    def perform_update(self, serializer: Any) -> None:
        lesson = serializer.instance
        returns_to_review(lesson, self.request.user)  # published text is what the HSU approved
        serializer.save(status=lesson.status)

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True, description="Search words."),
            OpenApiParameter("mode", str, enum=["text", "semantic"], description="text (default) or semantic."),
        ],
        responses=s.SimilarSerializer,
    )
    @action(detail=False, methods=["get"])
    def search(self, request: Request) -> Response:
        query = str(request.query_params.get("q", ""))[:200]
        if not query.strip():
            raise ValidationError({"q": "Give the words to search for."})
        lessons = self.get_queryset()
        if request.query_params.get("mode") == "semantic":
            found = semantic.rank(query, list(lessons[:2000]), limit=20)
            return Response(_scored(semantic.method(), found))
        hits = [(lesson, None) for lesson in search.search(lessons, query)]
        return Response(_scored("full-text", hits))

    @extend_schema(responses=s.SimilarSerializer)
    @action(detail=True, methods=["get"])
    def similar(self, request: Request, pk: str | None = None) -> Response:
        lesson = self.get_object()
        found = semantic.similar(lesson, list(self.get_queryset()[:2000]))
        return Response(_scored(semantic.method(), found))


def _scored(method: str, pairs: Sequence[tuple[Any, float | None]]) -> dict[str, Any]:
    return {
        "method": method,
        "results": [
            {"lesson": s.LessonSerializer(lesson).data, "score": score} for lesson, score in pairs
        ],
    }


class ProposalViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.ProposalSerializer
    rules = {
        "list": "proposal.list",
        "retrieve": "proposal.view",
        "create": "proposal.create",
        "start_review": "proposal.start_review",
        "appraise": "proposal.appraise",
        "decide": "proposal.decide",
    }
    object_actions = ("retrieve", "start_review", "appraise", "decide")

    def get_queryset(self) -> Any:
        return permissions.visible_proposals(self.request.user).prefetch_related("audit__actor")

    @transaction.atomic
    def perform_create(self, serializer: Any) -> None:
        org = _own_org(self.request)
        extra = {"lead_organisation": org} if org is not None else {}
        proposal = serializer.save(submitted_by=self.request.user, **extra)
        workflow.record_submission(proposal, self.request.user)

    @extend_schema(request=s.NoteInputSerializer, responses=s.ProposalSerializer)
    @action(detail=True, methods=["post"], url_path="start-review")
    def start_review(self, request: Request, pk: str | None = None) -> Response:
        proposal = self.get_object()
        note = s.NoteInputSerializer(data=request.data)
        note.is_valid(raise_exception=True)
        workflow.start_review(proposal.pk, request.user, note.validated_data["note"])
        return Response(s.ProposalSerializer(self.get_queryset().get(pk=proposal.pk), context={"request": request}).data)

    @extend_schema(request=s.AppraisalInputSerializer, responses=s.ProposalSerializer)
    @action(detail=True, methods=["post"])
    def appraise(self, request: Request, pk: str | None = None) -> Response:
        proposal = self.get_object()
        body = s.AppraisalInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        active = set(Criterion.objects.filter(active=True).values_list("pk", flat=True))
        scores = {row["criterion"]: (row["score"], row["comment"]) for row in body.validated_data["scores"]}
        unknown = sorted(set(scores) - active)
        missing = sorted(active - set(scores))
        if unknown or missing:
            raise ValidationError(
                {"scores": f"Score every active criterion once; unknown {unknown}, missing {missing}."}
            )
        workflow.appraise(proposal.pk, request.user, scores, body.validated_data["comment"])
        return Response(
            s.ProposalSerializer(self.get_queryset().get(pk=proposal.pk), context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=s.DecisionInputSerializer, responses=s.ProposalSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        proposal = self.get_object()
        body = s.DecisionInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        approve = body.validated_data["decision"] == "approve"
        workflow.decide(proposal.pk, request.user, approve, body.validated_data["note"])
        return Response(s.ProposalSerializer(self.get_queryset().get(pk=proposal.pk), context={"request": request}).data)


class PortfolioViewSet(viewsets.ViewSet):
    rules = {"list": "portfolio.view"}

    @extend_schema(responses=s.PortfolioSerializer)
    def list(self, request: Request) -> Response:
        return Response(breakdown(permissions.portfolio_projects(request.user)))


class CriterionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.CriterionSerializer
    queryset = Criterion.objects.filter(active=True)
    rules = {"list": "proposal.list", "retrieve": "proposal.list"}
