"""Read survey microdata files: CSV, Parquet, Excel, Stata ``.dta`` and SPSS ``.sav``.

Value labels of Stata/SPSS files are kept as metadata (codes stay in the data), the file's sha256 is
recorded for provenance, and only the columns asked for are read where the format allows it.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "s.csv"
>>> _ = path.write_text("x,y\\n1,NA\\n0,1\\n")
>>> table = read_survey(path)
>>> table.frame["y"].isna().tolist(), len(table.sha256)
([True, False], 64)
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from humsec.core.errors import ColumnNotFoundError, DataError
from humsec.core.files import csv_parser_message, require_content

__all__ = ["SurveyTable", "read_survey"]

SUFFIXES = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".gz": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".xls": "excel",
    ".dta": "stata",
    ".sav": "spss",
    ".zsav": "spss",
}
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


@dataclass
class SurveyTable:
    """A survey file read into a pandas frame, with value labels and the file's sha256."""

    frame: Any  # pandas, or a PyArrow table for Parquet read with arrow=True
    path: Path
    sha256: str
    value_labels: dict[str, dict[Any, str]] = field(default_factory=dict)
    column_labels: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_survey(
    path: str | Path,
    columns: Sequence[str] | None = None,
    *,
    sheet: str | int = 0,
    arrow: bool = False,
    na_values: Sequence[str] = (),
) -> SurveyTable:
    """Read a survey file; ``columns`` restricts what is read (errors name the missing ones).

    ``arrow=True`` keeps a Parquet file as a PyArrow table (no conversion copy; the engines accept
    any frame); other formats always come as pandas.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"Survey file not found: {path}")
    require_content(path)
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        msg = f"Cannot read {path}: unknown file type {path.suffix!r}; expected one of {sorted(SUFFIXES)}."
        raise DataError(msg)
    # the provenance hash reads the whole file: on another thread (hashlib and the readers
    # release the GIL), it overlaps the decoding instead of following it
    with ThreadPoolExecutor(1, thread_name_prefix="humsec-sha256") as pool:
        digest = pool.submit(file_sha256, path)
        table = _read(path, kind, columns, sheet, arrow, na_values)
        table.sha256 = digest.result()
    if len(table.frame) == 0:
        raise DataError(f"{path}: a header and no rows; there is nothing to estimate from.")
    return table


def _read(
    path: Path,
    kind: str,
    columns: Sequence[str] | None,
    sheet: str | int,
    arrow: bool,
    na_values: Sequence[str],
) -> SurveyTable:
    wanted = list(columns) if columns else None
    labels: dict[str, dict[Any, str]] = {}
    column_labels: dict[str, str] = {}
    encoding = None
    if kind == "csv":
        frame, encoding = _read_csv(path, wanted, na_values)
    elif kind == "parquet":
        frame = _read_parquet(path, wanted, arrow)
    elif kind == "excel":
        frame = pd.read_excel(path, sheet_name=sheet)
        _check_columns(wanted, [str(c) for c in frame.columns], path)
        frame = frame[wanted] if wanted else frame
    else:
        frame, labels, column_labels = _read_labelled(path, kind, wanted)
    return SurveyTable(frame, path, "", labels, column_labels, encoding)


def parquet_schema(path: Path) -> Any:
    """The Arrow schema of a Parquet file; a file that is not one (truncated, another format) is
    a :class:`DataError` naming it, not a traceback."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return pq.read_schema(path)
    except (pa.ArrowException, OSError) as exc:
        raise DataError(_unreadable(path, exc)) from None


def _unreadable(path: Path, exc: Exception) -> str:
    return (
        f"{path} is not a readable Parquet file ({exc}). Was it copied whole, and written as "
        "Parquet (not renamed from CSV or Excel)?"
    )


def _read_parquet(path: Path, wanted: list[str] | None, arrow: bool) -> Any:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema(path)
    _check_columns(wanted, schema.names, path)
    # Kept as Arrow, text columns are decoded as dictionaries (codes + the distinct texts):
    # a region column of a census is then 4 bytes a person, not one string each.
    text = [
        f.name
        for f in schema
        if (pa.types.is_string(f.type) or pa.types.is_large_string(f.type))
        and (wanted is None or f.name in wanted)
    ]
    try:
        if arrow:  # each column in one buffer: converting it later copies nothing
            from humsec.core.parquet_columns import read_columns

            return read_columns(path, wanted, text)
        # a memory map: 1.3-1.5x faster than buffered reads in a fresh process (50M persons,
        # docs/af.md)
        arrow_table = pq.read_table(path, columns=wanted, memory_map=True)
    except (pa.ArrowException, OSError) as exc:  # a damaged page past the footer
        raise DataError(_unreadable(path, exc)) from None
    pa.default_memory_pool().release_unused()  # the decoder's scratch buffers
    # self_destruct frees each Arrow column once converted: peak memory ~1x the data, not 2x
    return arrow_table.to_pandas(self_destruct=True, split_blocks=True)


def _read_csv(
    path: Path, wanted: list[str] | None, na_values: Sequence[str] = ()
) -> tuple[pd.DataFrame, str]:
    sep = "\t" if path.suffix.lower() == ".tsv" or path.name.lower().endswith(".tsv.gz") else None
    for encoding in ENCODINGS:
        try:
            header = pd.read_csv(
                path, nrows=0, sep=sep, engine="python" if sep is None else "c", encoding=encoding
            )
            names = [str(c) for c in header.columns]
            _check_columns(wanted, names, path)
            sep_used = sep if sep is not None else _sniff_sep(path, encoding)
            # every column is parsed, then the wanted ones kept: with ``usecols`` pandas drops the
            # surplus fields of a ragged line without a word, and the line's values may be shifted
            try:
                frame = pd.read_csv(
                    path,
                    sep=sep_used,
                    encoding=encoding,
                    low_memory=False,
                    na_values=list(na_values) or None,
                )
            except pd.errors.ParserError as exc:
                raise DataError(csv_parser_message(path, exc)) from None
            return (frame[wanted] if wanted else frame), encoding
        except UnicodeDecodeError:
            continue
    raise DataError(f"Cannot decode {path}: tried encodings {', '.join(ENCODINGS)}.")


def _sniff_sep(path: Path, encoding: str) -> str:
    import csv
    import gzip

    opener = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rt", encoding=encoding) as fh:
        sample = fh.read(65536)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _read_labelled(
    path: Path, kind: str, wanted: list[str] | None
) -> tuple[pd.DataFrame, dict[str, dict[Any, str]], dict[str, str]]:
    import pyreadstat

    reader = pyreadstat.read_dta if kind == "stata" else pyreadstat.read_sav
    _, meta = reader(str(path), metadataonly=True)
    _check_columns(wanted, list(meta.column_names), path)
    frame, meta = reader(str(path), usecols=wanted)
    value_labels = {
        col: dict(meta.value_labels[name])
        for col, name in meta.variable_to_label.items()
        if name in meta.value_labels
    }
    column_labels = {
        c: lab for c, lab in zip(meta.column_names, meta.column_labels, strict=True) if lab
    }
    return frame, value_labels, column_labels


def _check_columns(wanted: list[str] | None, names: list[str], path: Path) -> None:
    if wanted:
        missing = [c for c in wanted if c not in names]
        if missing:
            raise ColumnNotFoundError(missing, names, str(path))
