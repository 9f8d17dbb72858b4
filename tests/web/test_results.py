"""Results framework (issue 16, item 1): entry rules and bad input (nothing saved, clear errors),
progress against targets (hand-worked and property tests), the HSU's validation, role rules over
pages and API, the HXL-tagged CSV/Excel export, and the module doctests.

The AF import and the worked example are in test_results_af.py; IATI in test_results_iati.py.
"""

from __future__ import annotations

import doctest
import importlib
import io
import math

import pandas as pd
import pytest
from django.contrib.auth.models import User
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from humsec_web.core.demo import DEMO_PASSWORD
from humsec_web.results import entry
from humsec_web.results.models import Actual, Indicator, Target
from humsec_web.results.progress import OFF, ON, UNSURE, expected_at, track_status
from tests.web.results_world import results_world

pytestmark = pytest.mark.django_db


def _token(client, username: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    r = client.post("/api/token/", {"username": username, "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.content
    return {"HTTP_AUTHORIZATION": f"Token {r.json()['token']}"}


@pytest.mark.parametrize(
    "module",
    ["periods", "units", "progress", "af_source", "entry"],
)
def test_module_doctests(module):
    mod = importlib.import_module(f"humsec_web.results.{module}")
    failed, attempted = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert attempted > 0 and failed == 0


# -- progress: hand-worked numbers and properties ----------------------------------------------------


def test_expected_value_is_read_off_the_line_from_baseline_to_target():
    # baseline 0.40 in 2010, target 0.32 in 2018: 2014 is half-way (midpoints of the years) -> 0.36
    assert expected_at("2014", "annual", ("2010", 0.40), [("2018", 0.32)]) == pytest.approx(0.36)
    # quarters of leap 2024, days counted from 1 January = 0: Q1 is days 0-90 (midpoint 45), Q2
    # 91-181 (136), Q3 182-273 (227.5); baseline 100 in Q1, target 200 in Q3 -> Q2 expects
    # 100 + 100 * (136 - 45) / (227.5 - 45)
    assert expected_at("2024-Q2", "quarterly", ("2024-Q1", 100), [("2024-Q3", 200)]) == pytest.approx(100 + 100 * 91 / 182.5)
    # past the last target: the last target; before any: None
    assert expected_at("2030", "annual", ("2010", 0.4), [("2018", 0.32)]) == 0.32
    assert expected_at("2014", "annual", ("2010", 0.4), []) is None


@given(
    baseline=st.floats(0, 1000), target=st.floats(0, 1000), year=st.integers(2010, 2030),
)
@settings(max_examples=200, deadline=None)
def test_expected_value_lies_between_baseline_and_target(baseline, target, year):
    e = expected_at(str(year), "annual", ("2010", baseline), [("2030", target)])
    assert e is not None and min(baseline, target) - 1e-9 <= e <= max(baseline, target) + 1e-9


@given(
    direction=st.sampled_from(["increase", "decrease"]), expected=st.floats(-1e6, 1e6),
    value=st.floats(-1e6, 1e6), width=st.floats(0, 1e5), better=st.floats(0, 1e5),
)
@settings(max_examples=300, deadline=None)
def test_a_better_actual_is_never_judged_worse(direction, expected, value, width, better):
    """Moving the actual (and its interval) in the good direction never lowers the verdict."""
    rank = {OFF: 0, UNSURE: 1, ON: 2}
    sign = 1 if direction == "increase" else -1
    before = track_status(direction, expected, value, value - width, value + width)
    moved = value + sign * better
    after = track_status(direction, expected, moved, moved - width, moved + width)
    assert rank[after] >= rank[before]
    # without an interval there is no "cannot tell"
    assert track_status(direction, expected, value) in (ON, OFF)


@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=6), st.integers(-3, 3))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_disaggregation_warning_exactly_when_parts_do_not_add_up(world, values, shift):
    ind = results_world().indicator  # people: additive
    parts = [entry.Part("sex", f"c{i}", v) for i, v in enumerate(values)]
    total = sum(values) + shift
    if total < 0:
        return
    warnings = entry.check_parts(ind, total, parts)
    # rounding allowed: half a unit, or 0.1% of the total when that is larger
    assert bool(warnings) == (abs(shift) > max(0.5, 0.001 * total))


# -- bad input: a clear error and nothing saved -----------------------------------------------------


def _errors(form) -> str:  # type: ignore[no-untyped-def]
    """A form's messages as plain text (not HTML-escaped)."""
    return " ".join(str(m) for messages in form.errors.values() for m in messages)


def _counts(ind: Indicator) -> tuple[int, int]:
    return Actual.objects.filter(indicator=ind).count(), Target.objects.filter(indicator=ind).count()


BAD_ACTUALS = [
    ({"period": "2026", "value": "50", "unit": "percent"}, "unit", "is in 'percent' but the indicator is measured in 'people'"),
    ({"period": "2026-03", "value": "50", "unit": "people"}, "period", "is not a year written YYYY"),
    ({"period": "2019", "value": "50", "unit": "people"}, "period", "before the baseline (2023)"),
    ({"period": "2026", "value": "-5", "unit": "people"}, "value", "expected a value ≥ 0"),
    ({"period": "2025", "value": "5", "unit": "people"}, "period", "already an actual for 2025"),
    ({"period": "2026", "value": "50", "unit": "people", "ci_low": "60", "ci_high": "70"}, "ci_low", "does not hold the value 50"),
    ({"period": "2026", "value": "50", "unit": "people", "ci_low": "40"}, "ci_high", "Give both ends"),
    ({"period": "2026", "value": "50", "unit": "people", "parts": "area, north, 50"}, "parts", "not disaggregated by 'area'"),
    ({"period": "2026", "value": "50", "unit": "people", "parts": "sex, female, 20\nsex, female, 30"}, "parts", "given twice"),
    ({"period": "2026", "value": "50", "unit": "people", "parts": "sex; female; 20"}, "parts", "Line 1: expected 'dimension, category, value'"),
]


@pytest.mark.parametrize(("data", "field", "message"), BAD_ACTUALS, ids=[b[2][:30] for b in BAD_ACTUALS])
def test_bad_actual_on_the_page_is_refused_with_its_reason_and_the_input_kept(client, world, data, field, message):
    rw = results_world()
    before = _counts(rw.indicator)
    client.force_login(User.objects.get(username="focal_wvi"))
    r = client.post(f"/results/indicators/{rw.indicator.pk}/actuals/", data)
    assert r.status_code == 400
    assert message in r.context["form"].errors[field][0]
    assert _counts(rw.indicator) == before
    assert f'value="{data["value"]}"' in r.content.decode()  # what was typed is still in the form


@pytest.mark.parametrize(("data", "field", "message"), BAD_ACTUALS[:7], ids=[b[2][:30] for b in BAD_ACTUALS[:7]])
def test_bad_actual_over_the_api_is_refused_in_the_error_envelope(client, world, data, field, message):
    rw = results_world()
    before = _counts(rw.indicator)
    body = {k: v for k, v in data.items() if k != "parts"} | {"indicator": rw.indicator.pk}
    r = client.post("/api/results/actuals/", body, content_type="application/json", **_token(client, "focal_wvi"))
    assert r.status_code == 400, r.content
    error = r.json()["error"]
    assert error["code"] == "invalid" and message in error["fields"][field][0]
    assert _counts(rw.indicator) == before


def test_bad_targets_and_results_are_refused(client, world):
    rw = results_world()
    client.force_login(User.objects.get(username="focal_wvi"))
    before = _counts(rw.indicator)
    for data, message in [
        ({"period": "2022", "value": "10", "unit": "people"}, "before the baseline"),
        ({"period": "2025", "value": "10", "unit": "people"}, "already a target for 2025"),
        ({"period": "2026", "value": "0.5", "unit": "proportion"}, "measured in 'people'"),
        ({"period": "2026", "value": "inf", "unit": "people"}, ""),
    ]:
        r = client.post(f"/results/indicators/{rw.indicator.pk}/targets/", data)
        assert r.status_code == 400 and message in _errors(r.context["form"]), (data, r.context["form"].errors)
    assert _counts(rw.indicator) == before
    # an output straight under the goal; a second goal under the goal
    r = client.post(f"/results/{rw.open_lf.pk}/results/", {"level": "output", "parent": rw.goal.pk, "title": "x", "order": 0})
    assert r.status_code == 400 and "An output sits under a outcome; got a goal." in _errors(r.context["form"])
    r = client.post(f"/results/{rw.open_lf.pk}/results/", {"level": "goal", "parent": rw.goal.pk, "title": "x", "order": 0})
    assert "has no parent" in _errors(r.context["form"])
    assert rw.open_lf.results.count() == 2


def test_bad_indicator_baselines_are_refused(client, world):
    rw = results_world()
    client.force_login(User.objects.get(username="focal_wvi"))
    base = {"result": rw.outcome.pk, "name": "Share", "unit": "proportion", "direction": "decrease",
            "frequency": "annual", "baseline_period": "2020", "baseline_value": "0.4",
            "means_of_verification": "survey", "reporting_organisation": rw.open_lf.organisation_id}  # fmt: skip
    for change, message in [
        ({"baseline_value": "40"}, "a share of 40% is written 0.4"),
        ({"baseline_period": "2020-Q1"}, "is not a year written YYYY"),
        ({"baseline_ci_low": "0.5", "baseline_ci_high": "0.6"}, "does not hold the value 0.4"),
        ({"disaggregations": "sex,religion"}, "Unknown dimension 'religion'"),
    ]:
        r = client.post(f"/results/{rw.open_lf.pk}/indicators/new/", base | change)
        assert r.status_code == 200 and message in _errors(r.context["form"]), (change, r.context["form"].errors)
    assert not Indicator.objects.filter(name="Share").exists()
    r = client.post(f"/results/{rw.open_lf.pk}/indicators/new/", base)
    assert r.status_code == 302 and Indicator.objects.filter(name="Share").exists()


def test_disaggregation_that_does_not_add_up_is_kept_and_reported(client, world):
    rw = results_world()
    client.force_login(User.objects.get(username="focal_wvi"))
    r = client.post(f"/results/indicators/{rw.indicator.pk}/actuals/",
                    {"period": "2026", "value": "900", "unit": "people", "parts": "sex, female, 500\nsex, male, 350\nage, 0-17, 900"},
                    follow=True)  # fmt: skip
    actual = Actual.objects.get(indicator=rw.indicator, period="2026")
    assert actual.warnings == "The sex disaggregation adds up to 850, not the total 900 (difference -50)."
    assert actual.parts.count() == 3 and actual.status == "reported"
    assert "Kept, but check: The sex disaggregation adds up to 850" in r.content.decode()
    # shares are not added: a percent indicator's parts are not compared with the total
    assert entry.check_parts(rw.pipeline_indicator, 50, []) == []


# -- validation and role rules ---------------------------------------------------------------------


def test_hsu_validates_then_the_public_sees_the_actual(client, world):
    rw = results_world()
    url = f"/results/indicators/{rw.indicator.pk}/"

    def shown(response) -> list[float | None]:  # type: ignore[no-untyped-def]
        return [r.actual for r in response.context["rows"]]

    assert 700 not in shown(client.get(url))  # reported, not validated: not public
    csv = client.get(f"/results/{rw.open_lf.pk}/export.csv").content.decode()
    assert ",700" not in csv and ",400" in csv
    client.force_login(User.objects.get(username="focal_wvi"))
    assert 700 in shown(client.get(url))  # the reporting organisation sees its own
    assert client.post(f"/results/actuals/{rw.reported.pk}/review/", {"decision": "validate"}).status_code == 403
    client.force_login(User.objects.get(username="hsu"))
    r = client.post(f"/results/actuals/{rw.reported.pk}/review/", {"decision": "return", "note": ""}, follow=True)
    assert "Say why the actual is returned." in r.content.decode()
    r = client.post(f"/results/actuals/{rw.reported.pk}/review/", {"decision": "validate"}, follow=True)
    assert "validated: it is now public" in r.content.decode()
    rw.reported.refresh_from_db()
    assert rw.reported.status == "validated" and rw.reported.validated_by.username == "hsu"
    client.logout()
    assert 700 in shown(client.get(url))


def test_returned_actual_is_corrected_by_its_organisation_and_reported_again(client, world):
    rw = results_world()
    entry.review_actual(rw.reported, User.objects.get(username="hsu"), approve=False, note="Female count is off.")
    client.force_login(User.objects.get(username="focal_wvi"))
    url = f"/results/actuals/{rw.reported.pk}/correct/"
    assert "sex, female, 380" in client.get(url).content.decode()  # the parts as reported
    bad = client.post(url, {"value": "-1", "parts": ""})
    assert bad.status_code == 400 and "≥ 0" in _errors(bad.context["form"])
    ok = client.post(url, {"value": "710", "parts": "sex, female, 390\nsex, male, 320"})
    assert ok.status_code == 302
    rw.reported.refresh_from_db()
    assert (rw.reported.value, rw.reported.status, rw.reported.warnings) == (710, "reported", "")


def test_organisations_report_only_their_own_logframes_over_the_api(client, world):
    rw = results_world()
    body = {"indicator": rw.indicator.pk, "period": "2027", "value": 10, "unit": "people"}
    oim = User.objects.get(username="focal_oim")
    r = client.post("/api/results/actuals/", body, content_type="application/json", **_token(client, oim.username))
    assert r.status_code == 403 and r.json()["error"]["code"] == "permission_denied"
    r = client.post("/api/results/actuals/", body | {"parts": [{"dimension": "sex", "category": "female", "value": 4}]},
                    content_type="application/json", **_token(client, "focal_wvi"))  # fmt: skip
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "reported" and "adds up to 4, not the total 10" in r.json()["warnings"]
    pk = r.json()["id"]
    assert client.post(f"/api/results/actuals/{pk}/review/", {"decision": "validate"}, content_type="application/json",
                       **_token(client, "focal_wvi")).status_code == 403  # fmt: skip
    hsu = _token(client, "hsu")
    r = client.post(f"/api/results/actuals/{pk}/review/", {"decision": "validate"}, content_type="application/json", **hsu)
    assert r.status_code == 200 and r.json()["status"] == "validated"
    again = client.post(f"/api/results/actuals/{pk}/review/", {"decision": "validate"}, content_type="application/json", **hsu)
    assert again.status_code == 403  # only a reported actual can be reviewed
    # a focal point creates a logframe for their own organisation only
    r = client.post("/api/results/logframes/", {"title": "T", "country": "COD", "organisation": oim.profile.organisation_id},
                    content_type="application/json", **_token(client, "focal_wvi"))  # fmt: skip
    assert r.status_code == 201 and r.json()["organisation"] == rw.open_lf.organisation_id


def test_indicator_api_gives_progress_with_the_verdict(client, world):
    rw = results_world()
    public = client.get(f"/api/results/indicators/{rw.indicator.pk}/").json()
    assert [(p["period"], p["target"], p["actual"]) for p in public["progress"]] == [
        ("2023", None, 0.0), ("2024", None, 400.0), ("2025", 1000.0, None)]
    # 2024 is half-way from the 2023 baseline (0) to the 2025 target (1000): 400 < 500, off track
    assert public["progress"][1]["expected"] == pytest.approx(500.0, abs=1.0) and public["track"] == "off track"
    portfolio = client.get("/api/results/portfolio/").json()
    mine = next(p for p in portfolio if p["indicator"] == rw.indicator.pk)
    assert (mine["latest_actual"], mine["target"], mine["track"]) == (400.0, 1000.0, "off track")


# -- exports -----------------------------------------------------------------------------------------


def test_csv_and_excel_exports_carry_hxl_tags_and_the_numbers(client, world):
    rw = results_world()
    client.force_login(User.objects.get(username="hsu"))
    csv = pd.read_csv(io.BytesIO(client.get(f"/results/{rw.open_lf.pk}/export.csv").content), dtype=str, keep_default_na=False)
    assert csv.iloc[0]["indicator"] == "#indicator+name" and csv.iloc[0]["actual"] == "#indicator+actual+num"
    body = csv.iloc[1:]
    period = body[(body.row_type == "period") & (body.period == "2025")].iloc[0]
    assert (float(period.target), float(period.actual), period.actual_status) == (1000.0, 700.0, "reported")
    parts = body[body.row_type == "disaggregation"]
    assert sorted(zip(parts.category, parts.actual.astype(float), strict=True)) == [("female", 380.0), ("male", 320.0)]
    xlsx = pd.read_excel(io.BytesIO(client.get(f"/results/{rw.open_lf.pk}/export.xlsx").content), dtype=str)
    assert list(xlsx.columns) == list(csv.columns) and xlsx.iloc[0]["track"] == "#status+track"
    assert len(xlsx) == len(csv)


def test_spreadsheet_cells_of_user_text_are_neutralised(client, world):
    rw = results_world()
    rw.outcome.title = '=HYPERLINK("http://x","y")'
    rw.outcome.save()
    csv = client.get(f"/results/{rw.open_lf.pk}/export.csv").content.decode()
    assert "'=HYPERLINK" in csv and ',=HYPERLINK' not in csv


def test_chart_is_drawn_on_the_server_with_the_interval(client, world):
    rw = results_world()
    client.force_login(User.objects.get(username="hsu"))
    html = client.get(f"/results/indicators/{rw.indicator.pk}/").content.decode()
    assert "<svg" in html and "<script" not in html.split("<main", 1)[1]
    assert math.isclose(len(rw.indicator.targets.all()), 1)
