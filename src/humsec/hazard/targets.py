"""Targets of food-insecurity early warning: the Phase 3+ share, the area phase, the crisis event.

The area phase follows the IPC acute food insecurity area rule (IPC Technical Manual 3.1, as FEWS NET
states it): an area is in Phase *k* when at least 20 % of its people are in Phase *k* or worse;
its phase is the most severe such *k* (Phase 1 when fewer than 20 % are in Phase 2 or worse).
The manual adds evidence on malnutrition and mortality for Famine (Phase 5), which population
tables do not carry: a derived Phase 5 means "at least 20 % in Phase 5", not a famine classification.

>>> import pandas as pd
>>> people = pd.DataFrame({"phase1": [50, 70], "phase2": [30, 10], "phase3": [10, 15],
...                        "phase4": [10, 5], "phase5": [0, 0]})
>>> area_phase(people).tolist()   # 20 % in 3+ -> Phase 3; 20 % in 3+ -> Phase 3
[3, 3]
>>> area_phase(people.assign(phase4=[9, 4])).tolist()  # 19.2 % and 19.2 % in 3+ -> Phase 2
[2, 2]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from humsec.hazard.ipc import PHASES

__all__ = ["AREA_RULE_SHARE", "CRISIS_PHASE", "add_targets", "area_phase", "phase_agreement"]

#: share of the people in a phase or worse that puts the area in that phase (IPC area rule)
AREA_RULE_SHARE = 0.20
#: an area in this phase or worse is "in crisis" (IPC Phase 3+)
CRISIS_PHASE = 3


def area_phase(people: pd.DataFrame, *, share: float = AREA_RULE_SHARE) -> pd.Series:
    """The area phase (1-5) by the IPC 20 % rule from the phase populations (NA without people)."""
    counts = people[list(PHASES)].to_numpy(dtype=float)
    total = np.nansum(counts, axis=1)
    # people in phase k or worse, as a share of everyone classified
    worse = np.cumsum(np.nan_to_num(counts)[:, ::-1], axis=1)[:, ::-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = worse / total[:, None]
    # a small epsilon: 20 % computed from rounded populations must count as 20 %
    meets = shares >= share - 1e-9
    phase = np.where(meets, np.arange(1, 6), 0).max(axis=1)
    out = pd.Series(phase, index=people.index, dtype="Int64")
    return out.mask(total <= 0)


def add_targets(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``p3plus_share`` (Phase 3+ people / analysed people), ``area_phase`` and ``crisis``."""
    out = frame.copy()
    out["p3plus_share"] = out["p3plus"] / out["population"]
    out["area_phase"] = area_phase(out)
    out["crisis"] = (
        (out["area_phase"] >= CRISIS_PHASE).astype("boolean").mask(out["area_phase"].isna())
    )
    return out


def phase_agreement(frame: pd.DataFrame) -> tuple[float, int]:
    """Share of area-periods whose published ``overall_phase`` equals the 20 %-rule phase, and n.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"phase1": [80, 50], "phase2": [10, 20], "phase3": [10, 30],
    ...                   "phase4": [0, 0], "phase5": [0, 0], "overall_phase": [2, 2]})
    >>> phase_agreement(t)
    (0.5, 2)
    """
    published = pd.to_numeric(frame["overall_phase"], errors="coerce")
    derived = area_phase(frame)
    both = published.notna() & derived.notna()
    n = int(both.sum())
    if n == 0:
        return float("nan"), 0
    return float((published[both] == derived[both]).mean()), n
