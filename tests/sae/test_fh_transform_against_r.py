"""TransformedFayHerriot against a hand-worked R reference (emdi is not installable here).

tests/golden/sae_fh_transform/make_fh_transform_reference.R fits R ``sae`` 1.3 ``eblupFH`` (REML) on
the delta-method transformed data (milk, log; 40 simulated shares, arcsine) and back-transforms by
numerical integration (``stats::integrate``), independent of humsec's closed forms: β and σ²ᵤ must
agree to 1e-6 (same Fisher scoring as R), the bias-corrected and naive estimates to 1e-6 relative.
Its bootstrap MSE (B = 1,000, R's generator) has a Monte Carlo SE per area; humsec's B = 1,000
from numpy must lie within 4 combined SEs (83 comparisons; ~5e-3 false-alarm probability).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from humsec.core.errors import HumsecError
from humsec.sae import TransformedFayHerriot
from humsec.testing import check_engine, check_result

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "sae_fh_transform"
CASES = {
    "log": ("milk.csv", "yi ~ C(MajorArea)"),
    "arcsin": ("shares.csv", "p ~ x1"),
    "arcsin_n": ("shares.csv", "p ~ x1"),  # variance 1/(4n) from the effective sample size n
}


def _ref(name: str, case: str) -> pd.DataFrame:
    return pd.read_csv(GOLDEN / name, skipinitialspace=True).query("case == @case").reset_index(drop=True)


def _fit(case: str, bootstrap: int = 2, **kw: object) -> object:
    file, formula = CASES[case]
    if case == "arcsin_n":
        kw = {"effective_n": "n_eff", **kw}
    engine = TransformedFayHerriot(formula=formula, variance="var", area="area", transform=case.split("_")[0],
                                   bootstrap=bootstrap, seed=5, **kw)  # fmt: skip
    return engine.fit(pd.read_csv(GOLDEN / file), source=file)


@pytest.mark.parametrize("case", list(CASES))
def test_fit_and_bias_corrected_estimates_equal_r(case: str) -> None:
    result = _fit(case)
    par = _ref("parameters.csv", case)
    assert result.sigma2_u == pytest.approx(par["value"].iloc[-1], rel=1e-6)
    np.testing.assert_allclose(result.coefficients["estimate"], par["value"].iloc[:-1], rtol=1e-6, atol=1e-9)
    table, ref = result.to_frame(), _ref("estimates.csv", case)
    assert (table["area"].astype(str).to_numpy() == ref["area"].astype(str).to_numpy()).all()
    assert (table["in_sample"].to_numpy() == ref["in_sample"].to_numpy()).all()
    np.testing.assert_allclose(table["estimate"], ref["estimate"], rtol=1e-6)
    np.testing.assert_allclose(table["naive"], ref["naive"], rtol=1e-6)
    np.testing.assert_allclose(table["gamma"], ref["gamma"], rtol=1e-6, atol=1e-12)
    # the correction moves every estimate the way Jensen says: up for exp (convex)
    if case == "log":
        assert (table["estimate"] > table["naive"]).all()


@pytest.mark.slow  # 2 x 1,000 refits: about 20 s
@pytest.mark.parametrize("case", list(CASES))
def test_bootstrap_mse_within_monte_carlo_error_of_r(case: str) -> None:
    table, ref = _fit(case, bootstrap=1000).to_frame(), _ref("estimates.csv", case)
    z = (table["mse"] - ref["mse"]) / np.hypot(table["mse_se"], ref["mse_se"])
    assert np.abs(z).max() < 4, table.assign(r=ref["mse"], z=z)[["area", "mse", "r", "z"]]


def test_engine_and_result_conventions_and_intervals_in_range() -> None:
    engine = TransformedFayHerriot(formula="p ~ x1", variance="var", area="area", transform="arcsin",
                                   bootstrap=20, seed=3)  # fmt: skip
    data = pd.read_csv(GOLDEN / "shares.csv")
    check_engine(engine, fit=lambda e: e.fit(data))
    result = engine.fit(data)
    check_result(result)
    t = result.to_frame()
    assert t["ci_low"].ge(0).all() and t["ci_high"].le(1).all() and (t["mse"] > 0).all()
    assert (~t["in_sample"]).sum() == 3 and t.loc[~t["in_sample"], "gamma"].eq(0).all()
    assert any("3 area(s) without a direct estimate" in n for n in result.notes)


@pytest.mark.parametrize(
    ("case", "value", "message"),
    [
        ("log", 0.0, r"'yi' of milk.csv: the log transformation needs positive values .*\(area 3\) have 0.0"),
        ("log", -1.2, r"needs positive values"),
        ("arcsin", 1.0, r"'p' of shares.csv: the arcsin transformation needs shares strictly between 0 and 1 .*area D03"),
        ("arcsin", 1.7, r"strictly between 0 and 1"),
    ],
)
def test_values_outside_the_transform_are_an_error(case: str, value: float, message: str) -> None:
    file, formula = CASES[case]
    data = pd.read_csv(GOLDEN / file)
    data.loc[2, formula.split(" ")[0]] = value
    with pytest.raises(HumsecError, match=message):
        TransformedFayHerriot(formula=formula, variance="var", area="area", transform=case, bootstrap=2,
                              seed=1).fit(data, source=file)  # fmt: skip


def test_cli_transform_writes_r_numbers_and_refuses_bad_shares(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from humsec.cli.main import app

    data, out = tmp_path / "shares.csv", tmp_path / "est.csv"
    frame = pd.read_csv(GOLDEN / "shares.csv")
    frame.to_csv(data, index=False)
    args = ["sae", "fh", str(data), "--formula", "p ~ x1", "--variance", "var", "--area", "area",
            "--transform", "arcsin", "--bootstrap", "10", "--seed", "2", "--out", str(out)]  # fmt: skip
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out)
    np.testing.assert_allclose(table["estimate"], _ref("estimates.csv", "arcsin")["estimate"], rtol=1e-6)
    assert {"mse", "ci_low", "ci_high", "naive", "mse_se"} <= set(table.columns)
    out.unlink()
    frame.loc[4, "p"] = 1.3
    frame.to_csv(data, index=False)
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 2 and "strictly between 0 and 1" in res.output and not out.exists()
    res = CliRunner().invoke(app, [*args[:-2], "--spatial", "--boundaries", "KEN-adm1", "--out", str(out)])
    assert res.exit_code == 2 and "--transform goes with the plain model" in res.output


def test_effective_sample_size_allows_shares_of_0_and_1_and_only_with_arcsin() -> None:
    data = pd.read_csv(GOLDEN / "shares.csv")
    data.loc[[0, 1], "p"] = [0.0, 1.0]
    kw = {"formula": "p ~ x1", "variance": "var", "area": "area", "bootstrap": 5, "seed": 1}
    t = TransformedFayHerriot(**kw, transform="arcsin", effective_n="n_eff").fit(data).to_frame()
    assert t["estimate"].between(0, 1).all() and t.loc[0, "direct"] == 0.0
    with pytest.raises(HumsecError, match=r"'effective_n' parameter .* unless transform='arcsin'"):
        TransformedFayHerriot(**kw, transform="log", effective_n="n_eff").fit(data)
    data.loc[3, "n_eff"] = 0
    with pytest.raises(HumsecError, match=r"'n_eff': the effective sample size must be > 0 .*row 4"):
        TransformedFayHerriot(**kw, transform="arcsin", effective_n="n_eff").fit(data)
