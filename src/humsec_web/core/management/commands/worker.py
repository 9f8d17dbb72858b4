"""``python -m humsec_web worker``: run background tasks (review builds, forum e-mails) from the
database queue, beside one or more ``humsec serve --no-worker`` processes on the same database."""

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run queued background work (review builds, e-mails) and requeue interrupted builds."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls of an empty queue.")

    def handle(self, *args: Any, **options: Any) -> None:
        from humsec_web.background import requeue_interrupted, run_worker

        requeue_interrupted()
        self.stdout.write("worker started (Ctrl+C to stop)")
        run_worker(interval=options["interval"])
