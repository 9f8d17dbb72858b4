"""``humsec sae ebp`` and EmpiricalBestPredictor: conventions, the CLI table, bad input as one clear error."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from humsec.cli.main import app
from humsec.core.errors import HumsecError
from humsec.sae import EBP_COLUMNS, EmpiricalBestPredictor
from humsec.testing import check_engine, check_result

runner = CliRunner()


def make_data(seed: int = 0, areas: int = 5, n: int = 10, r: int = 60) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    s = pd.DataFrame({"district": np.repeat([f"d{i}" for i in range(areas)], n), "x": rng.normal(size=areas * n)})
    s["income"] = np.exp(1.0 + 0.5 * s["x"] + np.repeat(rng.normal(0, 0.3, areas), n) + rng.normal(0, 0.5, areas * n))
    c = pd.DataFrame({"district": np.repeat([f"d{i}" for i in range(areas + 1)], r), "x": rng.normal(size=(areas + 1) * r)})
    return s, c


KW: dict = {"formula": "income ~ x", "area": "district", "threshold": 2.5, "draws": 10, "seed": 1}


def test_engine_and_result_follow_the_conventions() -> None:
    survey, census = make_data()
    engine = EmpiricalBestPredictor(**KW, transform="log", bootstrap=3)
    check_engine(engine, fit=lambda e: e.fit(survey, census))
    result = engine.fit(survey, census)
    check_result(result)
    assert list(result.to_frame().columns) == EBP_COLUMNS
    assert list(result.to_frame("coefficients")["term"]) == ["Intercept", "x"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"indicators": ["fgt0"], "threshold": None}, "'threshold' parameter of EmpiricalBestPredictor must be a positive"),
        ({"transform": "boxcox"}, "'boxcox_lambda' parameter .* with transform='boxcox'"),
        ({"boxcox_lambda": 0.5}, "'boxcox_lambda' parameter .* None unless"),
        ({"bootstrap": 1}, "'bootstrap' parameter .* at least 2"),
        ({"indicators": ["poverty"]}, "'indicators' parameter"),
    ],
)
def test_parameters_that_depend_on_each_other(change: dict, message: str) -> None:
    survey, census = make_data()
    with pytest.raises(HumsecError, match=message):
        EmpiricalBestPredictor(**{**KW, **change}).fit(survey, census)


def test_survey_area_missing_from_census_names_the_nearest() -> None:
    survey, census = make_data()
    census = census[census["district"] != "d3"]
    with pytest.raises(HumsecError, match=r"in the survey but not in the census c.csv: d3 \(nearest: d"):
        EmpiricalBestPredictor(**KW).fit(survey, census, census_source="c.csv")
    result = EmpiricalBestPredictor(**KW, unmatched="fit").fit(survey, census)
    assert "d3" not in set(result.to_frame()["area"])
    assert any("used in the fit but get no estimate: d3" in n for n in result.notes)


def test_non_positive_outcome_under_log_names_the_rows() -> None:
    survey, census = make_data()
    survey.loc[[2, 7], "income"] = [0.0, -1.5]
    with pytest.raises(HumsecError, match=r"'income' of s.csv: the log transformation needs income \+ shift > 0 .*rows 3, 8"):
        EmpiricalBestPredictor(**KW, transform="log").fit(survey, census, source="s.csv")
    EmpiricalBestPredictor(**KW, transform="log", shift=2.0).fit(survey, census)  # a shift makes it valid


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_empty_or_infinite_census_covariate_names_the_row(bad: float) -> None:
    survey, census = make_data()
    census.loc[4, "x"] = bad
    with pytest.raises(HumsecError, match=r"of c.csv .*row 5"):
        EmpiricalBestPredictor(**KW).fit(survey, census, census_source="c.csv")


def test_infinite_survey_covariate_names_the_row() -> None:
    survey, census = make_data()
    survey.loc[6, "x"] = np.inf
    with pytest.raises(HumsecError, match=r"not finite numbers .* row 7"):
        EmpiricalBestPredictor(**KW).fit(survey, census, source="s.csv")


def test_census_without_a_covariate_lists_the_columns() -> None:
    survey, census = make_data()
    with pytest.raises(HumsecError, match="x"):
        EmpiricalBestPredictor(**KW).fit(survey, census.drop(columns="x"), census_source="c.csv")


def test_cli_writes_the_table_and_bad_input_writes_nothing(tmp_path: Path) -> None:
    survey, census = make_data()
    s, c, out = tmp_path / "s.csv", tmp_path / "c.csv", tmp_path / "est.csv"
    survey.to_csv(s, index=False)
    census.to_csv(c, index=False, encoding="latin-1")
    args = ["sae", "ebp", str(s), str(c), "--formula", "income ~ x", "--area", "district", "--threshold", "2.5",
            "--indicator", "fgt0", "--indicator", "mean", "--transform", "log", "--draws", "20",
            "--bootstrap", "5", "--seed", "3", "--out", str(out)]  # fmt: skip
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out)
    assert list(table.columns) == EBP_COLUMNS and len(table) == 12
    api = EmpiricalBestPredictor(**{**KW, "indicators": ["fgt0", "mean"], "draws": 20, "seed": 3},
                                 transform="log", bootstrap=5).fit(survey, census).to_frame()  # fmt: skip
    np.testing.assert_allclose(table["estimate"], api["estimate"], rtol=1e-12)
    np.testing.assert_allclose(table["mse"], api["mse"], rtol=1e-12)
    assert (table["ci_low"] <= table["estimate"]).all() and (table["estimate"] <= table["ci_high"]).all()
    out.unlink()
    survey.loc[0, "income"] = -1.0
    survey.to_csv(s, index=False)
    res = runner.invoke(app, args)
    assert res.exit_code == 2 and "Traceback" not in res.output and "row 1" in res.output
    assert not out.exists()


def test_area_codes_read_as_floats_or_with_spaces_still_match() -> None:
    survey, census = make_data()
    survey["district"] = survey["district"].str[1:].astype(int)  # 0..4
    census["district"] = census["district"].str[1:].astype(float)  # 0.0..5.0, as read from a column with gaps
    census.loc[census["district"] == 2.0, "district"] = np.nan
    census = census.dropna().astype({"district": float})
    result = EmpiricalBestPredictor(**{**KW, "unmatched": "fit"}).fit(survey, census)
    assert set(result.to_frame()["area"]) == {"0", "1", "3", "4", "5"}
    survey2, census2 = make_data()
    census2["district"] = " " + census2["district"]
    result = EmpiricalBestPredictor(**KW).fit(survey2, census2, census_source="c.csv")
    assert any("surrounding spaces removed" in n for n in result.notes)
    census2.loc[0, "district"] = "D0"
    with pytest.raises(HumsecError, match="differ only by upper/lower case"):
        EmpiricalBestPredictor(**KW).fit(survey2, census2, census_source="c.csv")
