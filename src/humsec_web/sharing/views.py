"""The data catalogue: upload a file with its terms, read its terms, download it if cleared."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from humsec_web import permissions
from humsec_web.core.access import require
from humsec_web.sharing import access
from humsec_web.sharing.classes import BY_CODE, SENSITIVITY
from humsec_web.sharing.forms import DatasetForm
from humsec_web.sharing.models import AccessLog, Dataset
from humsec_web.sharing.store import store


def dataset_list(request: HttpRequest) -> HttpResponse:
    require(request, "dataset.list")
    datasets = access.visible_datasets(request.user)
    rows = [(d, access.dataset_cleared(request.user, d)) for d in datasets[:500]]
    return render(request, "sharing/list.html", {"rows": rows, "classes": SENSITIVITY})


def dataset_create(request: HttpRequest) -> HttpResponse:
    require(request, "dataset.create")
    form = DatasetForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        terms = form.terms_value(form.cleaned_data["country"], form.cleaned_data["description"])
        with transaction.atomic():
            dataset = store(form.cleaned_data["file"], form.sha256, terms, request.user)
            dataset.grantees.set(form.cleaned_data["grantees"])
        messages.success(request, _("%(name)s is stored as %(sensitivity)s data.") % {
            "name": dataset.name, "sensitivity": dataset.get_sensitivity_display().lower()})  # fmt: skip
        return redirect("dataset-detail", pk=dataset.pk)
    return render(request, "sharing/form.html", {"form": form, "classes": SENSITIVITY})


def _dataset(request: HttpRequest, pk: int) -> Dataset:
    dataset = get_object_or_404(Dataset, pk=pk)
    if not access.visible_datasets(request.user).filter(pk=pk).exists():
        # outside the catalogue this user sees (strictly confidential): refused and logged
        reason = access.refusal(dataset.name, dataset.sensitivity)
        access.log_read(request.user, subject=dataset.name, code=dataset.sensitivity, via=str(AccessLog.Via.PAGE),
                        allowed=False, dataset=dataset, reason=reason)  # fmt: skip
        access.refuse(request, reason)
    return dataset


def dataset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "dataset.list")
    dataset = _dataset(request, pk)
    can_log = permissions.can(request.user, "dataset.read_log", dataset)
    return render(
        request,
        "sharing/detail.html",
        {
            "dataset": dataset,
            "cleared": access.dataset_cleared(request.user, dataset),
            "readers": _(BY_CODE[dataset.sensitivity].readers),
            "log": dataset.log.select_related("user")[:100] if can_log else None,
            "used_in": dataset.reviewfile_set.select_related("version__review")[:50],
        },
    )


def dataset_download(request: HttpRequest, pk: int) -> FileResponse:
    require(request, "dataset.list")
    dataset = _dataset(request, pk)
    if not access.dataset_cleared(request.user, dataset) and not request.user.is_authenticated:
        access.log_read(request.user, subject=dataset.name, code=dataset.sensitivity, via=str(AccessLog.Via.PAGE),
                        allowed=False, dataset=dataset, reason="not signed in")  # fmt: skip
        access.refuse(request, "")  # anonymous visitors sign in first, as on every page
    access.check_read(request.user, dataset, str(AccessLog.Via.PAGE))
    return FileResponse(dataset.file.open("rb"), as_attachment=True, filename=dataset.name)
