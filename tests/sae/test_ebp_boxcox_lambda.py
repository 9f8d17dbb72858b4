"""The EBP's Box-Cox λ estimated from the survey (``boxcox_lambda="estimate"``, as emdi):

- without area effects (σ²ᵤ estimated 0) and without covariates the criterion is the iid normal
  profile likelihood, so λ̂ must be scipy's ``boxcox_normmax(method="mle")``, an independent code;
- the standardised transform has Jacobian 1 (the likelihoods of different λ compare);
- λ̂ is the maximum of the profile over a fine grid, and it recovers the λ that generated the data;
- the engine and the CLI use λ̂ (the notes give it) and equal a run with λ̂ given.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from typer.testing import CliRunner

from humsec.cli.main import app
from humsec.sae import EmpiricalBestPredictor
from humsec.sae._bhf_fit import fit_nested_error
from humsec.sae._boxcox import BOXCOX_BOUNDS, estimate_boxcox_lambda, standardised_boxcox


def _units(lam: float, seed: int, areas: int = 100, per: int = 40, sigma_u: float = 0.3):
    rng = np.random.default_rng(seed)
    dom = np.repeat(np.arange(areas), per)
    x = rng.normal(size=len(dom))
    X = np.column_stack([np.ones(len(dom)), x])
    t = 1.0 + 0.2 * x + rng.normal(0, sigma_u, areas)[dom] + rng.normal(0, 0.25, len(dom))
    y = np.exp(t) if lam == 0 else (lam * t + 1) ** (1 / lam)
    return y, X, dom


def test_without_area_effects_it_is_scipys_box_cox_maximum() -> None:
    y, _, dom = _units(0.3, seed=1, sigma_u=0.0)
    X = np.ones((len(y), 1))
    lam, _ = estimate_boxcox_lambda(y, 0.0, X, dom, "ml")
    assert fit_nested_error(standardised_boxcox(y, lam), X, dom, "ml").sigma2_u == pytest.approx(0.0, abs=1e-10)
    assert lam == pytest.approx(stats.boxcox_normmax(y, method="mle"), abs=5e-5)


def test_the_standardised_transform_has_jacobian_one() -> None:
    y, _, _ = _units(0.3, seed=2)
    g = np.exp(np.log(y).mean())
    for lam in (-0.7, 0.0, 0.4, 1.5):
        # dz/dy = (y/ġ)^(λ-1) at a fixed ġ: its logs sum to 0 over the sample
        assert np.log((y / g) ** (lam - 1)).sum() == pytest.approx(0.0, abs=1e-8)
        plain = np.log(y) if lam == 0 else (y**lam - 1) / lam
        np.testing.assert_allclose(standardised_boxcox(y, lam), plain / g ** (lam - 1), rtol=1e-12)


@pytest.mark.parametrize("true", [0.25, 0.0, -0.5, 1.0])
def test_lambda_hat_maximises_the_profile_and_recovers_the_truth(true: float) -> None:
    y, X, dom = _units(true, seed=3)
    lam, notes = estimate_boxcox_lambda(y, 0.0, X, dom, "reml")
    grid = np.linspace(*BOXCOX_BOUNDS, 301)
    profile = [fit_nested_error(standardised_boxcox(y, g), X, dom, "reml").loglike for g in grid]
    best = fit_nested_error(standardised_boxcox(y, lam), X, dom, "reml").loglike
    assert best >= max(profile) - 1e-6
    assert abs(lam - true) < 0.15, lam
    assert f"{lam:.4f}" in notes[0]


def test_the_engine_uses_lambda_hat_and_equals_a_run_with_it_given(tmp_path) -> None:  # type: ignore[no-untyped-def]
    y, X, dom = _units(0.25, seed=4, areas=30, per=20)
    survey = pd.DataFrame({"area": dom.astype(str), "x": X[:, 1], "y": y})
    census = pd.DataFrame({"area": np.repeat(np.arange(31), 50).astype(str), "x": np.random.default_rng(5).normal(size=1550)})
    kw = {"formula": "y ~ x", "area": "area", "indicators": ["fgt0"], "threshold": 2.5, "transform": "boxcox",
          "draws": 0}  # fmt: skip
    estimated = EmpiricalBestPredictor(**kw, boxcox_lambda="estimate").fit(survey, census)
    lam = estimate_boxcox_lambda(y, 0.0, X, dom, "reml")[0]
    given = EmpiricalBestPredictor(**kw, boxcox_lambda=lam).fit(survey, census)
    pd.testing.assert_frame_equal(estimated.to_frame(), given.to_frame())
    assert any("Box-Cox lambda estimated from the survey" in n for n in estimated.notes)
    survey.to_csv(tmp_path / "s.csv", index=False)
    census.to_csv(tmp_path / "c.csv", index=False)
    args = ["sae", "ebp", str(tmp_path / "s.csv"), str(tmp_path / "c.csv"), "--formula", "y ~ x", "--area", "area",
            "--threshold", "2.5", "--indicator", "fgt0", "--transform", "boxcox", "--lambda", "estimate",
            "--draws", "0", "--bootstrap", "0", "--out", str(tmp_path / "e.csv")]  # fmt: skip
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "Box-Cox lambda estimated from the survey" in res.output
    # the CSV keeps 12 significant digits
    np.testing.assert_allclose(pd.read_csv(tmp_path / "e.csv")["estimate"], given.to_frame()["estimate"], rtol=1e-9)
    bad = CliRunner().invoke(app, [*args[:-2], "--lambda", "guess", "--out", str(tmp_path / "x.csv")])
    assert bad.exit_code == 2 and "a number or 'estimate'" in bad.output


def test_each_bootstrap_replicate_estimates_lambda_again(monkeypatch: pytest.MonkeyPatch) -> None:
    import humsec.sae.ebp as ebp_module

    y, X, dom = _units(0.25, seed=6, areas=20, per=15)
    survey = pd.DataFrame({"area": dom.astype(str), "x": X[:, 1], "y": y})
    census = pd.DataFrame({"area": np.repeat(np.arange(20), 40).astype(str), "x": np.random.default_rng(7).normal(size=800)})
    seen: list[float] = []

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        lam, notes = estimate_boxcox_lambda(*args, **kwargs)
        seen.append(lam)
        return lam, notes

    monkeypatch.setattr(ebp_module, "estimate_boxcox_lambda", counting)
    kw = {"formula": "y ~ x", "area": "area", "indicators": ["fgt0"], "threshold": 2.5, "transform": "boxcox",
          "draws": 0, "bootstrap": 4, "seed": 1}  # fmt: skip
    estimated = EmpiricalBestPredictor(**kw, boxcox_lambda="estimate").fit(survey, census).to_frame()
    assert len(seen) == 1 + 4 and len(set(np.round(seen, 8))) == 5  # the sample's, then one per replicate
    fixed = EmpiricalBestPredictor(**kw, boxcox_lambda=seen[0]).fit(survey, census).to_frame()
    np.testing.assert_allclose(estimated["estimate"], fixed["estimate"], rtol=1e-12)
    assert not np.allclose(estimated["mse"], fixed["mse"])  # λ's own uncertainty is in the MSE
