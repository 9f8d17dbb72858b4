"""An indicator's actual taken from a stored ``humsec af`` table, with its CI, checked against the
independent R ``survey`` reference (tests/golden/af_syn_cdta/reference_levels.csv, made by
make_reference.R beside it); the worked example of docs/results.md; bad AF tables refused."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from humsec_web.results import af_source
from humsec_web.results.models import Actual, Indicator, Result
from tests.web.results_world import results_world

pytestmark = pytest.mark.django_db
GOLDEN = Path(__file__).parents[1] / "golden" / "af_syn_cdta" / "reference_levels.csv"


@pytest.fixture(scope="module")
def af_csv(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    """The shipped survey (both rounds) through humsec's AF engine, written as `humsec af --out`."""
    from humsec_web.results.worked_example import af_table

    return af_table(tmp_path_factory.mktemp("af"))


def _r(region: str, round_: str) -> pd.Series:
    ref = pd.read_csv(GOLDEN, dtype={"group": str, "time": str, "k": str})
    row = ref[(ref.measure == "H") & (ref.k == "33") & (ref.over == "region") & (ref.group == region) & (ref.time == round_)]
    assert len(row) == 1
    return row.iloc[0]


@pytest.mark.parametrize(("region", "round_"), [("1", "1"), ("1", "2"), ("17", "2")])
def test_af_value_equals_the_r_survey_reference(af_csv, region, round_):
    value = af_source.read_af_value(af_csv.read_bytes(), af_csv.name, af_source.AFPick("H", 33, "region", region, round_))
    r = _r(region, round_)
    assert value.estimate == pytest.approx(r.estimate, abs=1e-8)
    assert (value.ci_low, value.ci_high) == (pytest.approx(r.ci_low, rel=1e-6), pytest.approx(r.ci_high, rel=1e-6))
    assert value.n == r.n
    # R's reference table has the same columns, so the platform reads it the same way
    from_r = af_source.read_af_value(GOLDEN.read_bytes(), GOLDEN.name, af_source.AFPick("H", 33, "region", region, round_))
    assert from_r.estimate == pytest.approx(value.estimate, abs=1e-8)


def _af_indicator(unit: str = "proportion") -> Indicator:
    rw = results_world()
    return Indicator.objects.create(
        result=rw.outcome, name=f"AF headcount ({unit})", unit=unit, direction="decrease", frequency="annual",
        baseline_period="2010", baseline_value=0.5 if unit == "proportion" else 50, means_of_verification="survey",
        reporting_organisation=rw.open_lf.organisation,
    )  # fmt: skip


def _upload(path_or_bytes, name: str = "af_results.csv") -> SimpleUploadedFile:  # type: ignore[no-untyped-def]
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else Path(path_or_bytes).read_bytes()
    return SimpleUploadedFile(name, data, content_type="text/csv")


FORM = {"measure": "H", "k": "33", "over": "region", "group": "1", "level": "0.95"}


def test_actual_and_baseline_from_an_uploaded_af_table(client, world, af_csv):
    ind = _af_indicator()
    client.force_login(User.objects.get(username="focal_wvi"))
    url = f"/results/indicators/{ind.pk}/from-af/"
    r = client.post(url, FORM | {"use_as": "baseline", "time": "1", "table": _upload(af_csv)})
    assert r.status_code == 302, r.context["form"].errors if r.context else r
    r = client.post(url, FORM | {"use_as": "actual", "time": "2", "period": "2018", "table": _upload(af_csv)})
    assert r.status_code == 302
    ind.refresh_from_db()
    base, now = _r("1", "1"), _r("1", "2")
    assert ind.baseline_value == pytest.approx(base.estimate, abs=1e-8)
    assert ind.baseline_ci_low == pytest.approx(base.ci_low, rel=1e-6)
    actual = Actual.objects.get(indicator=ind, period="2018")
    assert actual.value == pytest.approx(now.estimate, abs=1e-8)
    assert (actual.ci_low, actual.ci_high, actual.ci_level) == (pytest.approx(now.ci_low, rel=1e-6), pytest.approx(now.ci_high, rel=1e-6), 0.95)
    assert actual.source == "humsec_af" and actual.source_detail == "humsec af table af_results.csv: H, k=33, region=1, round 2"
    assert actual.status == "reported"


def test_af_table_into_a_percent_indicator_is_scaled_and_said(client, world, af_csv):
    ind = _af_indicator("percent")
    client.force_login(User.objects.get(username="focal_wvi"))
    client.post(f"/results/indicators/{ind.pk}/from-af/", FORM | {"use_as": "actual", "time": "2", "period": "2018", "table": _upload(af_csv)})
    assert Actual.objects.get(indicator=ind).value == pytest.approx(100 * _r("1", "2").estimate, abs=1e-6)


def _variants(af_csv: Path) -> dict[str, bytes]:
    """The same table as other tools might leave it: columns reordered, a BOM, CRLF, extra columns."""
    frame = pd.read_csv(af_csv, dtype=str, keep_default_na=False)
    reordered = frame[list(reversed(frame.columns))].assign(note="x")
    return {
        "reordered + extra column": reordered.to_csv(index=False).encode(),
        "BOM + CRLF (Excel's 'CSV UTF-8')": b"\xef\xbb\xbf" + frame.to_csv(index=False, lineterminator="\r\n").encode(),
    }


def test_af_tables_saved_by_other_tools_read_the_same(af_csv):
    pick = af_source.AFPick("H", 33, "region", "1", "2")
    want = af_source.read_af_value(af_csv.read_bytes(), "a.csv", pick)
    for label, data in _variants(af_csv).items():
        got = af_source.read_af_value(data, "a.csv", pick)
        assert (got.estimate, got.ci_low, got.ci_high) == (want.estimate, want.ci_low, want.ci_high), label


BAD_TABLES = [
    (b"", {}, "The submitted file is empty."),  # Django's own check, before the reader
    (b"a,b\n1,2\n", {}, "is not a humsec af result table: no column measure, k, indicator"),
    ("latin1", {}, "is not a readable UTF-8 CSV"),
    (None, {"group": "99"}, "has no level row for H, k=33, region=99, round 2. It has over: national, region"),
    (None, {"time": "3"}, "rounds: 1, 2"),
    (None, {"k": "40"}, "k: 20, 33"),
    ("nan", {}, "line 2, column estimate: 'NaN' is not a ratio in [0, 1]"),
]


@pytest.mark.parametrize(("data", "change", "message"), BAD_TABLES, ids=[b[2][:25] for b in BAD_TABLES])
def test_bad_af_tables_are_refused_naming_what_is_wrong(client, world, af_csv, data, change, message):
    ind = _af_indicator()
    if data is None:
        data = af_csv.read_bytes()
    elif data == "latin1":
        data = "measure,k,indicator,over,group,time,estimate,se,ci_low,ci_high,n\nH,33,,région,1,2,0.2,0.01,0.1,0.3,5\n".encode("latin-1")
    elif data == "nan":
        data = b"measure,k,indicator,over,group,time,estimate,se,ci_low,ci_high,n\nH,33,,region,1,2,NaN,0.01,0.1,0.3,5\n"
    client.force_login(User.objects.get(username="focal_wvi"))
    r = client.post(f"/results/indicators/{ind.pk}/from-af/",
                    FORM | {"use_as": "actual", "time": "2", "period": "2018", "table": _upload(data, "mine.csv")} | change)  # fmt: skip
    assert r.status_code == 400
    text = " ".join(r.context["form"].errors["table"])
    assert message in text and (data == b"" or "mine.csv" in text), text
    assert not Actual.objects.filter(indicator=ind).exists()


def test_af_value_cannot_enter_a_count_indicator(client, world, af_csv):
    rw = results_world()
    client.force_login(User.objects.get(username="focal_wvi"))
    r = client.post(f"/results/indicators/{rw.indicator.pk}/from-af/",
                    FORM | {"use_as": "actual", "time": "2", "period": "2026", "table": _upload(af_csv)})  # fmt: skip
    assert r.status_code == 400 and "the indicator is measured in 'people'" in " ".join(r.context["form"].errors["table"])


def test_worked_example_of_the_docs(world, tmp_path):
    """docs/results.md: region 1's H (k = 33) from both rounds, with the CI, next to the 2018 target."""
    from humsec_web.results.progress import progress_rows
    from humsec_web.results.worked_example import TARGET, build

    example = build(User.objects.get(username="admin"), tmp_path)
    rows = progress_rows(example.indicator, [example.actual])
    base, now = _r("1", "1"), _r("1", "2")
    assert [r.period for r in rows] == ["2010", "2018"]
    assert rows[0].actual == pytest.approx(base.estimate, abs=1e-8) and rows[0].ci_high == pytest.approx(base.ci_high, rel=1e-6)
    assert rows[1].actual == pytest.approx(now.estimate, abs=1e-8) and rows[1].target == TARGET
    # the whole 95% interval [0.2424, 0.3249] does not lie below the target 0.30: cannot tell yet
    assert now.ci_low < TARGET < now.ci_high and rows[1].status == "cannot tell"
    assert example.actual.status == "validated"
    assert Result.objects.filter(logframe=example.logframe).count() == 2
