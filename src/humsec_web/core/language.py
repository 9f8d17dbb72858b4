"""The platform's language: a signed-in user's own setting, else the browser's.

Django's ``LocaleMiddleware`` picks the language from the language cookie or the browser's
``Accept-Language`` (among ``settings.LANGUAGES``); :class:`UserLanguageMiddleware` then applies a
signed-in user's ``Profile.language`` when set. :func:`choose_language` (the form in every page's
footer) sets the cookie and, for a signed-in user, the profile.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from humsec_web.core.models import Profile


def user_language(user: Any) -> str:
    """The user's own language setting, or '' (anonymous, no profile, or none chosen)."""
    if not getattr(user, "is_authenticated", False):
        return ""
    profile = Profile.objects.filter(user=user).only("language").first()
    return profile.language if profile and profile.language in dict(settings.LANGUAGES) else ""


class UserLanguageMiddleware:
    """Activates a signed-in user's language for the request (after LocaleMiddleware)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        language = user_language(getattr(request, "user", None))
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    """Django's ``set_language`` (checks the code, sets the cookie, goes back to ``next``), and a
    signed-in user's choice kept in the profile."""
    response = set_language(request)
    code = request.POST.get("language", "")
    if code in dict(settings.LANGUAGES) and request.user.is_authenticated:
        Profile.objects.filter(user=request.user).update(language=code)
    return response
