"""Reading an indicator table for ``humsec index``: one clear error for a file that is not one.

On top of :func:`humsec.core.survey.read_survey` (formats, encodings, 0-byte files), a CSV must be
a rectangle (every line as many fields as the header: a ragged line is named, not a parser
traceback or silently missing cells) and every column needs its own name (a reader would silently
use the first of two ``flood`` columns; pandas renames the second ``flood.1``).

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "ind.csv"
>>> _ = p.write_text("unit,flood,drought\\nA,1,2\\nB,3,4,5\\n")
>>> read_indicator_table(p)
Traceback (most recent call last):
humsec.core.errors.DataError: ind.csv, line 3: expected 3 fields (as in the header: unit, flood, drought); found 4.
>>> _ = p.write_text("unit,flood,flood\\nA,1,2\\n")
>>> read_indicator_table(p)
Traceback (most recent call last):
humsec.core.errors.DataError: ind.csv: column 'flood' appears 2 times (columns 2, 3); every column needs its own name.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from humsec.core.checks import require_unique_columns
from humsec.core.errors import DataError, HumsecError

__all__ = ["read_indicator_table"]

_CSV = (".csv", ".txt", ".tsv", ".gz")
_EXCEL = (".xlsx", ".xlsm", ".xls")
_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


def read_indicator_table(path: str | Path, *, na_values: Sequence[str] = ()) -> pd.DataFrame:
    """The table in ``path`` as a pandas frame, after the shape and header checks above."""
    from humsec.core.survey import read_survey

    p = Path(path)
    if p.is_dir():
        raise DataError(f"{p} is a folder: expected an indicator table (CSV, Excel, Parquet...).")
    suffix = p.suffix.lower()
    if p.is_file() and suffix in _CSV and p.stat().st_size > 0:
        _check_csv(p)
    try:
        frame: Any = read_survey(p, na_values=na_values).frame
        if p.is_file() and suffix in _EXCEL:
            header = pd.read_excel(p, header=None, nrows=1).iloc[0].tolist()
            require_unique_columns([h for h in header if not pd.isna(h)], source=p.name)
    except HumsecError:
        raise
    except (ValueError, OSError, ImportError) as exc:  # a damaged or mislabelled file
        msg = f"{p.name}: cannot be read as an indicator table ({type(exc).__name__}: {exc})."
        raise DataError(msg) from None
    require_unique_columns([str(c) for c in frame.columns], source=p.name)
    return pd.DataFrame(frame) if not isinstance(frame, pd.DataFrame) else frame


def _check_csv(path: Path) -> None:
    """Refuse duplicate header names and lines with more or fewer fields than the header."""
    opener: Any = gzip.open if path.suffix.lower() == ".gz" else open
    for encoding in _ENCODINGS:
        try:
            with opener(path, "rt", encoding=encoding, newline="") as fh:
                sample = fh.read(65536)
                fh.seek(0)
                delimiter = _delimiter(path, sample)
                rows = csv.reader(fh, delimiter=delimiter)
                header = next(rows, [])
                require_unique_columns(header, source=path.name)
                for row in rows:
                    if not row or (len(row) != len(header) and not any(c.strip() for c in row)):
                        continue  # a blank line (or one of only separators)
                    if len(row) != len(header):
                        shown = ", ".join(header[:8]) + (", ..." if len(header) > 8 else "")
                        msg = (
                            f"{path.name}, line {rows.line_num}: expected {len(header)} fields "
                            f"(as in the header: {shown}); found {len(row)}."
                        )
                        raise DataError(msg)
            return
        except UnicodeDecodeError:
            continue
        except csv.Error as exc:
            raise DataError(f"{path.name}: cannot be read as CSV ({exc}).") from None


def _delimiter(path: Path, sample: str) -> str:
    if path.name.lower().endswith((".tsv", ".tsv.gz")):
        return "\t"
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","
