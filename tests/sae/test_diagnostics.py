"""Normality checks of the Fay-Herriot fit, recomputed by hand on milk."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from humsec.sae import FayHerriot
from humsec.sae.diagnostics import normality

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "sae_milk"


def test_normality_on_milk_by_hand() -> None:
    milk = pd.read_csv(GOLDEN / "milk.csv")
    milk["var"] = milk["SD"] ** 2
    result = FayHerriot(formula="yi ~ C(MajorArea)", variance="var", area="SmallArea").fit(milk)
    table = normality(result).set_index("quantity")
    est = pd.read_csv(GOLDEN / "estimates.csv", skipinitialspace=True).query("method == 'REML'")
    resid = (milk["yi"].to_numpy() - est["eblup"].to_numpy()) / milk["SD"].to_numpy()
    row = table.loc["standardised residuals"]
    assert row["n"] == 43
    assert row["shapiro_w"] == pytest.approx(stats.shapiro(resid).statistic, rel=1e-6)
    assert row["skewness"] == pytest.approx(stats.skew(resid), rel=1e-6)
    synthetic = result.table()["synthetic"].to_numpy()
    effects = (est["eblup"].to_numpy() - synthetic) / np.sqrt(result.sigma2_u)
    row = table.loc["standardised area effects"]
    assert row["kurtosis"] == pytest.approx(stats.kurtosis(effects, fisher=False), rel=1e-6)
    assert row["shapiro_p"] == pytest.approx(stats.shapiro(effects).pvalue, rel=1e-5)


def test_no_area_effect_gives_no_test() -> None:
    data = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "x": range(6), "v": 1.0})
    result = FayHerriot(formula="y ~ x", variance="v").fit(data)
    row = normality(result).set_index("quantity").loc["standardised area effects"]
    assert np.isnan(row["shapiro_w"]) and np.isnan(row["kurtosis"])
