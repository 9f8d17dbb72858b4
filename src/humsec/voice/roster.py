"""Roster (repeat-group) indicators: members' 0/1 answers turned into one value per household.

A perception or need is often asked of each member of a household roster (e.g. "does this child go
to school?"); the survey design is the household's, so the members' values are aggregated to their
household first and the household values are then estimated like any other indicator. The aggregates
(declared once in ``AGGREGATES``), over the members in the indicator's base (asked and answering, not
``missing``):

- ``any``: 1 if at least one member is positive (a share of households);
- ``all``: 1 if every member is positive (a share of households);
- ``count``: the number of positive members (a mean per household);
- ``share``: the members' share positive (a mean of household shares, 0-1).

A household with no member in the base (no roster rows, nobody asked, or only don't-know answers) is
out of the indicator's base, whatever the aggregate, and counted in the notes.

>>> import pandas as pd
>>> members = np.array([1.0, 0.0, np.nan, 0.0, np.nan])
>>> parent = pd.Series(["1", "1", "1", "2", "3"])
>>> households = pd.Series(["1", "2", "3", "4"])
>>> [household_values(members, parent, households, how).tolist() for how in AGGREGATES]
[[1.0, 0.0, nan, nan], [0.0, 0.0, nan, nan], [1.0, 0.0, nan, nan], [0.5, 0.0, nan, nan]]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["AGGREGATES", "BINARY_AGGREGATES", "household_values"]

#: how members' 0/1 values become a household value (declared once)
AGGREGATES = ("any", "all", "count", "share")
#: the aggregates that give a 0/1 household value (estimated as shares, logit intervals)
BINARY_AGGREGATES = ("any", "all")
_REDUCERS = {"any": "max", "all": "min", "count": "sum", "share": "mean"}


def household_values(
    members: np.ndarray, parent: pd.Series, households: pd.Series, how: str
) -> np.ndarray:
    """One value per household (in the order of ``households``, the main table's ``_index``) from the
    members' 0/1 values (NaN: not in the base) and their household (``parent``, ``_parent_index``)."""
    if how not in AGGREGATES:
        raise ValueError(f"aggregate must be one of {', '.join(AGGREGATES)}. Got {how!r} instead.")
    frame = pd.DataFrame({"household": parent.astype(str).to_numpy(), "value": members})
    frame = frame.dropna(subset=["value"])
    grouped = frame.groupby("household", sort=False)["value"]
    per_household = grouped.agg(_REDUCERS[how])
    return households.astype(str).map(per_household).to_numpy(dtype=np.float64)
