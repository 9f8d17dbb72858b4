"""Web platform fixtures: the demo content once per session, plus the objects every role's
access is checked against (in the state each rule needs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.web._browser import browser, page  # noqa: F401 (the browser tests' fixtures)

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
    cod_version: Any  # version 1 of a review of COD (country_cod's country): built, not published
    ken_version: Any  # version 1 of a review of KEN: built and published
    public_thread: Any  # in a public topic, no country
    private_thread: Any  # in the network-only topic, about COD
    ken_thread: Any  # in the network-only topic, about KEN (country_cod may read, not reply)
    locked_thread: Any  # in a public topic, locked


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, tmp_path_factory):  # type: ignore[no-untyped-def]
    """The demo content, loaded once into the session's test database."""
    from django.conf import settings

    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    settings.BACKGROUND_INLINE = True  # background tasks run once the request commits, not in a worker
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
    _reviews(hsu, User.objects.get(username="country_cod"))
    _threads(User.objects.get(username="focal_oim"))


def _threads(author: Any) -> None:
    from humsec_web.forum.models import Topic
    from humsec_web.forum.posting import start_thread

    start_thread(Topic.objects.get(slug="country-teams"), author, "Kenya drought response", "KEN", "Who covers Turkana?")
    locked = start_thread(Topic.objects.get(slug="approach"), author, "Locked thread", "", "Closed.")
    locked.locked = True
    locked.save()


REVIEW_YAML = Path(__file__).with_name("data") / "review_small.yaml"


def census_csv() -> bytes:
    """Kenya's 2019 census by county, as shipped with humsec (47 rows)."""
    from humsec.datasets import data_path

    return data_path("ken_census2019_county.csv").read_bytes()


def review_uploads(yaml_text: str | None = None) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = yaml_text if yaml_text is not None else REVIEW_YAML.read_text(encoding="utf-8")
    return {
        "review_upload": SimpleUploadedFile("review.yaml", text.encode()),
        "data_uploads": [SimpleUploadedFile("census.csv", census_csv())],
    }


def pdf_usable() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def _reviews(hsu: Any, team: Any) -> None:
    from django.utils import timezone

    from humsec_web.reviews.models import CountryReview
    from humsec_web.reviews.versions import new_version

    cod = CountryReview.objects.create(title="COD draft review", country="COD", created_by=team)
    v = new_version(cod, team, with_pdf=False, **review_uploads())
    v.refresh_from_db()
    assert v.state == "done", v.log
    ken = CountryReview.objects.create(title="KEN published review", country="KEN", created_by=hsu)
    v = new_version(ken, hsu, with_pdf=pdf_usable(), **review_uploads())
    v.refresh_from_db()
    assert v.state == "done", v.log
    v.published_at = timezone.now()
    v.save()


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    from humsec_web.activities.models import Activity, Digest
    from humsec_web.forum.models import Thread
    from humsec_web.lessons.models import Attachment, Lesson
    from humsec_web.proposals.models import Proposal
    from humsec_web.reviews.models import ReviewVersion

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
        cod_version=ReviewVersion.objects.get(review__title="COD draft review", number=1),
        ken_version=ReviewVersion.objects.get(review__title="KEN published review", number=1),
        public_thread=Thread.objects.get(title="Measuring empowerment outcomes"),
        private_thread=Thread.objects.get(country="COD", topic__slug="country-teams"),
        ken_thread=Thread.objects.get(title="Kenya drought response"),
        locked_thread=Thread.objects.get(title="Locked thread"),
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
