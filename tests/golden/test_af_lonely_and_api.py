"""Golden tests against R survey: lonely-PSU rules, and real data (apistrat) with raw-value cutoffs.

References and their scripts: tests/golden/af_lonely/ and tests/golden/af_api/.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import humsec
from tests.golden._compare import assert_close, merge, read_reference

LONELY = Path(__file__).parent / "af_lonely"
API = Path(__file__).parent / "af_api"
NESTED = {
    "dimensions": {
        "health": ["d_nutr", "d_cm"],
        "education": ["d_satt", "d_educ"],
        "living_standards": ["d_elct", "d_sani", "d_wtr", "d_hsg", "d_ckfl", "d_asst"],
    },
    "k": [33],
    "design": {"weight": "weight", "strata": "stratum", "psu": "psu"},
}


@pytest.mark.parametrize("rule", ["certainty", "remove", "adjust"])
def test_lonely_psu_rules_match_r(rule):
    data = pd.read_csv(LONELY / "syn_cdta_lonely.csv", dtype={"region": str, "area": str})
    ref = read_reference(LONELY / "reference_lonely.csv")
    ref = ref[ref["lonely_psu"] == rule].drop(columns="lonely_psu")
    result = humsec.AlkireFoster(NESTED, lonely_psu=rule).fit(data, over=["region"])
    assert result.provenance.design["df"] == 577
    m = merge(ref, result.to_frame("levels"), ["measure", "indicator", "over", "group"])
    assert_close(m, est_atol=1e-8, se_rtol=1e-6)
    assert (m["n"] == m["n_ref"]).all()


def test_lonely_psu_fail_names_the_strata():
    data = pd.read_csv(LONELY / "syn_cdta_lonely.csv")
    with pytest.raises(
        humsec.DesignError, match=r"4 stratum/strata .* single PSU \(101, 205, 305, 1505\)"
    ):
        humsec.AlkireFoster(NESTED).fit(data)


def test_apistrat_raw_cutoffs_match_r():
    """Real data (California API schools, R survey's apistrat) and cutoffs applied by humsec."""
    result = humsec.AlkireFoster(API / "spec.yaml").fit(
        API / "apistrat.csv", over=["stype", "sch.wide"]
    )
    assert result.provenance.n_used == 200
    assert result.provenance.design["df"] == 197
    ref = read_reference(API / "reference_levels.csv")
    m = merge(ref, result.to_frame("levels"), ["measure", "indicator", "over", "group"])
    assert len(m) == 288
    assert_close(m, est_atol=1e-8, se_rtol=1e-6)
    assert (m["n"] == m["n_ref"]).all()
