"""Survey weights in the EBP (``weights=``, ``--weight``): the pseudo-EBP of Guadarrama, Molina & Rao
(2018) with the pseudo-EBLUP of You & Rao (2002).

- one weight for every unit changes nothing (the weighted equations are then the GLS ones);
- on a small table, β_w, γ_dw and û_dw equal the formulas evaluated by hand (dense numpy here);
- under informative sampling (units with a larger error more likely drawn) the unweighted EBP of
  the area mean is biased upward and the pseudo-EBP removes most of the bias;
- bad weights are an error naming the rows; the CLI takes ``--weight``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from humsec.cli.main import app
from humsec.core.errors import DataError, HumsecError
from humsec.sae import EmpiricalBestPredictor
from humsec.sae._bhf_fit import fit_nested_error
from humsec.sae._pseudo import pseudo_fit
from tests.sae.test_ebp_properties import make_data

KW = {"formula": "y ~ x", "area": "area", "indicators": ["fgt0", "mean"], "threshold": 3.0, "transform": "log"}


def test_one_weight_for_every_unit_is_the_unweighted_ebp() -> None:
    survey, census = make_data(4)
    plain = EmpiricalBestPredictor(**KW, draws=0, bootstrap=20, seed=3).fit(survey, census).to_frame()
    weighted = EmpiricalBestPredictor(**KW, draws=0, bootstrap=20, seed=3, weights="w").fit(
        survey.assign(w=7.5), census
    ).to_frame()
    for col in ("estimate", "mse", "direct", "gamma"):
        np.testing.assert_allclose(weighted[col], plain[col], rtol=1e-9, err_msg=col)


def test_the_weighted_equations_by_hand() -> None:
    rng = np.random.default_rng(3)
    dom = np.array([0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2])
    X = np.column_stack([np.ones(12), rng.normal(size=12)])
    y = X @ [2.0, 1.0] + np.array([0.4, -0.3, 0.1])[dom] + rng.normal(size=12)
    w = rng.uniform(1, 10, 12)
    fit = fit_nested_error(y, X, dom, "reml")
    got = pseudo_fit(fit, y, X, dom, w)
    s2u, s2e = fit.sigma2_u, fit.sigma2_e
    lhs, rhs, gam, ybar, xbar = np.zeros((2, 2)), np.zeros(2), [], [], []
    for d in range(3):
        k = dom == d
        wd = w[k]
        delta2 = (wd**2).sum() / wd.sum() ** 2
        g = s2u / (s2u + s2e * delta2)
        yb, xb = (wd * y[k]).sum() / wd.sum(), (wd[:, None] * X[k]).sum(axis=0) / wd.sum()
        for j in np.flatnonzero(k):
            lhs += w[j] * np.outer(X[j], X[j] - g * xb)
            rhs += w[j] * X[j] * (y[j] - g * yb)
        gam.append(g)
        ybar.append(yb)
        xbar.append(xb)
    beta = np.linalg.solve(lhs, rhs)
    np.testing.assert_allclose(got.beta, beta, rtol=1e-12)
    np.testing.assert_allclose(got.gamma, gam, rtol=1e-12)
    np.testing.assert_allclose(got.u, np.array(gam) * (np.array(ybar) - np.array(xbar) @ beta), rtol=1e-10, atol=1e-14)
    assert np.isnan(got.cov_beta).all()


def test_informative_sampling_bias_is_removed_by_the_weights() -> None:
    rng = np.random.default_rng(1)
    D, N, n = 30, 400, 20
    bias_plain, bias_weighted = [], []
    for _ in range(20):
        area = np.repeat(np.arange(D), N)
        x, e = rng.normal(size=D * N), rng.normal(size=D * N)
        pop = pd.DataFrame({"area": area.astype(str), "x": x, "y": 1 + x + rng.normal(0, 0.5, D)[area] + e})
        rows, weights = [], []
        for d in range(D):  # within an area, a unit with a larger error is more likely drawn
            idx = np.flatnonzero(area == d)
            p = np.exp(e[idx])
            p /= p.sum()
            drawn = rng.choice(len(idx), size=n, replace=False, p=p)
            rows += list(idx[drawn])
            weights += list(1 / (n * p[drawn]))
        survey = pop.loc[rows].assign(w=weights)
        census = pop.drop(index=rows).drop(columns="y")
        truth = pop.groupby("area")["y"].mean()
        kw = {"formula": "y ~ x", "area": "area", "indicators": ["mean"], "draws": 0}
        plain = EmpiricalBestPredictor(**kw).fit(survey, census).to_frame().set_index("area")["estimate"]
        weighted = EmpiricalBestPredictor(**kw, weights="w").fit(survey, census).to_frame().set_index("area")["estimate"]
        bias_plain.append(float((plain - truth.loc[plain.index]).mean()))
        bias_weighted.append(float((weighted - truth.loc[weighted.index]).mean()))
    assert np.mean(bias_plain) > 0.5  # the sample over-represents large errors
    assert abs(np.mean(bias_weighted)) < 0.2 * np.mean(bias_plain)


@pytest.mark.parametrize("bad", [0.0, -2.0, np.nan, "heavy"])
def test_bad_weights_name_the_rows(bad: object) -> None:
    survey, census = make_data(1)
    survey["w"] = 1.0
    survey["w"] = survey["w"].astype(object)
    survey.loc[4, "w"] = bad
    with pytest.raises(DataError, match=r"Column 'w'.*survey weights must be numbers > 0; row 5"):
        EmpiricalBestPredictor(**KW, draws=0, weights="w").fit(survey, census)
    with pytest.raises(HumsecError, match=r"wt"):
        EmpiricalBestPredictor(**KW, draws=0, weights="wt").fit(survey, census)


def test_the_cli_takes_weight(tmp_path: Path) -> None:
    survey, census = make_data(2)
    survey["w"] = np.random.default_rng(0).uniform(1, 5, len(survey))
    survey.to_csv(tmp_path / "s.csv", index=False)
    census.to_csv(tmp_path / "c.csv", index=False)
    out = tmp_path / "e.csv"
    res = CliRunner().invoke(app, ["sae", "ebp", str(tmp_path / "s.csv"), str(tmp_path / "c.csv"), "--formula",
                                   "y ~ x", "--area", "area", "--indicator", "mean", "--draws", "0", "--bootstrap",
                                   "0", "--weight", "w", "--out", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    api = EmpiricalBestPredictor(formula="y ~ x", area="area", indicators=["mean"], draws=0, weights="w").fit(
        survey, census
    )
    np.testing.assert_allclose(pd.read_csv(out)["estimate"], api.to_frame()["estimate"], rtol=1e-9)
    assert "pseudo-EBP" in res.output
