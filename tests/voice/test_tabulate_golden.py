"""Shares, SEs and logit CIs against R ``survey`` (svymean/svyby/svyciprop) on the REACH MSNA 2024 dummy
export with its design (weights, 3 strata, clusters nested in strata); numbers and script in
tests/golden/voice_msna/ (make_reference.R)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from humsec.voice import Export, VoiceTabulator, read_form

GOLDEN = Path(__file__).parents[1] / "golden" / "voice_msna"
FORM = (
    Path(__file__).parents[3]
    / "shared"
    / "data"
    / "reach_msna2024_tool_dummy"
    / "REACH_2024_MSNA-kobo-tool_draft_v11.xlsx"
)
QUESTIONS = ["aap_received_assistance_12m", "aap_priority_challenge", "snfi_shelter_issue"]


@pytest.fixture(scope="module")
def merged() -> pd.DataFrame:
    if not FORM.exists():
        pytest.skip("../shared/data/reach_msna2024_tool_dummy is absent")
    form = read_form(FORM)
    data = pd.read_csv(GOLDEN / "msna_subset.csv", dtype=str, keep_default_na=False)
    export = Export.from_frames({"main": data}, form, "msna_subset.csv")
    tab = VoiceTabulator(
        questions=QUESTIONS,
        over=["setting"],
        weight="weight",
        strata="stratum",
        psu="cluster_id",
        nest=True,
    )
    ours = tab.fit(export).to_frame()
    ref = pd.read_csv(GOLDEN / "reference.csv", keep_default_na=False)
    ref["group"] = ref["group"].astype(str)
    key = ["question", "option", "over", "group"]
    assert len(ref) == 148  # row-count guard: the reference is complete
    out = ref.merge(ours, on=key, how="left", suffixes=("_r", ""), indicator=True)
    assert (out["_merge"] == "both").all(), out.loc[out["_merge"] != "both", key]
    return out


@pytest.mark.parametrize("column", ["estimate", "se"])
def test_matches_r_survey(merged: pd.DataFrame, column: str) -> None:
    np.testing.assert_allclose(merged[column], merged[f"{column}_r"], rtol=0, atol=1e-10)


@pytest.mark.parametrize("column", ["ci_low", "ci_high"])
def test_logit_ci_matches_svyciprop(merged: pd.DataFrame, column: str) -> None:
    # svyciprop(method = "logit") fits a logistic svyglm by IRLS, which stops at ~1e-10 of the closed form
    np.testing.assert_allclose(merged[column], merged[f"{column}_r"], rtol=0, atol=1e-9)


def test_base_counts_match_r(merged: pd.DataFrame) -> None:
    assert (merged["n"] == merged["n_r"]).all()


def test_skip_logic_shrinks_the_base(merged: pd.DataFrame) -> None:
    # snfi_shelter_issue is not asked of households with no shelter: they are not counted as "no issue"
    national = merged[(merged["over"] == "national")]
    n_issue = national.loc[national["question"] == "snfi_shelter_issue", "n"].iloc[0]
    n_all = national.loc[national["question"] == "aap_priority_challenge", "n"].iloc[0]
    assert n_issue < n_all
