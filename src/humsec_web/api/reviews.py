"""REST endpoints of country reviews: the same rules and querysets as the pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from humsec.core.i18n import LANGUAGES
from humsec_web import permissions
from humsec_web.reviews import publication
from humsec_web.reviews.models import CountryReview, ReviewFile, ReviewVersion
from humsec_web.reviews.versions import new_version
from humsec_web.sharing.classes import CODES, LICENCE_CODES
from humsec_web.sharing.store import Terms


class ReviewFileSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReviewFile
        fields = ["name", "kind", "size", "sha256"]


class ReviewVersionSerializer(serializers.ModelSerializer):
    files = ReviewFileSerializer(many=True, read_only=True)
    report_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()
    tables_url = serializers.SerializerMethodField()
    brief_url = serializers.SerializerMethodField()
    slides_url = serializers.SerializerMethodField()

    class Meta:
        model = ReviewVersion
        fields = [
            "id", "review", "number", "note", "state", "log", "with_pdf", "created_at", "started_at",
            "finished_at", "published_at", "files", "report_url", "pdf_url", "tables_url", "language",
            "brief_url", "slides_url",
        ]  # fmt: skip
        read_only_fields = fields

    def _url(self, obj: ReviewVersion, field: str, name: str) -> str | None:
        return reverse(name, kwargs={"pk": obj.pk}) if getattr(obj, field) else None

    def get_report_url(self, obj: ReviewVersion) -> str | None:
        return self._url(obj, "report_html", "review-report")

    def get_pdf_url(self, obj: ReviewVersion) -> str | None:
        return self._url(obj, "report_pdf", "review-report-pdf")

    def get_tables_url(self, obj: ReviewVersion) -> str | None:
        return self._url(obj, "tables_zip", "review-tables")

    def get_brief_url(self, obj: ReviewVersion) -> str | None:
        return self._url(obj, "brief_pdf", "review-brief-pdf")

    def get_slides_url(self, obj: ReviewVersion) -> str | None:
        return self._url(obj, "slides_pptx", "review-slides")


class CountryReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = CountryReview
        fields = ["id", "title", "country", "created_at"]
        read_only_fields = ["created_at"]

    def validate_country(self, value: str) -> str:
        request = self.context.get("request")
        allowed = permissions.review_countries(request.user) if request else None
        if allowed is not None and value not in allowed:
            raise serializers.ValidationError(f"A country team starts reviews of its own country ({allowed[0]}).")
        return value


class VersionUploadSerializer(serializers.Serializer):
    review_file = serializers.FileField(required=False, help_text="The review file (YAML).")
    data_files = serializers.ListField(child=serializers.FileField(), required=False, max_length=20)
    keep_files = serializers.BooleanField(required=False, default=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    with_pdf = serializers.BooleanField(required=False, default=True)
    language = serializers.ChoiceField(choices=list(LANGUAGES), required=False, allow_blank=True, default="",
                                       help_text="Language of the report, brief and slides (default: the review file's).")
    # the sharing terms of the uploaded data files (humsec_web.sharing); required with data_files
    # checked in validate() by sharing.store.Terms, so one answer names every problem of the terms
    sensitivity = serializers.CharField(required=False, max_length=30, help_text=f"One of {', '.join(CODES)}.")
    owner = serializers.CharField(required=False, max_length=200)
    licence = serializers.CharField(required=False, max_length=30, help_text=f"One of {', '.join(LICENCE_CODES)}.")
    terms = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("data_files"):
            terms = Terms(attrs.get("sensitivity", ""), attrs.get("owner", ""), attrs.get("licence", ""),
                          attrs.get("terms", ""))  # fmt: skip
            problems = terms.problems()
            for f in ("sensitivity", "owner", "licence"):
                if not attrs.get(f):
                    problems[f] = "Required with data_files: every data file gets its sharing terms."
            if problems:
                raise serializers.ValidationError(problems)
        return attrs


class CountryReviewViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = CountryReviewSerializer
    rules = {
        "list": "review.list",
        "retrieve": "review.view",
        "create": "review.create",
        "versions": "review.add_version",
    }
    object_actions = ("retrieve", "versions")

    def get_queryset(self) -> Any:
        return permissions.visible_reviews(self.request.user)

    def perform_create(self, serializer: Any) -> None:
        serializer.save(created_by=self.request.user)

    @extend_schema(request={"multipart/form-data": VersionUploadSerializer}, responses={201: ReviewVersionSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def versions(self, request: Request, pk: str | None = None) -> Response:
        """Upload a new version (multipart): the review file and/or data files; builds it."""
        review = self.get_object()
        body = VersionUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            version = new_version(
                review, request.user, review_upload=data.get("review_file"),
                data_uploads=data.get("data_files", []),
                base=review.latest() if data["keep_files"] else None, note=data["note"],
                with_pdf=data["with_pdf"], language=data["language"],
                terms=Terms(data["sensitivity"], data["owner"], data["licence"], data.get("terms", ""))
                if data.get("data_files") else None,
            )  # fmt: skip
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from None
        return Response(ReviewVersionSerializer(version).data, status=status.HTTP_201_CREATED)


class ReviewVersionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ReviewVersionSerializer
    rules = {"list": "review.list", "retrieve": "review.version_view", "publish": "review.publish"}
    object_actions = ("retrieve", "publish")

    def get_queryset(self) -> Any:
        return permissions.visible_review_versions(self.request.user).prefetch_related("files")

    @extend_schema(request=None, responses=ReviewVersionSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        """Publish a version its government counterpart signed off (national ownership)."""
        version = self.get_object()
        try:
            publication.move(
                publication.publication_of(version).pk, request.user, "publish",
                note=str(request.data.get("note", ""))[:2000],
                conditions_met=str(request.data.get("conditions_met", "")).lower() in ("1", "true", "on", "yes"),
            )  # fmt: skip
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from None
        version.refresh_from_db()
        return Response(ReviewVersionSerializer(version).data)
