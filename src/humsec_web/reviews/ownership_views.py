"""Pages of national ownership: a publication's workflow (comments, sign-off, publishing, audit
trail) and early-warning outlooks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from humsec_web import permissions
from humsec_web.core.access import require
from humsec_web.reviews import alerts, publication
from humsec_web.reviews.forms import ChangesForm, CommentForm, OutlookForm, PublishForm, SignOffForm
from humsec_web.reviews.inputs import validate_data_file
from humsec_web.reviews.models import Comment, Outlook, Publication
from humsec_web.sharing import access
from humsec_web.sharing.store import store

FORMS: dict[str, type[forms.Form]] = {"request_changes": ChangesForm, "sign_off": SignOffForm, "publish": PublishForm}


def _publication(request: HttpRequest, pk: int) -> Publication:
    pub = get_object_or_404(Publication.objects.select_related("version__review", "outlook"), pk=pk)
    require(request, "publication.view", pub)
    return pub


def _link(request: HttpRequest, pub: Publication) -> str:
    return request.build_absolute_uri(reverse("publication-detail", kwargs={"pk": pub.pk}))


def publication_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pub = _publication(request, pk)
    user = request.user
    comments = list(pub.comments.filter(parent__isnull=True).select_related("author", "resolved_by")
                    .prefetch_related("replies__author"))  # fmt: skip
    open_ids = set(pub.open_comments().values_list("pk", flat=True))
    actions = [
        (t, FORMS.get(t.name))
        for t in publication.TRANSITIONS.values()
        if permissions.can(user, f"publication.{t.name}", pub)
    ]
    return render(
        request,
        "reviews/publication.html",
        {
            "pub": pub,
            "target": pub.target,
            "comments": comments,
            "open_ids": open_ids,
            "actions": [(t, form() if form else None) for t, form in actions],
            "can_comment": permissions.can(user, "publication.comment", pub),
            "can_resolve": permissions.can(user, "publication.resolve", pub),
            "comment_form": CommentForm(sections=pub.sections()),
            "events": pub.events.select_related("actor"),
            "transitions": publication.TRANSITIONS.values(),
        },
    )


@require_POST
def publication_move(request: HttpRequest, pk: int, transition: str) -> HttpResponse:
    pub = _publication(request, pk)
    name = transition.replace("-", "_")
    if name not in publication.TRANSITIONS:
        raise Http404(f"No step named {transition!r}.")
    form_class = FORMS.get(name)
    data: dict[str, Any] = {}
    if form_class is not None:
        publication.refuse_unless(request.user, name, pub)  # who and when first: a clear 403
        form = form_class(request.POST)
        if not form.is_valid():
            messages.error(request, "; ".join(f"{f}: {' '.join(e)}" for f, e in form.errors.items()))
            return redirect("publication-detail", pk=pk)
        data = {k: v for k, v in form.cleaned_data.items() if k != "confirm"}
    try:
        moved = publication.move(pub.pk, request.user, name, link=_link(request, pub), **data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages) + " " + gettext("Nothing was changed."))
        return redirect("publication-detail", pk=pk)
    messages.success(request, gettext("%(step)s: done. It is now “%(state)s”.")
                     % {"step": publication.TRANSITIONS[name].label, "state": moved.get_state_display()})
    return redirect("publication-detail", pk=pk)


@require_POST
def comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    pub = _publication(request, pk)
    parent = request.POST.get("parent")
    try:
        publication.comment(
            pub.pk, request.user, request.POST.get("section", "whole"), request.POST.get("body", "")[:10000],
            int(parent) if parent and parent.isdigit() else None,
        )  # fmt: skip
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, gettext("Answer posted.") if parent else gettext("Comment posted."))
    return redirect("publication-detail", pk=pk)


@require_POST
def comment_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    c = get_object_or_404(Comment.objects.select_related("publication"), pk=pk)
    require(request, "publication.view", c.publication)
    try:
        publication.resolve(c.pk, request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, gettext("Comment resolved."))
    return redirect("publication-detail", pk=c.publication_id)


# ---------------------------------------------------------------------------- outlooks
def outlook_list(request: HttpRequest) -> HttpResponse:
    require(request, "outlook.list")
    outlooks = permissions.visible_outlooks(request.user)
    return render(request, "reviews/outlook_list.html", {"outlooks": outlooks[:200]})


def outlook_create(request: HttpRequest) -> HttpResponse:
    require(request, "outlook.create")
    form = OutlookForm(request.POST or None, request.FILES or None, countries=permissions.review_countries(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sha = validate_data_file(data["forecast"]) if data.get("forecast") else ""
        except ValidationError as exc:
            form.add_error("forecast", exc.messages)
        else:
            with transaction.atomic():
                forecast = None
                if data.get("forecast"):
                    terms = form.terms_value(data["country"], f"forecast table of the outlook {data['title']}")
                    forecast = store(data["forecast"], sha, terms, request.user)
                outlook = Outlook.objects.create(
                    country=data["country"], title=data["title"], period=data["period"], summary=data["summary"],
                    alerts=data["alerts"], method=data["method"], forecast=forecast, created_by=request.user,
                )  # fmt: skip
                publication.publication_of(outlook)
                alerts.store_alerts(outlook, form.alert_rows)
            messages.success(request, gettext("Outlook saved as a draft: share it for comment when it is ready."))
            return redirect("outlook-detail", pk=outlook.pk)
    return render(request, "reviews/outlook_form.html", {"form": form})


def outlook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    outlook = get_object_or_404(Outlook.objects.select_related("forecast"), pk=pk)
    require(request, "outlook.view", outlook)
    pub = publication.publication_of(outlook)
    return render(
        request,
        "reviews/outlook.html",
        {
            "outlook": outlook,
            "pub": pub,
            "can_workflow": permissions.can(request.user, "publication.view", pub),
            "forecast_cleared": outlook.forecast is not None and access.dataset_cleared(request.user, outlook.forecast),
            "area_alerts": outlook.area_alerts.order_by("id"),
        },
    )


def alert_list(request: HttpRequest) -> HttpResponse:
    """The current hazard alerts: the fired rules of each country's latest outlook one may see."""
    require(request, "outlook.list")
    return render(request, "reviews/alert_list.html", {"countries": alerts.current_by_country(request.user)})
