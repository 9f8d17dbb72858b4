"""People with several unmet needs at once, from survey microdata: whom a joint programme serves.

A gap table says, sector by sector, how many people in an area are not reached; their sum counts a
person with three unmet needs three times, and their largest is only a lower bound on the people a
joint programme reaches. The survey answers the question directly. For area ``a`` (a group of the
``over`` variable), its set ``S_a`` of unmet sectors (from :func:`joint_programmes`, or every sector
the survey measures) and a person ``i`` of that area:

- ``i`` is deprived in sector ``s`` if deprived in *any* of the indicators mapped to ``s``
  (``sectors``: indicator → sector, as for :func:`needs_from_af`);
- ``y_i = 1[#{s ∈ S_a : i deprived in s} ≥ min_sectors]``, times ``1[c_i ≥ k]`` when ``censored``
  (the multidimensionally insecure only, as the sector needs of :func:`needs_from_af` are);
- ``share`` is the weighted mean of ``y`` in the area and survey round, with its Taylor-linearised
  design SE and CI from the AF engine (the area is a domain of the whole design: strata and PSUs
  with replacement), and ``people = share × population`` (CI × population; the population is taken
  as known).

Indicators, cutoffs, weights and the missing-data policy are those of the AF specification, through
the engine's own survey preparation. An indicator that is missing (``reweight`` policy) counts as not
deprived: the share is then a lower bound, and the notes say how many persons that concerns. An area
whose set has fewer sectors measured by the survey than ``min_sectors`` gets no estimate (NaN), not a
structural zero.

>>> import pandas as pd
>>> survey = pd.DataFrame({"d_wtr": [1, 1, 0, 1], "d_cm": [1, 0, 0, 1], "region": ["A", "A", "A", "B"],
...                        "w": [1.0, 1.0, 2.0, 1.0], "psu": [1, 2, 3, 4], "stratum": [1, 1, 1, 1]})
>>> spec = {"dimensions": {"water": ["d_wtr"], "health": ["d_cm"]}, "k": [50],
...         "design": {"weight": "w", "psu": "psu", "strata": "stratum"}}
>>> m = multiple_needs(spec, survey, over="region", k=50, sectors={"d_wtr": "WASH", "d_cm": "Health"},
...                    population={"A": 1000, "B": 10})
>>> m.table[["area", "sectors", "share", "people"]].to_dict("records")
[{'area': 'A', 'sectors': 'health; wash', 'share': 0.25, 'people': 250.0}, {'area': 'B', 'sectors': 'health; wash', 'share': 1.0, 'people': 10.0}]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from humsec.analysis._inputs import as_spec, prepared
from humsec.exceptions import HumsecError
from humsec.measure._cells import SCORE_TOLERANCE
from humsec.tables.af_spec import AFSpec

__all__ = ["MultipleNeeds", "add_multiple_needs", "multiple_needs", "unmet_sectors"]


@dataclass
class MultipleNeeds:
    """The table of :func:`multiple_needs` (one row per area and its notes: what was left out)."""

    table: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def unmet_sectors(joint: pd.DataFrame) -> dict[str, list[str]]:
    """Area → unmet sector keys, from the table of :func:`joint_programmes` (``sector_keys``)."""
    return {
        str(area): [s for s in str(keys).split("; ") if s]
        for area, keys in zip(joint["area"], joint["sector_keys"], strict=True)
    }


def add_multiple_needs(joint: pd.DataFrame, multiple: MultipleNeeds | pd.DataFrame) -> pd.DataFrame:
    """The joint-programme table with ``people_multiple_needs`` (and ``_low``, ``_high``) of each
    area, from :func:`multiple_needs` run with ``unmet=unmet_sectors(joint)``.

    The sector sets must agree: a suggestion whose survey estimate covers another set of sectors
    (a sector no survey indicator measures) says so in ``multiple_needs_sectors``.
    """
    table = multiple.table if isinstance(multiple, MultipleNeeds) else multiple
    cols = {"people": "people_multiple_needs", "people_low": "people_multiple_needs_low",
            "people_high": "people_multiple_needs_high", "sectors": "multiple_needs_sectors"}  # fmt: skip
    missing = [c for c in cols if c not in table.columns]
    if missing:
        msg = f"The multiple-needs table lacks {missing}: run multiple_needs with a population."
        raise HumsecError(msg)
    part = table[["area", *cols]].rename(columns=cols).assign(area=lambda f: f["area"].astype(str))
    out = joint.assign(area=joint["area"].astype(str)).merge(part, on="area", how="left")
    at = list(out.columns).index("people_unreached_sum") + 1
    moved = [*cols.values()]
    rest = [c for c in out.columns if c not in moved]
    return out[[*rest[:at], *moved, *rest[at:]]]


def multiple_needs(
    spec: AFSpec | Mapping[str, Any] | str | Path,
    data: Any,
    *,
    over: str,
    k: float,
    sectors: Mapping[str, str],
    population: Any = None,
    unmet: Mapping[str, Sequence[str]] | None = None,
    min_sectors: int = 2,
    censored: bool = True,
    time: Any = None,
    level: float = 0.95,
    value_labels: Mapping[str, Mapping[Any, str]] | None = None,
    source: str | None = None,
    population_source: str = "the population table",
) -> MultipleNeeds:
    """Share and number of people with at least ``min_sectors`` unmet needs, by area (module docstring).

    ``unmet`` maps an area (the ``over`` value, or its ``pcode`` when the population table has one)
    to its unmet sectors (names or keys); without it, every sector the survey measures counts.
    """
    from humsec.analysis.response_gaps import canonical_sector
    from humsec.analysis.response_needs import population_table

    if not isinstance(min_sectors, int) or min_sectors < 1:
        raise HumsecError(f"'min_sectors' must be an integer ≥ 1. Got {min_sectors!r} instead.")
    if not sectors:
        raise HumsecError(
            "'sectors' must map at least one indicator to a sector (d_wtr=WASH, ...)."
        )
    spec, survey = prepared(
        as_spec(spec), data, [over], k=[k], value_labels=value_labels, source=source
    )
    unknown = sorted(set(sectors) - set(survey.indicators))
    if unknown:
        msg = f"Indicators {unknown} mapped to sectors are not in the specification {list(survey.indicators)}."
        raise HumsecError(msg)
    keys = sorted({canonical_sector(s) for s in sectors.values()})
    # each person × sector: deprived in any of the sector's indicators
    sector_of = [canonical_sector(sectors[n]) if n in sectors else None for n in survey.indicators]
    columns = [[j for j, s in enumerate(sector_of) if s == key] for key in keys]
    by_sector = np.column_stack([survey.deprivations[:, js].max(axis=1) for js in columns])
    notes: list[str] = [f"{d.count} person(s) dropped: {d.reason}" for d in survey.dropped]
    if survey.observed is not None:
        mapped = [j for j, name in enumerate(survey.indicators) if name in sectors]
        unseen = int((~survey.observed[:, mapped]).any(axis=1).sum())
        if unseen:
            notes.append(
                f"{unseen} person(s) miss a sector indicator; a missing indicator counts as not "
                "deprived, so their shares are lower bounds"
            )
    labels = survey.over[0].labels
    pop = None if population is None else population_table(population, population_source)
    area_of = dict(zip(labels, labels, strict=True))
    if pop is not None and "pcode" in pop.columns:
        area_of.update(zip(pop["area"], pop["pcode"].astype(str), strict=True))
    wanted = _sector_sets(unmet, labels, area_of, keys, canonical_sector, notes)
    # y_i for the person's own area's set
    group = survey.cells.groups[0][survey.cells.ids]
    member = np.zeros((len(labels), len(keys)), dtype=np.uint8)
    for g, label in enumerate(labels):
        member[g, [keys.index(s) for s in wanted.get(label, []) if s in keys]] = 1
    count = np.einsum(
        "ij,ij->i", by_sector.astype(np.int64), member[np.maximum(group, 0)].astype(np.int64)
    )
    y = (count >= min_sectors) & (group >= 0)
    if censored:
        y &= survey.score >= k / 100 - SCORE_TOLERANCE
    estimates = _domain_shares(survey, spec, y, group, labels, level)
    if time is None:
        time = estimates["time"].iloc[-1] if len(estimates) else ""
    if str(time) not in set(estimates["time"]):
        raise HumsecError(
            f"No survey round {time!r}; the survey has rounds {sorted(set(estimates['time']))}."
        )
    out = estimates[(estimates["time"] == str(time)) & estimates["group"].isin(list(wanted))].copy()
    out.insert(0, "area", out["group"].map(area_of))
    out["sectors"] = out["group"].map(lambda g: "; ".join(s for s in keys if s in wanted[g]))
    out["n_sectors"] = out["sectors"].map(lambda s: len(s.split("; ")) if s else 0)
    short = out["n_sectors"] < min_sectors
    out.loc[short, ["share", "share_se", "share_low", "share_high"]] = np.nan
    if short.any():
        notes.append(
            f"{int(short.sum())} area(s) have fewer than {min_sectors} unmet sectors the survey measures: "
            f"no estimate ({', '.join(out.loc[short, 'area'].astype(str)[:10])})"
        )
    out["min_sectors"] = min_sectors
    out["k"] = float(k)
    out["censored"] = censored
    if pop is not None:
        out = _people(out, pop, over)
    cols = ["area", "group", "time", "sectors", "n_sectors", "min_sectors", "k", "censored", "share",
            "share_se", "share_low", "share_high", "n", "population", "people", "people_low", "people_high"]  # fmt: skip
    return MultipleNeeds(out[[c for c in cols if c in out.columns]].reset_index(drop=True), notes)


def _sector_sets(
    unmet: Mapping[str, Sequence[str]] | None,
    labels: tuple[str, ...],
    area_of: dict[str, str],
    keys: list[str],
    canonical: Any,
    notes: list[str],
) -> dict[str, list[str]]:
    """Survey group label → its sector keys (every measured sector without ``unmet``)."""
    if unmet is None:
        return {label: list(keys) for label in labels}
    label_of = {area: label for label, area in area_of.items()}
    label_of.update({label: label for label in labels})
    sets: dict[str, list[str]] = {}
    unknown_areas = []
    unmeasured: set[str] = set()
    for area, names in unmet.items():
        label = label_of.get(str(area).strip())
        if label is None:
            unknown_areas.append(str(area))
            continue
        wanted = [canonical(s) for s in names]
        unmeasured.update(s for s in wanted if s not in keys)
        sets[label] = [s for s in dict.fromkeys(wanted) if s in keys]
    if unknown_areas:
        notes.append(
            f"{len(unknown_areas)} area(s) not in the survey's {len(labels)} groups: {unknown_areas[:10]}"
        )
    if unmeasured:
        notes.append(f"sector(s) no survey indicator measures, not counted: {sorted(unmeasured)}")
    return sets


def _domain_shares(
    survey: Any,
    spec: AFSpec,
    y: np.ndarray,
    group: np.ndarray,
    labels: tuple[str, ...],
    level: float,
) -> pd.DataFrame:
    """Weighted mean of y by area (× round) with design SE and CI: the AF engine's headcount of y."""
    from humsec.measure.alkire_foster import AlkireFoster

    psu = survey.cells.psu[survey.cells.ids]
    frame = pd.DataFrame({
        "y": y.astype(np.uint8), "w": survey.weight, "psu": psu, "stratum": survey.psu_stratum[psu],
        "area": np.where(group >= 0, np.asarray(labels, dtype=object)[np.maximum(group, 0)], None),
    })  # fmt: skip
    design = {
        "weight": "w",
        "strata": "stratum",
        "psu": "psu",
        "lonely_psu": spec.design.lonely_psu,
    }
    one: dict[str, Any] = {"dimensions": {"needs": ["y"]}, "k": [100], "design": design}
    if survey.rounds is not None:
        frame["round"] = np.asarray(survey.rounds.labels, dtype=object)[
            survey.cells.round[survey.cells.ids]
        ]
        one["time"] = {"round": "round"}
    f = AlkireFoster(one, level=level).fit(frame, over=["area"]).to_frame()
    f = f[(f["measure"] == "hd") & (f["over"] == "area")]
    return pd.DataFrame({
        "group": f["group"].astype(str), "time": f["time"].astype(str).replace({"nan": "", "None": ""}),
        "share": f["estimate"], "share_se": f["se"], "share_low": f["ci_low"], "share_high": f["ci_high"],
        "n": f["n"].astype(np.int64),
    }).reset_index(drop=True)  # fmt: skip


def _people(out: pd.DataFrame, pop: pd.DataFrame, over: str) -> pd.DataFrame:
    from humsec.exceptions import DataError

    sizes = dict(zip(pop["area"], pop["population"], strict=True))
    out["population"] = out["group"].map(sizes)
    missing = sorted(set(out.loc[out["population"].isna(), "group"]))
    if missing:
        raise DataError(
            f"No population for the {over} group(s) {missing[:10]} (the population table has {sorted(sizes)[:10]})."
        )
    for suffix in ("", "_low", "_high"):
        out[f"people{suffix}"] = out[f"share{suffix}"] * out["population"]
    return out
