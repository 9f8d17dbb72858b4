from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from humsec_web import permissions


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "core/home.html",
        {
            "digests": permissions.visible_digests(user).filter(status="published")[:5],
            "lessons": permissions.visible_lessons(user).filter(status="published")[:5],
        },
    )
