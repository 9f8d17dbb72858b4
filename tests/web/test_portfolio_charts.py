"""The portfolio's chart (Vega-Lite drawn to SVG on the server) and map outlines."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser, User

from humsec_web import permissions
from humsec_web.activities.models import Activity
from humsec_web.core.countries import country_name
from humsec_web.proposals.charts import funding_rows, funding_spec
from humsec_web.proposals.models import Proposal

pytestmark = pytest.mark.django_db
OUTLINES = Path(__file__).resolve().parents[2] / "src/humsec_web/static/humsec_web/countries.geojson"


@pytest.mark.parametrize("username", [None, "hsu"])
def test_chart_numbers_are_the_portfolio_budgets(username):
    user = User.objects.get(username=username) if username else AnonymousUser()
    rows = funding_rows(permissions.portfolio_projects(user))
    # by hand, over the proposals the role sees (approved only for the public)
    expected: dict[tuple[str, str], float] = defaultdict(float)
    for p in Proposal.objects.all():
        if username or p.status == "approved":
            expected[(country_name(p.country), p.get_status_display())] += float(p.budget_usd)
    assert {(c, s): b for c, s, b in rows} == pytest.approx(dict(expected))
    # the chart is drawn from exactly these rows
    spec = funding_spec(rows).to_dict()
    data = next(iter(spec["datasets"].values()))
    assert sorted((d["country"], d["status"], d["budget"]) for d in data) == sorted(rows)


def test_the_page_shows_the_chart_as_inline_svg(client):
    page = client.get("/portfolio/").content.decode()
    assert '<figure class="chart"' in page and "<svg" in page
    for p in Proposal.objects.filter(status="approved"):
        assert country_name(p.country) in page


def test_every_country_of_the_demo_projects_is_on_the_map(client):
    shapes = json.loads(OUTLINES.read_text(encoding="utf-8"))
    codes = {f["properties"]["iso_a3"] for f in shapes["features"]}
    used = set(Proposal.objects.values_list("country", flat=True)) | set(
        Activity.objects.values_list("country", flat=True)
    )
    assert "COD" in used and used <= codes, sorted(used - codes)
    assert len(codes) > 200  # the world, not a handful of countries
    served = client.get("/static/humsec_web/countries.geojson")
    assert served.status_code == 200
