"""Activity updates and the HSU digest: compilation by period, HXL-tagged CSV and Excel, publish.

The digest's numbers are checked against the demo's source rows (the DRC 3W sample), filtered
by hand with pandas, not through the platform's code."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[2] / "src/humsec_web/core/demo/cod_3w_sample.csv"


def _expected(start: str, end: str) -> pd.DataFrame:
    rows = pd.read_csv(SAMPLE, dtype=str)
    rows = rows.drop_duplicates(["title", "organisation"])
    return rows[(rows.start_date <= end) & (rows.end_date >= start)]


def test_focal_point_logs_an_activity_for_their_own_organisation(as_role):
    client = as_role("focal_point")
    r = client.post("/activities/new/", {
        "title": "Mobile clinics", "country": "COD", "admin_areas": "Ituri, Djugu", "sector": "health",
        "theme": "Primary care", "principle": "people_centred", "pillar": "protection",
        "start_date": "2025-02-01", "end_date": "2025-05-31", "budget_usd": "25000",
        "partners": "Ministry of Health", "organisation": "999",  # ignored: fixed to their own
    })  # fmt: skip
    assert r.status_code == 302
    from humsec_web.activities.models import Activity

    a = Activity.objects.get(title="Mobile clinics")
    assert a.organisation.acronym == "WVI"


def test_activity_dates_are_checked(as_role):
    r = as_role("focal_point").post("/activities/new/", {
        "title": "Backwards", "country": "COD", "sector": "health", "principle": "prevention",
        "pillar": "both", "start_date": "2025-05-01", "end_date": "2025-01-01", "budget_usd": "1",
    })  # fmt: skip
    assert r.status_code == 200 and b"The end date is before the start date." in r.content


def test_digest_compiles_the_period_and_exports_hxl(as_role):
    client = as_role("hsu")
    r = client.post("/digests/new/", {"title": "Q1 2025", "period_start": "2025-01-01", "period_end": "2025-03-31"})
    assert r.status_code == 302
    pk = int(r["Location"].rstrip("/").rsplit("/", 1)[1])
    expected = _expected("2025-01-01", "2025-03-31")
    csv = client.get(f"/digests/{pk}/digest.csv")
    assert csv["Content-Type"].startswith("text/csv")
    table = pd.read_csv(io.BytesIO(csv.content), dtype=str)
    tags = table.iloc[0].to_dict()
    assert tags["organisation"] == "#org+name" and tags["country"] == "#country+code"
    assert tags["budget_usd"] == "#value+budget+usd" and tags["start_date"] == "#date+start"
    data = table.iloc[1:]
    assert len(data) == len(expected)
    assert data["budget_usd"].astype(float).sum() == pytest.approx(expected["budget_usd"].astype(float).sum())
    assert set(data["organisation"]) == set(expected["organisation"])
    xlsx = pd.read_excel(io.BytesIO(client.get(f"/digests/{pk}/digest.xlsx").content), dtype=str)
    assert xlsx.iloc[0].to_dict() == tags and len(xlsx) == len(table)


def test_publishing_makes_the_digest_public(as_role, client):
    hsu = as_role("hsu")
    r = hsu.post("/digests/new/", {"title": "H1 2025", "period_start": "2025-01-01", "period_end": "2025-06-30"})
    url = r["Location"]
    hsu.logout()
    assert client.get(url).status_code == 302  # draft: sign in first
    hsu = as_role("hsu")
    assert hsu.post(url + "publish/").status_code == 302
    assert hsu.post(url + "publish/").status_code == 403  # already published
    hsu.logout()
    page = client.get(url)
    assert page.status_code == 200 and b"Published" in page.content
