"""Template context: the signed-in user's role, so menus show only what the role may open."""

from __future__ import annotations

from typing import Any

from humsec_web import permissions


def roles(request: Any) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {"role": permissions.role_of(user), "can": permissions.CanProxy(user)}
