"""Recalibrated crisis probabilities: against R (glm, isoreg), axioms, and no look-ahead."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from humsec.hazard import IPCBacktest, model_forecasts
from humsec.hazard.calibration import fit_calibrator, rescale_phase_probs
from humsec.hazard.model import MODEL_CALIBRATED, MODEL_SIGNALS
from tests.hazard.test_benchmarks_by_hand import M
from tests.hazard.test_model import _synthetic

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "hazard_calibration"


def test_platt_scaling_matches_r_glm():
    data = pd.read_csv(GOLDEN / "input.csv")
    ref = pd.read_csv(GOLDEN / "reference_platt.csv")
    cal = fit_calibrator(data["raw"].to_numpy(), data["hit"].to_numpy(), method="platt")
    assert cal is not None
    np.testing.assert_allclose(cal(ref["raw"].to_numpy()), ref["platt"], rtol=1e-5, atol=1e-7)


def test_isotonic_matches_r_isoreg_at_the_data_points():
    data = pd.read_csv(GOLDEN / "input.csv")
    ref = pd.read_csv(GOLDEN / "reference_isotonic.csv")
    cal = fit_calibrator(data["raw"].to_numpy(), data["hit"].to_numpy(), method="isotonic")
    assert cal is not None
    np.testing.assert_allclose(cal(ref["raw"].to_numpy()), ref["isotonic"], atol=1e-12)


def test_one_outcome_only_cannot_be_calibrated_and_unknown_methods_are_refused():
    assert fit_calibrator(np.array([0.1, 0.9]), np.array([1, 1])) is None
    with pytest.raises(ValueError, match="'calibration' method must be one of"):
        fit_calibrator(np.array([0.1, 0.9]), np.array([0, 1]), method="beta")


probs = st.lists(st.floats(0.0, 1.0), min_size=4, max_size=30)


@settings(max_examples=60, deadline=None)
@given(raw=probs, seed=st.integers(0, 10_000), method=st.sampled_from(["platt", "isotonic"]))
def test_calibrated_probabilities_are_monotone_and_in_0_1(raw, seed, method):
    rng = np.random.default_rng(seed)
    x = np.array(raw)
    y = rng.integers(0, 2, len(x))
    cal = fit_calibrator(x, y, method=method)
    if cal is None:
        assert y.min() == y.max()
        return
    grid = np.linspace(0, 1, 41)
    out = cal(grid)
    assert np.all((out >= 0) & (out <= 1))
    assert np.all(np.diff(out) >= -1e-12)  # a higher raw probability is never less likely


@settings(max_examples=60, deadline=None)
@given(
    weights=st.lists(st.floats(0.0, 1.0), min_size=5, max_size=5).filter(lambda w: sum(w) > 0),
    target=st.floats(0.0, 1.0),
)
def test_rescaled_phases_sum_to_one_and_carry_the_calibrated_crisis(weights, target):
    p = np.array(weights)[None, :] / sum(weights)
    out = rescale_phase_probs(p, np.array([target]), 3)
    assert out.sum() == pytest.approx(1.0)
    assert out[0, 2:].sum() == pytest.approx(target)
    assert np.all(out >= 0)


def test_calibration_and_signals_use_nothing_published_on_or_after_the_origin():
    table = _synthetic()
    origin = M("2016-07")
    areas = sorted(set(table["area_id"]))
    months = pd.period_range("2014-12", "2018-12", freq="M")
    rng = np.random.default_rng(3)
    signals = pd.DataFrame(
        [
            {"area_id": a, "signal": "rain", "end": m.end_time.normalize(), "value": rng.normal()}
            for a in areas
            for m in months
        ]
    )
    models = (MODEL_CALIBRATED, MODEL_SIGNALS)
    base, _ = model_forecasts(table, test_from=origin, models=models, signals=signals)
    changed = table.copy()
    later = (changed["issued"] > origin) | (
        (changed["issued"] == origin) & (changed["ipc_type"] != "current")
    )
    changed.loc[later, ["phase1", "phase3", "p3plus"]] = [0.0, 100.0, 100.0]
    moved = signals.copy()
    usable_from = moved["end"].dt.to_period("M") + 1
    moved.loc[usable_from >= origin, "value"] = 99.0  # not yet published at the origin
    again, _ = model_forecasts(changed, test_from=origin, models=models, signals=moved)
    outcome = ["observed_share", "observed_phase", "observed_crisis"]
    first = base[base["target_issued"] == origin].drop(columns=outcome).reset_index(drop=True)
    second = again[again["target_issued"] == origin].drop(columns=outcome).reset_index(drop=True)
    pd.testing.assert_frame_equal(first, second)


def _rain_driven(
    n_areas: int = 40, n_rounds: int = 8, seed: int = 2
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Areas whose next Phase 3+ share follows the rainfall anomaly published before it."""
    rng = np.random.default_rng(seed)
    rows, rain = [], []
    for a in range(n_areas):
        for r in range(n_rounds):
            month = pd.Period("2015-01", "M") + 6 * r
            anomaly = rng.normal(0, 30)  # % of the long-term average, two months before
            rain.append({"area_id": f"A{a}", "signal": "rainfall_anomaly_pct",
                         "end": (month - 2).end_time.normalize(), "value": anomaly})  # fmt: skip
            share = 1 / (1 + np.exp(-(-1.2 - anomaly / 15)))
            p3 = float(round(100 * share))
            base = {"country": "X", "level": 1, "area_id": f"A{a}", "area": f"A{a}",
                    "pcode": f"A{a}", "issued": month, "population": 100.0, "phase2": 0.0,
                    "phase4": 0.0, "phase5": 0.0, "analysis": None, "overall_phase": None}  # fmt: skip
            rows.append({**base, "ipc_type": "current", "start": month, "end": month + 1,
                         "phase1": 100 - p3, "phase3": p3, "p3plus": p3})  # fmt: skip
            # the projection repeats the current share: it knows nothing of the next rains
            rows.append({**base, "ipc_type": "first_projection", "start": month + 2,
                         "end": month + 5, "phase1": 100 - p3, "phase3": p3, "p3plus": p3})  # fmt: skip
    return pd.DataFrame(rows), pd.DataFrame(rain)


def test_a_signal_that_drives_the_outcome_is_learned_and_one_that_misses_the_origins_is_not():
    table, rain = _rain_driven()
    r = IPCBacktest(test_from="2017-07").fit(table, signals=rain)
    assert r.value(MODEL_SIGNALS, "mae_p3plus_share") < 0.5 * r.value(
        MODEL_CALIBRATED, "mae_p3plus_share"
    )
    assert r.value(MODEL_SIGNALS, "brier_crisis") < r.value(MODEL_CALIBRATED, "brier_crisis")
    # a rainfall file that starts after the test origins (the shared files' case): not a feature
    late = rain.assign(end=rain["end"] + pd.DateOffset(years=10))
    r2 = IPCBacktest(test_from="2017-07").fit(table, signals=late)
    assert any("covers 0 of" in n for n in r2.notes)
    f = r2.to_frame("forecasts")
    cal = f[f["model"] == MODEL_CALIBRATED].reset_index(drop=True)
    sig = f[f["model"] == MODEL_SIGNALS].reset_index(drop=True)
    np.testing.assert_allclose(sig["prob_crisis"], cal["prob_crisis"])
