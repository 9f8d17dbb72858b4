"""Results pages: logframes, indicators with their progress chart, entry of targets and actuals
(typed, from a ``humsec af`` table, from IATI XML), the HSU's validation, the results portfolio
and the CSV / Excel / IATI downloads. Access is decided by ``humsec_web.permissions`` only."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from humsec_web import permissions
from humsec_web.core.access import require
from humsec_web.results import af_source, entry, exports, iati
from humsec_web.results.charts import chart_points, progress_svg
from humsec_web.results.forms import (
    ActualForm,
    AFImportForm,
    CorrectionForm,
    IATIImportForm,
    IndicatorForm,
    LogframeForm,
    ResultForm,
    ReviewForm,
    TargetForm,
)  # fmt: skip
from humsec_web.results.models import Actual, Indicator, Logframe
from humsec_web.results.portfolio import portfolio_rows
from humsec_web.results.progress import latest_status, progress_rows

MAX_TABLE_BYTES = 20 * 1024 * 1024


def _own_org(request: HttpRequest) -> Any:
    if permissions.role_of(request.user) == permissions.FOCAL:
        return request.user.profile.organisation
    return None


def _logframe(request: HttpRequest, pk: int) -> Logframe:
    return get_object_or_404(permissions.visible_logframes(request.user), pk=pk)


def _indicator(request: HttpRequest, pk: int) -> Indicator:
    ind = get_object_or_404(Indicator.objects.select_related("result__logframe"), pk=pk)
    require(request, "logframe.view", ind.result.logframe)
    return ind


def logframe_list(request: HttpRequest) -> HttpResponse:
    require(request, "results.list")
    return render(request, "results/list.html", {"logframes": permissions.visible_logframes(request.user)})


def logframe_create(request: HttpRequest) -> HttpResponse:
    require(request, "logframe.create")
    form = LogframeForm(request.POST or None, fixed_organisation=_own_org(request))
    if request.method == "POST" and form.is_valid():
        form.instance.created_by = request.user
        logframe = form.save()
        messages.success(request, _("Logframe created: add its goal, outcomes and outputs."))
        return redirect("logframe-detail", pk=logframe.pk)
    return render(request, "results/form.html", {"form": form, "title": _("New logframe")})


def logframe_detail(request: HttpRequest, pk: int) -> HttpResponse:
    logframe = get_object_or_404(Logframe.objects.select_related("organisation", "project"), pk=pk)
    require(request, "logframe.view", logframe)
    actuals = list(permissions.visible_actuals(request.user, logframe))
    by_ind: dict[int, list[Actual]] = {}
    for a in actuals:
        by_ind.setdefault(a.indicator_id, []).append(a)
    tree = []
    for result in logframe.results.prefetch_related("indicators__targets"):
        indicators = []
        for ind in result.indicators.all():
            rows = progress_rows(ind, by_ind.get(ind.pk, []))
            indicators.append({"indicator": ind, "rows": rows, "status": latest_status(rows)})
        tree.append({"result": result, "indicators": indicators})
    return render(request, "results/detail.html", {
        "logframe": logframe, "tree": tree, "can_change": permissions.can(request.user, "logframe.change", logframe),
        "result_form": ResultForm(logframe=logframe), "iati_form": IATIImportForm(),
    })  # fmt: skip


@require_POST
def result_create(request: HttpRequest, pk: int) -> HttpResponse:
    logframe = get_object_or_404(Logframe, pk=pk)
    require(request, "logframe.change", logframe)
    form = ResultForm(request.POST, logframe=logframe)
    if form.is_valid():
        form.instance.logframe = logframe
        form.save()
        messages.success(request, _("Result added."))
        return redirect("logframe-detail", pk=pk)
    return render(request, "results/form.html", {"form": form, "title": _("Add a result to %(logframe)s") % {"logframe": logframe}}, status=400)


def indicator_create(request: HttpRequest, pk: int) -> HttpResponse:
    logframe = get_object_or_404(Logframe, pk=pk)
    require(request, "logframe.change", logframe)
    form = IndicatorForm(request.POST or None, logframe=logframe)
    if request.method == "POST" and form.is_valid():
        indicator = form.save()
        messages.success(request, _("Indicator added: now set its targets."))
        return redirect("indicator-detail", pk=indicator.pk)
    return render(request, "results/form.html", {"form": form, "title": _("New indicator of %(logframe)s") % {"logframe": logframe}})


def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ind = _indicator(request, pk)
    user = request.user
    actuals = list(permissions.visible_actuals(user).filter(indicator=ind))
    rows = progress_rows(ind, actuals)
    chart = mark_safe(progress_svg(chart_points(rows), ind.get_unit_display()))  # numbers only, no user text
    can_change = permissions.can(user, "logframe.change", ind)
    return render(request, "results/indicator.html", {
        "indicator": ind, "logframe": ind.result.logframe, "rows": rows, "status": latest_status(rows),
        "chart": chart, "actuals": actuals, "can_change": can_change,
        "target_form": TargetForm(indicator=ind), "actual_form": ActualForm(indicator=ind),
        "af_form": AFImportForm(), "review_form": ReviewForm(),
        "can_validate": {a.pk: permissions.can(user, "actual.validate", a) for a in actuals},
    })  # fmt: skip


def target_create(request: HttpRequest, pk: int) -> HttpResponse:
    ind = _indicator(request, pk)
    require(request, "logframe.change", ind)
    form = TargetForm(request.POST or None, indicator=ind)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        entry.record_target(ind, period=d["period"], value=d["value"], unit=d["unit"], comment=d["comment"])
        messages.success(request, _("Target for %(period)s saved.") % {"period": d["period"]})
        return redirect("indicator-detail", pk=pk)
    return render(request, "results/form.html", {"form": form, "title": _("Target of %(indicator)s") % {"indicator": ind}},
                  status=400 if request.method == "POST" else 200)  # fmt: skip


def actual_create(request: HttpRequest, pk: int) -> HttpResponse:
    ind = _indicator(request, pk)
    require(request, "logframe.change", ind)
    form = ActualForm(request.POST or None, indicator=ind)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        actual = entry.record_actual(
            ind, request.user, period=d["period"], value=d["value"], unit=d["unit"], ci_low=d.get("ci_low"),
            ci_high=d.get("ci_high"), ci_level=0.95 if d.get("ci_low") is not None else None,
            parts=d["part_list"], comment=d["comment"],
        )  # fmt: skip
        _report_saved(request, actual)
        return redirect("indicator-detail", pk=pk)
    return render(request, "results/form.html", {"form": form, "title": _("Actual of %(indicator)s") % {"indicator": ind}},
                  status=400 if request.method == "POST" else 200)  # fmt: skip


def _report_saved(request: HttpRequest, actual: Actual) -> None:
    messages.success(request, _("Actual for %(period)s reported: it awaits validation by the Human Security Unit.") % {
        "period": actual.period})  # fmt: skip
    for w in actual.warnings.splitlines():
        messages.warning(request, _("Kept, but check: %(warning)s") % {"warning": w})


def actual_from_af(request: HttpRequest, pk: int) -> HttpResponse:
    """An actual, or the baseline, from an uploaded ``humsec af`` table (estimate and CI as stored)."""
    ind = _indicator(request, pk)
    require(request, "logframe.change", ind)
    form = AFImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d, upload = form.cleaned_data, form.cleaned_data["table"]
        try:
            if upload.size > MAX_TABLE_BYTES:
                raise af_source.AFSourceError(_("%(file)s is larger than 20 MB.") % {"file": upload.name})
            pick = af_source.AFPick(d["measure"], d["k"], d["over"].strip(), d["group"].strip(), d["time"].strip())
            value = af_source.read_af_value(upload.read(), upload.name, pick)
            estimate, low, high = af_source.scaled(value, ind.unit)
            if d["use_as"] == "baseline":
                _set_baseline(ind, estimate, low, high, value.detail, d["level"])
                messages.success(request, _("Baseline set from %(source)s: %(estimate)s [%(low)s, %(high)s].") % {
                    "source": value.detail, "estimate": f"{estimate:.4g}", "low": f"{low:.4g}", "high": f"{high:.4g}"})  # fmt: skip
            else:
                if not d["period"]:
                    raise ValidationError({"period": [_("Give the period this actual reports.")]})
                actual = entry.record_actual(ind, request.user, period=d["period"], value=estimate, unit=None,
                                             ci_low=low, ci_high=high, ci_level=d["level"], source=Actual.Source.AF,
                                             source_detail=value.detail)  # fmt: skip
                _report_saved(request, actual)
            return redirect("indicator-detail", pk=pk)
        except af_source.AFSourceError as exc:
            form.add_error("table", str(exc))
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                for m in msgs:
                    form.add_error(field if field in form.fields else None, m)
    return render(request, "results/form.html", {"form": form, "title": _("Take a value of %(indicator)s from a humsec af table") % {"indicator": ind},
                                                 "multipart": True}, status=400 if request.method == "POST" else 200)  # fmt: skip


@transaction.atomic
def _set_baseline(ind: Indicator, value: float, low: float, high: float, detail: str, level: float) -> None:
    fields = {"unit": ind.unit, "frequency": ind.frequency, "baseline_period": ind.baseline_period,
              "baseline_value": value, "baseline_ci_low": low, "baseline_ci_high": high}  # fmt: skip
    entry.check_indicator(fields)
    ind.baseline_value, ind.baseline_ci_low, ind.baseline_ci_high = value, low, high
    ind.baseline_source = f"{detail} ({level:g} CI)"[:500]
    ind.save(update_fields=["baseline_value", "baseline_ci_low", "baseline_ci_high", "baseline_source"])


@require_POST
def actual_review(request: HttpRequest, pk: int) -> HttpResponse:
    with transaction.atomic():
        actual = get_object_or_404(Actual.objects.select_for_update(), pk=pk)
        require(request, "actual.validate", actual)
        form = ReviewForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose validate or return."))
            return redirect("indicator-detail", pk=actual.indicator_id)
        approve = form.cleaned_data["decision"] == "validate"
        try:
            entry.review_actual(actual, request.user, approve=approve, note=form.cleaned_data["note"])
        except ValidationError as exc:
            messages.error(request, " ".join(m for ms in exc.message_dict.values() for m in ms))
            return redirect("indicator-detail", pk=actual.indicator_id)
    if approve:
        messages.success(request, _("Actual for %(period)s validated: it is now public.") % {"period": actual.period})
    else:
        messages.success(request, _("Actual for %(period)s returned to the reporting organisation.") % {"period": actual.period})
    return redirect("indicator-detail", pk=actual.indicator_id)


def actual_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """The reporting organisation corrects a returned or not yet validated actual (same period)."""
    actual = get_object_or_404(Actual.objects.select_related("indicator__result__logframe"), pk=pk)
    require(request, "actual.correct", actual)
    ind = actual.indicator
    initial = {"value": actual.value, "ci_low": actual.ci_low, "ci_high": actual.ci_high, "comment": actual.comment,
               "parts": "\n".join(f"{p.dimension}, {p.category}, {p.value:g}" for p in actual.parts.all())}  # fmt: skip
    form = CorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            entry.correct_actual(actual, value=d["value"], ci_low=d.get("ci_low"), ci_high=d.get("ci_high"),
                                 comment=d["comment"], parts=entry.parse_parts(d["parts"]))  # fmt: skip
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                for m in msgs:
                    form.add_error(field if field in form.fields else None, m)
        else:
            _report_saved(request, actual)
            return redirect("indicator-detail", pk=ind.pk)
    return render(request, "results/form.html", {"form": form, "title": _("Correct the actual of %(indicator)s for %(period)s") % {"indicator": ind, "period": actual.period}},
                  status=400 if request.method == "POST" else 200)  # fmt: skip


def portfolio(request: HttpRequest) -> HttpResponse:
    require(request, "results.portfolio")
    return render(request, "results/portfolio.html", {"rows": portfolio_rows(request.user)})


def _download(frame_bytes: bytes, ctype: str, filename: str) -> HttpResponse:
    response = HttpResponse(frame_bytes, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def logframe_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    logframe = get_object_or_404(Logframe, pk=pk)
    require(request, "logframe.view", logframe)
    actuals = list(permissions.visible_actuals(request.user, logframe))
    stem = f"humsec-results-{logframe.pk}"
    if fmt == "xml":
        validated = [a for a in actuals if a.status == Actual.Status.VALIDATED]
        return _download(iati.export_xml(logframe, validated), "application/xml", f"{stem}-iati.xml")
    frame = exports.results_frame(logframe, actuals)
    if fmt == "csv":
        return _download(exports.to_csv_bytes(frame), "text/csv; charset=utf-8", f"{stem}.csv")
    return _download(exports.to_xlsx_bytes(frame),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", f"{stem}.xlsx")  # fmt: skip


@require_POST
def iati_import(request: HttpRequest, pk: int) -> HttpResponse:
    logframe = get_object_or_404(Logframe, pk=pk)
    require(request, "logframe.change", logframe)
    form = IATIImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose an IATI XML file."))
        return redirect("logframe-detail", pk=pk)
    upload = form.cleaned_data["file"]
    try:
        done = iati.import_results(upload.read(iati.MAX_IATI_BYTES + 1), upload.name, logframe, request.user)
    except iati.IATIError as exc:
        messages.error(request, _("Nothing was imported: %(reason)s") % {"reason": exc})
        return redirect("logframe-detail", pk=pk)
    messages.success(request, _(
        "Imported from %(file)s: %(results)s results, %(indicators)s indicators, %(targets)s targets, %(actuals)s actuals "
        "(awaiting validation)."
    ) % {"file": upload.name, "results": done.results_added, "indicators": done.indicators_added,
         "targets": done.targets_added, "actuals": done.actuals_added})  # fmt: skip
    for w in done.warnings:
        messages.warning(request, _("Kept, but check: %(warning)s") % {"warning": w})
    return redirect("logframe-detail", pk=pk)
