"""Reliability of a composite perception index: Cronbach's α and McDonald's ω (one-factor model).

Both are computed on the people with every item (complete cases), unweighted, as R ``psych`` does:

- **α** (``psych::alpha``'s raw alpha) on the item covariances: ``k/(k−1)·(1 − Σ var_i / var_total)``.
- **ω total** (``psych::omega(x, nfactors = 1)``'s ``omega.tot``) on the item correlations R: one factor
  fitted by minimum residual (unweighted least squares on the off-diagonal correlations, psych's
  default ``fm = "minres"``), loadings λ, uniquenesses ``1 − λ²``, and
  ``ω = (ΣR − Σ(1 − λ²)) / ΣR`` (ΣR: the sum of every element of R, the variance of the standardised
  total; an item with a negative loading is reversed first, as psych's ``flip = TRUE``). Unlike α it does not assume that every item loads equally (tau-equivalence), so ω ≥ α
  when the one-factor model fits. It needs at least 3 items (with 2, one factor is not identified)
  and items that vary; otherwise it is NaN and the table says why.

>>> import numpy as np
>>> x = np.array([[1, 2, 1], [2, 3, 3], [3, 3, 2], [4, 5, 5], [2, 2, 3.0]])
>>> round(cronbach_alpha(x), 6)  # R psych::alpha(x)$total$raw_alpha: 0.931818
0.931818
>>> round(mcdonald_omega(x), 6)  # R psych::omega(x, 1)$omega.tot: 0.941240
0.94124
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize

__all__ = [
    "RELIABILITY_COLUMNS",
    "cronbach_alpha",
    "mcdonald_omega",
    "one_factor_loadings",
    "reliability_rows",
]

#: the reliability table's columns (declared once): ``round`` is empty for all rounds together
RELIABILITY_COLUMNS = ("index", "round", "k", "n", "alpha", "omega", "note")


def cronbach_alpha(items: np.ndarray) -> float:
    """Cronbach's α of an (n × k) matrix of complete item scores: k/(k−1)·(1 − Σ var_i / var_total)."""
    items = np.asarray(items, dtype=np.float64)
    k = items.shape[1]
    if k < 2 or len(items) < 2:
        return float("nan")
    total = items.sum(axis=1).var(ddof=1)
    if total == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - items.var(axis=0, ddof=1).sum() / total))


def one_factor_loadings(corr: np.ndarray) -> np.ndarray:
    """Loadings of one factor fitted to a correlation matrix by minimum residual (psych ``fm="minres"``):
    λ minimising Σ_{i<j} (r_ij − λ_i λ_j)², signed so that Σλ ≥ 0, started from the first principal axis."""
    corr = np.asarray(corr, dtype=np.float64)
    k = len(corr)
    upper = np.triu_indices(k, 1)
    values, vectors = np.linalg.eigh(corr)
    start = vectors[:, -1] * np.sqrt(max(values[-1], 0.0))

    def residuals(lam: np.ndarray) -> np.ndarray:
        return (corr - np.outer(lam, lam))[upper]

    def jacobian(lam: np.ndarray) -> np.ndarray:
        jac = np.zeros((len(upper[0]), k))
        rows = np.arange(len(upper[0]))
        jac[rows, upper[0]] = -lam[upper[1]]
        jac[rows, upper[1]] = -lam[upper[0]]
        return jac

    fit = optimize.least_squares(
        residuals, start, jac=jacobian, method="lm", xtol=1e-15, ftol=1e-15, gtol=1e-15
    )
    lam = fit.x
    return lam if lam.sum() >= 0 else -lam


def mcdonald_omega(items: np.ndarray) -> float:
    """McDonald's ω total of an (n × k) matrix of complete item scores (one factor, minres, on
    correlations), as R ``psych::omega(items, nfactors = 1)$omega.tot``; NaN with fewer than 3 items,
    fewer than 3 people or an item that does not vary."""
    items = np.asarray(items, dtype=np.float64)
    n, k = items.shape
    if k < 3 or n < 3 or (items.std(axis=0) == 0).any():
        return float("nan")
    corr = np.corrcoef(items, rowvar=False)
    lam = one_factor_loadings(corr)
    # an item loading against the others is reversed first (psych::omega's flip = TRUE); the
    # reliability table names it, since in an index oriented "higher is better" it is a mistake
    sign = np.where(lam < 0, -1.0, 1.0)
    total = (corr * np.outer(sign, sign)).sum()
    return float((total - (1 - lam**2).sum()) / total)


def _why_not(items: np.ndarray, names: list[str]) -> str:
    """Why α or ω is missing, or why ω should not be trusted (an item that loads against the others)."""
    n, k = items.shape
    if n < 3:
        return f"{n} complete case(s): too few for alpha and omega"
    constant = int((items.std(axis=0) == 0).sum()) if n else 0
    if constant:
        return f"{constant} item(s) do not vary: omega not computed"
    if k < 3:
        return "omega needs at least 3 items (one factor is not identified with 2)"
    lam = one_factor_loadings(np.corrcoef(items, rowvar=False))
    against = [name for name, value in zip(names, lam, strict=True) if value < 0]
    if against:  # an item turned the wrong way, or not measuring the same thing
        return (
            f"item(s) {', '.join(against)} load against the others (reversed for omega, as psych "
            "does; alpha is lowered by them): check their direction"
        )
    return ""


def reliability_rows(
    index: str,
    oriented: np.ndarray,
    complete: np.ndarray,
    rounds: pd.Series | None,
    names: list[str] | None = None,
) -> list[dict[str, object]]:
    """α and ω of one index on its complete cases: all rounds together (``round`` empty), then each
    round of ``rounds`` (a column of round labels, one per person) when given; ``names`` are the
    items' names (for the notes)."""
    names = names or [f"item {i + 1}" for i in range(oriented.shape[1])]
    groups: list[tuple[str, np.ndarray]] = [("", np.ones(len(oriented), dtype=bool))]
    if rounds is not None:
        labels = rounds.astype(str).to_numpy()
        groups += [(r, labels == r) for r in sorted(set(labels))]
    rows: list[dict[str, object]] = []
    for label, member in groups:
        items = oriented[complete & member]
        rows.append(
            {
                "index": index,
                "round": label,
                "k": oriented.shape[1],
                "n": len(items),
                "alpha": cronbach_alpha(items),
                "omega": mcdonald_omega(items),
                "note": _why_not(items, names),
            }
        )
    return rows
