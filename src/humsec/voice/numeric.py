"""Numeric questions (integer, decimal) as weighted means and medians with design-based SEs and CIs.

Mean: the ratio ``Σ w·x / Σ w`` over the people asked and answering, Taylor-linearised SE (R
``svymean``), CI ``mean ± t·se`` at the design df. Median: R ``svyquantile(qrule = "math",
interval.type = "mean")`` (survey ≥ 4.1 defaults): the smallest answer whose weighted cumulative share
reaches 1/2 (the inverse of the weighted distribution function, no interpolation); its CI is Woodruff's:
the interval of the share at or below the median, ``p ± t·se(p)``, mapped back through the same rule;
its SE is the CI width / (2·t), as R reports it.

>>> x = np.array([1.0, 2.0, 3.0, 10.0])
>>> quantile_math(x, np.ones(4), 0.5)  # the weighted cumulative share reaches 0.5 exactly at 2
2.0
>>> quantile_math(x, np.array([1.0, 1, 1, 2]), 0.5)  # 1/5, 2/5, 3/5: first reaching 0.5 is 3
3.0
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import special

from humsec.core.errors import DataError, describe_rows
from humsec.voice.design import Design

__all__ = ["numeric_estimates", "numeric_values", "quantile_math"]


def quantile_math(x: np.ndarray, w: np.ndarray, p: float) -> float:
    """R survey's ``qrule_math``: the p-quantile of ``x`` with weights ``w`` (zero weights left out)."""
    keep = w != 0
    x, w = x[keep], w[keep]
    order = np.argsort(x, kind="stable")
    x, cumw = x[order], np.cumsum(w[order])
    total = math.fsum(
        w
    )  # R's sum() accumulates in long double: an exact sum is closer than numpy's
    below = np.flatnonzero(cumw <= p * total)
    if below.size == 0:
        return float(x[0])
    pos = below[-1]
    if p - cumw[pos] / total == 0:  # the share reaches p exactly at x[pos] (R: wlow == 0)
        return float(x[pos])
    return float(x[min(pos + 1, len(x) - 1)])


def numeric_values(answers: pd.Series, base: np.ndarray, where: str, name: str) -> np.ndarray:
    """The answers of the ``base`` rows as numbers (NaN elsewhere); text that is no number is an error."""
    values = pd.to_numeric(answers.where(base, ""), errors="coerce").to_numpy(dtype=np.float64)
    bad = base & ~np.isfinite(values)
    if bad.any():
        rows = np.flatnonzero(bad)
        raise DataError(
            f"{where}, column {name!r}: expected a number, found {answers.iloc[rows[0]]!r} at "
            f"{describe_rows(rows)}."
        )
    return values


def numeric_estimates(
    design: Design, values: np.ndarray, base: np.ndarray, level: float
) -> tuple[dict[str, float], dict[str, float], Callable[[float], tuple[float, float]]]:
    """Mean and median of ``values`` among ``base`` rows: (mean row, median row, median CI at a level).

    Each row holds estimate, se, ci_low, ci_high, n."""
    x = np.nan_to_num(values)
    est, se, _, _, n, _ = design.ratio(x[:, None], base, level)
    t = float(special.stdtrit(design.df, 0.5 + level / 2))
    mean = {
        "estimate": est[0],
        "se": se[0],
        "ci_low": est[0] - t * se[0],
        "ci_high": est[0] + t * se[0],
        "n": n,
    }
    if n == 0:
        nan = float("nan")
        return mean, dict(mean), lambda level: (nan, nan)
    w = design.w * base
    median = quantile_math(x, w, 0.5)
    below = (x <= median).astype(np.float64)[:, None]
    p, p_se, *_ = design.ratio(below, base, level)

    def woodruff(level: float) -> tuple[float, float]:
        tl = float(special.stdtrit(design.df, 0.5 + level / 2))
        lo, hi = p[0] - tl * p_se[0], p[0] + tl * p_se[0]
        lower = quantile_math(x, w, lo) if lo >= 0 else float("nan")
        upper = quantile_math(x, w, hi) if hi <= 1 else float("nan")
        return lower, upper

    lo, hi = woodruff(level)
    row = {"estimate": median, "se": (hi - lo) / (2 * t), "ci_low": lo, "ci_high": hi, "n": n}
    return mean, row, woodruff
