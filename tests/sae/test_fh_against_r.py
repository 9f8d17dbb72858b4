"""Fay-Herriot EBLUP and MSE against R ``sae`` 1.3 (``eblupFH`` + ``mseFH``) on ``milk``.

The numbers and the data were written by ``tests/golden/sae_milk/make_milk_reference.R``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from humsec.sae import FayHerriot

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "sae_milk"


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(GOLDEN / name, skipinitialspace=True)


@pytest.fixture(scope="module")
def milk() -> pd.DataFrame:
    milk = _read("milk.csv")
    milk["var"] = milk["SD"] ** 2
    return milk


def test_reference_files_are_complete() -> None:
    # row-count guards: a truncated reference must not pass silently
    assert len(_read("milk.csv")) == 43
    assert len(_read("estimates.csv")) == 3 * 43
    assert len(_read("parameters.csv")) == 3 * 9


@pytest.mark.parametrize("method", ["REML", "ML", "FH"])
def test_eblup_mse_beta_sigma2_match_r_sae(milk: pd.DataFrame, method: str) -> None:
    est = _read("estimates.csv").query("method == @method")
    par = _read("parameters.csv").query("method == @method").set_index("name")["value"]
    result = FayHerriot(
        formula="yi ~ C(MajorArea)", variance="var", area="SmallArea", method=method.lower()
    ).fit(milk)
    table = result.table()
    assert table["area"].tolist() == [str(a) for a in est["SmallArea"]]
    np.testing.assert_allclose(table["estimate"], est["eblup"], rtol=0, atol=1e-6)
    np.testing.assert_allclose(table["mse"], est["mse"], rtol=1e-6, atol=0)
    beta = par[[f"beta{i}" for i in range(4)]].to_numpy()
    np.testing.assert_allclose(result.coefficients["estimate"], beta, rtol=0, atol=1e-6)
    assert result.sigma2_u == pytest.approx(par["sigma2_u"], abs=1e-6, rel=0)
    # same algorithm, same stopping rule: same number of Fisher-scoring steps
    assert result.iterations == int(par["iterations"])
    assert table["in_sample"].all()
    assert result.loglike == pytest.approx(par["loglike"], rel=1e-9)
    assert result.aic == pytest.approx(par["AIC"], rel=1e-9)
    assert result.bic == pytest.approx(par["BIC"], rel=1e-9)


def test_out_of_sample_area_gets_synthetic_estimate(milk: pd.DataFrame) -> None:
    """Emptying one area's estimate refits on 42 areas and predicts x'beta for the 43rd."""
    data = milk.copy()
    data.loc[4, "yi"] = np.nan
    result = FayHerriot(formula="yi ~ C(MajorArea)", variance="var", area="SmallArea").fit(data)
    refit = FayHerriot(formula="yi ~ C(MajorArea)", variance="var", area="SmallArea").fit(
        data.drop(index=4)
    )
    t = result.table().set_index("area")
    beta = refit.coefficients["estimate"].to_numpy()
    assert t.loc["5", "estimate"] == pytest.approx(beta[0])  # area 5 is in major area 1
    assert not t.loc["5", "in_sample"] and t.loc["5", "gamma"] == 0
    assert result.sigma2_u == pytest.approx(refit.sigma2_u)
    assert any("without a direct estimate" in n for n in result.notes)


def test_intervals_are_normal_with_the_mse(milk: pd.DataFrame) -> None:
    result = FayHerriot(formula="yi ~ C(MajorArea)", variance="var", area="SmallArea").fit(milk)
    t = result.table()
    half = 1.959963984540054 * np.sqrt(t["mse"])
    np.testing.assert_allclose(t["ci_low"], t["estimate"] - half)
    np.testing.assert_allclose(t["ci_high"], t["estimate"] + half)
    ci90 = result.conf_int(0.90)
    np.testing.assert_allclose(
        ci90["ci_high"] - ci90["ci_low"], 2 * 1.6448536269514722 * np.sqrt(t["mse"])
    )
    assert ci90.index.tolist() == t["area"].tolist()
