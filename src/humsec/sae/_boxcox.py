"""The Box-Cox λ of the EBP estimated from the survey, as emdi's ``transformation = "box.cox"``.

λ maximises the restricted (or full) log-likelihood of the nested-error model fitted to the
*standardised* transform ``z = ((y + shift)^λ − 1) / (λ ġ^(λ−1))`` (ġ the geometric mean of
``y + shift``; ``ġ log(y + shift)`` at λ = 0). Its Jacobian is 1, so the likelihoods of different λ
compare (Box & Cox 1964); the EBP then uses the plain transform at λ̂, which differs from z by a
constant factor only (the model's scale), so the predictions are the same.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> dom = np.repeat(np.arange(20), 25)
>>> X = np.column_stack([np.ones(500), rng.normal(size=500)])
>>> y = np.exp(1 + 0.5 * X[:, 1] + rng.normal(0, 0.3, 20)[dom] + rng.normal(0, 0.5, 500))
>>> lam, _ = estimate_boxcox_lambda(y, 0.0, X, dom, "reml")
>>> abs(lam) < 0.15  # log-normal data: λ near 0
True
"""

from __future__ import annotations

import numpy as np
from scipy import optimize

from humsec.sae._bhf_fit import fit_nested_error

__all__ = ["BOXCOX_BOUNDS", "estimate_boxcox_lambda", "standardised_boxcox"]

#: the interval searched for λ (emdi's default)
BOXCOX_BOUNDS = (-1.0, 2.0)


def standardised_boxcox(x: np.ndarray, lam: float) -> np.ndarray:
    """``((x^λ − 1) / λ) / ġ^(λ−1)`` (``ġ log x`` at λ = 0), ġ the geometric mean of ``x > 0``."""
    log_x = np.log(x)
    g = float(np.exp(log_x.mean()))
    if abs(lam) < 1e-6:
        return g * log_x
    return (np.exp(lam * log_x) - 1.0) / (lam * g ** (lam - 1.0))


def estimate_boxcox_lambda(
    y: np.ndarray, shift: float, X: np.ndarray, dom: np.ndarray, method: str
) -> tuple[float, list[str]]:
    """λ̂ in :data:`BOXCOX_BOUNDS` and the notes (a λ̂ at a bound is said)."""
    x = y + shift

    def negative(lam: float) -> float:
        return -fit_nested_error(standardised_boxcox(x, lam), X, dom, method).loglike

    res = optimize.minimize_scalar(negative, bounds=BOXCOX_BOUNDS, method="bounded", options={"xatol": 1e-5})
    lam = float(res.x)
    notes = [
        f"Box-Cox lambda estimated from the survey: {lam:.4f} (the {method.upper()} log-likelihood of the "
        f"model on the standardised transform, maximised over [{BOXCOX_BOUNDS[0]:g}, {BOXCOX_BOUNDS[1]:g}], as emdi)."
    ]
    if min(abs(lam - b) for b in BOXCOX_BOUNDS) < 1e-3:
        notes.append(
            f"The Box-Cox lambda is at the edge of [{BOXCOX_BOUNDS[0]:g}, {BOXCOX_BOUNDS[1]:g}]: the data may "
            "need another transformation (or a shift)."
        )
    return lam, notes
