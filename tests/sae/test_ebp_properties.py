"""EmpiricalBestPredictor against hand-derived expectations (hypothesis) and its own invariants.

Under the fitted model the EBP's Monte Carlo draws have known expectations, so the engine's mean of
L draws must lie within a few Monte Carlo SEs (its ``mc_se`` column) of them:
- the mean, untransformed: the BHF EBLUP of the area mean with N = n + census units and X̄ the
  population mean of the covariates (``f·ȳ + (X̄ − f·x̄)'β̂ + (1 − f)·û``, the same algebra);
- FGT0 under ``log(y + shift)``: each generated unit is below z with probability
  ``Φ((log(z + shift) − x'β̂ − û_d) / √(σ²ₑ + σ²ᵤ(1 − γ_d)))``; the sample units count as observed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from humsec.sae import BatteseHarterFuller, EmpiricalBestPredictor


def make_data(seed: int, areas: int = 6, n: int = 12, r: int = 150) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    s = pd.DataFrame({"area": np.repeat([f"a{i}" for i in range(areas)], n), "x": rng.normal(size=areas * n)})
    u = rng.normal(0, 0.4, areas)
    s["y"] = np.exp(1.0 + 0.5 * s["x"] + np.repeat(u, n) + rng.normal(0, 0.6, areas * n))
    c = pd.DataFrame({"area": np.repeat([f"a{i}" for i in range(areas + 1)], r), "x": rng.normal(size=(areas + 1) * r)})
    return s, c


@settings(max_examples=6, deadline=None)
@given(st.integers(0, 10_000))
def test_ebp_of_the_mean_is_the_bhf_eblup(seed: int) -> None:
    survey, census = make_data(seed)
    ebp = EmpiricalBestPredictor(formula="y ~ x", area="area", indicators=["mean"], draws=400, seed=seed)
    table = ebp.fit(survey, census).to_frame()
    n = survey.groupby("area").size()
    pop = pd.concat([survey[["area", "x"]], census])  # census mode "nonsample": survey + census units
    means = pop.groupby("area", as_index=False).agg(x=("x", "mean"), N=("x", "size"))
    bhf = BatteseHarterFuller(formula="y ~ x", area="area", popsize="N").fit(survey, means).to_frame()
    merged = table.merge(bhf, on="area", suffixes=("", "_bhf"))
    assert (merged["N"] == merged["N_bhf"]).all() and (merged["n"].to_numpy() == n.reindex(merged["area"]).fillna(0).to_numpy()).all()
    z = (merged["estimate"] - merged["estimate_bhf"]) / merged["mc_se"]
    assert np.abs(z).max() < 4.5, merged.assign(z=z)


@settings(max_examples=6, deadline=None)
@given(st.integers(0, 10_000), st.floats(2.0, 6.0))
def test_fgt0_under_log_equals_the_normal_probability(seed: int, line: float) -> None:
    survey, census = make_data(seed)
    engine = EmpiricalBestPredictor(formula="y ~ x", area="area", indicators=["fgt0"], threshold=line,
                                    transform="log", shift=0.5, draws=400, seed=seed)  # fmt: skip
    result = engine.fit(survey, census)
    table = result.to_frame().set_index("area")
    beta = result.coefficients.set_index("term")["estimate"]
    shrink = table["gamma"]
    resid = (np.log(survey["y"] + 0.5) - beta["Intercept"] - beta["x"] * survey["x"]).groupby(survey["area"]).mean()
    u_hat = (shrink * resid.reindex(shrink.index)).fillna(0.0)  # û_d = γ_d · mean residual
    for area, row in table.iterrows():
        x_r = census.loc[census["area"] == area, "x"].to_numpy()
        sd = np.sqrt(result.sigma2_e + result.sigma2_u * (1 - row["gamma"]))
        p = stats.norm.cdf((np.log(line + 0.5) - beta["Intercept"] - beta["x"] * x_r - u_hat[area]) / sd)
        y_s = survey.loc[survey["area"] == area, "y"].to_numpy()
        expected = (p.sum() + (y_s < line).sum()) / (len(x_r) + len(y_s))
        assert abs(row["estimate"] - expected) < 4.5 * row["mc_se"], (area, row["estimate"], expected)


def test_same_seed_same_numbers_and_other_seed_other_draws() -> None:
    survey, census = make_data(1)
    kw = {"formula": "y ~ x", "area": "area", "threshold": 3.0, "draws": 20, "bootstrap": 3}
    a = EmpiricalBestPredictor(**kw, seed=5).fit(survey, census).to_frame()
    b = EmpiricalBestPredictor(**kw, seed=5).fit(survey, census).to_frame()
    c = EmpiricalBestPredictor(**kw, seed=6).fit(survey, census).to_frame()
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["estimate"], c["estimate"])


def test_estimates_in_their_domain_and_out_of_sample_area() -> None:
    survey, census = make_data(2)
    result = EmpiricalBestPredictor(formula="y ~ x", area="area", indicators=["fgt0", "fgt1", "fgt2"],
                                    threshold=3.0, transform="log", draws=30, bootstrap=10, seed=1).fit(survey, census)  # fmt: skip
    t = result.to_frame()
    assert t["estimate"].between(0, 1).all() and (t["mse"] > 0).all()
    assert t["ci_low"].between(0, 1).all() and t["ci_high"].between(0, 1).all()
    fgt = t.pivot(index="area", columns="indicator", values="estimate")
    assert (fgt["fgt0"] >= fgt["fgt1"]).all() and (fgt["fgt1"] >= fgt["fgt2"]).all()  # FGT ordering
    out = t[t["area"] == "a6"]
    assert (out["n"] == 0).all() and (~out["in_sample"]).all() and out["direct"].isna().all()
    assert "1 census area(s) without survey units" in result.summary()
    ci = result.conf_int(0.5)
    assert ((ci["ci_high"] - ci["ci_low"]) <= (t["ci_high"] - t["ci_low"]) + 1e-12).all()


def test_user_function_indicator_matches_builtin() -> None:
    survey, census = make_data(3)
    kw = {"formula": "y ~ x", "area": "area", "threshold": 3.0, "draws": 25, "seed": 9}
    builtin = EmpiricalBestPredictor(**kw, indicators=["fgt0"]).fit(survey, census).to_frame()
    user = EmpiricalBestPredictor(**kw, indicators={"poor": lambda y: np.mean(y < 3.0)}).fit(survey, census).to_frame()
    np.testing.assert_allclose(user["estimate"], builtin["estimate"], rtol=1e-12)
    assert (user["indicator"] == "poor").all()


def test_census_population_mode_counts_only_census_units() -> None:
    survey, census = make_data(4)
    t = EmpiricalBestPredictor(formula="y ~ x", area="area", indicators=["mean"], draws=5, seed=1,
                               census="population").fit(survey, census).to_frame()  # fmt: skip
    assert (t["N"] == 150).all()


@pytest.mark.parametrize(("transform", "lam"), [("none", None), ("log", None), ("boxcox", 0.3), ("boxcox", -0.4)])
def test_compiled_draws_equal_the_numpy_draws_of_the_same_stream(transform: str, lam: float | None) -> None:
    """The one-pass loop (built-in indicators) and the matrix path (Python functions) transform the
    same random numbers: every indicator agrees to rounding, under every transformation."""
    survey, census = make_data(11)
    z = 3.0

    def gap(y: np.ndarray, power: int) -> float:
        return float(np.mean(np.where(y < z, (z - y) / z, 0.0) ** power))

    kw = {"formula": "y ~ x", "area": "area", "threshold": z, "draws": 12, "seed": 5, "transform": transform,
          "boxcox_lambda": lam, "shift": 0.0 if transform == "none" else 0.5}  # fmt: skip
    builtin = EmpiricalBestPredictor(**kw, indicators=["fgt0", "fgt1", "fgt2", "mean"]).fit(survey, census)
    python = EmpiricalBestPredictor(**kw, indicators={
        "fgt0": lambda y: float(np.mean(y < z)), "fgt1": lambda y: gap(y, 1), "fgt2": lambda y: gap(y, 2),
        "mean": lambda y: float(np.mean(y))}).fit(survey, census)  # fmt: skip
    a, b = builtin.to_frame(), python.to_frame()
    np.testing.assert_allclose(a["estimate"], b["estimate"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(a["mc_se"], b["mc_se"], rtol=1e-8, atol=1e-12)


def test_the_numbers_do_not_depend_on_the_number_of_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each area draws from its own stream spawned from the seed: one thread or several, same numbers."""
    import os

    survey, census = make_data(12, areas=9)
    kw = {"formula": "y ~ x", "area": "area", "indicators": ["fgt0", "mean"], "threshold": 3.0,
          "transform": "log", "draws": 20, "bootstrap": 3, "seed": 8}  # fmt: skip
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1, 2, 3}, raising=False)
    many = EmpiricalBestPredictor(**kw).fit(survey, census).to_frame()
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0}, raising=False)
    one = EmpiricalBestPredictor(**kw).fit(survey, census).to_frame()
    pd.testing.assert_frame_equal(many, one)
