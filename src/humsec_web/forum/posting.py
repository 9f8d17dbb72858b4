"""Starting threads and replying: the same steps for pages and the API."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from humsec_web.forum.models import Post, Thread, Topic
from humsec_web.forum.notify import notify_followers


@transaction.atomic
def start_thread(topic: Topic, user: Any, title: str, country: str, body: str) -> Thread:
    thread = Thread.objects.create(topic=topic, title=title, country=country, author=user)
    Post.objects.create(thread=thread, author=user, body=body)
    thread.followers.add(user)
    return thread


@transaction.atomic
def reply(thread: Thread, user: Any, body: str, link: str, notify: bool = True) -> Post:
    """Post a reply; its author follows the thread from now on; the other followers get an e-mail."""
    post = Post.objects.create(thread=thread, author=user, body=body)
    Thread.objects.filter(pk=thread.pk).update(last_post_at=timezone.now())
    if notify:
        notify_followers(post, link)
    thread.followers.add(user)  # after the notice: a reply's author is not mailed about it
    return post
