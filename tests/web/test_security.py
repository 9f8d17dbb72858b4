"""Security: CSRF, password storage, sign-in throttling, upload limits, escaping, no SQL from
strings."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from humsec_web.core.demo import DEMO_PASSWORD

WEB = Path(__file__).resolve().parents[2] / "src" / "humsec_web"

pytestmark = pytest.mark.django_db

ACTIVITY = {
    "title": "Water trucking", "country": "KEN", "sector": "wash", "principle": "prevention",
    "pillar": "both", "start_date": "2025-01-01", "end_date": "2025-03-31", "budget_usd": "1000",
}  # fmt: skip


def test_csrf_is_enforced_on_forms_and_session_api():
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.get(username="focal_wvi"))
    assert client.post("/activities/new/", ACTIVITY).status_code == 403
    assert client.post("/api/activities/", ACTIVITY).status_code == 403
    # with the token from the form, the same post is accepted
    page = client.get("/activities/new/")
    token = page.cookies["csrftoken"].value
    response = client.post("/activities/new/", {**ACTIVITY, "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_token_auth_needs_no_csrf_and_bad_token_is_refused():
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=User.objects.get(username="focal_wvi"))
    client = Client(enforce_csrf_checks=True)
    ok = client.post("/api/activities/", ACTIVITY, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert ok.status_code == 201, ok.content
    bad = client.get("/api/activities/", HTTP_AUTHORIZATION="Token nope")
    assert bad.status_code == 401
    assert bad.json()["error"]["code"] == "authentication_failed"


def test_passwords_are_stored_hashed():
    user = User.objects.get(username="hsu")
    assert user.password.startswith("pbkdf2_sha256$")
    assert DEMO_PASSWORD not in user.password
    assert user.check_password(DEMO_PASSWORD) and not user.check_password("wrong")


def test_sign_in_is_throttled_after_repeated_failures(settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        r = client.post("/accounts/login/", {"username": "hsu", "password": "wrong"})
        assert r.status_code == 200  # the form again, with an error
    last = client.post("/accounts/login/", {"username": "hsu", "password": "wrong"})
    assert last.status_code == 429 and b"locked" in last.content
    locked = client.post("/accounts/login/", {"username": "hsu", "password": DEMO_PASSWORD})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # another user from the same address is not locked
    other = client.post("/accounts/login/", {"username": "visitor", "password": DEMO_PASSWORD})
    assert other.status_code == 302


def test_sign_in_works_with_the_right_password():
    client = Client()
    r = client.post("/accounts/login/", {"username": "hsu", "password": DEMO_PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/"


LESSON = {
    "title": "Lesson", "country": "KEN", "theme": "Water", "context": "c", "what_worked": "w",
}  # fmt: skip


@pytest.mark.parametrize(
    ("name", "content", "accepted"),
    [
        ("notes.csv", b"a,b\n1,2\n", True),
        ("report.pdf", b"%PDF-1.7\n...", True),
        ("tool.exe", b"MZ\x90\x00", False),
        ("report.pdf", b"MZ\x90\x00 not a pdf", False),  # renamed executable
        ("page.html", b"<script>alert(1)</script>", False),
        ("image.svg", b"<svg onload=alert(1)>", False),
        ("notes.txt", b"\x00\x01\x02binary", False),
    ],
)
def test_uploads_are_limited_by_type_and_content(as_role, name, content, accepted):
    client = as_role("focal_point")
    upload = SimpleUploadedFile(name, content)
    r = client.post("/lessons/new/", {**LESSON, "attachment": upload})
    assert (r.status_code == 302) is accepted, r.content[:500]


def test_uploads_are_limited_by_size(as_role, settings):
    settings.MAX_UPLOAD_BYTES = 100
    client = as_role("focal_point")
    r = client.post("/lessons/new/", {**LESSON, "attachment": SimpleUploadedFile("big.csv", b"x," * 100)})
    assert r.status_code == 200 and b"over the limit" in r.content


def test_user_content_is_escaped(as_role):
    client = as_role("hsu")
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    r = client.post("/lessons/new/", {**LESSON, "title": evil, "what_worked": evil})
    page = client.get(r["Location"]).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    "query", ["'; DROP TABLE lessons_lesson; --", '" OR 1=1 --', "water) NEAR(", "*", "a AND OR NOT"]
)
def test_hostile_search_text_is_data_not_sql(client, query):
    r = client.get("/lessons/", {"q": query})
    assert r.status_code == 200
    assert "lessons_lesson" in connection.introspection.table_names()
    api = client.get("/api/lessons/search/", {"q": query})
    assert api.status_code in (200, 400)


def test_no_sql_is_built_from_strings():
    """Every raw SQL call in the web package passes a literal statement (values as parameters)."""
    offenders = []
    for path in WEB.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr in ("raw", "extra", "RawSQL"):
                    offenders.append(f"{path.name}:{node.lineno} uses .{node.func.attr}()")
                if node.func.attr == "execute" and node.args and not _literal(node.args[0]):
                    offenders.append(f"{path.name}:{node.lineno} executes a computed SQL string")
    assert not offenders, offenders


def _literal(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    return isinstance(node, ast.BinOp) and _literal(node.left) and _literal(node.right)
