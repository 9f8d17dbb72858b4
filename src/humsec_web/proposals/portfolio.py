"""The portfolio dashboard's numbers: projects and funding by country, sector, agency, status."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Sum

from humsec_web.core.countries import country_label
from humsec_web.core.vocab import Sector


def breakdown(projects: Any) -> dict[str, Any]:
    """Counts and budgets per country, sector, lead agency and status (largest budget first)."""

    def group(field: str, label: Any) -> list[dict[str, Any]]:
        rows = (
            projects.order_by()
            .values(field)
            .annotate(n=Count("id", distinct=True), budget=Sum("budget_usd"))
            .order_by("-budget", field)
        )
        return [
            {"key": r[field], "label": label(r[field]), "n": r["n"], "budget": float(r["budget"] or 0)}
            for r in rows
        ]

    sectors = dict(Sector.choices)
    statuses = dict(projects.model.Status.choices)
    total = projects.order_by().aggregate(n=Count("id"), budget=Sum("budget_usd"))
    return {
        "n": total["n"],
        "budget": float(total["budget"] or 0),
        "by_country": group("country", country_label),
        "by_sector": group("sector", lambda k: sectors.get(k, k)),
        "by_agency": group("lead_organisation__name", str),
        "by_status": group("status", lambda k: statuses.get(k, k)),
    }
