"""The network's discussion board: topics, threads (optionally about one country), replies.

Who may read and post where is declared in ``humsec_web.permissions`` (``forum.*``); replies are
e-mailed to the thread's followers (:mod:`humsec_web.forum.notify`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from humsec_web.core.countries import country_choices


class Topic(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True)
    public = models.BooleanField(
        default=True, help_text=_("Readable by public visitors; otherwise by network members only.")
    )
    announcements = models.BooleanField(
        default=False, help_text=_("Only the HSU and administrators start threads (everyone may reply).")
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Thread(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="threads")
    title = models.CharField(max_length=200)
    country = models.CharField(
        max_length=3, blank=True, choices=country_choices, help_text=_("If the thread is about one country.")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_post_at = models.DateTimeField(auto_now_add=True, db_index=True)
    locked = models.BooleanField(default=False, help_text=_("Only the HSU and administrators may reply."))
    followers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="followed_threads"
    )

    class Meta:
        ordering = ["-last_post_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Post(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=10_000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author} in {self.thread}"
