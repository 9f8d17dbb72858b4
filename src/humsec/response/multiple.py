"""People in need in several sectors at once, from survey microdata: whom a joint programme serves.

A gap table counts people sector by sector: summing over sectors counts a person with three unmet
needs three times, and the largest sector is only a lower bound on the people a joint programme
serves. The survey answers the question directly. For area ``a`` (a group of the ``over`` variable),
its set ``S_a`` of unmet sectors (from :func:`joint_programmes`, or every sector the survey measures)
and a person ``i`` of that area:

- ``i`` is deprived in sector ``s`` if deprived in *any* of the indicators mapped to ``s``
  (``sectors``: indicator → sector). With person-level data this is exact; :func:`needs_from_af`,
  which has only the area's headcounts, takes the largest indicator's (a lower bound), so the two
  can disagree when a sector has several indicators;
- ``y_i = 1[#{s ∈ S_a : i deprived in s} ≥ min_sectors]``, times ``1[c_i ≥ k]`` when ``censored``
  (the multidimensionally insecure only, as the sector needs of :func:`needs_from_af` are);
- ``share`` is the weighted mean of ``y`` in the area and survey round, with its Taylor-linearised
  design SE and CI from the AF engine (the area is a domain of the whole design: strata and PSUs
  with replacement), and ``people = share × population`` (CI × population; the population is taken
  as known).

These are people *in need* in several of the sectors that the response leaves unmet in the area;
what the 3W reaches is not subtracted (reach is known by sector, not by person), so ``people`` is not
bounded by the gap table's ``people_unreached_sum``.

Indicators, cutoffs, weights and the missing-data policy are those of the AF specification, through
the engine's own survey preparation. Under ``reweight`` a missing indicator counts as not deprived in
its sector (the uncensored share is then a lower bound) while the score is reweighted over the
observed indicators (so a censored share may go either way); the notes count the persons concerned.
An area whose set has fewer sectors measured by the survey than ``min_sectors``, or with nobody in the
survey round, gets no estimate (NaN), not a structural zero; areas estimated from fewer than 30
persons are named in the notes.

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
from numbers import Integral
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from humsec.af import AFSpec, poor, prepare
from humsec.core.errors import DataError, HumsecError

__all__ = [
    "MultipleNeeds",
    "add_multiple_needs",
    "multiple_needs",
    "parse_sectors",
    "unmet_sectors",
]

#: below this many persons an area's share is named in the notes as unreliable
MIN_RELIABLE_N = 30
_ESTIMATES = ["share", "share_se", "share_low", "share_high"]


@dataclass
class MultipleNeeds:
    """The table of :func:`multiple_needs` (one row per area and its notes: what was left out)."""

    table: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def parse_sectors(text: str) -> dict[str, str]:
    """``"d_wtr=WASH,d_cm=Health"`` → {indicator: sector} (the CLI's ``--sectors``).

    >>> parse_sectors("d_wtr=WASH, d_sani=WASH")
    {'d_wtr': 'WASH', 'd_sani': 'WASH'}
    """
    from humsec.response.gaps import parse_columns

    return parse_columns(
        text, what="the sector map entry", expected="indicator=sector", strict=True
    )


def unmet_sectors(joint: pd.DataFrame) -> dict[str, list[str]]:
    """Area → unmet sector keys, from the table of :func:`joint_programmes` (``sector_keys``)."""
    return {
        str(area): [s for s in str(keys).split("; ") if s]
        for area, keys in zip(joint["area"], joint["sector_keys"], strict=True)
    }


def add_multiple_needs(joint: pd.DataFrame, multiple: MultipleNeeds | pd.DataFrame) -> pd.DataFrame:
    """The joint-programme table with ``people_multiple_needs`` (and ``_low``, ``_high``) of each
    area, from :func:`multiple_needs` run with ``unmet=unmet_sectors(joint)``.

    ``multiple_needs_sectors`` lists the sectors the survey measured (a suggestion's sector that no
    survey indicator measures is not among them). A joint table none of whose areas the survey
    table names is an error (area names against P-codes, say).
    """
    table = multiple.table if isinstance(multiple, MultipleNeeds) else multiple
    cols = {"people": "people_multiple_needs", "people_low": "people_multiple_needs_low",
            "people_high": "people_multiple_needs_high", "sectors": "multiple_needs_sectors"}  # fmt: skip
    missing = [c for c in ["area", *cols] if c not in table.columns]
    if missing:
        msg = f"The multiple-needs table lacks {missing}: run multiple_needs with a population."
        raise HumsecError(msg)
    for col in ("area", "people_unreached_sum"):
        if col not in joint.columns:
            raise HumsecError(f"The joint-programme table lacks {col!r} (see joint_programmes).")
    part = table[["area", *cols]].rename(columns=cols).assign(area=lambda f: f["area"].astype(str))
    keys = joint["area"].astype(str)
    if len(joint) and not keys.isin(set(part["area"])).any():
        msg = (
            f"No area of the joint-programme table ({sorted(set(keys))[:5]}) is in the multiple-needs "
            f"table ({sorted(part['area'])[:5]}): are names matched against P-codes?"
        )
        raise HumsecError(msg)
    out = joint.merge(
        part.rename(columns={"area": "_key"}), left_on=keys, right_on="_key", how="left"
    )
    out = out.drop(columns=["_key", "key_0"], errors="ignore")
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
    """Share and number of people in need in at least ``min_sectors`` sectors, by area (module docstring).

    ``unmet`` maps an area (the ``over`` value, or its ``pcode`` when the population table has one)
    to its unmet sectors (names or keys); the output's ``area`` is that key. Without ``unmet`` every
    sector the survey measures counts, and ``area`` is the P-code when there is one. ``time`` is a
    survey round (default: the last).
    """
    from humsec.response.gaps import canonical_sector
    from humsec.response.needs import population_table

    if isinstance(min_sectors, bool) or not isinstance(min_sectors, Integral) or min_sectors < 1:
        raise HumsecError(f"'min_sectors' must be an integer ≥ 1. Got {min_sectors!r} instead.")
    min_sectors = int(min_sectors)
    if not sectors:
        raise HumsecError(
            "'sectors' must map at least one indicator to a sector (d_wtr=WASH, ...)."
        )
    blank = [i for i, name in sectors.items() if not isinstance(name, str) or not name.strip()]
    if blank:
        raise HumsecError(
            f"Indicator(s) {blank} are mapped to no sector name (expected d_wtr=WASH, ...)."
        )
    survey = prepare(spec, data, [over], k=[k], value_labels=value_labels, source=source)
    spec = survey.spec
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
    labels = survey.over[0].labels
    pop = None if population is None else population_table(population, population_source)
    pcode_of = (
        {}
        if pop is None or "pcode" not in pop.columns
        else dict(zip(pop["area"], pop["pcode"], strict=True))
    )
    wanted, key_of = _sector_sets(unmet, labels, pcode_of, keys, canonical_sector, notes)
    # y_i over the person's own area's set
    group = survey.cells.groups[0][survey.cells.ids]
    member = np.zeros((len(labels), len(keys)), dtype=np.int64)
    for g, label in enumerate(labels):
        member[g, [keys.index(s) for s in wanted.get(label, [])]] = 1
    count = np.einsum("ij,ij->i", by_sector.astype(np.int64), member[np.maximum(group, 0)])
    y = (count >= min_sectors) & (group >= 0)
    if censored:
        y &= poor(survey.score, k)
    rounds = survey.rounds.labels if survey.rounds is not None else None
    if rounds is None and time is not None:
        raise HumsecError(
            f"The survey has no rounds (the specification names no round column); got time={time!r}."
        )
    if rounds is not None and time is not None and str(time) not in rounds:
        raise HumsecError(f"No survey round {time!r}; the survey has rounds {list(rounds)}.")
    t = None if rounds is None else (len(rounds) - 1 if time is None else rounds.index(str(time)))
    estimates = _domain_shares(survey, spec, y, group, t, level)
    out = pd.DataFrame({"group": [g for g in labels if g in wanted]})
    out = out.merge(estimates, on="group", how="left").fillna({"n": 0})
    out.insert(0, "area", out["group"].map(key_of))
    out.insert(2, "time", "" if rounds is None else rounds[t])
    out["sectors"] = out["group"].map(lambda g: "; ".join(s for s in keys if s in wanted[g]))
    out["n_sectors"] = out["group"].map(lambda g: len(wanted[g]))
    out["n"] = out["n"].astype(np.int64)
    _explain(out, survey, sectors, group, t, min_sectors, censored, notes)
    out["min_sectors"] = min_sectors
    out["k"] = float(k)
    out["censored"] = censored
    if pop is not None:
        out = _people(out, pop, over, population_source)
    cols = ["area", "group", "time", "sectors", "n_sectors", "min_sectors", "k", "censored", *_ESTIMATES,
            "n", "population", "people", "people_low", "people_high"]  # fmt: skip
    return MultipleNeeds(out[[c for c in cols if c in out.columns]].reset_index(drop=True), notes)


def _sector_sets(
    unmet: Mapping[str, Sequence[str]] | None,
    labels: tuple[str, ...],
    pcode_of: dict[str, str],
    keys: list[str],
    canonical: Any,
    notes: list[str],
) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Survey group label → its measured sector keys, and → the area key the output uses."""
    if unmet is None:
        return {label: list(keys) for label in labels}, {g: pcode_of.get(g, g) for g in labels}
    label_of = {code: label for label, code in pcode_of.items() if label in labels}
    label_of.update({label: label for label in labels})
    sets: dict[str, list[str]] = {}
    key_of: dict[str, str] = {}
    unknown_areas = []
    unmeasured: set[str] = set()
    for area, names in unmet.items():
        label = label_of.get(str(area).strip())
        if label is None:
            unknown_areas.append(str(area))
            continue
        chosen = [canonical(s) for s in names]
        unmeasured.update(s for s in chosen if s not in keys)
        sets[label] = [s for s in dict.fromkeys(chosen) if s in keys]
        key_of[label] = str(area).strip()
    if not unmet:
        notes.append("no area was given (unmet is empty): nothing to estimate")
    if unknown_areas:
        notes.append(
            f"{len(unknown_areas)} area(s) are none of the survey's {len(labels)} groups"
            f"{' or their P-codes' if pcode_of else ''}: {unknown_areas[:10]}"
        )
    if unmeasured:
        notes.append(f"sector(s) no survey indicator measures, not counted: {sorted(unmeasured)}")
    return sets, key_of


def _domain_shares(
    survey: Any, spec: AFSpec, y: np.ndarray, group: np.ndarray, t: int | None, level: float
) -> pd.DataFrame:
    """Weighted mean of y by area in round t (a domain of the whole design) with SE and CI: the AF
    engine's headcount of y."""
    from humsec.af import AlkireFoster

    psu = survey.cells.psu[survey.cells.ids]
    frame = pd.DataFrame({
        "y": y.astype(np.uint8), "w": survey.weight, "psu": psu, "stratum": survey.psu_stratum[psu],
        "area": np.where(group >= 0, group, -1),
    })  # fmt: skip
    design = {
        "weight": "w",
        "strata": "stratum",
        "psu": "psu",
        "lonely_psu": spec.design.lonely_psu,
    }
    one: dict[str, Any] = {"dimensions": {"needs": ["y"]}, "k": [100], "design": design}
    over = "area"
    if t is not None:  # the chosen round and the area as one domain of the whole design
        here = survey.cells.round[survey.cells.ids] == t
        frame["area"] = np.where(here & (group >= 0), group, -1)
    frame["area"] = frame["area"].where(
        frame["area"] >= 0
    )  # nobody's area: left out of every domain
    f = AlkireFoster(one, level=level).fit(frame, over=[over]).to_frame()
    f = f[(f["measure"] == "hd") & (f["over"] == over)]
    labels = survey.over[0].labels
    return pd.DataFrame({
        "group": [labels[int(float(g))] for g in f["group"]],
        "share": f["estimate"].to_numpy(), "share_se": f["se"].to_numpy(),
        "share_low": f["ci_low"].to_numpy(), "share_high": f["ci_high"].to_numpy(),
        "n": f["n"].to_numpy(np.int64),
    })  # fmt: skip


def _explain(
    out: pd.DataFrame,
    survey: Any,
    sectors: Mapping[str, str],
    group: np.ndarray,
    t: int | None,
    min_sectors: int,
    censored: bool,
    notes: list[str],
) -> None:
    """Blank the areas that cannot have an estimate, and note what the reader must know."""
    short = out["n_sectors"] < min_sectors
    out.loc[short, _ESTIMATES] = np.nan
    if short.any():
        notes.append(
            f"{int(short.sum())} area(s) have fewer than {min_sectors} unmet sectors the survey measures: "
            f"no estimate ({', '.join(out.loc[short, 'area'].astype(str)[:10])})"
        )
    empty = ~short & (out["n"] == 0)
    if empty.any():
        notes.append(
            f"nobody of {list(out.loc[empty, 'area'])[:10]} is in the survey round: no estimate"
        )
    small = ~short & out["n"].between(1, MIN_RELIABLE_N - 1)
    if small.any():
        notes.append(
            f"estimates from fewer than {MIN_RELIABLE_N} persons, unreliable: "
            + ", ".join(
                f"{a} (n = {n})"
                for a, n in zip(out.loc[small, "area"], out.loc[small, "n"], strict=True)
            )
        )
    if survey.observed is not None:
        mapped = [j for j, name in enumerate(survey.indicators) if name in sectors]
        codes = [survey.over[0].labels.index(g) for g in out["group"]]
        shown = np.isin(group, codes)
        if t is not None:
            shown &= survey.cells.round[survey.cells.ids] == t
        unseen = int(((~survey.observed[:, mapped]).any(axis=1) & shown).sum())
        if unseen:
            how = ("the share may be too low or too high: the score is reweighted over the observed indicators"
                   if censored else "the shares are lower bounds")  # fmt: skip
            notes.append(
                f"{unseen} person(s) miss a sector indicator, counted as not deprived in it; {how}"
            )


def _people(out: pd.DataFrame, pop: pd.DataFrame, over: str, source: str) -> pd.DataFrame:
    sizes = dict(zip(pop["area"], pop["population"], strict=True))
    out["population"] = out["group"].map(sizes)
    missing = sorted(set(out.loc[out["population"].isna(), "group"]))
    if missing:
        raise DataError(
            f"No population for the {over} group(s) {missing[:10]} in {source} "
            f"(its 'area' column has {sorted(sizes)[:10]})."
        )
    for suffix in ("", "_low", "_high"):
        out[f"people{suffix}"] = out[f"share{suffix}"] * out["population"]
    return out
