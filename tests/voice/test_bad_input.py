"""Bad input gives one clear error naming the file, column and row; mismatches are reported as notes."""

import pandas as pd
import pytest

from humsec.core.errors import HumsecError
from humsec.voice import Export, VoiceTabulator, XLSForm, apply_cleaning_log, evaluate

SURVEY = pd.DataFrame(
    {
        "type": ["select_one yn", "select_multiple ch", "integer"],
        "name": ["trust", "ch", "age"],
        "label::English (en)": ["Trust?", "Channels", "Age"],
        "label::French (fr)": ["Confiance ?", "", ""],
        "relevant": ["", "selected(${trust}, 'yes')", ""],
    }
)
CHOICES = pd.DataFrame(
    {
        "list_name": ["yn", "yn", "ch", "ch"],
        "name": ["yes", "no", "sms", "phone"],
        "label::English (en)": ["Yes", "No", "SMS", "Phone"],
        "label::French (fr)": ["Oui", "Non", "", ""],
    }
)
FORM = XLSForm.from_frames(SURVEY, CHOICES, "form.xlsx")


def _export(**cols) -> Export:
    base = {"trust": ["yes", "no", "yes"], "ch": ["sms", "", "sms phone"], "_uuid": ["a", "b", "c"]}
    base.update(cols)
    return Export.from_frames({"main": pd.DataFrame(base)}, FORM, "data.csv")


def test_missing_labels_are_reported() -> None:
    assert any("labels missing in French (fr)" in n for n in FORM.notes)


def test_unknown_column_listed_and_unknown_option_reported() -> None:
    export = _export(extra=[1, 2, 3], trust=["yes", "maybe", "no"])
    assert "data.csv: 1 column(s) not in the form: extra" in export.notes
    result = VoiceTabulator(questions=["trust"]).fit(export)
    assert any("'maybe'" in n or ("maybe" in n and "row" in n) for n in result.notes)
    assert "maybe" in set(result.to_frame()["option"])  # kept, not dropped


def test_dummies_disagreeing_with_text_are_reported() -> None:
    export = _export(**{"ch/sms": ["1", "", "0"], "ch/phone": ["0", "", "1"]})
    assert any("column 'ch'" in n and "row 3" in n for n in export.notes)


def test_bad_dummy_value_is_an_error() -> None:
    with pytest.raises(HumsecError, match=r"data.csv, column 'ch/sms': expected 0/1.*row 2"):
        _export(**{"ch/sms": ["1", "x", "1"], "ch/phone": ["0", "", "1"]})


def test_cleaning_log_unknown_uuid() -> None:
    log = pd.DataFrame(
        {
            "uuid": ["a", "zz"],
            "question": ["trust", "trust"],
            "old_value": ["yes", "no"],
            "new_value": ["no", "yes"],
            "change_type": ["change_response", "change_response"],
        }
    )
    with pytest.raises(HumsecError, match=r"log.csv, column uuid: 1 line\(s\).*log rows 3"):
        apply_cleaning_log(_export().main, log, source="log.csv")


def test_invalid_parameters() -> None:
    with pytest.raises(HumsecError, match="The 'level' parameter of VoiceTabulator must be in"):
        VoiceTabulator(level=2).fit(_export())
    with pytest.raises(HumsecError, match=r"not found.*'wt'"):
        VoiceTabulator(weight="wt").fit(_export())
    with pytest.raises(HumsecError, match="Language 'de' is not in the form"):
        VoiceTabulator(lang="de").fit(_export())


def test_unsupported_relevant_falls_back_to_answered() -> None:
    survey = SURVEY.assign(relevant=["", "string-length(${trust}) > 0", ""])
    export = Export.from_frames(
        {"main": pd.DataFrame({"trust": ["yes", "no"], "ch": ["sms", ""]})},
        XLSForm.from_frames(survey, CHOICES),
        "d.csv",
    )
    result = VoiceTabulator(questions=["ch"]).fit(export)
    assert any("relevant not evaluated" in n for n in result.notes)
    assert set(result.to_frame()["base"]) == {"answered"}


def test_relevant_semantics() -> None:
    data = pd.DataFrame({"q": ["yes", "", "no"], "n": ["5", "", "2"]})
    assert evaluate("${q} != 'yes'", data).tolist() == [False, True, True]  # not asked is '' (ODK)
    assert evaluate("${n} > 3 or ${q} = 'no'", data).tolist() == [True, False, True]
    assert evaluate("(${n} <= 2) and not(${q} = '')", data).tolist() == [False, False, True]


def test_group_paths_repeats_and_household_psu() -> None:
    survey = pd.DataFrame(
        {
            "type": ["select_one yn", "begin_repeat", "select_one yn", "end_repeat"],
            "name": ["consent", "member", "ill", "member"],
            "relevant": ["", "", "selected(${consent}, 'yes')", ""],
        }
    )
    form = XLSForm.from_frames(survey, CHOICES)
    main = pd.DataFrame(
        {"consent": ["yes", "yes", "no"], "_index": ["1", "2", "3"], "_uuid": ["a", "b", "c"]}
    )
    members = pd.DataFrame(
        {
            "member/ill": ["yes", "no", "yes", "no", "yes"],
            "_parent_index": ["1", "1", "2", "2", "3"],
            "_index": ["1", "2", "3", "4", "5"],
        }
    )
    export = Export.from_frames({"main": main, "member": members}, form, "d.xlsx")
    result = VoiceTabulator(questions=["ill"]).fit(export)
    yes = result.to_frame().set_index("option").loc["yes"]
    # household 3 did not consent: its member's answer is outside the base (and reported)
    assert yes["n"] == 4 and yes["estimate"] == 0.5
    assert any("household (_parent_index) is a PSU" in n for n in result.notes)
    assert any(
        "ill: 1 answer(s) where the form's relevant says the question is not asked" in n
        for n in result.notes
    )
    # two households, each 1 of 2 ill: every PSU total equals the mean, so the SE is 0
    assert yes["se"] == pytest.approx(0.0, abs=1e-15)


def test_repeat_row_pointing_to_no_household() -> None:
    survey = pd.DataFrame(
        {"type": ["begin_repeat", "select_one yn", "end_repeat"], "name": ["m", "ill", "m"]}
    )
    form = XLSForm.from_frames(survey, CHOICES)
    main = pd.DataFrame({"_index": ["1"]})
    members = pd.DataFrame({"ill": ["yes", "no"], "_parent_index": ["1", "9"]})
    # reported with file, sheet, column and row, and left out (it belongs to no household)
    export = Export.from_frames({"main": main, "m": members}, form, "d.xlsx")
    assert (
        "d.xlsx, sheet 'm', column _parent_index: 1 row(s) point to no interview of the main table "
        "(row 2); left out" in export.notes
    )
    assert export.repeats["m"]["ill"].tolist() == ["yes"]


def test_form_option_without_a_dummy_column_is_reported() -> None:
    export = _export(**{"ch/sms": ["1", "", "1"]}, ch=["sms", "", "sms"])
    assert any("form option(s) with no 0/1 column: phone" in n for n in export.notes)
