"""Duplication and partnership: where many organisations do the same thing, and who works with whom.

- ``duplication``: area × sector cells with at least ``min_orgs`` distinct organisations (default 3),
  with the organisations listed;
- ``pairs``: for every two organisations, the cells where both work, and the Jaccard overlap of their
  footprints (shared cells / cells of either): high overlap with different mandates is a partnership
  to build on, high overlap with the same mandate a duplication to coordinate.

>>> import pandas as pd
>>> acts = pd.DataFrame({"area": ["A", "A", "A", "B"], "sector": ["Health"] * 3 + ["Health"],
...                      "org": ["X", "Y", "Z", "X"]})
>>> res = response_overlap(acts, min_orgs=3)
>>> res.duplication[["area", "sector", "n_orgs", "orgs"]].to_dict("records")
[{'area': 'A', 'sector': 'Health', 'n_orgs': 3, 'orgs': 'X; Y; Z'}]
>>> res.pairs.query("org_a == 'X' and org_b == 'Y'")[["shared_cells", "jaccard"]].to_dict("records")
[{'shared_cells': 1, 'jaccard': 0.5}]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, ClassVar

import pandas as pd

from humsec.core.result import ResultBase
from humsec.response.gaps import load_activities

__all__ = ["OverlapResult", "response_overlap"]


@dataclass
class OverlapResult(ResultBase):
    """Crowded area × sector cells (``duplication``) and the overlap of organisation ``pairs``."""

    tables: ClassVar[tuple[str, ...]] = ("duplication", "pairs")

    duplication: pd.DataFrame
    pairs: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    @property
    def report(self) -> list[str]:
        """The notes (the name this result used before every result had ``notes``)."""
        return self.notes

    def _frame(self, table: str) -> pd.DataFrame:
        return (self.duplication if table == "duplication" else self.pairs).copy()

    def summary(self) -> str:
        lines = [
            f"Overlap: {len(self.duplication)} crowded area × sector cell(s), "
            f"{len(self.pairs)} organisation pair(s)"
        ]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)


def response_overlap(
    activities: Any,
    *,
    columns: Mapping[str, str] | None = None,
    min_orgs: int = 3,
    sectors: Mapping[str, str] | None = None,
) -> OverlapResult:
    """Cells with many organisations, and the overlap of every pair of organisations."""
    a, report = load_activities(activities, columns, sectors)
    a = a.dropna(subset=["org"])
    cells = a.groupby(["area", "sector"]).agg(
        sector_name=("sector_name", "first"), orgs=("orgs", lambda s: sorted(set().union(*s)))
    )
    cells["n_orgs"] = cells["orgs"].map(len)
    dup = cells[cells["n_orgs"] >= min_orgs].reset_index()
    dup = dup.assign(
        orgs=dup["orgs"].map("; ".join), sector_key=dup["sector"], sector=dup["sector_name"]
    )
    dup = dup.sort_values(["n_orgs", "area"], ascending=[False, True])[
        ["area", "sector", "sector_key", "n_orgs", "orgs"]
    ]
    footprint: dict[str, set[tuple[str, str]]] = {}
    for orgs, area, sector in zip(a["orgs"], a["area"], a["sector"], strict=True):
        for org in orgs:
            footprint.setdefault(str(org), set()).add((str(area), str(sector)))
    rows = []
    for x, y in combinations(sorted(footprint), 2):
        shared = footprint[x] & footprint[y]
        if shared:
            union = footprint[x] | footprint[y]
            rows.append((x, y, len(shared), len(shared) / len(union), len({s for _, s in shared})))
    pairs = pd.DataFrame(
        rows, columns=["org_a", "org_b", "shared_cells", "jaccard", "shared_sectors"]
    )
    pairs = pairs.sort_values(["shared_cells", "jaccard"], ascending=False).reset_index(drop=True)
    return OverlapResult(dup.reset_index(drop=True), pairs, report)
