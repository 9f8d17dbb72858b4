"""The hazard engines and results follow the shared conventions (``humsec.testing``), and every
hazard command writes all its outputs or none."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from humsec.cli.main import app
from humsec.hazard import IPCBacktest, OnsetBacktest
from humsec.testing import check_engine, check_result
from tests.hazard.conftest import KEN_LONG, shared
from tests.hazard.test_benchmarks_by_hand import _row


def _small_ipc() -> pd.DataFrame:
    rows = []
    for area, shares in {"A": (10, 30, 20), "B": (10, 10, 25), "C": (40, 35, 30)}.items():
        for i, (month, p3) in enumerate(
            zip(("2020-01", "2020-07", "2021-01"), shares, strict=True)
        ):
            rows.append(_row(area, "current", month, month, month, 100 - p3 - 10, 10, p3))
            if i < 2:
                start = pd.Period(month, "M") + 2
                rows.append(
                    _row(area, "first_projection", month, str(start), str(start + 3), 60, 20, 20)
                )
    return pd.DataFrame(rows)


def _outbreaks() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_id": ["k::a", "k::a", "k::b", "k::c"],
            "start": pd.to_datetime(["2016-05-09", "2017-05-01", "2017-06-01", "2017-09-01"]),
        }
    )


def test_ipc_backtest_follows_the_engine_and_result_conventions():
    table = _small_ipc()
    engine = IPCBacktest(test_from="2021-01", models=("persistence", "ipc_projection"))
    check_engine(engine, fit=lambda e: e.fit(table))
    check_result(engine.fit(table))


def test_onset_backtest_follows_the_engine_and_result_conventions():
    ob = _outbreaks()
    engine = OnsetBacktest(test_from="2017-07", first="2016-01", last="2017-12", universe="list")
    check_engine(engine, fit=lambda e: e.fit(ob))
    check_result(engine.fit(ob))


def test_ipc_outputs_are_all_written_or_none(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    out = tmp_path / "scores.csv"
    res = CliRunner().invoke(app, ["warn", "ipc", str(shared(KEN_LONG)), "--test-from", "2022-01",
                                   "--models", "persistence,ipc_projection", "--out", str(out),
                                   "--forecasts", str(blocker / "f.csv")])  # fmt: skip
    assert res.exit_code == 2, res.output
    assert "Cannot write" in res.output and "f.csv" in res.output
    assert "Traceback" not in res.output and not out.exists()


def test_trigger_outputs_are_all_written_or_none(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "name: p\nwhen: [{indicator: projected_p3plus_share, op: '>=', value: 0.25}]\n",
        encoding="utf-8",
    )
    blocker = tmp_path / "blocker"
    blocker.write_text("x", encoding="utf-8")
    out = tmp_path / "t.csv"
    res = CliRunner().invoke(app, ["warn", "triggers", str(rules), str(shared(KEN_LONG)),
                                   "--out", str(out), "--alerts", str(blocker / "a.csv")])  # fmt: skip
    assert res.exit_code == 2, res.output
    assert "Cannot write" in res.output and not out.exists()


def test_outbreak_outputs_are_all_written_or_none(tmp_path):
    src = tmp_path / "ob.csv"
    src.write_text(
        "area,start,end\nk::a,2016-05-09,2016-06-01\nk::a,2017-05-01,2017-06-01\n"
        "k::b,2017-06-01,2017-07-01\nk::c,2017-09-01,2017-10-01\n",
        encoding="utf-8",
    )
    blocker = tmp_path / "blocker"
    blocker.write_text("x", encoding="utf-8")
    out = tmp_path / "s.csv"
    res = CliRunner().invoke(app, ["warn", "outbreaks", str(src), "--test-from", "2017-07",
                                   "--first", "2016-01", "--last", "2017-12", "--universe", "list",
                                   "--out", str(out), "--forecasts", str(blocker / "f.csv")])  # fmt: skip
    assert res.exit_code == 2, res.output
    assert "Cannot write" in res.output and not out.exists()


@pytest.mark.parametrize("bad", [["--boundaries", "{json"], ["--boundaries", ""]])
def test_unreadable_boundaries_are_one_clear_error(tmp_path, bad):
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "name: p\nwhen: [{indicator: projected_p3plus_share, op: '>=', value: 0.25}]\n",
        encoding="utf-8",
    )
    geo = tmp_path / "adm.geojson"
    geo.write_text(bad[1], encoding="utf-8")
    out = tmp_path / "t.csv"
    res = CliRunner().invoke(app, ["warn", "triggers", str(rules), str(shared(KEN_LONG)),
                                   "--out", str(out), "--html", str(tmp_path / "r.html"),
                                   "--boundaries", str(geo)])  # fmt: skip
    assert res.exit_code == 2, res.output
    assert "adm.geojson" in res.output and "Traceback" not in res.output and not out.exists()


def test_ipc_conflict_signal_is_read_by_the_warn_reader(tmp_path):
    # `--conflict` reads UCDP events or a country-month panel with humsec warn's reader, which the
    # CLI hands to the hazard commands (hazard never imports warn)
    panel = tmp_path / "conflict.csv"
    months = pd.period_range("2015-01", "2022-12", freq="M").astype(str)
    panel.write_text(
        "month,Kenya\n" + "".join(f"{m},{i % 7}\n" for i, m in enumerate(months)),
        encoding="utf-8",
    )
    out = tmp_path / "s.csv"
    res = CliRunner().invoke(app, ["warn", "ipc", str(shared(KEN_LONG)), "--test-from", "2020-01",
                                   "--models", "persistence,lagged_logit_signals",
                                   "--conflict", str(panel), "--out", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "conflict_fatalities_6m" in res.output and "panel: 1 units" in res.output
    assert set(pd.read_csv(out)["model"]) == {"persistence", "lagged_logit_signals"}


def test_trigger_backtest_follows_the_engine_and_result_conventions():
    from humsec.hazard import TriggerBacktest, TriggerRules

    rule = TriggerRules.from_dict(
        {"name": "p", "when": [{"indicator": "projected_p3plus_share", "op": ">=", "value": 0.25}]}
    )
    table = _small_ipc()
    engine = TriggerBacktest(as_of="2021-06")
    check_engine(engine, fit=lambda e: e.fit(rule, table))
    result = engine.fit(rule, table)
    check_result(result)
    # the same numbers as the functions it composes
    from humsec.hazard import backtest_triggers, current_alerts, trigger_summary

    month = pd.Period("2021-06", "M")
    outcomes = backtest_triggers(rule, table, as_of=month)
    assert result.to_frame("counts").equals(trigger_summary(outcomes.assign(rule="p")))
    assert len(result.to_frame("alerts")) == len(current_alerts(rule, table, as_of="2021-06"))
    assert "fired now in" in result.summary()
