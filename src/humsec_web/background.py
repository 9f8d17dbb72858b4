"""Background work (review builds, forum e-mails) on Django's tasks framework, queued in the
database so that it survives restarts and several app processes share one queue.

The pinned Django (5.2) has no ``django.tasks``; the ``django-tasks`` backport provides the API
and ``django-tasks-db`` the database backend and its worker (on Django 6 the same backend plugs
into ``django.tasks``). ``humsec serve`` runs one worker in a thread beside the web server;
``python -m humsec_web worker`` runs more on their own (same database, e.g. PostgreSQL).

A worker killed during a review build (``kill -9``, a restart, a crashed machine) leaves the
version ``running`` with a heartbeat that stops moving. Every worker looks for such versions
every few seconds and queues them again (:func:`requeue_interrupted`), so the build runs again
instead of being lost. Tests run the work inline (``settings.BACKGROUND_INLINE``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone

try:  # Django >= 6.0
    from django.tasks import task  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # Django 5.2: the backport
    from django_tasks import task

log = logging.getLogger(__name__)


@task()
def build_review_version(version_id: int) -> str:
    """Build one review version's report (its outcome is recorded on the version)."""
    from humsec_web.reviews import runner

    return str(runner.run(version_id).state)


@task()
def send_reply_emails(post_id: int, link: str) -> int:
    """E-mail a forum reply to the thread's followers; returns how many were sent."""
    from humsec_web.forum import notify

    return notify.send_now(post_id, link)


def submit(job: Any, *args: Any) -> None:
    """Queue ``job(*args)``: a database row written in the caller's transaction (so the work and
    the record it concerns are committed together), or run inline once that transaction commits
    when ``settings.BACKGROUND_INLINE`` (tests)."""
    if settings.BACKGROUND_INLINE:
        transaction.on_commit(lambda: job.call(*args))
    else:
        job.enqueue(*args)


def stale_after() -> timedelta:
    """How long a build's heartbeat may stand still before the build counts as interrupted."""
    return timedelta(seconds=settings.TASK_STALE_SECONDS)


def requeue_interrupted() -> int:
    """Queue again every review build whose worker stopped (heartbeat older than
    :func:`stale_after`); returns how many. Safe with several workers: each version is claimed by
    one conditional UPDATE."""
    from humsec_web.reviews.models import ReviewVersion

    cutoff = timezone.now() - stale_after()
    stale = ReviewVersion.objects.filter(
        state=ReviewVersion.State.RUNNING, heartbeat_at__lt=cutoff
    ).values_list("pk", flat=True)
    requeued = 0
    for pk in list(stale):
        with transaction.atomic():
            claimed = ReviewVersion.objects.filter(
                pk=pk, state=ReviewVersion.State.RUNNING, heartbeat_at__lt=cutoff
            ).update(
                state=ReviewVersion.State.QUEUED,
                log="The server stopped during this build; it was queued again.",
            )
            if claimed:
                _close_lost_task(pk)
                submit(build_review_version, pk)
                requeued += 1
    if requeued:
        log.warning("queued again %d review build(s) interrupted by a stopped worker", requeued)
    return requeued


def _close_lost_task(version_id: int) -> None:
    """Mark the queue row of the lost run failed (it would otherwise say RUNNING for ever)."""
    if settings.BACKGROUND_INLINE:
        return
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(
        status="RUNNING", task_path=build_review_version.module_path, args_kwargs__args=[version_id]
    ).update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path="humsec_web.background.WorkerLost",
        traceback="The worker stopped during the task; it was queued again.",
    )


class Heartbeat:
    """While a build runs, stamp ``heartbeat_at`` on its version every few seconds (a thread)."""

    def __init__(self, version_id: int) -> None:
        self.version_id = version_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"heartbeat-v{version_id}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._stamp()
        if not settings.BACKGROUND_INLINE:  # inline (tests): the request's transaction holds the row
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _stamp(self) -> None:
        from humsec_web.reviews.models import ReviewVersion

        ReviewVersion.objects.filter(pk=self.version_id).update(heartbeat_at=timezone.now())

    def _beat(self) -> None:
        try:
            while not self._stop.wait(settings.TASK_STALE_SECONDS / 4):
                self._stamp()
        finally:
            from django.db import connection

            connection.close()  # this thread's own connection


def _every(seconds: float, stop: threading.Event, job: Callable[[], object]) -> None:
    while not stop.wait(seconds):
        close_old_connections()
        try:
            job()
        except Exception:  # a failed sweep must not stop the worker; the next one retries
            log.exception("requeueing interrupted builds failed")


def run_worker(interval: float = 1.0, stop: threading.Event | None = None) -> None:
    """Run tasks from the database queue until the process ends (or ``stop`` is set), sweeping
    for interrupted builds every quarter of the stale time."""
    from django.utils.crypto import get_random_string
    from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS
    from django_tasks_db.management.commands.db_worker import Worker

    stop = stop or threading.Event()
    threading.Thread(
        target=_every,
        args=(settings.TASK_STALE_SECONDS / 4, stop, requeue_interrupted),
        name="humsec-requeue",
        daemon=True,
    ).start()
    worker = Worker(
        queue_names=["*"], interval=interval, batch=False, backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=False, max_tasks=None, worker_id=get_random_string(32), excluded_queue_names=[],
    )  # fmt: skip

    def stop_when_asked() -> None:
        stop.wait()
        worker.running = False  # the worker finishes its current task, then returns

    threading.Thread(target=stop_when_asked, daemon=True).start()
    worker.run()
