"""R² and adjusted R² of the Fay-Herriot model against emdi's definition written out in R (lm, hatvalues).

Reference: ``tests/golden/sae_milk/make_milk_adjr2_reference.R`` → ``adjr2.csv``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from humsec.sae import FayHerriot
from humsec.sae.fit_measures import fh_r2

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "sae_milk"


@pytest.fixture(scope="module")
def milk() -> pd.DataFrame:
    milk = pd.read_csv(GOLDEN / "milk.csv")
    milk["var"] = milk["SD"] ** 2
    return milk


@pytest.mark.parametrize(
    ("model", "formula"), [("MajorArea", "yi ~ C(MajorArea)"), ("SmallArea", "yi ~ SmallArea")]
)
def test_r2_and_adjusted_r2_match_r(milk: pd.DataFrame, model: str, formula: str) -> None:
    ref = pd.read_csv(GOLDEN / "adjr2.csv", skipinitialspace=True).set_index("model").loc[model]
    result = FayHerriot(formula=formula, variance="var", area="SmallArea").fit(milk)
    assert result.r2 == pytest.approx(ref["R2"], abs=1e-10)
    assert result.r2 == pytest.approx(ref["lm_adj_r2"], abs=1e-10)  # R's summary(lm)$adj.r.squared
    assert result.adj_r2 == pytest.approx(ref["AdjR2"], abs=1e-10)
    assert "adjusted R2 (Lahiri-Suntornchost)" in result.summary()
    # benchmarking keeps the model's fit measures
    bench = result.benchmark(float(milk["yi"].mean()), dict.fromkeys(result.table()["area"], 1.0))
    assert bench.adj_r2 == result.adj_r2


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.floats(-10, 10), min_size=8, max_size=30),
    st.floats(0.01, 5.0),
    st.integers(0, 2**31 - 1),
)
def test_identities(ys: list[float], psi_scale: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    y = np.asarray(ys) + rng.normal(size=len(ys))  # no constant y
    X = np.column_stack([np.ones(len(y)), rng.normal(size=len(y))])
    r2, adj = fh_r2(y, X, np.full(len(y), psi_scale))
    r2_zero, adj_zero = fh_r2(y, X, np.full(len(y), 1e-12))
    assert adj_zero == pytest.approx(r2_zero, abs=1e-6)  # no sampling error: the OLS adjusted R²
    assert r2 == r2_zero  # the OLS value does not depend on psi
    assert adj <= 1.0


def test_cli_html_has_the_chart_and_adjusted_r2(milk: pd.DataFrame, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from humsec.cli.main import app

    data = tmp_path / "milk.csv"
    milk.to_csv(data, index=False)
    page = tmp_path / "fh.html"
    args = ["sae", "fh", str(data), "--formula", "yi ~ C(MajorArea)", "--variance", "var",
            "--area", "SmallArea", "--out", str(tmp_path / "est.csv"), "--html", str(page)]  # fmt: skip
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "adjusted R2 (Lahiri-Suntornchost) 0.7146" in res.output
    text = page.read_text(encoding="utf-8")
    assert "<svg" in text and "model estimate" in text and "direct estimate" in text
    assert text.count("<path") >= 43  # one mark per area (plus the diagonal and axes)
