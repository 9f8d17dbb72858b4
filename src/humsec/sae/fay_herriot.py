"""Area-level Fay-Herriot EBLUP: one row per area, a direct estimate with its sampling variance.

The model borrows strength from area covariates given as an R-style formula (parsed by
``formulaic``, so ``C(region)``, ``np.log(x)`` and interactions work as in R). Areas with an empty
direct estimate are *out of sample*: they get the synthetic estimate x'β̂ and its MSE.

>>> import pandas as pd
>>> data = pd.DataFrame({"area": list("abcdef"), "y": [1.0, 3.0, 2.0, 5.0, 4.0, None],
...                      "x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "v": [0.5, 0.2, 1.0, 0.5, 0.5, None]})
>>> result = FayHerriot(formula="y ~ x", variance="v", area="area").fit(data)
>>> round(result.sigma2_u, 4)
0.6485
>>> print(result.to_frame()[["area", "direct", "estimate", "gamma", "in_sample"]].round(3).to_string(index=False))
area  direct  estimate  gamma  in_sample
   a     1.0     1.244  0.565       True
   b     3.0     2.844  0.764       True
   c     2.0     2.676  0.393       True
   d     5.0     4.517  0.565       True
   e     4.0     4.291  0.565       True
   f     NaN     5.444  0.000      False
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

import numpy as np
import pandas as pd
from scipy import linalg

from humsec.core.errors import ColumnNotFoundError, DataError, HumsecError
from humsec.core.frames import native_backend, to_narwhals
from humsec.core.params import Constraint, Interval, OneOf, Optional, validate_params
from humsec.sae._fh_fit import METHODS, fh_numbers, fit_sigma2, out_of_sample_mse
from humsec.sae._params import ColumnName, Formula
from humsec.sae.fit_measures import fh_r2
from humsec.sae.result import FHResult

__all__ = ["FayHerriot", "PreparedAreas", "prepare_areas"]

_PARAMS = ("formula", "variance", "area", "method", "level", "max_iter", "tol")

_Model = TypeVar("_Model", bound="FayHerriot")


class FayHerriot:
    """Fay-Herriot area-level model (EBLUP), numbers as R ``sae::eblupFH`` + ``sae::mseFH``.

    Parameters are stored as given and checked by :meth:`fit`.

    Parameters
    ----------
    formula : str
        ``"y ~ x1 + x2"``: the left side is the column of direct estimates (empty for areas
        out of sample), the right side the covariates (formulaic / R syntax; intercept implied).
    variance : str
        Column of the sampling variances ψ of the direct estimates (> 0 where an estimate exists).
    area : str or None, default None
        Column naming the areas (unique); without it areas are numbered 1..m.
    method : {"reml", "ml", "fh"}, default "reml"
        How σ²ᵤ is estimated (see ``humsec.sae.METHODS``).
    level : float, default 0.95
        Confidence level of the intervals estimate ± z·√MSE, in (0, 1).
    max_iter : int, default 100
        Fisher-scoring iterations allowed (R ``MAXITER``).
    tol : float, default 1e-4
        Stop when the relative change of σ²ᵤ is below ``tol`` (R ``PRECISION``).
    """

    def __init__(
        self,
        *,
        formula: str,
        variance: str,
        area: str | None = None,
        method: str = "reml",
        level: float = 0.95,
        max_iter: int = 100,
        tol: float = 1e-4,
    ) -> None:
        self.formula = formula
        self.variance = variance
        self.area = area
        self.method = method
        self.level = level
        self.max_iter = max_iter
        self.tol = tol

    # Subclasses (SpatialFayHerriot) name their own parameters here; the
    # get/set/clone below then serve them unchanged.
    _param_names: ClassVar[tuple[str, ...]] = _PARAMS

    def get_params(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._param_names}

    def set_params(self: _Model, **params: Any) -> _Model:
        names = self._param_names
        for name, value in params.items():
            if name not in names:
                msg = f"Unknown parameter {name!r} of {type(self).__name__}; expected one of {list(names)}."
                raise HumsecError(msg)
            setattr(self, name, value)
        return self

    def clone(self: _Model) -> _Model:
        return type(self)(**self.get_params())

    def __repr__(self) -> str:
        return "FayHerriot(" + ", ".join(f"{k}={v!r}" for k, v in self.get_params().items()) + ")"

    _parameter_constraints: ClassVar[dict[str, Constraint]] = {
        "formula": Formula(),
        "variance": ColumnName(),
        "area": Optional(ColumnName()),
        "method": OneOf(*METHODS),
        "level": Interval(0, 1),
        "max_iter": Interval(1, None, closed="left", integer=True),
        "tol": Interval(0, None),
    }

    def _check_params(self) -> None:
        validate_params(self)

    # ------------------------------------------------------------------------------------
    def fit(self, data: Any, *, source: str | None = None) -> FHResult:
        """Fit on ``data`` (any dataframe; one row per area). ``source`` names it in errors."""
        self._check_params()
        prep = prepare_areas(self, data, source)
        y, psi, in_sample, X_all, where = prep.y, prep.psi, prep.in_sample, prep.X_all, prep.where
        areas, y_col, backend = prep.areas, prep.y_col, prep.backend
        X = X_all[in_sample]
        p = X.shape[1]
        fit = fit_sigma2(
            y[in_sample], X, psi[in_sample], self.method, max_iter=self.max_iter, tol=self.tol
        )
        if not fit.converged:
            msg = (
                f"The {self.method.upper()} estimate of sigma2_u did not converge in {self.max_iter} "
                f"iterations (last value {fit.last:.6g}){where}; raise max_iter, try method='fh', "
                "or check the variances and covariates."
            )
            raise DataError(msg)
        numbers = fh_numbers(y[in_sample], X, psi[in_sample], fit.sigma2_u, self.method)
        notes: list[str] = []
        if fit.sigma2_u == 0.0:
            notes.append(
                f"sigma2_u estimated at the boundary 0 ({self.method.upper()}, last iterate "
                f"{fit.last:.6g}): the model finds no area effect beyond sampling error, so every "
                "estimate is the synthetic (regression) estimate x'beta."
            )
        if (~in_sample).any():
            notes.append(
                f"{int((~in_sample).sum())} area(s) without a direct estimate ({y_col!r} empty) get the "
                "synthetic estimate x'beta and its MSE (sigma2_u + x'Qx - b)."
            )
        table = _estimate_table(areas, y, psi, in_sample, X_all, numbers, fit.sigma2_u)
        if (table["mse"] <= 0).any():
            notes.append(
                f"{int((table['mse'] <= 0).sum())} area(s) have an MSE estimate <= 0 (the bias "
                "correction exceeds the other terms; sigma2_u is near 0): their intervals are not shown."
            )
        return FHResult(
            table,
            coefficients=_coefficient_table(prep.terms, numbers.beta, numbers.cov_beta),
            sigma2_u=fit.sigma2_u,
            iterations=fit.iterations,
            loglike=numbers.loglike,
            n_params=p + 1,
            params=self.get_params(),
            notes=notes,
            backend=backend,
            level=float(self.level),
            r2=fh_r2(y[in_sample], X, psi[in_sample]),
        )


@dataclass(frozen=True)
class PreparedAreas:
    """One row per area, checked: labels, direct estimates (NaN = out of sample), ψ, design matrix."""

    areas: np.ndarray
    y: np.ndarray
    psi: np.ndarray
    in_sample: np.ndarray
    X_all: np.ndarray
    terms: list[str]
    y_col: str
    where: str
    backend: str


def prepare_areas(engine: Any, data: Any, source: str | None) -> PreparedAreas:
    """Read and check the area table for ``engine`` (its formula, variance and area columns)."""
    import formulaic

    backend = native_backend(data)
    df = to_narwhals(data).to_pandas().reset_index(drop=True)
    where = f" of {source}" if source else ""
    formula = formulaic.Formula(engine.formula)
    lhs_vars = sorted(formula.lhs.required_variables)
    rhs_vars = sorted(formula.rhs.required_variables)
    wanted = [*lhs_vars, *rhs_vars, engine.variance] + ([engine.area] if engine.area else [])
    missing = [c for c in dict.fromkeys(wanted) if c not in df.columns]
    if missing:
        raise ColumnNotFoundError(missing, [str(c) for c in df.columns], source)
    if len(lhs_vars) != 1:
        msg = f"The formula {engine.formula!r} must have one column of direct estimates on its left side."
        raise HumsecError(msg)
    areas = _area_labels(df, engine.area, where)
    y_col = lhs_vars[0]
    y = pd.to_numeric(df[y_col], errors="coerce").to_numpy(dtype=float)
    _check_numeric(df, y_col, y, where, areas)
    in_sample = np.isfinite(y)
    if in_sample.sum() == 0:
        raise DataError(f"Column {y_col!r}{where} has no direct estimate: nothing to fit.")
    psi = pd.to_numeric(df[engine.variance], errors="coerce").to_numpy(dtype=float)
    bad = in_sample & ~((psi > 0) & np.isfinite(psi))
    if bad.any():
        msg = (
            f"Column {engine.variance!r}{where}: the sampling variance must be a finite number > 0 where a direct "
            f"estimate exists; {_rows(bad, areas)} have {_values(df[engine.variance], bad)}."
        )
        raise DataError(msg)
    for name in rhs_vars:
        gap = df[name].isna().to_numpy()
        if gap.any():
            msg = f"Covariate column {name!r}{where} is empty for {_rows(gap, areas)}: every area needs its covariates."
            raise DataError(msg)
    try:
        X_frame = formulaic.model_matrix(formula.rhs, df, na_action="ignore")
    except Exception as exc:  # formulaic errors name the term; we add the file
        msg = f"The formula {engine.formula!r} cannot be evaluated on the columns{where}: {exc}"
        raise DataError(msg) from exc
    terms = [str(c) for c in X_frame.columns]
    X_all = np.asarray(X_frame, dtype=float)
    infinite = ~np.isfinite(X_all).all(axis=1)
    if infinite.any():
        msg = f"The covariates{where} must be finite numbers; {_rows(infinite, areas)} have inf or an overflowing value."
        raise DataError(msg)
    _check_rank(X_all[in_sample], terms, where, int(in_sample.sum()))
    return PreparedAreas(areas, y, psi, in_sample, X_all, terms, y_col, where, backend)


def _area_labels(df: pd.DataFrame, area: str | None, where: str) -> np.ndarray:
    if area is None:
        return np.arange(1, len(df) + 1).astype(str)
    labels = df[area]
    empty = labels.isna().to_numpy()
    if empty.any():
        msg = f"Column {area!r}{where} is empty in {_rows(empty, None)}: every row needs an area."
        raise DataError(msg)
    labels_str = labels.astype(str).to_numpy()
    repeated = pd.Series(labels_str).duplicated(keep=False).to_numpy()
    if repeated.any():
        names = sorted(set(labels_str[repeated]))
        msg = (
            f"Column {area!r}{where}: areas are repeated ({', '.join(names[:10])}) in "
            f"{_rows(repeated, None)}; the Fay-Herriot table has one row per area."
        )
        raise DataError(msg)
    return labels_str


def _check_numeric(
    df: pd.DataFrame, col: str, values: np.ndarray, where: str, areas: np.ndarray
) -> None:
    """Text that is not a number (as opposed to an empty cell) is an error, not an out-of-sample area."""
    bad = ~np.isfinite(values) & df[col].notna().to_numpy()
    if bad.any():
        msg = f"Column {col!r}{where}: expected numbers; {_rows(bad, areas)} have {_values(df[col], bad)}."
        raise DataError(msg)


def _check_rank(X: np.ndarray, terms: list[str], where: str, m: int) -> None:
    p = X.shape[1]
    if m <= p:
        msg = f"{m} area(s) with a direct estimate{where} for {p} coefficients ({', '.join(terms)}): at least {p + 1} are needed."
        raise DataError(msg)
    _, r, piv = linalg.qr(X, mode="economic", pivoting=True)
    diag = np.abs(np.diag(r))
    rank = int(np.sum(diag > diag[0] * max(X.shape) * np.finfo(float).eps * 100))
    if rank < p:
        dropped = [terms[i] for i in piv[rank:]]
        msg = (
            f"The covariates{where} are collinear over the areas with a direct estimate: "
            f"{', '.join(dropped)} {'is' if len(dropped) == 1 else 'are'} a linear combination of the "
            "other terms (or constant); remove it from the formula."
        )
        raise DataError(msg)


def _rows(mask: np.ndarray, areas: np.ndarray | None) -> str:
    """'rows 3, 7 (areas x, y)': 1-based data rows (the header is not counted)."""
    idx = np.flatnonzero(mask)
    shown = ", ".join(str(i + 1) for i in idx[:10]) + (
        f" and {len(idx) - 10} more" if len(idx) > 10 else ""
    )
    text = f"row{'s' if len(idx) > 1 else ''} {shown}"
    if areas is not None:
        text += f" (area{'s' if len(idx) > 1 else ''} {', '.join(areas[idx[:10]])})"
    return text


def _values(col: pd.Series, mask: np.ndarray) -> str:
    return ", ".join("empty" if pd.isna(v) else repr(v) for v in col[mask].head(10))


def _estimate_table(
    areas: np.ndarray,
    y: np.ndarray,
    psi: np.ndarray,
    in_sample: np.ndarray,
    X_all: np.ndarray,
    numbers: Any,
    sigma2_u: float,
) -> pd.DataFrame:
    n = len(y)
    estimate = np.empty(n)
    mse = np.empty(n)
    gamma = np.zeros(n)
    synthetic = X_all @ numbers.beta
    estimate[in_sample] = numbers.eblup
    mse[in_sample] = numbers.mse
    gamma[in_sample] = numbers.gamma
    out = ~in_sample
    estimate[out] = synthetic[out]
    mse[out] = out_of_sample_mse(X_all[out], numbers, sigma2_u)
    return pd.DataFrame(
        {
            "area": areas,
            "direct": np.where(in_sample, y, np.nan),
            "direct_se": np.where(in_sample, np.sqrt(np.where(in_sample, psi, 0.0)), np.nan),
            "estimate": estimate,
            "mse": mse,
            "synthetic": synthetic,
            "gamma": gamma,
            "in_sample": in_sample,
        }
    )


def _coefficient_table(terms: list[str], beta: np.ndarray, cov_beta: np.ndarray) -> pd.DataFrame:
    from scipy import stats

    se = np.sqrt(np.diag(cov_beta))
    z = beta / se
    return pd.DataFrame(
        {"term": terms, "estimate": beta, "se": se, "z": z, "p_value": 2 * stats.norm.sf(np.abs(z))}
    )
