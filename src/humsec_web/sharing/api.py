"""REST endpoints of datasets: the catalogue (terms, no file) and the download, checked against
the dataset's sensitivity class and logged like the pages."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from humsec_web.sharing import access
from humsec_web.sharing.models import AccessLog, Dataset


class DatasetSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.StringRelatedField()
    download_url = serializers.SerializerMethodField()
    cleared = serializers.SerializerMethodField(help_text="Whether the caller may download the file.")

    class Meta:
        model = Dataset
        fields = ["id", "name", "size", "sha256", "description", "country", "sensitivity", "owner", "licence",
                  "terms", "uploaded_by", "uploaded_at", "cleared", "download_url"]  # fmt: skip
        read_only_fields = fields

    def get_cleared(self, obj: Dataset) -> bool:
        request = self.context.get("request")
        return bool(request) and access.dataset_cleared(request.user, obj)

    def get_download_url(self, obj: Dataset) -> str:
        return reverse("api-ownership:dataset-download", kwargs={"pk": obj.pk})


class DatasetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = DatasetSerializer
    rules = {"list": "dataset.list", "retrieve": "dataset.list", "download": "dataset.list"}

    def get_queryset(self) -> Any:
        return access.visible_datasets(self.request.user)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        dataset = self.get_object()
        access.log_read(request.user, subject=dataset.name, code=dataset.sensitivity, via=str(AccessLog.Via.API),
                        allowed=True, dataset=dataset, reason="terms read")  # fmt: skip
        return Response(self.get_serializer(dataset).data)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str | None = None) -> FileResponse:
        """The file itself, if the caller is cleared for its class (401/403 otherwise; logged)."""
        dataset = self.get_object()
        access.check_read(request.user, dataset, str(AccessLog.Via.API_DOWNLOAD))
        return FileResponse(dataset.file.open("rb"), as_attachment=True, filename=dataset.name)
