"""Empirical best predictor (EBP) of non-linear area indicators from a unit-level model, as R ``sae::ebBHF``.

Molina & Rao (2010): fit the nested-error model ``t(y + shift)_dj = x_dj'β + u_d + e_dj`` (t: none,
log or Box-Cox) to the survey units, draw the census units' outcomes L times from their distribution
given the sample, and average the indicator (poverty incidence FGT0, gap FGT1, severity FGT2, the
mean, or any Python function of one area's outcomes) over the draws. Census areas without survey
units get the same draws with ``û_d = 0`` and the full σ²ᵤ (out of sample). The MSE is the
parametric bootstrap of ``sae::pbmseebBHF`` (B replicates, each refitted and predicted with L draws).

>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(1)
>>> survey = pd.DataFrame({"area": np.repeat(list("abc"), 20), "x": rng.normal(size=60)})
>>> survey["y"] = 2 + survey["x"] + np.repeat(rng.normal(0, 0.5, 3), 20) + rng.normal(size=60)
>>> census = pd.DataFrame({"area": np.repeat(list("abcd"), 200), "x": rng.normal(size=800)})
>>> result = EmpiricalBestPredictor(formula="y ~ x", area="area", indicators=["fgt0", "mean"],
...                                 threshold=1.0, draws=20, bootstrap=5, seed=7).fit(survey, census)
>>> table = result.to_frame()
>>> table[["area", "indicator", "n", "in_sample"]].head(3).to_string(index=False)
'area indicator  n  in_sample\\n   a      fgt0 20       True\\n   a      mean 20       True\\n   b      fgt0 20       True'
>>> bool(table["estimate"].between(-10, 10).all()), bool((table["mse"] > 0).all())
(True, True)
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from humsec.core.errors import DataError, ParameterError
from humsec.core.frames import native_backend, to_narwhals
from humsec.core.params import Constraint, Either, Interval, OneOf, Optional, validate_params
from humsec.sae._bhf_fit import BHF_METHODS, fit_nested_error
from humsec.sae._bhf_mse import fresh_seed
from humsec.sae._boxcox import estimate_boxcox_lambda
from humsec.sae._ebp_draws import (
    CENSUS_MODES,
    EXACT,
    INDICATORS,
    TRANSFORMS,
    AreaPlan,
    Indicator,
    bootstrap_mse,
    ebp_draws,
    forward_transform,
)
from humsec.sae._params import ColumnName, FiniteNumber, Formula, IndicatorList
from humsec.sae._pseudo import pseudo_fit
from humsec.sae._units import census_matrix, survey_units
from humsec.sae.ebp_result import EBPResult
from humsec.sae.fay_herriot import _coefficient_table, _rows, _values

__all__ = ["UNMATCHED", "EmpiricalBestPredictor"]

#: What happens to survey areas that have no census units (declared once)
UNMATCHED = {
    "error": "an error naming them with the nearest census names (a misspelt name is caught)",
    "fit": "used in the model fit, no estimate; listed in a note (R sae::ebBHF's selectdom)",
}

_PARAMS = (
    "formula", "area", "indicators", "threshold", "transform", "boxcox_lambda", "shift", "draws",
    "bootstrap", "seed", "census", "unmatched", "method", "level", "weights",
)  # fmt: skip


class EmpiricalBestPredictor:
    """EBP of area indicators from survey units and census units, with bootstrap MSE (``sae::ebBHF``).

    Parameters are stored as given and checked by :meth:`fit`.

    Parameters
    ----------
    formula : str
        ``"y ~ x1 + x2"`` over the survey's columns; the census must hold the same covariates.
    area : str
        Column naming the area, in both the survey and the census.
    indicators : sequence of str, or mapping of name to function, default ("fgt0", "fgt1")
        Built-in names (``humsec.sae.EBP_INDICATORS``: mean, fgt0, fgt1, fgt2) or
        ``{"name": function}`` where ``function`` takes one area's outcomes (a 1-d array) and
        returns a number.
    threshold : float or None
        Poverty line z of the FGT indicators (> 0; on the outcome's own scale).
    transform : {"none", "log", "boxcox"}, default "none"
        Transformation of ``y + shift`` before the model (``humsec.sae.EBP_TRANSFORMS``).
    boxcox_lambda : float, "estimate" or None
        λ of the Box-Cox transformation (required with ``"boxcox"``); ``"estimate"``: chosen by the
        model's likelihood on the survey, as emdi (:func:`humsec.sae._boxcox.estimate_boxcox_lambda`;
        the notes give λ̂).
    shift : float, default 0
        Constant added to the outcome before a log or Box-Cox transform (R's ``constant``); every
        survey value must then be positive.
    draws : int, default 50
        Monte Carlo populations L per area; 0: the exact expectation the draws approximate, where
        it has a closed form (``humsec.sae.EBP_EXACT``: FGT0-2 and the mean untransformed or under
        log, FGT0 under Box-Cox), so no Monte Carlo error and a much faster bootstrap.
    bootstrap : int, default 0
        Bootstrap replicates B of the MSE (0: no MSE, no intervals).
    seed : int or None
        Seed of the random draws (None: drawn from the system, reported in the notes).
    census : {"nonsample", "population"}, default "nonsample"
        What the census file holds (``humsec.sae.EBP_CENSUS_MODES``).
    unmatched : {"error", "fit"}, default "error"
        Survey areas without census units (``humsec.sae.EBP_UNMATCHED``): an error naming them
        with the nearest census names, or (``"fit"``, as R ``selectdom``) used in the fit without
        an estimate, listed in a note.
    method : {"reml", "ml"}, default "reml"
        Variance components (R ``ebBHF`` uses REML).
    level : float, default 0.95
        Confidence level of the intervals.
    weights : str or None
        Column of survey weights: the pseudo-EBP of Guadarrama, Molina & Rao (2018) (β and the area
        effects from the weighted equations of You & Rao 2002, the variance components from the
        unweighted fit; :mod:`humsec.sae._pseudo`); the direct estimates are then weighted too.
        None: the unweighted EBP of R ``sae::ebBHF``.
    """

    def __init__(
        self,
        *,
        formula: str,
        area: str,
        indicators: Sequence[str] | Mapping[str, Callable[..., Any]] = ("fgt0", "fgt1"),
        threshold: float | None = None,
        transform: str = "none",
        boxcox_lambda: float | str | None = None,
        shift: float = 0.0,
        draws: int = 50,
        bootstrap: int = 0,
        seed: int | None = None,
        census: str = "nonsample",
        unmatched: str = "error",
        method: str = "reml",
        level: float = 0.95,
        weights: str | None = None,
    ) -> None:
        self.formula = formula
        self.area = area
        self.indicators = indicators
        self.threshold = threshold
        self.transform = transform
        self.boxcox_lambda = boxcox_lambda
        self.shift = shift
        self.draws = draws
        self.bootstrap = bootstrap
        self.seed = seed
        self.census = census
        self.unmatched = unmatched
        self.method = method
        self.level = level
        self.weights = weights

    _parameter_constraints: ClassVar[dict[str, Constraint]] = {
        "formula": Formula(),
        "area": ColumnName(),
        "indicators": IndicatorList(list(INDICATORS)),
        "threshold": Optional(Interval(0, None)),
        "transform": OneOf(*TRANSFORMS),
        "boxcox_lambda": Optional(Either(Interval(-5, 5, closed="both"), OneOf("estimate"))),
        "shift": FiniteNumber(),
        "draws": Interval(0, 100_000, closed="both", integer=True),
        "bootstrap": Interval(0, 100_000, closed="both", integer=True),
        "seed": Optional(Interval(0, None, closed="left", integer=True)),
        "census": OneOf(*CENSUS_MODES),
        "unmatched": OneOf(*UNMATCHED),
        "method": OneOf(*BHF_METHODS),
        "level": Interval(0, 1),
        "weights": Optional(ColumnName()),
    }

    def get_params(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _PARAMS}

    def __repr__(self) -> str:
        return (
            "EmpiricalBestPredictor("
            + ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
            + ")"
        )

    def _indicator_list(self) -> list[tuple[str, Indicator | Callable[..., Any]]]:
        """Checked (name, indicator) pairs; raises on the first bad parameter (one sentence)."""
        validate_params(self)

        def bad(name: str, expected: str) -> None:
            msg = f"The {name!r} parameter of EmpiricalBestPredictor must be {expected}. Got {getattr(self, name)!r} instead."
            raise ParameterError(msg)

        if isinstance(self.indicators, Mapping):
            pairs: list[tuple[str, Indicator | Callable[..., Any]]] = list(self.indicators.items())
        else:
            pairs = [(name, INDICATORS[name]) for name in self.indicators]
        needs_z = any(isinstance(i, Indicator) and i.needs_threshold for _, i in pairs)
        if needs_z and self.threshold is None:
            bad("threshold", "a positive number (the poverty line of the FGT indicators)")
        if self.transform == "boxcox" and self.boxcox_lambda is None:
            bad("boxcox_lambda", "a number in [-5, 5] or 'estimate' with transform='boxcox'")
        if self.transform != "boxcox" and self.boxcox_lambda is not None:
            bad("boxcox_lambda", "None unless transform='boxcox'")
        if self.bootstrap == 1:
            bad("bootstrap", "0 (no MSE) or at least 2")
        if self.draws == 1:
            bad("draws", "0 (the exact expectation) or at least 2 Monte Carlo populations")
        if self.draws == 0:
            exact = EXACT[self.transform]
            inexact = [n for n, i in pairs if not (isinstance(i, Indicator) and i is INDICATORS.get(n) and n in exact)]
            if inexact:
                bad(
                    "draws",
                    f"at least 2 for {', '.join(map(repr, inexact))} under transform={self.transform!r} "
                    f"(draws=0, the exact expectation, exists for {', '.join(exact)} there)",
                )
        return pairs

    def fit(
        self,
        survey: Any,
        census: Any,
        *,
        source: str | None = None,
        census_source: str | None = None,
    ) -> EBPResult:
        """Fit on ``survey`` (one row per unit) and predict every area of ``census`` (one row per unit)."""
        indicators = self._indicator_list()
        backend = native_backend(survey)
        frame = to_narwhals(survey).to_pandas().reset_index(drop=True)
        pop = to_narwhals(census).to_pandas().reset_index(drop=True)
        where = f" of {source}" if source else ""
        units = survey_units(self.formula, self.area, frame, source)
        notes = list(units.notes)
        shift = float(self.shift)
        if self.transform != "none":
            bad = units.y + shift <= 0
            if bad.any():
                rows = np.zeros(len(frame), dtype=bool)
                rows[units.rows[bad]] = True
                raise DataError(
                    f"Column {units.outcome!r}{where}: the {self.transform} transformation needs "
                    f"{units.outcome} + shift > 0 (shift = {shift:g}); {_rows(rows, None)} have "
                    f"{_values(frame[units.outcome], rows)}. Give a shift above {-units.y.min():g}."
                )
        census_area, X_census = census_matrix(units, pop, self.area, census_source, notes)
        plan = _area_plan(units.area, census_area, census_source, self.unmatched, notes)
        code = {a: i for i, a in enumerate(np.unique(units.area))}
        dom = np.array([code[a] for a in units.area])
        plan = AreaPlan(
            names=plan.names,
            sample_code=np.array([code.get(a, -1) for a in plan.names]),
            census_rows=plan.census_rows,
            sample_rows=plan.sample_rows,
        )
        lam: float | None
        if self.boxcox_lambda == "estimate":
            lam, lam_notes = estimate_boxcox_lambda(units.y, shift, units.X, dom, self.method)
            notes += lam_notes
        else:
            lam = None if self.boxcox_lambda is None else float(self.boxcox_lambda)
        w = _unit_weights(frame, self.weights, units, where) if self.weights is not None else None
        t = forward_transform(units.y, self.transform, lam, shift)
        fit = fit_nested_error(t, units.X, dom, self.method)
        if w is not None:
            fit = pseudo_fit(fit, t, units.X, dom, w)
            notes.append(
                f"Survey weights {self.weights!r}: pseudo-EBP (Guadarrama, Molina & Rao 2018): beta and the "
                "area effects from the weighted equations of You & Rao (2002), the variance components "
                "from the unweighted fit; the direct estimates are weighted (Hajek) means."
            )
        seed = self.seed if self.seed is not None else fresh_seed()
        if self.seed is None:
            notes.append(f"Random draws from seed {seed} (give seed={seed} to repeat them).")
        rng = np.random.default_rng(seed)
        settings = {
            "threshold": None if self.threshold is None else float(self.threshold),
            "transform": self.transform, "lam": lam, "shift": shift, "draws": self.draws,
            "census_mode": self.census,
        }  # fmt: skip
        est, sd = ebp_draws(fit, t, X_census, plan, indicators, rng=rng, **settings)  # type: ignore[arg-type]
        mse = mse_se = np.full_like(est, np.nan)
        if self.bootstrap:
            refit_lambda = None
            if self.boxcox_lambda == "estimate":

                def refit_lambda(y_b: np.ndarray) -> float:
                    return estimate_boxcox_lambda(y_b, shift, units.X, dom, self.method)[0]

            mse, mse_se = bootstrap_mse(
                fit, units.X, dom, X_census, plan, indicators, replicates=self.bootstrap,
                method=self.method, rng=rng, refit_lambda=refit_lambda, weights=w, **settings,  # type: ignore[arg-type]
            )  # fmt: skip
        else:
            notes.append("No bootstrap replicates (bootstrap=0): no MSE and no intervals.")
        notes += _model_notes(self, fit.sigma2_u, plan, lam)
        table = _long_table(plan, units, indicators, est, sd, mse, mse_se, fit.gamma, self, w)
        return EBPResult(
            table,
            coefficients=_coefficient_table(units.terms, fit.beta, fit.cov_beta),
            sigma2_u=fit.sigma2_u,
            sigma2_e=fit.sigma2_e,
            loglike=fit.loglike,
            n_units=len(units.y),
            params=self.get_params(),
            notes=notes,
            bounded=[n for n, i in indicators if isinstance(i, Indicator) and i.unit_interval],
            level=self.level,
            backend=backend,
        )


def _area_plan(
    survey_area: np.ndarray,
    census_area: np.ndarray,
    census_source: str | None,
    unmatched: str,
    notes: list[str],
) -> AreaPlan:
    """Census areas in order of appearance; survey areas missing from the census per ``unmatched``."""
    names = np.asarray(pd.unique(census_area), dtype=object)
    unknown = sorted(set(survey_area) - set(names))
    if unknown and unmatched == "fit":
        shown = ", ".join(unknown[:20]) + (
            f" and {len(unknown) - 20} more" if len(unknown) > 20 else ""
        )
        notes.append(
            f"{len(unknown)} survey area(s) without census units are used in the fit but get no "
            f"estimate: {shown}."
        )
    elif unknown:
        near = [
            f"{a} (nearest: {', '.join(difflib.get_close_matches(a, [str(n) for n in names], n=2, cutoff=0)) or 'none'})"
            for a in unknown[:10]
        ]
        where = f" {census_source}" if census_source else ""
        raise DataError(
            f"Area(s) in the survey but not in the census{where}: {'; '.join(near)}"
            + (f" and {len(unknown) - 10} more" if len(unknown) > 10 else "")
            + ". Every survey area needs its census units."
        )
    census_index = pd.Series(np.arange(len(census_area))).groupby(census_area).indices
    survey_index = pd.Series(np.arange(len(survey_area))).groupby(survey_area).indices
    return AreaPlan(
        names=names,
        sample_code=np.zeros(0, dtype=int),
        census_rows=[np.asarray(census_index[a]) for a in names],
        sample_rows=[np.asarray(survey_index.get(a, np.zeros(0, dtype=int))) for a in names],
    )


def _model_notes(
    engine: EmpiricalBestPredictor, sigma2_u: float, plan: AreaPlan, lam: float | None
) -> list[str]:
    notes = []
    if engine.transform != "none":
        notes.append(
            f"Model fitted to {TRANSFORMS[engine.transform]} (shift {float(engine.shift):g}"
            + (f", lambda {lam:g}" if engine.transform == "boxcox" and lam is not None else "")
            + "); every draw is transformed back before the indicator is computed."
        )
    if sigma2_u == 0.0:
        notes.append(
            f"sigma2_u estimated at the boundary 0 ({engine.method.upper()}): no area effect, every "
            "area's draws come from the regression alone."
        )
    out = int((plan.sample_code < 0).sum())
    if out:
        notes.append(
            f"{out} census area(s) without survey units: predicted out of sample (area effect drawn "
            "from N(0, sigma2_u), no shrinkage)."
        )
    notes.append(f"Census: {CENSUS_MODES[engine.census]}.")
    return notes


def _long_table(
    plan: AreaPlan,
    units: Any,
    indicators: Sequence[tuple[str, Any]],
    est: np.ndarray,
    sd: np.ndarray,
    mse: np.ndarray,
    mse_se: np.ndarray,
    gamma: np.ndarray,
    engine: EmpiricalBestPredictor,
    weights: np.ndarray | None = None,
) -> pd.DataFrame:
    """One row per (area, indicator); with ``weights`` the built-in direct estimates are weighted."""
    z = None if engine.threshold is None else float(engine.threshold)
    rows = []
    for i, area in enumerate(plan.names):
        sample = units.y[plan.sample_rows[i]]
        n = len(sample)
        N = len(plan.census_rows[i]) + (n if engine.census == "nonsample" else 0)
        code = plan.sample_code[i]
        for k, (name, ind) in enumerate(indicators):
            if n == 0:
                direct = np.nan
            elif isinstance(ind, Indicator) and weights is not None:
                # each unit's contribution (the indicators are means over units), weighted
                contributions = ind.function(sample[:, None], z)
                direct = float(np.average(contributions, weights=weights[plan.sample_rows[i]]))
            elif isinstance(ind, Indicator):
                direct = float(ind.function(sample, z))
            else:
                direct = float(ind(sample))
            rows.append(
                {
                    "area": area, "indicator": name, "n": n, "N": N, "direct": direct,
                    "estimate": est[i, k], "mse": mse[i, k],
                    "mc_se": sd[i, k] / np.sqrt(engine.draws) if engine.draws else 0.0,
                    "mse_se": mse_se[i, k],
                    "gamma": float(gamma[code]) if code >= 0 else 0.0, "in_sample": n > 0,
                }
            )  # fmt: skip
    return pd.DataFrame(rows)


def _unit_weights(frame: pd.DataFrame, column: str, units: Any, where: str) -> np.ndarray:
    """The kept survey units' weights: numbers > 0, or an error naming the rows."""
    from humsec.core.errors import ColumnNotFoundError

    if column not in frame.columns:
        raise ColumnNotFoundError([column], [str(c) for c in frame.columns], where.removeprefix(" of ") or None)
    w = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    bad = ~(np.isfinite(w) & (w > 0))
    bad_kept = np.zeros(len(frame), dtype=bool)
    bad_kept[units.rows[bad[units.rows]]] = True
    if bad_kept.any():
        raise DataError(
            f"Column {column!r}{where}: survey weights must be numbers > 0; {_rows(bad_kept, None)} have "
            f"{_values(frame[column], bad_kept)}."
        )
    return w[units.rows]
