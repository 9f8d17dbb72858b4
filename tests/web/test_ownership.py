"""National ownership of publications: draft → shared for comment → signed off by the country's
government counterpart → published; comments anchored to sections; audit trail; e-mail notices
(Django's locmem outbox); refusals that change nothing."""

from __future__ import annotations

import doctest

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.web.ownership_world import own_fixture  # noqa: F401 (the fixture `own`)


@pytest.fixture(autouse=True)
def _locmem(settings):  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.mark.parametrize(
    "module",
    ["humsec_web.sharing.classes", "humsec_web.sharing.store", "humsec_web.reviews.classify",
     "humsec_web.reviews.publication"],
)  # fmt: skip
def test_module_doctests(module):
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0, result


def _pub(obj):  # type: ignore[no-untyped-def]
    from humsec_web.reviews.publication import publication_of

    return publication_of(obj)


def test_review_version_is_shared_commented_signed_off_and_published(
    as_role, own, django_capture_on_commit_callbacks
):
    version = own.cod_draft
    pub = _pub(version)
    team = as_role("country_team")
    with django_capture_on_commit_callbacks(execute=True):
        assert team.post(f"/publications/{pub.pk}/share/").status_code == 302
    pub.refresh_from_db()
    assert pub.state == "shared" and pub.shared_at is not None
    # the counterpart of COD (and only the country's counterparts) is told
    assert [m.to for m in mail.outbox] == [["gov_cod@gov.example"]]
    assert "Shared for comment" in mail.outbox[0].subject
    # the counterpart comments on a section of the report (the sections come from the build)
    sections = dict(pub.sections())
    assert {"whole", "summary", "maps"} <= set(sections), sections
    client = as_role("public")
    client.force_login(own.gov_cod)
    page = client.get(f"/publications/{pub.pk}/")
    assert page.status_code == 200 and b"Sign off" in page.content
    client.post(f"/publications/{pub.pk}/comments/", {"section": "maps", "body": "Label Ituri on the map."})
    comment = pub.comments.get(body="Label Ituri on the map.")
    assert comment.section_title == sections["maps"]
    # sign-off waits while a comment is neither answered nor resolved
    r = client.post(f"/publications/{pub.pk}/sign-off/", {"signer_name": "A. Mbuyi", "confirm": "on"}, follow=True)
    assert b"neither resolved nor answered" in r.content
    pub.refresh_from_db()
    assert pub.state == "shared"
    # the country team answers; now the counterpart signs off, with a condition
    team = as_role("country_team")
    team.post(f"/publications/{pub.pk}/comments/", {"parent": comment.pk, "body": "Done in the map title."})
    client.force_login(own.gov_cod)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/publications/{pub.pk}/sign-off/", {
            "signer_name": "A. Mbuyi", "signer_position": "Director of Planning", "confirm": "on",
            "conditions": "Publish with the ministry's foreword.",
        })  # fmt: skip
    assert r.status_code == 302
    pub.refresh_from_db()
    assert (pub.state, pub.signer_name, pub.signed_off_by) == ("signed_off", "A. Mbuyi", own.gov_cod)
    assert pub.signed_off_at is not None and pub.conditions == "Publish with the ministry's foreword."
    assert ["country_cod@example.org"] in [m.to for m in mail.outbox]  # the owners are told
    # publishing without confirming the conditions is refused and changes nothing
    team = as_role("country_team")
    r = team.post(f"/reviews/versions/{version.pk}/publish/", follow=True)
    assert b"confirm they are met" in r.content
    version.refresh_from_db()
    assert version.published_at is None
    with django_capture_on_commit_callbacks(execute=True):
        r = team.post(f"/reviews/versions/{version.pk}/publish/",
                      {"conditions_met": "on", "note": "Foreword added as page 1."})  # fmt: skip
    assert r.status_code == 302
    version.refresh_from_db()
    pub.refresh_from_db()
    assert version.published_at is not None and pub.state == "published" and pub.published_by.username == "country_cod"
    # the audit trail holds every step, in order, with who and the decision's details
    trail = [(e.action, e.from_state, e.to_state, e.actor.username if e.actor else "") for e in pub.events.all()]
    assert [t[0] for t in trail] == ["created", "share", "commented", "answered", "sign off", "publish"]
    assert trail[4][1:] == ("shared", "signed_off", "gov_cod")
    assert "Publish with the ministry's foreword" in pub.events.get(action="sign off").note
    assert "Foreword added" in pub.events.get(action="publish").note


def test_wrong_countrys_counterpart_cannot_sign_off(client, own):
    pub = _pub(own.cod_shared)
    pub.comments.update(resolved_at=pub.shared_at)  # nothing open: only the signer is wrong
    client.force_login(own.gov_ken)
    # KEN's counterpart does not even see COD's workflow page
    assert client.get(f"/publications/{pub.pk}/").status_code == 403
    from humsec_web.reviews import publication

    with pytest.raises(PermissionDenied, match=r"government counterpart of Congo.*Kenya"):
        publication.move(pub.pk, own.gov_ken, "sign_off", signer_name="J. Kamau")
    pub.refresh_from_db()
    assert pub.state == "shared" and pub.signed_off_by is None
    assert not pub.events.filter(action="sign off").exists()


def test_publishing_before_sign_off_is_refused_and_nothing_is_public(as_role, own):
    version = own.cod_shared
    team = as_role("country_team")
    r = team.post(f"/reviews/versions/{version.pk}/publish/")
    assert r.status_code == 403
    assert b"must be signed off by a government counterpart" in r.content
    version.refresh_from_db()
    assert version.published_at is None and _pub(version).state == "shared"
    for role in ("public", "anonymous"):
        c = as_role(role)
        assert c.get(f"/reviews/versions/{version.pk}/").status_code in (302, 403)
        assert c.get(f"/reviews/versions/{version.pk}/report/").status_code in (302, 403)
    # the API refuses the same way
    api = as_role("country_team")
    r = api.post(f"/api/review-versions/{version.pk}/publish/")
    assert r.status_code == 403 and r.json()["error"]["code"] == "permission_denied"


def test_request_changes_ends_the_version_and_needs_a_reason(client, own):
    from humsec_web.reviews import publication

    pub = _pub(own.cod_shared)
    with pytest.raises(ValidationError, match="Say which changes"):
        publication.move(pub.pk, own.gov_cod, "request_changes")
    pub = publication.move(pub.pk, own.gov_cod, "request_changes", note="Use the 2024 population.")
    assert pub.state == "changes_requested"
    with pytest.raises(PermissionDenied, match="changes requested"):
        publication.move(pub.pk, own.gov_cod, "sign_off", signer_name="A. Mbuyi")


def test_comment_must_name_a_section_of_the_document(own):
    from humsec_web.reviews import publication

    pub = _pub(own.cod_shared)
    with pytest.raises(ValidationError, match="not a section"):
        publication.comment(pub.pk, own.gov_cod, "nowhere", "Where?")
    assert pub.comments.count() == 1


def test_outlook_goes_through_the_same_workflow(as_role, own, tmp_path, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    team = as_role("country_team")
    forecast = SimpleUploadedFile("forecast.csv", b"area,month,fatalities,alert\nIturi,2027-01,41,yes\n")
    r = team.post("/outlooks/new/", {
        "title": "Ituri outlook", "country": "COD", "period": "2027-01 to 2027-03",
        "summary": "Fatalities forecast to rise.", "alerts": "Ituri: above the 90th percentile.",
        "forecast": forecast, "sensitivity": "confidential", "owner": "UN country team COD",
        "licence": "agreement", "terms": "Within the UN system only.",
    })  # fmt: skip
    assert r.status_code == 302, r.content[:2000]
    from humsec_web.reviews.models import Outlook

    outlook = Outlook.objects.get(title="Ituri outlook")
    assert outlook.forecast.sensitivity == "confidential" and outlook.forecast.country == "COD"
    pub = _pub(outlook)
    assert as_role("public").get(f"/outlooks/{outlook.pk}/").status_code == 403  # a draft is not public
    from humsec_web.reviews import publication

    user = outlook.created_by
    with django_capture_on_commit_callbacks(execute=True):
        publication.move(pub.pk, user, "share")
    publication.move(pub.pk, own.gov_cod, "sign_off", signer_name="A. Mbuyi")
    publication.move(pub.pk, user, "publish")
    visitor = as_role("public")
    page = visitor.get(f"/outlooks/{outlook.pk}/")
    assert page.status_code == 200 and b"Signed off by A. Mbuyi" in page.content
    # the published text is public; its confidential forecast table is not
    assert visitor.get(f"/datasets/{outlook.forecast.pk}/download/").status_code == 403


ACTORS = ["hsu", "country_cod", "gov_cod", "gov_ken", "focal_wvi", "visitor"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(ACTORS), st.sampled_from(["share", "request_changes", "sign_off",
                                                                            "publish", "comment", "resolve"])),
                      max_size=8))  # fmt: skip
def test_any_sequence_of_attempts_keeps_the_invariants(own, steps):
    """Whatever anyone tries, in any order: the audit trail replays the state; a publication is
    published only after a sign-off by a counterpart of its own country; refusals change nothing."""
    from django.contrib.auth.models import User
    from django.db import transaction

    from humsec_web.reviews import publication
    from humsec_web.reviews.models import Publication

    pub = _pub(own.cod_draft)
    for username, step in steps:
        user = User.objects.get(username=username)
        before = Publication.objects.get(pk=pub.pk)
        n_events = before.events.count()
        try:
            with transaction.atomic():
                if step == "comment":
                    publication.comment(pub.pk, user, "whole", "A remark.")
                elif step == "resolve":
                    for c in before.comments.filter(resolved_at__isnull=True, parent__isnull=True):
                        publication.resolve(c.pk, user)
                else:
                    publication.move(pub.pk, user, step, signer_name="N. N.", note="n", conditions_met=True)
        except (PermissionDenied, ValidationError):
            after = Publication.objects.get(pk=pub.pk)
            assert after.state == before.state and after.events.count() == n_events
    pub.refresh_from_db()
    states = [e.to_state for e in pub.events.all() if e.to_state]
    assert (states[-1] if states else "draft") == pub.state
    for e in pub.events.exclude(to_state=""):
        if e.from_state:
            t = publication.TRANSITIONS[e.action.replace(" ", "_")]
            assert e.from_state in t.source and e.to_state == t.target
    if pub.state == "published":
        assert pub.signed_off_at is not None and pub.signed_off_by.counterpart.country == "COD"
        assert pub.signed_off_at <= pub.published_at
    pub.events.exclude(action="created").delete()  # hypothesis reruns on the same fixture
    pub.comments.all().delete()
    Publication.objects.filter(pk=pub.pk).update(state="draft", signed_off_by=None, signed_off_at=None,
                                                 signer_name="", conditions="", published_at=None)  # fmt: skip
    own.cod_draft.__class__.objects.filter(pk=own.cod_draft.pk).update(published_at=None)


def test_counterpart_reads_only_its_countrys_shared_publications(client, own):
    client.force_login(own.gov_cod)
    listing = client.get("/outlooks/").content.decode()
    assert "COD outlook shared" in listing and "COD outlook draft" not in listing
    assert "KEN outlook published" in listing  # published: everyone
    api = client.get("/api/publications/").json()
    ids = {p["id"] for p in api["results"]}
    assert _pub(own.cod_shared).pk in ids and _pub(own.cod_draft).pk not in ids


def test_designated_counterpart_has_the_counterpart_role(own):
    from humsec_web import permissions

    assert permissions.role_of(own.gov_cod) == permissions.COUNTERPART
    assert permissions.country_of(own.gov_cod) == "COD"
    own.gov_cod.counterpart.active = False
    own.gov_cod.counterpart.save()
    from django.contrib.auth.models import User

    assert permissions.role_of(User.objects.get(pk=own.gov_cod.pk)) == permissions.PUBLIC
