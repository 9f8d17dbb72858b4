"""Survey weights in the unit-level model: the pseudo-EBLUP of You & Rao (2002) that the pseudo-EBP
of Guadarrama, Molina & Rao (2018) uses.

The variance components come from the unweighted fit; then, with the weights w_dj of area d,

    γ_dw = σ²ᵤ / (σ²ᵤ + σ²ₑ δ²_d),   δ²_d = Σ_j w²_dj / (Σ_j w_dj)²,
    β_w  = [Σ_dj w_dj x_dj (x_dj − γ_dw x̄_dw)']⁻¹ Σ_dj w_dj x_dj (y_dj − γ_dw ȳ_dw),
    û_dw = γ_dw (ȳ_dw − x̄_dw' β_w),

with ȳ_dw, x̄_dw the weighted area means. Equal weights within every area give δ²_d = 1/n_d, γ_dw = γ_d
and β_w = the GLS β̂ (the same equations), so the pseudo-EBP is then the EBP.

>>> import numpy as np
>>> from humsec.sae._bhf_fit import fit_nested_error
>>> rng = np.random.default_rng(0)
>>> dom = np.repeat(np.arange(10), 8)
>>> X = np.column_stack([np.ones(80), rng.normal(size=80)])
>>> y = X @ [1.0, 2.0] + rng.normal(0, 0.5, 10)[dom] + rng.normal(size=80)
>>> fit = fit_nested_error(y, X, dom, "reml")
>>> same = pseudo_fit(fit, y, X, dom, np.full(80, 3.0))
>>> bool(np.allclose(same.beta, fit.beta) and np.allclose(same.u, fit.u))
True
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from humsec.sae._bhf_fit import NestedErrorFit

__all__ = ["pseudo_fit"]


def pseudo_fit(fit: NestedErrorFit, y: np.ndarray, X: np.ndarray, dom: np.ndarray, w: np.ndarray) -> NestedErrorFit:
    """``fit`` (unweighted: σ²ᵤ, σ²ₑ) with β, u and γ from the weighted equations above.

    ``cov_beta`` is NaN: the design-based variance of β_w is not the model's (the MSE comes from
    the bootstrap, which refits with the same weights).
    """
    D = int(dom.max()) + 1
    sw = np.bincount(dom, weights=w, minlength=D)
    sw2 = np.bincount(dom, weights=w * w, minlength=D)
    delta2 = sw2 / sw**2
    denom = fit.sigma2_u + fit.sigma2_e * delta2
    gamma = np.divide(fit.sigma2_u, denom, out=np.zeros(D), where=denom > 0)
    ybar = np.bincount(dom, weights=w * y, minlength=D) / sw
    xbar = np.column_stack([np.bincount(dom, weights=w * X[:, k], minlength=D) for k in range(X.shape[1])]) / sw[:, None]
    g = gamma[dom]
    wX = X * w[:, None]
    lhs = wX.T @ (X - g[:, None] * xbar[dom])
    rhs = wX.T @ (y - g * ybar[dom])
    beta = np.linalg.solve(lhs, rhs)
    u = gamma * (ybar - xbar @ beta)
    return replace(fit, beta=beta, u=u, gamma=gamma, cov_beta=np.full_like(fit.cov_beta, np.nan))
