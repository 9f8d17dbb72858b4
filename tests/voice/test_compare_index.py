"""Perceived vs an area-index score table (as ``humsec index --out`` writes it): a hand-worked example
(no intervals, uncertainty intervals, a higher-is-better index mirrored), and the CLI on the score table
``humsec index`` writes for Kenya's 47 counties (2019 census, shipped with humsec)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from humsec.core.errors import ColumnNotFoundError, DataError
from humsec.voice.compare import compare_perceived_measured, index_rows, measured_from_index

AREAS = list("abcdef")


def _perceived(values: list[float], half: float = 0.05) -> pd.DataFrame:
    v = np.array(values)
    return pd.DataFrame({"group": AREAS, "estimate": v, "ci_low": v - half, "ci_high": v + half})


def _scores(values: list[float], **extra: list[float]) -> pd.DataFrame:
    table = pd.DataFrame(
        {"unit": [a.upper() for a in AREAS], "node": "RISK", "score": values, "rank": 0, **extra}
    )
    other = table.assign(node="HAZARD", score=9.0)
    return pd.concat([table, other], ignore_index=True)


def test_hand_worked_index_without_intervals() -> None:
    perceived = _perceived([0.10, 0.20, 0.30, 0.60, 0.70, 0.80])  # cut-off 0.45
    scores = _scores([6.0, 2.0, 3.0, 1.0, 7.0, 5.0])  # RISK cut-off: median 4.0
    with pytest.raises(DataError, match="2 nodes; choose one"):
        index_rows(scores)
    measured = index_rows(scores, node="RISK")
    assert measured["ci_low"].tolist() == measured["estimate"].tolist()  # no interval: the point
    result = compare_perceived_measured(perceived, measured)
    t = result.to_frame().set_index("group")
    assert t["measured_cutoff"].iloc[0] == 4.0
    # units are written 'A'..'F', the survey's areas 'a'..'f': matched whatever the case
    assert list(t.index) == AREAS
    assert t["measured_level"].tolist() == ["high", "low", "low", "low", "high", "high"]
    assert t.loc["a", "flag"] == "measured worse than felt"  # feels fine (0.10), index 6 > 4
    assert t.loc["d", "flag"] == "feel worse than measured"  # feels bad (0.60), index 1 < 4
    assert t.loc["e", "flag"] == t.loc["b", "flag"] == "agree"
    assert any("no intervals" in n for n in result.notes)
    p, m = perceived["estimate"], measured["estimate"]
    assert result.correlation["r"] == pytest.approx(np.corrcoef(p, m)[0, 1])


def test_uncertainty_intervals_are_used_and_named() -> None:
    values = [6.0, 2.0, 3.0, 1.0, 7.0, 5.0]
    scores = _scores(
        values,
        score_low=[v - 2.5 for v in values],  # a's 3.5-8.5 straddles 4: unclear
        score_high=[v + 2.5 for v in values],
    )
    result = compare_perceived_measured(
        _perceived([0.10, 0.20, 0.30, 0.60, 0.70, 0.80]), index_rows(scores, node="RISK")
    )
    t = result.to_frame().set_index("group")
    assert t.loc["a", "measured_level"] == "unclear" and t.loc["a", "flag"] == "unclear"
    assert t.loc["e", "measured_level"] == "high"  # 4.5-9.5
    assert any("uncertainty intervals" in n for n in result.notes)


def test_higher_is_better_index_is_mirrored_within_its_range() -> None:
    scores = _scores([6.0, 2.0, 3.0, 1.0, 7.0, 5.0])
    rows = index_rows(scores, node="RISK", higher_is_better=True)
    # lowest 1 + highest 7 = 8: 8 - score
    assert rows["estimate"].tolist() == [2.0, 6.0, 5.0, 7.0, 1.0, 3.0]
    assert any("mirrored as 8 - score" in n for n in rows.attrs["notes"])


def test_bad_index_tables() -> None:
    with pytest.raises(ColumnNotFoundError, match="score"):
        index_rows(pd.DataFrame({"unit": ["a"], "node": ["R"]}))
    with pytest.raises(DataError, match="no node 'VULN'"):
        index_rows(_scores([1.0] * 6), node="VULN")
    bad = _scores([1.0] * 6).astype({"score": object})
    bad.loc[2, "score"] = "#VALUE!"
    with pytest.raises(DataError, match=r"'#VALUE!' for unit\(s\) C"):
        index_rows(bad, node="RISK")


KENYA_MODEL = """name: Kenya county WASH deprivation (test)
unit: adm1_name
root: WASH
nodes:
  WASH: {op: arithmetic, children: [pct_hh_surface_water, pct_hh_open_defecation]}
"""


def test_cli_with_the_scores_humsec_index_writes(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    import humsec
    from humsec.cli.main import app
    from humsec.datasets import data_path

    model = tmp_path / "wash.yaml"
    model.write_text(KENYA_MODEL, encoding="utf-8")
    census = data_path("ken_census2019_county.csv")
    scores_csv = tmp_path / "scores.csv"
    res = CliRunner().invoke(app, ["index", str(model), str(census), "--out", str(scores_csv)])
    assert res.exit_code == 0, res.output
    scores = pd.read_csv(scores_csv)
    assert len(scores) == 47
    # the Python API gives the same rows from the result itself
    fitted = humsec.CompositeIndex(str(model)).fit(pd.read_csv(census))
    from_result = measured_from_index(fitted)
    np.testing.assert_allclose(
        from_result["estimate"], index_rows(scores)["estimate"], rtol=0, atol=1e-12
    )
    # people say what the index says (score / 100 as a share), except Nairobi, the least deprived,
    # where they say they are worst off; county names written in lower case as a Kobo choice list would
    s = scores["score"] / 100
    perceived = pd.DataFrame(
        {"name": "water_worries", "kind": "indicator", "over": "county",
         "group": scores["unit"].str.lower(), "estimate": s, "ci_low": s - 0.02, "ci_high": s + 0.02}
    )  # fmt: skip
    perceived.loc[perceived["group"] == "nairobi", ["estimate", "ci_low", "ci_high"]] = [
        0.9,
        0.85,
        0.95,
    ]
    perceived.to_csv(tmp_path / "ind.csv", index=False)
    out, chart = tmp_path / "cmp.csv", tmp_path / "cmp.svg"
    args = ["voice", "compare", str(tmp_path / "ind.csv"), str(scores_csv),
            "--indicator", "water_worries", "--over", "county", "--out", str(out)]  # fmt: skip
    res = CliRunner().invoke(app, [*args, "--chart", str(chart)])
    assert res.exit_code == 0, res.output
    written = pd.read_csv(out).set_index("group")
    assert len(written) == 47
    assert written.loc["nairobi", "flag"] == "feel worse than measured"
    assert (written.drop("nairobi")["flag"] != "feel worse than measured").all()
    assert "no intervals" in res.output and "across 47 areas" in res.output
    assert "WASH (measured)" in chart.read_text(encoding="utf-8")
    # --node and --measured-higher-is-better belong to index tables; a node the table lacks
    wrong = CliRunner().invoke(app, [*args, "--node", "RISK"])
    assert wrong.exit_code == 2 and "no node 'RISK'" in wrong.output and "WASH" in wrong.output
