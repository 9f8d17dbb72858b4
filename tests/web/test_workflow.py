"""Proposal workflow, appraisal scores (hand-worked weighted means) and the audit trail."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from hypothesis import given
from hypothesis import strategies as st

from humsec_web.proposals import workflow
from humsec_web.proposals.models import Criterion, Proposal

pytestmark = pytest.mark.django_db


def _user(name: str) -> User:
    return User.objects.get(username=name)


def test_full_workflow_with_weighted_scores_and_audit(world):
    p = world.submitted
    hsu, r1, r2 = _user("hsu"), _user("reviewer1"), _user("reviewer2")
    criteria = list(Criterion.objects.filter(active=True).order_by("order"))
    assert [c.name for c in criteria][-2:] == ["Multi-agency partnership", "Sustainability"]
    Criterion.objects.filter(name="Sustainability").update(weight=Decimal(2))
    with pytest.raises(PermissionDenied):  # not under review yet
        workflow.appraise(p.pk, r1, {c.pk: (3, "") for c in criteria})
    workflow.start_review(p.pk, hsu, "Complete file.")
    # reviewer 1: 5,4,3,2,1,0 and 5 on sustainability (weight 2): (15 + 10) / 8 = 3.125
    a1 = workflow.appraise(p.pk, r1, {c.pk: (s, "") for c, s in zip(criteria, [5, 4, 3, 2, 1, 0, 5], strict=True)}, "ok")
    assert workflow.weighted_score(a1) == pytest.approx(3.125)
    # reviewer 2: all 2 → 2.0; the proposal's mean is (3.125 + 2) / 2
    workflow.appraise(p.pk, r2, {c.pk: (2, "") for c in criteria}, "weak")
    assert workflow.mean_score(Proposal.objects.get(pk=p.pk)) == pytest.approx(2.5625)
    with pytest.raises(PermissionDenied):  # one appraisal per reviewer
        workflow.appraise(p.pk, r1, {c.pk: (3, "") for c in criteria})
    with pytest.raises(PermissionDenied):  # reviewers do not decide
        workflow.decide(p.pk, r1, True)
    workflow.decide(p.pk, hsu, approve=False, note="Below the bar.")
    p.refresh_from_db()
    assert p.status == "declined"
    trail = [(e.action, e.from_status, e.to_status, e.actor.username if e.actor else None) for e in p.audit.all()]
    assert trail == [
        ("submitted", "", "submitted", None),
        ("review started", "submitted", "under_review", "hsu"),
        ("appraised", "", "", "reviewer1"),
        ("appraised", "", "", "reviewer2"),
        ("declined", "under_review", "declined", "hsu"),
    ]
    with pytest.raises(PermissionDenied):  # decided: no going back
        workflow.start_review(p.pk, hsu)


def test_appraisal_must_score_every_active_criterion(world):
    criteria = list(Criterion.objects.filter(active=True))
    with pytest.raises(ValueError, match="missing"):
        workflow.appraise(world.reviewing.pk, _user("reviewer1"), {criteria[0].pk: (3, "")})


@given(st.lists(st.tuples(st.integers(0, 10), st.integers(0, 5)), min_size=1, max_size=8))
def test_weighted_mean_lies_between_the_scores(pairs):
    weights = [float(w) for w, _ in pairs]
    if sum(weights) == 0:
        return
    value = workflow.weighted_mean([(float(w), s) for w, s in pairs])
    scored = [s for w, s in pairs if w > 0]
    assert min(scored) - 1e-9 <= value <= max(scored) + 1e-9
    equal = workflow.weighted_mean([(1.0, s) for _, s in pairs])
    assert equal == pytest.approx(sum(s for _, s in pairs) / len(pairs))


def test_web_appraisal_and_decision(as_role, world):
    p = world.reviewing
    client = as_role("reviewer")
    form = {f"score_{c.pk}": "4" for c in Criterion.objects.filter(active=True)}
    r = client.post(f"/proposals/{p.pk}/appraise/", {**form, "comment": "Solid partnership."})
    assert r.status_code == 302
    client = as_role("hsu")
    r = client.post(f"/proposals/{p.pk}/decide/", {"decision": "approve", "note": "Fund it."})
    assert r.status_code == 302
    page = client.get(f"/proposals/{p.pk}/").content.decode()
    assert "Approved" in page and "Fund it." in page and "4.00 / 5" in page
