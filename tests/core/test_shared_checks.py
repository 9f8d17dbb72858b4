"""The shared input rules (humsec.core.checks) and declared parameter constraints (humsec.core.params)."""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from humsec.core.checks import clean_labels, require_numbers, require_unique_columns
from humsec.core.errors import DataError, ParameterError
from humsec.core.params import Constraint, Interval, OneOf, Optional, validate_params

finite = st.floats(min_value=-1e300, max_value=1e300, allow_nan=False, allow_infinity=False)


@given(st.lists(finite, min_size=1, max_size=30))
def test_numbers_in_bounds_pass_and_any_outside_is_named(values):
    require_numbers(pd.Series(values), column="x")
    low = min(values)
    if low != max(values):
        with pytest.raises(DataError, match=r"Column 'x': expected finite numbers > "):
            require_numbers(pd.Series(values), column="x", low=low, low_open=True)


@given(st.lists(finite, min_size=1, max_size=20), st.integers(0, 19), st.sampled_from([math.inf, -math.inf, "n/a"]))
def test_a_non_finite_cell_is_always_refused_with_its_row(values, where, bad):
    cells: list[object] = list(values)
    where = where % len(cells)
    cells[where] = bad
    with pytest.raises(DataError) as err:
        require_numbers(pd.Series(cells, dtype=object), column="w", source="s.csv")
    assert f"row {where + 2}" in str(err.value) or f"rows {where + 2}" in str(err.value)


def test_missing_values_follow_the_declared_policy():
    require_numbers(pd.Series([1.0, np.nan]), column="n", allow_missing=True)
    with pytest.raises(DataError, match=r"no missing values.*row 3 has a missing value"):
        require_numbers(pd.Series([1.0, np.nan]), column="n")


labels = st.lists(st.sampled_from(["North", "South", "East", "West", "Centre"]), min_size=1, max_size=20)
spaces = st.sampled_from(["", " ", "  ", "\t"])


@given(labels, st.lists(st.tuples(spaces, spaces), min_size=20, max_size=20))
def test_surrounding_spaces_merge_with_a_note_and_cleaning_is_idempotent(words, pads):
    padded = pd.Series([f"{a}{w}{b}" for w, (a, b) in zip(words, pads, strict=False)])
    cleaned, notes = clean_labels(padded, column="region")
    assert cleaned.tolist() == words
    assert bool(notes) == (padded.tolist() != words)
    again, more = clean_labels(cleaned, column="region")
    assert again.tolist() == words and more == []


@given(labels.filter(lambda w: len(w) >= 1), st.integers(0, 19))
def test_case_only_differences_are_refused(words, i):
    i = i % len(words)
    if words.count(words[i]) < 2:
        words = [*words, words[i]]
    flipped = list(words)
    flipped[i] = flipped[i].upper()
    with pytest.raises(DataError, match="differ only by upper/lower case"):
        clean_labels(pd.Series(flipped), column="region", source="f.csv")


def test_missing_labels_stay_missing():
    cleaned, _ = clean_labels(pd.Series(["A ", None, np.nan]), column="g")
    assert cleaned.iloc[0] == "A" and cleaned.iloc[1:].isna().all()


def test_duplicate_columns_are_named_with_their_positions():
    require_unique_columns(["a", "b"])
    with pytest.raises(DataError, match=r"column 'a' appears 2 times \(columns 1, 3\)"):
        require_unique_columns(["a", "b", "a "], source="f.csv")


class _Engine:
    _parameter_constraints: ClassVar[dict[str, Constraint]] = {
        "level": Interval(0, 1),
        "replicates": Interval(1, None, closed="left", integer=True),
        "method": OneOf("reml", "ml"),
        "seed": Optional(Interval(0, None, closed="left", integer=True)),
    }

    def __init__(self, *, level=0.95, replicates=10, method="reml", seed=None):
        self.level, self.replicates, self.method, self.seed = level, replicates, method, seed


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("level", 95, "a number in (0, 1)"),
        ("level", float("nan"), "a number in (0, 1)"),
        ("replicates", 0, "an integer ≥ 1"),
        ("replicates", 2.5, "an integer ≥ 1"),
        ("replicates", True, "an integer ≥ 1"),
        ("method", "REML", "one of 'reml', 'ml'"),
        ("seed", -1, "None or an integer ≥ 0"),
    ],
)
def test_each_bad_parameter_is_one_sentence(name, value, expected):
    with pytest.raises(ParameterError) as err:
        validate_params(_Engine(**{name: value}))
    assert str(err.value) == (
        f"The {name!r} parameter of _Engine must be {expected}. Got {value!r} instead."
    )


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_interval_accepts_exactly_its_numbers(x):
    inside = math.isfinite(x) and 0 < x < 1
    assert Interval(0, 1).accepts(x) == inside
    for bad in Interval(0, 1).invalid_examples():
        assert not Interval(0, 1).accepts(bad)
