"""Sobol' first-order and total-effect indices by the Jansen estimators, with bootstrap intervals.

The design and the estimators are those of R's ``sensitivity::soboljansen`` (Jansen 1999; Saltelli
et al. 2010): two independent samples A and B of the factors and, for each factor (or group of
factors) i, the matrix A_B^i (A with factor i taken from B). With outputs y_A, y_B and y_AB_i of n
rows each and V = var(y_A):

- first order  S_i = (V − Σ (y_B − y_AB_i)² / (2n − 1)) / V
- total effect T_i = (Σ (y_A − y_AB_i)² / (2n − 1)) / V

Confidence intervals are basic bootstrap intervals over the n rows (``nboot`` resamples), as
``soboljansen(..., nboot, conf)`` reports them. With small n the estimates have not converged:
first-order indices above total effects, negative indices, intervals wider than the indices
themselves; :func:`sobol_convergence_notes` says so (Sarrazin, Pianosi and Wagener 2016 judge
convergence by the width of these intervals; 0.1 is their threshold for ranking factors).

>>> rng = np.random.default_rng(0)
>>> A, B = rng.random((4000, 2)), rng.random((4000, 2))
>>> f = lambda x: x[:, 0] + 0.1 * x[:, 1]          # x1 explains 99 % of the variance
>>> AB = [np.where(np.arange(2) == i, B, A) for i in range(2)]
>>> t = jansen_indices(f(A), f(B), np.column_stack([f(m) for m in AB]), ["x1", "x2"], nboot=200, seed=1)
>>> t[["first_order", "total_effect"]].round(1).abs().to_dict("list")  # exact: 0.99 and 0.01
{'first_order': [1.0, 0.0], 'total_effect': [1.0, 0.0]}
>>> sobol_convergence_notes(t)  # every 95 % interval narrower than 0.1
[]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["CONVERGED_WIDTH", "jansen_indices", "sobol_convergence_notes"]

# Widest 95 % bootstrap interval of an index accepted as converged (Sarrazin et al. 2016).
CONVERGED_WIDTH = 0.1

COLUMNS = (
    "factor",
    "first_order",
    "first_order_low",
    "first_order_high",
    "total_effect",
    "total_effect_low",
    "total_effect_high",
    "n",
)


def _estimates(y_a: np.ndarray, y_b: np.ndarray, y_ab: np.ndarray) -> np.ndarray:
    """(2, k): first-order and total-effect indices from one set of rows (NaN where V = 0)."""
    n = len(y_a)
    v = np.var(y_a, ddof=1)
    first_var = v - ((y_b[:, None] - y_ab) ** 2).sum(axis=0) / (2 * n - 1)
    total_var = ((y_a[:, None] - y_ab) ** 2).sum(axis=0) / (2 * n - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.vstack([first_var, total_var]) / v


def jansen_indices(
    y_a: np.ndarray,
    y_b: np.ndarray,
    y_ab: np.ndarray,
    names: Sequence[str],
    *,
    nboot: int = 500,
    conf: float = 0.95,
    seed: int | None = None,
) -> pd.DataFrame:
    """First-order and total-effect indices of each factor with basic bootstrap intervals.

    Parameters
    ----------
    y_a, y_b : array (n,)
        Model outputs on the samples A and B.
    y_ab : array (n, k)
        Column i: outputs on A with factor (group) i taken from B.
    names : the k factor names.

    Returns one row per factor: the indices, their interval bounds (``*_low``, ``*_high``) and
    ``n``, the number of base samples.
    nboot : int, default 500
        Bootstrap resamples of the n rows; 0 gives no intervals (NaN bounds).
    conf : float, default 0.95
        Level of the intervals.
    seed : int or None
        Seed of the bootstrap resampling.

    Where the output does not vary at all (V = 0) every index is 0 (nothing to apportion).
    """
    y_a, y_b = np.asarray(y_a, dtype=np.float64), np.asarray(y_b, dtype=np.float64)
    y_ab = np.asarray(y_ab, dtype=np.float64).reshape(len(y_a), -1)
    k = y_ab.shape[1]
    if np.var(y_a) == 0:
        zeros = np.zeros(k)
        columns = [list(names), *[zeros] * 6, np.full(k, len(y_a))]
        return pd.DataFrame(dict(zip(COLUMNS, columns, strict=True)))
    point = _estimates(y_a, y_b, y_ab)
    low = high = np.full_like(point, np.nan)
    if nboot > 0:
        rng = np.random.default_rng(seed)
        n = len(y_a)
        boot = np.empty((nboot, *point.shape))
        for b in range(nboot):
            rows = rng.integers(0, n, n)
            boot[b] = _estimates(y_a[rows], y_b[rows], y_ab[rows])
        alpha = (1 - conf) / 2
        q_low, q_high = np.nanquantile(boot, [alpha, 1 - alpha], axis=0)
        low, high = 2 * point - q_high, 2 * point - q_low  # basic interval, as boot.ci "basic"
    return pd.DataFrame(
        {
            "factor": list(names),
            "first_order": point[0],
            "first_order_low": low[0],
            "first_order_high": high[0],
            "total_effect": point[1],
            "total_effect_low": low[1],
            "total_effect_high": high[1],
            "n": len(y_a),  # base samples: the estimates' precision depends on it
        }
    )


def sobol_convergence_notes(table: pd.DataFrame, *, width: float = CONVERGED_WIDTH) -> list[str]:
    """Warnings where the indices have not converged: an interval wider than ``width``, or a
    first-order index above its total effect beyond the intervals (impossible in theory)."""
    notes = []
    widths = np.fmax(
        table["first_order_high"] - table["first_order_low"],
        table["total_effect_high"] - table["total_effect_low"],
    )
    wide = table.loc[widths > width, "factor"].tolist()
    if wide:
        notes.append(
            f"Sobol' indices have not converged: the 95% interval of {len(wide)} factor(s) is wider "
            f"than {width} ({', '.join(map(str, wide[:5]))}{', ...' if len(wide) > 5 else ''}, "
            f"widest {float(np.nanmax(widths)):.2f}{_samples(table)}); increase the number of "
            "samples (n)."
        )
    above = table["first_order_low"] > table["total_effect_high"]
    if above.any():
        notes.append(
            "First-order index above the total effect (impossible in theory, a sign of too few "
            f"samples) for: {', '.join(map(str, table.loc[above, 'factor']))}."
        )
    return notes


def _samples(table: pd.DataFrame) -> str:
    return f", N = {int(table['n'].iloc[0])} base samples" if "n" in table and len(table) else ""
