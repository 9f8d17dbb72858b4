"""Events → unit-month panel: each event goes to a country or an admin-1 area, by name or polygon.

Admin-1 units are named ``<country>|<area>``. For a country whose boundaries are given, an event
goes to the polygon containing its coordinates; an event outside every polygon (or without
coordinates) falls back to its own admin-1 name when that name is one of the polygons, and is
dropped otherwise. For other countries the event's own admin-1 name is used, canonicalised
(:func:`humsec.core.areas.canonical_area`); events without one are dropped. Every step is counted
in :class:`AssignmentReport`: outside, disagreeing with the event's own name, dropped.

>>> import io
>>> from humsec.warn.events import read_events
>>> text = ("id,date_start,best,country,adm_1\\n1,2018-01-05,3,Myanmar,Kayin State\\n"
...         "2,2018-03-02,4,Myanmar,Karen State\\n3,2018-03-09,1,Myanmar,\\n")
>>> panel, rep = events_to_panel(read_events(io.StringIO(text)), unit="admin1")
>>> panel.units, panel.values.tolist()
(('Myanmar|Kayin',), [[3.0, 0.0, 4.0]])
>>> rep.lines()[-1]
'1 event(s) (1 fatalities) without an admin-1 name dropped'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from humsec.core.areas import canonical_area, match_areas
from humsec.core.boundaries import Boundaries
from humsec.core.errors import ColumnNotFoundError, SpecError
from humsec.warn.events import EventTable
from humsec.warn.monthly_panel import MonthlyPanel

__all__ = ["AssignmentReport", "events_to_panel"]


@dataclass
class AssignmentReport:
    """How events were assigned to units (counts of events, and of their fatalities)."""

    events: int = 0
    by_polygon: dict[str, int] = field(default_factory=dict)  # country -> events placed in polygons
    outside: dict[str, int] = field(default_factory=dict)  # country -> outside every polygon
    disagree: dict[str, int] = field(default_factory=dict)  # polygon ≠ event's own admin-1 name
    disagree_examples: list[tuple[str, str, str]] = field(default_factory=list)
    by_name: dict[str, int] = field(default_factory=dict)  # country -> placed by own admin-1 name
    dropped: int = 0
    dropped_fatalities: float = 0.0

    def lines(self) -> list[str]:
        out = [f"{self.events} event(s)"]
        for c, n in self.by_polygon.items():
            out.append(
                f"{c}: {n} event(s) placed by point-in-polygon; {self.outside.get(c, 0)} outside "
                f"every polygon; {self.disagree.get(c, 0)} in a polygon other than their own "
                "admin-1 name"
            )
        for c, n in self.by_name.items():
            out.append(f"{c}: {n} event(s) placed by their own admin-1 name (no boundaries given)")
        out.append(
            f"{self.dropped} event(s) ({self.dropped_fatalities:g} fatalities) without an admin-1 "
            "name dropped"
        )
        return out


def events_to_panel(
    events: EventTable,
    *,
    unit: Literal["country", "admin1"] = "country",
    boundaries: Mapping[str, Boundaries] | None = None,
    units: Sequence[str] | None = None,
    first_month: str | None = None,
    last_month: str | None = None,
) -> tuple[MonthlyPanel, AssignmentReport]:
    """Sum event fatalities by unit and month (zeros filled).

    ``boundaries`` maps a country name (as in the events) to its admin-1 polygons. ``units``, when
    given, is the full list of known units: any other unit name is an error that lists the names
    and the nearest known ones.
    """
    frame = events.frame
    report = AssignmentReport(events=len(frame))
    if unit not in ("country", "admin1"):
        raise SpecError([("unit", f"{unit!r}: expected 'country' or 'admin1'")])
    needed = ["country"] + (["admin1"] if unit == "admin1" else [])
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ColumnNotFoundError(missing, list(frame.columns), events.source)
    if unit == "country":
        names = frame["country"].astype(str)
    else:
        names = _admin1_names(frame, boundaries or {}, report)
    keep = names.notna()
    report.dropped = int((~keep).sum())
    report.dropped_fatalities = float(frame.loc[~keep, "fatalities"].sum())
    long = pd.DataFrame(
        {"unit": names[keep], "month": frame.loc[keep, "month"], "fatalities": frame.loc[keep, "fatalities"]}
    )
    if units is not None:
        match_areas(long["unit"], list(units), source=events.source)
    panel = MonthlyPanel.from_long(
        long, units=units, first_month=first_month, last_month=last_month
    )
    return panel, report


def _admin1_names(
    frame: pd.DataFrame, boundaries: Mapping[str, Boundaries], report: AssignmentReport
) -> pd.Series:
    own = frame["admin1"].where(frame["admin1"].notna() & (frame["admin1"].astype(str).str.strip() != ""))
    own_canon = own.map(canonical_area, na_action="ignore")
    result = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    for country in pd.unique(frame["country"].astype(str)):
        rows = (frame["country"].astype(str) == country).to_numpy()
        if country in boundaries:
            b = boundaries[country]
            if "latitude" not in frame or "longitude" not in frame:
                raise ColumnNotFoundError(["latitude", "longitude"], list(frame.columns))
            placed = np.array(
                b.assign(frame.loc[rows, "longitude"], frame.loc[rows, "latitude"]), dtype=object
            )
            inside = np.array([p is not None for p in placed])
            own_c = own_canon[rows].to_numpy()
            known = {canonical_area(n): n for n in b.names}
            fallback = np.array([known.get(o) if isinstance(o, str) else None for o in own_c])
            final = np.where(inside, placed, fallback)
            differs = inside & np.array(
                [isinstance(o, str) and canonical_area(p) != o for p, o in zip(placed, own_c, strict=True)]
            )
            report.by_polygon[country] = int(inside.sum())
            report.outside[country] = int((~inside).sum())
            report.disagree[country] = int(differs.sum())
            report.disagree_examples += [
                (country, str(o), str(p))
                for p, o in zip(placed[differs][:5], own_c[differs][:5], strict=True)
            ]
            result[rows] = [f"{country}|{n}" if n is not None else None for n in final]
        else:
            names = own_canon[rows]
            report.by_name[country] = int(names.notna().sum())
            result[rows] = [f"{country}|{n}" if isinstance(n, str) else None for n in names]
    return result
