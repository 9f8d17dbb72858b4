"""Direct estimates per area: R ``survey`` domain means, AF measures, and the small-area options."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import humsec
from humsec.core.design import SurveyDesign
from humsec.core.errors import DataError, DesignError, HumsecError
from humsec.sae.direct import direct_af, direct_means

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "sae_direct"
DESIGN = SurveyDesign(weight="weight", strata="stratum", psu="psu")


def test_weighted_means_match_r_survey_svyby(syn_cdta: pd.DataFrame) -> None:
    ref = pd.read_csv(GOLDEN / "direct_region.csv", dtype={"region": str})
    assert len(ref) == 21  # 20 regions + national
    round1 = syn_cdta[syn_cdta["t"] == 1]
    out = direct_means(round1, variable="d_satt", area="region", design=DESIGN)
    got = out.table.set_index("area")
    ref_areas = ref[ref["region"] != "national"].set_index("region")
    assert sorted(got.index) == sorted(ref_areas.index)
    got = got.loc[ref_areas.index]
    np.testing.assert_allclose(got["estimate"], ref_areas["estimate"], rtol=1e-10)
    np.testing.assert_allclose(np.sqrt(got["variance"]), ref_areas["se"], rtol=1e-8)
    nat = ref.set_index("region").loc["national"]
    assert out.national["estimate"] == pytest.approx(nat["estimate"], rel=1e-10)
    assert np.sqrt(out.national["variance"]) == pytest.approx(nat["se"], rel=1e-8)
    assert (got["variance_source"] == "design").all()
    assert any("d_satt" in n and "dropped" in n for n in out.notes)  # missing policy reported
    assert got["n"].sum() == round1["d_satt"].notna().sum()


def _tiny() -> pd.DataFrame:
    # area c has one respondent; area b's proportion is 0 (zero design variance)
    return pd.DataFrame(
        {
            "area": ["a"] * 4 + ["b"] * 3 + ["c"] + ["d"] * 4,
            "y": [1, 0, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0],
            "w": [1.0, 2.0, 1.0, 1.0, 1.0, 1.0, 2.0, 3.0, 1.0, 1.0, 2.0, 1.0],
        }
    )


def test_deff_fallback_scales_the_national_variance() -> None:
    out = direct_means(_tiny(), variable="y", area="area", design=SurveyDesign(weight="w"))
    t = out.table.set_index("area")
    nat = out.national
    for a in ["b", "c"]:
        assert t.loc[a, "variance_source"] == "deff"
        assert t.loc[a, "variance"] == pytest.approx(nat["variance"] * nat["n"] / t.loc[a, "n"])
    assert (t.loc[["a", "d"], "variance_source"] == "design").all()
    assert any(
        "2 area(s) with n <= 1 or a zero design variance (b, c): deff" in n for n in out.notes
    )


def test_gvf_smoothing_and_drop() -> None:
    bigger = pd.concat([_tiny()] * 3, ignore_index=True).query("area in ['a', 'd']")
    d = pd.concat([_tiny(), bigger.assign(area=lambda x: x["area"] + "2")], ignore_index=True)
    gvf = direct_means(d, variable="y", area="area", design=SurveyDesign(weight="w"), small="gvf")
    t = gvf.table.set_index("area")
    good = t[t["variance_source"] == "design"]
    b, a = np.polyfit(np.log(good["n"]), np.log(good["variance"]), 1)
    smear = np.mean(np.exp(np.log(good["variance"]) - a - b * np.log(good["n"])))
    assert t.loc["c", "variance"] == pytest.approx(smear * np.exp(a + b * np.log(1)))
    assert t.loc["b", "variance_source"] == "gvf"
    drop = direct_means(
        _tiny(), variable="y", area="area", design=SurveyDesign(weight="w"), small="drop"
    )
    t = drop.table.set_index("area")
    assert np.isnan(t.loc["c", "estimate"]) and t.loc["c", "variance_source"] == "dropped"


def test_unsampled_areas_are_listed_with_n_zero() -> None:
    out = direct_means(_tiny(), variable="y", area="area", design=SurveyDesign(weight="w"),
                       areas=["a", "b", "c", "d", "e"])  # fmt: skip
    row = out.table.set_index("area").loc["e"]
    assert row["n"] == 0 and np.isnan(row["estimate"]) and row["variance_source"] == "none"
    with pytest.raises(DataError, match="not in the list of areas: d"):
        direct_means(_tiny(), variable="y", area="area", areas=["a", "b", "c"])


def test_af_headcount_per_area_from_the_public_af_result(syn_cdta: pd.DataFrame, syn_spec) -> None:
    round1 = syn_cdta[syn_cdta["t"] == 1]
    result = humsec.AlkireFoster(syn_spec, k=[33]).fit(round1, over=["region"])
    out = direct_af(result, area="region", measure="H")
    levels = result.to_frame()
    h = levels[(levels["measure"] == "H") & (levels["over"] == "region")].set_index("group")
    t = out.table.set_index("area").loc[h.index]
    np.testing.assert_allclose(t["estimate"], h["estimate"])
    np.testing.assert_allclose(t["variance"], h["se"] ** 2)
    assert (t["n"] == h["n"]).all()
    with pytest.raises(HumsecError, match="no estimates over 'area'"):
        direct_af(result, area="area")


def test_bad_survey_input() -> None:
    d = _tiny().astype({"y": object})
    d.loc[2, "y"] = "yes"
    with pytest.raises(DataError, match=r"'y'.*rows 3 have 'yes'"):
        direct_means(d, variable="y", area="area")
    d = _tiny().assign(s=[1] * 6 + [2] * 6, p=[1, 1, 2, 2, 3, 3, 4, 4, 4, 4, 4, 4])
    with pytest.raises(DesignError, match="single PSU"):
        direct_means(d, variable="y", area="area", design=SurveyDesign(strata="s", psu="p"))
    with pytest.raises(HumsecError, match="'small' option must be one of"):
        direct_means(_tiny(), variable="y", area="area", small="impute")


def test_direct_estimates_follow_the_result_conventions() -> None:
    from humsec.sae import direct_means
    from humsec.testing import check_result

    data = pd.DataFrame({"y": [1, 0, 1, 1, 0, 0], "area": ["a", "a", "a", "b", "b", "b"], "w": [1.0, 2.0, 1.0, 1.0, 1.0, 3.0]})
    result = direct_means(data, variable="y", area="area", design=SurveyDesign(weight="w"))
    check_result(result)
    assert "2 areas (2 sampled)" in result.summary()
    data.loc[0, "w"] = float("inf")
    with pytest.raises(DesignError, match="finite numbers >= 0; rows 1"):
        direct_means(data, variable="y", area="area", design=SurveyDesign(weight="w"))


def test_infinite_values_and_overflowing_weights_are_refused() -> None:
    data = pd.DataFrame({"y": [1.0, 0.0, 1.0, 1.0], "area": ["a", "a", "b", "b"], "w": [1.0, 2.0, 1.0, 1.0]})
    with pytest.raises(DataError, match="expected finite numbers; rows 2"):
        direct_means(data.assign(y=[1.0, float("inf"), 1.0, 1.0]), variable="y", area="area")
    with pytest.raises(DesignError, match="weights too large to compute with"):
        direct_means(data.assign(w=[1e308, 2.0, 1.0, 1.0]), variable="y", area="area", design=SurveyDesign(weight="w"))
