"""Benchmarking to a national direct value (ratio and difference, population-weighted)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from humsec.core.errors import DataError, HumsecError
from humsec.sae import FayHerriot
from humsec.sae.benchmark import benchmark_values

DATA = pd.DataFrame(
    {
        "area": list("abcdef"),
        "y": [1.0, 3.0, 2.0, 5.0, 4.0, None],
        "x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        "v": [0.5, 0.2, 1.0, 0.5, 0.5, None],
    }
)
POP = {"a": 100, "b": 200, "c": 50, "d": 300, "e": 150, "f": 200}


def test_hand_worked_ratio_and_difference() -> None:
    # shares 1/4, 3/4; weighted mean 0.35; target 0.42: factor 1.2, shift +0.07
    est, pop = np.array([0.2, 0.4]), np.array([1.0, 3.0])
    np.testing.assert_allclose(benchmark_values(est, pop, 0.42, "ratio"), [0.24, 0.48])
    np.testing.assert_allclose(benchmark_values(est, pop, 0.42, "difference"), [0.27, 0.47])


@pytest.mark.parametrize("how", ["ratio", "difference"])
def test_benchmarked_result_adds_up_and_keeps_model_estimate(how: str) -> None:
    result = FayHerriot(formula="y ~ x", variance="v", area="area").fit(DATA)
    bench = result.benchmark(3.5, POP, how=how)
    t = bench.table()
    w = t["area"].map(POP).to_numpy(dtype=float)
    assert float(w @ t["estimate"]) / w.sum() == pytest.approx(3.5)
    np.testing.assert_allclose(t["estimate_model"], result.table()["estimate"])
    np.testing.assert_allclose(t["mse"], result.table()["mse"])  # MSE unchanged, and said so
    assert any("benchmarked" in n and how in n for n in bench.notes)
    assert not any("benchmarked" in n for n in result.notes)  # the original is not changed


@settings(max_examples=50, deadline=None)
@given(
    est=st.lists(st.floats(0.01, 10), min_size=2, max_size=30),
    seed=st.integers(0, 1000),
    total=st.floats(0.01, 10),
)
def test_ratio_keeps_ratios_difference_keeps_differences(
    est: list[float], seed: int, total: float
) -> None:
    e = np.array(est)
    pop = np.random.default_rng(seed).uniform(1, 100, len(e))
    r = benchmark_values(e, pop, total, "ratio")
    d = benchmark_values(e, pop, total, "difference")
    for b in (r, d):
        assert float(pop @ b / pop.sum()) == pytest.approx(total)
    np.testing.assert_allclose(r / e, r[0] / e[0])
    np.testing.assert_allclose(d - e, d[0] - e[0], atol=1e-9)


def test_missing_population_is_named() -> None:
    result = FayHerriot(formula="y ~ x", variance="v", area="area").fit(DATA)
    with pytest.raises(DataError, match=r"population > 0 .* f"):
        result.benchmark(3.5, {k: v for k, v in POP.items() if k != "f"})
    with pytest.raises(HumsecError, match="one of"):
        result.benchmark(3.5, POP, how="raking")
