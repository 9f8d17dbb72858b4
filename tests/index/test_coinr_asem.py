"""Construction steps (humsec.index.construct): COINr's ASEM example build and hand-worked frames.

Golden test: every stage of COINr 1.1.14's ``build_example_coin()`` (../shared/data/asem/
expected_default_build/) is reproduced to |ours − COINr| ≤ 1e-9 + 1e-9·|COINr| (absolute 1e-9 on
the 0–100 scores, relative 1e-9 on the large raw values such as ForPort or Research), with the same
missing cells; treatment details (pass/fail, points Winsorised, log applied) and ranks exactly.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from humsec.core.errors import ColumnNotFoundError, DataError, HumsecError
from humsec.index.coinr_asem import build_coinr_asem, load_coinr_asem
from humsec.index.construct import (
    Aggregate,
    Denominate,
    Impute,
    Normalise,
    Screen,
    TreatOutliers,
    kurtosis,
    skewness,
)

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "asem"
EXPECTED = SHARED / "expected_default_build"
needs_shared = pytest.mark.skipif(
    not EXPECTED.exists(), reason="../shared/data/asem/expected_default_build not present"
)
STAGES = ["Raw", "Denominated", "Imputed", "Screened", "Treated", "Normalised", "Aggregated"]
RTOL = ATOL = 1e-9


@pytest.fixture(scope="module")
def build():
    return build_coinr_asem()


def expected(name: str) -> pd.DataFrame:
    return pd.read_csv(EXPECTED / name).set_index("uCode")


# ------------------------------------------------------------------------------------------------
# golden: COINr's ASEM example


@needs_shared
@pytest.mark.parametrize("name", ["ASEM_iData.csv", "ASEM_iMeta.csv"])
def test_shipped_data_are_the_shared_copies(name):
    shipped = Path(__file__).resolve().parents[2] / "src" / "humsec" / "datasets" / "coinr_asem"
    assert (shipped / name).read_bytes() == (SHARED / name).read_bytes()


@needs_shared
@pytest.mark.parametrize("stage", STAGES)
def test_every_stage_matches_coinr(build, stage):
    exp = expected(f"stage_{stage}.csv")
    got = build.stages[stage]
    assert sorted(got.index) == sorted(exp.index)
    assert sorted(got.columns) == sorted(exp.columns)
    got = got.loc[exp.index, exp.columns].to_numpy(float)
    want = exp.to_numpy(float)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL, equal_nan=True)


@needs_shared
def test_treatment_details_match_coinr(build):
    exp = pd.read_csv(EXPECTED / "treat_details.csv").set_index("iCode")
    det = build.treat_details.loc[exp.index]
    assert (det["pass"].to_numpy(bool) == exp["check_SkewKurt0.Pass"].to_numpy(bool)).all()
    np.testing.assert_allclose(det["skew"], exp["check_SkewKurt0.Skew"], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(det["kurt"], exp["check_SkewKurt0.Kurt"], rtol=RTOL, atol=ATOL)
    # points Winsorised: NA where the indicator passed at once
    nwin = det["n_winsorised"].astype("Float64").to_numpy(float, na_value=np.nan)
    np.testing.assert_array_equal(nwin, exp["winsorise.nwin"].to_numpy(float))
    treated = exp["winsorise.nwin"].notna()
    assert treated.sum() == 15
    assert det.loc[treated, "pass_winsorised"].to_numpy(bool).all()
    assert exp.loc[treated, "check_SkewKurt1.Pass"].to_numpy(bool).all()
    for ours, theirs in [("skew_winsorised", "Skew"), ("kurt_winsorised", "Kurt")]:
        np.testing.assert_allclose(
            det[ours].to_numpy(float),
            exp[f"check_SkewKurt1.{theirs}"].to_numpy(float),
            rtol=RTOL,
            atol=ATOL,
            equal_nan=True,
        )
    # COINr wrote no check_SkewKurt2 (log) columns: no indicator fell back to the log
    assert not any(c.startswith("check_SkewKurt2") for c in exp.columns)
    assert not det["log_applied"].any()
    # the Winsorised cells of the treated stage are exactly those marked by the treatment
    marks = build.steps["Treated"].treated_
    assert int((marks != "").to_numpy().sum()) == int(exp["winsorise.nwin"].sum())


@needs_shared
def test_scores_and_ranks_match_coinr(build):
    exp = pd.read_csv(EXPECTED / "coinr_asem.csv").set_index("uCode")
    nodes = [c for c in exp.columns if c not in ("uName",) and not c.endswith("_rank")]
    assert sorted(nodes) == sorted(build.scores.columns)
    got = build.scores.loc[exp.index, nodes].to_numpy(float)
    np.testing.assert_allclose(got, exp[nodes].to_numpy(float), rtol=RTOL, atol=ATOL)
    for node in nodes:
        ranks = build.ranks.loc[exp.index, node].to_numpy(int)
        np.testing.assert_array_equal(ranks, exp[f"{node}_rank"].to_numpy(int), err_msg=node)


@needs_shared
def test_weights_imputed_cells_and_screening_match_coinr(build):
    w = pd.read_csv(EXPECTED / "weights_original.csv").set_index("iCode")
    agg = build.steps["Aggregated"]
    below_root = w.drop(index="Index")  # the root's weight is not used
    assert {k: agg.weights[k] for k in below_root.index} == below_root["Weight"].to_dict()
    assert set(agg.order_) == set(w.index[w["Level"] > 1])
    # imputed cells: missing after denomination, present after imputation
    den, imp = expected("stage_Denominated.csv"), expected("stage_Imputed.csv")
    flagged = build.imputed.loc[den.index, den.columns]
    assert (flagged.to_numpy() == (den.isna() & imp.notna()).to_numpy()).all()
    assert int(flagged.to_numpy().sum()) == 65
    assert build.removed_units == []


def test_fitted_pipeline_transforms_the_reference_year_identically(build):
    data, _ = load_coinr_asem()
    again = build.transform(data.set_index("uCode"))
    cols = list(build.stages["Aggregated"].columns)
    pd.testing.assert_frame_equal(again[cols], build.stages["Aggregated"], rtol=1e-12)


def test_fitted_pipeline_transforms_a_later_year_on_the_reference_scale(build):
    data, _ = load_coinr_asem()
    later = data.set_index("uCode")
    later["LPI"] = later["LPI"] * 1.5  # everyone better than the best reference value
    out = build.transform(later)
    # the reference min-max puts values beyond the reference best above 100
    assert (out["LPI"] > build.stages["Normalised"]["LPI"]).all()
    assert out["LPI"].max() > 100


# ------------------------------------------------------------------------------------------------
# skew and kurtosis


def test_skew_and_kurtosis_are_the_bias_corrected_sample_statistics():
    x = np.array([2.0, 3.0, 5.0, 7.0, 11.0, 13.0, 40.0, np.nan])
    v = x[~np.isnan(x)]
    n = v.size
    c = v - v.mean()
    m2, m3, m4 = (c**2).mean(), (c**3).mean(), (c**4).mean()
    g1, g2 = m3 / m2**1.5, m4 / m2**2 - 3
    assert skewness(x) == pytest.approx(g1 * np.sqrt(n * (n - 1)) / (n - 2), rel=1e-12)
    want = (n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * g2 + 6)
    assert kurtosis(x) == pytest.approx(want, rel=1e-12)
    with pytest.raises(DataError, match="at least 4"):
        kurtosis(np.array([1.0, 2.0, 3.0]))


# ------------------------------------------------------------------------------------------------
# Denominate


def test_denominate_divides_each_year_by_its_own_denominator():
    y1 = pd.DataFrame(
        {"gdp": [10.0, 30.0], "pop": [2.0, 3.0], "area": [1.0, 2.0]}, index=["A", "B"]
    )
    y2 = pd.DataFrame(
        {"gdp": [12.0, 30.0], "pop": [4.0, 6.0], "area": [1.0, 2.0]}, index=["A", "B"]
    )
    den = Denominate({"gdp": "pop"}, scale={"gdp": 1000}).fit(y1)
    assert den.transform(y1)["gdp"].tolist() == [5000.0, 10000.0]
    out = den.transform(y2)
    assert out["gdp"].tolist() == [3000.0, 5000.0]
    assert out["pop"].tolist() == [4.0, 6.0]  # other columns untouched
    missing = den.transform(y2.assign(pop=[np.nan, 6.0]))["gdp"]
    assert np.isnan(missing["A"]) and missing["B"] == 5000.0


def test_denominate_zero_denominator_names_indicator_and_units():
    df = pd.DataFrame(
        {"gdp": [1.0, 2.0, 3.0], "flights": [1.0, 1.0, 1.0], "pop": [0.0, 2.0, 0.0]},
        index=["AUT", "BEL", "CHE"],
    )
    with pytest.raises(DataError, match=r"'pop' of indicator 'gdp' is zero for unit\(s\) AUT, CHE"):
        Denominate({"gdp": "pop"}).fit_transform(df)
    with pytest.raises(ColumnNotFoundError, match="popu"):
        Denominate({"gdp": "popu"}).fit(df)


# ------------------------------------------------------------------------------------------------
# Impute


def test_group_mean_and_median_fill_and_flag_cells():
    df = pd.DataFrame(
        {
            "x": [1.0, 2.0, 6.0, np.nan, 10.0, np.nan],
            "y": [np.nan, 1.0, 1.0, 1.0, 4.0, 8.0],
            "g": ["a", "a", "a", "a", "b", "b"],
        },
        index=list("ABCDEF"),
    )
    imp = Impute("group_mean", group="g")
    out = imp.fit_transform(df)
    assert out["x"].tolist() == [1.0, 2.0, 6.0, 3.0, 10.0, 10.0]
    assert out["y"].tolist() == [1.0, 1.0, 1.0, 1.0, 4.0, 8.0]
    assert out["g"].tolist() == df["g"].tolist()
    assert imp.imputed_.to_dict("list") == {
        "x": [False, False, False, True, False, True],
        "y": [True, False, False, False, False, False],
    }
    med = Impute("group_median", group="g").fit_transform(df)
    assert med["x"].tolist() == [1.0, 2.0, 6.0, 2.0, 10.0, 10.0]
    whole = Impute("median").fit_transform(df.drop(columns="g"))
    assert whole["x"].tolist() == [1.0, 2.0, 6.0, 4.0, 10.0, 4.0]


def test_impute_fit_on_reference_year_fills_later_year_with_reference_values():
    ref = pd.DataFrame({"x": [1.0, 3.0, 10.0], "g": ["a", "a", "b"]}, index=["A", "B", "C"])
    later = pd.DataFrame(
        {"x": [np.nan, 100.0, np.nan], "g": ["a", "a", "c"]}, index=["A", "B", "C"]
    )
    imp = Impute("group_mean", group="g").fit(ref)
    out = imp.transform(later)
    assert out["x"].iloc[:2].tolist() == [2.0, 100.0]  # group a's 2020 mean, not 2021's
    assert np.isnan(out["x"].iloc[2])  # group c unseen at fit: stays missing, not flagged
    assert imp.imputed_["x"].tolist() == [True, False, False]
    mean = Impute("mean").fit(ref.drop(columns="g"))
    assert mean.transform(later.drop(columns="g"))["x"].tolist() == [14 / 3, 100.0, 14 / 3]


def test_locf_carries_the_last_observed_value_forward_in_time_order():
    panel = pd.DataFrame(
        {
            "unit": ["A", "A", "A", "B", "B", "B"],
            "year": [2021, 2019, 2020, 2019, 2020, 2021],
            "x": [np.nan, 1.0, np.nan, np.nan, 5.0, 6.0],
        }
    )
    imp = Impute("locf", unit="unit", time="year")
    out = imp.fit_transform(panel)
    # A: 2019 = 1 carried to 2020 and 2021; B 2019 has no earlier value: gets B's latest (6)
    assert out["x"].tolist() == [1.0, 1.0, 1.0, 6.0, 5.0, 6.0]
    assert imp.imputed_["x"].tolist() == [True, False, True, True, False, False]
    assert out["year"].tolist() == panel["year"].tolist()  # rows stay in place
    nxt = pd.DataFrame({"unit": ["A", "B"], "year": [2022, 2022], "x": [np.nan, 7.0]})
    assert imp.transform(nxt)["x"].tolist() == [1.0, 7.0]


def test_impute_rejects_unknown_methods_and_missing_group():
    # parameters are stored as given and checked when fitted (scikit-learn's convention)
    one = pd.DataFrame({"x": [1.0, 2.0]})
    with pytest.raises(HumsecError, match="'method' parameter of Impute must be the name of an imputation"):
        Impute("knn").fit(one)
    with pytest.raises(HumsecError, match="needs group="):
        Impute("group_mean").fit(one)
    with pytest.raises(HumsecError, match="not fitted"):
        Impute("mean").transform(pd.DataFrame({"x": [1.0]}))


# ------------------------------------------------------------------------------------------------
# Screen


def test_screen_drops_units_below_the_availability_share_and_reports_them():
    nan = np.nan
    df = pd.DataFrame(
        {
            "a": [1.0, nan, 1.0, nan],
            "b": [1.0, nan, 1.0, 1.0],
            "c": [1.0, 1.0, nan, 1.0],
            "name": ["w", "x", "y", "z"],
        },
        index=["W", "X", "Y", "Z"],
    )
    sc = Screen(min_share=2 / 3)
    out = sc.fit_transform(df)
    assert out.index.tolist() == ["W", "Y", "Z"]  # 2 of 3 is enough; X has 1 of 3
    assert sc.removed_ == ["X"]
    assert sc.availability_.round(4).tolist() == [1.0, 0.3333, 0.6667, 0.6667]
    forced = Screen(min_share=0.9, force_include=["Y"], force_exclude=["W"]).fit_transform(df)
    assert forced.index.tolist() == ["Y"]
    with pytest.raises(HumsecError, match=r"'min_share' parameter of Screen must be a number in \[0, 1\]"):
        Screen(min_share=90).fit(df)


# ------------------------------------------------------------------------------------------------
# TreatOutliers


def test_winsorisation_moves_the_high_tail_one_step_at_a_time_with_ties():
    x = np.r_[np.arange(1.0, 21.0), 100.0, 100.0]  # two tied outliers
    assert abs(skewness(x)) >= 2 and kurtosis(x) >= 3.5
    tr = TreatOutliers()
    out = tr.fit_transform(pd.DataFrame({"x": x, "y": -x}))
    det = tr.details_
    # one step moves both tied maxima to the next value (20): COINr counts 2 points
    assert det.loc["x", "n_winsorised"] == 2 and bool(det.loc["x", "pass_winsorised"])
    assert out["x"].tolist() == [*np.arange(1.0, 21.0), 20.0, 20.0]
    assert det.loc["x", "upper"] == 20.0 and np.isnan(det.loc["x", "lower"])
    # negative skew: the low tail moves
    assert out["y"].tolist() == [*-np.arange(1.0, 21.0), -20.0, -20.0]
    assert det.loc["y", "lower"] == -20.0 and tr.treated_["y"].tolist()[-2:] == ["winlo"] * 2
    assert tr.treated_["x"].tolist() == [""] * 20 + ["winhi"] * 2


def test_winsorisation_limits_learnt_on_reference_year_clip_a_later_year():
    ref = pd.DataFrame({"x": [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100], "ok": np.arange(11.0)})
    tr = TreatOutliers().fit(ref)
    assert tr.details_.loc["x", "n_winsorised"] == 1
    assert tr.details_.loc["ok", "pass"] and pd.isna(tr.details_.loc["ok", "n_winsorised"])
    later = pd.DataFrame({"x": [0.0, 9.0, 11.0, 500.0], "ok": [-5.0, 0.0, 5.0, 50.0]})
    out = tr.transform(later)
    assert out["x"].tolist() == [0.0, 9.0, 10.0, 10.0]  # capped at the reference limit only
    assert out["ok"].tolist() == later["ok"].tolist()


def test_log_fallback_applies_coinr_log_ct_to_the_original_values():
    z = np.r_[np.ones(20), 50.0, 100.0, 1000.0]
    tr = TreatOutliers(max_winsorised=1)
    out = tr.fit_transform(pd.DataFrame({"z": z}))
    d = tr.details_.loc["z"]
    assert d["n_winsorised"] == 1 and not d["pass_winsorised"] and d["log_applied"]
    want = np.log(z - 1.0 + 0.01 * (1000.0 - 1.0))  # log(x − min + 0.01·(max − min))
    np.testing.assert_allclose(out["z"], want, rtol=1e-15)
    assert d["skew_log"] == pytest.approx(skewness(want))
    assert bool(d["pass_log"]) == (abs(skewness(want)) < 2 or kurtosis(want) < 3.5)
    # later year: the reference min and max; values below the reference min are raised to it
    later = tr.transform(pd.DataFrame({"z": [0.0, 1000.0]}))["z"]
    np.testing.assert_allclose(later, [np.log(9.99), np.log(999 + 9.99)], rtol=1e-15)
    kept = TreatOutliers(max_winsorised=1, fallback=None).fit_transform(pd.DataFrame({"z": z}))
    assert kept["z"].max() == 100.0  # Winsorised values kept, no log


# ------------------------------------------------------------------------------------------------
# Normalise


def test_minmax_learns_min_and_max_on_the_reference_year():
    ref = pd.DataFrame({"a": [2.0, 4.0, 12.0], "b": [1.0, 3.0, 5.0]})
    n = Normalise("minmax", range=(0, 10), directions={"b": -1}).fit(ref)
    assert n.transform(ref).to_dict("list") == {"a": [0.0, 2.0, 10.0], "b": [10.0, 5.0, 0.0]}
    later = n.transform(pd.DataFrame({"a": [7.0, 22.0], "b": [0.0, 3.0]}))
    assert later.to_dict("list") == {"a": [5.0, 20.0], "b": [12.5, 5.0]}


def test_goalposts_clip_and_follow_the_direction():
    ref = pd.DataFrame({"a": [0.0, 50.0, 100.0], "b": [0.0, 50.0, 100.0]})
    gp = {"a": (20.0, 70.0), "b": (20.0, 70.0)}
    n = Normalise("goalposts", goalposts=gp, directions={"b": -1}).fit(ref)
    out = n.transform(ref)
    assert out["a"].tolist() == [0.0, 60.0, 100.0]  # clipped below 20 and above 70
    assert out["b"].tolist() == [100.0, 40.0, 0.0]  # (70 − x)/(70 − 20), clipped
    unclipped = Normalise("goalposts", goalposts=gp, clip=False).fit_transform(ref)
    assert unclipped["a"].tolist() == [-40.0, 60.0, 160.0]
    learnt = Normalise("goalposts", range=(1, 7)).fit(ref)  # goalposts = reference min and max
    assert learnt.transform(pd.DataFrame({"a": [-10.0, 50.0], "b": [110.0, 0.0]})).to_dict(
        "list"
    ) == {"a": [1.0, 4.0], "b": [7.0, 1.0]}


def test_log_goalposts():
    ref = pd.DataFrame({"a": [1.0, 10.0, 100.0, 1000.0]})
    out = Normalise("log_goalposts", goalposts={"a": (10.0, 100.0)}).fit_transform(ref)
    np.testing.assert_allclose(out["a"], [0.0, 0.0, 100.0, 100.0])
    mid = Normalise("log_goalposts").fit(ref).transform(pd.DataFrame({"a": [np.sqrt(10.0)]}))
    assert mid["a"].iloc[0] == pytest.approx(100 / 6)
    with pytest.raises(DataError, match="positive"):
        Normalise("log_goalposts").fit(pd.DataFrame({"a": [0.0, 1.0]}))


def test_zscore_rank_and_percentile():
    ref = pd.DataFrame({"a": [1.0, 2.0, 2.0, 5.0, np.nan]})
    z = Normalise("zscore", m_sd=(10, 2)).fit(ref)
    sd = np.std([1.0, 2.0, 2.0, 5.0], ddof=1)
    np.testing.assert_allclose(
        z.transform(ref)["a"].iloc[:4], (ref["a"].iloc[:4] - 2.5) / sd * 2 + 10
    )
    rank = Normalise("rank").fit(ref)
    assert rank.transform(ref)["a"].tolist()[:4] == [1.0, 2.0, 2.0, 4.0]  # ties: smaller rank
    assert np.isnan(rank.transform(ref)["a"].iloc[4])
    assert rank.transform(pd.DataFrame({"a": [0.0, 3.0, 9.0]}))["a"].tolist() == [1.0, 4.0, 5.0]
    pct = Normalise("percentile").fit(ref)
    assert pct.transform(ref)["a"].tolist()[:4] == pytest.approx([0.0, 100 / 3, 100 / 3, 100.0])
    assert pct.transform(pd.DataFrame({"a": [9.0]}))["a"].tolist() == [100.0]  # clipped
    rev = Normalise("rank", directions={"a": -1}).fit_transform(ref)
    assert rev["a"].tolist()[:4] == [4.0, 2.0, 2.0, 1.0]


def test_distance_to_target():
    ref = pd.DataFrame({"a": [0.0, 5.0, 10.0, 20.0], "b": [1.0, 2.0, 3.0, 4.0]})
    n = Normalise(
        "distance_to_target", range=(0, 1), targets={"a": 10.0, "b": 2.0}, directions={"b": -1}
    ).fit(ref)
    out = n.transform(ref)
    assert out["a"].tolist() == [0.0, 0.5, 1.0, 1.0]  # 1 − (10 − x)/(10 − 0), capped at 1
    # reversed: x' = −x, target −2, min(x') = −4: 1 − (−2 + x)/(−2 + 4)
    assert out["b"].tolist() == [1.0, 1.0, 0.5, 0.0]
    with pytest.raises(HumsecError, match="needs targets"):
        Normalise("distance_to_target").fit(ref)
    with pytest.raises(HumsecError, match="No target for indicator"):
        Normalise("distance_to_target", targets={"a": 1.0}).fit(ref)


def test_normalise_rejects_bad_arguments():
    one = pd.DataFrame({"a": [1.0, 2.0]})
    with pytest.raises(HumsecError, match="'method' parameter of Normalise must be the name of a normalisation"):
        Normalise("sigmoid").fit(one)
    with pytest.raises(HumsecError, match="lower < upper"):
        Normalise(range=(100, 0)).fit(one)
    with pytest.raises(HumsecError, match="1 or -1"):
        Normalise(directions={"a": 2}).fit(one)
    with pytest.raises(HumsecError, match="not fitted"):
        Normalise().transform(pd.DataFrame({"a": [1.0]}))


# ------------------------------------------------------------------------------------------------
# Aggregate


def test_aggregate_renormalises_weights_over_children_present():
    df = pd.DataFrame(
        {"a": [10.0, 10.0, np.nan], "b": [40.0, np.nan, np.nan], "c": [1.0, 2.0, 3.0]}
    )
    agg = Aggregate(
        {"a": "P", "b": "P", "P": "I", "c": "I"}, weights={"a": 2.0, "b": 1.0, "P": 3.0}
    )
    out = agg.fit_transform(df)
    assert out["P"].tolist()[:2] == [20.0, 10.0]  # (2·10 + 40)/3; b missing: a alone
    assert np.isnan(out["P"].iloc[2])
    assert out["I"].tolist() == [(3 * 20 + 1) / 4, (3 * 10 + 2) / 4, 3.0]
    assert agg.order_ == ["P", "I"]
    with pytest.raises(HumsecError, match="cycle"):
        Aggregate({"a": "P", "P": "Q", "Q": "P"}).fit(df)


@pytest.mark.skipif(not SHARED.exists(), reason="../shared not present")
def test_cli_builtin_coinr_asem(tmp_path):
    from typer.testing import CliRunner

    from humsec.cli.main import app

    out = tmp_path / "asem.csv"
    res = CliRunner().invoke(
        app, ["index", "coinr-asem", str(SHARED / "ASEM_iData.csv"), "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out)
    expected = pd.read_csv(EXPECTED / "coinr_asem.csv")
    assert {"Physical", "Conn", "Sust", "Index"} <= set(table["node"])
    ours = table[table["node"] == "Index"].set_index("unit")["rank"]
    unit_col = "uCode" if "uCode" in expected.columns else expected.columns[0]
    rank_col = next(c for c in expected.columns if "rank" in c.lower() and "index" in c.lower())
    theirs = expected.set_index(unit_col)[rank_col]
    assert (ours.reindex(theirs.index) == theirs).all()


def test_regression_imputation_recovers_a_linear_relation():
    rng = np.random.default_rng(0)
    x = rng.normal(size=200)
    df = pd.DataFrame(
        {"a": x, "b": 2 * x + 1 + 0.01 * rng.normal(size=200)}, index=[f"u{i}" for i in range(200)]
    )
    df.loc[["u3", "u7"], "b"] = np.nan
    imp = Impute("regression").fit(df)
    out = imp.transform(df)
    np.testing.assert_allclose(
        out.loc[["u3", "u7"], "b"], 2 * df.loc[["u3", "u7"], "a"] + 1, atol=0.05
    )
    assert imp.imputed_["b"].sum() == 2 and not imp.imputed_["a"].any()
    # fitted on one year, applied to another
    later = df.assign(b=np.nan).iloc[:5]
    np.testing.assert_allclose(imp.transform(later)["b"], 2 * later["a"] + 1, atol=0.05)
