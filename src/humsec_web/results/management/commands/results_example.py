"""``python -m humsec_web results_example``: build the worked example of docs/results.md (a
trust-fund project whose outcome indicator is a region's AF headcount from the two survey rounds)
and print its progress table."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Build the results framework's worked example (AF headcount of region 1, two rounds) and print it."

    def handle(self, *args: Any, **options: Any) -> None:
        from django.contrib.auth.models import User

        from humsec_web.results.progress import latest_status, progress_rows
        from humsec_web.results.worked_example import build

        user = User.objects.filter(is_superuser=True).first()
        example = build(user)
        rows = progress_rows(example.indicator, [example.actual])
        self.stdout.write(f"{example.indicator.name} ({example.logframe.title}, logframe {example.logframe.pk})")
        self.stdout.write("period   target   actual   95% CI              expected  progress")
        for r in rows:
            ci = f"[{r.ci_low:.4f}, {r.ci_high:.4f}]" if r.ci_low is not None else ""
            target = f"{r.target:.4f}" if r.target is not None else ""
            expected = f"{r.expected:.4f}" if r.expected is not None else ""
            self.stdout.write(f"{r.period:<8} {target:<8} {r.actual:<8.4f} {ci:<19} {expected:<9} {r.status}")
        self.stdout.write(f"latest: {latest_status(rows)}; AF table: {example.table}")
