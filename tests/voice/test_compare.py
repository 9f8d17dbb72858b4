"""Perceived vs measured on a hand-worked example of six areas."""

import numpy as np
import pandas as pd
import pytest

from humsec.core.errors import DataError
from humsec.voice.compare import compare_perceived_measured


def _side(values: list[float], half: float) -> pd.DataFrame:
    v = np.array(values)
    return pd.DataFrame(
        {"group": list("abcdef"), "estimate": v, "ci_low": v - half, "ci_high": v + half}
    )


def test_hand_worked_flags_and_correlation() -> None:
    perceived = _side([0.10, 0.20, 0.30, 0.60, 0.70, 0.80], 0.05)  # median cut-off 0.45
    measured = _side([0.50, 0.10, 0.20, 0.05, 0.70, 0.35], 0.05)  # median cut-off 0.275
    result = compare_perceived_measured(perceived, measured)
    t = result.to_frame().set_index("group")
    assert t["perceived_cutoff"].iloc[0] == pytest.approx(0.45)
    assert t["measured_cutoff"].iloc[0] == pytest.approx(0.275)
    # a: feels fine (0.10 < 0.45) but measured high (0.45-0.55 > 0.275); d: the reverse
    assert t.loc["a", "flag"] == "measured worse than felt"
    assert t.loc["d", "flag"] == "feel worse than measured"
    assert t.loc["e", "flag"] == "agree"  # both high
    assert t.loc["b", "flag"] == "agree"  # both low
    # f: measured 0.30-0.40 above 0.275 -> high; perceived 0.75-0.85 high -> agree
    assert t.loc["f", "flag"] == "agree"
    # Pearson r by hand: deviations from the means 0.45 and 0.3166...
    p = np.array([0.10, 0.20, 0.30, 0.60, 0.70, 0.80])
    m = np.array([0.50, 0.10, 0.20, 0.05, 0.70, 0.35])
    r = ((p - p.mean()) * (m - m.mean())).sum() / np.sqrt(
        ((p - p.mean()) ** 2).sum() * ((m - m.mean()) ** 2).sum()
    )
    c = result.correlation
    assert c["r"] == pytest.approx(r)
    # Fisher z: tanh(atanh(r) +- 1.959964 / sqrt(6 - 3))
    assert c["ci_low"] == pytest.approx(np.tanh(np.arctanh(r) - 1.959963985 / np.sqrt(3)))
    assert c["ci_high"] == pytest.approx(np.tanh(np.arctanh(r) + 1.959963985 / np.sqrt(3)))


def test_wide_intervals_are_unclear_not_flagged() -> None:
    perceived = _side([0.10, 0.20, 0.30, 0.60, 0.70, 0.80], 0.40)
    measured = _side([0.50, 0.10, 0.20, 0.05, 0.70, 0.35], 0.40)
    t = compare_perceived_measured(perceived, measured).to_frame()
    assert (t["flag"] == "unclear").all()


def test_unmatched_areas_are_reported_and_too_few_is_an_error() -> None:
    perceived = _side([0.1, 0.2, 0.3, 0.6, 0.7, 0.8], 0.05)
    measured = _side([0.5, 0.1, 0.2, 0.05, 0.7, 0.35], 0.05).iloc[:5]
    result = compare_perceived_measured(perceived, measured)
    assert "perception but no measure, left out: f" in result.notes[0]
    with pytest.raises(DataError, match="at least 4 areas"):
        compare_perceived_measured(perceived.iloc[:3], measured)
    with pytest.raises(DataError, match="more than once"):
        compare_perceived_measured(pd.concat([perceived, perceived]), measured)


def test_chart_builds() -> None:
    perceived = _side([0.1, 0.2, 0.3, 0.6, 0.7, 0.8], 0.05)
    measured = _side([0.5, 0.1, 0.2, 0.05, 0.7, 0.35], 0.05)
    spec = compare_perceived_measured(perceived, measured).chart().to_dict()
    assert "layer" in spec


def test_with_an_alkire_foster_result_and_the_cli(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    import humsec
    from humsec.cli.main import app
    from humsec.voice.compare import measured_from_af

    data = humsec.datasets.load_syn_cdta()
    af = humsec.AlkireFoster(humsec.datasets.syn_cdta_spec(), k=[33]).fit(data, over=["region"])
    measured = measured_from_af(af, measure="M0", over="region")
    assert len(measured) == 20
    # people say what is measured (x 3), except region 16, the least deprived, where they feel worst
    perceived = measured.assign(
        estimate=measured["estimate"] * 3,
        ci_low=measured["ci_low"] * 3,
        ci_high=measured["ci_high"] * 3,
    )
    perceived.loc[perceived["group"] == "16", ["estimate", "ci_low", "ci_high"]] = [0.6, 0.55, 0.65]
    result = compare_perceived_measured(perceived, measured)
    t = result.to_frame().set_index("group")
    assert t.loc["16", "flag"] == "feel worse than measured"
    assert (t.drop("16")["flag"] != "feel worse than measured").all()
    assert result.correlation["r"] == pytest.approx(
        np.corrcoef(perceived["estimate"], measured["estimate"])[0, 1]
    )
    # the CLI on the files the other commands write
    perceived_csv = perceived.assign(name="feels_unsafe", over="region", kind="indicator")
    perceived_csv.to_csv(tmp_path / "ind.csv", index=False)
    af.tidy().to_csv(tmp_path / "af.csv", index=False)
    out, chart = tmp_path / "cmp.csv", tmp_path / "cmp.svg"
    res = CliRunner().invoke(
        app,
        [
            *("voice", "compare", str(tmp_path / "ind.csv"), str(tmp_path / "af.csv")),
            *("--indicator", "feels_unsafe", "--over", "region", "--out", str(out)),
            *("--chart", str(chart)),
        ],
    )
    assert res.exit_code == 0, res.output
    written = pd.read_csv(out, dtype={"group": str}).set_index("group")
    assert written.loc["16", "flag"] == "feel worse than measured"
    assert chart.read_text(encoding="utf-8").startswith("<svg")
    assert "across 20 areas" in res.output


def test_higher_is_better_turns_a_share_round() -> None:
    from humsec.voice.compare import perceived_rows

    table = pd.DataFrame(
        {
            "name": ["feels_safe"] * 2,
            "over": ["area"] * 2,
            "group": ["a", "b"],
            "estimate": [0.8, 0.3],
            "ci_low": [0.7, 0.2],
            "ci_high": [0.9, 0.4],
        }
    )
    rows = perceived_rows(table, name="feels_safe", over="area", higher_is_worse=False)
    np.testing.assert_allclose(rows["estimate"], [0.2, 0.7])
    np.testing.assert_allclose(rows["ci_low"], [0.1, 0.6])
    np.testing.assert_allclose(rows["ci_high"], [0.3, 0.8])
    with pytest.raises(DataError, match="no 'trust' rows"):
        perceived_rows(table, name="trust", over="area")


def test_by_area_and_group_through_one_combined_column() -> None:
    """Perceived vs measured by area and group: the same combined column (here region × urban/rural)
    on both sides; the areas are then its values, matched as any other."""
    import humsec
    from humsec.voice.compare import measured_from_af

    data = humsec.datasets.load_syn_cdta()
    data = data.assign(region_area=data["region"].astype(str) + " / " + data["area"].astype(str))
    af = humsec.AlkireFoster(humsec.datasets.syn_cdta_spec(), k=[33]).fit(
        data, over=["region_area"]
    )
    measured = measured_from_af(af, measure="M0", over="region_area")
    crossings = set(data["region_area"])
    assert set(measured["group"]) == crossings and len(crossings) > 20
    worst = measured.loc[measured["estimate"].idxmin(), "group"]  # least deprived region × area
    perceived = measured.assign(estimate=measured["estimate"] * 2, ci_low=measured["ci_low"] * 2,
                                ci_high=measured["ci_high"] * 2)  # fmt: skip
    perceived.loc[perceived["group"] == worst, ["estimate", "ci_low", "ci_high"]] = [
        0.9,
        0.88,
        0.92,
    ]
    t = compare_perceived_measured(perceived, measured).to_frame().set_index("group")
    assert set(t.index) == crossings
    assert t.loc[worst, "flag"] == "feel worse than measured"
