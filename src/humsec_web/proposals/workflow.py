"""The proposal workflow: submitted → under review → approved / declined.

Each step checks the rule in ``humsec_web.permissions``, locks the proposal row, changes its
status and appends an audit event, in one transaction (so the trail never disagrees with the
status).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from humsec_web import permissions
from humsec_web.proposals.models import Appraisal, AuditEvent, Criterion, Proposal, Score


def _locked(pk: int) -> Proposal:
    return Proposal.objects.select_for_update().get(pk=pk)


def _check(user: Any, action: str, proposal: Proposal) -> None:
    if not permissions.can(user, action, proposal):
        raise PermissionDenied(
            f"{user} may not {action} proposal {proposal.pk} (status {proposal.status})."
        )


def record_submission(proposal: Proposal, user: Any) -> None:
    AuditEvent.objects.create(
        proposal=proposal, actor=user, action="submitted", to_status=proposal.status
    )


@transaction.atomic
def start_review(pk: int, user: Any, note: str = "") -> Proposal:
    proposal = _locked(pk)
    _check(user, "proposal.start_review", proposal)
    return _move(proposal, user, "review started", Proposal.Status.UNDER_REVIEW, note)


@transaction.atomic
def decide(pk: int, user: Any, approve: bool, note: str = "") -> Proposal:
    proposal = _locked(pk)
    _check(user, "proposal.decide", proposal)
    status = Proposal.Status.APPROVED if approve else Proposal.Status.DECLINED
    return _move(proposal, user, "approved" if approve else "declined", status, note)


@transaction.atomic
def appraise(
    pk: int, user: Any, scores: dict[int, tuple[int, str]], comment: str = ""
) -> Appraisal:
    """Record one reviewer's scores (criterion id → (score, comment)); every active criterion
    must be scored."""
    proposal = _locked(pk)
    _check(user, "proposal.appraise", proposal)
    active = list(Criterion.objects.filter(active=True))
    missing = [c.name for c in active if c.pk not in scores]
    if missing:
        raise ValueError(f"Every criterion needs a score; missing: {', '.join(missing)}.")
    appraisal = Appraisal.objects.create(proposal=proposal, reviewer=user, comment=comment)
    Score.objects.bulk_create(
        Score(appraisal=appraisal, criterion=c, score=scores[c.pk][0], comment=scores[c.pk][1])
        for c in active
    )
    AuditEvent.objects.create(
        proposal=proposal, actor=user, action="appraised", note=f"weighted score {weighted_score(appraisal):.2f} / 5"
    )
    return appraisal


def _move(proposal: Proposal, user: Any, action: str, status: Any, note: str) -> Proposal:
    before = proposal.status
    proposal.status = status
    proposal.save(update_fields=["status"])
    AuditEvent.objects.create(
        proposal=proposal, actor=user, action=action, from_status=before, to_status=status, note=note
    )
    return proposal


def weighted_mean(pairs: list[tuple[float, int]]) -> float:
    """Σ weight·score / Σ weight; NaN when the weights sum to 0.

    >>> weighted_mean([(1.0, 5), (1.0, 4), (2.0, 1)])
    2.75
    """
    total = sum(w for w, _ in pairs)
    return sum(w * s for w, s in pairs) / total if total else float("nan")


def weighted_score(appraisal: Appraisal) -> float:
    """The appraisal's weighted mean score over its criteria (0–5)."""
    scores = appraisal.scores.select_related("criterion")
    return weighted_mean([(float(s.criterion.weight), s.score) for s in scores])


def mean_score(proposal: Proposal) -> float | None:
    """The mean of the reviewers' weighted scores, or None before any appraisal."""
    values = [weighted_score(a) for a in proposal.appraisals.all()]
    return sum(values) / len(values) if values else None
