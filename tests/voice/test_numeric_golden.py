"""Means and medians of numeric questions against R ``survey`` (svymean + confint, svyquantile with
qrule = "math" and Woodruff intervals) on the REACH MSNA 2024 dummy export, with the export's weights and
with weights from the sampling frame of loa.xlsx; numbers and script in tests/golden/voice_msna_numeric/."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from humsec.core.errors import DesignError
from humsec.voice import Export, VoiceTabulator, XLSForm, read_form
from humsec.voice.frame import FRAME_WEIGHT, read_frame, with_frame_weights

GOLDEN = Path(__file__).parents[1] / "golden" / "voice_msna_numeric"
DATA = Path(__file__).parents[3] / "shared" / "data" / "reach_msna2024_tool_dummy"
FORM = DATA / "REACH_2024_MSNA-kobo-tool_draft_v11.xlsx"
QUESTIONS = ["hh_size", "fsl_fcs_cereal", "health_facility_time", "wash_drinking_water_time_int"]
KEY = ["question", "option", "over", "group"]


@pytest.fixture(scope="module")
def export() -> Export:
    if not FORM.exists():
        pytest.skip("../shared/data/reach_msna2024_tool_dummy is absent")
    data = pd.read_csv(GOLDEN / "msna_numeric.csv", dtype=str, keep_default_na=False)
    return Export.from_frames({"main": data}, read_form(FORM), "msna_numeric.csv")


def _compare(ours: pd.DataFrame, weights: str) -> pd.DataFrame:
    ref = pd.read_csv(GOLDEN / "reference.csv", keep_default_na=False, na_values=["NA"])
    ref = ref[ref["weights"] == weights]
    ref["group"] = ref["group"].astype(str)
    assert len(ref) == 32  # 4 questions x (mean, median) x (national + 3 settings)
    out = ref.merge(ours, on=KEY, how="left", suffixes=("_r", ""), indicator=True)
    assert (out["_merge"] == "both").all()
    assert (out["n"] == out["n_r"]).all()
    for col in ("estimate", "se", "ci_low", "ci_high"):
        np.testing.assert_allclose(out[col], out[f"{col}_r"], rtol=0, atol=1e-10, err_msg=col)
    return out


def _fit(export: Export, weight: str) -> pd.DataFrame:
    tab = VoiceTabulator(
        questions=QUESTIONS,
        over=["setting"],
        weight=weight,
        strata="stratum",
        psu="cluster_id",
        nest=True,
    )
    return tab.fit(export).to_frame()


def test_means_and_medians_match_r_survey(export: Export) -> None:
    out = _compare(_fit(export, "weight"), "weight")
    assert (
        out["ci_high"].isna().sum() > 0
    )  # Woodruff upper limit beyond the data: NA in R, NaN here


def test_frame_weights_match_r_survey(export: Export) -> None:
    frame = read_frame(DATA / "loa.xlsx", "sample_frame")
    weighted = with_frame_weights(export, frame, keys=["stratum"], population="pop")
    _compare(_fit(weighted, FRAME_WEIGHT), "frame_weight")
    # the frame's populations: 1000 / 81 interviews in PCODE11
    w = weighted.main.loc[weighted.main["stratum"] == "PCODE11", FRAME_WEIGHT].astype(float)
    assert w.iloc[0] == pytest.approx(1000 / 81)


def test_conf_int_recomputes_median_intervals(export: Export) -> None:
    tab = VoiceTabulator(
        questions=["health_facility_time"],
        weight="weight",
        strata="stratum",
        psu="cluster_id",
        nest=True,
    )
    at90 = tab.fit(export).conf_int(0.90)
    tab.level = 0.90
    direct = tab.fit(export).to_frame()
    np.testing.assert_allclose(at90["ci_low"], direct["ci_low"], atol=1e-12)
    np.testing.assert_allclose(at90["ci_high"], direct["ci_high"], atol=1e-12)


def test_unmatched_strata_name_rows_and_values(export: Export) -> None:
    frame = pd.DataFrame({"stratum": ["PCODE11", "PCODE12"], "pop": ["1000", "2000"]})
    with pytest.raises(
        DesignError, match=r"stratum: 1 value\(s\) not in the sampling frame.*PCODE21.*rows"
    ):
        with_frame_weights(export, frame, keys=["stratum"], population="pop")


def test_frame_units_without_interviews_are_reported(export: Export) -> None:
    frame = pd.DataFrame(
        {"stratum": ["PCODE11", "PCODE12", "PCODE21", "PCODE99"], "pop": ["1", "2", "4", "8"]}
    )
    weighted = with_frame_weights(export, frame, keys=["stratum"], population="pop")
    assert any("1 frame unit(s) without interviews" in n and "PCODE99" in n for n in weighted.notes)


def test_text_in_a_numeric_column_names_row() -> None:
    from humsec.core.errors import DataError

    form = XLSForm.from_frames(
        pd.DataFrame({"type": ["integer"], "name": ["age"]}),
        pd.DataFrame({"list_name": [], "name": []}),
    )
    export = Export.from_frames(
        {"main": pd.DataFrame({"age": ["30", "forty", "50"]})}, form, "d.csv"
    )
    with pytest.raises(
        DataError, match=r"d.csv, column 'age': expected a number, found 'forty' at row 2"
    ):
        VoiceTabulator(questions=["age"]).fit(export)


def test_unweighted_mean_and_median_by_hand() -> None:
    form = XLSForm.from_frames(
        pd.DataFrame({"type": ["integer"], "name": ["age"]}),
        pd.DataFrame({"list_name": [], "name": []}),
    )
    ages = ["20", "30", "40", "50", "90"]
    export = Export.from_frames({"main": pd.DataFrame({"age": ages})}, form, "d.csv")
    t = VoiceTabulator(questions=["age"]).fit(export).to_frame().set_index("option")
    x = np.array([20, 30, 40, 50, 90.0])
    assert t.loc["mean", "estimate"] == pytest.approx(46.0)
    assert t.loc["mean", "se"] == pytest.approx(x.std(ddof=1) / np.sqrt(5))
    assert t.loc["median", "estimate"] == 40.0


def _age_form() -> "XLSForm":
    from humsec.voice import XLSForm

    survey = pd.DataFrame(
        {
            "type": ["integer", "begin_repeat", "integer", "end_repeat"],
            "name": ["age", "p", "pa", "p"],
        }
    )
    return XLSForm.from_frames(survey, pd.DataFrame({"list_name": [], "name": []}))


def test_numeric_missing_codes_leave_the_base_and_are_reported() -> None:
    data = pd.DataFrame(
        {"_index": ["1", "2", "3", "4", "5"], "age": ["20", "-999", "40", "99", "60"]}
    )
    export = Export.from_frames({"main": data}, _age_form(), "d.csv")
    result = VoiceTabulator(questions=["age"], numeric_missing=[-999, 99]).fit(export)
    t = result.to_frame().set_index("option")
    assert t.loc["mean", "estimate"] == 40.0 and t.loc["mean", "n"] == 3
    assert any(
        "age: 2 answer(s) coded as don't know / refused (-999, 99)" in n for n in result.notes
    )
    with pytest.raises(
        Exception, match="'numeric_missing' parameter of VoiceTabulator must be a list"
    ):
        VoiceTabulator(questions=["age"], numeric_missing=-999).fit(export)  # type: ignore[arg-type]


def test_numeric_repeat_question_uses_households_as_psus_and_keeps_its_df() -> None:
    main = pd.DataFrame({"_index": list("123456"), "age": ["30", "40", "50", "60", "70", "80"]})
    people = pd.DataFrame(
        {"_parent_index": list("1122333"), "pa": ["1", "3", "5", "7", "9", "11", "13"]}
    )
    export = Export.from_frames({"main": main, "p": people}, _age_form(), "d.xlsx")
    result = VoiceTabulator(questions=["age", "pa"], level=0.8).fit(export)
    t = result.to_frame().set_index(["question", "option"])
    assert t.loc[("pa", "mean"), "df"] == 2 and t.loc[("age", "mean"), "df"] == 5
    # household totals 4, 12, 33 over sizes 2, 2, 3: ratio 49/7 = 7
    assert t.loc[("pa", "mean"), "estimate"] == pytest.approx(7.0)
    again = VoiceTabulator(questions=["age", "pa"]).fit(export).conf_int(0.8)
    np.testing.assert_allclose(again["ci_low"], result.to_frame()["ci_low"], atol=1e-12)
    np.testing.assert_allclose(again["ci_high"], result.to_frame()["ci_high"], atol=1e-12)
