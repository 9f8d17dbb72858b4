"""Reading a survey file for the AF engine: the checks a table must pass before its values are read.

On top of :func:`humsec.core.survey.read_survey` (formats, encodings, missing columns), a file
with two columns of one name is refused (a reader would silently use the first), and a CSV line
with more fields than the header is one error naming the line, not a parser traceback.

>>> import pathlib, tempfile
>>> p = pathlib.Path(tempfile.mkdtemp()) / "survey.csv"
>>> _ = p.write_text("d1,w,d1\\n1,1,0\\n")
>>> read_data(p, ["d1", "w"])
Traceback (most recent call last):
humsec.core.errors.DataError: survey.csv: column 'd1' appears 2 times (columns 1, 3); every column needs its own name.
>>> _ = p.write_text("d1,w\\n1,1\\n0,1,5\\n")
>>> read_data(p, ["d1", "w"])
Traceback (most recent call last):
humsec.core.errors.DataError: survey.csv, line 3: 3 fields where the header has 2; expected one value per column (a stray separator, or a text with the separator that is not quoted?).
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from humsec.core.checks import require_unique_columns
from humsec.core.errors import DataError
from humsec.core.files import require_content

__all__ = ["read_data"]

_SEPARATORS = ",;\t|"


def read_data(
    path: str | Path, columns: Sequence[str] | None = None, *, arrow: bool = False
) -> Any:
    """The survey file's ``columns`` (a :class:`humsec.core.survey.SurveyTable`), after the checks
    every AF command makes: a file (not a folder), not empty, column names unique, lines whole."""

    from humsec.core.survey import read_survey

    p = Path(path)
    if p.is_dir():
        msg = f"{p} is a folder: expected a survey file (CSV, Parquet, Excel, Stata .dta or SPSS .sav)."
        raise DataError(msg)
    if p.is_file():
        require_content(p)
        _check_header(p)
    return read_survey(p, columns=list(columns) if columns else None, arrow=arrow)


def _check_header(path: Path) -> None:
    """Refuse duplicate column names in a CSV/TSV header or a Parquet schema."""
    name = path.name.lower().removesuffix(".gz")
    if name.endswith((".csv", ".tsv", ".txt")):
        opener: Any = gzip.open if path.name.lower().endswith(".gz") else open
        with opener(path, "rb") as fh:
            first = fh.readline(1 << 20)
        for encoding in ("utf-8-sig", "cp1252", "latin-1"):
            try:
                line = first.decode(encoding).rstrip("\r\n")
                break
            except UnicodeDecodeError:
                continue
        sep = "\t" if name.endswith(".tsv") else max(_SEPARATORS, key=line.count)
        names = next(csv.reader([line], delimiter=sep), [])
        require_unique_columns(names, source=path.name)
    elif name.endswith(".parquet"):
        import pyarrow.parquet as pq

        require_unique_columns(pq.read_schema(path).names, source=path.name)
