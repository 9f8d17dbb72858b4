"""The forum's pages: topics, threads, replies, following, locking."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from humsec_web import permissions
from humsec_web.core.access import require
from humsec_web.forum.forms import ReplyForm, ThreadForm
from humsec_web.forum.models import Thread, Topic
from humsec_web.forum.posting import reply, start_thread


def index(request: HttpRequest) -> HttpResponse:
    require(request, "forum.list")
    threads = permissions.visible_threads(request.user)
    country = request.GET.get("country", "").upper()[:3]
    if country:
        threads = threads.filter(country=country)
    topics = permissions.visible_topics(request.user).annotate(
        n_threads=Count("threads", distinct=True), last=Max("threads__last_post_at")
    )
    return render(
        request, "forum/index.html", {"topics": topics, "threads": threads[:30], "country": country}
    )


def topic(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_object_or_404(Topic, slug=slug)
    require(request, "forum.view", item)
    threads = item.threads.select_related("author").annotate(n_posts=Count("posts"))
    return render(
        request,
        "forum/topic.html",
        {"topic": item, "threads": threads[:200], "can_start": permissions.can(request.user, "forum.start", item)},
    )


def thread_create(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_object_or_404(Topic, slug=slug)
    require(request, "forum.start", item)
    form = ThreadForm(request.POST or None, countries=permissions.thread_countries(request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        thread = start_thread(item, request.user, d["title"], d["country"], d["body"])
        messages.success(request, _("Thread started; you follow it (replies come by e-mail)."))
        return redirect("forum-thread", pk=thread.pk)
    return render(request, "forum/form.html", {"form": form, "title": _("New thread in %(topic)s") % {"topic": item.name}})


def thread(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Thread.objects.select_related("topic"), pk=pk)
    require(request, "forum.view", item)
    user = request.user
    return render(
        request,
        "forum/thread.html",
        {
            "thread": item,
            "posts": item.posts.select_related("author"),
            "form": ReplyForm(),
            "can_reply": permissions.can(user, "forum.reply", item),
            "can_follow": permissions.can(user, "forum.follow", item),
            "can_lock": permissions.can(user, "forum.lock", item),
            "following": user.is_authenticated and item.followers.filter(pk=user.pk).exists(),
        },
    )


@require_POST
def thread_reply(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Thread.objects.select_related("topic"), pk=pk)
    require(request, "forum.reply", item)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a reply (at most 10,000 characters)."))
        return redirect("forum-thread", pk=pk)
    link = request.build_absolute_uri(reverse("forum-thread", kwargs={"pk": pk}))
    reply(item, request.user, form.cleaned_data["body"], link)
    messages.success(request, _("Reply posted; the thread's followers are told by e-mail."))
    return redirect("forum-thread", pk=pk)


@require_POST
def thread_follow(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Thread.objects.select_related("topic"), pk=pk)
    require(request, "forum.view", item)
    require(request, "forum.follow", item)
    if item.followers.filter(pk=request.user.pk).exists():
        item.followers.remove(request.user)
        messages.success(request, _("You no longer follow this thread."))
    else:
        item.followers.add(request.user)
        messages.success(request, _("You follow this thread: replies come by e-mail."))
    return redirect("forum-thread", pk=pk)


@require_POST
def thread_lock(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Thread, pk=pk)
    require(request, "forum.lock", item)
    item.locked = not item.locked
    item.save(update_fields=["locked"])
    messages.success(request, _("Thread locked.") if item.locked else _("Thread reopened."))
    return redirect("forum-thread", pk=pk)
