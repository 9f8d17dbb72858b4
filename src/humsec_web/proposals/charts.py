"""The portfolio's charts: Vega-Lite specs drawn to SVG on the server, offline (Altair and
vl-convert, through ``humsec.core.charts.to_svg``): the page needs no chart script and no CDN.

Drawing takes a fraction of a second, so each distinct set of numbers is drawn once and kept.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.db.models import Sum
from django.utils import translation
from django.utils.translation import gettext

from humsec_web.core.countries import country_label

Rows = tuple[tuple[str, str, float], ...]  # (country name, status label, budget in USD)


def funding_rows(projects: Any) -> Rows:
    """Budget per country and status, largest country first; country names and status labels as people
    read them (in the active language)."""
    statuses = dict(projects.model.Status.choices)
    raw = (
        projects.order_by()
        .values("country", "status")
        .annotate(budget=Sum("budget_usd"))
        .order_by("country", "status")
    )
    return tuple(
        (country_label(r["country"]), str(statuses.get(r["status"], r["status"])), float(r["budget"] or 0))
        for r in raw
    )


def funding_spec(rows: Rows) -> Any:
    """Horizontal bars: funding by country (largest on top), stacked by status."""
    import altair as alt
    import pandas as pd

    frame = pd.DataFrame(list(rows), columns=["country", "status", "budget"])
    return (
        alt.Chart(frame, title=gettext("Funding by country (USD)"))
        .mark_bar()
        .encode(
            y=alt.Y("country:N", sort="-x", title=None),
            x=alt.X("sum(budget):Q", title=gettext("USD"), axis=alt.Axis(format="~s")),
            color=alt.Color("status:N", title=gettext("status"), scale=alt.Scale(scheme="tableau10")),
            tooltip=["country:N", "status:N", alt.Tooltip("budget:Q", format=",.0f")],
        )
        .properties(width=420, height=alt.Step(18))
    )


def funding_svg(rows: Rows) -> str:
    """The chart as SVG ('' when there is nothing to draw), its titles in the active language."""
    return _funding_svg(rows, translation.get_language())


@lru_cache(maxsize=32)
def _funding_svg(rows: Rows, language: str | None) -> str:
    if not rows:
        return ""
    from humsec.core.charts import to_svg

    return to_svg(funding_spec(rows))
