"""Holes found when the platform was attacked (issue 20), each checked here: private files,
no known password unless asked, immutable published items, formula-safe exports, bounded API,
blind appraisal, tokens, headers. Each test failed on the code before its fix."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.web.conftest import REVIEW_YAML, review_uploads

ROOT = Path(__file__).resolve().parents[2]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_serve_without_demo_is_private_and_has_no_known_password(tmp_path):
    """`prepare` in a fresh process (as `humsec serve` runs it): folder 0700, database and key
    0600 from the start, no demo users, and nobody signs in with the demo password."""
    data = tmp_path / "web"
    script = (
        "import os, sys; from pathlib import Path; from humsec_web import server;"
        "done = server.prepare(Path(sys.argv[1]));"
        "from django.contrib.auth.models import User;"
        "print(User.objects.count(), any(u.check_password('humsec-demo') for u in User.objects.all()))"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "HUMSEC_WEB_SECRET_KEY")}
    env["PYTHONPATH"] = str(ROOT / "src")
    out = subprocess.run(
        [sys.executable, "-c", script, str(data)], env={**env, "DJANGO_SETTINGS_MODULE": "humsec_web.settings"},
        capture_output=True, text=True, timeout=300, check=True,
    ).stdout  # fmt: skip
    assert out.split()[-2:] == ["0", "False"], out
    assert _mode(data) == 0o700
    for name in ("db.sqlite3", "secret_key"):
        assert _mode(data / name) == 0o600, name


def test_secret_key_is_never_readable_by_others(tmp_path, monkeypatch):
    """The key file is created 0600 in one step: even a permissive umask cannot expose it."""
    from humsec_web import server

    monkeypatch.delenv("HUMSEC_WEB_SECRET_KEY", raising=False)
    old = os.umask(0o022)
    try:
        server.write_secret_key(tmp_path)
    finally:
        os.umask(old)
    assert _mode(tmp_path / "secret_key") == 0o600
    assert len((tmp_path / "secret_key").read_text()) >= 50


def test_uploads_are_stored_private(settings):
    assert settings.FILE_UPLOAD_PERMISSIONS == 0o600
    assert settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS == 0o700


def test_console_mail_only_in_demo_mode(tmp_path):
    """Without --demo mail goes to a real mail server (SMTP), never to the server's console."""
    code = "from django.conf import settings; print(settings.EMAIL_BACKEND)"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUMSEC_WEB_")}
    env.update(DJANGO_SETTINGS_MODULE="humsec_web.settings", HUMSEC_WEB_DIR=str(tmp_path), PYTHONPATH=str(ROOT / "src"))
    plain = subprocess.run([sys.executable, "-c", "import django; django.setup();" + code], env=env,
                           capture_output=True, text=True, check=True).stdout  # fmt: skip
    demo = subprocess.run([sys.executable, "-c", "import django; django.setup();" + code],
                          env={**env, "HUMSEC_WEB_DEMO": "1"}, capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert "smtp" in plain and "console" in demo


@pytest.mark.django_db
def test_platform_built_review_cites_upload_names_not_server_paths(world, django_capture_on_commit_callbacks):
    """Issue 21 (9): with the user's own boundary file, the report, log and tables of a platform
    build name the uploaded file, never the server's temporary build folder."""
    import gzip
    import zipfile

    from django.core.files.uploadedfile import SimpleUploadedFile

    from humsec.datasets import data_path
    from humsec_web.reviews.versions import new_version

    geo = gzip.decompress((data_path("ken_census2019_county.csv").parent.parent / "places" / "ken_adm1_counties.geojson.gz").read_bytes())
    uploads = review_uploads(
        REVIEW_YAML.read_text(encoding="utf-8").replace("{name: KEN-adm1, key: adm1_pcode}", "{file: counties.geojson, key: adm1_pcode}")
    )
    uploads["data_uploads"].append(SimpleUploadedFile("counties.geojson", geo))
    with django_capture_on_commit_callbacks(execute=True):
        version = new_version(world.cod_version.review, None, **uploads)
    version.refresh_from_db()
    assert version.state == "done", version.log
    page = version.report_html.open("rb").read().decode()
    with version.tables_zip.open("rb") as fh, zipfile.ZipFile(io.BytesIO(fh.read())) as z:
        tables = " ".join(z.read(n).decode() for n in z.namelist())
    for text in (page, version.log, tables):
        assert "humsec-review-" not in text and "/tmp/" not in text
    assert "counties.geojson" in page


@pytest.mark.django_db
def test_interrupted_build_is_queued_again_and_completes(world, django_capture_on_commit_callbacks):
    """A build whose worker died (heartbeat still) is queued again and built, not marked failed."""
    from datetime import timedelta

    from django.utils import timezone

    from humsec_web.background import requeue_interrupted
    from humsec_web.reviews.models import ReviewFile, ReviewVersion

    source = world.cod_version
    v = ReviewVersion.objects.create(
        review=source.review, number=98, state="running", with_pdf=False,
        heartbeat_at=timezone.now() - timedelta(hours=1),
    )  # fmt: skip
    for f in source.files.all():
        ReviewFile.objects.create(version=v, kind=f.kind, name=f.name, file=f.file.name, size=f.size, sha256=f.sha256)
    fresh = ReviewVersion.objects.create(review=source.review, number=97, state="running", heartbeat_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_interrupted() == 1
    v.refresh_from_db()
    fresh.refresh_from_db()
    assert v.state == "done", v.log
    assert fresh.state == "running"  # its worker is alive: left alone
    assert review_uploads  # the helper other tests build versions with


def _api(client, username: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    return {"HTTP_AUTHORIZATION": "Token " + Token.objects.get_or_create(user=User.objects.get(username=username))[0].key}


@pytest.mark.django_db
def test_author_editing_a_published_lesson_sends_it_back_to_review(client, as_role, world):
    from humsec_web.lessons.models import Lesson

    lesson = Lesson.objects.filter(status="published", author__username="hsu").first()
    author = lesson.author
    # the author is a focal point here (not a manager): make one the author of a published lesson
    from django.contrib.auth.models import User

    focal = User.objects.get(username="focal_wvi")
    lesson.author = focal
    lesson.save()
    r = client.patch(f"/api/lessons/{lesson.pk}/", {"what_worked": "rewritten after publication"},
                     content_type="application/json", **_api(client, "focal_wvi"))  # fmt: skip
    assert r.status_code == 200, r.content
    lesson.refresh_from_db()
    assert lesson.status == "draft" and r.json()["status"] == "draft"
    anonymous = client.get(f"/api/lessons/{lesson.pk}/")
    assert anonymous.status_code in (401, 403, 404)
    # page edit by the author: the same
    lesson.status = "published"
    lesson.save()
    page = as_role("focal_point").post(f"/lessons/{lesson.pk}/edit/", {
        "title": lesson.title, "country": lesson.country, "theme": lesson.theme, "context": lesson.context,
        "what_worked": "edited on the page", "evidence": "", "contacts": "", "tag_names": ""})  # fmt: skip
    assert page.status_code == 302
    lesson.refresh_from_db()
    assert lesson.status == "draft"
    # the HSU's own edits of a published lesson keep it published
    lesson.status, lesson.author = "published", author
    lesson.save()
    r = client.patch(f"/api/lessons/{lesson.pk}/", {"theme": "water"}, content_type="application/json",
                     **_api(client, "hsu"))  # fmt: skip
    assert r.status_code == 200 and r.json()["status"] == "published"


@pytest.mark.django_db
def test_published_digest_is_a_snapshot(as_role, world):
    from humsec_web.activities.models import Activity, Digest

    hsu = as_role("hsu")
    r = hsu.post("/digests/new/", {"title": "Snapshot", "period_start": "2025-01-01", "period_end": "2025-12-31",
                                   "summary": ""})  # fmt: skip
    assert r.status_code == 302, r.content[:500]
    digest = Digest.objects.get(title="Snapshot")
    assert digest.activities.exists()
    assert hsu.post(f"/digests/{digest.pk}/publish/").status_code == 302
    csv_before = b"".join(_download(hsu, digest.pk, "csv"))
    activity = digest.activities.first()
    Activity.objects.filter(pk=activity.pk).update(title="CHANGED AFTER PUBLICATION", budget_usd=123456789)
    assert b"".join(_download(hsu, digest.pk, "csv")) == csv_before
    assert b"CHANGED AFTER PUBLICATION" not in as_role("public").get(f"/digests/{digest.pk}/").content


def _download(client, pk: int, fmt: str) -> list[bytes]:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    r = client.get(reverse(f"digest-{fmt}", kwargs={"pk": pk}))
    assert r.status_code == 200, r.status_code
    return [r.content]


@pytest.mark.django_db
def test_exports_carry_no_formulas(as_role, world):
    """A title typed as a formula is text in the CSV and the XLSX (no formula cell)."""
    import openpyxl

    from humsec_web.activities.models import Digest

    evil = '=HYPERLINK("http://evil.example","click")'
    world.activity.title = evil
    world.activity.save()
    digest = Digest.objects.create(title="x", period_start=world.activity.start_date,
                                   period_end=world.activity.end_date)  # fmt: skip
    digest.activities.set([world.activity])
    hsu = as_role("hsu")
    text = b"".join(_download(hsu, digest.pk, "csv")).decode()
    assert "'" + evil.replace('"', '""') in text
    assert not any(line.startswith("=") or ",=" in line for line in text.splitlines())
    book = openpyxl.load_workbook(io.BytesIO(b"".join(_download(hsu, digest.pk, "xlsx"))))
    cells = [c for row in book.active.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert any(c.value == "'" + evil for c in cells)


@pytest.mark.django_db
def test_api_page_size_and_text_length_are_bounded(client, world):
    auth = _api(client, "hsu")
    r = client.get("/api/activities/", {"limit": 100000}, **auth)
    assert r.status_code == 200 and len(r.json()["results"]) <= 200
    huge = {"title": "big", "country": "KEN", "theme": "t", "context": "x" * 5_000_000, "what_worked": "w"}
    r = client.post("/api/lessons/", huge, content_type="application/json", **auth)
    assert r.status_code == 400 and "context" in r.json()["error"]["fields"]


@pytest.mark.django_db
def test_appraisals_are_blind_until_submission_and_decision(client, as_role, world):
    """world.reviewing: under review, appraised by reviewer2 only (see conftest)."""
    from humsec_web.proposals.models import Appraisal

    proposal = world.reviewing
    theirs = Appraisal.objects.get(proposal=proposal)
    secret = theirs.comment or "no comment"
    assert theirs.reviewer.username == "reviewer2"
    for who, role in (("focal_wvi", "focal_point"), ("reviewer1", "reviewer")):
        if proposal.lead_organisation.acronym != "WVI" and who == "focal_wvi":
            continue
        page = as_role(role).get(f"/proposals/{proposal.pk}/").content.decode()
        assert "reviewer2" not in page and secret not in page and "mean weighted score" not in page, who
        body = client.get(f"/api/proposals/{proposal.pk}/", **_api(client, who)).json()
        assert body["mean_score"] is None and body["appraisals"] is None, who
        assert "reviewer2" not in str(body) and "weighted score" not in str(body), who
    # the HSU sees everything, named
    hsu = client.get(f"/api/proposals/{proposal.pk}/", **_api(client, "hsu")).json()
    assert hsu["appraisals"]["level"] == "full" and hsu["appraisals"]["items"][0]["reviewer"] == "reviewer2"


@pytest.mark.django_db
def test_applicant_sees_an_anonymised_summary_after_the_decision(client, world):
    proposal = world.decided
    org = proposal.lead_organisation
    from django.contrib.auth.models import User

    focal = User.objects.filter(profile__organisation=org, profile__role="focal_point").first()
    if focal is None:
        pytest.skip("no focal point of the decided proposal's lead organisation in the demo")
    body = client.get(f"/api/proposals/{proposal.pk}/", **_api(client, focal.username)).json()
    assert body["appraisals"]["level"] == "summary" and body["appraisals"]["n"] >= 1
    assert body["mean_score"] is not None
    names = [a.reviewer.username for a in proposal.appraisals.all()]
    assert not any(n in str(body) for n in names)


@pytest.mark.django_db
def test_tokens_expire_and_can_be_revoked(client, world, settings):
    from datetime import timedelta

    from rest_framework.authtoken.models import Token

    from humsec_web.core.demo import DEMO_PASSWORD

    r = client.post("/api/token/", {"username": "hsu", "password": DEMO_PASSWORD})
    assert r.status_code == 200 and r.json()["expires"]
    auth = {"HTTP_AUTHORIZATION": "Token " + r.json()["token"]}
    assert client.get("/api/activities/", **auth).status_code == 200
    Token.objects.filter(key=r.json()["token"]).update(created=Token.objects.get(key=r.json()["token"]).created - timedelta(days=settings.API_TOKEN_DAYS + 1))
    expired = client.get("/api/activities/", **auth)
    assert expired.status_code == 401 and "expired" in expired.json()["error"]["message"]
    fresh = client.post("/api/token/", {"username": "hsu", "password": DEMO_PASSWORD}).json()["token"]
    assert fresh != r.json()["token"]
    auth = {"HTTP_AUTHORIZATION": "Token " + fresh}
    assert client.delete("/api/token/", **auth).status_code == 204
    assert client.get("/api/activities/", **auth).status_code == 401


@pytest.mark.django_db
def test_locked_token_endpoint_answers_429(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api/token/", {"username": "reviewer2", "password": "wrong"})
    from humsec_web.core.demo import DEMO_PASSWORD

    r = client.post("/api/token/", {"username": "reviewer2", "password": DEMO_PASSWORD})
    assert r.status_code == 429 and r.json()["error"]["code"] == "locked_out"


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy(client, world):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy


def test_tls_setting_makes_cookies_secure_and_sends_hsts(tmp_path):
    code = ("import django; django.setup(); from django.conf import settings as s;"
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0)")  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUMSEC_WEB_")}
    env.update(DJANGO_SETTINGS_MODULE="humsec_web.settings", HUMSEC_WEB_DIR=str(tmp_path), PYTHONPATH=str(ROOT / "src"))
    on = subprocess.run([sys.executable, "-c", code], env={**env, "HUMSEC_WEB_TLS": "1"},
                        capture_output=True, text=True, check=True).stdout  # fmt: skip
    off = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert on.split() == ["True", "True", "True"] and off.split() == ["False", "False", "False"]


@pytest.mark.django_db
def test_refusals_are_logged_without_traceback(as_role, world, caplog):
    """The server's log handler prints a 403 as one line (Django attaches the exception)."""
    import logging

    from humsec_web.core.logs import RefusalsWithoutTraceback

    handlers = [h for h in logging.getLogger().handlers if any(isinstance(f, RefusalsWithoutTraceback) for f in h.filters)]
    assert handlers, "the platform's console handler has no refusal filter"
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert as_role("public").get(f"/activities/{world.activity.pk}/").status_code == 403
    records = [r for r in caplog.records if getattr(r, "status_code", None) == 403]
    assert records  # Django attaches the exception (the filter, which runs first, drops it)
    for r in records:
        assert handlers[0].filter(r)
        assert "Traceback" not in handlers[0].format(r)  # the handler prints the line only


@pytest.mark.django_db
def test_similar_lessons_are_not_recomputed_on_every_view(as_role, world, monkeypatch):
    """The comparison over all lessons runs once per state of the lessons, not once per view."""
    from django.core.cache import cache

    from humsec_web.lessons import semantic
    from humsec_web.lessons.models import Lesson

    cache.clear()  # earlier tests viewed the same lessons (their rows come back with the same dates)
    calls = []
    real = semantic._similar
    monkeypatch.setattr(semantic, "_similar", lambda *a: calls.append(1) or real(*a))
    lesson = world.lesson
    client = as_role("hsu")
    for _ in range(3):
        assert client.get(f"/lessons/{lesson.pk}/").status_code == 200
    assert len(calls) == 1
    Lesson.objects.filter(pk=lesson.pk).update(title=lesson.title + " (revised)", updated_at=lesson.updated_at.replace(year=2031))
    assert client.get(f"/lessons/{lesson.pk}/").status_code == 200
    assert len(calls) == 2  # a changed lesson is compared afresh
