"""Perception indicators and a composite index (tests/golden/voice_talafar/indicators.yaml) on the clean Tal
Afar export against R survey::svymean and psych::alpha (make_reference.R beside the numbers)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from humsec.core.errors import SpecError
from humsec.voice import read_export, read_form
from humsec.voice.indicators import PerceptionIndicators, PerceptionSpec, cronbach_alpha

GOLDEN = Path(__file__).parents[1] / "golden" / "voice_talafar"
DATA = Path(__file__).parents[3] / "shared" / "data" / "talafar_water_perception_2021"


@pytest.fixture(scope="module")
def result():
    if not DATA.exists():
        pytest.skip("../shared/data/talafar_water_perception_2021 is absent")
    form = read_form(DATA / "cleaningtools_survey.csv")
    export = read_export(DATA / "cleaningtools_clean_data.csv.gz", form)
    return PerceptionIndicators(GOLDEN / "indicators.yaml").fit(export)


def test_indicators_and_index_match_r(result) -> None:
    ref = pd.read_csv(GOLDEN / "reference.csv")
    assert len(ref) == 7
    ours = result.to_frame().query("over == 'national'").set_index("name")
    est = ref[~ref["name"].str.startswith("alpha:")].set_index("name")
    assert set(est.index) == set(ours.index)
    np.testing.assert_allclose(ours.loc[est.index, "estimate"], est["estimate"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(ours.loc[est.index, "se"], est["se"], rtol=0, atol=1e-10)
    assert (ours.loc[est.index, "n"] == est["n"]).all()


def test_cronbach_alpha_matches_psych(result) -> None:
    ref = pd.read_csv(GOLDEN / "reference.csv").set_index("name")
    row = result.reliability.set_index("index").loc["confidence_in_water_service"]
    assert row["alpha"] == pytest.approx(
        ref.loc["alpha:confidence_in_water_service", "estimate"], abs=1e-10
    )
    assert row["n"] == ref.loc["alpha:confidence_in_water_service", "n"]
    assert any("complete cases" in n for n in result.notes)


def test_alpha_hand_example() -> None:
    # k/(k-1)(1 - sum var_i / var_total) = 2(1 - (5/3 + 19/12) / 6.25) = 0.96 (also R psych::alpha)
    assert cronbach_alpha(np.array([[1, 2], [2, 3], [3, 3], [4, 5.0]])) == pytest.approx(
        0.96, abs=1e-12
    )


def test_spec_errors_listed_together() -> None:
    with pytest.raises(SpecError) as err:
        PerceptionSpec.from_dict(
            {
                "indicators": {
                    "a": {"question": "q"},
                    "b": {"question": "q", "positive": ["x"], "direction": "up"},
                },
                "indices": {"i": {"indicators": ["a", "zz"]}},
            },
            "ind.yaml",
        )
    text = str(err.value)
    assert (
        "3 problem(s)" in text and "indicators.a" in text and "'direction'" in text and "zz" in text
    )
