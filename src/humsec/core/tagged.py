"""Read tables that may carry an HXL tag row (Humanitarian Exchange Language), as HDX files do.

The tag row is found among the first rows (most non-empty cells start with ``#``); tags are parsed
with libhxl (``hxl.model.Column``), so ``#adm1 +code`` and ``#adm1+code`` are the same tag. Rows
above the tag row are headers; exact duplicate data rows are dropped and counted.

>>> import pandas as pd, io
>>> text = "Province,Cluster,Reached\\n#adm1+code,#sector,#reached\\nCD54,Santé,10\\nCD54,Santé,10\\n"
>>> t = read_tagged(io.StringIO(text))
>>> t.tags["Reached"].display_tag, len(t.frame), t.duplicates_dropped
('#reached', 1, 1)

A group row above the header labels the columns it spans (``groups``; a row with one label
only is a title, not a group row):

>>> text = (",HEALTH,,ESNFI\\nCode,Affected,Target,Affected\\n"
...         "#adm1+code,#inneed+health,#targeted+health,#inneed\\nET01,5,3,2\\n")
>>> read_tagged(io.StringIO(text)).groups
{'Affected': 'HEALTH', 'Target': 'HEALTH', 'Affected.2': 'ESNFI'}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from humsec.core.errors import DataError, describe_rows
from humsec.core.files import csv_parser_message, require_content

__all__ = ["MISSING_MARKERS", "TaggedTable", "find_column", "read_numbers", "read_tagged"]

ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


@dataclass
class TaggedTable:
    """A table, its HXL tags by column (absent when the file has no tag row), and what was dropped."""

    frame: pd.DataFrame
    tags: dict[str, Any] = field(default_factory=dict)  # column -> hxl.model.Column
    source: str | None = None
    duplicates_dropped: int = 0
    # column -> the group label written above its header ("ESNFI" over Affected/Target/Reached),
    # spread over the columns it spans; HDX tables label bare #inneed columns only this way
    groups: dict[str, str] = field(default_factory=dict)
    # the exact duplicate rows dropped (index: their data row), so callers can list them
    duplicates: pd.DataFrame | None = None

    @property
    def tagged(self) -> bool:
        return bool(self.tags)


def read_tagged(data: Any, *, source: str | None = None) -> TaggedTable:
    """Read a CSV (any encoding, quoted line breaks) or Excel file, or take a pandas frame."""
    if isinstance(data, pd.DataFrame):
        raw = pd.concat(
            [pd.DataFrame([list(data.columns)], columns=data.columns), data.astype(object)],
            ignore_index=True,
        )
        raw.columns = pd.RangeIndex(raw.shape[1])
    else:
        source = source or str(data)
        raw = _read_raw(data)
    tag_row = _tag_row(raw)
    header: int | None = 0
    if tag_row is not None:
        header = tag_row - 1 if tag_row > 0 else None
    tags: dict[str, Any] = {}
    names = _column_names(raw, header, tag_row)
    body = raw.iloc[(tag_row if tag_row is not None else 0) + 1 :].reset_index(drop=True)
    body.columns = names
    body = body.dropna(how="all")
    if tag_row is not None:
        import hxl

        for name, cell in zip(names, raw.iloc[tag_row], strict=True):
            col = (
                hxl.model.Column.parse(str(cell).strip(), header=name)
                if isinstance(cell, str)
                else False
            )
            if col:
                tags[name] = col
    groups = _group_labels(raw, header, names) if header else {}
    before = len(body)
    # the index stays the data row number (0-based, header and tag rows excluded), so errors
    # name the row of the file even after duplicates and blank rows are dropped
    repeated = body.duplicated()
    duplicates, body = body[repeated], body[~repeated]
    return TaggedTable(body, tags, source, before - len(body), groups, duplicates)


def _group_labels(raw: pd.DataFrame, header: int, names: list[str]) -> dict[str, str]:
    """The label of the nearest row above the header that names the column's group; a merged
    cell is written once, on its first column, so a label runs on until the next one."""
    groups: dict[str, str] = {}
    for i in range(header - 1, -1, -1):
        labels = {str(c).strip() for c in raw.iloc[i] if isinstance(c, str) and str(c).strip()}
        if len(labels) < 2:  # a title over the whole table names no group
            continue
        current: str | None = None
        for j, name in enumerate(names):
            cell = raw.iat[i, j]
            if isinstance(cell, str) and cell.strip():
                current = cell.strip()
            if current is not None and name not in groups:
                groups[name] = current
    return groups


def find_column(table: TaggedTable, pattern: str, exclude: tuple[str, ...] = ()) -> str | None:
    """The first column whose HXL tag matches ``pattern`` (e.g. ``#adm1+code``), or None."""
    import hxl

    pat = hxl.model.TagPattern.parse(pattern)
    for name, col in table.tags.items():
        if pat.match(col) and not any(hxl.model.TagPattern.parse(e).match(col) for e in exclude):
            return name
    return None


def _read_raw(path: Any) -> pd.DataFrame:
    p = Path(path) if isinstance(path, (str, Path)) else None
    if p is not None and not p.is_file():
        raise DataError(f"File not found: {p}")
    if p is not None:
        require_content(p)
    if p is not None and p.suffix.lower() in (".xlsx", ".xls", ".xlsm"):
        return pd.read_excel(p, header=None, dtype=object)
    last: Exception | None = None
    for enc in ENCODINGS:
        try:
            if hasattr(path, "seek"):
                path.seek(0)
            return pd.read_csv(
                path,
                header=None,
                dtype=object,
                encoding=enc,
                keep_default_na=True,
                skip_blank_lines=True,
            )
        except UnicodeDecodeError as exc:
            last = exc
        except pd.errors.ParserError as exc:
            raise DataError(csv_parser_message(path, exc)) from None
    raise DataError(f"Cannot decode {path}: tried {', '.join(ENCODINGS)} ({last}).")


def _tag_row(raw: pd.DataFrame, scan: int = 25) -> int | None:
    for i in range(min(scan, len(raw))):
        cells = [str(v).strip() for v in raw.iloc[i] if isinstance(v, str) and str(v).strip()]
        if cells and sum(c.startswith("#") for c in cells) >= max(1, 0.5 * len(cells)):
            return i
    return None


def _column_names(raw: pd.DataFrame, header: int | None, tag_row: int | None) -> list[str]:
    """Header names (the row above the tags, or the first row); unique, tags where headers lack."""
    names: list[str] = []
    for j in range(raw.shape[1]):
        name = raw.iat[header, j] if header is not None else None
        if not isinstance(name, str) or not name.strip():
            name = raw.iat[tag_row, j] if tag_row is not None else f"column_{j + 1}"
        name = str(name).strip() if isinstance(name, str) else f"column_{j + 1}"
        base, k = name, 2
        while name in names:
            name = f"{base}.{k}"
            k += 1
        names.append(name)
    return names


MISSING_MARKERS = ("-", "–", "—", "x", "n/a", "na", "nd", "")


def read_numbers(
    col: pd.Series, name: str, source: str | None, *, low: float | None = 0
) -> pd.Series:
    """Numbers as 4W tables write them ('80 418', '1,200'); '-', 'x', 'n/a' are missing.

    Every number must be finite (``inf`` and overflowing values such as ``1e400`` are refused) and
    at least ``low`` (default 0: people and counts; ``None`` where negatives are real, as FTS
    funding adjustments are).
    """
    text = col.astype("string").str.replace(r"[\s\u00a0\u202f]", "", regex=True)
    # a comma is a thousands separator only before groups of three digits ('1,200', '12,345.5');
    # '1,5' (a decimal comma?) is left as text and refused below, never read as 15
    grouped = text.str.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d*)?").fillna(False).astype(bool)
    text = text.where(~grouped, text.str.replace(",", "", regex=False))
    text = text.mask(text.str.lower().isin(MISSING_MARKERS))
    values = pd.to_numeric(text, errors="coerce")
    bad = values.isna() & text.notna() & (text != "")
    if bad.any():
        rows = bad.index[bad.to_numpy()]
        found = sorted({str(v) for v in col[bad].head(5)})
        where = "" if source is None else " of " + source
        msg = f"Column {name!r}{where} must hold numbers; found {found} at {describe_rows(rows)} (data rows)."
        raise DataError(msg)
    out_of_domain = values.notna() & ~np.isfinite(values.to_numpy(dtype=float, na_value=np.nan))
    if low is not None:
        out_of_domain |= values.notna() & (values < low)
    if out_of_domain.any():
        rows = out_of_domain.index[out_of_domain.to_numpy()]
        found = [str(v) for v in col[out_of_domain].head(5)]
        where = "" if source is None else " of " + source
        bound = "finite numbers" + (f" ≥ {low:g}" if low is not None else "")
        msg = f"Column {name!r}{where} must hold {bound}; found {found} at {describe_rows(rows)} (data rows)."
        raise DataError(msg)
    return values
