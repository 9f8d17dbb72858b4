"""The results API under ``/api/results/`` (namespace ``results-api``): logframes, results,
indicators (with their progress), targets, actuals (with their disaggregation; validate or
return), the results portfolio. Same rules (``humsec_web.permissions``), same checks
(``humsec_web.results.entry``) and same error envelope as the rest of ``/api/``.

Creating anything below a logframe needs the role that may report (administrator, focal point);
the logframe named in the body must then be one the caller reports on (403 otherwise).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from humsec_web import permissions
from humsec_web.api.permissions import RulesPermission
from humsec_web.results import entry
from humsec_web.results.models import Actual, Indicator, Logframe, Result, Target
from humsec_web.results.portfolio import portfolio_rows
from humsec_web.results.progress import latest_status, progress_rows
from humsec_web.results.units import Unit


class ResultsRulesPermission(RulesPermission):
    """The API's rule check; logframes and validated actuals readable by the public are readable
    without signing in, as their pages are."""

    def has_permission(self, request: Any, view: Any) -> bool:
        action = getattr(view, "action", None) or request.method.lower()
        if action in getattr(view, "object_actions", ()) and view.rules.get(action) == "logframe.view":
            return True  # decided per object by has_object_permission (and the visible_* lists)
        return super().has_permission(request, view)


def _drf(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages})


def _check_reports(request: Request, obj: Any) -> None:
    if not permissions.can(request.user, "logframe.change", obj):
        raise PermissionDenied("Your organisation does not report on this logframe.")


class ResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = Result
        fields = ["id", "logframe", "level", "parent", "title", "description", "order"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        try:
            entry.check_result(attrs["level"], attrs.get("parent"), attrs["logframe"])
        except DjangoValidationError as exc:
            raise _drf(exc) from None
        return attrs


class LogframeSerializer(serializers.ModelSerializer):
    results = ResultSerializer(many=True, read_only=True)

    class Meta:
        model = Logframe
        fields = ["id", "title", "organisation", "country", "project", "activities", "iati_identifier",
                  "created_at", "results"]  # fmt: skip
        read_only_fields = ["created_at"]
        extra_kwargs = {"organisation": {"required": False}, "activities": {"required": False}}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        request = self.context["request"]
        focal = permissions.role_of(request.user) == permissions.FOCAL
        if focal:
            attrs["organisation"] = request.user.profile.organisation
        elif "organisation" not in attrs:
            raise ValidationError({"organisation": ["This field is required."]})
        project = attrs.get("project")
        if project is not None:
            if project.country != attrs.get("country"):
                raise ValidationError({"country": [f"The project is in {project.country}; the logframe must be too."]})
            if focal and project.lead_organisation_id != attrs["organisation"].pk:
                raise ValidationError({"project": ["Your organisation does not lead this project."]})
            if Logframe.objects.filter(project=project).exists():
                raise ValidationError({"project": ["This project already has a logframe."]})
        return attrs


class ProgressRowSerializer(serializers.Serializer):
    period = serializers.CharField()
    target = serializers.FloatField(allow_null=True)
    actual = serializers.FloatField(allow_null=True)
    ci_low = serializers.FloatField(allow_null=True)
    ci_high = serializers.FloatField(allow_null=True)
    expected = serializers.FloatField(allow_null=True)
    status = serializers.CharField()
    actual_status = serializers.CharField()
    source = serializers.CharField()


class IndicatorSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()
    track = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = [
            "id", "result", "name", "unit", "direction", "frequency", "baseline_period", "baseline_value",
            "baseline_ci_low", "baseline_ci_high", "baseline_source", "means_of_verification",
            "reporting_organisation", "disaggregations", "activities", "progress", "track",
        ]  # fmt: skip
        extra_kwargs = {"activities": {"required": False}}

    def _rows(self, obj: Indicator) -> Any:
        user = self.context["request"].user
        return progress_rows(obj, list(permissions.visible_actuals(user).filter(indicator=obj)))

    @extend_schema_field(ProgressRowSerializer(many=True))
    def get_progress(self, obj: Indicator) -> list[dict[str, Any]]:
        return [r.__dict__ for r in self._rows(obj)]

    def get_track(self, obj: Indicator) -> str:
        return latest_status(self._rows(obj))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        try:
            entry.check_indicator(attrs)
        except DjangoValidationError as exc:
            raise _drf(exc) from None
        return attrs


class TargetSerializer(serializers.ModelSerializer):
    unit = serializers.ChoiceField(choices=Unit.choices, write_only=True, help_text="Must be the indicator's unit.")

    class Meta:
        model = Target
        fields = ["id", "indicator", "period", "value", "unit", "comment"]
        validators: list[Any] = []  # one target per period: checked by entry.record_target, with its message


class PartSerializer(serializers.Serializer):
    dimension = serializers.CharField(max_length=8)
    category = serializers.CharField(max_length=120)
    value = serializers.FloatField()


class ActualSerializer(serializers.ModelSerializer):
    unit = serializers.ChoiceField(choices=Unit.choices, write_only=True, help_text="Must be the indicator's unit.")
    parts = PartSerializer(many=True, required=False)

    class Meta:
        model = Actual
        fields = [
            "id", "indicator", "period", "value", "unit", "ci_low", "ci_high", "ci_level", "parts", "comment",
            "status", "warnings", "source", "source_detail", "reported_at", "validated_at", "review_note",
        ]  # fmt: skip
        read_only_fields = ["status", "warnings", "source", "source_detail", "reported_at", "validated_at", "review_note"]
        validators: list[Any] = []  # one actual per period: checked by entry.record_actual, with its message


class ReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["validate", "return"])
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class LogframeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    permission_classes = [ResultsRulesPermission]
    serializer_class = LogframeSerializer
    rules = {"list": "results.list", "retrieve": "logframe.view", "create": "logframe.create"}
    object_actions = ("retrieve",)

    def get_queryset(self) -> Any:
        return permissions.visible_logframes(self.request.user).prefetch_related("results", "activities")

    def perform_create(self, serializer: Any) -> None:
        serializer.save(created_by=self.request.user)


class _ChildCreate(mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Create a result, indicator, target or actual of a logframe the caller reports on."""

    permission_classes = [ResultsRulesPermission]
    parent_field = "logframe"

    def perform_create(self, serializer: Any) -> None:
        _check_reports(self.request, serializer.validated_data[self.parent_field])
        serializer.save()


class ResultViewSet(_ChildCreate):
    serializer_class = ResultSerializer
    queryset = Result.objects.none()
    rules = {"create": "logframe.create"}


class IndicatorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _ChildCreate):
    permission_classes = [ResultsRulesPermission]
    serializer_class = IndicatorSerializer
    rules = {"list": "results.list", "retrieve": "logframe.view", "create": "logframe.create"}
    object_actions = ("retrieve",)
    parent_field = "result"

    def get_queryset(self) -> Any:
        logframes = permissions.visible_logframes(self.request.user)
        return Indicator.objects.filter(result__logframe__in=logframes).select_related("result__logframe").prefetch_related("targets")


class TargetViewSet(_ChildCreate):
    serializer_class = TargetSerializer
    queryset = Target.objects.none()
    rules = {"create": "logframe.create"}

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        _check_reports(request, d["indicator"])
        try:
            target = entry.record_target(d["indicator"], period=d["period"], value=d["value"], unit=d["unit"],
                                         comment=d.get("comment", ""))  # fmt: skip
        except DjangoValidationError as exc:
            raise _drf(exc) from None
        return Response(TargetSerializer(target).data, status=201)


class ActualViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    permission_classes = [ResultsRulesPermission]
    serializer_class = ActualSerializer
    rules = {"list": "results.list", "retrieve": "logframe.view", "create": "logframe.create",
             "review": "actual.validate"}  # fmt: skip
    object_actions = ("retrieve", "review")

    def get_queryset(self) -> Any:
        return permissions.visible_actuals(self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        _check_reports(request, d["indicator"])
        parts = [entry.Part(p["dimension"].strip().lower(), p["category"], p["value"]) for p in d.get("parts", [])]
        try:
            actual = entry.record_actual(
                d["indicator"], request.user, period=d["period"], value=d["value"], unit=d["unit"],
                ci_low=d.get("ci_low"), ci_high=d.get("ci_high"), ci_level=d.get("ci_level"), parts=parts,
                comment=d.get("comment", ""),
            )  # fmt: skip
        except DjangoValidationError as exc:
            raise _drf(exc) from None
        return Response(ActualSerializer(actual).data, status=201)

    @extend_schema(request=ReviewSerializer, responses=ActualSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        self.get_object()  # who may review this actual, before reading the body
        body = ReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with transaction.atomic():
            actual = Actual.objects.select_for_update().get(pk=pk)
            self.check_object_permissions(request, actual)
            try:
                entry.review_actual(actual, request.user, approve=body.validated_data["decision"] == "validate",
                                    note=body.validated_data["note"])  # fmt: skip
            except DjangoValidationError as exc:
                raise _drf(exc) from None
        return Response(ActualSerializer(actual).data)


class PortfolioRowSerializer(serializers.Serializer):
    logframe = serializers.IntegerField()
    country = serializers.CharField()
    indicator = serializers.IntegerField()
    name = serializers.CharField()
    unit = serializers.CharField()
    baseline = serializers.FloatField()
    latest_period = serializers.CharField(allow_null=True)
    latest_actual = serializers.FloatField(allow_null=True)
    ci_low = serializers.FloatField(allow_null=True)
    ci_high = serializers.FloatField(allow_null=True)
    target_period = serializers.CharField(allow_null=True)
    target = serializers.FloatField(allow_null=True)
    track = serializers.CharField()


class PortfolioViewSet(viewsets.ViewSet):
    permission_classes = [ResultsRulesPermission]
    rules = {"list": "results.portfolio"}

    @extend_schema(responses=PortfolioRowSerializer(many=True))
    def list(self, request: Request) -> Response:
        out = []
        for r in portfolio_rows(request.user)["rows"]:
            last, target, ind = r["last"], r["target"], r["indicator"]
            out.append({
                "logframe": r["logframe"].pk, "country": r["logframe"].country, "indicator": ind.pk,
                "name": ind.name, "unit": ind.unit, "baseline": ind.baseline_value,
                "latest_period": last.period if last else None, "latest_actual": last.actual if last else None,
                "ci_low": last.ci_low if last else None, "ci_high": last.ci_high if last else None,
                "target_period": target.period if target else None, "target": target.target if target else None,
                "track": r["status"],
            })  # fmt: skip
        return Response(out)


router = SimpleRouter(trailing_slash=True)
router.register("logframes", LogframeViewSet, basename="logframe")
router.register("results", ResultViewSet, basename="result")
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("targets", TargetViewSet, basename="target")
router.register("actuals", ActualViewSet, basename="actual")
router.register("portfolio", PortfolioViewSet, basename="portfolio")
urlpatterns = router.urls
