"""The fast paths of ``humsec af`` at census scale (issue 22) give the same numbers as the general ones.

- text label columns read as Arrow dictionaries (:class:`humsec.af.label_codes.LabelCodes`) are
  numbered exactly as ``pd.factorize`` numbers the decoded texts, and a fit from a Parquet file
  with text strata, PSUs, rounds and groups equals, to the last bit, the fit of the same data as a
  pandas frame (the general path);
- the per-cell sums and the influence moments split over threads equal one thread's bit for bit;
- cells formed through intermediate ranking equal cells formed from the whole key, and cells
  found to be the PSUs (groups constant within PSUs) equal the cells of the general path.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import humsec
from humsec.af._kernels import accumulate_cells, influence_moments
from humsec.af.cells import _cell_ids, form_cells
from humsec.af.label_codes import LabelCodes
from humsec.core.frames import ColumnSource
from humsec.testing import check_result

SETTINGS = settings(max_examples=30, deadline=None, database=None)
TEXTS = ["b", "a", "Region 10", "Region 2", "c", "é"]


@SETTINGS
@given(
    codes=st.lists(st.integers(-1, len(TEXTS) - 1), min_size=0, max_size=40),
    missing_entry=st.booleans(),
    sort=st.booleans(),
)
def test_label_codes_factorize_like_pandas(
    codes: list[int], missing_entry: bool, sort: bool
) -> None:
    values = np.array([*TEXTS, None] if missing_entry else TEXTS, dtype=object)
    if missing_entry:  # some rows point at the dictionary's missing entry
        codes = [len(TEXTS) if c == 0 else c for c in codes]
    labels = LabelCodes(np.array(codes, dtype=np.int32), values)
    got_codes, got_uniques = labels.factorize(sort=sort)
    want_codes, want_uniques = pd.factorize(labels.decode(), sort=sort)
    assert got_codes.tolist() == want_codes.tolist()
    assert got_uniques.tolist() == list(want_uniques)


def test_take_decodes_chunked_dictionaries_with_nulls() -> None:
    chunks = [
        pa.array(["b", None, "b"]).dictionary_encode(),
        pa.array(["c", "b"]).dictionary_encode(),
    ]
    source = ColumnSource(pa.table({"g": pa.chunked_array(chunks)}))
    assert source.take("g").tolist() == ["b", None, "b", "c", "b"]
    codes, values = source.take_codes("g")
    assert [values[c] if c >= 0 else None for c in codes] == ["b", None, "b", "c", "b"]
    assert ColumnSource(pd.DataFrame({"g": ["a"]})).take_codes("g") is None


def _survey(n: int, seed: int) -> pd.DataFrame:
    """A small two-round survey with text strata, PSUs, rounds and groups (some groups missing)."""
    rng = np.random.default_rng(seed)
    psu = rng.integers(0, 40, n)
    frame = pd.DataFrame({f"d{j}": rng.integers(0, 2, n).astype(np.int8) for j in range(4)})
    frame["weight"] = rng.uniform(0.5, 2.0, n)
    frame["stratum"] = np.array([f"S{p % 4}" for p in psu], dtype=object)
    frame["psu"] = np.array([f"P{p:03d}" for p in psu], dtype=object)
    frame["round"] = np.array(["2019", "2023"], dtype=object)[rng.integers(0, 2, n)]
    region = np.array(["North", "South", "East", "Region 10", "Region 2"], dtype=object)
    frame["region"] = region[rng.integers(0, len(region), n)]
    frame.loc[rng.random(n) < 0.05, "region"] = None
    frame["area"] = np.array(["urban", "rural"], dtype=object)[psu % 2]
    return frame


SPEC = {
    "dimensions": {"one": ["d0", "d1"], "two": ["d2", "d3"]},
    "k": [25, 50],
    "design": {"weight": "weight", "strata": "stratum", "psu": "psu"},
    "time": {"round": "round"},
}


@pytest.mark.parametrize("seed", [1, 2])
def test_parquet_text_groups_give_the_same_numbers_as_a_frame(tmp_path, seed: int) -> None:
    frame = _survey(3000, seed)
    path = tmp_path / "survey.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path, row_group_size=700)
    af = humsec.AlkireFoster(SPEC)
    from_file = af.fit(path, over=["region", "area", "region*area"])
    from_frame = af.fit(frame, over=["region", "area", "region*area"])
    check_result(from_file)
    for table in ("levels", "changes"):
        pd.testing.assert_frame_equal(from_file.to_frame(table), from_frame.to_frame(table))
    from_arrow = af.fit(pa.Table.from_pandas(frame, preserve_index=False), over=["region"])
    pd.testing.assert_frame_equal(
        from_arrow.to_frame("levels").to_pandas(),  # results come back in the input's library
        af.fit(frame, over=["region"]).to_frame("levels"),
    )


@pytest.mark.parametrize("seed", [3, 4])
def test_area_columns_read_once_per_psu_give_the_same_numbers(tmp_path, seed: int) -> None:
    # strata, an integer district and a text zone are constant within PSUs (taken per PSU from
    # the file); as Python objects in a frame they go person by person: the same results
    frame = _survey(2500, seed).drop(columns="round")
    psu = frame["psu"].str[1:].astype(int).to_numpy()
    frame["district"] = (psu * 7 % 9).astype(np.int16)
    zones = np.array(["2", "2.0", "Zone 10", "Zone 9", None], dtype=object)  # "2", "2.0" tie
    frame["zone"] = zones[psu % 5]
    frame["quarter"] = np.array(["East", "West", None], dtype=object)[psu % 3]
    path = tmp_path / "areas.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path, row_group_size=600)
    spec = {key: value for key, value in SPEC.items() if key != "time"}
    af = humsec.AlkireFoster(spec)
    as_objects = frame.assign(district=frame["district"].astype(object))
    # all groupings per PSU (the cells are the PSUs), then with a person-level one and the tie
    for over in (["district", "quarter", "district*area"], ["district", "zone", "region"]):
        from_file = af.fit(path, over=over)
        from_frame = af.fit(as_objects, over=over)
        check_result(from_file)
        for table in ("levels", "shares"):
            pd.testing.assert_frame_equal(from_file.to_frame(table), from_frame.to_frame(table))
        assert from_file.notes == from_frame.notes


def test_parquet_labels_with_spaces_are_merged_and_noted(tmp_path) -> None:
    frame = _survey(800, 3)
    frame.loc[::7, "region"] = " North "
    path = tmp_path / "spaced.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    af = humsec.AlkireFoster(SPEC)
    from_file = af.fit(path, over=["region"])
    from_frame = af.fit(frame, over=["region"])
    pd.testing.assert_frame_equal(from_file.to_frame("levels"), from_frame.to_frame("levels"))
    spaced = (frame["region"] == " North ").sum()
    for result in (from_file, from_frame):  # the same note (a file's names the file)
        assert any(f"spaces removed from {spaced} cell(s)" in note for note in result.notes)


def _cells_case(n: int, seed: int, effective: bool, in_order: bool = False) -> tuple:
    rng = np.random.default_rng(seed)
    J = 5
    deprived = rng.integers(0, 2, (n, J)).astype(np.uint8)
    observed = rng.random((n, J)) > 0.1 if effective else np.zeros((0, 0), dtype=bool)
    eff = rng.uniform(0.1, 0.3, (n, J)) if effective else np.zeros((0, 0))
    cell = rng.integers(0, 97, n)
    if in_order:  # persons sorted by cell (a file sorted by PSU): each thread reads its stretch
        cell.sort()
    return (cell, rng.uniform(0.5, 2, n), np.full(J, 0.2), deprived, observed, eff,
            np.array([0.2, 0.5]), 97)  # fmt: skip


@pytest.mark.parametrize("in_order", [False, True])
@pytest.mark.parametrize("effective", [False, True])
@pytest.mark.parametrize("threads", [2, 3, 8])
def test_cell_sums_over_threads_are_bit_identical(
    effective: bool, threads: int, in_order: bool
) -> None:
    args = _cells_case(20_000, threads, effective, in_order)
    one = accumulate_cells(*args)
    assert np.array_equal(one, accumulate_cells(*args, threads=threads))
    # and against a plain numpy reference (counts and weighted totals per cell)
    cell, weight = args[0], args[1]
    assert np.array_equal(one[:, 0], np.bincount(cell, minlength=97).astype(float))
    np.testing.assert_allclose(one[:, 1], np.bincount(cell, weights=weight, minlength=97))


@pytest.mark.parametrize("threads", [2, 5])
def test_influence_moments_over_threads_are_bit_identical(threads: int) -> None:
    rng = np.random.default_rng(threads)
    P, Q, r, D, G = 500, 8, 7, 6, 3
    args = (
        rng.uniform(0, 5, (P, Q)),
        rng.integers(0, Q, r),
        rng.uniform(0.5, 2, r),
        rng.integers(0, Q, r),
        rng.uniform(0, 1, (D, r)),
        rng.uniform(1, 9, (D, r)),
        rng.integers(0, D, P),
        rng.integers(0, 12, P),
        rng.uniform(1, 2, P),
        np.where(rng.random(P) < 0.5, rng.integers(0, P, P), -1),
        rng.integers(0, G, P),
        12,
        G,
    )
    one = influence_moments(*args)
    many = influence_moments(*args, threads=threads)
    for a, b in zip(one, many, strict=True):
        assert np.array_equal(a, b)


@pytest.mark.parametrize("n_psu", [30, 2500])
def test_cells_through_intermediate_ranks_equal_cells_of_the_whole_key(n_psu: int) -> None:
    # 2500 PSUs x 2 rounds x 600 groups is beyond the bitmap's range: the key is ranked midway
    rng = np.random.default_rng(n_psu)
    n = 6000
    psu = rng.integers(0, n_psu, n)
    rounds = rng.integers(0, 2, n)
    groups = [rng.integers(-1, 600, n), rng.integers(-1, 3, n)]
    cells = form_cells(psu, n_psu, (rounds, 2), [(g, int(g.max()) + 1) for g in groups])
    key = pd.MultiIndex.from_arrays([psu, rounds, *groups])
    want, uniques = pd.factorize(key, sort=True)
    assert cells.ids.tolist() == want.tolist()
    assert cells.psu.tolist() == [u[0] for u in uniques]
    assert cells.round.tolist() == [u[1] for u in uniques]
    for g, attr in enumerate(cells.groups):
        assert attr.tolist() == [u[2 + g] for u in uniques]


@SETTINGS
@given(
    n_psu=st.integers(1, 40),
    n=st.integers(1, 300),
    person_level=st.booleans(),
    with_rounds=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_cells_that_are_psus_equal_the_general_cells(
    n_psu: int, n: int, person_level: bool, with_rounds: bool, seed: int
) -> None:
    # area groupings are constant within a PSU (the fast path); a person-level one is not
    rng = np.random.default_rng(seed)
    psu = np.concatenate([np.arange(n_psu), rng.integers(0, n_psu, n)]).astype(np.int32)
    area = rng.integers(-1, 7, n_psu)[psu]
    region = rng.integers(0, 3, n_psu)[psu]
    sex = rng.integers(-1, 2, len(psu)) if person_level else region
    rounds = (rng.integers(0, 2, n_psu)[psu], 2) if with_rounds else None
    over = [(area, 7), (sex, 3), (region, 3)]
    cells = form_cells(psu, n_psu, rounds, over)
    ids, attrs, _ = _cell_ids(psu, n_psu, rounds, over)
    assert cells.ids.tolist() == ids.tolist()
    assert cells.psu.tolist() == attrs[0].tolist()
    assert cells.round.tolist() == attrs[1].tolist()
    assert [g.tolist() for g in cells.groups] == [(a - 1).tolist() for a in attrs[2:]]


def test_parquet_labels_differing_by_case_are_refused_as_from_a_frame(tmp_path) -> None:
    frame = _survey(400, 4)
    frame.loc[::9, "region"] = "north"  # beside "North": the one label policy refuses it
    path = tmp_path / "cased.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    af = humsec.AlkireFoster(SPEC)
    with pytest.raises(humsec.HumsecError) as from_file:
        af.fit(path, over=["region"])
    with pytest.raises(humsec.HumsecError) as from_frame:
        af.fit(frame, over=["region"])
    assert type(from_file.value) is type(from_frame.value)
    assert "'North'" in str(from_file.value) and "'north'" in str(from_file.value)
