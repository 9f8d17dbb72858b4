"""Composite index engine: operators, model validation, missing data, bad input, CLI."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from typer.testing import CliRunner

from humsec.cli.main import app
from humsec.core.errors import DataError, SpecError
from humsec.index.composite import CompositeIndex
from humsec.index.model import IndexModel
from humsec.index.operators import OPERATORS, aggregate, register_operator

MODEL = {
    "root": "Risk",
    "unit": "unit",
    "nodes": {
        "Risk": {"op": "geometric", "children": ["Hazard", "Vuln"]},
        "Hazard": {"op": "inform_or", "children": ["flood", "drought"]},
        "Vuln": {
            "op": "arithmetic",
            "children": ["poverty", "health", "water"],
            "weights": [2, 1, 1],
        },
    },
}
scores = arrays(
    np.float64, st.tuples(st.integers(1, 8), st.integers(1, 5)), elements=st.floats(0.1, 10)
)


@settings(max_examples=80, deadline=None)
@given(x=scores)
def test_means_lie_between_min_and_max_and_are_ordered(x):
    w = np.ones(x.shape[1])
    am, gm, hm = (aggregate(op, x, w) for op in ("arithmetic", "geometric", "harmonic"))
    lo, hi = x.min(axis=1) - 1e-9, x.max(axis=1) + 1e-9
    for v in (am, gm, hm):
        assert ((v >= lo) & (v <= hi)).all()
    assert (hm <= gm + 1e-9).all() and (gm <= am + 1e-9).all()  # HM ≤ GM ≤ AM
    np.testing.assert_allclose(aggregate("power", x, w, {"p": 1}), am)
    np.testing.assert_allclose(aggregate("power", x, w, {"p": -1}), hm)
    inf_or = aggregate("inform_or", x, w)
    assert (inf_or >= am - 1e-9).all() and (
        inf_or <= hi
    ).all()  # "or": at least the mean, at most the max


@settings(max_examples=80, deadline=None)
@given(x=scores, j=st.integers(0, 4), bump=st.floats(0.0, 5.0), scale=st.floats(0.1, 100))
def test_monotone_and_weight_scale_invariant(x, j, bump, scale):
    j = j % x.shape[1]
    w = np.linspace(1, 2, x.shape[1])
    better = x.copy()
    better[:, j] = np.minimum(better[:, j] + bump, 10)
    for op in ("arithmetic", "geometric", "harmonic", "inform_or", "scaled_max"):
        assert (aggregate(op, better, w) >= aggregate(op, x, w) - 1e-9).all(), op
        np.testing.assert_allclose(aggregate(op, x, w * scale), aggregate(op, x, w), rtol=1e-12)


def test_missing_children_are_dropped_and_weights_renormalised():
    x = np.array([[4.0, np.nan, 8.0], [np.nan, np.nan, np.nan]])
    out = aggregate("arithmetic", x, np.array([2.0, 1.0, 1.0]))
    assert out[0] == pytest.approx((2 * 4 + 8) / 3)
    assert np.isnan(out[1])


def test_min_coverage_and_unit_order_invariance():
    model = IndexModel.from_dict(
        {
            **MODEL,
            "nodes": {**MODEL["nodes"], "Vuln": {**MODEL["nodes"]["Vuln"], "min_coverage": 0.6}},
        }
    )
    df = pd.DataFrame(
        {
            "unit": ["A", "B", "C"],
            "flood": [5, 1, 2.0],
            "drought": [1, 1, 3.0],
            "poverty": [np.nan, 2, 3.0],
            "health": [3, 2, 1.0],
            "water": [1, 5, np.nan],
        }
    )
    res = CompositeIndex(model).fit(df)
    assert np.isnan(res.scores.loc["A", "Vuln"])  # poverty (weight 2 of 4) missing: 50% < 60%
    assert res.scores.loc["C", "Vuln"] == pytest.approx((2 * 3 + 1) / 3)
    shuffled = CompositeIndex(model).fit(df.iloc[[2, 0, 1]])
    pd.testing.assert_frame_equal(shuffled.scores.loc[["A", "B", "C"]], res.scores)
    assert res.coverage.loc["A", "Risk"] == pytest.approx(4 / 5)
    assert res.drivers.loc["B", "Vuln"] == "water"


def test_ranks_ties_take_the_smaller_rank():
    df = pd.DataFrame(
        {
            "unit": list("ABCD"),
            "flood": [5, 5, 1, 9.0],
            "drought": [5, 5, 1, 9.0],
            "poverty": [5] * 4,
            "health": [5] * 4,
            "water": [5] * 4,
        }
    )
    res = CompositeIndex(IndexModel.from_dict(MODEL)).fit(df)
    assert res.ranks()["Risk"].tolist() == [2, 2, 4, 1]


def test_model_validation_lists_every_problem():
    bad = {
        "root": "Risk",
        "nodes": {
            "Risk": {"op": "median", "children": ["Hazard", "x"], "weights": [1]},
            "Hazard": {"op": "arithmetic", "children": ["Risk"]},
            "Lost": {"children": ["y"]},
        },
    }
    with pytest.raises(SpecError) as err:
        IndexModel.from_dict(bad)
    text = str(err.value)
    assert "unknown operator 'median'" in text
    assert "expected 2 weights" in text
    assert "cycle in the tree: Risk -> Hazard -> Risk" in text
    assert "not reachable from the root 'Risk': ['Lost']" in text


def test_non_numeric_cells_name_column_and_units():
    df = pd.DataFrame(
        {
            "unit": ["A", "B"],
            "flood": ["1.5", "#VALUE!"],
            "drought": [1, 2],
            "poverty": [1, 2],
            "health": [1, 2],
            "water": [1, 2],
        }
    )
    with pytest.raises(
        DataError,
        match=r"Column 'flood' must hold numbers; found '#VALUE!' for unit\(s\) B \(row 2\)",
    ):
        CompositeIndex(IndexModel.from_dict(MODEL)).fit(df)


def test_absent_leaf_is_missing_for_every_unit_and_reported():
    df = pd.DataFrame(
        {"unit": ["A"], "flood": [2.0], "drought": [4.0], "poverty": [3.0], "health": [3.0]}
    )
    res = CompositeIndex(IndexModel.from_dict(MODEL)).fit(df)
    assert res.notes == ["column 'water' is not in the data: missing for every unit"]
    assert res.scores.loc["A", "Vuln"] == pytest.approx(3.0)


def test_user_registered_operator():
    register_operator("minimum", lambda x, w, p: np.nanmin(x, axis=1))
    try:
        model = IndexModel.from_dict(
            {"root": "R", "unit": "u", "nodes": {"R": {"op": "minimum", "children": ["a", "b"]}}}
        )
        res = CompositeIndex(model).fit(pd.DataFrame({"u": ["x"], "a": [3.0], "b": [1.0]}))
        assert res.scores.loc["x", "R"] == 1.0
    finally:
        OPERATORS.pop("minimum")


def test_index_cli(tmp_path):
    path = tmp_path / "inputs.csv"
    pd.DataFrame({"ISO3": ["AAA", "BBB"], "Earthquake": [9, 1], "Flood": ["x", 2]}).to_csv(
        path, index=False
    )
    out = tmp_path / "scores.csv"
    res = CliRunner().invoke(app, ["index", "inform-2020", str(path), "--out", str(out)])
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out)
    assert {"unit", "node", "score", "rank", "class"} <= set(table.columns)
    assert "is not in the data: missing for every unit" in res.output
    bad = CliRunner().invoke(app, ["index", "no-such-model", str(path)])
    assert bad.exit_code == 2 and "neither a built-in model" in bad.output


CONSTRUCTED = {
    "root": "R",
    "unit": "unit",
    "nodes": {"R": {"op": "arithmetic", "children": ["deaths", "schools"]}},
    "indicators": {
        "deaths": {
            "direction": 1,
            "denominator": "pop",
            "normalise": "goalposts",
            "goalposts": [0, 0.01],
            "range": [0, 10],
        },
        "schools": {"direction": -1, "normalise": "minmax", "range": [0, 10]},
    },
}


def test_indicator_construction_from_the_model():
    base = pd.DataFrame(
        {
            "unit": ["A", "B", "C"],
            "deaths": [10.0, 50, 200],
            "pop": [1000.0, 10000, 10000],
            "schools": [1.0, 3, 5],
        }
    )
    res = CompositeIndex(IndexModel.from_dict(CONSTRUCTED)).fit(base)
    # deaths per person: 0.01, 0.005, 0.02 -> goalposts [0, 0.01] clipped -> 10, 5, 10
    np.testing.assert_allclose(res.leaves["deaths"], [10, 5, 10])
    # more schools is better: reversed min-max -> 10, 5, 0
    np.testing.assert_allclose(res.leaves["schools"], [10, 5, 0])
    np.testing.assert_allclose(res.scores["R"], [10, 5, 5])


def test_normalisation_learnt_on_a_reference_year():
    base = pd.DataFrame(
        {"unit": ["A", "B"], "deaths": [1.0, 1], "pop": [100.0, 100], "schools": [2.0, 4]}
    )
    later = pd.DataFrame(
        {"unit": ["A", "B"], "deaths": [1.0, 1], "pop": [100.0, 100], "schools": [3.0, 6]}
    )
    res = CompositeIndex(IndexModel.from_dict(CONSTRUCTED)).fit(later, reference=base)
    # schools min-max learnt on 2..4 and reversed: 3 -> 5, 6 -> -10 (beyond the reference range)
    np.testing.assert_allclose(res.leaves["schools"], [5, -10])


def test_construction_bad_input():
    with pytest.raises(SpecError, match=r"indicators\.schools\.direction: missing or invalid"):
        IndexModel.from_dict({**CONSTRUCTED, "indicators": {"schools": {"normalise": "minmax"}}})
    with pytest.raises(SpecError, match="not leaves of the tree"):
        IndexModel.from_dict({**CONSTRUCTED, "indicators": {"nope": {"direction": 1}}})
    model = IndexModel.from_dict(CONSTRUCTED)
    zero = pd.DataFrame(
        {"unit": ["A", "B"], "deaths": [1.0, 1], "pop": [100.0, 0], "schools": [2.0, 4]}
    )
    with pytest.raises(DataError, match=r"denominator 'pop' is 0 for unit\(s\) B"):
        CompositeIndex(model).fit(zero)
    logm = IndexModel.from_dict(
        {
            **CONSTRUCTED,
            "indicators": {"schools": {"direction": 1, "transform": "log", "normalise": "minmax"}},
        }
    )
    with pytest.raises(
        DataError, match=r"'schools': the log transform needs positive values; unit\(s\) A"
    ):
        CompositeIndex(logm).fit(zero.assign(schools=[0.0, 4], pop=[1.0, 1]))


def test_a_node_with_no_data_is_reported():
    df = pd.DataFrame({"unit": ["A", "B"], "flood": [2.0, 3.0], "drought": [1.0, 1.0]})
    res = CompositeIndex(IndexModel.from_dict(MODEL)).fit(df)
    assert "node(s) with no data for any unit (every child missing): ['Vuln']" in res.notes
    assert res.scores["Risk"].notna().all()  # the root renormalises over what it has
