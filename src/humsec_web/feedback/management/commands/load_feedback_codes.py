"""``python -m humsec_web load_feedback_codes FRAMEWORK.json``: load (or update) the coding framework,
Red Cross JSON (Type > Category > Code), read by :func:`humsec.voice.read_coding_framework`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from humsec.core.errors import HumsecError
from humsec.voice.feedback import read_coding_framework


class Command(BaseCommand):
    help = "Load a feedback coding framework (Red Cross JSON: types > categories > codes)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("framework", help="The framework's JSON file")

    def handle(self, *args: Any, **options: Any) -> None:
        from humsec_web.feedback.models import FeedbackCode

        try:
            codes = read_coding_framework(options["framework"])
        except HumsecError as exc:
            raise CommandError(str(exc)) from exc
        # a text longer than its column is refused here, naming the code (PostgreSQL would refuse
        # the row with no name; SQLite would keep it whole)
        limits = {"code_id": "code_id", "type": "type", "category": "category", "code": "name"}
        for column, field in limits.items():
            limit = FeedbackCode._meta.get_field(field).max_length
            long = codes[codes[column].astype(str).str.len() > limit]
            if len(long):
                raise CommandError(
                    f"{options['framework']}: {len(long)} code(s) have a {column} longer than {limit} "
                    f"characters, e.g. {str(long[column].iloc[0])[:80]!r}..."
                )
        with transaction.atomic():
            for row in codes.itertuples():
                FeedbackCode.objects.update_or_create(
                    code_id=row.code_id,
                    defaults={"type": row.type, "category": row.category, "name": row.code,
                              "sensitive": bool(row.sensitive)},
                )  # fmt: skip
        sensitive = int(codes["sensitive"].sum())
        self.stdout.write(
            f"{len(codes)} codes ({codes['category'].nunique()} categories, {sensitive} sensitive) loaded"
        )
