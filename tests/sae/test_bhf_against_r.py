"""Battese-Harter-Fuller EBLUP against R ``sae`` 1.3 ``eblupBHF`` on ``cornsoybean``.

The numbers and data were written by ``tests/golden/sae_cornsoybean/make_cornsoybean_reference.R``.
R fits with ``lme4::lmer``, whose optimizer stops where the likelihood is flat to ~1e-12 but σ²ᵤ still
moves by ~1e-5 (its "default" and "tight" runs differ by that much), so σ²ᵤ and σ²ₑ are compared at
1e-6 *relative*, the log-likelihood at 1e-8 and estimates and β at 1e-6 absolute; humsec solves the
score equation, checked to be 0 at its optimum.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from humsec.sae import BatteseHarterFuller
from humsec.sae._bhf_fit import _Sums

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "sae_cornsoybean"
CASES = ["all", "no_out", "county12"]


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(GOLDEN / name, skipinitialspace=True)


def _survey(case: str) -> pd.DataFrame:
    d = _read("cornsoybean.csv")
    if case == "no_out":
        d = d.drop(index=32)  # R's cornsoybean[-33, ]
    if case == "county12":
        d = d[d["County"] != 12]
    return d.reset_index(drop=True)


@pytest.fixture(scope="module")
def means() -> pd.DataFrame:
    m = _read("cornsoybeanmeans.csv")
    return m.rename(
        columns={
            "CountyIndex": "County",
            "MeanCornPixPerSeg": "CornPix",
            "MeanSoyBeansPixPerSeg": "SoyBeansPix",
        }
    )


def test_reference_files_are_complete() -> None:
    assert len(_read("cornsoybean.csv")) == 37
    assert len(_read("cornsoybeanmeans.csv")) == 12
    assert len(_read("estimates.csv")) == 2 * 2 * 3 * 12
    assert len(_read("parameters.csv")) == 2 * 2 * 3 * 6


@pytest.mark.parametrize("method", ["REML", "ML"])
@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("optimizer", ["default", "tight"])
def test_eblup_beta_and_variances_match_r_sae(
    means: pd.DataFrame, method: str, case: str, optimizer: str
) -> None:
    ref = "optimizer == @optimizer and method == @method and case == @case"
    est = _read("estimates.csv").query(ref)
    par = _read("parameters.csv").query(ref).set_index("name")["value"]
    result = BatteseHarterFuller(
        formula="CornHec ~ CornPix + SoyBeansPix",
        area="County",
        popsize="PopnSegments",
        method=method.lower(),
    ).fit(_survey(case), means)
    table = result.table()
    assert table["area"].tolist() == [str(a) for a in est["domain"]]
    # eblupBHF as shipped: 1e-6 absolute. The tight-optimizer run lands 1.5e-5 off in sigma2_u on
    # "all"/REML (flat likelihood), moving one estimate by 1.1e-6: compared at 1e-8 relative there.
    tol = {"rtol": 0, "atol": 1e-6} if optimizer == "default" else {"rtol": 1e-8, "atol": 0}
    np.testing.assert_allclose(table["estimate"], est["eblup"], **tol)
    np.testing.assert_array_equal(table["n"], est["sampsize"])
    beta = par[["(Intercept)", "CornPix", "SoyBeansPix"]].to_numpy()
    np.testing.assert_allclose(result.coefficients["estimate"], beta, rtol=0, atol=1e-6)
    assert result.sigma2_u == pytest.approx(par["sigma2_u"], rel=1e-6)
    assert result.sigma2_e == pytest.approx(par["sigma2_e"], rel=1e-6)
    assert result.loglike == pytest.approx(par["loglike"], abs=1e-8)


def test_out_of_sample_county_gets_the_synthetic_estimate(means: pd.DataFrame) -> None:
    result = BatteseHarterFuller(
        formula="CornHec ~ CornPix + SoyBeansPix", area="County", popsize="PopnSegments"
    ).fit(_survey("county12"), means)
    row = result.table().set_index("area").loc["12"]
    assert not row["in_sample"] and row["n"] == 0
    beta = result.coefficients["estimate"].to_numpy()
    m = means.set_index("County").loc[12]
    assert row["estimate"] == pytest.approx(beta @ [1.0, m["CornPix"], m["SoyBeansPix"]], abs=1e-12)
    assert any("without survey units" in n for n in result.notes)


@pytest.mark.parametrize("method", ["reml", "ml"])
def test_score_is_zero_at_the_optimum(means: pd.DataFrame, method: str) -> None:
    d = _survey("all")
    result = BatteseHarterFuller(
        formula="CornHec ~ CornPix + SoyBeansPix", area="County", method=method
    ).fit(d, means)
    X = np.column_stack([np.ones(len(d)), d["CornPix"], d["SoyBeansPix"]])
    sums = _Sums(d["CornHec"].to_numpy(float), X, d["County"].to_numpy() - 1)
    lam = result.sigma2_u / result.sigma2_e
    score = (
        np.imag(sums.loglike(complex(lam, 1e-20), method)) / 1e-20
    )  # complex step: exact to rounding
    curvature = (sums.loglike(lam * 1.01, method) - sums.loglike(lam, method)) / (0.01 * lam) ** 2
    assert abs(score) < 1e-9 * abs(curvature) * lam  # the root of the score: λ within 1e-9 relative
    assert sums.loglike(lam, method) >= sums.loglike(lam * 1.01, method)
