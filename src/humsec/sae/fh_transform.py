"""Fay-Herriot with a transformed outcome (log, arcsine square root) and bootstrap MSE (the emdi approach).

The direct estimates y and their variances ψ are moved to a scale where the model fits better:
``log(y)`` with ``ψ/y²`` for positive values, ``asin(√y)`` with ``ψ/(4y(1 − y))`` for shares
(delta method). The Fay-Herriot EBLUP θ̂* is computed there (σ²ᵤ by REML, ML or the moment
method, as :class:`~humsec.sae.FayHerriot`) and moved back with the bias correction
``E[h⁻¹(θ*)]`` for ``θ* ~ N(θ̂*, v)``: ``v = γψ*`` in sample, ``σ̂²ᵤ`` out of sample, in closed form
``exp(θ̂* + v/2)`` (log) and ``(1 − e^(−2v)·cos 2θ̂*)/2`` (arcsine). The naive ``h⁻¹(θ̂*)`` would be
biased (Jensen). The MSE on the original scale is a parametric bootstrap (Kreutzmann et al. 2019
after González-Manteiga et al. 2008): B times draw ``θ*_b = x'β̂ + u*``, the truth ``h⁻¹(θ*_b)``,
``y*_b = θ*_b + e*`` in sample, refit and back-transform; a replicate whose refit does not converge
is redrawn (as R ``sae``'s bootstrap), and the notes count them.

>>> import pandas as pd
>>> data = pd.DataFrame({"area": list("abcdef"), "p": [0.1, 0.3, 0.2, 0.5, 0.4, None],
...                      "x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "v": [0.002, 0.004, 0.003, 0.005, 0.004, None]})
>>> result = TransformedFayHerriot(formula="p ~ x", variance="v", area="area", transform="arcsin",
...                                bootstrap=20, seed=1).fit(data)
>>> table = result.to_frame()
>>> bool(table["estimate"].between(0, 1).all()), bool((table["mse"] > 0).all())
(True, True)
>>> bool(table["ci_low"].ge(0).all() and table["ci_high"].le(1).all())
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from humsec.core.errors import DataError, ParameterError
from humsec.core.params import Constraint, Interval, OneOf, Optional, validate_params
from humsec.sae._bhf_mse import fresh_seed
from humsec.sae._fh_fit import METHODS, FHNumbers, fh_numbers, fit_sigma2
from humsec.sae._params import ColumnName, Formula
from humsec.sae.fay_herriot import _coefficient_table, _rows, _values, prepare_areas
from humsec.sae.fit_measures import fh_r2
from humsec.sae.result import FHResult

__all__ = ["FH_TRANSFORMS", "TransformedFayHerriot"]


@dataclass(frozen=True)
class _Transform:
    forward: Callable[[np.ndarray], np.ndarray]
    variance: Callable[[np.ndarray, np.ndarray], np.ndarray]  # delta method: ψ* from (y, ψ)
    inverse: Callable[[np.ndarray], np.ndarray]
    corrected: Callable[[np.ndarray, np.ndarray], np.ndarray]  # E[h⁻¹(T)], T ~ N(mean, var)
    valid: Callable[[np.ndarray], np.ndarray]
    expected: str
    bounds: tuple[float, float]


def _sin2_mean(m: np.ndarray, v: np.ndarray) -> np.ndarray:
    # E[sin²T] = (1 − E[cos 2T])/2 and E[cos 2T] = e^(−2v)·cos 2m for T ~ N(m, v)
    return (1.0 - np.exp(-2.0 * v) * np.cos(2.0 * m)) / 2.0


#: Transformations of the direct estimates (declared once: engine, CLI and docs read them)
FH_TRANSFORMS = {
    "log": _Transform(
        forward=np.log,
        variance=lambda y, psi: psi / y**2,
        inverse=np.exp,
        corrected=lambda m, v: np.exp(m + v / 2.0),
        valid=lambda y: y > 0,
        expected="positive values (log)",
        bounds=(0.0, np.inf),
    ),
    "arcsin": _Transform(
        forward=lambda y: np.arcsin(np.sqrt(y)),
        variance=lambda y, psi: psi / (4.0 * y * (1.0 - y)),
        inverse=lambda t: np.sin(t) ** 2,
        corrected=_sin2_mean,
        valid=lambda y: (y > 0) & (y < 1),
        expected="shares strictly between 0 and 1 (arcsine square root; a share of exactly 0 or 1 "
        "has no delta-method variance: leave its estimate empty to predict it out of sample)",
        bounds=(0.0, 1.0),
    ),
}

_MAX_REDRAWS = 10  # per replicate: a refit that keeps failing means the model itself is unstable


class TransformedFayHerriot:
    """Fay-Herriot EBLUP on the log or arcsine scale, bias-corrected back, bootstrap MSE.

    Parameters are stored as given and checked by :meth:`fit`.

    Parameters
    ----------
    formula : str
        ``"y ~ x1 + x2"``: direct estimates on the left (empty: out of sample), covariates right.
    variance : str
        Column of the sampling variances of the direct estimates, on their own scale (> 0).
    area : str or None, default None
        Column naming the areas (unique).
    transform : {"log", "arcsin"}, default "log"
        ``humsec.sae.FH_TRANSFORMS``.
    effective_n : str or None, default None
        With ``"arcsin"``: column of effective sample sizes n (sample size over design effect);
        the transformed variance is then ``1/(4n)`` (emdi's ``eff_smpsize``) instead of the delta
        method, and shares of exactly 0 or 1 are allowed.
    method : {"reml", "ml", "fh"}, default "reml"
        σ²ᵤ estimator on the transformed scale.
    bootstrap : int, default 100
        Bootstrap replicates B of the MSE (≥ 2).
    seed : int or None
        Seed of the bootstrap (None: drawn and reported in the notes).
    level : float, default 0.95
        Confidence level of the intervals estimate ± z·√MSE (clipped to the outcome's range).
    max_iter, tol
        Fisher scoring, as :class:`~humsec.sae.FayHerriot`.
    """

    _parameter_constraints: ClassVar[dict[str, Constraint]] = {
        "formula": Formula(),
        "variance": ColumnName(),
        "area": Optional(ColumnName()),
        "transform": OneOf(*FH_TRANSFORMS),
        "effective_n": Optional(ColumnName()),
        "method": OneOf(*METHODS),
        "bootstrap": Interval(2, 100_000, closed="both", integer=True),
        "seed": Optional(Interval(0, None, closed="left", integer=True)),
        "level": Interval(0, 1),
        "max_iter": Interval(1, None, closed="left", integer=True),
        "tol": Interval(0, None),
    }

    def __init__(
        self,
        *,
        formula: str,
        variance: str,
        area: str | None = None,
        transform: str = "log",
        effective_n: str | None = None,
        method: str = "reml",
        bootstrap: int = 100,
        seed: int | None = None,
        level: float = 0.95,
        max_iter: int = 100,
        tol: float = 1e-4,
    ) -> None:
        self.formula = formula
        self.variance = variance
        self.area = area
        self.transform = transform
        self.effective_n = effective_n
        self.method = method
        self.bootstrap = bootstrap
        self.seed = seed
        self.level = level
        self.max_iter = max_iter
        self.tol = tol

    def get_params(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._parameter_constraints}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"TransformedFayHerriot({args})"

    def fit(self, data: Any, *, source: str | None = None) -> FHResult:
        """Fit on ``data`` (one row per area). ``source`` names the file in errors."""
        validate_params(self)
        if self.effective_n is not None and self.transform != "arcsin":
            msg = (
                "The 'effective_n' parameter of TransformedFayHerriot must be None unless "
                f"transform='arcsin'. Got {self.effective_n!r} instead."
            )
            raise ParameterError(msg)
        prep = prepare_areas(self, data, source)
        tr = FH_TRANSFORMS[self.transform]
        ins = prep.in_sample
        y = prep.y[ins]
        n_eff = self._effective_n(data, prep) if self.effective_n else None
        bad = ~tr.valid(y) if n_eff is None else ~((y >= 0) & (y <= 1))
        if bad.any():
            mask = np.zeros(len(prep.y), dtype=bool)
            mask[np.flatnonzero(ins)[bad]] = True
            frame = pd.Series(prep.y)
            raise DataError(
                f"Column {prep.y_col!r}{prep.where}: the {self.transform} transformation needs "
                f"{tr.expected if n_eff is None else 'shares between 0 and 1'}; "
                f"{_rows(mask, prep.areas)} have {_values(frame, mask)}."
            )
        t = tr.forward(y)
        psi_t = tr.variance(y, prep.psi[ins]) if n_eff is None else 1.0 / (4.0 * n_eff[ins])
        X, X_all = prep.X_all[ins], prep.X_all
        numbers, s2u = self._fit(t, X, psi_t, prep.where)
        estimate, naive = _back(tr, numbers, s2u, psi_t, X_all, ins)
        how = "delta-method variances" if n_eff is None else f"variances 1/(4n), n from {self.effective_n!r}"
        notes = [
            f"Model fitted to {self.transform}(direct) with {how}; estimates are "
            "moved back with the bias correction E[h^-1(theta*)] (naive h^-1 in column 'naive')."
        ]
        if s2u == 0.0:
            notes.append(
                f"sigma2_u estimated at the boundary 0 ({self.method.upper()}): every estimate is "
                "the back-transformed synthetic (regression) estimate."
            )
        if (~ins).any():
            notes.append(
                f"{int((~ins).sum())} area(s) without a direct estimate get the back-transformed "
                "synthetic estimate (area effect integrated over N(0, sigma2_u))."
            )
        seed = self.seed if self.seed is not None else fresh_seed()
        if self.seed is None:
            notes.append(f"Bootstrap draws from seed {seed} (give seed={seed} to repeat them).")
        mse, mse_se, redrawn = self._bootstrap(
            tr, numbers, s2u, psi_t, X_all, ins, np.random.default_rng(seed)
        )
        notes.append(
            f"MSE: parametric bootstrap on the original scale, B = {self.bootstrap} replicates "
            f"(mse_se is its Monte Carlo SE); {redrawn} replicate(s) redrawn because the refit did "
            "not converge."
        )
        table = pd.DataFrame(
            {
                "area": prep.areas,
                "direct": np.where(ins, prep.y, np.nan),
                "direct_se": np.where(ins, np.sqrt(np.where(ins, prep.psi, 0.0)), np.nan),
                "estimate": estimate,
                "mse": mse,
                "synthetic": tr.corrected(X_all @ numbers.beta, np.full(len(ins), s2u)),
                "gamma": np.where(ins, 0.0, 0.0),
                "in_sample": ins,
                "naive": naive,
                "mse_se": mse_se,
            }
        )
        table.loc[ins, "gamma"] = numbers.gamma
        return FHResult(
            table,
            coefficients=_coefficient_table(prep.terms, numbers.beta, numbers.cov_beta),
            sigma2_u=s2u,
            iterations=0,
            loglike=numbers.loglike,
            n_params=X.shape[1] + 1,
            params=self.get_params(),
            notes=notes,
            backend=prep.backend,
            level=float(self.level),
            r2=fh_r2(t, X, psi_t),
            bounds=tr.bounds,
        )

    def _effective_n(self, data: Any, prep: Any) -> np.ndarray:
        from humsec.core.frames import to_narwhals

        frame = to_narwhals(data).to_pandas().reset_index(drop=True)
        name = str(self.effective_n)
        if name not in frame.columns:
            from humsec.core.errors import ColumnNotFoundError

            raise ColumnNotFoundError([name], [str(c) for c in frame.columns], None)
        n = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)
        bad = prep.in_sample & ~(n > 0)
        if bad.any():
            raise DataError(
                f"Column {name!r}{prep.where}: the effective sample size must be > 0 where a direct "
                f"estimate exists; {_rows(bad, prep.areas)} have {_values(frame[name], bad)}."
            )
        return n

    def _fit(
        self, t: np.ndarray, X: np.ndarray, psi: np.ndarray, where: str
    ) -> tuple[FHNumbers, float]:
        fit = fit_sigma2(t, X, psi, self.method, max_iter=self.max_iter, tol=self.tol)
        if not fit.converged:
            raise DataError(
                f"The {self.method.upper()} estimate of sigma2_u did not converge in "
                f"{self.max_iter} iterations on the {self.transform} scale{where}; raise max_iter "
                "or try method='fh'."
            )
        return fh_numbers(t, X, psi, fit.sigma2_u, self.method), fit.sigma2_u

    def _bootstrap(
        self,
        tr: _Transform,
        numbers: FHNumbers,
        s2u: float,
        psi: np.ndarray,
        X_all: np.ndarray,
        ins: np.ndarray,
        rng: np.random.Generator,
    ) -> tuple[np.ndarray, np.ndarray, int]:
        mean = X_all @ numbers.beta
        sq = np.empty((self.bootstrap, len(mean)))
        redrawn = 0
        for b in range(self.bootstrap):
            for _ in range(_MAX_REDRAWS):
                theta = mean + rng.normal(size=len(mean)) * np.sqrt(s2u)
                t_b = theta[ins] + rng.normal(size=len(psi)) * np.sqrt(psi)
                fit = fit_sigma2(
                    t_b, X_all[ins], psi, self.method, max_iter=self.max_iter, tol=self.tol
                )
                if fit.converged:
                    break
                redrawn += 1
            else:
                raise DataError(
                    f"The bootstrap refit of sigma2_u failed {_MAX_REDRAWS} times in a row on the "
                    f"{self.transform} scale: the model is unstable for these data; try method='fh'."
                )
            refit = fh_numbers(t_b, X_all[ins], psi, fit.sigma2_u, self.method)
            est, _ = _back(tr, refit, fit.sigma2_u, psi, X_all, ins)
            sq[b] = (est - tr.inverse(theta)) ** 2
        return sq.mean(axis=0), sq.std(axis=0, ddof=1) / np.sqrt(self.bootstrap), redrawn


def _back(
    tr: _Transform,
    numbers: FHNumbers,
    s2u: float,
    psi: np.ndarray,
    X_all: np.ndarray,
    ins: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Bias-corrected and naive back-transformed predictions of every area."""
    m = X_all @ numbers.beta
    v = np.full(len(m), s2u)
    m[ins] = numbers.eblup
    v[ins] = numbers.gamma * psi  # g1: the conditional variance of θ* given the direct estimate
    return tr.corrected(m, v), tr.inverse(m)
