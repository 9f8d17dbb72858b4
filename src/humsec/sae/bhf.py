"""Unit-level nested-error (Battese-Harter-Fuller) EBLUP of area means, numbers as R ``sae::eblupBHF``.

Survey units carry the outcome and covariates; a second table gives, per area, the population
means of the model's covariate terms and (optionally) the population size N_d. The EBLUP of the
area mean is ``f_d·ȳ_d + (X̄_d − f_d·x̄_d)'β̂ + (1 − f_d)·û_d`` with sampling fraction ``f_d = n_d/N_d``;
areas of the means table without survey units get the synthetic estimate ``X̄_d'β̂``.

>>> import pandas as pd
>>> survey = pd.DataFrame({"area": list("aabbcc"), "y": [1.0, 2.0, 4.0, 5.0, 7.0, 9.0],
...                        "x": [0.0, 1.0, 1.0, 2.0, 3.0, 3.0]})
>>> means = pd.DataFrame({"area": list("abcd"), "x": [0.6, 1.4, 3.1, 2.0], "N": [50, 60, 70, 80]})
>>> result = BatteseHarterFuller(formula="y ~ x", area="area", popsize="N").fit(survey, means)
>>> print(result.to_frame()[["area", "n", "direct", "estimate", "in_sample"]].round(3).to_string(index=False))
area  n  direct  estimate  in_sample
   a  2     1.5     2.129       True
   b  2     4.5     4.044       True
   c  2     8.0     8.060       True
   d  0     NaN     5.455      False
"""

from __future__ import annotations

import difflib
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from humsec.core.errors import ColumnNotFoundError, DataError, ParameterError
from humsec.core.frames import native_backend, to_narwhals
from humsec.core.params import Constraint, Interval, OneOf, Optional, validate_params
from humsec.sae._bhf_fit import BHF_METHODS, fit_nested_error
from humsec.sae._bhf_mse import bootstrap_bhf_mse, fresh_seed
from humsec.sae._params import ColumnName, Formula
from humsec.sae._units import area_labels, survey_units
from humsec.sae.bhf_result import BHFResult
from humsec.sae.fay_herriot import _coefficient_table, _rows, _values

__all__ = ["BatteseHarterFuller"]

_PARAMS = ("formula", "area", "popsize", "method", "bootstrap", "seed", "level")


class BatteseHarterFuller:
    """Nested-error unit-level model (EBLUP of area means), as R ``sae::eblupBHF``.

    Parameters are stored as given and checked by :meth:`fit`.

    Parameters
    ----------
    formula : str
        ``"y ~ x1 + x2"`` over the survey's columns (formulaic / R syntax; intercept implied).
    area : str
        Column naming the area, in both the survey and the means table.
    popsize : str or None, default None
        Column of the means table holding the population size N_d (number of units); without it the
        sampling fractions are taken as 0 (a note says so).
    method : {"reml", "ml"}, default "reml"
        How σ²ᵤ and σ²ₑ are estimated (see ``humsec.sae.BHF_METHODS``).
    bootstrap : int, default 0
        Replicates B of the parametric-bootstrap MSE (``sae::pbmseBHF``; R's default is 200);
        0: no MSE and no intervals.
    seed : int or None
        Seed of the bootstrap draws (None: drawn from the system and reported in the notes).
    level : float, default 0.95
        Confidence level of the intervals estimate ± z·√MSE.
    """

    def __init__(
        self,
        *,
        formula: str,
        area: str,
        popsize: str | None = None,
        method: str = "reml",
        bootstrap: int = 0,
        seed: int | None = None,
        level: float = 0.95,
    ) -> None:
        self.formula = formula
        self.area = area
        self.popsize = popsize
        self.method = method
        self.bootstrap = bootstrap
        self.seed = seed
        self.level = level

    _parameter_constraints: ClassVar[dict[str, Constraint]] = {
        "formula": Formula(),
        "area": ColumnName(),
        "popsize": Optional(ColumnName()),
        "method": OneOf(*BHF_METHODS),
        "bootstrap": Interval(0, 100_000, closed="both", integer=True),
        "seed": Optional(Interval(0, None, closed="left", integer=True)),
        "level": Interval(0, 1),
    }

    def get_params(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _PARAMS}

    def __repr__(self) -> str:
        return (
            "BatteseHarterFuller("
            + ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
            + ")"
        )

    def _check_params(self) -> None:
        validate_params(self)
        if self.bootstrap == 1:
            msg = "The 'bootstrap' parameter of BatteseHarterFuller must be 0 (no MSE) or at least 2. Got 1 instead."
            raise ParameterError(msg)

    def fit(
        self,
        survey: Any,
        means: Any,
        *,
        source: str | None = None,
        means_source: str | None = None,
    ) -> BHFResult:
        """Fit on ``survey`` (one row per unit) and predict the areas of ``means`` (one row per area)."""
        self._check_params()
        backend = native_backend(survey)
        units = to_narwhals(survey).to_pandas().reset_index(drop=True)
        pop = to_narwhals(means).to_pandas().reset_index(drop=True)
        where_m = f" of {means_source}" if means_source else ""
        units_ = survey_units(self.formula, self.area, units, source)
        notes = list(units_.notes)
        X, y, terms, unit_area = units_.X, units_.y, units_.terms, units_.area
        areas, Xbar, N = self._population(pop, terms, where_m, means_source, unit_area, notes)
        code = {a: i for i, a in enumerate(np.unique(unit_area))}
        dom = np.array([code[a] for a in unit_area])
        fit = fit_nested_error(y, X, dom, self.method)
        if fit.sigma2_u == 0.0:
            notes.append(
                f"sigma2_u estimated at the boundary 0 ({self.method.upper()}): no area effect beyond the "
                "unit errors, so every estimate is the regression (synthetic) estimate."
            )
        table = _estimate_table(areas, Xbar, N, code, dom, y, X, fit)
        table["mse"], table["mse_se"] = np.nan, np.nan
        if self.bootstrap:
            seed = self.seed if self.seed is not None else fresh_seed()
            if self.seed is None:
                notes.append(f"Bootstrap draws from seed {seed} (give seed={seed} to repeat them).")
            codes = np.array([code.get(a, -1) for a in areas])
            mse, mse_se = bootstrap_bhf_mse(
                fit,
                X,
                dom,
                Xbar,
                N,
                codes,
                self.method,
                self.bootstrap,
                np.random.default_rng(seed),
            )
            table["mse"], table["mse_se"] = mse, mse_se
            notes.append(
                f"MSE: parametric bootstrap with B = {self.bootstrap} replicates (as R sae::pbmseBHF); "
                "mse_se is its Monte Carlo SE."
            )
        else:
            notes.append("No bootstrap replicates (bootstrap=0): no MSE and no intervals.")
        if (~table["in_sample"]).any():
            notes.append(
                f"{int((~table['in_sample']).sum())} area(s) of the means table without survey units get "
                "the synthetic estimate (population means of the covariates times beta)."
            )
        return BHFResult(
            table,
            coefficients=_coefficient_table(terms, fit.beta, fit.cov_beta),
            sigma2_u=fit.sigma2_u,
            sigma2_e=fit.sigma2_e,
            loglike=fit.loglike,
            n_units=len(X),
            params=self.get_params(),
            notes=notes,
            backend=backend,
            level=self.level,
        )

    def _population(
        self,
        pop: pd.DataFrame,
        terms: list[str],
        where: str,
        source: str | None,
        unit_area: np.ndarray,
        notes: list[str],
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Areas, population means of the model terms and N_d from the means table, checked."""
        needed = [t for t in terms if t != "Intercept"]
        wanted = [self.area, *needed] + ([self.popsize] if self.popsize else [])
        missing = [c for c in wanted if c not in pop.columns]
        if missing:
            err = ColumnNotFoundError(missing, [str(c) for c in pop.columns], source)
            msg = f"{err}. The means table needs the population mean of each model term, named as the term ({', '.join(needed)})."
            raise DataError(msg)
        areas = area_labels(pop[self.area], self.area, source, notes)
        repeated = pd.Series(areas).duplicated(keep=False).to_numpy()
        if repeated.any():
            raise DataError(
                f"Column {self.area!r}{where}: areas are repeated in {_rows(repeated, areas)}; the means table has one row per area."
            )
        unknown = sorted(set(unit_area) - set(areas))
        if unknown:
            near = [
                f"{a} (nearest: {', '.join(difflib.get_close_matches(a, list(areas), n=2, cutoff=0)) or 'none'})"
                for a in unknown[:10]
            ]
            raise DataError(
                f"Area(s) in the survey but not in the means table{where}: {'; '.join(near)}."
            )
        columns = {}
        for name in needed + ([self.popsize] if self.popsize else []):
            values = pd.to_numeric(pop[name], errors="coerce").to_numpy(dtype=float)
            bad = ~np.isfinite(values)
            if bad.any():
                raise DataError(
                    f"Column {name!r}{where}: expected numbers; {_rows(bad, areas)} have {_values(pop[name], bad)}."
                )
            columns[name] = values
        Xbar = np.column_stack(
            [np.ones(len(pop)) if t == "Intercept" else columns[t] for t in terms]
        )
        if self.popsize:
            N = columns[self.popsize]
            n_d = pd.Series(unit_area).value_counts()
            n_here = n_d.reindex(areas).fillna(0).to_numpy()
            bad = n_here > N
            if bad.any():
                raise DataError(
                    f"Column {self.popsize!r}{where}: the population size is below the number of survey units in {_rows(bad, areas)}."
                )
        else:
            N = np.full(len(pop), np.inf)
            notes.append(
                "No population sizes given: sampling fractions n/N taken as 0 (large populations)."
            )
        return areas, Xbar, N


def _estimate_table(
    areas: np.ndarray,
    Xbar: np.ndarray,
    N: np.ndarray,
    code: dict[str, int],
    dom: np.ndarray,
    y: np.ndarray,
    X: np.ndarray,
    fit: Any,
) -> pd.DataFrame:
    D = len(code)
    n_d = np.bincount(dom, minlength=D).astype(float)
    ybar = np.bincount(dom, weights=y, minlength=D) / n_d
    xbar = (
        np.stack([np.bincount(dom, weights=X[:, k], minlength=D) for k in range(X.shape[1])], 1)
        / n_d[:, None]
    )
    idx = np.array([code.get(a, -1) for a in areas])
    in_sample = idx >= 0
    synthetic = Xbar @ fit.beta
    estimate = synthetic.copy()
    n = np.zeros(len(areas), dtype=int)
    direct = np.full(len(areas), np.nan)
    gamma = np.zeros(len(areas))
    rows, d = np.flatnonzero(in_sample), idx[in_sample]
    f = n_d[d] / N[rows]
    estimate[rows] = (
        f * ybar[d] + (Xbar[rows] - f[:, None] * xbar[d]) @ fit.beta + (1 - f) * fit.u[d]
    )
    n[rows], direct[rows], gamma[rows] = n_d[d].astype(int), ybar[d], fit.gamma[d]
    return pd.DataFrame(
        {
            "area": areas,
            "n": n,
            "N": np.where(np.isinf(N), np.nan, N),  # no --popsize: N unknown (empty), f taken as 0
            "direct": direct,
            "estimate": estimate,
            "synthetic": synthetic,
            "gamma": gamma,
            "in_sample": in_sample,
        }
    )
