"""Trigger back-test by hand; rule-file errors; `humsec warn triggers` on Kenya."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from humsec.cli.main import app
from humsec.exceptions import SpecError
from humsec.hazard.triggers import TriggerRules, backtest_triggers, trigger_counts
from tests.hazard.conftest import KEN_LONG, RAIN_CHIRPS, shared
from tests.hazard.test_benchmarks_by_hand import small  # noqa: F401  (fixture)

RULES = {"name": "drought", "when": [
    {"indicator": "projected_p3plus_share", "op": ">=", "value": 0.25},
    {"indicator": "rain", "op": "<=", "value": -20},
]}  # fmt: skip


def test_backtest_by_hand(small):  # noqa: F811
    rain = pd.DataFrame({"area_id": ["A", "B"], "end": pd.to_datetime(["2021-05-31"] * 2),
                         "signal": "rain", "value": [-30.0, -10.0]})  # fmt: skip
    b = backtest_triggers(TriggerRules.from_dict(RULES), small, rain)
    got = {(r.area_id, str(r.origin)): r.outcome for r in b.itertuples()}
    assert got == {("A", "2021-01"): "no_data", ("B", "2021-01"): "no_data",
                   ("A", "2021-07"): "hit", ("B", "2021-07"): "correct_negative",
                   ("A", "2021-08"): "pending", ("B", "2021-08"): "pending"}  # fmt: skip
    hit = b[(b["area_id"] == "A") & (b["outcome"] == "hit")].iloc[0]
    # the rain of Mar-May was usable from June: 1 month before the July analysis
    assert hit["lead_months"] == 1
    assert bool(b[(b["area_id"] == "A") & (b["outcome"] == "pending")]["fired"].iloc[0])
    c = trigger_counts(b)
    assert (c["hit"], c["miss"], c["false_alarm"], c["correct_negative"]) == (1, 0, 0, 1)
    assert (c["hit_rate"], c["false_alarm_ratio"], c["lead_time_months"]) == (1.0, 0.0, 1.0)


def test_unknown_indicator_lists_the_known_ones(small):  # noqa: F811
    rules = TriggerRules.from_dict(
        {"name": "x", "when": [{"indicator": "ndvi", "op": "<", "value": 0}]}
    )
    with pytest.raises(
        SpecError, match=r"unknown indicator 'ndvi'; expected one of \['current_p3plus_share'"
    ):
        backtest_triggers(rules, small)


def test_rule_file_problems_all_listed(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(
        "name: ''\nwhen:\n  - {indicator: projected_phase, op: '>', value: [3]}\n  - 5\n"
    )
    with pytest.raises(SpecError) as info:
        TriggerRules.from_yaml(path)
    text = str(info.value)
    assert "3 problem(s) in the specification in" in text
    assert "when[0].value: expected a number; got [3]" in text and "when[1]: expected" in text


def test_cli_kenya_with_2022_rainfall(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "name: drought\nwhen:\n  - {indicator: projected_p3plus_share, op: '>=', value: 0.25}\n"
        "  - {indicator: rainfall_anomaly_mm, op: '<=', value: -20}\n"
    )
    out = tmp_path / "t.csv"
    res = CliRunner().invoke(app, ["warn", "triggers", str(rules), str(shared(KEN_LONG)),
                                   str(shared(RAIN_CHIRPS)), "--year", "2022", "--as-of", "2023-01",
                                   "--out", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    t = pd.read_csv(out)
    pending = t[t["outcome"] == "pending"]
    assert len(pending) == 23  # every ASAL county, evaluated on Jan 2023's information
    fired = set(pending.loc[pending["fired"].astype(bool), "area_id"])
    assert {"KE007", "KE011"} <= fired  # Garissa, Isiolo: projected >= 25 % and MAM 2022 dry
    # no rainfall before 2022 in the file: the past analyses cannot be back-tested (no_data)
    assert set(t.loc[t["outcome"] != "pending", "outcome"]) == {"no_data"}
    assert len(fired) == 7  # quoted in docs/hazard.md


def test_projection_only_trigger_on_kenya_counts_quoted_in_docs():
    from humsec.hazard import read_ipc

    rules = TriggerRules.from_dict(
        {"name": "p", "when": [{"indicator": "projected_p3plus_share", "op": ">=", "value": 0.25}]}
    )
    c = trigger_counts(backtest_triggers(rules, read_ipc(shared(KEN_LONG)).frame))
    assert (c["hit"], c["miss"], c["false_alarm"], c["correct_negative"]) == (6, 10, 13, 40)
    assert c["hit_rate"] == pytest.approx(0.375) and c["lead_time_months"] == 7.0
    assert c["false_alarm_ratio"] == pytest.approx(13 / 19)
