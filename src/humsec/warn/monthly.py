"""Read unit-month panels of counts: long (``unit, month, fatalities``) or wide (months × units).

Long files have one row per unit and month, month as ``YYYY-MM`` (a full date is accepted and cut
to its month). Wide files, such as the UCDP country-month table, have the month (or month-end
date) in the first column and one column per unit; a column with an empty header that is all
zeros (a trailing separator) is dropped and reported. Unparsable months, negative or missing
values and a unit-month given twice are errors naming the file, column and rows.

>>> import io
>>> wide = io.StringIO(",Mali,Niger,\\n2024-01-31,3,0,0\\n2024-02-29,0,5,0\\n")
>>> p = read_panel(wide)
>>> p.frame.to_dict("list")
{'unit': ['Mali', 'Mali', 'Niger', 'Niger'], 'month': ['2024-01', '2024-02', '2024-01', '2024-02'], 'fatalities': [3.0, 0.0, 0.0, 5.0]}
>>> p.report
["empty-header column 'Unnamed: 3' (all zeros) dropped"]
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from humsec.core.checks import clean_labels, require_unique_columns
from humsec.core.errors import ColumnNotFoundError, DataError, describe_rows
from humsec.core.files import require_content

__all__ = ["FIRST_MONTH", "MAX_COUNT", "PanelTable", "check_months", "parse_months", "read_panel", "read_table"]

#: the earliest month accepted by default: UCDP GED and its country-month tables start in January 1989
FIRST_MONTH = "1989-01"
#: the most fatalities one row (an event, a unit-month) may hold: more than any month of any war
#: on record, so a larger value is a typo or a unit error (1e308, a population count)
MAX_COUNT = 10_000_000


@dataclass
class PanelTable:
    """A long panel ``unit, month, fatalities`` (month ``YYYY-MM``), its source and notes."""

    frame: pd.DataFrame
    source: str | None = None
    report: list[str] = field(default_factory=list)


def parse_months(values: pd.Series, column: str, source: str | None) -> pd.Series:
    """``YYYY-MM`` or a full date → ``YYYY-MM`` strings; unparsable values are a DataError."""
    text = values.astype(str).str.strip()
    parsed = pd.to_datetime(text, format="%Y-%m", errors="coerce")
    rest = parsed.isna()
    parsed[rest] = pd.to_datetime(text[rest], errors="coerce", format="mixed")
    bad = np.flatnonzero(parsed.isna().to_numpy())
    if bad.size:
        where = f" of {source}" if source else ""
        shown = ", ".join(repr(text.iloc[i]) for i in bad[:5])
        raise DataError(
            f"Column {column!r}{where}: {bad.size} month(s) not readable as YYYY-MM at "
            f"{describe_rows(bad)} (values {shown})"
        )
    return parsed.dt.to_period("M").astype(str)


def _decoded(raw: bytes, name: str) -> str:
    """The file's text: UTF-8, else Windows-1252 or Latin-1 (spreadsheet exports), as every
    humsec reader tries them (:data:`humsec.core.survey.ENCODINGS`)."""
    from humsec.core.survey import ENCODINGS

    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DataError(f"Cannot decode {name}: tried encodings {', '.join(ENCODINGS)}.")


def read_table(data: Any, source: str | None = None) -> tuple[pd.DataFrame, str | None]:
    """A CSV (path, gzip path or file-like) or a pandas frame, checked before pandas reads it:
    not empty, no column name twice (pandas would rename the second ``x.1`` and every reader
    would use the first), no ragged line. Returns the frame and its source name."""
    if isinstance(data, pd.DataFrame):
        require_unique_columns(data.columns, source=source)
        return data.copy(), source
    if isinstance(data, (str, Path)):
        source = source or str(data)
        path = Path(data)
        if not path.exists():
            raise DataError(f"Data file not found: {path}")
        require_content(path)
        opener = gzip.open if path.name.lower().endswith(".gz") else open
        with opener(path, "rb") as fh:
            text = _decoded(fh.read(), path.name)
    else:
        text = data.read()
        text = _decoded(text, source or "the data") if isinstance(text, bytes) else text
    # one path for files and file-likes: the text is checked, then parsed
    if not text.strip():
        raise DataError(f"{source or 'The data'} is empty: expected a table with a header row.")
    header = next(csv.reader(io.StringIO(text)), [])
    buffer = io.StringIO(text)
    # empty headers (a wide file's month column, a trailing separator) are pandas' "Unnamed: i"
    require_unique_columns(
        [h if h.strip() else f"Unnamed: {i}" for i, h in enumerate(header)], source=source
    )
    name = source or "the data"
    try:
        return pd.read_csv(buffer, low_memory=False), source
    except pd.errors.ParserError as exc:
        from humsec.core.files import csv_parser_message

        raise DataError(csv_parser_message(name, exc)) from None


def check_months(
    months: pd.Series,
    column: str,
    source: str | None,
    first_month: str | None = FIRST_MONTH,
    last_month: str | None = None,
) -> None:
    """Every month (``YYYY-MM``) within ``first_month``..``last_month`` (default: 1989-01 to the
    current month): a month outside is a typo (2099, 1970) and an error naming its rows."""
    lo = pd.Period(first_month or FIRST_MONTH, "M")
    hi = pd.Period(last_month, "M") if last_month else pd.Timestamp.today().to_period("M")
    periods = pd.PeriodIndex(months.astype(str), freq="M")
    out = np.flatnonzero((periods < lo) | (periods > hi))
    if out.size:
        where = f" of {source}" if source else ""
        shown = ", ".join(str(periods[i]) for i in out[:5])
        raise DataError(
            f"Column {column!r}{where}: {out.size} month(s) outside {lo}..{hi} at "
            f"{describe_rows(out)} (values {shown}); expected months from {lo} to the current month "
            "(pass first_month/last_month to widen the range)"
        )


def read_panel(
    data: Any,
    *,
    unit: str = "unit",
    month: str = "month",
    value: str = "fatalities",
    source: str | None = None,
    first_month: str | None = FIRST_MONTH,
    last_month: str | None = None,
) -> PanelTable:
    """Read a long or wide panel (CSV path, file-like or pandas frame) into a long table.

    A file is long when it has the ``unit`` and ``month`` columns, wide otherwise (its first column
    the month, which may be called ``month``); a ``unit`` column without ``month`` is a long panel
    missing its month column (an error naming it and the nearest). Months must lie within
    ``first_month``..``last_month`` (:func:`check_months`); unit names that differ only by
    surrounding spaces are one unit (noted), names that differ only by case are an error.
    """
    raw, source = read_table(data, source)
    where = f" of {source}" if source else ""
    report: list[str] = []
    if unit in raw.columns and month not in raw.columns:  # long, with its month column missing
        raise ColumnNotFoundError([month], [str(c) for c in raw.columns], source)
    if unit not in raw.columns and month in raw.columns and value in raw.columns:  # long, no units
        raise ColumnNotFoundError([unit], [str(c) for c in raw.columns], source)
    if unit in raw.columns and month in raw.columns:
        if value not in raw.columns:
            raise ColumnNotFoundError([value], list(raw.columns), source)
        frame = raw[[unit, month, value]].set_axis(["unit", "month", "fatalities"], axis=1)
        rows = range(1, len(frame) + 1)
        nameless = frame["unit"].isna().to_numpy()
        if nameless.any():
            raise DataError(
                f"Column {unit!r}{where} is empty at {describe_rows(np.flatnonzero(nameless))}: every row "
                "needs its unit (a cell 'NA' or 'NaN' reads as empty)"
            )
        labels, label_notes = clean_labels(frame["unit"], column=unit, source=source, rows=rows)
        frame["unit"] = labels.astype(str)
        report += label_notes
        frame["month"] = parse_months(frame["month"], month, source)
        check_months(frame["month"], month, source, first_month, last_month)
        value_name = value
    else:
        frame, report = _melt_wide(raw, source, first_month, last_month)
        value_name = "(unit columns)"
    frame["fatalities"] = _check_counts(frame["fatalities"], value_name, where)
    dup = frame.duplicated(["unit", "month"], keep=False).to_numpy()
    if dup.any():
        first = frame[dup].iloc[0]
        raise DataError(
            f"{int(dup.sum())} row(s){where} repeat a unit and month (e.g. {first['unit']!r} "
            f"{first['month']}) at {describe_rows(np.flatnonzero(dup))}; expected one row each"
        )
    return PanelTable(frame.reset_index(drop=True), source, report)


def _melt_wide(
    raw: pd.DataFrame, source: str | None, first_month: str | None, last_month: str | None
) -> tuple[pd.DataFrame, list[str]]:
    report: list[str] = []
    first = raw.columns[0]
    for col in raw.columns[1:]:
        empty_header = str(col).startswith("Unnamed:") or str(col).strip() == ""
        if empty_header:
            vals = pd.to_numeric(raw[col], errors="coerce").fillna(0)
            if (vals == 0).all():
                report.append(f"empty-header column {col!r} (all zeros) dropped")
                raw = raw.drop(columns=col)
            else:
                where = f" of {source}" if source else ""
                raise DataError(
                    f"Column {col!r}{where} has no unit name in its header but holds non-zero "
                    "counts; name it or remove it"
                )
    month_column = str(first) if str(first) else "first column"
    months = parse_months(raw[first], month_column, source)
    check_months(months, month_column, source, first_month, last_month)
    headers = pd.Series([str(c) for c in raw.columns[1:]], dtype=object)
    try:  # the unit names are the headers: "rows" here are column numbers
        names, label_notes = clean_labels(
            headers, column="unit names (header)", source=source, rows=range(2, len(headers) + 2)
        )
    except DataError as exc:
        raise DataError(str(exc).replace("(row ", "(column ")) from None
    report += [n.replace("cell(s)", "header(s)") for n in label_notes]
    raw = raw.set_axis([raw.columns[0], *names], axis=1)
    wide = raw.drop(columns=first)
    wide.index = months.to_numpy()
    # a private value name: a unit may be called anything, "fatalities" included
    long = wide.melt(ignore_index=False, var_name="unit", value_name="__count__")
    long = long.rename_axis("month").reset_index().rename(columns={"__count__": "fatalities"})
    long = long[["unit", "month", "fatalities"]]
    long["unit"] = long["unit"].astype(str)
    return long, report


def _check_counts(values: pd.Series, column: str, where: str) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce")
    for problem, mask in (
        ("missing or not a number", numbers.isna()),
        ("negative", numbers < 0),
        (f"infinite or above {MAX_COUNT:,}", numbers > MAX_COUNT),
    ):
        rows = np.flatnonzero(mask.to_numpy())
        if rows.size:
            shown = ", ".join(repr(values.iloc[i]) for i in rows[:5])
            raise DataError(
                f"Column {column!r}{where}: {rows.size} value(s) {problem} at {describe_rows(rows)} "
                f"(values {shown}); expected counts ≥ 0 (write 0 for a month without events)"
            )
    return numbers.astype(float)
