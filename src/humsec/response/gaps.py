"""Who does what where against needs: coverage and gaps by area × sector (OCHA 3W/4W practice).

``people_reached`` counts nobody twice: by default the largest number reached by any single activity
row in the area × sector (the usual 4W rule: activities in one place largely reach the same people),
``reach="sum"`` gives the upper bound. ``coverage = people_reached / people_in_need``.

``gap_score`` is the number of people in need not reached, ``people_in_need × (1 − min(coverage, 1))``
(= max(people_in_need − people_reached, 0)): an area × sector with at least as much need and at
most as much coverage as another never gets a lower score. ``gap_rank`` 1 is the largest gap.

>>> import pandas as pd
>>> acts = pd.DataFrame({"adm1": ["A", "A", "A", "B"], "cluster": ["Health"] * 3 + ["WASH"],
...                      "partner": ["X", "Y", "X", "Z"], "reached": [100, 300, 50, 10]})
>>> needs = pd.DataFrame({"area": ["A", "B", "B"], "sector": ["Health", "WASH", "Health"],
...                       "people_in_need": [1000, 40, 500]})
>>> cols = {"area": "adm1", "sector": "cluster", "org": "partner", "reached": "reached"}
>>> gaps = response_gaps(acts, needs, columns=cols).table
>>> gaps[["area", "sector", "people_reached", "coverage", "n_orgs", "gap_score"]].to_dict("records")[0]
{'area': 'A', 'sector': 'Health', 'people_reached': 300.0, 'coverage': 0.3, 'n_orgs': 2, 'gap_score': 700.0}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from humsec.core.checks import clean_labels
from humsec.core.codelists import (
    check_names,
    check_pcodes,
    harmonise_sectors,
    match_sector,
    merge_spellings,
    sector_kind,
)
from humsec.core.errors import ColumnNotFoundError, DataError, HumsecError, describe_rows
from humsec.core.result import ResultBase
from humsec.core.tagged import TaggedTable, find_column, read_numbers, read_tagged
from humsec.datasets.places import suggest_names

__all__ = [
    "NEEDS_NOT_USED_COLUMNS",
    "GapResult",
    "canonical_sector",
    "load_activities",
    "parse_columns",
    "read_organisations",
    "response_gaps",
]

ACTIVITY_KEYS = ("area", "sector", "org", "reached", "start", "end", "value_usd", "donor")
HXL_ACTIVITIES = {
    "area": ["#adm1+code", "#adm2+code", "#adm3+code", "#adm1+name", "#adm2+name"],
    "sector": ["#sector"],
    "org": ["#org+impl", "#org"],
    "reached": ["#reached"],
    "start": ["#date+start"],
    "end": ["#date+end"],
    "value_usd": ["#value+usd"],
    "donor": ["#org+funding", "#org+donor"],
}
HXL_NEEDS = {
    "area": ["#adm1+code", "#adm2+code", "#adm3+code"],
    "sector": ["#sector"],
    "people_in_need": ["#inneed"],
}


def canonical_sector(name: Any, extra: Mapping[str, str] | None = None) -> str:
    """A sector name as its key in the IASC global cluster list declared in
    :mod:`humsec.core.codelists` (``SECTORS``, with its alias table): 'Santé' and 'Health' are
    'health'; unknown names stay as they are (folded). ``extra`` adds user synonyms (name -> key).

    >>> canonical_sector("Sécurité Alimentaire"), canonical_sector("Abris et Non vivres")
    ('food', 'shelter')
    """
    return match_sector(name, extra).key


def parse_columns(
    text: str, *, what: str = "column mapping", expected: str = "key=column", strict: bool = False
) -> dict[str, str]:
    """``"area=adm1_pcode,sector=sector"`` -> {"area": "adm1_pcode", ...} (keys checked).

    ``strict``: an empty key or value is an error too (``what`` and ``expected`` word the message).

    >>> parse_columns("area=adm1_pcode, reached=total_reached")
    {'area': 'adm1_pcode', 'reached': 'total_reached'}
    """
    out = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, col = (s.strip() for s in part.partition("="))
        if not sep or (strict and not (key and col)):
            raise HumsecError(f"Cannot read {what} {part!r}; expected {expected}.")
        out[key] = col
    return out


#: Columns of :attr:`GapResult.needs_not_used` (``data_row`` is 1-based, header and tag rows
#: excluded, as in error messages).
NEEDS_NOT_USED_COLUMNS = ["data_row", "area", "column", "sector", "people_in_need", "reason"]


@dataclass
class GapResult(ResultBase):
    """The gap table and notes on what was dropped, assumed or not matched.

    Tables: ``gaps`` (one row per area × sector), ``needs_not_used`` (every needs entry the table
    leaves out, with its reason) and ``activities`` (the cleaned activity rows).
    """

    tables: ClassVar[tuple[str, ...]] = ("gaps", "needs_not_used", "activities")

    table: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    activities: pd.DataFrame | None = None  # the cleaned activity rows the table was built from
    # every needs entry (a row, or a row × sector column of a wide table) that the table does not
    # use, with its reason (NEEDS_NOT_USED_COLUMNS)
    needs_not_used: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=NEEDS_NOT_USED_COLUMNS)
    )

    @property
    def report(self) -> list[str]:
        """The notes (the name this result used before every result had ``notes``)."""
        return self.notes

    def _frame(self, table: str) -> pd.DataFrame:
        frames = {"gaps": self.table, "needs_not_used": self.needs_not_used}
        frames["activities"] = self.activities if self.activities is not None else pd.DataFrame()
        return frames[table].copy()

    def summary(self) -> str:
        t = self.table
        lines = [f"Gaps: {len(t)} area × sector cell(s), {t['area'].nunique() if len(t) else 0} area(s)"]
        if len(t):
            cols = [c for c in ("area", "sector", "people_in_need", "coverage", "gap_rank") if c in t]
            lines.append(t[cols].head(10).to_string(index=False))
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)


def _resolve(
    table: TaggedTable,
    columns: Mapping[str, str] | None,
    hxl: Mapping[str, list[str]],
    required: tuple[str, ...],
    what: str,
) -> dict[str, str]:
    """Map keys to columns: the user's mapping first, else HXL tags; all required keys needed."""
    known = set(hxl) | {"people_in_need"}
    resolved: dict[str, str] = {}
    for key, col in (columns or {}).items():
        if key not in known:
            raise HumsecError(
                f"Unknown key {key!r} in the {what} column mapping; expected {sorted(known)}."
            )
        resolved[key] = col
    for key, patterns in hxl.items():
        if key not in resolved and table.tagged:
            for pattern in patterns:
                found = find_column(
                    table, pattern, exclude=("#reached+total",) if key == "reached" else ()
                )
                if found is not None:
                    resolved[key] = found
                    break
    cols = [str(c) for c in table.frame.columns]
    for key in hxl:  # a column named after the key itself (area, sector, people_in_need, ...)
        if key not in resolved and key in cols:
            resolved[key] = key
    missing_cols = [c for c in resolved.values() if c not in cols]
    if missing_cols:
        raise ColumnNotFoundError(missing_cols, cols, table.source)
    absent = [k for k in required if k not in resolved]
    if absent:
        hint = (
            ""
            if table.tagged
            else " (the file has no HXL tag row: map its columns to keys with columns={key: column})"
        )
        raise HumsecError(
            f"The {what} table{'' if table.source is None else ' ' + table.source} has no column for {absent}{hint}."
        )
    return resolved


@dataclass
class _Needs:
    """The needs table as (data_row, area, column, sector, people_in_need) entries, the entries not
    used (with their reason), the area names the table gives, and notes on how it was read."""

    long: pd.DataFrame
    not_used: pd.DataFrame
    names: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _entries(table: TaggedTable, area: str, column: str, sector: Any) -> pd.DataFrame:
    """One entry per data row: its area, the figure in ``column`` and ``sector`` (a name, a
    column's values, or NA when nothing names it)."""
    frame = table.frame
    return pd.DataFrame(
        {
            "data_row": frame.index + 1,
            "area": _area_labels(frame[area], area, table.source, []),
            "column": column,
            "sector": sector,
            "people_in_need": read_numbers(frame[column], column, table.source),
        },
        index=frame.index,
    )


def _area_names(table: TaggedTable, area: str) -> dict[str, str]:
    """Area code -> name from the needs table: the name column of the area's admin level
    (``#adm3+name`` beside ``#adm3+code``), else a column named ``area_name``."""
    name_col = None
    tag = table.tags.get(area)
    if tag is not None and str(tag.tag).startswith("#adm"):
        name_col = find_column(table, f"{tag.tag}+name")
    if name_col is None and "area_name" in table.frame.columns:
        name_col = "area_name"
    if name_col is None:
        return {}
    pairs = table.frame[[area, name_col]].dropna().astype(str)
    return {c.strip(): n.strip() for c, n in zip(pairs[area], pairs[name_col], strict=True)}


def _needs_long(
    table: TaggedTable, columns: Mapping[str, str] | None, activity_areas: set[str]
) -> _Needs:
    """Needs as (area, sector, people_in_need) entries; wide HXL tables (#inneed+food, #inneed+wash
    ...) are melted, the tag's attribute naming the sector, or for a bare ``#inneed`` the group
    label above its header ("ESNFI"). Among the P-code columns (#adm1/2/3+code) the one sharing
    most codes with the activities is the area (needs per woreda meet a woreda 3W). Entries
    without an area, a sector or a figure are kept aside with their reason, never dropped."""
    frame = table.frame
    only_area = columns is not None and set(columns) == {"area"}
    notes: list[str] = []
    skipped: list[pd.DataFrame] = []
    if (not columns or only_area) and table.tagged and find_column(table, "#sector") is None:
        candidates = [
            c for p in ("#adm3+code", "#adm2+code", "#adm1+code") if (c := find_column(table, p))
        ]
        area = columns["area"] if only_area and columns else None
        if area is None and candidates:
            overlap = [
                len(set(frame[c].astype(str).str.strip()) & activity_areas) for c in candidates
            ]
            area = candidates[int(np.argmax(overlap))] if max(overlap) > 0 else candidates[-1]
        inneed = [(c, t) for c, t in table.tags.items() if t.tag == "#inneed"]
        if area is not None and inneed:
            parts, labelled = [], []
            for col, tag in inneed:
                attributes = getattr(tag, "attribute_list", None) or sorted(tag.attributes)
                if "total" in tag.attributes:
                    reason = "a total over sectors (#inneed+total), not one sector's figure"
                    skipped.append(
                        _entries(table, area, col, "+".join(attributes)).assign(reason=reason)
                    )
                elif attributes:
                    parts.append(_entries(table, area, col, "+".join(attributes)))
                elif col in table.groups:
                    parts.append(_entries(table, area, col, table.groups[col]))
                    labelled.append(f"{table.groups[col]} ({col})")
                else:
                    reason = (
                        "bare #inneed tag: no sector attribute and no group label above the header"
                    )
                    skipped.append(_entries(table, area, col, pd.NA).assign(reason=reason))
            if labelled:
                notes.append(
                    f"{len(labelled)} needs column(s) tagged bare #inneed named by the group label "
                    f"above their header: {', '.join(labelled)}"
                )
            long = (
                pd.concat(parts, ignore_index=True)
                if parts
                else _entries(table, area, area, pd.NA).iloc[:0]
            )
            return _split_unusable(long, skipped, _area_names(table, area), notes, table)
    cols = _resolve(table, columns, HXL_NEEDS, ("area", "sector", "people_in_need"), "needs")
    long = _entries(table, cols["area"], cols["people_in_need"], frame[cols["sector"]])
    long["sector"] = _blank_to_na(long["sector"].astype("string").str.strip())
    return _split_unusable(long, skipped, _area_names(table, cols["area"]), notes, table)


def _duplicate_entries(table: TaggedTable, entries: pd.DataFrame) -> pd.DataFrame:
    """The entries of the exact duplicate rows that were dropped: those of the row they repeat,
    with their own row number and that reason."""
    dups = table.duplicates
    if dups is None or not len(dups):
        return entries.iloc[:0]
    both = pd.concat([table.frame, dups]).sort_index()
    group = both.astype("string").fillna("\x00").groupby(list(both.columns)).ngroup()
    first = group.index.to_series().groupby(group.to_numpy()).transform("min")
    parts = []
    for row in dups.index:
        original = int(first[row]) + 1
        same = entries[entries["data_row"] == original]
        parts.append(
            same.assign(
                data_row=row + 1, reason=f"exact duplicate of an earlier row (data row {original})"
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else entries.iloc[:0]


def _split_unusable(
    long: pd.DataFrame,
    skipped: list[pd.DataFrame],
    names: dict[str, str],
    notes: list[str],
    table: TaggedTable,
) -> _Needs:
    """Entries without an area, a sector or a figure go to the not-used table with their reason."""
    reasons = (
        ("area", "no area code"),
        ("sector", "no sector"),
        ("people_in_need", "no people-in-need figure (blank or '-')"),
    )
    every = pd.concat([long, *[x.drop(columns="reason") for x in skipped if len(x)]])
    kept = long
    for column, reason in reasons:
        missing = kept[column].isna()
        skipped.append(kept[missing].assign(reason=reason))
        kept = kept[~missing]
    skipped.append(_duplicate_entries(table, every))
    not_used = pd.concat(
        [s for s in skipped if len(s)] or [pd.DataFrame(columns=NEEDS_NOT_USED_COLUMNS)],
        ignore_index=True,
    )[NEEDS_NOT_USED_COLUMNS]
    not_used = not_used.sort_values(["data_row", "column"], kind="stable").reset_index(drop=True)
    return _Needs(kept.reset_index(drop=True), not_used, names, notes)


def read_organisations(data: Any) -> dict[str, str]:
    """An organisation code list as {accepted name or acronym: canonical name}. The file has a name
    column (``name`` or HXL ``#org+name``, else the first column) and optionally ``acronym``
    (``#org+acronym``) and ``aliases`` (several separated by ``;``).

    >>> import pandas as pd
    >>> read_organisations(pd.DataFrame({"name": ["World Food Programme"], "acronym": ["WFP"]}))
    {'World Food Programme': 'World Food Programme', 'WFP': 'World Food Programme'}
    """
    table = read_tagged(data)
    frame = table.frame
    lower = {str(c).strip().lower(): c for c in frame.columns}

    def column(tag: str, *names: str) -> Any:
        if table.tagged and (found := find_column(table, tag)) is not None:
            return found
        return next((lower[n] for n in names if n in lower), None)

    name = column("#org+name", "name", "organisation", "organization") or frame.columns[0]
    extra = [c for c in (column("#org+acronym", "acronym"), column("#org+alias", "aliases")) if c]
    mapping: dict[str, str] = {}
    for _, row in frame.iterrows():
        if pd.isna(row[name]) or not str(row[name]).strip():
            continue
        canonical = str(row[name]).strip()
        mapping[canonical] = canonical
        for col in extra:
            if not pd.isna(row[col]):
                for alias in str(row[col]).split(";"):
                    if alias.strip():
                        mapping[alias.strip()] = canonical
    if not mapping:
        raise DataError(
            f"The organisation list {table.source or ''} holds no names.".replace("  ", " ")
        )
    return mapping


def _read_dates(frame: pd.DataFrame, column: str, source: str | None) -> pd.Series:
    """Dates of a column; a cell that is not a date is an error naming the column and rows."""
    raw = frame[column]
    text = raw.astype("string").str.strip()
    parsed = pd.to_datetime(text, errors="coerce", format="mixed", dayfirst=False)
    bad = parsed.isna() & text.notna() & (text != "")
    if bad.any():
        where = f" of {source}" if source else ""
        raise DataError(
            f"Column {column!r}{where} has values that are not dates in "
            f"{describe_rows(bad.index[bad.to_numpy()])} (e.g. {text[bad].iloc[0]!r}); "
            "expected dates such as 2025-01-31."
        )
    return parsed


def _date_checks(a: pd.DataFrame, period: tuple[Any, Any] | None) -> tuple[pd.DataFrame, list[str]]:
    """Reversed date ranges are left out, activities outside ``period`` are left out, and the
    same organisation reporting overlapping periods in one place is reported (the max rule
    counts that place once; a sum would count the same people twice)."""
    report = []
    reversed_ = a["start"].notna() & a["end"].notna() & (a["end"] < a["start"])
    if reversed_.any():
        report.append(
            f"{int(reversed_.sum())} activity row(s) ending before they start left out "
            f"({describe_rows(reversed_.index[reversed_.to_numpy()], 5)} of the activity table)"
        )
        a = a[~reversed_]
    if period is not None:
        lo, hi = (pd.Timestamp(x) if x is not None else None for x in period)
        inside = pd.Series(True, index=a.index)
        if hi is not None:
            inside &= ~(a["start"] > hi)
        if lo is not None:
            inside &= ~(a["end"] < lo)
        undated = a["start"].isna() & a["end"].isna()
        if (~inside).any():
            report.append(f"{int((~inside).sum())} activity row(s) outside the period left out")
        if undated.any():
            report.append(f"{int(undated.sum())} undated activity row(s) kept in the period")
        a = a[inside]
    dated = a.dropna(subset=["start", "end"]).explode("orgs")
    overlapping = 0
    for _, g in dated.groupby(["orgs", "area", "sector"]):
        if len(g) > 1:
            g = g.sort_values("start")
            if (g["start"].iloc[1:].to_numpy() <= g["end"].cummax().iloc[:-1].to_numpy()).any():
                overlapping += 1
    if overlapping:
        report.append(
            f"{overlapping} organisation × area × sector group(s) report activities over overlapping "
            "dates: the max rule counts them once; the sum rule (reach='sum') may count the same people twice"
        )
    return a, report


def _area_labels(values: pd.Series, column: str, source: str | None, notes: list[str]) -> pd.Series:
    """Area codes or names with the one label rule (humsec.core.checks.clean_labels): surrounding
    spaces removed with a note, codes differing only by case ('KE001', 'ke001') refused."""
    cleaned, said = clean_labels(values.astype("string"), column=column, source=source)
    notes.extend(said)
    return _blank_to_na(cleaned.astype("string"))


def _blank_to_na(values: pd.Series) -> pd.Series:
    """A cell holding only spaces is a missing area, not an area called ''."""
    return values.mask(values == "")


def _best_area_column(table: TaggedTable, default: str, prefer: set[str]) -> str:
    """Among the P-code columns (#adm1/2/3+code), the one sharing most values with ``prefer``."""
    candidates = [
        c for p in ("#adm1+code", "#adm2+code", "#adm3+code") if (c := find_column(table, p))
    ]
    overlap = {
        c: len(set(table.frame[c].dropna().astype(str).str.strip()) & prefer) for c in candidates
    }
    best = max(overlap, key=lambda c: overlap[c], default=default)
    return best if overlap.get(best, 0) > overlap.get(default, 0) else default


def _needs_values(table: TaggedTable, area: str | None = None) -> set[str]:
    """Every value of the needs table's area column (``area``, when the user named it), else of
    its area-like columns (for choosing the activities' admin level)."""
    if area is not None:
        cols = [area] if area in table.frame.columns else []
    else:
        cols = [c for c, t in table.tags.items() if str(t.tag).startswith("#adm")]
        cols += [c for c in table.frame.columns if str(c).strip().lower() in ("area", "pcode")]
    return {str(v).strip() for c in cols for v in table.frame[c].dropna()}


def load_activities(
    activities: Any,
    columns: Mapping[str, str] | None = None,
    sectors: Mapping[str, str] | None = None,
    *,
    organisations: Mapping[str, str] | None = None,
    period: tuple[Any, Any] | None = None,
    prefer_areas: set[str] | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """A 3W/4W/5W table as (area, sector_name, sector, org, orgs, reached, start, end) rows, and a
    report of what was dropped, merged or assumed (exact duplicates, rows without area or sector,
    organisation spellings, dates, no reached column). When the table has area codes at several
    levels (``#adm1+code`` and ``#adm2+code``), the one sharing most values with ``prefer_areas``
    (the needs table's areas) is used."""
    acts = read_tagged(activities)
    report = []
    if acts.duplicates_dropped:
        report.append(f"{acts.duplicates_dropped} exact duplicate activity row(s) dropped")
    cols = _resolve(acts, columns, HXL_ACTIVITIES, ("area", "sector", "org"), "activities")
    if prefer_areas and not (columns and "area" in columns) and acts.tagged:
        cols["area"] = _best_area_column(acts, cols["area"], prefer_areas)
    presence_only = "reached" not in cols
    if presence_only:
        report.append(
            "no people-reached column (a presence-only 3W): coverage is unknown where organisations work"
        )
    reached = (
        pd.Series(np.nan, index=acts.frame.index)
        if presence_only
        else read_numbers(acts.frame[cols["reached"]], cols["reached"], acts.source)
    )
    no_date = pd.Series(pd.NaT, index=acts.frame.index, dtype="datetime64[ns]")
    a = pd.DataFrame(
        {
            "area": _area_labels(acts.frame[cols["area"]], cols["area"], acts.source, report),
            "sector_name": acts.frame[cols["sector"]].astype("string").str.strip(),
            "org": acts.frame[cols["org"]].astype("string").str.strip(),
            "reached": reached,
            "start": _read_dates(acts.frame, cols["start"], acts.source)
            if "start" in cols
            else no_date,
            "end": _read_dates(acts.frame, cols["end"], acts.source) if "end" in cols else no_date,
        }
    )
    # one cell may list several sectors ("Health;Protection", as IATI 3W tables do): the row
    # counts in each, as a 4W row per sector would (commas are not separators: "Eau, ...")
    several = a["sector_name"].str.contains(r"[;|]", na=False)
    if several.any():
        report.append(
            f"{int(several.sum())} activity row(s) list several sectors ('A; B'): counted in each"
        )
        a = a.assign(sector_name=a["sector_name"].str.split(r"\s*[;|]\s*")).explode("sector_name")
        a["sector_name"] = _blank_to_na(a["sector_name"].astype("string").str.strip())
    # "(No corresponding humanitarian cluster)", "n/a": no sector
    no_sector = a["sector_name"].str.lower().str.match(r"^\(?\s*(no|none|n/?a)\b", na=False)
    if no_sector.any():
        a.loc[no_sector, "sector_name"] = pd.NA
        # a row listing a sector beside the marker keeps its sector; only the marker goes
        has_sector = a["sector_name"].notna().groupby(level=0).transform("any")
        a = a[a["sector_name"].notna() | ~has_sector]
        a = a[~a.index.duplicated() | a["sector_name"].notna()]
        marked = set(no_sector.index[no_sector.to_numpy()]) - set(a.index[a["sector_name"].notna()])
        if marked:
            report.append(f"{len(marked)} activity row(s) marked as having no sector")
    # one cell may list several organisations ("A; B"): each counts once, under one spelling
    # "A; B", "A | B", "A + B" (with a space by the plus: "Plus+" stays one name)
    listed = a["org"].fillna("").str.split(r"\s*[;|]\s*|\s+\+\s*|\s*\+\s+")
    names = pd.Series([x for xs in listed for x in xs if x], dtype="string")
    spelling, merged = merge_spellings(names)
    report += merged
    if organisations:
        matched, unknown = check_names(sorted(set(spelling.values())), organisations)
        spelling = {k: matched.get(v, v) for k, v in spelling.items()}
        if unknown:
            shown = ", ".join(
                f"{n}{f' (nearest: {s})' if s else ''}" for n, s in list(unknown.items())[:8]
            )
            report.append(
                f"{len(unknown)} organisation(s) not in the organisation list, kept as written: {shown}"
            )
    a["orgs"] = listed.map(lambda xs: sorted({spelling[x] for x in xs if x}))
    incomplete = a["area"].isna() | a["sector_name"].isna()
    if incomplete.any():
        report.append(
            f"{incomplete.index[incomplete.to_numpy()].nunique()} activity row(s) without an "
            "area or a sector left out"
        )
        a = a[~incomplete]
    keys, sector_notes = harmonise_sectors(a["sector_name"], sectors)
    a["sector"] = a["sector_name"].map(keys)
    report += [f"activities: {line}" for line in sector_notes]
    a, date_report = _date_checks(a, period)
    return a, report + date_report


def response_gaps(
    activities: Any,
    needs: Any,
    *,
    columns: Mapping[str, str] | None = None,
    needs_columns: Mapping[str, str] | None = None,
    reach: str = "max",
    sectors: Mapping[str, str] | None = None,
    organisations: Mapping[str, str] | None = None,
    period: tuple[Any, Any] | None = None,
    pcodes: pd.DataFrame | None = None,
    strict_pcodes: bool = False,
) -> GapResult:
    """One row per area × sector present in the needs or the activities (see the module docstring).

    ``organisations`` (accepted name or acronym → canonical name, see :func:`read_organisations`)
    merges spellings and reports names not in the list; ``period`` = (start, end) keeps activities
    whose dates meet it; ``pcodes`` (a COD gazetteer such as ``humsec.datasets.places.load_pcodes()``)
    checks the area codes of both tables, names them (``area_name``) and, with ``strict_pcodes``,
    makes an unknown code an error instead of a reported warning.
    """
    if reach not in ("max", "sum"):
        raise HumsecError(f"The 'reach' rule must be 'max' or 'sum'. Got {reach!r} instead.")
    need_tab = read_tagged(needs)
    prefer = _needs_values(need_tab, (needs_columns or {}).get("area"))
    a, report = load_activities(
        activities,
        columns,
        sectors,
        organisations=organisations,
        period=period,
        prefer_areas=prefer,
    )
    if need_tab.duplicates_dropped:
        report.append(f"{need_tab.duplicates_dropped} exact duplicate needs row(s) dropped")
    read = _needs_long(need_tab, needs_columns, set(a["area"].dropna()))
    report += read.notes
    n = read.long
    n["sector_name"] = n["sector"].astype("string")
    keys, sector_notes = harmonise_sectors(n["sector_name"], sectors)
    n["sector"] = n["sector_name"].map(keys)
    report += [f"needs: {line}" for line in sector_notes]
    need = n.groupby(["area", "sector"], as_index=False).agg(
        people_in_need=("people_in_need", "sum"), need_name=("sector_name", "first")
    )
    agg = "max" if reach == "max" else "sum"
    act = a.groupby(["area", "sector"], as_index=False).agg(
        people_reached=("reached", agg),
        n_orgs=("orgs", lambda s: len(set().union(*s))),
        act_name=("sector_name", "first"),
    )
    out = need.merge(act, on=["area", "sector"], how="outer")
    out["n_orgs"] = out["n_orgs"].fillna(0).astype(int)
    out["people_reached"] = out["people_reached"].astype(float)
    out.loc[out["n_orgs"] == 0, "people_reached"] = 0.0  # nobody works there: nobody reached
    with np.errstate(divide="ignore", invalid="ignore"):
        out["coverage"] = out["people_reached"] / out["people_in_need"]
    out.loc[out["people_in_need"] == 0, "coverage"] = np.nan
    pin = out["people_in_need"].fillna(0.0)
    cov = np.where(pin == 0, 1.0, out["coverage"])  # no need recorded: no gap; NaN: reach unknown
    out["gap_score"] = (pin * (1 - np.minimum(cov, 1.0))).astype(float)
    out["gap_rank"] = out["gap_score"].rank(ascending=False, method="min").astype("Int64")
    out["sector_key"] = out["sector"]  # canonical key: 'Santé' and 'Health' meet as 'health'
    out["sector_kind"] = out["sector_key"].map(sector_kind)  # overlapping ones are not added up
    out["sector"] = out["need_name"].fillna(out["act_name"])  # the name users gave
    unmatched_areas = sorted(set(a["area"]) - set(n["area"]))
    if unmatched_areas and len(n):
        near = {
            x: suggest_names(x, sorted(set(n["area"])))
            for x in unmatched_areas[:5]
        }
        hints = ", ".join(
            f"{x}{' (did you mean ' + near[x][0] + '?)' if near[x] else ''}" for x in near
        )
        report.append(f"{len(unmatched_areas)} activity area(s) not in the needs table: {hints}")
    unmatched_sectors = sorted(set(a["sector"]) - set(n["sector"]))
    not_used = read.not_used
    if unmatched_sectors and len(n):
        # say when the needs table has rows for them that could not be used (not the 3W's fault)
        set_aside = {canonical_sector(x, sectors) for x in not_used["sector"].dropna()}
        aside = [s for s in unmatched_sectors if s in set_aside]
        report.append(
            f"sector(s) worked in with no figure in the needs table: {unmatched_sectors[:10]}"
            + (f" ({aside[:10]} have needs entries in 'needs not used')" if aside else "")
        )
    if len(not_used):
        counts = (
            not_used["reason"].str.replace(r" \(data row \d+\)$", "", regex=True).value_counts()
        )
        report.append(
            f"{len(not_used)} needs entr{'y' if len(not_used) == 1 else 'ies'} not used "
            f"(listed in 'needs not used'): "
            + "; ".join(f"{int(k)} {r}" for r, k in counts.items())
        )
    names: dict[str, str] = {}
    needs_areas = pd.concat([n["area"], not_used["area"]]).dropna()
    if pcodes is not None:
        for what, values in (("activity", a["area"]), ("needs", needs_areas)):
            check = check_pcodes(values, pcodes)
            names.update(check.names)
            report += check.report(what)
            if strict_pcodes and check.unknown:
                raise DataError(
                    f"Unknown P-codes in the {what} table: "
                    + "; ".join(check.report(what))
                    + " (run without strict P-codes to keep them and report only)."
                )
    cod_names = out["area"].map(names).astype(object)
    from_needs = cod_names.isna() & out["area"].isin(read.names)
    # woredas below the gazetteer: the needs table names them
    out["area_name"] = cod_names.fillna(out["area"].map(read.names).astype(object))
    if from_needs.any():
        report.append(
            f"{out.loc[from_needs, 'area'].nunique()} area name(s) taken from the needs table"
        )
    table = out[
        [
            "area",
            "area_name",
            "sector",
            "sector_key",
            "sector_kind",
            "people_in_need",
            "people_reached",
            "coverage",
            "n_orgs",
            "gap_score",
            "gap_rank",
        ]
    ]
    return GapResult(
        table.sort_values(["gap_rank", "area", "sector_key"]).reset_index(drop=True),
        report,
        a,
        not_used,
    )
