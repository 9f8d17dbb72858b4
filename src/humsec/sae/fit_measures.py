"""How much of the between-area variation the Fay-Herriot covariates explain: R² and adjusted R².

As emdi's ``summary`` of an ``fh`` model (``model_select``): ``R2`` is the OLS adjusted R² of the
direct estimates on the covariates, ``1 − MSE/MST``; ``AdjR2`` is the Lahiri & Suntornchost (2015)
version for direct estimates that carry sampling error ψ: the sampling variance is taken out of both
mean squares, ``1 − h(MSE, D_w)/h(MST, D̄)`` with the smooth positive part ``h(x, b) = 2x/(1 + e^{2b/x})``,
``D_w = Σ(1 − h_ii)ψ_i/(m − p)`` (h_ii the OLS leverages) and ``D̄ = Σψ_i/m``. With ψ → 0 the two
agree; large ψ (noisy direct estimates) lowers the adjusted value.

>>> import numpy as np
>>> X = np.column_stack([np.ones(6), [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]])
>>> y = np.array([1.0, 3.0, 2.0, 5.0, 4.0, 6.5])
>>> r2, adj = fh_r2(y, X, np.full(6, 1e-9))
>>> round(r2, 6) == round(adj, 6)
True
"""

from __future__ import annotations

import numpy as np

__all__ = ["fh_r2"]


def _soft_positive(x: float, b: float) -> float:
    """h(x, b) = 2x / (1 + exp(2b/x)): ~x − b for x ≫ b, positive and → 0 as x → 0."""
    with np.errstate(over="ignore"):
        return float(2.0 * x / (1.0 + np.exp(2.0 * b / x))) if x > 0 else 0.0


def fh_r2(y: np.ndarray, X: np.ndarray, psi: np.ndarray) -> tuple[float, float]:
    """(R², adjusted R²) of the in-sample direct estimates ``y`` on ``X`` with sampling variances ``psi``."""
    m, p = X.shape
    q, _ = np.linalg.qr(X)
    leverage = np.sum(q**2, axis=1)
    resid = y - q @ (q.T @ y)
    mse = float(resid @ resid) / (m - p)
    mst = float(np.sum((y - y.mean()) ** 2)) / (m - 1)
    r2 = 1.0 - mse / mst
    d_w = float(np.sum((1.0 - leverage) * psi)) / (m - p)
    d_bar = float(np.mean(psi))
    spread = _soft_positive(mst, d_bar)  # 0 when sampling noise swamps the spread of the estimates
    adj = 1.0 - _soft_positive(mse, d_w) / spread if spread > 0 else float("nan")
    return r2, adj
