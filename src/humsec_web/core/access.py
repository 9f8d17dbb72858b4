"""The one way views refuse: anonymous visitors go to sign-in, signed-in users get 403."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext

from humsec_web import permissions


class SignInRequired(Exception):
    """Raised for anonymous visitors; the middleware turns it into a redirect to sign-in."""


def require(request: HttpRequest, action: str, obj: Any = None) -> None:
    """Return if the rule allows it; otherwise refuse (redirect to sign-in, or 403)."""
    if permissions.can(request.user, action, obj):
        return
    if not request.user.is_authenticated:
        raise SignInRequired
    raise PermissionDenied(gettext("Your role may not %(action)s.") % {"action": action.replace(".", ": ")})


class SignInMiddleware:
    """Turns ``SignInRequired`` into the usual redirect to ``/accounts/login/?next=...``."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> Any:
        if isinstance(exception, SignInRequired):
            return redirect_to_login(request.get_full_path())
        return None
