"""The numbers of the empirical best predictor (Molina & Rao 2010), on plain arrays.

Transformations of the outcome, the indicators, the Monte Carlo EBP of every census area and the
parametric bootstrap of its MSE, following R ``sae::ebBHF`` and ``sae::pbmseebBHF`` step by step:

- the outcome ``y + shift`` is transformed (none, log, Box-Cox with a given λ: R's ``bxcx``) and the
  nested-error model is fitted to it by REML;
- given the sample, the out-of-sample values of area d are ``x'β̂ + û_d + v + e`` with
  ``v ~ N(0, σ²ᵤ(1 − γ_d))`` and ``e ~ N(0, σ²ₑ)`` (``û_d = 0``, ``γ_d = 0`` out of sample); L such
  populations are drawn, transformed back, joined to the area's sample values (census mode
  ``nonsample``, as R) and the indicator computed on each; the EBP is their mean;
- bootstrap b draws ``u_d ~ N(0, σ̂²ᵤ)`` and unit errors for sample and census, takes the indicator of
  that population as the truth, refits the model on the bootstrap sample and predicts again; the
  MSE is the mean squared error over the B replicates.

>>> import numpy as np
>>> back = inverse_transform(forward_transform(np.array([1.0, 4.0]), "boxcox", 0.5, 1.0), "boxcox", 0.5, 1.0)
>>> back.round(12).tolist()
[1.0, 4.0]
>>> round(float(INDICATORS["fgt1"].function(np.array([1.0, 3.0, 6.0]), 4.0)), 6)  # (0.75 + 0.25 + 0) / 3
0.333333
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from humsec.sae._bhf_fit import NestedErrorFit, fit_nested_error
from humsec.sae._ebp_kernel import SUMS, area_sums, map_areas, spawn_area_streams

__all__ = [
    "CENSUS_MODES",
    "EXACT",
    "INDICATORS",
    "TRANSFORMS",
    "AreaPlan",
    "Indicator",
    "bootstrap_mse",
    "ebp_draws",
    "forward_transform",
    "inverse_transform",
]

#: Transformations of the unit outcome (declared once: engine, CLI and docs read it)
TRANSFORMS = {
    "none": "the outcome as it is",
    "log": "log(y + shift)",
    "boxcox": "((y + shift)^lambda - 1) / lambda, R sae's bxcx (lambda given, or estimated as emdi)",
}

#: What the census file holds (declared once)
CENSUS_MODES = {
    "nonsample": "the population units not in the survey (R sae::ebBHF's Xnonsample): an area's "
    "population is its survey units plus its census units",
    "population": "every population unit (as emdi and povmap): the survey units are not identified "
    "in it, and an area's population is its census units",
}

# Values of an area's populations drawn at once for a Python-function indicator (32 MB)
_CHUNK = 4_000_000


@dataclass(frozen=True)
class Indicator:
    """A function of an area's unit outcomes; ``vectorised`` ones also take a (draws × units) matrix."""

    function: Callable[..., Any]
    description: str
    needs_threshold: bool
    unit_interval: bool  # the value lies in [0, 1] (intervals are clipped to it)


def _fgt(alpha: int) -> Callable[..., Any]:
    def fgt(y: np.ndarray, z: float) -> Any:
        below = y < z
        if alpha == 0:  # no gap needed: one pass less over L x N values
            return np.mean(below, axis=-1)
        gap = np.where(below, (z - y) / z, 0.0)
        return np.mean(gap if alpha == 1 else gap**alpha, axis=-1)

    return fgt


#: Built-in indicators (declared once); any other is a Python function of one area's outcomes
INDICATORS = {
    "mean": Indicator(lambda y, z: np.mean(y, axis=-1), "mean of the outcome", False, False),
    "fgt0": Indicator(_fgt(0), "poverty incidence: share below the threshold (FGT0)", True, True),
    "fgt1": Indicator(
        _fgt(1), "poverty gap: mean of (z - y)/z below the threshold (FGT1)", True, True
    ),
    "fgt2": Indicator(
        _fgt(2), "poverty severity: mean of ((z - y)/z)^2 below the threshold (FGT2)", True, True
    ),
}


#: (indicator, transform) pairs whose EBP has a closed form, computed exactly with ``draws=0``:
#: with t ~ N(m, s²) the unit's value on the model scale (s² = σ²ᵤ(1 − γ_d) + σ²ₑ), the expectation of
#: a mean over units is the mean of the units' expectations (normal and log-normal partial moments)
EXACT = {
    "none": ("fgt0", "fgt1", "fgt2", "mean"),
    "log": ("fgt0", "fgt1", "fgt2", "mean"),
    "boxcox": ("fgt0",),
}


def exact_unit_values(
    name: str, m: np.ndarray, s: float, z: float | None, transform: str, lam: float | None, shift: float
) -> np.ndarray:
    """E[indicator contribution] of units with model-scale values t ~ N(m, s²), as the draws'
    limit: for FGT the probability (and partial moments) below z of the back-transformed value.

    >>> from scipy.stats import norm
    >>> bool(float(exact_unit_values("fgt0", np.array([1.0]), 2.0, np.e, "log", None, 0.0)[0]) == norm.cdf(0.0))
    True
    """
    from scipy.special import ndtr

    lam = float(lam or 0.0)
    if transform == "boxcox" and abs(lam) < 1e-6:
        transform = "log"  # as forward_transform: Box-Cox with lambda 0 is the log
    if name == "mean":
        return m if transform == "none" else np.exp(m + s * s / 2) - shift
    assert z is not None
    if transform == "none":
        a = (z - m) / s
        cdf, pdf = ndtr(a), np.exp(-a * a / 2) / np.sqrt(2 * np.pi)
        gap = z - m
        if name == "fgt0":
            return cdf
        if name == "fgt1":
            return (gap * cdf + s * pdf) / z
        return ((gap * gap + s * s) * cdf + gap * s * pdf) / (z * z)
    c = z + shift  # y < z where the shifted value is below c (none below 0)
    if c <= 0:
        return np.zeros_like(m)
    if transform == "log":
        beta = (np.log(c) - m) / s
        if name == "fgt0":
            return ndtr(beta)
        m1 = np.exp(m + s * s / 2)  # E[e^t]; E[e^t; t < b] = m1 Φ(β - s)
        if name == "fgt1":
            return (c * ndtr(beta) - m1 * ndtr(beta - s)) / z
        m2 = np.exp(2 * m + 2 * s * s)
        return (c * c * ndtr(beta) - 2 * c * m1 * ndtr(beta - s) + m2 * ndtr(beta - 2 * s)) / (z * z)
    # Box-Cox, back-transformed as |λt + 1|^(1/λ) (R's bxcx): the set of t with a value below c
    ck = c**lam
    low, high = (-ck - 1.0) / lam, (ck - 1.0) / lam
    if lam > 0:  # between low and high
        return ndtr((high - m) / s) - ndtr((low - m) / s)
    return ndtr((high - m) / s) + ndtr((m - low) / s)  # lam < 0: below high or above low


def forward_transform(y: np.ndarray, transform: str, lam: float | None, shift: float) -> np.ndarray:
    """``y + shift`` on the model's scale (R ``bxcx``; the caller has checked ``y + shift > 0``)."""
    if transform == "none":
        return y
    x = y + shift
    lam = float(lam or 0.0)
    if transform == "log" or abs(lam) < 1e-6:
        return np.log(x)
    return (x**lam - 1.0) / lam


def inverse_transform(t: np.ndarray, transform: str, lam: float | None, shift: float) -> np.ndarray:
    """Back to the outcome's scale. Box-Cox as R ``bxcx(InverseQ=TRUE)``: ``|λt + 1|^(1/λ)``, the
    absolute value keeping draws below the transform's range finite (R's choice, kept for equality)."""
    if transform == "none":
        return t
    lam = float(lam or 0.0)
    if transform == "log" or abs(lam) < 1e-6:
        return np.exp(t) - shift
    return np.abs(lam * t + 1.0) ** (1.0 / lam) - shift


def _inverse_in_place(t: np.ndarray, transform: str, lam: float | None, shift: float) -> np.ndarray:
    """:func:`inverse_transform` overwriting ``t`` (same operations, same order, same numbers)."""
    if transform == "none":
        return t
    lam = float(lam or 0.0)
    if transform == "log" or abs(lam) < 1e-6:
        np.exp(t, out=t)
    else:
        t *= lam
        t += 1.0
        np.abs(t, out=t)
        np.power(t, 1.0 / lam, out=t)
    t -= shift
    return t


@dataclass(frozen=True)
class AreaPlan:
    """Where each census area's units are: survey rows, census rows, model-scale sample values."""

    names: np.ndarray  # census areas, in output order
    sample_code: np.ndarray  # index into the fit's area effects, -1 if the area has no survey units
    census_rows: list[np.ndarray]  # rows of the census matrix per area
    sample_rows: list[np.ndarray]  # rows of the survey per area (empty if none)


def ebp_draws(
    fit: NestedErrorFit,
    t_sample: np.ndarray,
    X_census: np.ndarray,
    plan: AreaPlan,
    indicators: Sequence[tuple[str, Indicator | Callable[..., Any]]],
    *,
    threshold: float | None,
    transform: str,
    lam: float | None,
    shift: float,
    draws: int,
    census_mode: str,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """EBP (areas × indicators) and the Monte Carlo SD of the draws behind each; ``draws=0``: the
    exact expectation (:data:`EXACT`), SD 0."""
    if draws == 0:
        return _ebp_exact(fit, t_sample, X_census, plan, indicators, threshold=threshold,
                          transform=transform, lam=lam, shift=shift, census_mode=census_mode)  # fmt: skip
    n_ind = len(indicators)
    sigma_e = float(np.sqrt(fit.sigma2_e))
    mu_all = X_census @ fit.beta
    streams = spawn_area_streams(rng, len(plan.names))
    columns = [SUMS[n] if ind is INDICATORS.get(n) else -1 for n, ind in indicators]

    def area(i: int) -> np.ndarray:
        """The indicators of area i's L populations (draws × indicators)."""
        mu, gamma, sample_values = _area_setup(fit, t_sample, mu_all, plan, i, transform, lam, shift, census_mode)
        sd_v = float(np.sqrt(fit.sigma2_u * (1.0 - gamma)))
        if min(columns) >= 0:  # built-in indicators only: the compiled one-pass loop
            sums = area_sums(mu, sd_v=sd_v, sigma_e=sigma_e, draws=draws, rng=streams[i],
                             transform=transform, lam=lam, shift=shift, z=threshold)  # fmt: skip
            values = sums[:, columns] / max(len(mu), 1)
            n_s, n_r = len(sample_values), len(mu)
            if n_s:
                fns = [ind.function for _, ind in indicators]  # type: ignore[union-attr]
                sample = np.array([float(f(sample_values, threshold)) for f in fns])
                values = (values * n_r + sample * n_s) / (n_r + n_s)
            return values
        return _drawn_populations(mu, sd_v, sigma_e, sample_values, indicators, threshold=threshold,
                                  transform=transform, lam=lam, shift=shift, draws=draws, rng=streams[i])  # fmt: skip

    per_area = map_areas(area, len(plan.names))
    shape = (len(plan.names), n_ind)
    est = np.array([values.mean(axis=0) for values in per_area]).reshape(shape)
    sd = np.array([values.std(axis=0, ddof=1) for values in per_area]).reshape(shape)
    return est, sd


def _drawn_populations(
    mu: np.ndarray,
    sd_v: float,
    sigma_e: float,
    sample_values: np.ndarray,
    indicators: Sequence[tuple[str, Indicator | Callable[..., Any]]],
    *,
    threshold: float | None,
    transform: str,
    lam: float | None,
    shift: float,
    draws: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """An area's L populations as (chunks of) a matrix, for indicators given as Python functions;
    the same random numbers as :func:`area_sums` draws."""
    v = rng.normal(0.0, 1.0, size=draws) * sd_v
    values = np.empty((draws, len(indicators)))
    step = max(1, _CHUNK // max(len(mu), 1))
    for start in range(0, draws, step):
        stop = min(draws, start + step)
        # in place, in the order of mu + v + e, without the plain expression's temporaries
        e = rng.standard_normal(size=(stop - start, len(mu)))
        e *= sigma_e
        t = mu[None, :] + v[start:stop, None]
        t += e
        del e
        pop = _inverse_in_place(t, transform, lam, shift)
        values[start:stop] = _indicator_values(pop, sample_values, indicators, threshold)
    return values


def _area_setup(
    fit: NestedErrorFit,
    t_sample: np.ndarray,
    mu_all: np.ndarray,
    plan: AreaPlan,
    i: int,
    transform: str,
    lam: float | None,
    shift: float,
    census_mode: str,
) -> tuple[np.ndarray, float, np.ndarray]:
    """Area i's census units' means on the model scale (x'β̂ + û_d), its γ_d (0 out of sample) and
    the sample values joined to its populations (none in census mode ``population``)."""
    code = plan.sample_code[i]
    mu = mu_all[plan.census_rows[i]]
    gamma = 0.0
    if code >= 0:
        mu = mu + fit.u[code]
        gamma = float(fit.gamma[code])
    sample_values = (
        inverse_transform(t_sample[plan.sample_rows[i]], transform, lam, shift)
        if census_mode == "nonsample"
        else np.empty(0)
    )
    return mu, gamma, sample_values


def _ebp_exact(
    fit: NestedErrorFit,
    t_sample: np.ndarray,
    X_census: np.ndarray,
    plan: AreaPlan,
    indicators: Sequence[tuple[str, Indicator | Callable[..., Any]]],
    *,
    threshold: float | None,
    transform: str,
    lam: float | None,
    shift: float,
    census_mode: str,
) -> tuple[np.ndarray, np.ndarray]:
    """The EBP as the draws' limit: each census unit's expected contribution, joined to the sample."""
    est = np.zeros((len(plan.names), len(indicators)))
    mu_all = X_census @ fit.beta
    for i in range(len(plan.names)):
        rows = plan.census_rows[i]
        m, gamma, sample_values = _area_setup(fit, t_sample, mu_all, plan, i, transform, lam, shift, census_mode)
        s = float(np.sqrt(fit.sigma2_u * (1.0 - gamma) + fit.sigma2_e))
        n_s, n_r = len(sample_values), len(rows)
        for k, (name, ind) in enumerate(indicators):
            assert isinstance(ind, Indicator)  # checked by the engine (EXACT)
            part = float(np.mean(exact_unit_values(name, m, s, threshold, transform, lam, shift)))
            if n_s:
                part = (part * n_r + float(ind.function(sample_values, threshold)) * n_s) / (n_r + n_s)
            est[i, k] = part
    return est, np.zeros_like(est)


def _indicator_values(
    generated: np.ndarray,
    sample_values: np.ndarray,
    indicators: Sequence[tuple[str, Indicator | Callable[..., Any]]],
    threshold: float | None,
) -> np.ndarray:
    """Each indicator on each population (a row of ``generated`` joined to the sample values)."""
    out = np.empty((generated.shape[0], len(indicators)))
    n_s, n_r = len(sample_values), generated.shape[1]
    for k, (_, ind) in enumerate(indicators):
        if isinstance(ind, Indicator):
            # the built-ins are means over units: weight the generated and the sample part
            part = ind.function(generated, threshold)
            if n_s:
                part = (part * n_r + ind.function(sample_values, threshold) * n_s) / (n_r + n_s)
            out[:, k] = part
        else:
            out[:, k] = [float(ind(np.concatenate([sample_values, row]))) for row in generated]
    return out


def bootstrap_mse(
    fit: NestedErrorFit,
    X_sample: np.ndarray,
    dom: np.ndarray,
    X_census: np.ndarray,
    plan: AreaPlan,
    indicators: Sequence[tuple[str, Indicator | Callable[..., Any]]],
    *,
    threshold: float | None,
    transform: str,
    lam: float | None,
    shift: float,
    draws: int,
    census_mode: str,
    replicates: int,
    method: str,
    rng: np.random.Generator,
    refit_lambda: Callable[[np.ndarray], float] | None = None,
    weights: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Parametric-bootstrap MSE (areas × indicators) and its Monte Carlo SE over the replicates.

    ``refit_lambda``: a Box-Cox λ estimated from the data is estimated again from each bootstrap
    sample (``y`` on its own scale → λ), as emdi, so the MSE carries λ's uncertainty too;
    ``weights``: each replicate is refitted as the pseudo-EBP with the same survey weights.
    """
    n_areas = len(plan.names)
    D = len(fit.u)
    sq = np.zeros((replicates, n_areas, len(indicators)))
    sigma_u, sigma_e = np.sqrt(fit.sigma2_u), np.sqrt(fit.sigma2_e)
    mu_s = X_sample @ fit.beta
    mu_census = X_census @ fit.beta
    for b in range(replicates):
        u = rng.normal(0.0, 1.0, size=D) * sigma_u
        t_b = mu_s + u[dom] + rng.normal(0.0, 1.0, size=len(mu_s)) * sigma_e
        truth = np.empty((n_areas, len(indicators)))
        for i in range(n_areas):
            code = plan.sample_code[i]
            u_i = u[code] if code >= 0 else rng.normal() * sigma_u
            rows = plan.census_rows[i]
            t_r = mu_census[rows] + u_i + rng.normal(0.0, 1.0, size=len(rows)) * sigma_e
            sample_values = (
                inverse_transform(t_b[plan.sample_rows[i]], transform, lam, shift)
                if census_mode == "nonsample"
                else np.empty(0)
            )
            pop = inverse_transform(t_r, transform, lam, shift)[None, :]
            truth[i] = _indicator_values(pop, sample_values, indicators, threshold)[0]
        lam_b, t_fit = lam, t_b
        if refit_lambda is not None:
            lam_b = refit_lambda(inverse_transform(t_b, transform, lam, shift))
            t_fit = forward_transform(inverse_transform(t_b, transform, lam, shift), transform, lam_b, shift)
        refit = fit_nested_error(t_fit, X_sample, dom, method)
        if weights is not None:
            from humsec.sae._pseudo import pseudo_fit

            refit = pseudo_fit(refit, t_fit, X_sample, dom, weights)
        est, _ = ebp_draws(
            refit, t_fit, X_census, plan, indicators, threshold=threshold, transform=transform,
            lam=lam_b, shift=shift, draws=draws, census_mode=census_mode, rng=rng,
        )  # fmt: skip
        sq[b] = (est - truth) ** 2
    mse = sq.mean(axis=0)
    se = (
        sq.std(axis=0, ddof=1) / np.sqrt(replicates)
        if replicates > 1
        else np.full_like(mse, np.nan)
    )
    return mse, se
