"""The platform's current hazard alerts: the alerts table of an outlook (the CSV of
``humsec warn triggers --alerts``) stored as rows, and, per country, those of the latest outlook a
user may see (published ones for everyone; drafts and shared ones as ``visible_outlooks`` says)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from humsec_web import permissions
from humsec_web.reviews.models import AreaAlert, Outlook


def store_alerts(outlook: Outlook, rows: Iterable[dict[Any, Any]]) -> int:
    """Save the rows read by :func:`humsec.hazard.alerts.read_alerts`; returns how many."""
    alerts = [
        AreaAlert(
            outlook=outlook, area_id=r["area_id"], area=r["area"], rule=r["rule"], status=r["status"],
            since=r["since"] or "", as_of=r["as_of"],
            # JSON has no NaN: an indicator without data is stored as null
            values={k: (None if math.isnan(v) else v) for k, v in r["values"].items()},
        )
        for r in rows
    ]  # fmt: skip
    AreaAlert.objects.bulk_create(alerts)
    return len(alerts)


def current_by_country(user: Any) -> list[tuple[Outlook, list[AreaAlert]]]:
    """Per country (by name), the latest outlook with an alerts table that ``user`` may see, and
    its fired alerts (longest-running first)."""
    latest: dict[str, Outlook] = {}
    visible = permissions.visible_outlooks(user).filter(area_alerts__isnull=False).distinct()
    for outlook in visible.order_by("-created_at", "-id"):
        latest.setdefault(outlook.country, outlook)
    out = []
    for outlook in sorted(latest.values(), key=lambda o: o.get_country_display()):
        fired = outlook.area_alerts.filter(status="fired").order_by("since", "area", "rule")
        out.append((outlook, list(fired)))
    return out
