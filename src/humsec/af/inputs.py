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
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any

from humsec.core.errors import DataError

if TYPE_CHECKING:
    from humsec.af.spec import AFSpec

__all__ = ["needed_columns", "read_ahead", "read_data"]

_SEPARATORS = ",;\t|"

#: reads started by :func:`read_ahead`, each taken once by the :func:`read_data` of its key
_AHEAD: dict[tuple[Path, tuple[str, ...], bool], Future[Any]] = {}
_AHEAD_LOCK = threading.Lock()


def needed_columns(spec: AFSpec, over: Sequence[str]) -> list[str]:
    """Every column a fit of ``spec`` over ``over`` reads (``"a*b"`` names two).

    >>> from humsec.af.spec import AFSpec
    >>> needed_columns(AFSpec.from_dict({"dimensions": {"a": ["x"]}, "k": [50]}), ["r*s"])
    ['x', 'r', 's']
    """
    cols = spec.columns()
    for term in over:
        cols += [c.strip() for c in (term.split("*") if isinstance(term, str) else term)]
    return list(dict.fromkeys(cols))


def read_ahead(path: str | Path, columns: Sequence[str], *, arrow: bool = False) -> None:
    """Start :func:`read_data` of these arguments on a thread; the next call of :func:`read_data`
    with the same arguments waits for it and returns its table (or raises its error).

    ``humsec af`` starts the read before it imports the engine (pandas, numba, scipy: about a
    second), so the imports run while the file is decoded (the decoder releases the GIL).
    """
    key = _ahead_key(path, columns, arrow)
    future: Future[Any] = Future()

    def run() -> None:
        try:
            future.set_result(_read(Path(path), columns, arrow))
        except BaseException as exc:  # handed to the caller of read_data, as if raised there
            future.set_exception(exc)

    with _AHEAD_LOCK:
        _AHEAD[key] = future
    threading.Thread(target=run, name="humsec-read-ahead", daemon=True).start()


def _ahead_key(
    path: str | Path, columns: Sequence[str] | None, arrow: bool
) -> tuple[Path, tuple[str, ...], bool]:
    return Path(path).absolute(), tuple(columns or ()), arrow


def read_data(
    path: str | Path, columns: Sequence[str] | None = None, *, arrow: bool = False
) -> Any:
    """The survey file's ``columns`` (a :class:`humsec.core.survey.SurveyTable`), after the checks
    every AF command makes: a file (not a folder), not empty, column names unique, lines whole."""
    with _AHEAD_LOCK:
        ahead = _AHEAD.pop(_ahead_key(path, columns, arrow), None)
    if ahead is not None:
        return ahead.result()
    return _read(Path(path), columns, arrow)


def _read(p: Path, columns: Sequence[str] | None, arrow: bool) -> Any:
    # imported here: read_ahead starts before pandas is loaded (humsec.core.checks loads it)
    from humsec.core.files import require_content
    from humsec.core.survey import read_survey

    if p.is_dir():
        msg = f"{p} is a folder: expected a survey file (CSV, Parquet, Excel, Stata .dta or SPSS .sav)."
        raise DataError(msg)
    if p.is_file():
        require_content(p)
        _check_header(p)
    return read_survey(p, columns=list(columns) if columns else None, arrow=arrow)


def _check_header(path: Path) -> None:
    """Refuse duplicate column names in a CSV/TSV header or a Parquet schema."""
    from humsec.core.checks import require_unique_columns

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
        from humsec.core.survey import parquet_schema

        require_unique_columns(parquet_schema(path).names, source=path.name)
