"""Bootstrap MSE of the BHF EBLUP against R ``sae`` 1.3 ``pbmseBHF`` on ``cornsoybean`` (REML).

Reference: tests/golden/sae_cornsoybean/make_cornsoybean_mse_reference.R, 10 runs of B = 200 (2,000
replicates; R returns only the mean, so the SD between runs gives R's Monte Carlo SE). humsec runs
B = 2,000 from its own generator (numpy is not R's), so each area's MSE must lie within 4 combined
Monte Carlo SEs of R's (24 comparisons; a false alarm at 4 SEs has probability ~1.5e-3), which
checks the bootstrap's truth (area effect, sample and non-sample error means weighted by n/N and
(N - n)/N; a fresh area effect out of sample) and its refit.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from humsec.sae import BatteseHarterFuller
from humsec.testing import check_engine, check_result

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "sae_cornsoybean"
FORMULA = "CornHec ~ CornPix + SoyBeansPix"


def _data(case: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    survey = pd.read_csv(GOLDEN / "cornsoybean.csv")
    if case == "county12":
        survey = survey[survey["County"] != 12]
    means = pd.read_csv(GOLDEN / "cornsoybeanmeans.csv").rename(
        columns={"CountyIndex": "County", "MeanCornPixPerSeg": "CornPix", "MeanSoyBeansPixPerSeg": "SoyBeansPix"}
    )
    return survey.reset_index(drop=True), means


@pytest.mark.slow  # 2 x 2,000 REML refits: about 30 s a case
@pytest.mark.parametrize("case", ["all", "county12"])
def test_bootstrap_mse_within_monte_carlo_error_of_r(case: str) -> None:
    survey, means = _data(case)
    result = BatteseHarterFuller(formula=FORMULA, area="County", popsize="PopnSegments", bootstrap=2000,
                                 seed=11).fit(survey, means)  # fmt: skip
    table = result.to_frame()
    ref = pd.read_csv(GOLDEN / "mse.csv", skipinitialspace=True).query("case == @case")
    r_se = ref["mse_sd"].to_numpy() / np.sqrt(ref["runs"].to_numpy())
    z = (table["mse"].to_numpy() - ref["mse"].to_numpy()) / np.hypot(table["mse_se"].to_numpy(), r_se)
    assert np.abs(z).max() < 4, pd.DataFrame({"area": table["area"], "mse": table["mse"], "r": ref["mse"].to_numpy(), "z": z})
    if case == "county12":  # out of sample: the synthetic estimate's MSE is the largest
        assert table.loc[table["area"] == "12", "mse"].item() == table["mse"].max()


def test_mse_gives_intervals_and_the_result_follows_the_conventions() -> None:
    survey, means = _data("all")
    result = BatteseHarterFuller(formula=FORMULA, area="County", popsize="PopnSegments", bootstrap=50,
                                 seed=1).fit(survey, means)  # fmt: skip
    table = result.to_frame()
    half = 1.959963984540054 * np.sqrt(table["mse"])
    np.testing.assert_allclose(table["ci_high"] - table["estimate"], half, rtol=1e-9)
    np.testing.assert_allclose(table["estimate"] - table["ci_low"], half, rtol=1e-9)
    assert any("B = 50 replicates" in n for n in result.notes)
    check_result(result)
    engine = BatteseHarterFuller(formula=FORMULA, area="County", popsize="PopnSegments", bootstrap=2, seed=1)
    check_engine(engine, fit=lambda e: e.fit(survey, means))
