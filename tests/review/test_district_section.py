"""The review's "District estimates" (issue 14): the published estimates are those of
``humsec sae fh`` on the same table (built here independently from the bundled files); counties
without a survey estimate get a synthetic one and are said to; a county with a missing covariate is
left out and listed; the drawn map carries the published numbers; a bad block is one SpecError."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from humsec.cli.main import app
from humsec.core.errors import SpecError
from humsec.datasets import data_path
from humsec.review.spec import load_review

runner = CliRunner()
COVS = ["pct_hh_lighting_mains_electricity", "pct_hh_cooking_firewood", "pct_pop3plus_never_attended_school"]
BLOCK = """district_estimates:
  title: Poverty headcount (%)
  estimate: kihbs.poverty_headcount_pct_2016
  scale: 100
  variance: {design_effect: 3, sample_size: 510}
  covariates: [census.pct_hh_lighting_mains_electricity, census.pct_hh_cooking_firewood,
               census.pct_pop3plus_never_attended_school]
"""


def _review(folder: Path, block: str = BLOCK, kihbs: str = "humsec:ken_kihbs2016_county.csv",
            census: str = "humsec:ken_census2019_county.csv") -> Path:  # fmt: skip
    path = folder / "review.yaml"
    path.write_text(
        f"""title: District estimates test
country: Kenya
boundaries: KEN-adm1
area_data:
  - id: kihbs
    file: {kihbs}
    area: adm1_pcode
    name: adm1_name
    indicators: {{poverty_headcount_pct_2016: Poverty (%)}}
  - id: census
    file: {census}
    area: adm1_pcode
    name: adm1_name
    indicators: {{pct_hh_lighting_mains_electricity: Electricity (%)}}
{block}""",
        encoding="utf-8",
    )
    return path


def _build(folder: Path, **kw: str) -> Path:
    res = runner.invoke(app, ["review", str(_review(folder, **kw)), "--out", str(folder / "out"), "--no-pdf"])
    assert res.exit_code == 0, res.output
    return folder / "out"


def _cli_estimates(folder: Path, kihbs: pd.DataFrame) -> pd.DataFrame:
    """``humsec sae fh`` on the merged county table, the variances assumed as the block says."""
    census = pd.read_csv(data_path("ken_census2019_county.csv"))
    t = kihbs[["adm1_pcode", "poverty_headcount_pct_2016"]].merge(census[["adm1_pcode", *COVS]], on="adm1_pcode")
    t["y"] = t["poverty_headcount_pct_2016"] / 100
    t["v"] = 3 * t["y"] * (1 - t["y"]) / 510
    t.to_csv(folder / "fh_input.csv", index=False)
    out = folder / "fh.csv"
    res = runner.invoke(app, ["sae", "fh", str(folder / "fh_input.csv"), "--formula", "y ~ " + " + ".join(COVS),
                              "--variance", "v", "--area", "adm1_pcode", "--out", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    return pd.read_csv(out, dtype={"area": str}).set_index("area")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    folder = tmp_path_factory.mktemp("districts")
    return _build(folder), _cli_estimates(folder, pd.read_csv(data_path("ken_kihbs2016_county.csv")))


def test_the_published_estimates_are_humsec_sae_fh_on_the_same_table(built: tuple[Path, pd.DataFrame]) -> None:
    out, cli = built
    pub = pd.read_csv(out / "tables" / "district_estimates.csv", dtype={"area": str}).set_index("area")
    assert len(pub) == 47 and (pub["in_sample"] == "yes").all()
    cli = cli.loc[pub.index]
    np.testing.assert_allclose(pub["estimate"], 100 * cli["estimate"], rtol=1e-10)
    np.testing.assert_allclose(pub["ci_low"], 100 * cli["ci_low"], rtol=1e-10)
    np.testing.assert_allclose(pub["ci_high"], 100 * cli["ci_high"], rtol=1e-10)
    np.testing.assert_allclose(pub["cv"], cli["cv"], rtol=1e-10)
    np.testing.assert_allclose(pub["gamma"], cli["gamma"], rtol=1e-10)
    fit = pd.read_csv(out / "tables" / "district_fit.csv").set_index("row_id")["value"]
    assert fit["district:fit:cv_model"] == pytest.approx(cli["cv"].median(), rel=1e-12)
    assert fit["district:fit:cv_direct"] == pytest.approx((cli["direct_se"] / cli["direct"]).median(), rel=1e-12)


def test_the_text_and_the_map_show_the_published_numbers(built: tuple[Path, pd.DataFrame]) -> None:
    out, _ = built
    pub = pd.read_csv(out / "tables" / "district_estimates.csv", dtype={"area": str}).set_index("area")
    page = (out / "review.html").read_text(encoding="utf-8")
    section = page.split('id="districts"', 1)[1].split("<h2", 1)[0]
    top = pub["estimate"].idxmax()
    assert f"Highest in {pub.loc[top, 'area_name']} ({pub.loc[top, 'estimate']:.1f};" in re.sub("<[^>]+>", "", section)
    # the estimates map draws Turkana with its published estimate (the label Vega writes, .4~g)
    label = re.search(r'aria-label="estimate: ([0-9.]+); area: KE023; name: Turkana"', section)
    assert label is not None and float(label.group(1)) == pytest.approx(pub.loc["KE023", "estimate"], abs=0.05)
    assert 'data-row="district:fit:cv_model"' in page.split('id="districts"', 1)[0]  # in the summary too


def test_counties_without_a_survey_estimate_are_synthetic_and_said(tmp_path: Path) -> None:
    kihbs = pd.read_csv(data_path("ken_kihbs2016_county.csv"))
    kihbs.loc[kihbs["adm1_pcode"].isin(["KE023", "KE047"]), "poverty_headcount_pct_2016"] = np.nan
    kihbs.to_csv(tmp_path / "kihbs.csv", index=False)
    out = _build(tmp_path, kihbs="kihbs.csv")
    pub = pd.read_csv(out / "tables" / "district_estimates.csv", dtype={"area": str}).set_index("area")
    assert list(pub.index[pub["in_sample"] != "yes"]) == ["KE023", "KE047"]
    assert (pub.loc[["KE023", "KE047"], "in_sample"] == "no: synthetic").all()
    cli = _cli_estimates(tmp_path, kihbs).loc[pub.index]
    np.testing.assert_allclose(pub["estimate"], 100 * cli["estimate"], rtol=1e-10)
    text = re.sub("<[^>]+>", "", (out / "review.html").read_text(encoding="utf-8"))
    assert "47 areas, 2 of them without a survey estimate (synthetic)" in text


def test_a_county_with_a_missing_covariate_is_left_out_and_listed(tmp_path: Path) -> None:
    census = pd.read_csv(data_path("ken_census2019_county.csv"))
    census.loc[census["adm1_pcode"] == "KE010", "pct_hh_cooking_firewood"] = np.nan
    census.to_csv(tmp_path / "census.csv", index=False)
    out = _build(tmp_path, census="census.csv")
    pub = pd.read_csv(out / "tables" / "district_estimates.csv", dtype={"area": str})
    assert len(pub) == 46 and "KE010" not in set(pub["area"])
    assert "1 area(s) have a missing covariate and get no estimate: KE010" in (
        out / "review.html"
    ).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (("variance: {design_effect: 3, sample_size: 510}", "variance: {design_effect: 0, sample_size: 510}"),
         "district_estimates.variance", "both finite, > 0"),
        (("variance: {design_effect: 3, sample_size: 510}", "variance: {design_effect: .inf, sample_size: 510}"),
         "district_estimates.variance", "both finite, > 0"),
        (("estimate: kihbs.poverty_headcount_pct_2016", "estimate: dhs.poverty"),
         "district_estimates.estimate", "unknown area data set 'dhs'"),
        (("census.pct_hh_cooking_firewood", "census.pct_cooking_wood"),
         "district_estimates.covariates[1]", "pct_cooking_wood"),
        (("scale: 100", "scale: 10"), "district_estimates.scale", "1 (shares or means) or 100"),
        (("title: Poverty headcount (%)", "method: bayes"), "district_estimates.method", "reml, ml, fh"),
    ],
)  # fmt: skip
def test_a_bad_block_names_its_field(tmp_path: Path, change: tuple[str, str], field: str, message: str) -> None:
    with pytest.raises(SpecError) as err:
        load_review(_review(tmp_path, BLOCK.replace(*change)))
    assert any(where.startswith(field) and message in text for where, text in err.value.problems), err.value.problems


def test_percentages_without_scale_are_refused_by_the_assumption(tmp_path: Path) -> None:
    res = runner.invoke(app, ["review", str(_review(tmp_path, BLOCK.replace("  scale: 100\n", ""))),
                              "--out", str(tmp_path / "out"), "--no-pdf"])  # fmt: skip
    assert res.exit_code == 2 and "set scale: 100 if they are percentages" in res.output
    assert not (tmp_path / "out" / "review.html").exists()


def test_the_arcsine_model_uses_the_assumed_effective_sample_size(tmp_path: Path) -> None:
    """transform: arcsin with the design-effect assumption: the variance is 1/(4 n/deff), as
    ``humsec sae fh --transform arcsin --effective-n`` on the same table."""
    out = _build(tmp_path, block=BLOCK + "  transform: arcsin\n")
    pub = pd.read_csv(out / "tables" / "district_estimates.csv", dtype={"area": str}).set_index("area")
    census = pd.read_csv(data_path("ken_census2019_county.csv"))
    t = pd.read_csv(data_path("ken_kihbs2016_county.csv"))[["adm1_pcode", "poverty_headcount_pct_2016"]].merge(
        census[["adm1_pcode", *COVS]], on="adm1_pcode"
    )
    t["y"] = t["poverty_headcount_pct_2016"] / 100
    t["v"] = 3 * t["y"] * (1 - t["y"]) / 510
    t["n_eff"] = 510 / 3
    t.to_csv(tmp_path / "in.csv", index=False)
    res = runner.invoke(app, ["sae", "fh", str(tmp_path / "in.csv"), "--formula", "y ~ " + " + ".join(COVS),
                              "--variance", "v", "--area", "adm1_pcode", "--transform", "arcsin",
                              "--effective-n", "n_eff", "--bootstrap", "200", "--seed", "20240601",
                              "--out", str(tmp_path / "fh.csv")])  # fmt: skip
    assert res.exit_code == 0, res.output
    cli = pd.read_csv(tmp_path / "fh.csv", dtype={"area": str}).set_index("area").loc[pub.index]
    np.testing.assert_allclose(pub["estimate"], 100 * cli["estimate"], rtol=1e-10)
    np.testing.assert_allclose(pub["cv"], cli["cv"], rtol=1e-10)


def test_a_review_without_maps_has_no_empty_maps_heading(built: tuple[Path, pd.DataFrame]) -> None:
    out, _ = built
    page = (out / "review.html").read_text(encoding="utf-8")
    assert "Maps: where insecurity concentrates" not in page and 'id="districts"' in page
