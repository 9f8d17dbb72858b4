"""A Content-Security-Policy on every platform page: scripts only from the platform's own static
files (no inline script, no other origin), so text that slipped past escaping still cannot run.
Inline ``style`` attributes stay allowed (the portfolio's bars and server-drawn SVG charts use
them; a style cannot run code). Responses that set their own policy keep it (a review report is
served with ``sandbox``)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", POLICY)
        return response
