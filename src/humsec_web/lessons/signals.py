"""Keep the SQLite full-text index and the stored embeddings in step with the lessons."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_migrate, post_save, pre_save
from django.dispatch import receiver

from humsec_web.lessons import search
from humsec_web.lessons.models import Lesson


@receiver(pre_save, sender=Lesson)
def _forget_embedding(sender: Any, instance: Lesson, **kwargs: Any) -> None:
    # the text may have changed: the embedding is recomputed the next time it is needed
    if kwargs.get("update_fields") is None or "embedding" not in kwargs["update_fields"]:
        instance.embedding = None


@receiver(post_save, sender=Lesson)
def _index(sender: Any, instance: Lesson, **kwargs: Any) -> None:
    search.index_lesson(instance)


@receiver(post_delete, sender=Lesson)
def _unindex(sender: Any, instance: Lesson, **kwargs: Any) -> None:
    search.unindex_lesson(instance.pk)


@receiver(post_migrate)
def _create_index(sender: Any, **kwargs: Any) -> None:
    if getattr(sender, "label", "") == "lessons":
        search.ensure_index()
