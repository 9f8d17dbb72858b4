"""Web platform fixtures: the demo content once per session, plus the objects every role's
access is checked against (in the state each rule needs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

ROLE_USERS = {
    "administrator": "admin",
    "hsu": "hsu",
    "focal_point": "focal_wvi",
    "country_team": "country_cod",
    "reviewer": "reviewer1",
    "public": "visitor",
    "anonymous": None,
}


@dataclass
class World:
    """Objects of the demo database that access tests address by role."""

    activity: Any  # of WVI (focal_wvi's organisation), in COD (country_cod's country)
    other_activity: Any  # of OIM
    draft_digest: Any
    published_digest: Any
    lesson: Any  # published, written by hsu
    draft_lesson: Any  # written by focal_oim
    attachment: Any
    submitted: Any  # a proposal led by WVI, submitted
    reviewing: Any  # under review, appraised by reviewer2 only
    decided: Any  # approved


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, tmp_path_factory):  # type: ignore[no-untyped-def]
    """The demo content, loaded once into the session's test database."""
    from django.conf import settings

    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock():
        from humsec_web.core import demo

        demo.load()
        _extra_objects()


def _extra_objects() -> None:
    from django.contrib.auth.models import User
    from django.core.files.base import ContentFile

    from humsec_web.activities.models import Digest
    from humsec_web.core.models import Organisation
    from humsec_web.lessons.models import Attachment, Lesson
    from humsec_web.proposals import workflow
    from humsec_web.proposals.models import Criterion, Proposal

    hsu = User.objects.get(username="hsu")
    Digest.objects.create(
        title="Published digest", period_start=date(2024, 1, 1), period_end=date(2024, 12, 31),
        status="published", created_by=hsu,
    )  # fmt: skip
    lesson = Lesson.objects.filter(status="published").order_by("pk").first()
    assert lesson is not None
    Attachment.objects.create(
        lesson=lesson, file=ContentFile(b"a,b\n1,2\n", name="notes.csv"), name="notes.csv"
    )
    Lesson.objects.create(
        title="Draft lesson", country="KEN", theme="Health", context="c", what_worked="w",
        author=User.objects.get(username="focal_oim"),
    )  # fmt: skip
    wvi = Organisation.objects.get(acronym="WVI")
    p = Proposal.objects.create(
        title="Submitted by WVI", lead_organisation=wvi, country="KEN", sector="health",
        summary="s", budget_usd=Decimal(1000), duration_months=12,
    )  # fmt: skip
    workflow.record_submission(p, None)
    q = Proposal.objects.create(
        title="Under review, one appraisal", lead_organisation=wvi, country="UGA",
        sector="health", summary="s", budget_usd=Decimal(2000), duration_months=12,
    )  # fmt: skip
    workflow.start_review(q.pk, hsu)
    scores = {c.pk: (4, "") for c in Criterion.objects.filter(active=True)}
    workflow.appraise(q.pk, User.objects.get(username="reviewer2"), scores, "Fine.")


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    from humsec_web.activities.models import Activity, Digest
    from humsec_web.lessons.models import Attachment, Lesson
    from humsec_web.proposals.models import Proposal

    return World(
        activity=Activity.objects.filter(organisation__acronym="WVI").first(),
        other_activity=Activity.objects.filter(organisation__acronym="OIM").first(),
        draft_digest=Digest.objects.get(status="draft"),
        published_digest=Digest.objects.get(status="published"),
        lesson=Lesson.objects.filter(status="published").order_by("pk").first(),
        draft_lesson=Lesson.objects.get(title="Draft lesson"),
        attachment=Attachment.objects.first(),
        submitted=Proposal.objects.get(title="Submitted by WVI"),
        reviewing=Proposal.objects.get(title="Under review, one appraisal"),
        decided=Proposal.objects.filter(status="approved", lead_organisation__acronym="WVI").first(),
    )


@pytest.fixture
def as_role(client):  # type: ignore[no-untyped-def]
    """``as_role("hsu")`` → the test client signed in as that role's demo user."""
    from django.contrib.auth.models import User

    def sign_in(role: str) -> Any:
        client.logout()
        username = ROLE_USERS[role]
        if username:
            client.force_login(User.objects.get(username=username))
        return client

    return sign_in
