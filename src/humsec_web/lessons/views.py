"""The lessons learned library: browse, full-text and semantic search, write, publish."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from humsec_web import permissions
from humsec_web.core.access import require
from humsec_web.lessons import search, semantic
from humsec_web.lessons.editing import returns_to_review
from humsec_web.lessons.forms import LessonForm
from humsec_web.lessons.models import Attachment, Lesson

MAX_SEMANTIC_POOL = 2000


def lesson_list(request: HttpRequest) -> HttpResponse:
    require(request, "lesson.list")
    lessons = permissions.visible_lessons(request.user).prefetch_related("tags")
    query = request.GET.get("q", "").strip()[:200]
    mode = "semantic" if request.GET.get("mode") == "semantic" else "text"
    tag = request.GET.get("tag", "")[:60]
    if tag:
        lessons = lessons.filter(tags__name=tag)
    scored: list[tuple[Lesson, float | None]]
    if query and mode == "semantic":
        pool = list(lessons[:MAX_SEMANTIC_POOL])
        scored = [(lesson, s) for lesson, s in semantic.rank(query, pool, limit=20)]
    elif query:
        scored = [(lesson, None) for lesson in search.search(lessons, query)]
    else:
        scored = [(lesson, None) for lesson in lessons[:100]]
    return render(
        request,
        "lessons/list.html",
        {
            "results": scored,
            "query": query,
            "mode": mode,
            "tag": tag,
            "method": semantic.method() if mode == "semantic" and query else "",
        },
    )


def lesson_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = get_object_or_404(Lesson.objects.prefetch_related("tags", "attachments"), pk=pk)
    require(request, "lesson.view", lesson)
    pool = list(permissions.visible_lessons(request.user)[:MAX_SEMANTIC_POOL])
    return render(
        request,
        "lessons/detail.html",
        {
            "lesson": lesson,
            "similar": semantic.similar(lesson, pool),
            "method": semantic.method(),
            "can_edit": permissions.can(request.user, "lesson.change", lesson),
            "can_publish": permissions.can(request.user, "lesson.publish", lesson),
        },
    )


def _save(request: HttpRequest, form: LessonForm) -> Lesson:
    with transaction.atomic():
        lesson = form.save()
        form.save_tags(lesson)
        upload = form.cleaned_data.get("attachment")
        if upload:
            Attachment.objects.create(
                lesson=lesson, file=upload, name=upload.name[:200], uploaded_by=request.user
            )
    return lesson


def lesson_create(request: HttpRequest) -> HttpResponse:
    require(request, "lesson.create")
    form = LessonForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        form.instance.author = request.user
        profile = getattr(request.user, "profile", None)
        form.instance.organisation = getattr(profile, "organisation", None)
        lesson = _save(request, form)
        messages.success(request, _("Lesson saved as a draft; the HSU publishes it."))
        return redirect("lesson-detail", pk=lesson.pk)
    return render(request, "lessons/form.html", {"form": form, "title": _("Share a lesson")})


def lesson_edit(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = get_object_or_404(Lesson, pk=pk)
    require(request, "lesson.change", lesson)
    form = LessonForm(request.POST or None, request.FILES or None, instance=lesson)
    if request.method == "POST" and form.is_valid():
        republish = returns_to_review(lesson, request.user)
        _save(request, form)
        messages.success(
            request, _("Lesson updated; it is back in review until the HSU publishes it again.")
            if republish else _("Lesson updated."),
        )
        return redirect("lesson-detail", pk=lesson.pk)
    return render(request, "lessons/form.html", {"form": form, "title": _("Edit the lesson")})


@require_POST
def lesson_publish(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = get_object_or_404(Lesson, pk=pk)
    require(request, "lesson.publish", lesson)
    lesson.status = Lesson.Status.PUBLISHED
    lesson.save(update_fields=["status", "updated_at"])
    messages.success(request, _("Lesson published."))
    return redirect("lesson-detail", pk=pk)


def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(Attachment.objects.select_related("lesson"), pk=pk)
    require(request, "lesson.view", attachment.lesson)
    # always a download, never rendered inline (an uploaded HTML/SVG cannot run script here)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)
