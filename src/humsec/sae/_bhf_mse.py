"""Parametric-bootstrap MSE of the BHF EBLUP of area means, step by step as R ``sae::pbmseBHF``.

Each replicate draws ``u_d ~ N(0, σ̂²ᵤ)`` and unit errors ``e ~ N(0, σ̂²ₑ)`` for the survey units,
``y* = Xβ̂ + u + e``; the true area mean is ``X̄_d'β̂ + u_d + ē_d`` where ``ē_d`` joins the mean of
the area's sample errors (weight n_d/N_d) and of its N_d − n_d other units (one draw of their mean,
weight (N_d − n_d)/N_d); an area without survey units gets a fresh u_d. The model is refitted on
``y*`` and the EBLUP recomputed; the MSE is the mean squared error over the B replicates. Without
population sizes (N = ∞) the unit errors average out of the true mean.

>>> import numpy as np
>>> from humsec.sae._bhf_fit import fit_nested_error
>>> rng = np.random.default_rng(0)
>>> dom = np.repeat(np.arange(4), 5); X = np.column_stack([np.ones(20), rng.normal(size=20)])
>>> y = X @ [1.0, 2.0] + rng.normal(size=4)[dom] + rng.normal(size=20)
>>> fit = fit_nested_error(y, X, dom, "reml")
>>> Xbar = np.array([[1.0, 0.1], [1.0, -0.2], [1.0, 0.0], [1.0, 0.3]]); N = np.full(4, 50.0)
>>> mse, se = bootstrap_bhf_mse(fit, X, dom, Xbar, N, np.arange(4), "reml", 50, np.random.default_rng(1))
>>> bool((mse > 0).all() and (se > 0).all())
True
"""

from __future__ import annotations

import numpy as np

from humsec.sae._bhf_fit import NestedErrorFit, fit_nested_error

__all__ = ["bootstrap_bhf_mse", "eblup_means", "fresh_seed"]


def fresh_seed() -> int:
    """A seed from the system's entropy, small enough to print and give back as ``seed=``."""
    return int(np.random.SeedSequence().generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


def eblup_means(
    fit: NestedErrorFit, y: np.ndarray, X: np.ndarray, dom: np.ndarray, Xbar: np.ndarray,
    N: np.ndarray, codes: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """The EBLUP of every area's mean (``codes``: sampled-area index, -1 out of sample)."""
    D = len(fit.u)
    n_d = np.bincount(dom, minlength=D).astype(float)
    ybar = np.bincount(dom, weights=y, minlength=D) / n_d
    xbar = (
        np.stack([np.bincount(dom, weights=X[:, k], minlength=D) for k in range(X.shape[1])], 1)
        / n_d[:, None]
    )
    est = Xbar @ fit.beta
    rows = np.flatnonzero(codes >= 0)
    d = codes[rows]
    f = n_d[d] / N[rows]
    est[rows] = f * ybar[d] + (Xbar[rows] - f[:, None] * xbar[d]) @ fit.beta + (1 - f) * fit.u[d]
    return est


def bootstrap_bhf_mse(
    fit: NestedErrorFit,
    X: np.ndarray,
    dom: np.ndarray,
    Xbar: np.ndarray,
    N: np.ndarray,
    codes: np.ndarray,
    method: str,
    replicates: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Bootstrap MSE per area and its Monte Carlo SE (SD of the squared errors / √B)."""
    D = len(fit.u)
    n_d = np.bincount(dom, minlength=D).astype(float)
    sigma_u, sigma_e = np.sqrt(fit.sigma2_u), np.sqrt(fit.sigma2_e)
    mu_s = X @ fit.beta
    mu_pop = Xbar @ fit.beta
    finite = np.isfinite(N)
    n_here = np.where(codes >= 0, n_d[np.maximum(codes, 0)], 0.0)
    rest = np.where(finite, N - n_here, 0.0)  # units of the area outside the sample
    share_s = np.where(finite, n_here / np.where(finite, N, 1.0), 0.0)
    share_r = np.where(finite, rest / np.where(finite, N, 1.0), 0.0)
    sq = np.empty((replicates, len(codes)))
    for b in range(replicates):
        u = rng.normal(size=D) * sigma_u
        e = rng.normal(size=len(mu_s)) * sigma_e
        y_b = mu_s + u[dom] + e
        e_mean = np.bincount(dom, weights=e, minlength=D) / n_d
        # one draw of the mean of the units outside the sample (R: rnorm(1, 0, sqrt(σ²ₑ/r_d)))
        e_rest = rng.normal(size=len(codes)) * sigma_e / np.sqrt(np.where(rest > 0, rest, 1.0))
        u_area = np.where(
            codes >= 0, u[np.maximum(codes, 0)], rng.normal(size=len(codes)) * sigma_u
        )
        e_area = (
            np.where(codes >= 0, e_mean[np.maximum(codes, 0)], 0.0) * share_s + e_rest * share_r
        )
        truth = mu_pop + u_area + e_area
        refit = fit_nested_error(y_b, X, dom, method)
        sq[b] = (eblup_means(refit, y_b, X, dom, Xbar, N, codes) - truth) ** 2
    return sq.mean(axis=0), sq.std(axis=0, ddof=1) / np.sqrt(replicates)
