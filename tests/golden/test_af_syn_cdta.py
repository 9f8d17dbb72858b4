"""Golden tests: humsec's AF engine against R survey / mpitbR on syn_cdta.

References (committed with the script that made them): tests/golden/af_syn_cdta/. The issue's
tolerances: every estimate to 1e-8, every SE to 1e-6 relative.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.golden._compare import assert_close, merge, read_reference
from tests.golden._data import reference_path

HERE = Path(__file__).parent / "af_syn_cdta"


def test_levels_match_r_survey_reference(syn_result):
    ref = read_reference(HERE / "reference_levels.csv")
    m = merge(ref, syn_result.to_frame("levels"), ["measure", "indicator", "over", "group", "time"])
    assert len(m) == 3496
    assert_close(m, est_atol=1e-8, se_rtol=1e-6)
    assert (m["n"] == m["n_ref"]).all()


def test_changes_match_r_survey_reference(syn_result):
    ref = read_reference(HERE / "reference_changes.csv")
    m = merge(
        ref, syn_result.to_frame("changes"), ["measure", "indicator", "over", "group", "change"]
    )
    assert len(m) == 3312
    assert_close(m, est_atol=1e-8, se_rtol=1e-6)


def test_national_rows_match_published_mpitbR_output(syn_result):
    """mpitbR 1.0.1's own national output (its b comes from a logit GLM: 1e-8 on estimates)."""
    pub = pd.read_csv(
        reference_path(
            "af_syn_cdta/mpitbR_national_levels.csv", "syn_cdta/mpitbR_national_levels.csv"
        )
    )
    pub["indicator"] = pub["indicator"].fillna("")
    ours = syn_result.to_frame("levels")
    ours = ours[ours["over"] == "national"]
    for _, r in pub.iterrows():
        sel = (
            (ours["measure"] == r["measure"])
            & (ours["indicator"] == r["indicator"])
            & (ours["time"] == r["t"])
        )
        sel &= ours["k"].isna() if pd.isna(r["k"]) else ours["k"] == r["k"]
        row = ours[sel]
        assert len(row) == 1
        assert abs(row["estimate"].iloc[0] - r["b"]) < 1e-8
        if not pd.isna(r["se"]):
            assert row["se"].iloc[0] == pytest.approx(r["se"], rel=1e-6)
            assert row["ci_low"].iloc[0] == pytest.approx(r["ll"], rel=1e-6)
            assert row["ci_high"].iloc[0] == pytest.approx(r["ul"], rel=1e-6)


def test_published_anchor(syn_result):
    """The issue's anchor: national k=33, round 1, on the 14,903 complete cases."""
    assert syn_result.provenance.n_used == 14903
    assert syn_result.estimate("M0", 33, time=1) == pytest.approx(0.142416, abs=5e-7)
    assert syn_result.estimate("H", 33, time=1) == pytest.approx(0.335217, abs=5e-7)
    assert syn_result.estimate("A", 33, time=1) == pytest.approx(0.424848, abs=5e-7)
    se = syn_result.se()
    assert se[("M0", 33.0, "", "national", "", "1")] == pytest.approx(0.002486, abs=5e-7)


def test_conf_int_at_other_level_is_logit_t(syn_result):
    ci = syn_result.conf_int(0.90)
    lv = syn_result.to_frame("levels")
    assert (ci["ci_low"].to_numpy() < lv["estimate"].to_numpy() + 1e-12).all()
    narrower = (ci["ci_high"].to_numpy() - ci["ci_low"].to_numpy()) <= (
        lv["ci_high"] - lv["ci_low"]
    ).to_numpy() + 1e-15
    assert narrower.all()
    # at the fit's own level the recomputed interval equals the stored one
    same = syn_result.conf_int(0.95)
    np.testing.assert_allclose(same["ci_low"].to_numpy(), lv["ci_low"].to_numpy(), rtol=1e-12)
