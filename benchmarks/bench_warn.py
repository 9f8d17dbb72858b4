"""Speed of the early-warning backtest (humsec warn), on 2 threads.

1. The shipped UCDP country-month panel (132 countries, 1989–2024): every benchmark, the
   LightGBM quantile model and its pool with hist_12 (each fitted on its own, as
   ``humsec warn backtest`` does), 12 horizons, test year 2024 (target: under 2 minutes).
2. A simulated admin-1 panel, 5,000 units × 30 years (target: under 10 minutes).

Usage: python benchmarks/bench_warn.py [--units 5000] [--years 30]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from humsec.datasets import load_ucdp_country_month
from humsec.warn.models import PooledGBM, QuantileGBM
from humsec.warn.monthly_panel import MonthlyPanel
from humsec.warn.scores import backtest

MODELS = ["zero", "no_change", "hist_12", "hist_24"]


def simulated(n_units: int, years: int, seed: int = 0) -> MonthlyPanel:
    """Latent AR(1) conflict intensity per unit, negative-binomial counts (mostly zeros)."""
    rng = np.random.default_rng(seed)
    n = 12 * years
    level = np.empty((n_units, n))
    level[:, 0] = rng.normal(-2, 1.5, n_units)
    for t in range(1, n):
        level[:, t] = -0.2 + 0.9 * level[:, t - 1] + rng.normal(0, 0.6, n_units)
    mu = np.exp(level)
    values = rng.negative_binomial(1.5, 1.5 / (1.5 + mu)).astype(float)
    units = tuple(f"A{i:05d}" for i in range(n_units))
    return MonthlyPanel(units, pd.Period(f"{2025 - years}-01", "M"), values)


def run(label: str, panel: MonthlyPanel, test_year: int) -> None:
    t0 = time.perf_counter()
    gbm = [QuantileGBM(num_threads=2), PooledGBM(QuantileGBM(num_threads=2))]
    bt = backtest(panel, test_year, [*MODELS, *gbm])
    seconds = time.perf_counter() - t0
    crps = bt.scores[bt.scores["metric"] == "CRPS"].set_index("model")["value"]
    print(
        f"{label}: {len(panel.units)} units × {panel.n_months} months, test year {test_year}, "
        f"12 horizons: {seconds:.1f} s  (CRPS "
        + ", ".join(f"{m} {v:.3f}" for m, v in crps.items())
        + ")",
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=5000)
    ap.add_argument("--years", type=int, default=30)
    args = ap.parse_args()
    run("UCDP countries", MonthlyPanel.from_long(load_ucdp_country_month()), 2024)
    t0 = time.perf_counter()
    panel = simulated(args.units, args.years)
    print(f"simulated panel built in {time.perf_counter() - t0:.1f} s", flush=True)
    run("simulated admin-1", panel, 2024)


if __name__ == "__main__":
    main()
