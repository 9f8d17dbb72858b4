"""Parquet columns read into one contiguous buffer each, a row group at a time.

``pq.read_table`` returns a column as one chunk per row group, so turning it into a numpy array
copies every chunk; at census scale (50 million persons) the table's buffers plus those copies
were the largest share of the memory a run touched, and on a virtual machine freshly touched
memory is slow (docs/af.md, "Speed"). Here every fixed-width numeric column without missing
values is decoded row group by row group, on every usable core, straight into its final numpy
buffer, and every text column (read as a dictionary) into int32 codes of one dictionary; the
returned table wraps those buffers, so a later ``to_numpy`` costs nothing. Any other column
(booleans, dates, numbers with missing values, ...) keeps Arrow's own chunks, and a file this
way does not suit (one row group, nested columns) is read by ``pq.read_table``: the table holds
the same values either way.

>>> import tempfile, pathlib
>>> import pyarrow as pa, pyarrow.parquet as pq
>>> path = pathlib.Path(tempfile.mkdtemp()) / "s.parquet"
>>> pq.write_table(pa.table({"x": [1, 0, 1, 1], "g": ["b", "a", None, "b"]}), path, row_group_size=2)
>>> table = read_columns(path, ["x", "g"], text=["g"])
>>> table.column("x").num_chunks, table.column("x").to_pylist(), table.column("g").to_pylist()
(1, [1, 0, 1, 1], ['b', 'a', None, 'b'])
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from humsec.core.cores import usable_cores

__all__ = ["read_columns"]


class _NotContiguous(Exception):
    """A column the file's statistics said had no missing value has one: read it the usual way."""


def read_columns(path: Path, columns: Sequence[str] | None, text: Sequence[str]) -> Any:
    """A PyArrow table of ``columns`` (all when None) of the Parquet file at ``path``, the
    ``text`` columns as dictionaries, each column in one buffer where it can be (see above)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    handle = pq.ParquetFile(path, memory_map=True, read_dictionary=list(text))
    names = list(columns) if columns is not None else list(handle.schema_arrow.names)
    plan = _plan(handle, names)
    if plan is None:
        return pq.read_table(path, columns=columns, memory_map=True, read_dictionary=list(text))
    try:
        return _read_by_row_group(path, handle, names, plan, list(text))
    except _NotContiguous:
        return pq.read_table(path, columns=columns, memory_map=True, read_dictionary=list(text))
    finally:
        pa.default_memory_pool().release_unused()  # the decoder's scratch buffers


def _plan(handle: Any, names: list[str]) -> dict[str, str] | None:
    """Per column: "fill" (numbers, no missing value), "text" (a dictionary) or "chunks"; None
    when the file is read whole instead."""
    import pyarrow as pa

    meta = handle.metadata
    if meta.num_row_groups < 2:
        return None  # one row group: read_table already decodes it without a concatenation
    schema = handle.schema_arrow
    first = meta.row_group(0)
    position = {first.column(j).path_in_schema: j for j in range(first.num_columns)}
    plan = {}
    for name in names:
        kind = schema.field(name).type
        if pa.types.is_nested(kind) or name not in position:
            return None
        if pa.types.is_dictionary(kind):
            plan[name] = "text"
        elif (pa.types.is_integer(kind) or pa.types.is_floating(kind)) and _never_missing(
            meta, position[name]
        ):
            plan[name] = "fill"
        else:
            plan[name] = "chunks"
    return plan


def _never_missing(meta: Any, j: int) -> bool:
    """Whether every row group's statistics say column ``j`` has no missing value."""
    for i in range(meta.num_row_groups):
        stats = meta.row_group(i).column(j).statistics
        if stats is None or not stats.has_null_count or stats.null_count != 0:
            return False
    return True


def _read_by_row_group(
    path: Path, handle: Any, names: list[str], plan: dict[str, str], text: list[str]
) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    meta = handle.metadata
    schema = handle.schema_arrow
    sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    n = int(starts[-1])
    filled = {
        name: np.empty(n, dtype=schema.field(name).type.to_pandas_dtype())
        for name, how in plan.items()
        if how == "fill"
    }
    codes = {name: np.empty(n, dtype=np.int32) for name, how in plan.items() if how == "text"}
    dictionaries: dict[str, list[Any]] = {name: [None] * len(sizes) for name in codes}
    chunks: dict[str, list[Any]] = {
        name: [None] * len(sizes) for name, how in plan.items() if how == "chunks"
    }
    local = threading.local()

    def read_group(i: int) -> None:
        if not hasattr(local, "handle"):  # a ParquetFile is not shared between threads
            local.handle = pq.ParquetFile(path, memory_map=True, read_dictionary=text)
        group = local.handle.read_row_group(i, columns=names, use_threads=False)
        lo, hi = starts[i], starts[i + 1]
        for name in names:
            column = group.column(name)
            chunk = column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
            how = plan[name]
            if how == "fill":
                if chunk.null_count:
                    raise _NotContiguous(name)
                filled[name][lo:hi] = chunk.to_numpy()
            elif how == "text":
                indices = chunk.indices
                if indices.null_count:
                    indices = pc.fill_null(indices, -1)
                codes[name][lo:hi] = indices.to_numpy()
                dictionaries[name][i] = chunk.dictionary
            else:
                chunks[name][i] = chunk

    threads = min(usable_cores(), len(sizes))
    with ThreadPoolExecutor(threads, thread_name_prefix="humsec-parquet") as pool:
        list(pool.map(read_group, range(len(sizes))))
    arrays = {}
    for name in names:
        how = plan[name]
        if how == "fill":
            arrays[name] = pa.array(filled.pop(name))  # wraps the buffer, no copy
        elif how == "text":
            arrays[name] = _one_dictionary(codes.pop(name), dictionaries[name], starts)
        else:
            arrays[name] = pa.chunked_array(chunks[name], type=schema.field(name).type)
    return pa.table(arrays)


def _one_dictionary(codes: np.ndarray, dictionaries: list[Any], starts: np.ndarray) -> Any:
    """Per-row-group dictionary codes renumbered into one dictionary (values in order of first
    appearance over the row groups' dictionaries, as ``unify_dictionaries`` orders them)."""
    import pyarrow as pa

    number: dict[Any, int] = {}
    values: list[Any] = []
    for i, dictionary in enumerate(dictionaries):
        labels = dictionary.to_pylist()
        for label in labels:
            if label not in number:
                number[label] = len(values)
                values.append(label)
        if labels == values[: len(labels)]:
            continue  # the local codes are already the global ones (the usual case)
        lookup = np.array([number[label] for label in labels] + [-1], dtype=np.int32)
        part = codes[starts[i] : starts[i + 1]]
        part[:] = lookup[part]  # −1 (missing) picks the last entry, −1
    missing = codes < 0
    indices = pa.array(codes, mask=missing) if missing.any() else pa.array(codes)
    kind = dictionaries[0].type
    return pa.DictionaryArray.from_arrays(indices, pa.array(values, type=kind))
