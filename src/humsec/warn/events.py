"""Read conflict event data (UCDP GED-style CSV, or any CSV through a small column spec).

Every event keeps its id, start date, month, fatalities (UCDP ``best``) and where it happened
(country, admin-1 name, coordinates). Bad input fails with the file, column, rows and what was
expected: unparsable or out-of-range dates, negative or non-numeric fatalities. Duplicated events
are handled by an explicit policy (``drop``, the default, reports how many; ``error``; ``keep``).

>>> import io
>>> text = ("id,date_start,best,country,adm_1,latitude,longitude\\n"
...         "1,2018-01-05,3,Bangladesh,Dhaka Division,23.7,90.4\\n"
...         "1,2018-01-05,3,Bangladesh,Dhaka Division,23.7,90.4\\n"
...         "2,2018-02-11,0,Bangladesh,Barisāl Division,22.7,90.3\\n")
>>> ev = read_events(io.StringIO(text))
>>> ev.frame[["event_id", "month", "fatalities"]].to_dict("list")
{'event_id': [1, 2], 'month': ['2018-01', '2018-02'], 'fatalities': [3.0, 0.0]}
>>> ev.report[-1]
'1 duplicated event(s) dropped (same id): row 2'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from humsec.core.checks import clean_labels
from humsec.core.errors import ColumnNotFoundError, DataError, SpecError, describe_rows
from humsec.warn.monthly import FIRST_MONTH, MAX_COUNT, read_table

__all__ = ["EventColumns", "EventTable", "read_events"]

Duplicates = Literal["drop", "error", "keep"]


@dataclass(frozen=True)
class EventColumns:
    """Which column of the file holds what. Defaults are the UCDP GED names.

    Only ``date`` and ``fatalities`` are required; give ``None`` for a column the file lacks.

    >>> EventColumns.from_mapping({"date": "event_date", "fatalities": "deaths"}).date
    'event_date'
    """

    date: str = "date_start"
    fatalities: str = "best"
    event_id: str | None = "id"
    country: str | None = "country"
    admin1: str | None = "adm_1"
    latitude: str | None = "latitude"
    longitude: str | None = "longitude"
    violence: str | None = "type_of_violence"

    @classmethod
    def from_mapping(cls, spec: Mapping[str, Any]) -> EventColumns:
        """Build from a dict (e.g. a YAML ``columns:`` block); unknown keys are an error."""
        known = set(asdict(cls()))
        unknown = [k for k in spec if k not in known]
        if unknown:
            raise SpecError(
                [(k, f"unknown field; expected one of {sorted(known)}") for k in unknown]
            )
        values: dict[str, Any] = {k: (None if v in (None, "") else str(v)) for k, v in spec.items()}
        return cls(**values)


@dataclass
class EventTable:
    """Events with normalised columns, the file they came from, and what was done to them.

    ``frame`` columns: ``event_id, date, month`` (``YYYY-MM`` string), ``fatalities``, and those of
    ``country, admin1, latitude, longitude, violence`` the file has.
    """

    frame: pd.DataFrame
    source: str | None = None
    report: list[str] = field(default_factory=list)


def _where(source: str | None) -> str:
    return f" of {source}" if source else ""


def read_events(
    data: Any,
    columns: EventColumns | Mapping[str, Any] | None = None,
    *,
    duplicates: Duplicates = "drop",
    first_month: str = FIRST_MONTH,
    last_month: str | None = None,
    violence: list[int] | None = None,
    source: str | None = None,
) -> EventTable:
    """Read and check an event file (CSV path, file-like, or pandas frame).

    ``first_month``/``last_month`` (``YYYY-MM``) bound the accepted dates: an event outside is an
    error naming its rows (a typo such as 2108 must not silently become a future month).
    ``violence`` keeps only those UCDP violence types (1 state-based, 2 non-state, 3 one-sided).
    """
    cols = (
        columns
        if isinstance(columns, EventColumns)
        else EventColumns.from_mapping(columns or {})
    )
    raw, source = read_table(data, source)
    where = _where(source)
    wanted = {k: v for k, v in asdict(cols).items() if v is not None}
    required = {"date", "fatalities"}
    missing = [v for k, v in wanted.items() if v not in raw.columns and k in required]
    if missing:
        raise ColumnNotFoundError(missing, list(raw.columns), source)
    present = {k: v for k, v in wanted.items() if v in raw.columns}
    report: list[str] = [
        f"column {v!r} ({k}) not in the file: not used"
        for k, v in wanted.items()
        if v not in raw.columns
    ]

    dates = pd.to_datetime(raw[cols.date], errors="coerce", format="mixed")
    bad = np.flatnonzero(dates.isna().to_numpy())
    if bad.size:
        shown = ", ".join(repr(raw[cols.date].iloc[i]) for i in bad[:5])
        raise DataError(
            f"Column {cols.date!r}{where}: {bad.size} date(s) could not be read as YYYY-MM-DD "
            f"at {describe_rows(bad)} (values {shown})"
        )
    months = dates.dt.to_period("M")
    lo = pd.Period(first_month, "M")
    hi = pd.Period(last_month, "M") if last_month else pd.Timestamp.today().to_period("M")
    out = np.flatnonzero(((months < lo) | (months > hi)).to_numpy())
    if out.size:
        shown = ", ".join(str(dates.iloc[i].date()) for i in out[:5])
        raise DataError(
            f"Column {cols.date!r}{where}: {out.size} date(s) outside {lo}..{hi} at "
            f"{describe_rows(out)} (values {shown}); pass first_month/last_month to widen the range"
        )

    deaths = pd.to_numeric(raw[cols.fatalities], errors="coerce")
    for problem, mask in (
        ("not a number (or empty)", deaths.isna()),
        ("negative", deaths < 0),
        (f"infinite or above {MAX_COUNT:,}", deaths > MAX_COUNT),
    ):
        rows = np.flatnonzero(mask.to_numpy())
        if rows.size:
            shown = ", ".join(repr(raw[cols.fatalities].iloc[i]) for i in rows[:5])
            raise DataError(
                f"Column {cols.fatalities!r}{where}: {rows.size} fatality count(s) {problem} at "
                f"{describe_rows(rows)} (values {shown}); expected counts ≥ 0"
            )

    frame = pd.DataFrame(
        {
            "event_id": raw[cols.event_id] if "event_id" in present else np.arange(len(raw)) + 1,
            "date": dates.dt.normalize(),
            "month": months.astype(str),
            "fatalities": deaths.astype(float),
        }
    )
    label_rows = list(range(1, len(raw) + 1))
    for key in ("country", "admin1", "latitude", "longitude", "violence"):
        if key in present:
            frame[key] = raw[present[key]].to_numpy()
    for key in ("country", "admin1"):  # one spelling per name: spaces trimmed (noted), case refused
        if key in present:
            labels, notes = clean_labels(frame[key], column=present[key], source=source, rows=label_rows)
            frame[key] = labels.to_numpy()
            report += notes
    for key in ("latitude", "longitude"):
        if key in frame:
            frame[key] = pd.to_numeric(frame[key], errors="coerce")

    frame, dup_note = _handle_duplicates(frame, raw, "event_id" in present, duplicates, where)
    if dup_note:
        report.append(dup_note)
    if violence is not None and "violence" in frame:
        keep = frame["violence"].isin(violence)
        report.append(f"{int((~keep).sum())} event(s) of other violence types dropped")
        frame = frame[keep]
    return EventTable(frame.reset_index(drop=True), source, report)


def _handle_duplicates(
    frame: pd.DataFrame, raw: pd.DataFrame, by_id: bool, policy: Duplicates, where: str
) -> tuple[pd.DataFrame, str | None]:
    # Same id = same event (GED ids are unique); without ids, identical rows are duplicates.
    dup = (
        frame.duplicated("event_id", keep="first") if by_id else raw.duplicated(keep="first")
    ).to_numpy()
    if not dup.any() or policy == "keep":
        return frame, (f"{int(dup.sum())} duplicated event(s) kept" if dup.any() else None)
    how = "same id" if by_id else "identical rows"
    rows = describe_rows(np.flatnonzero(dup))
    if policy == "error":
        raise DataError(f"{int(dup.sum())} duplicated event(s){where} ({how}) at {rows}")
    if policy != "drop":
        raise SpecError([("duplicates", f"{policy!r}: expected drop, error or keep")])
    return frame[~dup], f"{int(dup.sum())} duplicated event(s) dropped ({how}): {rows}"
