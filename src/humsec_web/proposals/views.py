"""Trust-fund proposals: submission, appraisal, decision, and the public portfolio."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from humsec_web import permissions
from humsec_web.core.access import require
from humsec_web.proposals import workflow
from humsec_web.proposals.charts import funding_rows, funding_svg
from humsec_web.proposals.confidential import appraisal_view, visible_audit
from humsec_web.proposals.forms import AppraisalForm, DecisionForm, ProposalForm
from humsec_web.proposals.models import Proposal
from humsec_web.proposals.portfolio import breakdown


def proposal_list(request: HttpRequest) -> HttpResponse:
    require(request, "proposal.list")
    proposals = permissions.visible_proposals(request.user)
    status = request.GET.get("status", "")
    if status in Proposal.Status.values:
        proposals = proposals.filter(status=status)
    return render(
        request,
        "proposals/list.html",
        {"proposals": proposals, "status": status, "statuses": Proposal.Status.choices},
    )


def proposal_create(request: HttpRequest) -> HttpResponse:
    require(request, "proposal.create")
    org = (
        request.user.profile.organisation
        if permissions.role_of(request.user) == permissions.FOCAL
        else None
    )
    form = ProposalForm(request.POST or None, fixed_organisation=org)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.instance.submitted_by = request.user
            proposal = form.save()
            workflow.record_submission(proposal, request.user)
        messages.success(request, _("Proposal submitted."))
        return redirect("proposal-detail", pk=proposal.pk)
    return render(request, "proposals/form.html", {"form": form})


#: the audit trail's actions, as stored (``workflow``): the page shows them translated
AUDIT_ACTIONS = (
    gettext_noop("submitted"), gettext_noop("review started"), gettext_noop("appraised"),
    gettext_noop("approved"), gettext_noop("declined"),
)  # fmt: skip
#: the stand-ins ``confidential.visible_audit`` writes for a hidden or deleted actor
AUDIT_ACTORS = (gettext_noop("a reviewer"), gettext_noop("(deleted user)"))


def _audit_in_words(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The audit trail for the page, in the reader's language: actions, statuses and stand-in
    actors translated (the rows as stored, and the API's, keep the English words and codes)."""
    statuses = dict(Proposal.Status.choices)
    hidden = {a: _(a) for a in AUDIT_ACTORS}
    return [
        {
            **row,
            "action": _(row["action"]) if row["action"] in AUDIT_ACTIONS else row["action"],
            "from_status": statuses.get(row["from_status"], row["from_status"]),
            "to_status": statuses.get(row["to_status"], row["to_status"]),
            "actor": hidden.get(row["actor"], row["actor"]),
        }
        for row in rows
    ]


def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal.objects.select_related("lead_organisation"), pk=pk)
    require(request, "proposal.view", proposal)
    user = request.user
    seen = appraisal_view(user, proposal)  # blind appraisal: what this user may see
    return render(
        request,
        "proposals/detail.html",
        {
            "proposal": proposal,
            "seen": seen,
            "audit": _audit_in_words(visible_audit(user, proposal)),
            "can_start_review": permissions.can(user, "proposal.start_review", proposal),
            "can_appraise": permissions.can(user, "proposal.appraise", proposal),
            "can_decide": permissions.can(user, "proposal.decide", proposal),
            "decision_form": DecisionForm(),
        },
    )


@require_POST
def proposal_start_review(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal, pk=pk)
    require(request, "proposal.start_review", proposal)
    workflow.start_review(pk, request.user, note=request.POST.get("note", "")[:2000])
    messages.success(request, _("Review started: reviewers can now appraise the proposal."))
    return redirect("proposal-detail", pk=pk)


def proposal_appraise(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal, pk=pk)
    require(request, "proposal.appraise", proposal)
    form = AppraisalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        workflow.appraise(pk, request.user, form.scores(), form.cleaned_data["comment"])
        messages.success(request, _("Appraisal recorded."))
        return redirect("proposal-detail", pk=pk)
    return render(request, "proposals/appraise.html", {"proposal": proposal, "form": form})


@require_POST
def proposal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal, pk=pk)
    require(request, "proposal.decide", proposal)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or decline and give the reason."))
        return redirect("proposal-detail", pk=pk)
    approve = form.cleaned_data["decision"] == "approve"
    workflow.decide(pk, request.user, approve, form.cleaned_data["note"])
    messages.success(request, _("Proposal approved.") if approve else _("Proposal declined."))
    return redirect("proposal-detail", pk=pk)


def portfolio(request: HttpRequest) -> HttpResponse:
    require(request, "portfolio.view")
    projects = permissions.portfolio_projects(request.user)
    # SVG drawn by vl-convert from numbers and the names of countries and statuses (no user text)
    chart = mark_safe(funding_svg(funding_rows(projects)))
    return render(
        request,
        "proposals/portfolio.html",
        {"projects": projects, "numbers": breakdown(projects), "chart": chart},
    )


def portfolio_data(request: HttpRequest) -> JsonResponse:
    """Per-country counts and budgets for the map (the same projects the page shows)."""
    require(request, "portfolio.view")
    numbers = breakdown(permissions.portfolio_projects(request.user))
    return JsonResponse({"countries": numbers["by_country"]})
