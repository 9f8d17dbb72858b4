"""Roster (repeat-group) indicators: members' answers aggregated to the household (any/all/count/share)
before estimation, against R (tests/golden/voice_msna_roster/make_reference.R: base R aggregate, survey
svymean/svyciprop/confint, psych) on the REACH MSNA 2024 dummy, in the export's layout and in Kobo's
(``_submission__uuid``); the join checked (orphan rows and disagreeing links reported)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from humsec.core.errors import SpecError
from humsec.voice import Export, PerceptionIndicators, PerceptionSpec, read_form
from humsec.voice.form import XLSForm
from humsec.voice.roster import AGGREGATES, household_values

GOLDEN = Path(__file__).parents[1] / "golden" / "voice_msna_roster"
FORM = (
    Path(__file__).parents[3]
    / "shared"
    / "data"
    / "reach_msna2024_tool_dummy"
    / "REACH_2024_MSNA-kobo-tool_draft_v11.xlsx"
)
DESIGN = {"weight": "weight", "strata": "stratum", "psu": "cluster_id", "nest": True}


def _sheets() -> dict[str, pd.DataFrame]:
    return {
        name: pd.read_csv(GOLDEN / f"{name}.csv", dtype=str, keep_default_na=False)
        for name in ("main", "edu_ind", "health_ind")
    }


@pytest.fixture(scope="module")
def form() -> XLSForm:
    if not FORM.exists():
        pytest.skip("../shared/data/reach_msna2024_tool_dummy is absent")
    return read_form(FORM)


def _fit(export: Export) -> tuple[pd.DataFrame, pd.DataFrame, tuple[str, ...]]:
    result = PerceptionIndicators(GOLDEN / "indicators.yaml", over=["setting"], **DESIGN).fit(
        export
    )
    return result.to_frame(), result.reliability, result.notes


def _check_against_r(table: pd.DataFrame, reliability: pd.DataFrame) -> None:
    ref = pd.read_csv(GOLDEN / "reference.csv", keep_default_na=False, na_values=["NA"])
    assert len(ref) == 21  # 5 indicators/index x (national + 3 settings) + reliability
    rel = ref[ref["name"].str.startswith("reliability:")].iloc[0]
    est = ref[~ref["name"].str.startswith("reliability:")].astype({"group": str})
    merged = est.merge(table, on=["name", "over", "group"], suffixes=("_r", ""), how="left")
    assert merged["estimate"].notna().all()
    for column in ("estimate", "se", "ci_low", "ci_high"):
        np.testing.assert_allclose(merged[column], merged[f"{column}_r"], rtol=0, atol=1e-9)
    assert (merged["n"] == merged["n_r"]).all()
    row = reliability.set_index("index").loc["access_to_services"]
    assert row["n"] == rel["n"]
    assert row["alpha"] == pytest.approx(rel["estimate"], abs=1e-10)
    assert row["omega"] == pytest.approx(rel["se"], abs=1e-6)  # the R script keeps omega in 'se'


def test_roster_indicators_match_r(form: XLSForm) -> None:
    table, reliability, notes = _fit(Export.from_frames(_sheets(), form, "msna"))
    _check_against_r(table, reliability)
    assert any("any of" in n and "228 household(s)" in n for n in notes)
    kinds = table.set_index("name")["kind"]
    assert set(kinds) == {"indicator", "index"}


def test_kobo_layout_joined_by_submission_uuid_gives_the_same(form: XLSForm) -> None:
    # Kobo's repeat sheets: _submission__uuid (the household's _uuid), and here no _parent_index
    sheets = _sheets()
    sheets["main"] = sheets["main"].rename(columns={"uuid": "_uuid"}).drop(columns="index")
    for name in ("edu_ind", "health_ind"):
        sheets[name] = (
            sheets[name].rename(columns={"uuid": "_submission__uuid"}).drop(columns="_parent_index")
        )
    table, reliability, _ = _fit(Export.from_frames(sheets, form, "kobo.xlsx"))
    _check_against_r(table, reliability)


def test_orphan_rows_and_disagreeing_links_are_reported(form: XLSForm) -> None:
    sheets = _sheets()
    edu = sheets["edu_ind"]
    edu.loc[0, "_parent_index"] = "2"  # its uuid still says household 1: the uuid is used
    edu.loc[5, "uuid"] = "no-such-household"
    export = Export.from_frames(sheets, form, "msna")
    notes = "\n".join(export.notes)
    assert "sheet 'edu_ind': _parent_index and uuid point to different households at row 1" in notes
    assert (
        "sheet 'edu_ind', column uuid: 1 row(s) point to no interview of the main table (row 6)"
        in notes
    )
    assert len(export.repeats["edu_ind"]) == len(edu) - 1
    assert export.repeats["edu_ind"]["_parent_index"].iloc[0] == "1"


def test_interviews_removed_by_cleaning_leave_their_members_out(form: XLSForm) -> None:
    export = Export.from_frames(_sheets(), form, "msna")
    main = export.main[export.main["_index"] != "1"].reset_index(drop=True)
    cleaned = export.with_main(main, "removed by the cleaning log")
    members = int((export.repeats["edu_ind"]["_parent_index"] == "1").sum())
    assert len(cleaned.repeats["edu_ind"]) == len(export.repeats["edu_ind"]) - members
    assert any(
        f"{members} row(s) of interviews removed by the cleaning log" in n for n in cleaned.notes
    )


def test_spec_errors_for_roster_indicators(form: XLSForm) -> None:
    with pytest.raises(SpecError) as err:
        PerceptionSpec.from_dict(
            {
                "indicators": {
                    "a": {"question": "edu_access", "positive": ["no"], "aggregate": "most"},
                    "b": {"question": "edu_access", "scores": {"yes": 1, "no": 0}, "aggregate": "any"},
                    "c": {"question": "health_ind_healthcare_needed", "positive": ["yes"],
                          "aggregate": "count"},
                    "d": {"question": "edu_access", "positive": ["yes"], "aggregate": "share"},
                },
                "indices": {"i": {"indicators": ["c", "d"]}},
            },
            "roster.yaml",
        )  # fmt: skip
    text = str(err.value)
    assert "'aggregate' must be one of any, all, count, share; got 'most'" in text
    assert "give 'positive', not 'scores'" in text and "a count of members" in text
    spec = PerceptionSpec.from_dict(
        {"indicators": {"e": {"question": "edu_access", "positive": ["no"]},
                        "f": {"question": "consent", "positive": ["yes"], "aggregate": "any"}}}
    )  # fmt: skip
    with pytest.raises(SpecError) as err:
        PerceptionIndicators(spec).fit(Export.from_frames(_sheets(), form, "msna"))
    text = str(err.value)
    assert "asked of each member (repeat 'edu_ind'): give 'aggregate'" in text
    assert "asked once per household: 'aggregate' is for questions of a repeat" in text


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 6), st.sampled_from([0.0, 1.0, np.nan])), min_size=1, max_size=40
    )
)
def test_aggregates_by_hand(members: list[tuple[int, float]]) -> None:
    parent = pd.Series([str(h) for h, _ in members])
    values = np.array([v for _, v in members])
    households = pd.Series([str(h) for h in range(1, 8)])  # household 7 never has members
    out = {how: household_values(values, parent, households, how) for how in AGGREGATES}
    for i, h in enumerate(households):
        mine = [v for p, v in members if str(p) == h and not np.isnan(v)]
        if not mine:
            assert all(np.isnan(out[how][i]) for how in AGGREGATES)
            continue
        assert out["any"][i] == float(any(mine)) and out["all"][i] == float(all(mine))
        assert out["count"][i] == sum(mine) and out["share"][i] == pytest.approx(np.mean(mine))
        # identities: all <= share <= any, count = share x members in the base
        assert out["all"][i] <= out["share"][i] <= out["any"][i]
        assert out["count"][i] == pytest.approx(out["share"][i] * len(mine))
