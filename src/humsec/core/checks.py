"""Input checks every command shares: numbers in their domain, one spelling per label, unique columns.

One rule for all commands (issue 19):

* **Numbers** must be finite and inside their declared domain (weights > 0, counts ≥ 0, shares
  in 0-1 or 0-100, ...): :func:`require_numbers` names the file, column, rows and values, and
  what was expected. ``1e308`` passes as a finite number but fails any bound a column declares.
* **Labels** (areas, regions, groups, sectors) that differ only by surrounding spaces are the same
  label: the spaces are removed and a note says how many cells changed. Labels that differ only
  by upper/lower case are refused (:func:`clean_labels`): which spelling to publish is the user's
  choice, and "R16" and "r16" may be two codes in some lists, so humsec never merges them silently.
* **Column names** must be unique after the same trimming (:func:`require_unique_columns`): with
  two columns of one name, every reader would silently use the first.

>>> import pandas as pd
>>> require_numbers(pd.Series([1.0, 2.5]), column="weight", source="s.csv", low=0, low_open=True)
>>> require_numbers(pd.Series([1.0, float("inf"), -2.0]), column="weight", source="s.csv", low=0, low_open=True)
Traceback (most recent call last):
...
humsec.core.errors.DataError: s.csv, column 'weight': expected finite numbers > 0; rows 3, 4 have inf, -2.0.
>>> labels, notes = clean_labels(pd.Series(["North", "North ", "South"]), column="region", source="s.csv")
>>> labels.tolist(), notes
(['North', 'North', 'South'], ["s.csv, column 'region': surrounding spaces removed from 1 cell(s), so labels that differed only by them are one label (e.g. 'North ' -> 'North')."])
>>> clean_labels(pd.Series(["r16", "R16", "R1"]), column="region", source="s.csv")
Traceback (most recent call last):
...
humsec.core.errors.DataError: s.csv, column 'region': labels differ only by upper/lower case: 'R16' (row 3) and 'r16' (row 2). Use one spelling for each.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from humsec.core.errors import DataError

__all__ = ["clean_labels", "require_numbers", "require_unique_columns"]

#: the first data row is line 2 of a file with a header: rows are reported as the user sees them
FIRST_ROW = 2


def _where(source: str | None, column: str) -> str:
    return f"{source}, column {column!r}" if source else f"Column {column!r}"


def _bounds(low: float | None, high: float | None, low_open: bool, high_open: bool) -> str:
    parts = []
    if low is not None:
        parts.append(f"{'>' if low_open else '≥'} {low:g}")
    if high is not None:
        parts.append(f"{'<' if high_open else '≤'} {high:g}")
    return " and ".join(parts)


def require_numbers(
    values: Any,
    *,
    column: str,
    source: str | None = None,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    allow_missing: bool = False,
    rows: Sequence[Any] | None = None,
    limit: int = 5,
) -> None:
    """Raise :class:`DataError` unless every value is a finite number within the bounds.

    ``rows`` are the row labels to report (default: file rows, the first data row being 2);
    missing values (NaN, None) pass only with ``allow_missing``.
    """
    series = pd.Series(values) if not isinstance(values, pd.Series) else values
    numeric = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
    missing = pd.isna(series).to_numpy()
    bad = ~missing & ~np.isfinite(numeric)  # text, inf, -inf
    with np.errstate(invalid="ignore"):
        if low is not None:
            bad |= np.isfinite(numeric) & ((numeric <= low) if low_open else (numeric < low))
        if high is not None:
            bad |= np.isfinite(numeric) & ((numeric >= high) if high_open else (numeric > high))
    if not allow_missing:
        bad |= missing
    if not bad.any():
        return
    positions = np.flatnonzero(bad)
    labels = list(rows) if rows is not None else [i + FIRST_ROW for i in range(len(series))]
    shown = positions[:limit]
    raw = series.to_numpy()
    row_text = ", ".join(str(labels[i]) for i in shown)
    value_text = ", ".join(_show(raw[i]) for i in shown)
    more = f" (and {len(positions) - limit} more)" if len(positions) > limit else ""
    bounds = _bounds(low, high, low_open, high_open)
    expected = "finite numbers" + (f" {bounds}" if bounds else "")
    if not allow_missing:
        expected += " (no missing values)" if missing.any() else ""
    msg = f"{_where(source, column)}: expected {expected}; rows {row_text}{more} have {value_text}."
    if len(shown) == 1:
        msg = f"{_where(source, column)}: expected {expected}; row {row_text} has {value_text}."
    raise DataError(msg)


def _show(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "a missing value"
    if isinstance(value, float | np.floating):
        return repr(float(value)) if np.isfinite(value) else ("inf" if value > 0 else "-inf")
    return repr(value)


def clean_labels(
    values: pd.Series,
    *,
    column: str,
    source: str | None = None,
    rows: Sequence[Any] | None = None,
) -> tuple[pd.Series, list[str]]:
    """Strip surrounding spaces (noted) and refuse labels that differ only by case.

    Returns the cleaned labels and the notes; missing cells stay missing.
    """
    notes: list[str] = []
    present = values.notna()
    text = values.where(~present, values.astype(str))
    stripped = text.where(~present, text.astype(str).str.strip())
    changed = present & (stripped != text)
    if changed.any():
        first = int(np.flatnonzero(changed.to_numpy())[0])
        example = f"{text.iloc[first]!r} -> {stripped.iloc[first]!r}"
        notes.append(
            f"{_where(source, column)}: surrounding spaces removed from {int(changed.sum())} "
            f"cell(s), so labels that differed only by them are one label (e.g. {example})."
        )
    labels = list(rows) if rows is not None else [i + FIRST_ROW for i in range(len(values))]
    seen: dict[str, tuple[str, Any]] = {}
    clashes: list[str] = []
    for position, label in enumerate(stripped.to_numpy()):
        if pd.isna(label):
            continue
        key = str(label).casefold()
        first_label, first_row = seen.setdefault(key, (str(label), labels[position]))
        if first_label != str(label) and len(clashes) < 5:
            clashes.append(f"{str(label)!r} (row {labels[position]}) and {first_label!r} (row {first_row})")
            seen[key] = (str(label), labels[position])  # report each new spelling once
    if clashes:
        msg = (
            f"{_where(source, column)}: labels differ only by upper/lower case: "
            f"{'; '.join(clashes)}. Use one spelling for each."
        )
        raise DataError(msg)
    return stripped, notes


def require_unique_columns(columns: Iterable[Any], *, source: str | None = None) -> None:
    """Raise :class:`DataError` if two columns share a name (after trimming surrounding spaces).

    >>> require_unique_columns(["area", "weight", " area"], source="s.csv")
    Traceback (most recent call last):
    ...
    humsec.core.errors.DataError: s.csv: column 'area' appears 2 times (columns 1, 3); every column needs its own name.
    """
    positions: dict[str, list[int]] = {}
    for i, name in enumerate(columns, start=1):
        positions.setdefault(str(name).strip(), []).append(i)
    dupes = {n: p for n, p in positions.items() if len(p) > 1}
    if dupes:
        listed = "; ".join(
            f"column {n!r} appears {len(p)} times (columns {', '.join(map(str, p))})"
            for n, p in dupes.items()
        )
        where = f"{source}: " if source else ""
        raise DataError(f"{where}{listed}; every column needs its own name.")
