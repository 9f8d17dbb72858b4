"""Read outbreak lists (one row per outbreak: area, start, end, size) and derive onset months.

Two layouts: the JHU cholera outbreak list (``location`` = ``region::iso3::admin1::admin2[::admin3]``,
``start_date``/``end_date`` as M/D/YYYY, ``total_suspected_cases``, ``total_deaths``) and a
generic list with ``area, start, end`` (and optional ``country, cases, deaths``). Deaths left empty
are "not reported", never 0.

>>> import pandas as pd
>>> t = read_outbreaks(pd.DataFrame({"location": ["afr::ken::northeastern::mandera"],
...     "start_date": ["5/9/2016"], "end_date": ["7/11/2016"], "total_suspected_cases": ["1743"],
...     "total_deaths": ["17"], "country": ["KEN"], "spatial_scale": ["admin2"]}))
>>> t.frame[["country", "level", "area", "start", "cases"]].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
[{'country': 'KEN', 'level': 2, 'area': 'mandera', 'start': Timestamp('2016-05-09 00:00:00'),
  'cases': 1743.0}]
>>> onset_months(t.frame)[["area_id", "month"]].to_dict("records")
[{'area_id': 'ken::northeastern::mandera', 'month': Period('2016-05', 'M')}]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from humsec.core.errors import DataError
from humsec.hazard._files import bad_rows, read_text_table, require_columns, source_name

__all__ = ["OUTBREAK_COLUMNS", "OutbreakTable", "onset_months", "read_outbreaks"]

OUTBREAK_COLUMNS = ["country", "level", "area_id", "area", "start", "end", "cases", "deaths"]


@dataclass(frozen=True)
class OutbreakTable:
    """Outbreaks in the :data:`OUTBREAK_COLUMNS` layout, with what reading dropped or assumed."""

    frame: pd.DataFrame
    source: str
    notes: list[str] = field(default_factory=list)


def read_outbreaks(data: Any) -> OutbreakTable:
    """Read an outbreak list (JHU ``location`` layout or generic ``area, start, end``)."""
    source = source_name(data)
    raw = read_text_table(data, source=source)
    notes: list[str] = []
    if "location" in raw.columns:
        require_columns(raw, ["location", "start_date", "end_date"], source)
        bad_rows(_blank(raw["location"]), raw, "location", source, "a location in every row")
        parts = raw["location"].str.strip().str.lower().str.split("::")
        depth = parts.map(len)
        bad_rows(depth < 2, raw, "location", source, "'region::iso3[::admin1[::admin2...]]'")
        area_id = parts.str[1:].str.join("::")
        frame = pd.DataFrame(
            {
                "country": raw.get("country", parts.str[1].str.upper()),
                "level": depth - 2,
                "area_id": area_id,
                "area": parts.str[-1],
                "start": _dates(raw, "start_date", source),
                "end": _dates(raw, "end_date", source),
                "cases": _number(raw, "total_suspected_cases", source),
                "deaths": _number(raw, "total_deaths", source),
            }
        )
    else:
        require_columns(raw, ["area", "start", "end"], source)
        bad_rows(_blank(raw["area"]), raw, "area", source, "an area in every row")
        frame = pd.DataFrame(
            {
                "country": raw.get("country"),
                "level": _number(raw, "level", source),
                "area_id": raw["area"].str.strip(),
                "area": raw["area"].str.strip(),
                "start": _dates(raw, "start", source),
                "end": _dates(raw, "end", source),
                "cases": _number(raw, "cases", source),
                "deaths": _number(raw, "deaths", source),
            }
        )
    backwards = frame["end"] < frame["start"]
    if backwards.any():
        rows = [int(i) for i in backwards.to_numpy().nonzero()[0]]
        msg = (
            f"{source}: {len(rows)} outbreaks end before they start (data rows "
            f"{', '.join(str(r + 1) for r in rows[:5])}); expected start <= end."
        )
        raise DataError(msg)
    dup = frame.duplicated(["area_id", "start"], keep="first")
    if dup.any():
        notes.append(
            f"{int(dup.sum()):,} outbreaks duplicate an earlier one (same area and start): dropped"
        )
        frame = frame[~dup]
    if frame["deaths"].isna().any():
        notes.append(
            f"{int(frame['deaths'].isna().sum()):,} outbreaks without reported deaths "
            "(kept as not reported, not 0)"
        )
    return OutbreakTable(frame[OUTBREAK_COLUMNS].reset_index(drop=True), source, notes)


def onset_months(outbreaks: pd.DataFrame) -> pd.DataFrame:
    """One row per area and month in which an outbreak started (the onset event)."""
    onsets = outbreaks.assign(month=outbreaks["start"].dt.to_period("M"))
    return onsets.drop_duplicates(["area_id", "month"])[["country", "area_id", "area", "month"]]


def _blank(values: pd.Series) -> pd.Series:
    """Empty or missing cells (the readers turn NA spellings into missing)."""
    return values.isna() | (values.astype("string").str.strip() == "").fillna(True)


def _dates(raw: pd.DataFrame, column: str, source: str) -> pd.Series:
    text = raw[column].astype("string").str.strip()
    dates = pd.to_datetime(text, format="%m/%d/%Y", errors="coerce")
    iso = dates.isna() & text.notna()
    dates[iso] = pd.to_datetime(text[iso], format="%Y-%m-%d", errors="coerce")
    bad_rows(dates.isna(), raw, column, source, "a date M/D/YYYY or YYYY-MM-DD")
    return dates


def _number(raw: pd.DataFrame, column: str, source: str) -> pd.Series:
    if column not in raw.columns:
        return pd.Series(float("nan"), index=raw.index)
    text = raw[column].astype("string").str.strip()
    values = pd.to_numeric(text, errors="coerce")
    bad_rows(values.isna() & text.notna(), raw, column, source, "a number or an empty cell (NA)")
    return values.astype(float)
