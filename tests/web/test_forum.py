"""Forum: who reads and posts where, e-mail notifications to followers (Django's locmem outbox in
tests), escaping of what people write."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from humsec_web.forum.models import Thread, Topic
from humsec_web.forum.posting import reply, start_thread

pytestmark = pytest.mark.django_db


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        raise ConnectionRefusedError("mail server down")


def _user(name: str) -> User:
    return User.objects.get(username=name)


def test_a_reply_mails_the_followers_but_not_its_author(as_role, world, django_capture_on_commit_callbacks):
    thread = world.private_thread  # started by country_cod, focal_wvi replied in the demo
    thread.followers.add(_user("focal_wvi"), _user("hsu"))
    client = as_role("hsu")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/forum/threads/{thread.pk}/reply/", {"body": "Joint visit on Monday?"})
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["country_cod@example.org", "focal_wvi@example.org"]
    message = mail.outbox[0]
    assert message.subject == f"[humsec forum] {thread.title}"
    assert "Joint visit on Monday?" in message.body
    assert f"http://testserver/forum/threads/{thread.pk}/" in message.body
    assert thread.posts.last().body == "Joint visit on Monday?"


def test_unfollowing_stops_the_mails(as_role, world, django_capture_on_commit_callbacks):
    thread = world.public_thread  # started by focal_wvi
    client = as_role("focal_point")
    assert client.post(f"/forum/threads/{thread.pk}/follow/").status_code == 302  # was following: now not
    assert not thread.followers.filter(username="focal_wvi").exists()
    with django_capture_on_commit_callbacks(execute=True):
        reply(thread, _user("reviewer1"), "Hello", "http://x/")
    assert "focal_wvi@example.org" not in [m.to[0] for m in mail.outbox]


def test_no_mail_to_a_follower_who_may_no_longer_read(world, django_capture_on_commit_callbacks):
    thread = world.private_thread  # network-only topic
    former = _user("visitor")  # a public visitor: cannot read network-only topics
    thread.followers.add(former)
    with django_capture_on_commit_callbacks(execute=True):
        reply(thread, _user("hsu"), "Internal note", "http://x/")
    assert "visitor@example.org" not in [m.to[0] for m in mail.outbox]
    assert "country_cod@example.org" in [m.to[0] for m in mail.outbox]


def test_a_title_with_a_line_break_makes_a_one_line_subject(world, django_capture_on_commit_callbacks):
    thread = start_thread(Topic.objects.get(slug="approach"), _user("hsu"), "Two\nlines", "", "x")
    with django_capture_on_commit_callbacks(execute=True):
        reply(thread, _user("focal_wvi"), "y", "http://x/")
    assert mail.outbox[0].subject == "[humsec forum] Two lines"


def test_a_mail_server_failure_keeps_the_reply(settings, world, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.web.test_forum.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        post = reply(world.private_thread, _user("hsu"), "Still posted", "http://x/")
    assert Thread.objects.get(pk=world.private_thread.pk).posts.filter(pk=post.pk).exists()


def test_posts_are_escaped(as_role, world):
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    client = as_role("focal_point")
    client.post(f"/forum/threads/{world.public_thread.pk}/reply/", {"body": evil})
    page = as_role("public").get(f"/forum/threads/{world.public_thread.pk}/").content.decode()
    assert evil not in page and "&lt;script&gt;" in page and "<img src=x" not in page


def test_country_teams_post_about_their_own_country(as_role, world, client):
    team = as_role("country_team")
    form = team.get("/forum/topics/country-teams/new/").content.decode()
    assert 'value="COD"' in form and 'value="KEN"' not in form
    ok = team.post("/api/forum-threads/", {"topic": "country-teams", "title": "t", "country": "COD", "body": "b"})
    assert ok.status_code == 201 and ok.json()["country"] == "COD"
    other = team.post("/api/forum-threads/", {"topic": "country-teams", "title": "t", "country": "KEN", "body": "b"})
    assert other.status_code == 400 and "country" in other.json()["error"]["fields"]


def test_announcements_are_started_by_the_hsu(as_role):
    data = {"topic": "announcements", "title": "t", "body": "b"}
    assert as_role("focal_point").post("/api/forum-threads/", data).status_code == 403
    assert as_role("hsu").post("/api/forum-threads/", data).status_code == 201


def test_the_public_does_not_see_network_only_threads(as_role, world):
    public = as_role("public")
    listed = public.get("/api/forum-threads/").json()["results"]
    assert world.private_thread.pk not in [t["id"] for t in listed]
    assert world.public_thread.pk in [t["id"] for t in listed]
    assert world.private_thread.title not in public.get("/forum/").content.decode()
    assert world.private_thread.title in as_role("reviewer").get("/forum/").content.decode()
