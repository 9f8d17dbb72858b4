from typing import Any

from django.core.management.base import BaseCommand

from humsec_web.core import demo


class Command(BaseCommand):
    help = "Load the demo organisations, users (one per role), activities, lessons and proposals."

    def handle(self, *args: Any, **options: Any) -> None:
        if demo.is_loaded():
            self.stdout.write("The database already has users: demo content not loaded.")
            return
        counts = demo.load()
        self.stdout.write(f"Demo content loaded: {counts}; password of every demo user: {demo.DEMO_PASSWORD}")
