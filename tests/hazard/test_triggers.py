"""Trigger back-test by hand; rule-file errors; `humsec warn triggers` on Kenya."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from humsec.cli.main import app
from humsec.core.errors import SpecError
from humsec.hazard.triggers import TriggerRules, backtest_triggers, trigger_counts
from tests.hazard.conftest import KEN_LONG, RAIN_CHIRPS, SHARED, shared
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


def test_several_rules_per_file_are_each_backtested(small):  # noqa: F811
    from humsec.hazard.triggers import TriggerSet, trigger_summary

    rain = pd.DataFrame({"area_id": ["A", "B"], "end": pd.to_datetime(["2021-05-31"] * 2),
                         "signal": "rain", "value": [-30.0, -10.0]})  # fmt: skip
    only = {"name": "projection", "when": RULES["when"][:1]}
    spec = TriggerSet.from_dict({"rules": [only, RULES]})
    b = backtest_triggers(spec, small, rain)
    s = trigger_summary(b).set_index("rule")
    assert list(s.index) == ["projection", "drought"]
    # projection alone (July 2021 targets): A 0.30 >= 0.25 and in crisis (hit), B 0.25 calm (false
    # alarm); with the rain, B's -10 mm keeps it quiet; January has no earlier projection (no data)
    assert (s.loc["projection", "hit"], s.loc["projection", "false_alarm"]) == (1, 1)
    assert (s.loc["drought", "hit"], s.loc["drought", "correct_negative"]) == (1, 1)
    assert s.loc["projection", "false_alarm_ratio"] == 0.5
    # the single-rule result is the same rows as that rule's block of the set
    one = backtest_triggers(TriggerRules.from_dict(RULES), small, rain)
    block = b[b["rule"] == "drought"].reset_index(drop=True)[one.columns]
    pd.testing.assert_frame_equal(one, block, check_dtype=False)


def test_rule_names_must_differ_and_every_rule_error_is_listed():
    from humsec.hazard.triggers import TriggerSet

    with pytest.raises(SpecError) as info:
        TriggerSet.from_dict({"rules": [RULES, RULES, {"name": "x", "when": [{"op": "<"}]}]})
    text = str(info.value)
    assert "rules[1].name: 'drought' repeats rules[0]" in text
    assert "rules[2].when[0].indicator: missing" in text
    assert "rules[2].when[0].value: expected a number" in text


def test_cli_html_report_on_kenya_with_the_county_map(tmp_path):
    boundaries = shared(SHARED / "boundaries" / "osm_admin1_KEN_counties.geojson")
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "rules:\n  - name: projection_only\n    when:\n"
        "      - {indicator: projected_p3plus_share, op: '>=', value: 0.25}\n"
        "  - name: drought\n    when:\n"
        "      - {indicator: projected_p3plus_share, op: '>=', value: 0.25}\n"
        "      - {indicator: rainfall_anomaly_mm, op: '<=', value: -20}\n"
    )
    out, page = tmp_path / "t.csv", tmp_path / "r.html"
    res = CliRunner().invoke(app, ["warn", "triggers", str(rules), str(shared(KEN_LONG)),
                                   str(shared(RAIN_CHIRPS)), "--year", "2022", "--as-of", "2023-01",
                                   "--out", str(out), "--html", str(page),
                                   "--boundaries", str(boundaries)])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "hit 6, miss 10, false_alarm 13, correct_negative 40" in res.output  # projection_only
    text = page.read_text(encoding="utf-8")
    assert text.count("<svg") == 4  # per rule: the status map and the timeline
    assert "Current status (2023-01): fired in 7 of 23 areas" in text  # the docs' 7 counties
    assert "Current status (2023-01): fired in 8 of 23 areas" in text
    assert "Not on the map" not in text  # every ASAL P-code has a county polygon
    t = pd.read_csv(out)
    assert set(t["rule"]) == {"projection_only", "drought"}


def test_cli_boundaries_without_the_key_is_a_clear_error(tmp_path):
    geo = tmp_path / "b.geojson"
    geo.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", '
                   '"properties": {"name": "A"}, "geometry": null}]}')  # fmt: skip
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "name: p\nwhen:\n  - {indicator: projected_p3plus_share, op: '>=', value: 0.25}\n"
    )
    res = CliRunner().invoke(app, ["warn", "triggers", str(rules), str(shared(KEN_LONG)),
                                   "--out", str(tmp_path / "t.csv"), "--html", str(tmp_path / "r.html"),
                                   "--boundaries", str(geo)])  # fmt: skip
    assert res.exit_code == 2
    assert "have no property 'adm1_pcode' (pass --boundary-key; they have ['name'])" in res.output
    assert not (tmp_path / "t.csv").exists()


def test_current_alerts_on_kenya_match_the_report_and_say_since_when():
    from humsec.hazard import ALERT_COLUMNS, current_alerts, read_ipc, read_rainfall
    from humsec.hazard.triggers import TriggerSet

    spec = TriggerSet.from_dict({"rules": [
        {"name": "projection_only", "when": RULES["when"][:1]},
        {"name": "drought", "when": [RULES["when"][0],
                                     {"indicator": "rainfall_anomaly_mm", "op": "<=", "value": -20}]},
    ]})  # fmt: skip
    ipc = read_ipc(shared(KEN_LONG))
    rain = read_rainfall(shared(RAIN_CHIRPS), year=2022).frame
    a = current_alerts(spec, ipc, rain, as_of="2023-01")
    assert list(a.columns) == ALERT_COLUMNS and len(a) == 46  # 23 counties x 2 rules
    fired = a[a["status"] == "fired"]
    # the same counts as the trigger report (test above) and docs/hazard.md
    assert fired.groupby("rule").size().to_dict() == {"drought": 7, "projection_only": 8}
    assert list(a["status"].iloc[:15]) == ["fired"] * 15  # fired rows come first
    assert a["as_of"].eq("2023-01").all()
    # since: the first origin of the unbroken run of firing evaluations, recomputed from the
    # back-test by hand for every fired projection-only county
    b = backtest_triggers(spec.rules[0], ipc.frame, as_of=pd.Period("2023-01", "M"))
    for _, alert in fired[fired["rule"] == "projection_only"].iterrows():
        history = b[b["area_id"] == alert["area_id"]].sort_values("origin")
        flags = history["fired"].fillna(False).astype(bool).tolist()
        origins = [str(o) for o in history["origin"]]
        k = len(flags) - 1
        while k > 0 and flags[k - 1]:
            k -= 1
        assert alert["since"] == origins[k]
    drought = fired[fired["rule"] == "drought"].iloc[0]["values"]
    assert set(drought) == {"projected_p3plus_share", "rainfall_anomaly_mm"}
    assert drought["projected_p3plus_share"] >= 0.25 and drought["rainfall_anomaly_mm"] <= -20
    assert a.loc[a["status"] != "fired", "since"].isna().all()


def test_cli_writes_the_current_alerts(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "name: p\nwhen:\n  - {indicator: projected_p3plus_share, op: '>=', value: 0.25}\n"
    )
    out, alerts = tmp_path / "t.csv", tmp_path / "alerts.csv"
    res = CliRunner().invoke(app, ["warn", "triggers", str(rules), str(shared(KEN_LONG)),
                                   "--as-of", "2023-01", "--out", str(out),
                                   "--alerts", str(alerts)])  # fmt: skip
    assert res.exit_code == 0, res.output
    a = pd.read_csv(alerts)
    assert (a["status"] == "fired").sum() == 8
    assert a["values"].str.startswith("projected_p3plus_share=").all()
