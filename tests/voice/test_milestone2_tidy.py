"""Milestone-2 tidy-ups: repeat rows keep their own design df in conf_int; ODK Central's ``group-q``
headers are read as the form's questions."""

import numpy as np
import pandas as pd

from humsec.voice import Export, VoiceTabulator, XLSForm


def _roster_form() -> XLSForm:
    survey = pd.DataFrame(
        {
            "type": ["select_one yn", "begin_repeat", "select_one yn", "end_repeat"],
            "name": ["trust", "person", "works", "person"],
        }
    )
    choices = pd.DataFrame({"list_name": ["yn", "yn"], "name": ["yes", "no"]})
    return XLSForm.from_frames(survey, choices)


def test_conf_int_of_repeat_rows_uses_the_repeat_design_df() -> None:
    # the cluster column is carried to the repeat rows: both tables have 4 PSUs in one stratum (df 3)
    rng = np.random.default_rng(3)
    main = pd.DataFrame(
        {
            "_index": [str(i) for i in range(1, 9)],
            "trust": rng.choice(["yes", "no"], 8),
            "cluster": ["a", "a", "b", "b", "c", "c", "d", "d"],
        }
    )
    person = pd.DataFrame(
        {
            "_parent_index": [str(i) for i in rng.integers(1, 9, 20)],
            "works": rng.choice(["yes", "no"], 20),
        }
    )
    export = Export.from_frames({"main": main, "person": person}, _roster_form())
    fit80 = VoiceTabulator(psu="cluster", level=0.80).fit(export).to_frame()
    again = VoiceTabulator(psu="cluster", level=0.95).fit(export).conf_int(0.80)
    assert fit80.groupby("question")["df"].nunique().max() == 1
    assert set(fit80["df"]) == {3}  # both tables: 4 clusters, one stratum
    np.testing.assert_allclose(again["ci_low"], fit80["ci_low"], atol=1e-12)
    np.testing.assert_allclose(again["ci_high"], fit80["ci_high"], atol=1e-12)


def test_conf_int_of_repeat_rows_with_household_psus() -> None:
    # 6 households (each its own PSU: df 5); people live in 3 of them (household = PSU: df 2)
    main = pd.DataFrame(
        {"_index": list("123456"), "trust": ["yes", "no", "yes", "no", "no", "yes"]}
    )
    person = pd.DataFrame(
        {"_parent_index": ["1", "1", "2", "2", "3", "3", "3"], "works": list("yynynyn")}
    )
    person["works"] = person["works"].map({"y": "yes", "n": "no"})
    export = Export.from_frames({"main": main, "person": person}, _roster_form())
    fit = VoiceTabulator(level=0.5).fit(export).to_frame()
    assert dict(zip(fit["question"], fit["df"], strict=False)) == {"trust": 5, "works": 2}
    refit = VoiceTabulator().fit(export).conf_int(0.5)
    np.testing.assert_allclose(refit["ci_low"], fit["ci_low"], atol=1e-12)


def test_odk_central_group_dash_headers() -> None:
    survey = pd.DataFrame(
        {
            "type": ["begin_group", "select_one yn", "select_multiple ch", "end_group"],
            "name": ["water", "trust", "channel", "water"],
        }
    )
    choices = pd.DataFrame(
        {"list_name": ["yn", "yn", "ch", "ch"], "name": ["yes", "no", "sms", "phone"]}
    )
    form = XLSForm.from_frames(survey, choices)
    raw = pd.DataFrame(
        {
            "water-trust": ["yes", "no"],
            "water-channel": ["sms", "sms phone"],
            "water-channel/sms": ["1", "1"],
            "water-channel/phone": ["0", "1"],
            "meta-instanceID": ["uuid:a", "uuid:b"],
        }
    )
    export = Export.from_frames({"main": raw}, form, "central.csv")
    assert list(export.main.columns) == [
        "trust",
        "channel",
        "channel/sms",
        "channel/phone",
        "_uuid",
    ]
    assert export.notes == ()
