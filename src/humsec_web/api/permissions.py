"""DRF's side of ``humsec_web.permissions``: each view names the rule of each action."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission

from humsec_web import permissions


class RulesPermission(BasePermission):
    """Checks ``view.rules[action]`` against the rule table; object actions check the object.

    Views list their actions in ``rules`` (action → rule) and the object-level ones in
    ``object_actions``; an action a view does not list is refused.
    """

    def has_permission(self, request: Any, view: Any) -> bool:
        rules: dict[str, str] = getattr(view, "rules", {})
        action = getattr(view, "action", None) or request.method.lower()
        rule = rules.get(action)
        if rule is None:
            return False
        if action in getattr(view, "object_actions", ()):
            # decided per object; but an anonymous caller never gets an object-level right here
            return bool(request.user and request.user.is_authenticated) or rule in _PUBLIC_OBJECT
        return permissions.can(request.user, rule)

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        rule = view.rules.get(getattr(view, "action", None) or request.method.lower())
        return rule is not None and permissions.can(request.user, rule, obj)


# object rules that a public visitor can pass (published digests and lessons)
_PUBLIC_OBJECT = {"digest.view", "lesson.view", "review.view", "review.version_view", "forum.view"}
