"""Benchmarks and scores recomputed by hand on a tiny panel (no properscoring, no numpy median)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from humsec.warn.models import Benchmark
from humsec.warn.monthly_panel import MonthlyPanel
from humsec.warn.scores import backtest, point_scores


def crps_by_hand(y: float, members: list[float]) -> float:
    """CRPS of an equally weighted ensemble: E|X − y| − ½ E|X − X'|."""
    m = len(members)
    a = sum(abs(x - y) for x in members) / m
    b = sum(abs(x - z) for x in members for z in members) / (m * m)
    return a - b / 2


def median_by_hand(xs: list[float]) -> float:
    s = sorted(xs)
    k = len(s)
    return s[k // 2] if k % 2 else (s[k // 2 - 1] + s[k // 2]) / 2


@pytest.fixture
def tiny() -> MonthlyPanel:
    # two units, 2021-01 .. 2023-12: history 24 months, test year 2023
    a = [0.0] * 12 + [1, 0, 0, 3, 0, 0, 0, 0, 8, 0, 0, 2]  # 2021-2022
    b = [5.0] * 24
    test_a = [0.0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10]
    test_b = [6.0] * 6 + [0.0] * 6
    values = np.array([a + test_a, b + test_b])
    return MonthlyPanel(("A", "B"), pd.Period("2021-01", "M"), values)


def test_benchmark_scores_match_hand_computation(tiny):
    bt = backtest(tiny, 2023, ["zero", "no_change", "hist_12", "hist_24"])
    got = bt.scores.set_index(["model", "metric"])["value"]
    hist = {"A": tiny.values[0, :24].tolist(), "B": tiny.values[1, :24].tolist()}
    truth = {"A": tiny.values[0, 24:].tolist(), "B": tiny.values[1, 24:].tolist()}
    members = {
        "zero": {u: [0.0] for u in hist},
        "no_change": {u: [hist[u][-1]] for u in hist},
        "hist_12": {u: hist[u][-12:] for u in hist},
        "hist_24": {u: hist[u][-24:] for u in hist},
    }
    for model, ens in members.items():
        pairs = [(y, ens[u]) for u in hist for y in truth[u]]
        mae = sum(abs(y - median_by_hand(m)) for y, m in pairs) / len(pairs)
        rmse = math.sqrt(
            sum((math.log1p(y) - math.log1p(median_by_hand(m))) ** 2 for y, m in pairs) / len(pairs)
        )
        crps = sum(crps_by_hand(y, m) for y, m in pairs) / len(pairs)
        crps_log = sum(
            crps_by_hand(math.log1p(y), [math.log1p(x) for x in m]) for y, m in pairs
        ) / len(pairs)
        assert got[(model, "MAE")] == pytest.approx(mae, abs=1e-12)
        assert got[(model, "RMSE_log1p")] == pytest.approx(rmse, abs=1e-12)
        assert got[(model, "CRPS")] == pytest.approx(crps, abs=1e-12)
        assert got[(model, "CRPS_log1p")] == pytest.approx(crps_log, abs=1e-12)
    # a few numbers worked out on paper: zero's MAE = mean of y; no_change of A is 2, of B is 5
    assert got[("zero", "MAE")] == pytest.approx((14 + 36) / 24)
    assert got[("no_change", "MAE")] == pytest.approx((2 * 10 + 2 + 8 + 6 * 1 + 6 * 5) / 24)


def test_brier_any_by_hand(tiny):
    bt = backtest(tiny, 2023, ["no_change", "hist_12"])
    got = bt.scores.set_index(["model", "metric"])["value"]
    y_any = (tiny.values[:, 24:] >= 1).astype(float)
    # no_change: A's last value 2 → P(any) = 1; B's 5 → 1
    assert got[("no_change", "Brier_any")] == pytest.approx(((1 - y_any) ** 2).mean())
    # hist_12: A had 4 months > 0 of 12, B 12 of 12
    p = np.array([[4 / 12], [1.0]])
    assert got[("hist_12", "Brier_any")] == pytest.approx(((p - y_any) ** 2).mean())


def test_pit_of_perfect_point_forecast_is_uniform_within_its_step():
    from humsec.warn.scores import pit_values

    y = np.array([[3.0, 0.0]])
    members = np.array([[[3.0], [0.0]]])
    pit = pit_values(y, members)
    assert ((pit >= 0) & (pit <= 1)).all()


@settings(max_examples=60, deadline=None)
@given(
    y=st.lists(st.integers(0, 500), min_size=1, max_size=6),
    m=st.lists(st.integers(0, 500), min_size=1, max_size=8),
)
def test_crps_identities(y, m):
    yy = np.array([y], dtype=float)
    members = np.tile(np.array(m, dtype=float), (1, len(y), 1))
    s = point_scores(yy, members)
    assert s["CRPS"] >= -1e-9
    assert s["CRPS"] <= np.abs(yy[..., None] - members).mean() + 1e-9  # E|X−y| bounds CRPS
    if len(m) == 1:  # a one-member ensemble: CRPS is the absolute error
        assert s["CRPS"] == pytest.approx(s["MAE"])
    expected = np.mean([crps_by_hand(v, [float(x) for x in m]) for v in y])
    assert s["CRPS"] == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_benchmark_needs_enough_history():
    from humsec.core.errors import DataError

    p = MonthlyPanel(("A",), pd.Period("2020-01", "M"), np.zeros((1, 5)))
    with pytest.raises(DataError, match="hist_12 needs 12 months"):
        Benchmark("hist_12").fit(p).predict(3)
