"""People in need by area and sector from the AF engine's subgroup results.

The survey says *which share* of each area is deprived; the population says *how many people* that
is. For area ``a`` (a subgroup of the ``over`` variable) and round ``time`` (the last by default):

- ``multidimensional`` (sector): ``H(k) × population`` — the multidimensionally poor;
- each sector mapped from indicators (``sectors``: indicator → sector, e.g. ``d_wtr: wash``):
  the censored headcount ``hdk`` (poor *and* deprived in the indicator) × population. When several
  indicators map to one sector the largest is taken: at least that many people need the sector
  (their sum would count a person deprived in two indicators twice).

The CI columns carry the survey's uncertainty (the estimate's CI × population); the population is
taken as known.

>>> import pandas as pd
>>> levels = pd.DataFrame({"measure": ["H", "hdk", "hdk"], "k": [33, 33, 33],
...     "indicator": ["", "d_wtr", "d_sani"], "over": ["region"] * 3, "group": ["1"] * 3,
...     "estimate": [0.5, 0.2, 0.3], "ci_low": [0.4, 0.1, 0.2], "ci_high": [0.6, 0.3, 0.4]})
>>> needs = needs_from_af(levels, pd.DataFrame({"area": ["1"], "population": [1000]}),
...                       over="region", k=33, sectors={"d_wtr": "WASH", "d_sani": "WASH"})
>>> needs[["area", "sector", "people_in_need"]].to_dict("records")
[{'area': '1', 'sector': 'multidimensional', 'people_in_need': 500.0}, {'area': '1', 'sector': 'WASH', 'people_in_need': 300.0}]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from humsec.core.errors import ColumnNotFoundError, DataError, describe_rows

__all__ = ["needs_from_af", "population_table"]


def population_table(population: Any, source: str) -> pd.DataFrame:
    """(area, population[, pcode]) from a frame or a mapping area → population; areas (and
    P-codes) as stripped text, each once."""
    if isinstance(population, Mapping):
        population = {"area": list(population), "population": list(population.values())}
    frame = pd.DataFrame(population).reset_index(drop=True)
    missing = [c for c in ("area", "population") if c not in frame.columns]
    if missing:
        raise ColumnNotFoundError(missing, [str(c) for c in frame.columns], source)
    for col in ("area", "pcode"):
        if col not in frame.columns:
            continue
        empty = frame[col].isna() | (frame[col].astype("string").str.strip() == "").fillna(False)
        if empty.any():
            raise DataError(
                f"Column {col!r} of {source} must name every area; empty at "
                f"{describe_rows(frame.index[empty.to_numpy()])}."
            )
        frame[col] = frame[col].astype(str).str.strip()
        twice = frame[col].duplicated(keep=False)
        if twice.any():
            raise DataError(
                f"Column {col!r} of {source} must name each area once; "
                f"{sorted(set(frame.loc[twice, col]))[:10]} repeat at {describe_rows(frame.index[twice.to_numpy()])}."
            )
    frame["population"] = pd.to_numeric(frame["population"], errors="coerce")
    bad = ~(np.isfinite(frame["population"].to_numpy(dtype=float, na_value=np.nan)) & (frame["population"] >= 0))
    if bad.any():
        raise DataError(
            f"Column 'population' of {source} must hold a finite number ≥ 0 for every area; found "
            f"missing, negative or infinite values at {describe_rows(frame.index[bad.to_numpy()])} "
            f"(areas {list(frame.loc[bad, 'area'])[:10]})."
        )
    return frame


def needs_from_af(
    levels: pd.DataFrame,
    population: Any,
    *,
    over: str,
    k: float,
    sectors: Mapping[str, str] | None = None,
    time: Any = None,
    population_source: str = "the population table",
) -> pd.DataFrame:
    """People in need by area × sector (``area, sector, people_in_need, people_in_need_low,
    people_in_need_high, source``), ready for :func:`response_gaps`; see the module docstring.
    ``population`` has ``area`` (the ``over`` groups' values) and ``population``, and optionally
    ``pcode``, which then replaces the area names (so needs meet a P-coded 3W)."""
    d = pd.DataFrame(levels).copy()
    if "change" in d.columns:  # the CLI's tidy table: keep levels, not changes
        d = d[d["change"].isna() | (d["change"].astype(str) == "")]
    need_cols = ["measure", "k", "indicator", "over", "group", "estimate"]
    missing = [c for c in need_cols if c not in d.columns]
    if missing:
        raise ColumnNotFoundError(missing, [str(c) for c in d.columns], "AF results")
    d = d[d["over"].astype(str) == over]
    if d.empty:
        raise DataError(
            f"The AF results have no subgroup estimates over {over!r}: estimate them over {over!r} (AlkireFoster(over=[{over!r}]))."
        )
    if "time" in d.columns and d["time"].notna().any():
        rounds = list(dict.fromkeys(d["time"].dropna()))  # the engine writes rounds in their order
        chosen = rounds[-1] if time is None else time
        if str(chosen) not in {str(r) for r in rounds}:
            raise DataError(f"No AF round {chosen!r}; the results have rounds {rounds}.")
        d = d[d["time"].astype(str) == str(chosen)]
    at_k = pd.to_numeric(d["k"], errors="coerce") == float(k)
    if not at_k.any():
        found = sorted(pd.to_numeric(d["k"], errors="coerce").dropna().unique().tolist())
        raise DataError(f"The AF results have no estimates at k = {k:g}; they have k in {found}.")
    d = d[at_k].assign(group=lambda x: x["group"].astype(str).str.strip())
    for col in ("ci_low", "ci_high"):
        if col not in d.columns:
            d[col] = np.nan
    pop = population_table(population, population_source)
    parts = [d[d["measure"] == "H"].assign(sector="multidimensional")]
    sectors = dict(sectors or {})
    unknown = sorted(set(sectors) - set(d.loc[d["measure"] == "hdk", "indicator"].astype(str)))
    if unknown:
        raise DataError(
            f"Indicators {unknown} mapped to sectors have no censored headcount (hdk) in the AF results."
        )
    hdk = d[(d["measure"] == "hdk") & d["indicator"].astype(str).isin(sectors)]
    if not hdk.empty:
        hdk = hdk.assign(sector=hdk["indicator"].astype(str).map(sectors))
        # one sector from several indicators: the largest share (no person counted twice)
        hdk = hdk.sort_values("estimate").groupby(["group", "sector"], as_index=False).last()
        parts.append(hdk)
    rates = pd.concat(parts, ignore_index=True)
    out = rates.merge(pop, left_on="group", right_on="area", how="left")
    no_pop = sorted(set(out.loc[out["population"].isna(), "group"]))
    if no_pop:
        raise DataError(
            f"No population for the {over} group(s) {no_pop[:10]} (the population table has {sorted(pop['area'])[:10]})."
        )
    for suffix, col in (("", "estimate"), ("_low", "ci_low"), ("_high", "ci_high")):
        out[f"people_in_need{suffix}"] = out[col].astype(float) * out["population"]
    if "pcode" in out.columns:
        out["area"] = out["pcode"].astype(str)
    out["source"] = (
        out["measure"]
        .map({"H": f"H at k={k:g}"})
        .fillna("hdk " + out["indicator"].astype(str) + f" at k={k:g}")
    )
    cols = [
        "area",
        "sector",
        "people_in_need",
        "people_in_need_low",
        "people_in_need_high",
        "source",
    ]
    return out[cols].reset_index(drop=True)
