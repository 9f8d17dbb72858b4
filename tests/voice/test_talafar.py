"""The Tal Afar water survey (IMPACT/ICRC 2021, ../shared/data/talafar_water_perception_2021): the cleaning
log applied to the raw export reproduces the shipped clean export, and shares equal a hand computation."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from humsec.voice import (
    VoiceTabulator,
    apply_cleaning_log,
    read_cleaning_log,
    read_export,
    read_form,
)

DATA = Path(__file__).parents[3] / "shared" / "data" / "talafar_water_perception_2021"
pytestmark = pytest.mark.skipif(
    not DATA.exists(), reason="../shared/data/talafar_water_perception_2021 is absent"
)


@pytest.fixture(scope="module")
def form():
    return read_form(DATA / "cleaningtools_survey.csv")


@pytest.fixture(scope="module")
def cleaned(form):
    raw = read_export(DATA / "cleaningtools_raw_data.csv.gz", form)
    return raw, apply_cleaning_log(
        raw.main, read_cleaning_log(DATA / "cleaningtools_cleaning_log.csv"), form=form
    )


def _same(a: pd.Series, b: pd.Series) -> pd.Series:
    """Equal as text, or as numbers (R wrote 250000.0 and False where the raw export has 250000 and 0)."""

    def num(s: pd.Series) -> pd.Series:
        return pd.to_numeric(s.replace({"False": "0", "True": "1"}), errors="coerce")

    return (a == b) | (num(a) == num(b))


def test_cleaning_log_reproduces_the_clean_export(form, cleaned) -> None:
    _, result = cleaned
    clean = read_export(DATA / "cleaningtools_clean_data.csv.gz", form).main
    assert result.counts()["removed"] == 55
    assert sorted(result.data["_uuid"]) == sorted(clean["_uuid"])  # the same 578 interviews
    ours = result.data.set_index("_uuid")
    theirs = clean.set_index("_uuid").loc[ours.index]
    common = [c for c in ours.columns if c in theirs.columns]
    differ = {c: int((~_same(ours[c], theirs[c])).sum()) for c in common}
    assert {c: n for c, n in differ.items() if n} == {}


def test_cleaning_keeps_select_multiple_text_and_dummies_in_step(cleaned) -> None:
    _, result = cleaned
    row = result.data.loc[result.data["_uuid"] == "51324001-970c-4fb5-bacf-de696e1b7eaa"].iloc[0]
    assert row["water_sources/borehole"] == "1" and "borehole" in row["water_sources"].split()


def test_shares_equal_a_hand_count(form, cleaned) -> None:
    _, result = cleaned
    from humsec.voice import Export

    export = Export(result.data, {}, form, "clean")
    table = VoiceTabulator(questions=["trust_water_office"]).fit(export).to_frame()
    answers = result.data["trust_water_office"]
    n = int((answers != "").sum())
    for row in table.itertuples():
        p = (answers == row.option).sum() / n
        assert row.estimate == pytest.approx(p, abs=1e-12)
        # no design: each household is its own PSU, so V = p(1-p)/(n-1)
        assert row.se == pytest.approx(np.sqrt(p * (1 - p) / (n - 1)), abs=1e-12)
        assert row.n == n


def test_not_asked_is_not_no(form, cleaned) -> None:
    _, result = cleaned
    from humsec.voice import Export

    export = Export(result.data, {}, form, "clean")
    table = VoiceTabulator(questions=["treat_drink_water_how"]).fit(export).to_frame()
    asked = result.data["treat_drink_water"].isin(["always_treat", "sometimes_treat"])
    assert table["n"].iloc[0] == int((asked & (result.data["treat_drink_water_how"] != "")).sum())
    assert table["n"].iloc[0] < len(result.data)


def test_labels_in_every_language(form) -> None:
    assert form.languages == ("English (en)", "Arabic (ar)")
    assert form.option_label("trust_water_office", "yes", "ar") == "نعم"
    assert form.option_label("trust_water_office", "yes", "en") == "Yes"
