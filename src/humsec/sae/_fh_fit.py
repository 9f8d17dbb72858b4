"""The numbers of the area-level Fay-Herriot model: σ²ᵤ, β, EBLUP and MSE, on plain arrays.

Model: ``y_d = x_d'β + u_d + e_d`` with ``u_d ~ N(0, σ²ᵤ)`` and ``e_d ~ N(0, ψ_d)``, ψ_d known.
σ²ᵤ is found by Fisher scoring from the median of ψ, exactly as R ``sae::eblupFH`` 1.3 (same start,
same stopping rule ``|Δσ²ᵤ / σ²ᵤ| < tol``, same clamp at 0 after the last step), so the numbers
agree with R to the last digits; the MSE is ``sae::mseFH``: Prasad-Rao for the moment (FH) method,
Datta-Lahiri for ML and REML. Traces are computed from p × p matrices (never the m × m projection
``P``), so 5,000 areas take milliseconds.

>>> import numpy as np
>>> y = np.array([1.0, 2.0, 4.0, 3.0, 6.0]); X = np.ones((5, 1)); psi = np.full(5, 0.5)
>>> fit = fit_sigma2(y, X, psi, "reml")
>>> round(fit.sigma2_u, 6)  # with equal ψ, REML is the sample variance minus ψ
3.2
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["METHODS", "FHNumbers", "VarianceFit", "fh_numbers", "fit_sigma2", "out_of_sample_mse"]

#: How σ²ᵤ is estimated (declared once: engine, CLI and docs read it)
METHODS = {
    "reml": "restricted maximum likelihood (Fisher scoring), Datta-Lahiri MSE",
    "ml": "maximum likelihood (Fisher scoring), Datta-Lahiri MSE",
    "fh": "Fay-Herriot moment method, Prasad-Rao MSE",
}


@dataclass(frozen=True)
class VarianceFit:
    """σ²ᵤ after Fisher scoring; ``last`` is the last iterate before the clamp at 0."""

    sigma2_u: float
    last: float
    iterations: int
    converged: bool


def _gls(y: np.ndarray, X: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Q = (X'WX)⁻¹ and β = Q X'W y for diagonal weights w = 1 / (σ²ᵤ + ψ)."""
    Q = np.linalg.inv(X.T @ (w[:, None] * X))
    return Q, Q @ (X.T @ (w * y))


def _score_step(y: np.ndarray, X: np.ndarray, psi: np.ndarray, a: float, method: str) -> float:
    """One Fisher-scoring step s / F for σ²ᵤ = a (the updates of ``sae::eblupFH``)."""
    w = 1.0 / (a + psi)
    Q, beta = _gls(y, X, w)
    resid = y - X @ beta
    if method == "fh":  # moment equation Σ r²/(a+ψ) = m − p
        return float((np.sum(resid**2 * w) - (len(y) - X.shape[1])) / np.sum(w))
    Py = w * resid  # P y, with P = W − WX Q X'W
    if method == "ml":
        return float((-0.5 * np.sum(w) + 0.5 * Py @ Py) / (0.5 * np.sum(w**2)))
    # REML: tr(P) and tr(PP) from p × p products
    X2 = X.T @ ((w**2)[:, None] * X)
    X3 = X.T @ ((w**3)[:, None] * X)
    tr_p = np.sum(w) - np.trace(Q @ X2)
    tr_pp = np.sum(w**2) - 2.0 * np.trace(Q @ X3) + np.trace(Q @ X2 @ Q @ X2)
    return float((-0.5 * tr_p + 0.5 * Py @ Py) / (0.5 * tr_pp))


def fit_sigma2(
    y: np.ndarray,
    X: np.ndarray,
    psi: np.ndarray,
    method: str,
    *,
    max_iter: int = 100,
    tol: float = 1e-4,
) -> VarianceFit:
    """σ²ᵤ by ``method`` (``reml``, ``ml`` or ``fh``), starting from median(ψ) as R ``sae``.

    Where R would divide by an iterate of exactly 0, or step below −min(ψ) (where the variance
    of y would no longer be positive), the iterate is held at 0 and the fit stops there if the
    next step points below 0 again (the boundary solution).
    """
    a = float(np.median(psi))
    k = 0
    diff = tol + 1.0
    while diff > tol and k < max_iter:
        k += 1
        new = a + _score_step(y, X, psi, a, method)
        if not np.isfinite(new):
            return VarianceFit(float("nan"), new, k, False)
        if new <= -float(np.min(psi)):
            new = 0.0
        if a == 0.0:
            if new <= 0.0:  # stays at the boundary
                return VarianceFit(0.0, new, k, True)
            diff = tol + 1.0
        else:
            diff = abs((new - a) / a)
        a = new
    converged = not (k >= max_iter and diff >= tol)
    return VarianceFit(max(a, 0.0), a, k, converged)


@dataclass(frozen=True)
class FHNumbers:
    """Everything the fit returns for the in-sample areas and, through ``beta``/``Q``, the rest."""

    beta: np.ndarray
    cov_beta: np.ndarray  # Q = (X'V⁻¹X)⁻¹
    eblup: np.ndarray
    synthetic: np.ndarray
    gamma: np.ndarray  # σ²ᵤ / (σ²ᵤ + ψ), the weight of the direct estimate
    mse: np.ndarray
    bias_term: float  # b of the MSE (0 for REML), needed for out-of-sample MSE
    loglike: float


def fh_numbers(y: np.ndarray, X: np.ndarray, psi: np.ndarray, a: float, method: str) -> FHNumbers:
    """β, EBLUP and ``sae::mseFH`` MSE at σ²ᵤ = a.

    MSE_d = g1 + g2 + 2·g3 − b·B_d², with B_d = ψ_d/(a+ψ_d), g1 = ψ_d(1−B_d),
    g2 = B_d² x_d'Qx_d, g3 = B_d² V(â)/(a+ψ_d); V(â) = 2/Σ(a+ψ)⁻² for ML/REML and
    2m/(Σ(a+ψ)⁻¹)² for FH; b = 0 (REML), −tr(Q X'V⁻²X)/Σ(a+ψ)⁻² (ML) or
    2(mΣ(a+ψ)⁻² − (Σ(a+ψ)⁻¹)²)/(Σ(a+ψ)⁻¹)³ (FH).
    """
    m = len(y)
    w = 1.0 / (a + psi)
    Q, beta = _gls(y, X, w)
    synthetic = X @ beta
    gamma = a * w
    eblup = synthetic + gamma * (y - synthetic)
    B = psi * w
    sum_w, sum_w2 = float(np.sum(w)), float(np.sum(w**2))
    g1 = psi * (1.0 - B)
    g2 = B**2 * np.einsum("ij,jk,ik->i", X, Q, X)
    if method == "fh":
        var_a = 2.0 * m / sum_w**2
        b = 2.0 * (m * sum_w2 - sum_w**2) / sum_w**3
    else:
        var_a = 2.0 / sum_w2
        b = 0.0
        if method == "ml":
            b = -float(np.trace(Q @ (X.T @ ((w**2)[:, None] * X)))) / sum_w2
    g3 = B**2 * var_a * w
    mse = g1 + g2 + 2.0 * g3 - b * B**2
    resid = y - synthetic
    loglike = -0.5 * float(np.sum(np.log(2.0 * np.pi * (a + psi)) + resid**2 * w))
    return FHNumbers(beta, Q, eblup, synthetic, gamma, mse, b, loglike)


def out_of_sample_mse(X_out: np.ndarray, numbers: FHNumbers, a: float) -> np.ndarray:
    """MSE of the synthetic estimate x'β̂ of an area without a direct estimate.

    The limit of the in-sample MSE as ψ_d → ∞ (B_d → 1, g3 → 0): σ²ᵤ + x'Qx − b, i.e. the
    area effect, the uncertainty of β̂ and the bias correction of σ̂²ᵤ (ML/FH).
    """
    return a + np.einsum("ij,jk,ik->i", X_out, numbers.cov_beta, X_out) - numbers.bias_term
