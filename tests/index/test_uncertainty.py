"""Monte Carlo uncertainty and variance-based sensitivity of composite indices."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from humsec.cli.main import app
from humsec.index.model import IndexModel
from humsec.index.uncertainty import Factors, index_sensitivity, index_uncertainty

MODEL = IndexModel.from_dict(
    {
        "root": "R",
        "unit": "u",
        "nodes": {
            "R": {"op": "arithmetic", "children": ["H", "V"]},
            "H": {"op": "arithmetic", "children": ["a", "b"]},
            "V": {"op": "arithmetic", "children": ["c", "d"]},
        },
    }
)
rng = np.random.default_rng(0)
DATA = pd.DataFrame(
    {"u": [f"u{i}" for i in range(30)], **{c: rng.uniform(0, 10, 30) for c in "abcd"}}
)


def test_intervals_contain_the_nominal_and_shrink_without_noise():
    res = index_uncertainty(MODEL, DATA, factors=Factors(weight_noise=0.4), n=300, seed=2)
    iv = res.intervals
    assert (
        (iv["score_low"] <= iv["score"] + 1e-9) & (iv["score"] <= iv["score_high"] + 1e-9)
    ).all()
    assert (iv["rank_low"] <= iv["rank_high"]).all()
    none = index_uncertainty(MODEL, DATA, factors=Factors(weight_noise=0.0), n=20, seed=2).intervals
    np.testing.assert_allclose(none["score_low"], none["score"])
    assert (none["rank_low"] == none["rank"]).all() and (none["rank_high"] == none["rank"]).all()


def test_data_noise_from_standard_errors():
    se = pd.DataFrame(0.0, index=DATA["u"], columns=list("abcd"))
    se["a"] = 2.0
    res = index_uncertainty(
        MODEL, DATA, factors=Factors(weight_noise=0.0, data_se=se), n=400, seed=3
    )
    h = res.intervals.query("node == 'H'")
    # H = (a + b)/2 with a ~ N(a0, 2²): its 90% interval is about ±1.645·1 wide on each side
    width = (h["score_high"] - h["score_low"]).mean()
    assert width == pytest.approx(2 * 1.645, rel=0.15)


def test_sensitivity_of_a_factor_that_cannot_matter_is_zero():
    # all children of V equal -> V's operator never changes anything
    data = DATA.assign(d=DATA["c"])
    f = Factors(weight_noise=0.3, operators={"V": ["arithmetic", "geometric", "harmonic"]})
    s = index_sensitivity(MODEL, data, factors=f, n=64, seed=4).set_index("factor")
    # Jansen: the total effect is exactly 0 (y_A = y_AB); the first-order estimate is only close
    # to 0 (it differences y_B and y_AB), and its bootstrap interval must contain 0
    assert s.loc["op:V", "total_effect"] == 0.0
    assert s.loc["op:V", "first_order_low"] <= 0.0 <= s.loc["op:V", "first_order_high"]
    assert s.loc["weights", "total_effect"] > 0.5


def test_sensitivity_of_the_only_factor_is_one():
    s = index_sensitivity(MODEL, DATA, factors=Factors(weight_noise=0.5), n=400, seed=5).set_index(
        "factor"
    )
    assert s.loc["weights", "total_effect"] == pytest.approx(1.0, abs=0.15)
    assert s.loc["weights", "first_order"] == pytest.approx(1.0, abs=0.25)


def test_cli_uncertainty_columns_and_sensitivity_file(tmp_path):
    path = tmp_path / "in.csv"
    pd.DataFrame(
        {
            "ISO3": ["AAA", "BBB", "CCC"],
            "Earthquake": [9, 1, 4],
            "Flood": [2, 2, 8],
            "DRR": [3, 6, 1],
            "Governance": [5, 2, 7],
        }
    ).to_csv(path, index=False)
    out = tmp_path / "scores.csv"
    res = CliRunner().invoke(
        app,
        [
            "index",
            "inform-2020",
            str(path),
            "--out",
            str(out),
            "--uncertainty",
            "64",
            "--seed",
            "1",
        ],
    )
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out)
    assert {
        "unit",
        "node",
        "score",
        "rank",
        "rank_low",
        "rank_high",
        "score_low",
        "score_high",
    } <= set(table.columns)
    sens = pd.read_csv(tmp_path / "scores_sensitivity.csv")
    assert {"factor", "first_order", "total_effect"} <= set(sens.columns)


def test_cli_html_page_with_charts_and_map(tmp_path):
    import json

    path = tmp_path / "in.csv"
    pd.DataFrame(
        {
            "ISO3": ["KEN", "UGA", "TZA"],
            "Earthquake": [3, 1, 4],
            "Flood": [6, 2, 8],
            "DRR": [3, 6, 1],
        }
    ).to_csv(path, index=False)

    def square(x):
        return {
            "type": "Polygon",
            "coordinates": [[[x, 0], [x + 1, 0], [x + 1, 1], [x, 1], [x, 0]]],
        }

    geo = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"iso_a3": c}, "geometry": square(i)}
            for i, c in enumerate(["KEN", "UGA", "TZA"])
        ],
    }
    (tmp_path / "b.geojson").write_text(json.dumps(geo))
    page = tmp_path / "index.html"
    res = CliRunner().invoke(
        app,
        [
            "index",
            "inform-2020",
            str(path),
            "--uncertainty",
            "40",
            "--seed",
            "2",
            "--html",
            str(page),
            "--boundaries",
            str(tmp_path / "b.geojson"),
        ],
    )
    assert res.exit_code == 0, res.output
    text = page.read_text()
    assert text.count("<svg") == 4  # scores, rank intervals, sensitivity, map
    assert "http" not in text.split("<svg")[0]  # nothing fetched from a CDN


def test_construction_choices_in_the_monte_carlo():
    one_leaf = IndexModel.from_dict({"root": "R", "unit": "u", "nodes": {"R": {"children": ["a"]}}})
    f = Factors(weight_noise=0.0, normalise=("minmax", "rank", "percentile", "zscore"))
    # every normalisation is monotone: one leaf never changes the ranking
    s = index_sensitivity(one_leaf, DATA, factors=f, n=32, seed=1).set_index("factor")
    assert s.loc["normalise", "total_effect"] == 0.0
    # with two leaves on different spreads, the normalisation method moves ranks
    spread = DATA.assign(b=DATA["b"] ** 3)
    two = IndexModel.from_dict({"root": "R", "unit": "u", "nodes": {"R": {"children": ["a", "b"]}}})
    s2 = index_sensitivity(two, spread, factors=f, n=64, seed=1).set_index("factor")
    assert s2.loc["normalise", "total_effect"] > 0.5
    # imputation choices matter only for units with missing leaves
    holes = DATA.copy()
    holes.loc[[0, 5], "a"] = np.nan
    imp = Factors(weight_noise=0.0, impute=("none", "mean", "median"))
    res = index_uncertainty(MODEL, holes, factors=imp, n=60, seed=3).intervals
    h = res[res["node"] == "H"].set_index("unit")
    assert (h.loc[["u0", "u5"], "score_high"] > h.loc[["u0", "u5"], "score_low"]).all()
    assert (
        h.drop(index=["u0", "u5"]).eval("score_high - score_low").max() < 1e-9
    )  # others: no effect
    # the outlier rule is a factor too (it moves the units in the treated tail)
    out = Factors(weight_noise=0.0, outliers=(False, True))
    skewed = DATA.assign(a=np.r_[DATA["a"].to_numpy()[:-1], 500.0])
    s3 = index_sensitivity(MODEL, skewed, factors=out, n=32, seed=2).set_index("factor")
    assert "outliers" in s3.index
