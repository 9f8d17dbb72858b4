"""Benchmarking: make the population-weighted area estimates add up to a national direct value.

With population shares ``w_d = N_d / ΣN`` and the model estimates θ̂_d, the weighted mean
``Σ w_d θ̂_d`` generally differs from the national direct estimate T (reliable at national level).
*Ratio* benchmarking multiplies every estimate by ``T / Σ w_d θ̂_d`` (keeps ratios between areas,
suits positive quantities); *difference* adds ``T − Σ w_d θ̂_d`` (keeps differences). The MSE is
not changed: the benchmark adds a term that is small when the national estimate is precise, and
the result says so in a note.

>>> import numpy as np
>>> benchmark_values(np.array([0.2, 0.4]), np.array([1.0, 3.0]), 0.42, "ratio").round(6).tolist()
[0.24, 0.48]
>>> benchmark_values(np.array([0.2, 0.4]), np.array([1.0, 3.0]), 0.42, "difference").round(6).tolist()
[0.27, 0.47]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from humsec.core.errors import DataError, HumsecError

if TYPE_CHECKING:
    from humsec.sae.result import FHResult

__all__ = ["BENCHMARKS", "benchmark", "benchmark_values"]

#: Benchmarking methods (declared once: engine, CLI and docs read it)
BENCHMARKS = {
    "ratio": "multiply every estimate by T / sum(w * estimate)",
    "difference": "add T - sum(w * estimate) to every estimate",
}


def benchmark_values(
    estimate: np.ndarray, population: np.ndarray, total: float, how: str
) -> np.ndarray:
    """Benchmarked estimates whose population-weighted mean is ``total``."""
    if how not in BENCHMARKS:
        msg = f"The benchmark method must be one of {list(BENCHMARKS)}. Got {how!r} instead."
        raise HumsecError(msg)
    share = population / population.sum()
    current = float(share @ estimate)
    if how == "ratio":
        if current == 0:
            raise DataError(
                "Ratio benchmarking needs a non-zero weighted mean of the estimates; use 'difference'."
            )
        return estimate * (total / current)
    return estimate + (total - current)


def benchmark(result: FHResult, total: float, population: Any, *, how: str = "ratio") -> FHResult:
    """Benchmark ``result``'s estimates to the national value ``total``.

    ``population`` gives each area's population (weight): a mapping area → N or a sequence in
    the order of the result's areas; every area needs a weight > 0. The table keeps the model
    estimate as ``estimate_model`` and gains ``benchmark_factor`` (ratio) or ``benchmark_shift``.
    """
    table = result.table()
    areas = table["area"].astype(str)
    if isinstance(population, Mapping):
        weights = areas.map({str(k): v for k, v in population.items()})
    else:
        weights = pd.Series(list(population), dtype=float)
        if len(weights) != len(areas):
            msg = f"{len(weights)} population weights for {len(areas)} areas; give one per area."
            raise DataError(msg)
    w = pd.to_numeric(weights, errors="coerce").to_numpy(dtype=float)
    bad = ~(w > 0)
    if bad.any():
        names = ", ".join(areas[bad].head(10))
        msg = f"Benchmarking needs a population > 0 for every area; missing or <= 0 for {int(bad.sum())} area(s): {names}."
        raise DataError(msg)
    if not np.isfinite(total):
        raise DataError(f"The benchmark total must be a number. Got {total!r} instead.")
    est = table["estimate"].to_numpy(dtype=float)
    new = benchmark_values(est, w, float(total), how)
    out = result._table.copy()
    out["estimate_model"] = est
    if how == "ratio":
        out["benchmark_factor"] = new / np.where(est == 0, np.nan, est)
        change = f"factor {float(total) / float((w / w.sum()) @ est):.6g}"
    else:
        out["benchmark_shift"] = new - est
        change = f"shift {float(new[0] - est[0]):+.6g}"
    out["estimate"] = new
    note = (
        f"estimates benchmarked ({how}, {change}) so that their population-weighted mean equals "
        f"the national direct value {float(total):.6g}; the MSE is that of the model estimates "
        "(the benchmarking term is not added)."
    )
    return result.with_table(out, note)
