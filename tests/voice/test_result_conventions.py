"""Every voice result follows the result conventions (issue 19): ResultBase, its tables, notes as
sentences, str() and the HTML view from summary() (``humsec.testing.check_result``)."""

from __future__ import annotations

import pandas as pd

from humsec.testing import check_result
from humsec.voice.compare import ComparisonResult
from humsec.voice.indicators import PerceptionResult
from humsec.voice.result import TabulationResult


def test_tabulation_result() -> None:
    table = pd.DataFrame({"question": ["q"], "type": ["select_one"], "option": ["yes"], "over": ["national"],
                          "group": [""], "estimate": [0.4], "se": [0.05], "ci_low": [0.3], "ci_high": [0.5],
                          "n": [40], "n_selected": [16], "base": [40], "question_label": ["Q"],
                          "option_label": ["Yes"], "df": [39]})  # fmt: skip
    result = TabulationResult(table, params={"weight": None}, notes=["2 rows left out"], level=0.95, source="x.csv")
    check_result(result)
    assert result.to_frame()["estimate"].tolist() == [0.4]


def test_perception_result() -> None:
    table = pd.DataFrame({"name": ["safe"], "kind": ["indicator"], "over": ["national"], "group": [""],
                          "estimate": [0.6], "se": [0.1], "ci_low": [0.4], "ci_high": [0.8], "n": [30],
                          "label": ["Feels safe"]})  # fmt: skip
    rel = pd.DataFrame({"index": ["trust"], "round": [""], "alpha": [0.8], "omega": [0.82], "n": [30]})
    result = PerceptionResult(table, rel, notes=[], level=0.95)
    check_result(result)
    assert result.to_frame("reliability")["omega"].tolist() == [0.82]


def test_comparison_result() -> None:
    table = pd.DataFrame({"group": ["A", "B"], "perceived": [0.2, 0.7], "measured": [0.3, 0.6], "flag": ["agree", "agree"]})
    corr = {"r": 0.9, "ci_low": 0.1, "ci_high": 0.99, "areas": 2}
    check_result(ComparisonResult(table, corr, ["areas matched by name"], 0.95))


def test_cleaning_result() -> None:
    from humsec.voice.cleaning import CleaningResult

    report = pd.DataFrame({"uuid": ["u1", "u2"], "outcome": ["changed", "removed"]})
    result = CleaningResult(pd.DataFrame({"_uuid": ["u1"], "q": [1]}), report)
    check_result(result)
    assert "changed 1, removed 1; 1 rows kept" in result.summary()
