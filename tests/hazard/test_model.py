"""Same season last year and lagged_logit: by hand, no look-ahead, it learns, and the real scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from humsec.hazard import IPCBacktest, benchmark_forecasts, model_forecasts, read_ipc
from humsec.hazard.scores import score_forecasts
from tests.hazard.conftest import HAPI_IPC, shared
from tests.hazard.test_benchmarks_by_hand import M, _row


def test_same_season_takes_the_earlier_year_not_the_last_analysis():
    rows = pd.DataFrame(
        [
            _row("A", "current", "2020-01", "2020-01", "2020-02", 70, 20, 10),  # same season
            _row("A", "current", "2020-07", "2020-07", "2020-09", 50, 20, 30),  # last analysis
            _row("A", "current", "2020-12", "2020-12", "2021-02", 40, 20, 40),  # 11 months: near
            _row("A", "current", "2021-02", "2021-02", "2021-03", 60, 20, 20),  # the target
        ]
    )
    f = benchmark_forecasts(rows, test_from=M("2021-02"), models=("persistence", "same_season"))
    got = dict(zip(f["model"], f["forecast_share"], strict=True))
    # persistence: Dec 2020 (0.40); same season: Jan 2020 (0.10, 13 months, 1 month off season)
    assert got == pytest.approx({"persistence": 0.40, "same_season": 0.10})
    assert f.loc[f["model"] == "same_season", "source_issued"].item() == M("2020-01")


def test_ranked_probability_score_and_auc_by_hand():
    f = pd.DataFrame(
        {
            "model": ["m", "m"],
            "forecast_share": [0.3, 0.1],
            "observed_share": [0.3, 0.1],
            "forecast_phase": [3, 2],
            "observed_phase": [3, 2],
            "prob_crisis": [0.6, 0.2],
            "observed_crisis": [True, False],
            "lead_months": [6, 6],
            "prob_phase1": [0.0, 0.5],
            "prob_phase2": [0.4, 0.3],
            "prob_phase3": [0.6, 0.2],
            "prob_phase4": [0.0, 0.0],
            "prob_phase5": [0.0, 0.0],
        }
    )
    s = score_forecasts(f).set_index("metric")["value"]
    # area 1 (phase 3): cumulative forecast 0, .4, 1, 1 vs observed 0, 0, 1, 1 -> .16 / 4
    # area 2 (phase 2): cumulative .5, .8, 1, 1 vs 0, 1, 1, 1 -> (.25 + .04) / 4
    assert s["rps_phase"] == pytest.approx((0.16 / 4 + 0.29 / 4) / 2)
    assert s["auc_crisis"] == 1.0  # the crisis has the higher probability
    assert s["brier_crisis"] == pytest.approx((0.4**2 + 0.2**2) / 2)


def _synthetic(n_areas: int = 30, n_rounds: int = 6, seed: int = 1) -> pd.DataFrame:
    """Areas whose next share is what their projection said: the model must learn to follow it."""
    rng = np.random.default_rng(seed)
    rows = []
    for a in range(n_areas):
        share = rng.uniform(0.05, 0.5, n_rounds + 1)
        for r in range(n_rounds):
            month = pd.Period("2015-01", "M") + 6 * r
            cur = round(100 * share[r])
            nxt = round(100 * share[r + 1])
            rows.append(_row(f"A{a}", "current", str(month), str(month), str(month + 1),
                             100 - cur, 0, cur))  # fmt: skip
            rows.append(_row(f"A{a}", "first_projection", str(month), str(month + 2),
                             str(month + 5), 100 - nxt, 0, nxt))  # fmt: skip
    return pd.DataFrame(rows)


def test_the_model_learns_what_the_history_teaches():
    r = IPCBacktest(test_from="2017-01").fit(_synthetic())
    assert r.value("lagged_logit", "mae_p3plus_share") < 0.5 * r.value(
        "persistence", "mae_p3plus_share"
    )
    assert r.value("lagged_logit", "brier_crisis") < r.value("persistence", "brier_crisis")
    f = r.to_frame("forecasts")
    probs = f[[f"prob_phase{k}" for k in range(1, 6)]].sum(axis=1)
    assert np.allclose(probs, 1.0)
    assert np.allclose(
        f["prob_crisis"], f[["prob_phase3", "prob_phase4", "prob_phase5"]].sum(axis=1)
    )


def test_the_model_never_uses_what_was_published_on_or_after_an_origin():
    table = _synthetic()
    origin = M("2016-07")
    base, _ = model_forecasts(table, test_from=origin)
    base = base[base["target_issued"] == origin].reset_index(drop=True)
    changed = table.copy()
    later = (changed["issued"] > origin) | (
        (changed["issued"] == origin) & (changed["ipc_type"] != "current")
    )
    changed.loc[later, ["phase1", "phase3", "p3plus"]] = [0.0, 100.0, 100.0]  # all in crisis
    again, _ = model_forecasts(changed, test_from=origin)
    again = again[again["target_issued"] == origin].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        base.drop(columns=["observed_share", "observed_phase", "observed_crisis"]),
        again.drop(columns=["observed_share", "observed_phase", "observed_crisis"]),
    )


def test_hapi_admin1_model_beats_persistence_and_is_reported_against_the_projection():
    r = IPCBacktest(test_from="2022-01").fit(read_ipc(shared(HAPI_IPC), level=1))
    for metric in ("mae_p3plus_share", "brier_crisis", "rps_phase"):
        assert r.value("lagged_logit", metric) < r.value("persistence", metric), metric
    # the IPC's own projection is the better crisis forecast here: a finding the docs report
    assert r.value("ipc_projection", "brier_crisis") < r.value("lagged_logit", "brier_crisis")
    rel = r.to_frame("reliability")
    assert set(rel["model"]) == {
        "persistence",
        "ipc_projection",
        "same_season",
        "lagged_logit",
        "lagged_logit_cal",
    }
    assert rel.groupby("model")["n"].sum().eq(119).all()


def test_interval_coverage_by_hand_and_the_model_interval_holds_its_forecast():
    f = pd.DataFrame(
        {
            "model": ["m"] * 3,
            "forecast_share": [0.2, 0.2, 0.2],
            "observed_share": [0.15, 0.35, 0.2],
            "share_low": [0.1, 0.1, np.nan],
            "share_high": [0.3, 0.3, np.nan],
        }
    ).assign(forecast_phase=2, observed_phase=2, prob_crisis=0.0, observed_crisis=False,
             lead_months=6)  # fmt: skip
    s = score_forecasts(f).set_index("metric")
    assert s.loc["coverage80_p3plus_share", "value"] == 0.5  # 0.15 inside, 0.35 outside
    assert s.loc["coverage80_p3plus_share", "n"] == 2  # the third has no interval
    r = IPCBacktest(test_from="2017-01").fit(_synthetic())
    m = r.to_frame("forecasts").query("model == 'lagged_logit'").dropna(subset=["share_low"])
    assert len(m) > 0
    assert (
        (m["share_low"] <= m["forecast_share"]) & (m["forecast_share"] <= m["share_high"])
    ).all()
    assert np.isnan(r.value("persistence", "coverage80_p3plus_share"))
