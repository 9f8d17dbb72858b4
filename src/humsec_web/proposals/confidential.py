"""Blind appraisal, as a trust fund runs it: what each person may see of a proposal's appraisals.

- The HSU and administrators run the process: every appraisal, named, at any time.
- A reviewer sees nobody else's appraisal (scores, comments, even who has appraised) until they
  have submitted their own; then all of them, named (a panel discussing before the decision).
- The applicant (focal points of the lead organisation) sees nothing of the appraisals while the
  proposal is being decided; once approved or declined, an anonymised summary: how many
  appraisals, the mean weighted score, the mean score per criterion and the reviewers' overall
  comments, unattributed and in a fixed order that does not follow who appraised first.
- Audit events of appraisals are shown to those without full view as "appraised" by "a reviewer",
  without the score.

The rules themselves are in :mod:`humsec_web.permissions` (``proposal.read_appraisals`` and
``proposal.read_appraisal_summary``); pages and API both build what they show with
:func:`appraisal_view` and :func:`visible_audit`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from humsec_web import permissions
from humsec_web.proposals.models import Proposal
from humsec_web.proposals.workflow import mean_score, weighted_mean, weighted_score

FULL, SUMMARY, NONE = "full", "summary", "none"
HIDDEN_ACTOR = "a reviewer"


@dataclass
class AppraisalView:
    level: str  # FULL, SUMMARY or NONE
    appraisals: list[tuple[Any, float]] = field(default_factory=list)  # FULL: (appraisal, score)
    n: int = 0
    mean_score: float | None = None
    criteria: list[dict[str, Any]] = field(default_factory=list)  # SUMMARY: name, mean
    comments: list[str] = field(default_factory=list)  # SUMMARY: unattributed


def level(user: Any, proposal: Proposal) -> str:
    if permissions.can(user, "proposal.read_appraisals", proposal):
        return FULL
    if permissions.can(user, "proposal.read_appraisal_summary", proposal):
        return SUMMARY
    return NONE


def appraisal_view(user: Any, proposal: Proposal) -> AppraisalView:
    """What ``user`` may see of the appraisals of ``proposal``."""
    lvl = level(user, proposal)
    if lvl == NONE:
        return AppraisalView(NONE)
    appraisals = list(
        proposal.appraisals.select_related("reviewer").prefetch_related("scores__criterion")
    )
    if lvl == FULL:
        return AppraisalView(
            FULL, [(a, weighted_score(a)) for a in appraisals], len(appraisals), mean_score(proposal)
        )
    by_criterion: dict[str, list[tuple[float, int]]] = {}
    for a in appraisals:
        for s in a.scores.all():
            by_criterion.setdefault(s.criterion.name, []).append((1.0, s.score))
    criteria = [{"name": k, "mean": weighted_mean(v)} for k, v in by_criterion.items()]
    # order by a digest of the text, not by time: the order must not tell who wrote what
    comments = sorted((a.comment for a in appraisals if a.comment.strip()), key=_digest)
    return AppraisalView(SUMMARY, [], len(appraisals), mean_score(proposal), criteria, comments)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def visible_audit(user: Any, proposal: Proposal) -> list[dict[str, Any]]:
    """The audit trail as ``user`` may see it: appraisal events anonymised without full view."""
    full = level(user, proposal) == FULL
    rows = []
    for e in proposal.audit.select_related("actor"):
        hidden = e.action == "appraised" and not full
        rows.append(
            {
                "action": e.action,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "note": "" if hidden else e.note,
                "actor": HIDDEN_ACTOR if hidden else (str(e.actor) if e.actor else "(deleted user)"),
                "at": e.at,
            }
        )
    return rows
