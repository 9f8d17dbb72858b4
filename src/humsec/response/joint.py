"""Suggested joint programmes ("Delivering as One"): where several sectors fall short in one area,
one programme that combines the mandates those needs call for, and the organisations already there.

For each area, the *interlinked unmet needs* are its sectors with people in need and coverage below
``max_coverage`` (a sector where nobody reports counts as coverage 0; one where reach is unknown, as
in a presence-only 3W, is taken as unmet only when nobody works there; overlapping categories such
as intersectoral or multi-sector never count: their people are already in their parts). An area with at least
``min_sectors`` of them gets a suggestion:

- ``people_unreached`` = the largest single-sector gap: at least that many people lack a service
  (the sum over sectors, ``people_unreached_sum``, is the upper bound: the same people are often
  in need in several sectors);
- ``lead_agencies``: the cluster lead agencies whose mandates cover those sectors (IASC cluster
  leads shipped in ``datasets/data/cluster_leads.yaml``, editable);
- ``partners``: organisations present in at least one of the sectors there, those in several first
  (natural conveners); ``sectors_without_partner``: sectors where nobody works;
- ``evidence``: the gap table rows (``gap_rank``) the suggestion rests on.

Suggestions are ranked by ``people_unreached``. With survey microdata,
:func:`humsec.response.multiple.add_multiple_needs` adds how many people are in need in
several of an area's unmet sectors at once (``people_multiple_needs``), the people a joint programme
serves (people in need: what the 3W reaches is not subtracted).

>>> import pandas as pd
>>> gaps = pd.DataFrame({"area": ["A", "A", "B"], "sector": ["Health", "WASH", "Health"],
...     "sector_key": ["health", "wash", "health"], "people_in_need": [100.0, 80.0, 50.0],
...     "coverage": [0.2, 0.0, 0.9], "n_orgs": [1, 0, 1], "gap_score": [80.0, 80.0, 5.0],
...     "gap_rank": [1, 1, 3]})
>>> acts = pd.DataFrame({"area": ["A", "B"], "sector": ["health", "health"], "orgs": [["MSF"], ["X"]]})
>>> s = joint_programmes(gaps, acts).iloc[0]
>>> s["area"], s["sectors"], float(s["people_unreached"]), s["lead_agencies"], s["sectors_without_partner"]
('A', 'Health; WASH', 80.0, 'UNICEF; WHO', 'WASH')
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from humsec.core.codelists import sector_kind
from humsec.core.errors import SpecError

__all__ = ["cluster_leads", "joint_programmes"]


def cluster_leads(path: str | Path | None = None) -> dict[str, list[str]]:
    """Sector key → lead agencies, from the shipped IASC list or a YAML file of the same shape."""
    from humsec.response.gaps import canonical_sector

    source = (
        Path(path)
        if path is not None
        else Path(str(resources.files("humsec.datasets") / "data" / "cluster_leads.yaml"))
    )
    from humsec.core.files import read_config

    raw = read_config(source, what="a lead-agency list (YAML: sector: [agency, ...])")
    problems = []
    if not isinstance(raw, dict):
        raise SpecError([(str(source), "expected a mapping sector: [agency, ...]")])
    for sector, agencies in raw.items():
        if not (isinstance(agencies, list) and all(isinstance(a, str) for a in agencies)):
            problems.append((f"{source}: {sector}", "expected a list of agency names"))
    if problems:
        raise SpecError(problems)
    return {canonical_sector(k): list(v) for k, v in raw.items()}


def joint_programmes(
    gaps: pd.DataFrame,
    activities: pd.DataFrame | None = None,
    *,
    max_coverage: float = 0.5,
    min_sectors: int = 2,
    leads: dict[str, list[str]] | None = None,
) -> pd.DataFrame:
    """Suggested joint programmes from a gap table (:func:`response_gaps`) and the activity rows
    (:func:`load_activities`: ``area``, ``sector`` key, ``orgs``); see the module docstring."""
    if not 0 < max_coverage <= 1:
        raise ValueError(f"max_coverage must be in (0, 1]. Got {max_coverage!r} instead.")
    if min_sectors < 1:
        raise ValueError(f"min_sectors must be at least 1. Got {min_sectors!r} instead.")
    leads = cluster_leads() if leads is None else leads
    g = gaps[gaps["people_in_need"].fillna(0) > 0].copy()
    # an intersectoral / multi-sector row counts people already in its parts: not one more unmet sector
    g = g[g["sector_key"].map(sector_kind) != "overlapping"]
    coverage = g["coverage"].where(~(g["coverage"].isna() & (g["n_orgs"] == 0)), 0.0)
    unmet = g[coverage.lt(max_coverage).fillna(False)]
    present: dict[tuple[str, str], set[str]] = {}
    if activities is not None:
        for area, sector, orgs in zip(
            activities["area"], activities["sector"], activities["orgs"], strict=True
        ):
            present.setdefault((str(area), str(sector)), set()).update(orgs)
    rows: list[dict[str, Any]] = []
    for area, part in unmet.groupby("area", sort=False):
        if len(part) < min_sectors:
            continue
        part = part.sort_values("gap_score", ascending=False)
        keys = list(part["sector_key"])
        orgs_by_sector = {k: present.get((str(area), k), set()) for k in keys}
        reach: dict[str, int] = {}
        for orgs in orgs_by_sector.values():
            for o in orgs:
                reach[o] = reach.get(o, 0) + 1
        partners = sorted(reach, key=lambda o: (-reach[o], o))
        agencies = sorted({a for k in keys for a in leads.get(k, [])})
        row = {
            "area": area,
            "sectors": "; ".join(part["sector"].astype(str)),
            "sector_keys": "; ".join(keys),
            "n_sectors": len(part),
            "people_unreached": float(part["gap_score"].max()),
            "people_unreached_sum": float(part["gap_score"].sum()),
            "lead_agencies": "; ".join(agencies),
            "sectors_without_lead": "; ".join(
                s for s, k in zip(part["sector"], keys, strict=True) if k not in leads
            ),
            "partners": "; ".join(partners),
            "conveners": "; ".join(o for o in partners if reach[o] > 1),
            "sectors_without_partner": "; ".join(
                s for s, k in zip(part["sector"], keys, strict=True) if not orgs_by_sector[k]
            ),
            "evidence": "gap_rank " + ", ".join(str(r) for r in part["gap_rank"]),
        }
        if "area_name" in part.columns:
            row["area_name"] = part["area_name"].iloc[0]
        rows.append(row)
    columns = [
        "area",
        "area_name",
        "sectors",
        "sector_keys",
        "n_sectors",
        "people_unreached",
        "people_unreached_sum",
        "lead_agencies",
        "sectors_without_lead",
        "partners",
        "conveners",
        "sectors_without_partner",
        "evidence",
    ]
    out = pd.DataFrame(rows, columns=columns)
    if "area_name" not in gaps.columns:
        out = out.drop(columns="area_name")
    out = out.sort_values(["people_unreached", "area"], ascending=[False, True])
    out.insert(0, "rank", range(1, len(out) + 1))
    return out.reset_index(drop=True)
