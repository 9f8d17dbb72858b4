"""A digest's table: one row per activity, HXL-tagged for HDX, as CSV or Excel.

The HXL tag row comes from ``humsec.response.export.hxl_table`` (the library's export),
with the tags of the columns an activity update adds.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pandas as pd
from django.db.models import Q
from django.utils import translation

from humsec.response.export import hxl_table
from humsec_web.activities.models import Activity, Digest
from humsec_web.core.exports import XLSX_OPTIONS, neutralise

DIGEST_TAGS = {
    "organisation": "#org+name",
    "organisation_acronym": "#org+acronym",
    "title": "#activity+name",
    "country": "#country+code",
    "admin_areas": "#adm1+name",
    "sector": "#sector",
    "theme": "#sector+theme",
    "principle": "#meta+principle",
    "pillar": "#meta+pillar",
    "start_date": "#date+start",
    "end_date": "#date+end",
    "budget_usd": "#value+budget+usd",
    "partners": "#org+partner",
}


def activities_in_period(start: date, end: date) -> Any:
    """Activities that ran at some time between ``start`` and ``end`` (inclusive)."""
    return Activity.objects.filter(Q(start_date__lte=end) & Q(end_date__gte=start))


def digest_frame(activities: Any) -> pd.DataFrame:
    """The digest table (no tag row), sorted by country, sector and organisation. The labels
    (sector, principle, pillar) are English whatever the reader's language: the table is the
    published snapshot and the HXL export, which must not depend on who compiled or reads it."""
    with translation.override("en"):
        rows = _digest_records(activities)
    frame = pd.DataFrame(rows, columns=list(DIGEST_TAGS))
    return frame.sort_values(["country", "sector", "organisation"], kind="stable").reset_index(
        drop=True
    )


def _digest_records(activities: Any) -> list[dict[str, Any]]:
    return [
        {
            "organisation": a.organisation.name,
            "organisation_acronym": a.organisation.acronym,
            "title": a.title,
            "country": a.country,
            "admin_areas": a.admin_areas,
            "sector": a.get_sector_display(),
            "theme": a.theme,
            "principle": a.get_principle_display(),
            "pillar": a.get_pillar_display(),
            "start_date": a.start_date.isoformat(),
            "end_date": a.end_date.isoformat(),
            "budget_usd": float(a.budget_usd),
            "partners": a.partners,
        }
        for a in activities.select_related("organisation")
    ]


def digest_rows(digest: Digest) -> pd.DataFrame:
    """The digest's table: the snapshot taken when it was published (later edits of the
    activities do not change what was published), or the live rows of a draft."""
    if digest.snapshot is not None:
        return pd.DataFrame(digest.snapshot, columns=list(DIGEST_TAGS))
    return digest_frame(digest.activities.all())


def publish(digest: Digest) -> None:
    """Publish ``digest`` (locked by the caller): its rows are frozen into ``snapshot``."""
    from django.utils import timezone

    digest.snapshot = digest_frame(digest.activities.all()).to_dict("records")
    digest.status = Digest.Status.PUBLISHED
    digest.published_at = timezone.now()
    digest.save(update_fields=["status", "published_at", "snapshot"])


def tagged(frame: pd.DataFrame) -> pd.DataFrame:
    return hxl_table(frame, area_tag="#adm1+name", tags=DIGEST_TAGS)


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    return neutralise(tagged(frame)).to_csv(index=False).encode("utf-8")


def to_xlsx_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs=XLSX_OPTIONS) as writer:
        neutralise(tagged(frame)).to_excel(writer, sheet_name="activities", index=False)
    return buffer.getvalue()


def totals(frame: pd.DataFrame) -> dict[str, Any]:
    """Headline numbers for the digest page."""
    return {
        "activities": len(frame),
        "organisations": frame["organisation"].nunique(),
        "countries": frame["country"].nunique(),
        "budget_usd": float(frame["budget_usd"].sum()) if len(frame) else 0.0,
        "by_sector": frame.groupby("sector")["budget_usd"].agg(["count", "sum"]).reset_index()
        .rename(columns={"count": "n", "sum": "budget"})
        .to_dict("records"),
    }
