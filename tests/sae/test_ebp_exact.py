"""``draws=0``: the EBP as the exact expectation its Monte Carlo draws approximate.

- every supported (indicator, transform) pair equals the mean of many draws within a few Monte
  Carlo SEs (hypothesis over data sets and poverty lines), the untransformed mean equals the BHF
  EBLUP to rounding, and the per-unit formulas equal numerical integration (scipy ``quad``);
- against R ``sae::ebBHF`` (incomedata, L = 1,000): within 4 of R's own Monte Carlo SEs;
- an indicator without a closed form under the transform is refused, naming draws;
- the bootstrap MSE with exact EBPs is a bootstrap MSE like the other (positive, same seed same
  numbers) and its Monte Carlo SE column is 0 for the point estimates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from humsec.core.errors import ParameterError
from humsec.sae import EBP_EXACT, BatteseHarterFuller, EmpiricalBestPredictor
from humsec.sae._ebp_draws import INDICATORS, exact_unit_values, inverse_transform
from tests.sae.test_ebp_against_r import GOLDEN, fit_case, load
from tests.sae.test_ebp_properties import make_data

CASES = [(ind, tr) for tr, inds in EBP_EXACT.items() for ind in inds]


@pytest.mark.parametrize(("indicator", "transform"), CASES)
def test_the_unit_formula_is_the_integral_of_the_indicator(indicator: str, transform: str) -> None:
    m, s, z, shift = 1.3, 0.7, 3.0, 0.5
    lam = 0.25 if transform == "boxcox" else None
    if transform == "none":
        m, z = 2.0, 2.5
    ind = INDICATORS[indicator].function

    def integrand(t: float) -> float:
        y = inverse_transform(np.array([t]), transform, lam, shift)
        return float(ind(y, z)) * stats.norm.pdf(t, m, s)

    want, _ = integrate.quad(integrand, m - 12 * s, m + 12 * s, points=[np.log(z + shift), (z + shift) ** 0.25], limit=200)
    got = float(exact_unit_values(indicator, np.array([m]), s, z, transform, lam, shift)[0])
    assert got == pytest.approx(want, rel=1e-7, abs=1e-10)


def test_box_cox_with_a_negative_lambda_is_the_integral_too() -> None:
    m, s, z = 1.0, 0.3, 2.0
    lam = -0.5

    def integrand(t: float) -> float:
        y = inverse_transform(np.array([t]), "boxcox", lam, 0.0)
        return float(y[0] < z) * stats.norm.pdf(t, m, s)

    want, _ = integrate.quad(integrand, m - 12 * s, m + 12 * s, points=[(z**lam - 1) / lam], limit=200)
    got = float(exact_unit_values("fgt0", np.array([m]), s, z, "boxcox", lam, 0.0)[0])
    assert got == pytest.approx(want, rel=1e-8)


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 10_000), st.floats(2.0, 6.0), st.sampled_from(CASES))
def test_the_exact_ebp_is_the_limit_of_the_draws(seed: int, line: float, case: tuple[str, str]) -> None:
    indicator, transform = case
    survey, census = make_data(seed)
    if transform == "none":
        survey = survey.assign(y=np.log(survey["y"]))
        line = float(np.log(line))
    params = {"formula": "y ~ x", "area": "area", "indicators": [indicator], "threshold": line,
              "transform": transform, "boxcox_lambda": 0.3 if transform == "boxcox" else None,
              "shift": 0.0 if transform == "none" else 0.5}  # fmt: skip
    exact = EmpiricalBestPredictor(**params, draws=0).fit(survey, census).to_frame().set_index("area")
    drawn = EmpiricalBestPredictor(**params, draws=1000, seed=seed).fit(survey, census).to_frame().set_index("area")
    assert (exact["mc_se"] == 0).all()
    z = (drawn["estimate"] - exact["estimate"]) / drawn["mc_se"]
    assert np.abs(z).max() < 4.5, pd.DataFrame({"exact": exact["estimate"], "drawn": drawn["estimate"], "z": z})


def test_the_exact_mean_is_the_bhf_eblup() -> None:
    survey, census = make_data(3)
    table = EmpiricalBestPredictor(formula="y ~ x", area="area", indicators=["mean"], draws=0).fit(survey, census)
    pop = pd.concat([survey[["area", "x"]], census])
    means = pop.groupby("area", as_index=False).agg(x=("x", "mean"), N=("x", "size"))
    bhf = BatteseHarterFuller(formula="y ~ x", area="area", popsize="N").fit(survey, means).to_frame()
    merged = table.to_frame().merge(bhf, on="area", suffixes=("", "_bhf"))
    np.testing.assert_allclose(merged["estimate"], merged["estimate_bhf"], rtol=1e-10)


@pytest.mark.parametrize("case", ["log", "oos", "boxcox"])
def test_the_exact_ebp_is_within_rs_monte_carlo_error(case: str) -> None:
    indicators = ["fgt0"] if case == "boxcox" else ["fgt0", "fgt1", "mean"]
    table = fit_case(case, *load(), indicators=indicators, draws=0).to_frame()
    ref = pd.read_csv(GOLDEN / "estimates.csv", skipinitialspace=True).query("case == @case")
    ref = ref.astype({"domain": int}).astype({"domain": str})
    merged = table.merge(ref, left_on=["area", "indicator"], right_on=["domain", "indicator"])
    assert len(merged) == 5 * len(indicators)
    z = (merged["estimate"] - merged["eb"]) / (merged["mc_sd"] / np.sqrt(merged["mc_draws"]))
    assert np.abs(z).max() < 4, merged.assign(z=z)[["area", "indicator", "estimate", "eb", "z"]]


def test_an_indicator_without_a_closed_form_is_refused() -> None:
    survey, census = make_data(1)
    engine = EmpiricalBestPredictor(formula="y ~ x", area="area", indicators=["fgt0", "fgt1"], threshold=3.0,
                                    transform="boxcox", boxcox_lambda=0.3, draws=0)  # fmt: skip
    with pytest.raises(ParameterError, match=r"'draws'.*at least 2 for 'fgt1' under transform='boxcox'"):
        engine.fit(survey, census)
    custom = EmpiricalBestPredictor(formula="y ~ x", area="area", indicators={"p90": lambda y: np.quantile(y, 0.9)},
                                    draws=0)  # fmt: skip
    with pytest.raises(ParameterError, match=r"at least 2 for 'p90'"):
        custom.fit(survey, census)
    with pytest.raises(ParameterError, match=r"'draws'.*0 \(the exact expectation\) or at least 2"):
        EmpiricalBestPredictor(formula="y ~ x", area="area", indicators=["mean"], draws=1).fit(survey, census)


def test_the_bootstrap_with_exact_ebps() -> None:
    survey, census = make_data(5)
    params = {"formula": "y ~ x", "area": "area", "indicators": ["fgt0", "fgt1"], "threshold": 3.0,
              "transform": "log", "draws": 0, "bootstrap": 30, "seed": 9}  # fmt: skip
    a = EmpiricalBestPredictor(**params).fit(survey, census).to_frame()
    b = EmpiricalBestPredictor(**params).fit(survey, census).to_frame()
    pd.testing.assert_frame_equal(a, b)
    assert (a["mse"] > 0).all() and (a["mse_se"] > 0).all()
    drawn = EmpiricalBestPredictor(**{**params, "draws": 50}).fit(survey, census).to_frame()
    # the draws add Monte Carlo noise to every replicate's EBP: their MSE is not smaller on average
    assert drawn["mse"].mean() >= 0.8 * a["mse"].mean()


def test_the_cli_takes_draws_0(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from humsec.cli.main import app

    survey, census = make_data(2)
    survey.to_csv(tmp_path / "s.csv", index=False)
    census.to_csv(tmp_path / "c.csv", index=False)
    out = tmp_path / "ebp.csv"
    args = ["sae", "ebp", str(tmp_path / "s.csv"), str(tmp_path / "c.csv"), "--formula", "y ~ x", "--area", "area",
            "--threshold", "3", "--indicator", "fgt0", "--indicator", "fgt1", "--transform", "log", "--draws", "0",
            "--bootstrap", "5", "--seed", "4", "--out", str(out)]  # fmt: skip
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    api = EmpiricalBestPredictor(formula="y ~ x", area="area", indicators=["fgt0", "fgt1"], threshold=3.0,
                                 transform="log", draws=0, bootstrap=5, seed=4).fit(survey, census).to_frame()  # fmt: skip
    table = pd.read_csv(out)
    np.testing.assert_allclose(table["estimate"], api["estimate"], rtol=1e-12)
    np.testing.assert_allclose(table["mse"], api["mse"], rtol=1e-12)
    res = CliRunner().invoke(app, [*args[:-2], "--transform", "boxcox", "--lambda", "0.3", "--out", str(tmp_path / "x.csv")])
    assert res.exit_code == 2 and "at least 2 for 'fgt1'" in res.output and not (tmp_path / "x.csv").exists()
