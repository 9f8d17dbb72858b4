"""Current hazard alerts on the platform: an outlook carries the alerts CSV of
``humsec warn triggers --alerts``; its fired rules are listed on the outlook and, per country, on
/alerts/ (the latest outlook each user may see: drafts never to the public); a damaged table is an
error on its field naming the row."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from humsec.datasets import data_path
from humsec.hazard import read_ipc
from humsec.hazard.alerts import alerts_for_csv, current_alerts
from humsec.hazard.triggers import TriggerRules

RULE = TriggerRules.from_dict(
    {"name": "projected_phase3plus_25pct", "when": [{"indicator": "projected_p3plus_share", "op": ">=", "value": 0.25}]}
)


@pytest.fixture(scope="module")
def kenya_alerts() -> pd.DataFrame:
    return current_alerts(RULE, read_ipc(data_path("ken_ipc_county.csv.gz")))


def _fired_rows(html: str, country: str) -> list[str]:
    """The area names in the rows of the country's section that the page marks as fired."""
    section = html.split(f'id="alerts-{country}"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<tr class="alert-fired"><td>([^<]+?) <span', section)


def test_the_demo_lists_kenyas_fired_counties_to_everyone(client, db, kenya_alerts):
    """The published demo outlook: the page shows exactly the counties the library says fire."""
    want = sorted(kenya_alerts.loc[kenya_alerts["status"] == "fired", "area"])
    assert len(want) == 8
    page = client.get("/alerts/")  # anonymous
    assert page.status_code == 200
    assert sorted(_fired_rows(page.content.decode(), "KEN")) == want
    assert "8 of 23 rule-area pairs fire" in page.content.decode()


def _post_outlook(client, table: bytes, country: str = "COD", name: str = "alerts.csv"):  # type: ignore[no-untyped-def]
    return client.post("/outlooks/new/", {
        "title": f"{country} drought outlook", "country": country, "period": "2022-05 to 2022-09",
        "summary": "Projected food insecurity.", "alerts_table": SimpleUploadedFile(name, table),
    })  # fmt: skip


def test_a_drafts_alerts_are_seen_by_its_team_not_by_the_public(db, as_role, kenya_alerts):
    from humsec_web.reviews.models import Outlook

    # the team of COD writes an outlook; the table's rows say KE, so it is refused first
    team = as_role("country_team")
    table = alerts_for_csv(kenya_alerts)
    refused = _post_outlook(team, table.to_csv(index=False).encode())
    assert refused.status_code == 200
    assert "about KE, not the outlook&#x27;s country COD" in refused.content.decode()
    table["country"] = "COD"
    table["area"] = "Ituri " + table["area"]
    done = _post_outlook(team, table.to_csv(index=False).encode())
    assert done.status_code == 302, done.content[:3000]
    outlook = Outlook.objects.get(title="COD drought outlook")
    assert outlook.area_alerts.count() == 23 and outlook.area_alerts.filter(status="fired").count() == 8
    detail = team.get(f"/outlooks/{outlook.pk}/").content.decode()
    assert detail.count('class="alert-fired"') == 8 and detail.count('class="alert-not-fired"') == 15
    assert len(_fired_rows(team.get("/alerts/").content.decode(), "COD")) == 8
    public = as_role("public").get("/alerts/").content.decode()
    assert 'id="alerts-COD"' not in public and 'id="alerts-KEN"' in public
    api = as_role("country_team").get(f"/api/outlooks/{outlook.pk}/").json()
    assert len(api["area_alerts"]) == 23 and api["area_alerts"][0]["status"] == "fired"


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda t: t.assign(status=t["status"].where(t.index != 4, "red")),
         "column &#x27;status&#x27;: expected fired, not fired or no data; found &#x27;red&#x27; at row 5"),
        (lambda t: t.drop(columns="as_of"), "as_of"),
        (lambda t: t.iloc[:0], "a header and no rows"),
    ],
)  # fmt: skip
def test_a_damaged_alerts_table_is_an_error_on_its_field(db, as_role, kenya_alerts, damage, message):
    from humsec_web.reviews.models import Outlook

    table = damage(alerts_for_csv(kenya_alerts).assign(country="COD"))
    page = _post_outlook(as_role("country_team"), table.to_csv(index=False).encode())
    assert page.status_code == 200 and message in page.content.decode()
    assert not Outlook.objects.filter(title="COD drought outlook").exists()


def test_an_alerts_table_that_is_not_text_is_refused(db, as_role):
    page = _post_outlook(as_role("country_team"), b"MZ\x90\x00\x03", name="alerts.csv")
    assert page.status_code == 200 and "is not a text file" in page.content.decode()
