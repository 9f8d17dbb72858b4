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

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from humsec.core.errors import ColumnNotFoundError, DataError, describe_rows

__all__ = ["PanelTable", "parse_months", "read_panel"]


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


def read_panel(
    data: Any,
    *,
    unit: str = "unit",
    month: str = "month",
    value: str = "fatalities",
    source: str | None = None,
) -> PanelTable:
    """Read a long or wide panel (CSV path, file-like or pandas frame) into a long table.

    A file is long when it has the ``unit`` and ``month`` columns, wide otherwise (its first column
    the month, which may be called ``month``); a ``unit`` column without ``month`` is a long panel
    missing its month column (an error naming it and the nearest).
    """
    if isinstance(data, pd.DataFrame):
        raw = data.copy()
    else:
        source = source or (str(data) if isinstance(data, (str, Path)) else None)
        raw = pd.read_csv(data, low_memory=False)
    where = f" of {source}" if source else ""
    report: list[str] = []
    if unit in raw.columns and month not in raw.columns:  # long, with its month column missing
        raise ColumnNotFoundError([month], [str(c) for c in raw.columns], source)
    if unit in raw.columns and month in raw.columns:
        if value not in raw.columns:
            raise ColumnNotFoundError([value], list(raw.columns), source)
        frame = raw[[unit, month, value]].set_axis(["unit", "month", "fatalities"], axis=1)
        frame["unit"] = frame["unit"].astype(str)
        frame["month"] = parse_months(frame["month"], month, source)
        value_name = value
    else:
        frame, report = _melt_wide(raw, source)
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


def _melt_wide(raw: pd.DataFrame, source: str | None) -> tuple[pd.DataFrame, list[str]]:
    report = []
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
    months = parse_months(raw[first], str(first) if str(first) else "first column", source)
    wide = raw.drop(columns=first)
    wide.index = months.to_numpy()
    long = wide.melt(ignore_index=False, var_name="unit", value_name="fatalities")
    long = long.rename_axis("month").reset_index()[["unit", "month", "fatalities"]]
    long["unit"] = long["unit"].astype(str)
    return long, report


def _check_counts(values: pd.Series, column: str, where: str) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce")
    for problem, mask in (("missing or not a number", numbers.isna()), ("negative", numbers < 0)):
        rows = np.flatnonzero(mask.to_numpy())
        if rows.size:
            shown = ", ".join(repr(values.iloc[i]) for i in rows[:5])
            raise DataError(
                f"Column {column!r}{where}: {rows.size} value(s) {problem} at {describe_rows(rows)} "
                f"(values {shown}); expected counts ≥ 0 (write 0 for a month without events)"
            )
    return numbers.astype(float)
