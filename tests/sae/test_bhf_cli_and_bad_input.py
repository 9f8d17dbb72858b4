"""``humsec sae bhf`` and BatteseHarterFuller: the CSV equals R, bad input is one clear error."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from humsec.cli.main import app
from humsec.core.errors import HumsecError
from humsec.sae import BHF_COLUMNS, BatteseHarterFuller

runner = CliRunner()
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "sae_cornsoybean"
FORMULA = "CornHec ~ CornPix + SoyBeansPix"


def _survey() -> pd.DataFrame:
    return pd.read_csv(GOLDEN / "cornsoybean.csv")


def _means() -> pd.DataFrame:
    return pd.read_csv(GOLDEN / "cornsoybeanmeans.csv").rename(
        columns={
            "CountyIndex": "County",
            "MeanCornPixPerSeg": "CornPix",
            "MeanSoyBeansPixPerSeg": "SoyBeansPix",
        }
    )


def _fit(survey: pd.DataFrame, means: pd.DataFrame, **kw: object) -> object:
    params: dict = {"formula": FORMULA, "area": "County", "popsize": "PopnSegments", **kw}
    return BatteseHarterFuller(**params).fit(survey, means, source="s.csv", means_source="m.csv")


def test_cli_writes_r_numbers(tmp_path: Path) -> None:
    survey, means = tmp_path / "s.csv", tmp_path / "m.csv"
    _survey().to_csv(survey, index=False)
    _means().to_csv(means, index=False)
    out = tmp_path / "est.csv"
    res = runner.invoke(app, ["sae", "bhf", str(survey), str(means), "--formula", FORMULA, "--area", "County",
                              "--popsize", "PopnSegments", "--out", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "sigma2_u 63.3149" in res.output
    table = pd.read_csv(out)
    assert list(table.columns) == BHF_COLUMNS
    ref = pd.read_csv(GOLDEN / "estimates.csv", skipinitialspace=True)
    ref = ref.query("optimizer == 'default' and method == 'REML' and case == 'all'")
    np.testing.assert_allclose(table["estimate"], ref["eblup"], rtol=0, atol=1e-6)


def test_cli_bad_input_is_one_error_and_writes_nothing(tmp_path: Path) -> None:
    survey = tmp_path / "s.csv"
    _survey().to_csv(survey, index=False)
    means = tmp_path / "m.csv"
    _means().drop(columns="SoyBeansPix").to_csv(means, index=False)
    out = tmp_path / "est.csv"
    res = runner.invoke(app, ["sae", "bhf", str(survey), str(means), "--formula", FORMULA, "--area", "County",
                              "--out", str(out)])  # fmt: skip
    assert res.exit_code == 2
    assert "SoyBeansPix" in res.output and "m.csv" in res.output
    assert not out.exists()


def test_survey_area_missing_from_means_names_the_nearest() -> None:
    means = _means()
    means = means[means["County"] != 7]
    with pytest.raises(
        HumsecError, match=r"in the survey but not in the means table of m.csv: 7 \(nearest"
    ):
        _fit(_survey(), means)


def test_repeated_area_in_means_is_an_error() -> None:
    means = pd.concat([_means(), _means().iloc[[0]]])
    with pytest.raises(HumsecError, match=r"'County' of m.csv: areas are repeated in rows 1, 13"):
        _fit(_survey(), means)


def test_missing_covariate_in_survey_names_the_row() -> None:
    survey = _survey()
    survey.loc[4, "CornPix"] = np.nan
    with pytest.raises(HumsecError, match=r"'CornPix' of s.csv is empty in row 5"):
        _fit(survey, _means())


def test_text_in_the_outcome_names_the_row() -> None:
    survey = _survey().astype({"CornHec": object})
    survey.loc[2, "CornHec"] = "n/a"
    with pytest.raises(
        HumsecError, match=r"'CornHec' of s.csv: expected numbers; row 3 have 'n/a'"
    ):
        _fit(survey, _means())


def test_empty_outcome_rows_are_dropped_with_a_note() -> None:
    survey = _survey()
    survey.loc[0, "CornHec"] = np.nan
    result = _fit(survey, _means())
    assert any("1 survey row(s) with an empty 'CornHec'" in n for n in result.notes)  # type: ignore[attr-defined]


def test_population_below_sample_size_is_an_error() -> None:
    means = _means()
    means.loc[means["County"] == 12, "PopnSegments"] = 2  # county 12 has 6 segments
    with pytest.raises(
        HumsecError, match=r"population size is below the number of survey units in row 12"
    ):
        _fit(_survey(), means)


def test_collinear_covariates_are_an_error() -> None:
    survey = _survey().assign(Twice=lambda d: 2 * d["CornPix"])
    means = _means().assign(Twice=lambda d: 2 * d["CornPix"])
    with pytest.raises(HumsecError, match=r"collinear"):
        _fit(survey, means, formula=FORMULA + " + Twice")


@pytest.mark.parametrize(("name", "value"), [("method", "fh"), ("area", 3), ("formula", "y")])
def test_bad_parameter_is_one_sentence(name: str, value: object) -> None:
    with pytest.raises(
        HumsecError, match=rf"The '{name}' parameter of BatteseHarterFuller must be"
    ):
        _fit(_survey(), _means(), **{name: value})


def test_without_popsize_the_fraction_is_zero_and_noted() -> None:
    result = BatteseHarterFuller(formula=FORMULA, area="County").fit(_survey(), _means())
    assert any("sampling fractions n/N taken as 0" in n for n in result.notes)
    t = result.table()
    assert t["N"].isna().all()  # unknown, written empty
    # f = 0: the EBLUP is the synthetic estimate plus the predicted area effect
    assert np.all(np.isfinite(t["estimate"]))


def test_factor_term_takes_its_population_share_by_column_name() -> None:
    # the means of a factor's dummy column are its population shares, named as formulaic names them
    survey = _survey().assign(big=lambda d: np.where(d["CornPix"] > 300, "yes", "no"))
    means = _means().assign(**{"C(big)[T.yes]": 0.4})
    result = _fit(survey, means, formula=FORMULA + " + C(big)")
    assert "C(big)[T.yes]" in result.coefficients["term"].tolist()  # type: ignore[attr-defined]
    beta = result.coefficients.set_index("term")["estimate"]  # type: ignore[attr-defined]
    t = result.table().set_index("area")  # type: ignore[attr-defined]
    m = means.set_index("County").loc[1]
    synthetic = (
        beta["Intercept"] + beta["CornPix"] * m["CornPix"] + beta["SoyBeansPix"] * m["SoyBeansPix"]
    )
    assert t.loc["1", "synthetic"] == pytest.approx(
        synthetic + 0.4 * beta["C(big)[T.yes]"], abs=1e-9
    )
