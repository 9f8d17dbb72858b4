"""The feedback log's pages: list, record, open, follow up (refer, answer, close) and summaries."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from humsec_web import permissions
from humsec_web.core.access import require
from humsec_web.core.exports import neutralise
from humsec_web.feedback.forms import FeedbackForm, SummaryForm
from humsec_web.feedback.models import FeedbackCode, FeedbackItem
from humsec_web.feedback.summary import MIN_N, export_frame, summarise


def _own_org(request: HttpRequest) -> object:
    if permissions.role_of(request.user) == permissions.FOCAL:
        return request.user.profile.organisation
    return None


def feedback_list(request: HttpRequest) -> HttpResponse:
    require(request, "feedback.list")
    items = permissions.visible_feedback(request.user)
    status = request.GET.get("status", "")
    if status in ("open", "closed"):
        items = items.filter(status=status)
    # sensitive items in the user's scope that they may not open: counted, so nothing seems lost
    hidden = 0 if permissions.designated_for_sensitive_feedback(request.user) else (
        permissions.scoped_feedback(request.user).filter(sensitive=True).count()
    )  # fmt: skip
    return render(
        request,
        "feedback/list.html",
        {"items": items[:200], "status": status, "hidden": hidden,
         "codes_loaded": FeedbackCode.objects.exists()},
    )  # fmt: skip


def feedback_create(request: HttpRequest) -> HttpResponse:
    require(request, "feedback.create")
    form = FeedbackForm(
        request.POST or None, countries=permissions.feedback_countries(request.user)
    )
    if request.method == "POST" and form.is_valid():
        form.instance.author = request.user
        org = _own_org(request)
        if org is not None:
            form.instance.organisation = org
        item = form.save()
        if permissions.can(request.user, "feedback.view", item):
            messages.success(request, _("Feedback recorded."))
            return redirect("feedback-detail", pk=item.pk)
        messages.success(
            request, _("Feedback recorded as sensitive: only designated staff can open it now.")
        )
        return redirect("feedback-list")
    return render(request, "feedback/form.html", {"form": form, "title": _("Record feedback")})


def feedback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(FeedbackItem.objects.select_related("code", "organisation"), pk=pk)
    require(request, "feedback.view", item)
    return render(
        request,
        "feedback/detail.html",
        {"item": item, "can_change": permissions.can(request.user, "feedback.change", item)},
    )


def feedback_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(FeedbackItem, pk=pk)
    require(request, "feedback.change", item)
    form = FeedbackForm(
        request.POST or None, instance=item, countries=permissions.feedback_countries(request.user)
    )
    if request.method == "POST" and form.is_valid():
        item = form.save()
        if permissions.can(request.user, "feedback.view", item):
            messages.success(request, _("Feedback updated."))
            return redirect("feedback-detail", pk=item.pk)
        # marked sensitive (or given a sensitive code) by a user who is not designated
        messages.success(
            request, _("Feedback updated and now sensitive: only designated staff can open it.")
        )
        return redirect("feedback-list")
    return render(request, "feedback/form.html", {"form": form, "title": _("Follow up %(item)s") % {"item": item}})


def feedback_summary(request: HttpRequest) -> HttpResponse:
    require(request, "feedback.summary")
    form = SummaryForm(request.GET or None)
    over, period = "", ""
    if form.is_valid():
        over, period = form.cleaned_data["over"], form.cleaned_data["period"]
    table, notes = summarise(
        permissions.scoped_feedback(request.user), FeedbackCode.objects.all(),
        over=[over] if over else [], period=period or None,
    )  # fmt: skip
    rows = table.to_dict("records") if not table.empty else []
    return render(
        request, "feedback/summary.html",
        {"form": form, "rows": rows, "notes": notes, "min_n": MIN_N},
    )  # fmt: skip


def feedback_export(request: HttpRequest) -> HttpResponse:
    """The items the user may open as CSV (sensitive ones only for designated users), for
    ``humsec voice feedback`` or a spreadsheet; cells that a spreadsheet would run as formulas are
    neutralised (as object columns: ``neutralise`` passes pandas' string dtype by)."""
    require(request, "feedback.list")
    frame = export_frame(permissions.visible_feedback(request.user).order_by("received_on", "id"))
    response = HttpResponse(
        neutralise(frame.astype(object)).to_csv(index=False).encode("utf-8"),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="humsec-feedback-log.csv"'
    return response
