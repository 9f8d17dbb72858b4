"""Read IPC acute food insecurity analyses into one table: area × analysis × period type.

Three layouts are read (the layout is recognised from the content, not the file name):

* the IPC API ``population`` answer (JSON list of analyses, each with ``areas``);
* the HDX HAPI "food security" CSV (one row per area × period × ``ipc_phase``; rows with an
  ``error`` are dropped and counted, as HAPI itself does);
* a flat CSV with one row per area and period (``period_type``, ``phaseN_population``, ...),
  e.g. ``ipc_ken_county_long.csv``.

Every layout gives the columns of :data:`IPC_COLUMNS`: ``ipc_type`` is ``current``,
``first_projection`` or ``second_projection``; ``start``/``end`` are the months of the validity
period; ``issued`` is the month the analysis was published (the analysis date; for HAPI, which has
none, the start of the matching current period - see :func:`infer_issued`).

>>> import pandas as pd
>>> flat = pd.DataFrame({"analysis_date": ["Jul 2021"], "period_type": ["current"],
...     "period_start_month": ["Jul 2021"], "period_end_month": ["Oct 2021"],
...     "area_name": ["Turkana"], "adm1_pcode": ["KE023"], "estimated_population": ["926976"],
...     "phase1_population": ["139046"], "phase2_population": ["417139"],
...     "phase3_population": ["278093"], "phase4_population": ["92698"], "phase5_population": ["0"]})
>>> table = read_ipc(flat)
>>> table.frame[["area", "ipc_type", "start", "p3plus"]].to_dict("records")
[{'area': 'Turkana', 'ipc_type': 'current', 'start': Period('2021-07', 'M'), 'p3plus': 370791.0}]
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from humsec.core.areas import canonical_area
from humsec.core.errors import DataError
from humsec.hazard._files import bad_rows, read_text_table, require_columns, source_name

__all__ = ["IPC_COLUMNS", "IPC_TYPES", "PHASES", "IPCTable", "read_ipc"]

#: the period types of an IPC analysis (declared once: readers, scores and CLI read it)
IPC_TYPES = ("current", "first_projection", "second_projection")
PHASES = ("phase1", "phase2", "phase3", "phase4", "phase5")
IPC_COLUMNS = [
    "country",
    "level",
    "area_id",
    "area",
    "pcode",
    "analysis",
    "issued",
    "ipc_type",
    "start",
    "end",
    "population",
    *PHASES,
    "p3plus",
    "overall_phase",
]
#: phase sums may differ from the analysed population by this share (IPC rounds to 5 %)
SUM_TOLERANCE = 0.05
_HAPI_TYPES = {
    "current": "current",
    "first projection": "first_projection",
    "second projection": "second_projection",
}
_FLAT_TYPES = {
    "current": "current",
    "projected": "first_projection",
    "first_projection": "first_projection",
    "second_projected": "second_projection",
    "second_projection": "second_projection",
}
# other spellings of the flat layout's columns (first found wins)
_FLAT_ALIASES = {
    "area": ["area_name_ipc", "area_name", "area", "name"],
    "pcode": ["adm2_pcode", "adm1_pcode", "pcode", "admin2_code", "admin1_code"],
    "population": ["estimated_population", "population", "analysed_population"],
    "issued": ["analysis_date", "date_of_analysis", "issued"],
}


@dataclass(frozen=True)
class IPCTable:
    """IPC analyses in the :data:`IPC_COLUMNS` layout, with what reading dropped or assumed."""

    frame: pd.DataFrame
    source: str
    notes: list[str] = field(default_factory=list)


def read_ipc(data: Any, *, level: int | None = None, tolerance: float = SUM_TOLERANCE) -> IPCTable:
    """Read an IPC API JSON, HAPI food-security CSV or flat CSV (path, stream or pandas frame).

    ``level`` keeps one admin level (HAPI has 0, 1 and 2); ``tolerance`` is the relative gap between
    the phase populations' sum and the analysed population that is accepted silently (beyond it
    the areas are reported in the notes; IPC rounds shares to 5 %).
    """
    source = source_name(data)
    notes: list[str] = []
    if _is_json(data):
        doc = json.loads(_read_bytes(data).decode("utf-8-sig"))
        frame = _from_api_json(doc, source, notes)
    else:
        raw = read_text_table(data, source=source)
        if "ipc_phase" in raw.columns:
            frame = _from_hapi(raw, source, notes)
        else:
            frame = _from_flat(raw, source, notes)
    if level is not None:
        if frame["level"].isna().all():
            notes.append(f"admin level {level}: the file does not say the admin level; all areas kept")
        else:
            kept = frame["level"] == level
            notes.append(f"admin level {level}: {int(kept.sum()):,} of {len(frame):,} area-periods")
            frame = frame[kept]
    if frame.empty:
        msg = f"{source}: no IPC area data{'' if level is None else f' at admin level {level}'}."
        raise DataError(msg)
    frame = _complete(frame.reset_index(drop=True), tolerance, source, notes)
    return IPCTable(frame[IPC_COLUMNS], source, notes)


# ----------------------------------------------------------------------------- layouts
def _is_json(data: Any) -> bool:
    if isinstance(data, (list, dict)):
        return True
    if not isinstance(data, (str, Path)) and not hasattr(data, "read"):
        return False  # a dataframe
    head = _read_bytes(data)[:64].lstrip(b"\xef\xbb\xbf \r\n\t")
    return head[:1] in (b"[", b"{")


def _read_bytes(data: Any) -> bytes:
    if isinstance(data, (list, dict)):
        return json.dumps(data).encode()
    if isinstance(data, (str, Path)):
        raw = Path(data).read_bytes()
    else:  # a stream: read once, rewind for the next reader
        raw = data.read()
        data.seek(0)
    if raw[:2] == b"\x1f\x8b":
        import gzip

        raw = gzip.decompress(raw)
    return raw


def _from_api_json(doc: Any, source: str, notes: list[str]) -> pd.DataFrame:
    analyses = doc if isinstance(doc, list) else [doc]
    rows, empty, grouped, repeated = [], [], [], []
    suffixes = {
        "current": ("", "current_period_dates"),
        "first_projection": ("_projected", "projected_period_dates"),
        "second_projection": ("_second_projected", "second_projected_period_dates"),
    }
    for n, analysis in enumerate(analyses, start=1):
        if not isinstance(analysis, dict):
            msg = f"{source}: analysis {n} is not a JSON object."
            raise DataError(msg)
        title = analysis.get("title") or analysis.get("id") or f"analysis {n}"
        areas, repeats = _api_areas(analysis)
        if repeats:
            repeated.append(f"{title} ({repeats})")
        if analysis.get("groups") and areas:
            grouped.append(str(title))
        if not areas:
            empty.append(str(title))
            continue
        issued = _month(
            analysis.get("analysis_date"), f"{source}, analysis {title!r}, analysis_date"
        )
        for ipc_type, (suffix, dates_key) in suffixes.items():
            start, end = _period(
                analysis.get(dates_key), f"{source}, analysis {title!r}, {dates_key}"
            )
            for area in areas:
                phases = [area.get(f"{p}_population{suffix}") for p in PHASES]
                if all(v is None for v in phases):
                    continue
                # the area's "population" is the national total (an API trap): use the estimate
                population = area.get(f"estimated_population{suffix}") or None
                rows.append(
                    {
                        "country": analysis.get("country"),
                        "level": np.nan,
                        # IPC area ids change with every analysis: the name is the stable key
                        "area_id": canonical_area(area.get("name")).lower(),
                        "area": area.get("name"),
                        "pcode": None,
                        "analysis": str(title),
                        "issued": issued,
                        "ipc_type": ipc_type,
                        "start": start,
                        "end": end,
                        "population": population,
                        **dict(zip(PHASES, phases, strict=True)),
                        "p3plus": area.get(f"p3plus{suffix}"),
                        "overall_phase": area.get(f"overall_phase{suffix}"),
                    }
                )
    if empty:
        notes.append(f"{len(empty)} analyses without area data dropped: {', '.join(empty)}")
    if grouped:
        notes.append(
            f"{len(grouped)} analyses give their areas under 'groups' (read from there): "
            + ", ".join(grouped)
        )
    if repeated:
        notes.append(
            "areas repeated identically under several groups counted once: " + ", ".join(repeated)
        )
    frame = pd.DataFrame(rows, columns=IPC_COLUMNS)
    unnamed = frame["area"].isna() | (frame["area"].astype(str).str.strip() == "")
    if unnamed.any():
        first = frame[unnamed].iloc[0]
        msg = (
            f"{source}: analysis {first['analysis']!r} has {int(unnamed.sum())} area row(s) "
            "without a 'name': expected every area to be named (names pair areas across analyses)."
        )
        raise DataError(msg)
    for column in ["population", *PHASES, "p3plus", "overall_phase"]:
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna() & frame[column].notna()
        if bad.any():
            first = frame[bad].iloc[0]
            msg = (
                f"{source}: analysis {first['analysis']!r}, area {first['area']!r}, "
                f"{first['ipc_type']} {column}: expected a number; got {first[column]!r} "
                f"({int(bad.sum())} such value(s))."
            )
            raise DataError(msg)
        frame[column] = values
    return frame


def _api_areas(analysis: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """An IPC API analysis's areas and how many identical repeats were dropped.

    Areas sit under ``areas`` or, in some analyses (Kenya, Aug 2020 and Feb 2021), under
    ``groups[i].areas``; the API then repeats every area under each group, so an area that is
    identical to one already read is counted once.

    >>> a = {"id": "1", "name": "X", "phase3_population": 5}
    >>> areas, repeats = _api_areas({"groups": [{"areas": [a]}, {"areas": [dict(a)]}]})
    >>> [x["name"] for x in areas], repeats
    (['X'], 1)
    """
    found = [a for a in analysis.get("areas") or [] if isinstance(a, dict)]
    for group in analysis.get("groups") or []:
        if isinstance(group, dict):
            found += [a for a in group.get("areas") or [] if isinstance(a, dict)]
    areas, seen = [], set()
    for area in found:
        key = json.dumps(area, sort_keys=True, default=str)
        if key not in seen:
            seen.add(key)
            areas.append(area)
    return areas, len(found) - len(areas)


def _from_hapi(raw: pd.DataFrame, source: str, notes: list[str]) -> pd.DataFrame:
    needed = [
        "location_code",
        "admin_level",
        "ipc_phase",
        "ipc_type",
        "population_in_phase",
        "reference_period_start",
        "reference_period_end",
    ]
    require_columns(raw, needed, source)
    if "error" in raw.columns:
        errors = raw["error"].notna()
        if errors.any():
            counts = raw.loc[errors, "error"].value_counts()
            top = "; ".join(f"{reason!r} {n:,}" for reason, n in counts.head(4).items())
            notes.append(f"{int(errors.sum()):,} HAPI rows with an error dropped ({top})")
        raw = raw[~errors]
    types = raw["ipc_type"].str.strip().str.lower()
    bad_rows(~types.isin(list(_HAPI_TYPES)), raw, "ipc_type", source, f"one of {list(_HAPI_TYPES)}")
    phases = raw["ipc_phase"].str.strip().str.lower()
    allowed = ["all", "1", "2", "3", "4", "5", "3+"]
    bad_rows(~phases.isin(allowed), raw, "ipc_phase", source, f"one of {allowed}")
    people = _numbers(raw, "population_in_phase", source)
    start = _months(raw, "reference_period_start", source)
    end = _months(raw, "reference_period_end", source)
    names = [c for c in ("provider_admin1_name", "provider_admin2_name") if c in raw.columns]
    level = pd.to_numeric(raw["admin_level"], errors="coerce")
    bad_rows(level.isna(), raw, "admin_level", source, "0, 1 or 2")
    long = pd.DataFrame(
        {
            "country": raw["location_code"],
            "level": level,
            # the P-code where HAPI matched one (stable across analyses), else IPC's own names
            "area_id": _pcode(raw, level).fillna(
                raw[["location_code", *names]].fillna("").agg("|".join, axis=1).str.rstrip("|")
            ),
            "area": _first_of(
                raw,
                ["admin2_name", "provider_admin2_name", "admin1_name", "provider_admin1_name"],
                level,
            ),
            "pcode": _pcode(raw, level),
            "ipc_type": types.map(_HAPI_TYPES),
            "start": start,
            "end": end,
            "phase": phases,
            "people": people,
        }
    )
    key = ["country", "level", "area_id", "ipc_type", "start", "end", "phase"]
    dup = long.duplicated(key, keep=False)
    bad_rows(
        dup,
        raw.assign(row_key=long["area_id"]),
        "row_key",
        source,
        "one row per area, ipc_type, period and ipc_phase (after dropping error rows)",
    )
    # unique keys were checked above, so an unstack is the pivot (pivot_table would build every
    # combination of the index levels: minutes on HAPI's 15,000 rows)
    wide = long.groupby([*key], dropna=False, sort=False)["people"].first().unstack("phase")
    wide = wide.rename(
        columns={"all": "population", "3+": "p3plus", **{str(k): f"phase{k}" for k in range(1, 6)}}
    )
    wide = wide.reindex(columns=["population", *PHASES, "p3plus"]).reset_index()
    wide = wide.dropna(subset=["population", *PHASES, "p3plus"], how="all")
    labels = long.drop_duplicates(key[:-1]).set_index(key[:-1])[["area", "pcode"]]
    wide = wide.join(labels, on=key[:-1])
    wide["analysis"] = None
    wide["overall_phase"] = np.nan
    wide["issued"] = infer_issued(wide, notes)
    return wide


def _from_flat(raw: pd.DataFrame, source: str, notes: list[str]) -> pd.DataFrame:
    cols = {
        name: next((c for c in options if c in raw.columns), None)
        for name, options in _FLAT_ALIASES.items()
    }
    needed = ["period_type", "period_start_month", *[f"{p}_population" for p in PHASES]]
    require_columns(raw, needed + ([] if cols["area"] else ["area_name"]), source)
    types = raw["period_type"].str.strip().str.lower()
    bad_rows(
        ~types.isin(list(_FLAT_TYPES)), raw, "period_type", source, f"one of {list(_FLAT_TYPES)}"
    )
    start = _months(raw, "period_start_month", source)
    end = _months(raw, "period_end_month", source, required=False) if "period_end_month" in raw else start
    issued = _months(raw, cols["issued"], source) if cols["issued"] else start
    frame = pd.DataFrame(
        {
            "country": raw.get("country"),
            "level": _numbers(raw, "level", source) if "level" in raw else np.nan,
            # IPC area ids change with every analysis: the P-code (else the name) is the stable key
            "area_id": (
                raw[cols["pcode"]]
                if cols["pcode"]
                else raw[cols["area"]].map(lambda n: canonical_area(n).lower())
            ),
            "area": raw[cols["area"]],
            "pcode": raw[cols["pcode"]] if cols["pcode"] else None,
            "analysis": raw.get("analysis_title", raw.get("analysis_id")),
            "issued": issued,
            "ipc_type": types.map(_FLAT_TYPES),
            "start": start,
            "end": end.fillna(start),
            "population": _numbers(raw, cols["population"], source)
            if cols["population"]
            else np.nan,
            **{p: _numbers(raw, f"{p}_population", source) for p in PHASES},
            "p3plus": _numbers(raw, "p3plus", source) if "p3plus" in raw else np.nan,
            "overall_phase": _numbers(raw, "overall_phase", source)
            if "overall_phase" in raw
            else np.nan,
        }
    )
    if frame["level"].isna().all() and cols["pcode"] in ("adm1_pcode", "admin1_code"):
        frame["level"] = 1
    if frame["level"].isna().all() and cols["pcode"] in ("adm2_pcode", "admin2_code"):
        frame["level"] = 2
    if frame["country"].isna().all() and cols["pcode"]:
        frame["country"] = frame["pcode"].str[:2]  # COD P-codes start with the ISO2 code
    key = ["area_id", "ipc_type", "start", "issued"]
    bad_rows(
        frame.duplicated(key, keep=False),
        frame.assign(row=frame["area"]),
        "row",
        source,
        "one row per area, period type, period start and analysis date (duplicated rows)",
    )
    return frame


# ----------------------------------------------------------------------------- checks
def _complete(frame: pd.DataFrame, tolerance: float, source: str, notes: list[str]) -> pd.DataFrame:
    """Fill what can be derived (population, Phase 3+) and report sums beyond the tolerance."""
    phase_sum = frame[list(PHASES)].sum(axis=1, min_count=1)
    missing_pop = frame["population"].isna() | (frame["population"] <= 0)
    if missing_pop.any():
        notes.append(
            f"{int(missing_pop.sum()):,} area-periods give no analysed population: "
            "the sum of the phase populations is used"
        )
        frame.loc[missing_pop, "population"] = phase_sum[missing_pop]
    p3 = frame[["phase3", "phase4", "phase5"]].sum(axis=1, min_count=1)
    frame["p3plus"] = frame["p3plus"].fillna(p3)
    gap = (phase_sum - frame["population"]).abs() / frame["population"]
    off = gap > tolerance
    if off.any():
        shown = ", ".join(
            f"{a} {s} ({g:.0%})"
            for a, s, g in zip(
                frame.loc[off, "area"], frame.loc[off, "start"], gap[off], strict=True
            )
        )[:400]
        notes.append(
            f"{int(off.sum()):,} area-periods whose phases sum more than {tolerance:.0%} "
            f"away from the analysed population (kept; shares use the analysed population): "
            f"{shown}"
        )
    p3_gap = (p3 - frame["p3plus"]).abs() > np.maximum(1.0, tolerance * frame["population"])
    if p3_gap.any():
        notes.append(
            f"{int(p3_gap.sum()):,} area-periods whose Phase 3+ differs from phases 3-5 "
            "beyond the tolerance (the published Phase 3+ is kept)"
        )
    negative = (frame[["population", *PHASES, "p3plus"]] < 0).any(axis=1)
    if negative.any():
        msg = f"{source}: negative populations for areas {sorted(set(frame.loc[negative, 'area']))[:5]}."
        raise DataError(msg)
    unordered = (frame["end"] < frame["start"]).fillna(False)
    if unordered.any():
        msg = (
            f"{source}: periods that end before they start for areas "
            f"{sorted(set(frame.loc[unordered, 'area'].astype(str)))[:5]}; expected start <= end."
        )
        raise DataError(msg)
    _note_overlaps(frame, notes)
    return frame


def _note_overlaps(frame: pd.DataFrame, notes: list[str]) -> None:
    current = frame[frame["ipc_type"] == "current"].sort_values(["area_id", "start", "end"])
    prev_end = current.groupby("area_id")["end"].shift()
    overlap = (current["start"] <= prev_end).fillna(False)
    if overlap.any():
        notes.append(
            f"{int(overlap.sum()):,} current analyses overlap the previous current analysis "
            "of the same area (both kept; each is a target)"
        )


def infer_issued(frame: pd.DataFrame, notes: list[str]) -> pd.Series:
    """When each row was published, for layouts that do not say (HAPI).

    A current analysis is published at the start of its period. A projection belongs to the latest
    current analysis of the same area that starts before it and ends 0 to 2 months (first
    projection) or 0 to 8 months (second projection) before the projection starts; without one it is taken as
    published at its own start (never earlier, so no forecast uses it too soon) and counted.
    """
    issued = frame["start"].copy()
    current = frame[frame["ipc_type"] == "current"][["area_id", "start", "end"]]
    windows = {"first_projection": 2, "second_projection": 8}
    unmatched = 0
    for ipc_type, months in windows.items():
        proj = frame[frame["ipc_type"] == ipc_type]
        if proj.empty:
            continue
        pairs = (
            proj[["area_id", "start"]]
            .reset_index()
            .merge(current, on="area_id", suffixes=("", "_cur"))
        )
        # a projection starts after its analysis' current period ends, within the window
        after = pairs["start"].astype("int64") - pairs["end"].astype("int64")
        ok = (after >= 0) & (after <= months) & (pairs["start_cur"] < pairs["start"])
        best = pairs[ok].sort_values("start_cur").groupby("index")["start_cur"].last()
        issued.loc[best.index] = best
        unmatched += len(proj) - len(best)
    if unmatched:
        notes.append(
            f"{unmatched:,} projections without a matching current analysis of the same "
            "area: taken as published at the start of their own period"
        )
    return issued


# ----------------------------------------------------------------------------- cells
def _numbers(raw: pd.DataFrame, column: str, source: str) -> pd.Series:
    text = raw[column].astype("string").str.replace(",", "", regex=False).str.strip()
    values = pd.to_numeric(text, errors="coerce")
    bad_rows(
        values.isna() & text.notna(), raw, column, source, "a number (people) or an empty cell"
    )
    bad_rows(values < 0, raw, column, source, "a number of people >= 0")
    return values.astype(float)


def _months(raw: pd.DataFrame, column: str, source: str, *, required: bool = True) -> pd.Series:
    """The column's months; an empty cell is an error when ``required`` (an analysis needs its
    start and publication month), text that is not a month always is."""
    text = raw[column].astype("string").str.strip()
    parsed = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    for fmt in ("%Y-%m-%d", "%b %Y", "%B %Y", "%Y-%m", "%m/%d/%Y", "%d/%m/%Y"):
        todo = parsed.isna() & text.notna()
        if not todo.any():
            break
        parsed[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
    bad_rows(
        parsed.isna() & (text.notna() | required),
        raw,
        column,
        source,
        "a month such as 'Jul 2021', '2021-07' or a date '2021-07-01'",
    )
    return parsed.dt.to_period("M")


def _month(value: Any, where: str) -> pd.Period:
    try:
        return pd.Period(pd.to_datetime(str(value), format="%b %Y"), "M")
    except (ValueError, TypeError) as exc:
        msg = f"{where}: expected a month such as 'Jul 2021'; got {value!r}."
        raise DataError(msg) from exc


def _period(value: Any, where: str) -> tuple[pd.Period | None, pd.Period | None]:
    if not value:
        return None, None
    first, _, last = str(value).partition(" - ")
    return _month(first, where), _month(last or first, where)


def _first_of(raw: pd.DataFrame, columns: list[str], level: pd.Series) -> pd.Series:
    present = [c for c in columns if c in raw.columns]
    name = pd.Series(None, index=raw.index, dtype=object)
    for col in present:
        if "admin2" in col:
            name = name.where(name.notna() | (level < 2), raw[col])
        else:
            name = name.fillna(raw[col])
    return name.fillna(raw["location_code"])


def _pcode(raw: pd.DataFrame, level: pd.Series) -> pd.Series:
    adm1 = raw["admin1_code"] if "admin1_code" in raw else pd.Series(None, index=raw.index)
    adm2 = raw["admin2_code"] if "admin2_code" in raw else pd.Series(None, index=raw.index)
    return adm2.where(level >= 2, adm1.where(level >= 1, raw["location_code"]))
