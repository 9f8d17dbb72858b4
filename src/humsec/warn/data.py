"""One entry point for early-warning data: an event file or a ready panel → a MonthlyPanel.

A file with the event date column (``date_start`` unless a column spec says otherwise) is read as
events and summed by country or admin-1 area (by polygon where boundaries are given); any other
file is a long or wide panel. The notes say what was dropped or assigned how.

>>> import io
>>> panel, notes = load_panel(io.StringIO("unit,month,fatalities\\nA,2020-01,1\\nA,2020-02,0\\n"))
>>> panel.units, panel.values.tolist()
(('A',), [[1.0, 0.0]])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from humsec.core.boundaries import Boundaries
from humsec.warn.event_panel import events_to_panel
from humsec.warn.events import EventColumns, read_events
from humsec.warn.monthly import read_panel, read_table
from humsec.warn.monthly_panel import MonthlyPanel

__all__ = ["load_panel"]


def load_panel(
    data: Any,
    *,
    unit: Literal["country", "admin1"] = "country",
    value: str = "fatalities",
    columns: EventColumns | None = None,
    boundaries: Mapping[str, Boundaries] | None = None,
    first_month: str | None = None,
    last_month: str | None = None,
) -> tuple[MonthlyPanel, list[str]]:
    """Read events or a panel; with boundaries, neighbours (spatial lags) are attached."""
    cols = columns or EventColumns()
    raw, source = read_table(data)
    if cols.date in raw.columns:
        events = read_events(raw, cols, source=source, last_month=last_month)
        panel, report = events_to_panel(
            events, unit=unit, boundaries=boundaries, first_month=first_month, last_month=last_month
        )
        notes = events.report + report.lines()
    else:
        table = read_panel(raw, value=value, source=source, last_month=last_month)
        panel = MonthlyPanel.from_long(table.frame, first_month=first_month, last_month=last_month)
        notes = table.report
    if boundaries:
        neighbours = {
            f"{country}|{name}": [f"{country}|{n}" for n in ns]
            for country, b in boundaries.items()
            for name, ns in b.neighbours().items()
        }
        panel = panel.with_neighbours(neighbours)
        notes.append(f"neighbours from the boundaries of {', '.join(boundaries)}")
    notes.append(
        f"panel: {len(panel.units)} units × {panel.n_months} months "
        f"({panel.months[0]}..{panel.months[-1]})"
    )
    return panel, notes
