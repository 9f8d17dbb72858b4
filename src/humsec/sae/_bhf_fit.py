"""The numbers of the nested-error (Battese-Harter-Fuller) unit-level model, on plain arrays.

Model: ``y_dj = x_dj'β + u_d + e_dj`` with ``u_d ~ N(0, σ²ᵤ)`` and ``e_dj ~ N(0, σ²ₑ)``. With
``λ = σ²ᵤ/σ²ₑ`` the covariance of area d is ``σ²ₑ(I + λ11')``, whose inverse and determinant are
closed-form, so the (restricted) log-likelihood profiled over β and σ²ₑ is a function of λ alone and
is maximised by bounded Brent search to ~1e-12 (R ``sae::eblupBHF`` uses ``lme4::lmer``; the
criterion is the same, so the optimum is the same).

>>> import numpy as np
>>> y = np.array([1.0, 2.0, 4.0, 5.0, 7.0, 9.0]); X = np.ones((6, 1)); dom = np.array([0, 0, 1, 1, 2, 2])
>>> fit = fit_nested_error(y, X, dom, "reml")
>>> round(fit.sigma2_u, 6), round(fit.sigma2_e, 6)  # balanced: REML = ANOVA, (MSB - MSW)/2 and MSW
(10.083333, 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import optimize

__all__ = ["BHF_METHODS", "NestedErrorFit", "fit_nested_error"]

#: How the variance components are estimated (declared once: engine, CLI and docs read it)
BHF_METHODS = {
    "reml": "restricted maximum likelihood (as lme4::lmer, REML = TRUE)",
    "ml": "maximum likelihood (as lme4::lmer, REML = FALSE)",
}


@dataclass(frozen=True)
class NestedErrorFit:
    """Variance components, GLS β with its covariance, predicted area effects per sampled area."""

    sigma2_u: float
    sigma2_e: float
    beta: np.ndarray
    cov_beta: np.ndarray
    u: np.ndarray  # predicted u_d, one per sampled area (index = area code 0..D-1)
    gamma: np.ndarray  # σ²ᵤ / (σ²ᵤ + σ²ₑ/n_d)
    loglike: float


class _Sums:
    """Per-area sums that make every λ cheap to evaluate (no n × n matrix is formed)."""

    def __init__(self, y: np.ndarray, X: np.ndarray, dom: np.ndarray) -> None:
        D = int(dom.max()) + 1
        self.n_d = np.bincount(dom, minlength=D).astype(float)
        self.sy = np.bincount(dom, weights=y, minlength=D)
        self.sX = np.stack(
            [np.bincount(dom, weights=X[:, k], minlength=D) for k in range(X.shape[1])], 1
        )
        self.XtX, self.Xty, self.yty = X.T @ X, X.T @ y, float(y @ y)
        self.n, self.p = len(y), X.shape[1]

    def gls(self, lam: float) -> tuple[np.ndarray, np.ndarray, float, float]:
        """β̂, (X'HX)⁻¹, r'Hr and Σ log(1 + λn_d) with H = (I + λZZ')⁻¹."""
        c = lam / (1.0 + lam * self.n_d)  # H_d = I - c_d 11'
        XHX = self.XtX - (self.sX * c[:, None]).T @ self.sX
        XHy = self.Xty - (self.sX * c[:, None]).T @ self.sy
        yHy = self.yty - c @ self.sy**2
        inv = np.linalg.inv(XHX)
        beta = inv @ XHy
        rHr = yHy - XHy @ beta
        return beta, inv, rHr, np.sum(np.log1p(lam * self.n_d))

    def loglike(self, lam: Any, method: str) -> Any:
        _, inv, rHr, logdet = self.gls(lam)
        if method == "ml":
            dof = self.n
            extra = 0.0
        else:
            dof = self.n - self.p
            sign, logabs = np.linalg.slogdet(inv)
            extra = -(logabs + np.log(sign))  # log|X'HX| (complex-safe for the complex-step score)
        s2 = rHr / dof
        return -0.5 * (logdet + extra + dof * (1.0 + np.log(2.0 * np.pi * s2)))


def fit_nested_error(y: np.ndarray, X: np.ndarray, dom: np.ndarray, method: str) -> NestedErrorFit:
    """Fit by REML or ML; ``dom`` holds area codes 0..D-1 (every code sampled)."""
    sums = _Sums(y, X, dom)

    def negative(t: float) -> float:
        return -sums.loglike(t * t, method)  # λ = t² keeps the search on λ ≥ 0

    upper = 10.0
    while True:  # widen the bracket until the optimum is inside it
        res = optimize.minimize_scalar(
            negative,
            bounds=(0.0, upper),
            method="bounded",
            options={"xatol": 1e-12, "maxiter": 2000},
        )
        if res.x < 0.99 * upper or upper > 1e8:
            break
        upper *= 100.0
    t = float(res.x)
    if negative(0.0) <= res.fun:  # the boundary λ = 0 is at least as good
        t = 0.0
    lam = _polish(sums, t * t, method)
    beta, inv, rHr, _ = sums.gls(lam)
    dof = sums.n if method == "ml" else sums.n - sums.p
    sigma2_e = rHr / dof
    sigma2_u = lam * sigma2_e
    resid_sum = sums.sy - sums.sX @ beta
    gamma = lam * sums.n_d / (1.0 + lam * sums.n_d)
    u = gamma * resid_sum / sums.n_d
    return NestedErrorFit(
        sigma2_u=float(sigma2_u),
        sigma2_e=float(sigma2_e),
        beta=beta,
        cov_beta=inv * sigma2_e,
        u=u,
        gamma=gamma,
        loglike=float(sums.loglike(lam, method)),
    )


def _polish(sums: _Sums, lam: float, method: str) -> float:
    """Solve the score equation near the Brent optimum: the likelihood is so flat at its top that
    its value alone fixes σ²ᵤ only to ~1e-5; its derivative (complex step, exact to rounding) is a
    root to 1e-12."""
    if lam == 0.0:
        return 0.0
    h = 1e-20 * max(lam, 1.0)

    def score(x: float) -> float:
        return float(np.imag(sums.loglike(complex(x, h), method)) / h)

    lo, hi = lam * 0.9, lam * 1.1
    if score(lo) > 0 > score(hi):
        return float(optimize.brentq(score, lo, hi, xtol=1e-15, rtol=4 * np.finfo(float).eps))
    return lam
