"""Activity updates (focal points) and digests (Human Security Unit)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from humsec_web import permissions
from humsec_web.activities import digest as digest_table
from humsec_web.activities.forms import ActivityForm, DigestForm
from humsec_web.activities.models import Activity, Digest
from humsec_web.core.access import require


def _user_org(request: HttpRequest) -> Any:
    if permissions.role_of(request.user) == permissions.FOCAL:
        return request.user.profile.organisation
    return None


def activity_list(request: HttpRequest) -> HttpResponse:
    require(request, "activity.list")
    activities = permissions.visible_activities(request.user)
    country = request.GET.get("country", "").upper()[:3]
    if country:
        activities = activities.filter(country=country)
    return render(
        request, "activities/list.html", {"activities": activities[:500], "country": country}
    )


def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(Activity.objects.select_related("organisation"), pk=pk)
    require(request, "activity.view", activity)
    can_edit = permissions.can(request.user, "activity.change", activity)
    return render(request, "activities/detail.html", {"activity": activity, "can_edit": can_edit})


def activity_create(request: HttpRequest) -> HttpResponse:
    require(request, "activity.create")
    org = _user_org(request)
    form = ActivityForm(request.POST or None, fixed_organisation=org)
    if request.method == "POST" and form.is_valid():
        form.instance.created_by = request.user
        activity = form.save()
        messages.success(request, _("Activity logged."))
        return redirect("activity-detail", pk=activity.pk)
    return render(request, "activities/form.html", {"form": form, "title": _("Log an activity")})


def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(Activity, pk=pk)
    require(request, "activity.change", activity)
    form = ActivityForm(
        request.POST or None, instance=activity, fixed_organisation=_user_org(request)
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Activity updated."))
        return redirect("activity-detail", pk=activity.pk)
    return render(request, "activities/form.html", {"form": form, "title": _("Edit the activity")})


def digest_list(request: HttpRequest) -> HttpResponse:
    require(request, "digest.list")
    return render(
        request, "activities/digest_list.html", {"digests": permissions.visible_digests(request.user)}
    )


def digest_create(request: HttpRequest) -> HttpResponse:
    require(request, "digest.create")
    form = DigestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.instance.created_by = request.user
            digest = form.save()
            digest.activities.set(
                digest_table.activities_in_period(digest.period_start, digest.period_end)
            )
        n = digest.activities.count()
        messages.success(request, ngettext(
            "Draft digest compiled: %(n)s activity.", "Draft digest compiled: %(n)s activities.", n
        ) % {"n": n})
        return redirect("digest-detail", pk=digest.pk)
    return render(request, "activities/digest_form.html", {"form": form})


def digest_detail(request: HttpRequest, pk: int) -> HttpResponse:
    digest = get_object_or_404(Digest, pk=pk)
    require(request, "digest.view", digest)
    frame = digest_table.digest_rows(digest)
    return render(
        request,
        "activities/digest_detail.html",
        {
            "digest": digest,
            "rows": frame.to_dict("records"),
            "totals": digest_table.totals(frame),
            "can_publish": permissions.can(request.user, "digest.publish", digest),
        },
    )


@require_POST
def digest_publish(request: HttpRequest, pk: int) -> HttpResponse:
    with transaction.atomic():
        digest = get_object_or_404(Digest.objects.select_for_update(), pk=pk)
        require(request, "digest.publish", digest)
        digest_table.publish(digest)  # its rows frozen as published
    messages.success(request, _("Digest published: it is now public."))
    return redirect("digest-detail", pk=digest.pk)


def digest_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    digest = get_object_or_404(Digest, pk=pk)
    require(request, "digest.view", digest)
    frame = digest_table.digest_rows(digest)
    stem = f"humsec-digest-{digest.pk}-{digest.period_start}-{digest.period_end}"
    if fmt == "csv":
        body, ctype = digest_table.to_csv_bytes(frame), "text/csv; charset=utf-8"
    else:
        body = digest_table.to_xlsx_bytes(frame)
        ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response
