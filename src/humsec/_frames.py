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

from humsec.exceptions import DataError

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
