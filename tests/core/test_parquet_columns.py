"""humsec.core.parquet_columns reads the same values as ``pq.read_table``, one buffer per column
where it can: numbers, text (with per-row-group dictionaries that differ), missing values, other
types, one or many row groups."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from humsec.core.errors import DataError
from humsec.core.parquet_columns import read_columns
from humsec.core.survey import read_survey

TEXTS = ["Region 10", "North", "é", "Region 2", ""]


def _table(n: int, seed: int) -> pa.Table:
    rng = np.random.default_rng(seed)
    text = np.array(TEXTS, dtype=object)[rng.integers(0, len(TEXTS), n)]
    text[rng.random(n) < 0.1] = None
    with_missing = rng.integers(0, 5, n).astype(object)
    with_missing[rng.random(n) < 0.2] = None
    return pa.table(
        {
            "d": pa.array(rng.integers(0, 2, n).astype(np.int8)),
            "w": pa.array(rng.uniform(0.5, 2.0, n)),
            "psu": pa.array(rng.integers(0, 10**6, n).astype(np.int32)),
            "region": pa.array(text, type=pa.string()),
            "maybe": pa.array(with_missing, type=pa.int64()),
            "flag": pa.array(rng.random(n) < 0.5),
            "day": pa.array([dt.date(2020, 1, 1) + dt.timedelta(int(x)) for x in rng.integers(0, 99, n)]),
        }
    )


@settings(max_examples=25, deadline=None, database=None)
@given(n=st.integers(1, 400), row_group=st.integers(1, 120), seed=st.integers(0, 2**31))
def test_the_same_values_as_read_table(tmp_path_factory, n: int, row_group: int, seed: int) -> None:
    path = tmp_path_factory.mktemp("pq") / "t.parquet"
    table = _table(n, seed)
    pq.write_table(table, path, row_group_size=row_group)
    columns = ["region", "d", "maybe", "w", "psu", "flag", "day"]
    ours = read_columns(path, columns, text=["region"])
    theirs = pq.read_table(path, columns=columns, read_dictionary=["region"])
    assert ours.column_names == columns
    for name in columns:
        assert ours.column(name).to_pylist() == theirs.column(name).to_pylist(), name
        assert ours.column(name).type == theirs.column(name).type, name
    if pq.ParquetFile(path).metadata.num_row_groups > 1:  # numbers and text: one buffer each
        for name in ("d", "w", "psu", "region"):
            assert ours.column(name).num_chunks == 1, name


def test_text_dictionaries_that_differ_between_row_groups_are_renumbered(tmp_path) -> None:
    # each row group's dictionary lists its labels in its own order
    path = tmp_path / "t.parquet"
    values = ["b", "a", "b", "c", "a", "c", "d", None, "b"]
    pq.write_table(pa.table({"g": values}), path, row_group_size=3)
    got = read_columns(path, ["g"], text=["g"]).column("g")
    assert got.to_pylist() == values
    assert got.num_chunks == 1
    codes = got.chunk(0).indices.to_pylist()
    assert codes == [0, 1, 0, 2, 1, 2, 3, None, 0]  # one dictionary, first appearance


@pytest.mark.parametrize("columns", [None, ["y"]])
def test_all_columns_or_some(tmp_path, columns) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"x": [1, 2, 3], "y": [0.5, 1.5, 2.5]}), path, row_group_size=2)
    got = read_columns(path, columns, text=[])
    assert got.column_names == (columns or ["x", "y"])
    assert got.column("y").to_pylist() == [0.5, 1.5, 2.5]


@pytest.mark.parametrize("arrow", [False, True])
@pytest.mark.parametrize("damage", ["truncated", "csv renamed"])
def test_a_file_that_is_not_parquet_is_named(tmp_path, arrow: bool, damage: str) -> None:
    path = tmp_path / "survey.parquet"
    pq.write_table(_table(500, 1), path, row_group_size=100)
    if damage == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    else:
        path.write_text("d,w\n1,1.0\n")
    with pytest.raises(DataError) as error:
        read_survey(path, ["d", "w"], arrow=arrow)
    assert str(path) in str(error.value) and "not a readable Parquet file" in str(error.value)
