"""E-mail a thread's followers when someone replies (Django's mail; the console by default).

Sent by the background worker (a task queued with the reply), only to followers who may still read the thread, never to the
author of the reply; a mail server that refuses is logged, and the reply stays posted.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail

from humsec_web import permissions
from humsec_web.forum.models import Post

log = logging.getLogger(__name__)


def recipients(post: Post) -> list[str]:
    thread = post.thread
    return sorted(
        {
            user.email
            for user in thread.followers.filter(is_active=True).exclude(email="").select_related("profile")
            if user.pk != post.author_id and permissions.can(user, "forum.view", thread)
        }
    )


def message(post: Post, link: str) -> tuple[str, str]:
    """Subject and plain-text body (no HTML: nothing in a post can run in a mail reader)."""
    title = " ".join(post.thread.title.split())  # a header holds one line
    subject = f"[humsec forum] {title}"[:200]
    body = (
        f"{post.author or 'Someone'} replied in “{title}”:\n\n{post.body}\n\n"
        f"Read and reply: {link}\n"
        "You receive this because you follow the thread; unfollow on its page."
    )
    return subject, body


def notify_followers(post: Post, link: str) -> None:
    """Queue the e-mails of a new reply as a background task (committed with the reply)."""
    from humsec_web import background

    background.submit(background.send_reply_emails, post.pk, link)


def send_now(post_id: int, link: str) -> int:
    """Send the e-mails of one reply; returns how many (run by the background worker)."""
    post = Post.objects.select_related("thread", "author").filter(pk=post_id).first()
    if post is None:  # deleted before the worker got to it: nobody to tell
        return 0
    to = recipients(post)
    if not to:
        return 0
    subject, body = message(post, link)
    mails: list[Any] = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in to]
    try:
        return int(send_mass_mail(mails, fail_silently=False))
    except Exception:  # the mail server's failure must not lose the reply
        log.exception("forum notification e-mails not sent")
        return 0
