"""Signals by area and period in one long table: rainfall (HAPI dekadal, CHIRPS seasonal) and any other.

Every reader returns :data:`SIGNAL_COLUMNS`: ``area_id`` is the P-code where the file has one,
``start``/``end`` the days the value covers, ``signal`` its name and unit, ``value`` a number.

>>> import pandas as pd
>>> t = read_signal(pd.DataFrame({"area": ["KE023"], "period": ["2022-03"], "signal": ["ndvi_anomaly"],
...                               "value": ["-0.12"]}))
>>> t.frame[["area_id", "start", "end", "signal", "value"]].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
[{'area_id': 'KE023', 'start': Timestamp('2022-03-01 00:00:00'), 'end': Timestamp('2022-03-31 00:00:00'),
  'signal': 'ndvi_anomaly', 'value': -0.12}]
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from humsec.core.errors import DataError
from humsec.hazard._files import bad_rows, read_text_table, require_columns, source_name

__all__ = ["HAPI_AGGREGATIONS", "SIGNAL_COLUMNS", "SignalTable", "read_rainfall", "read_signal"]

SIGNAL_COLUMNS = ["country", "level", "area_id", "area", "start", "end", "signal", "value"]
#: the rolling sums of the HAPI/WFP rainfall table (each row's dates are the dekad's)
HAPI_AGGREGATIONS = ("dekad", "1-month", "3-month")
_HAPI_SIGNALS = {
    "rainfall": "rainfall_mm",
    "rainfall_long_term_average": "rainfall_lta_mm",
    "rainfall_anomaly_pct": "rainfall_anomaly_pct",
}
_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}


@dataclass(frozen=True)
class SignalTable:
    """Signals in the :data:`SIGNAL_COLUMNS` layout, with what reading dropped or assumed."""

    frame: pd.DataFrame
    source: str
    notes: list[str] = field(default_factory=list)


def read_rainfall(data: Any, *, aggregation: str = "dekad", year: int | None = None) -> SignalTable:
    """Read the HAPI/WFP rainfall CSV or a CHIRPS seasonal anomaly table (recognised by columns).

    ``aggregation`` keeps one of :data:`HAPI_AGGREGATIONS` (HAPI rows of the three overlap);
    ``year`` dates CHIRPS seasons (``marmay``, ``octdec``), whose table carries no year.
    """
    source = source_name(data)
    raw = read_text_table(data, source=source)
    notes: list[str] = []
    if "rainfall" in raw.columns:
        frame = _hapi_rainfall(raw, source, aggregation, notes)
    elif "CHIRPS_mean" in raw.columns:
        frame = _chirps_seasonal(raw, source, year, notes)
    else:
        msg = (
            f"{source}: not a rainfall table; expected the HAPI columns (rainfall, "
            "rainfall_long_term_average, rainfall_anomaly_pct, ...) or CHIRPS_mean and Season. "
            f"Columns: {', '.join(list(raw.columns)[:20])}."
        )
        raise DataError(msg)
    _no_duplicates(frame, source)
    return SignalTable(frame[SIGNAL_COLUMNS].reset_index(drop=True), source, notes)


def read_signal(
    data: Any,
    *,
    area: str = "area",
    period: str = "period",
    signal: str = "signal",
    value: str = "value",
    name: str | None = None,
) -> SignalTable:
    """A generic long table: one row per area, period (YYYY-MM or a date) and signal.

    Without a ``signal`` column, ``name`` names the one signal the file holds. Rows with an empty
    value are dropped and counted.
    """
    source = source_name(data)
    raw = read_text_table(data, source=source)
    has_signal = signal in raw.columns
    if not has_signal and name is None:
        require_columns(raw, [area, period, signal, value], source)
    require_columns(raw, [area, period, value], source)
    notes: list[str] = []
    empty = raw[value].isna()
    if empty.any():
        notes.append(f"{int(empty.sum()):,} rows with an empty {value!r} dropped")
        raw = raw[~empty].reset_index(drop=True)
    text = raw[period].astype("string").str.strip()
    monthly = text.str.fullmatch(r"\d{4}-\d{2}")
    start = pd.to_datetime(
        text.where(~monthly, text + "-01").str[:10], errors="coerce", format="%Y-%m-%d"
    )
    bad_rows(start.isna(), raw, period, source, "a month YYYY-MM or a date YYYY-MM-DD")
    end = start.where(~monthly, start + pd.offsets.MonthEnd(0))
    frame = pd.DataFrame(
        {
            "country": raw.get("country"),
            "level": _number(raw, "level", source) if "level" in raw else float("nan"),
            "area_id": raw[area].str.strip(),
            "area": raw[area].str.strip(),
            "start": start,
            "end": end,
            "signal": raw[signal] if has_signal else name,
            "value": _number(raw, value, source),
        }
    )
    _no_duplicates(frame, source)
    return SignalTable(frame[SIGNAL_COLUMNS], source, notes)


def _hapi_rainfall(
    raw: pd.DataFrame, source: str, aggregation: str, notes: list[str]
) -> pd.DataFrame:
    if aggregation not in HAPI_AGGREGATIONS:
        msg = f"aggregation must be one of {list(HAPI_AGGREGATIONS)}; got {aggregation!r}."
        raise DataError(msg)
    needed = [
        "location_code",
        "admin_level",
        "aggregation_period",
        "reference_period_start",
        "reference_period_end",
        *_HAPI_SIGNALS,
    ]
    require_columns(raw, needed, source)
    hxl = raw["location_code"].fillna("").str.startswith("#")
    if hxl.any():  # HXL hashtag row under the header: not data
        raw = raw[~hxl]
    if "error" in raw.columns and raw["error"].notna().any():
        notes.append(f"{int(raw['error'].notna().sum()):,} HAPI rows with an error dropped")
        raw = raw[raw["error"].isna()]
    raw = raw[raw["aggregation_period"] == aggregation].reset_index(drop=True)
    notes.append(f"aggregation {aggregation!r}: {len(raw):,} area-periods")
    level = pd.to_numeric(raw["admin_level"], errors="coerce")
    bad_rows(level.isna(), raw, "admin_level", source, "0, 1 or 2")
    adm1 = raw.get("admin1_code", pd.Series(None, index=raw.index))
    adm2 = raw.get("admin2_code", pd.Series(None, index=raw.index))
    name1 = raw.get("admin1_name", pd.Series(None, index=raw.index))
    name2 = raw.get("admin2_name", pd.Series(None, index=raw.index))
    base = pd.DataFrame(
        {
            "country": raw["location_code"],
            "level": level,
            "area_id": adm2.where(level >= 2, adm1.where(level >= 1, raw["location_code"])),
            "area": name2.where(level >= 2, name1.where(level >= 1, raw["location_code"])),
            "start": _dates(raw, "reference_period_start", source),
            "end": _dates(raw, "reference_period_end", source),
        }
    )
    for column in _HAPI_SIGNALS:
        base[column] = _number(raw, column, source)
    base = _merge_provider_areas(base, raw, source, notes)
    parts = [
        base[[*base.columns[:6]]].assign(signal=signal, value=base[column])
        for column, signal in _HAPI_SIGNALS.items()
    ]
    return pd.concat(parts, ignore_index=True).dropna(subset=["value"])


def _merge_provider_areas(
    base: pd.DataFrame, raw: pd.DataFrame, source: str, notes: list[str]
) -> pd.DataFrame:
    """Several provider areas can map to one P-code (HAPI Mozambique: 216 dekads): their rainfall
    and long-term average are pixel-weighted means, and the anomaly is recomputed from them."""
    key = ["area_id", "start", "end"]
    dup = base.duplicated(key, keep=False)
    if not dup.any():
        return base
    if "number_pixels" not in raw.columns:
        return base  # reported as duplicates by the caller
    w = _number(raw, "number_pixels", source).fillna(0.0)
    frame = base.assign(_w=w, _rw=base["rainfall"] * w, _lw=base["rainfall_long_term_average"] * w)
    sums = frame.groupby(key, sort=False).agg(
        _w=("_w", "sum"), _rw=("_rw", "sum"), _lw=("_lw", "sum"), n=("_w", "size")
    )
    merged = frame.drop_duplicates(key).set_index(key)
    merged["rainfall"] = sums["_rw"] / sums["_w"]
    merged["rainfall_long_term_average"] = sums["_lw"] / sums["_w"]
    many = sums["n"] > 1
    merged.loc[many, "rainfall_anomaly_pct"] = (
        100 * merged["rainfall"] / merged["rainfall_long_term_average"]
    )[many]
    codes = sorted(set(merged.index[many].get_level_values("area_id")))
    notes.append(
        f"{int(many.sum()):,} area-periods ({len(codes)} P-codes: {', '.join(codes[:5])}) "
        "join several provider areas: pixel-weighted means, anomaly recomputed"
    )
    return merged.reset_index()[base.columns]


def _chirps_seasonal(
    raw: pd.DataFrame, source: str, year: int | None, notes: list[str]
) -> pd.DataFrame:
    require_columns(raw, ["ADM_PCODE", "ADM_LEVEL", "Season", "CHIRPS_mean"], source)
    if year is None:
        msg = (
            f"{source}: CHIRPS seasonal tables carry no year; pass the season's year "
            "(year=2022)."
        )
        raise DataError(msg)
    season = raw["Season"].str.strip().str.lower()
    first = season.str[:3].map(_MONTHS)
    last = season.str[3:6].map(_MONTHS)
    bad_rows(
        first.isna() | last.isna() | (season.str.len() != 6),
        raw,
        "Season",
        source,
        "two month abbreviations such as 'marmay' or 'octdec'",
    )
    # a season that wraps the year end (e.g. 'novjan') ends in the next year
    end_year = year + (last < first).astype(int)
    start = pd.to_datetime({"year": year, "month": first, "day": 1})
    end = pd.to_datetime({"year": end_year, "month": last, "day": 1}) + pd.offsets.MonthEnd(0)
    notes.append(
        f"CHIRPS seasons dated in {year}; values are mm anomalies against the long-term mean"
    )
    level = pd.to_numeric(raw["ADM_LEVEL"], errors="coerce")
    bad_rows(level.isna(), raw, "ADM_LEVEL", source, "an admin level 0-3")
    return pd.DataFrame(
        {
            "country": raw.get("alpha_3"),
            "level": level,
            "area_id": raw["ADM_PCODE"],
            "area": raw.get("ADM_REF", raw["ADM_PCODE"]),
            "start": start,
            "end": end,
            "signal": "rainfall_anomaly_mm",
            "value": _number(raw, "CHIRPS_mean", source),
        }
    )


def _number(raw: pd.DataFrame, column: str, source: str) -> pd.Series:
    text = raw[column].astype("string").str.strip()
    values = pd.to_numeric(text, errors="coerce")
    bad_rows(values.isna() & text.notna(), raw, column, source, "a number or an empty cell")
    return values.astype(float)


def _dates(raw: pd.DataFrame, column: str, source: str) -> pd.Series:
    dates = pd.to_datetime(raw[column].str[:10], errors="coerce", format="%Y-%m-%d")
    bad_rows(dates.isna(), raw, column, source, "a date YYYY-MM-DD")
    return dates


def _no_duplicates(frame: pd.DataFrame, source: str) -> None:
    dup = frame.duplicated(["area_id", "start", "end", "signal"], keep=False)
    if dup.any():
        first = frame[dup].iloc[0]
        msg = (
            f"{source}: {int(dup.sum()):,} duplicated rows (same area, period and signal), e.g. "
            f"{first['area_id']} {first['start']:%Y-%m-%d} {first['signal']}; expected one value each."
        )
        raise DataError(msg)
