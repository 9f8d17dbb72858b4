"""Reading the text tables the hazard readers take: any common encoding, gzip, comma, semicolon or
tab separated, named columns.

>>> import io
>>> frame = read_text_table(io.BytesIO("a,b\\n1,x\\n".encode("cp1252")), source="demo.csv")
>>> frame.to_dict("records")
[{'a': '1', 'b': 'x'}]
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd

from humsec.core.errors import ColumnNotFoundError, DataError, describe_rows
from humsec.core.files import require_content
from humsec.core.frames import to_narwhals
from humsec.core.survey import ENCODINGS

__all__ = ["bad_rows", "read_text_table", "require_columns", "source_name"]


def source_name(data: Any) -> str:
    """The name errors use for ``data``: its path, or ``<frame>`` / ``<stream>``."""
    if isinstance(data, (str, Path)):
        return str(data)
    return "<stream>" if hasattr(data, "read") else "<frame>"


def read_text_table(data: Any, *, source: str | None = None) -> pd.DataFrame:
    """A CSV (plain or .gz; UTF-8 with or without BOM, cp1252, latin-1) as strings, empty cells as NA.

    A pandas frame is returned as a copy with string cells, so every reader has one input type.
    """
    if not isinstance(data, (str, Path)) and not hasattr(data, "read"):
        # a dataframe of any library (Polars, PyArrow, ...): converted once, here at the boundary
        if not isinstance(data, pd.DataFrame):
            data = to_narwhals(data).to_pandas()
        return data.astype("string").astype(object).where(data.notna(), None).copy()
    source = source or source_name(data)
    if isinstance(data, (str, Path)):
        require_content(data)
    raw = Path(data).read_bytes() if isinstance(data, (str, Path)) else data.read()
    if raw[:2] == b"\x1f\x8b":  # gzip magic: the shared data sets are stored gzipped
        import gzip

        raw = gzip.decompress(raw)
    for encoding in ENCODINGS:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        try:
            frame = pd.read_csv(
                io.StringIO(text), dtype=str, keep_default_na=False, sep=_delimiter(text)
            )
        except pd.errors.ParserError as exc:
            msg = f"{source}: not a readable CSV table ({exc})."
            raise DataError(msg) from exc
        frame.columns = [str(c).strip() for c in frame.columns]
        # empty cells and the usual NA spellings are missing; everything else stays text
        return frame.replace({"": None, "NA": None, "N/A": None, "NaN": None, "nan": None})
    msg = f"Cannot decode {source}: tried encodings {', '.join(ENCODINGS)}."
    raise DataError(msg)


def _delimiter(text: str) -> str:
    """The header's most frequent of comma, semicolon, tab and bar (Excel in many locales saves
    "CSV" with semicolons); comma when the header has none.

    >>> _delimiter("area;start;end\\nk;2016-01;2016-02"), _delimiter("a,b\\n1,2"), _delimiter("a\\n1")
    (';', ',', ',')
    """
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","


def require_columns(frame: pd.DataFrame, columns: list[str], source: str) -> None:
    """Raise :class:`ColumnNotFoundError` (with nearest names) if any of ``columns`` is missing."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ColumnNotFoundError(missing, list(frame.columns), source)


def bad_rows(mask: pd.Series, frame: pd.DataFrame, column: str, source: str, expected: str) -> None:
    """Raise a :class:`DataError` naming file, column, rows, values and what was expected."""
    if not mask.any():
        return
    positions = [int(i) for i in mask.to_numpy().nonzero()[0]]
    values = ", ".join(repr(v) for v in frame[column].iloc[positions[:5]])
    msg = f"{source}, column {column!r}, {describe_rows(positions)}: expected {expected}; got {values}."
    raise DataError(msg)
