"""The dataframe boundary: any frame in (pandas, Polars, PyArrow...), numpy inside, the caller's type out.

Conversion happens once, here; the engines only see numpy arrays. No backend is imported unless the
user passed one of its objects (narwhals checks ``sys.modules``).

>>> import pandas as pd
>>> frame = to_narwhals(pd.DataFrame({"a": [1, 2]}))
>>> column_numpy(frame, "a")
array([1, 2])
>>> native_backend(pd.DataFrame())
'pandas'
"""

from __future__ import annotations

from typing import Any

import narwhals.stable.v2 as nw
import numpy as np

from humsec.core.errors import DataError

__all__ = ["column_names", "column_numpy", "from_pandas", "native_backend", "to_narwhals"]


def to_narwhals(data: Any) -> nw.DataFrame[Any]:
    """Wrap a pandas/Polars/PyArrow/... eager frame; a clear error for anything else."""
    if isinstance(data, nw.DataFrame):
        return data
    try:
        return nw.from_native(data, eager_only=True)
    except TypeError:
        msg = (
            "Expected a dataframe (pandas, Polars, PyArrow table, or any narwhals-supported eager "
            f"frame) or a file path, got {type(data).__name__}."
        )
        raise DataError(msg) from None


def native_backend(data: Any) -> str:
    """Name of the library the user's frame comes from (e.g. 'pandas', 'polars', 'pyarrow')."""
    return str(nw.get_native_namespace(to_narwhals(data)).__name__).split(".")[0]


def column_names(frame: nw.DataFrame[Any]) -> list[str]:
    return [str(c) for c in frame.columns]


def column_numpy(frame: nw.DataFrame[Any], name: str) -> np.ndarray:
    """A column as a numpy array (numbers stay numeric; nulls in integer columns become NaN)."""
    values = frame.get_column(name).to_numpy()
    return np.asarray(values)


def from_pandas(df: Any, backend: str) -> Any:
    """Return a pandas result frame as the given backend's native frame."""
    if backend == "pandas":
        return df
    if backend == "polars":
        import polars as pl

        return pl.from_pandas(df)
    if backend == "pyarrow":
        import pyarrow as pa

        return pa.Table.from_pandas(df, preserve_index=False)
    return df


class ColumnSource:
    """The columns of a frame, each converted to numpy once at the boundary.

    With ``owned=True`` (a PyArrow table that humsec read from a file itself), each column is released
    from the table as soon as it is converted, so the data are not held twice. Columns named in
    ``reused`` are kept after their first conversion (e.g. one raw column behind two indicators).

    >>> import pyarrow as pa
    >>> src = ColumnSource(pa.table({"a": [1, 2], "b": [3, 4]}), owned=True)
    >>> src.take("a").tolist(), src.names
    ([1, 2], ['b'])
    """

    def __init__(self, data: Any, *, owned: bool = False, reused: Any = ()) -> None:
        self._frame = to_narwhals(data)
        self.owned = owned and native_backend(data) == "pyarrow"
        self.n_rows = len(self._frame)
        self._reused = set(reused)
        self._cache: dict[str, np.ndarray] = {}
        self._coded: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def keep(self, names: Any) -> None:
        """Keep these columns after their first conversion (they are read more than once)."""
        self._reused |= set(names)

    @property
    def names(self) -> list[str]:
        return column_names(self._frame)

    def take(self, name: str) -> np.ndarray:
        if name in self._cache:
            return self._cache[name]
        coded = self._coded.get(name) or self._arrow_dictionary_codes(name)
        if coded is not None:  # decoded here: narwhals mis-decodes nulls of chunked dictionaries
            codes, labels = coded
            decoded = np.empty(len(labels) + 1, dtype=object)
            decoded[:-1] = labels
            decoded[-1] = None  # code -1 -> None
            values = decoded[codes]
        else:
            values = column_numpy(self._frame, name)
        if name in self._reused:
            self._cache[name] = values
        if self.owned:
            self._frame = self._frame.drop(name)
            _release_arrow_memory()
        return values

    def take_codes(self, name: str) -> tuple[np.ndarray, np.ndarray] | None:
        """A text or dictionary column of a PyArrow table as (int32 codes, −1 = missing; the
        dictionary as an object array), without one Python string per row; None otherwise.

        >>> import pyarrow as pa
        >>> codes, values = ColumnSource(pa.table({"g": ["b", None, "b"]})).take_codes("g")
        >>> codes.tolist(), values.tolist()
        ([0, -1, 0], ['b'])
        """
        if name in self._coded:
            return self._coded[name]
        coded = self._arrow_dictionary_codes(name, text=True)
        if coded is None:
            return None
        codes, values = coded
        if name in self._reused:
            self._coded[name] = (codes, values)
        if self.owned:
            self._frame = self._frame.drop(name)
            _release_arrow_memory()
        return codes, values

    def _arrow_dictionary_codes(
        self, name: str, text: bool = False
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """Codes and dictionary of an Arrow dictionary column (or, with ``text``, of a string
        column, encoded here); None for other columns and other backends."""
        native = self._frame.to_native()
        if native_backend(native) != "pyarrow":
            return None
        import pyarrow as pa
        import pyarrow.compute as pc

        column = native.column(name)
        kind = column.type
        if not pa.types.is_dictionary(kind):
            if not (text and (pa.types.is_string(kind) or pa.types.is_large_string(kind))):
                return None
            column = column.dictionary_encode()
        column = column.unify_dictionaries()
        chunks = column.chunks
        if chunks:
            values = chunks[0].dictionary.to_numpy(zero_copy_only=False).astype(object)
            parts = [
                (pc.fill_null(c.indices, -1) if c.null_count else c.indices).to_numpy()
                for c in chunks
            ]
            # one chunk (a file read by humsec.core.parquet_columns): its buffer, not a copy
            codes = (parts[0] if len(parts) == 1 else np.concatenate(parts)).astype(
                np.int32, copy=False
            )
        else:
            values, codes = np.array([], dtype=object), np.zeros(0, dtype=np.int32)
        return codes, values


def _release_arrow_memory() -> None:
    """Hand memory Arrow has freed back to the system (its allocator otherwise keeps it cached)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
