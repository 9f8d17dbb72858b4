"""What happens when a lesson is edited: published text is what the HSU approved, so an edit of a
published lesson by anyone but the HSU (or an administrator) returns it to review (draft) until it
is published again. Pages and API call :func:`returns_to_review` before saving."""

from __future__ import annotations

from typing import Any

from humsec_web import permissions
from humsec_web.lessons.models import Lesson


def returns_to_review(lesson: Lesson, user: Any) -> bool:
    """Set ``lesson`` back to draft (unsaved) when ``user`` may not publish and it is published;
    returns whether it did.

    >>> from django.contrib.auth.models import AnonymousUser
    >>> lesson = Lesson(status=Lesson.Status.PUBLISHED)
    >>> returns_to_review(lesson, AnonymousUser()), str(lesson.status)
    (True, 'draft')
    """
    if lesson.status == Lesson.Status.PUBLISHED and permissions.role_of(user) not in permissions.MANAGERS:
        lesson.status = Lesson.Status.DRAFT
        return True
    return False
