"""Who is left behind: the subgroups whose insecurity exceeds the national level, and why.

Every subgroup of the ``by`` columns and of their combinations up to ``depth`` (e.g. area, sex,
area × sex, ...) with at least ``min_n`` unweighted persons is compared with the nation in the same
survey round, for M0, H and censored headcounts (``hdk``) at each k:

- ``gap = R_g − R_nat`` with its design-based SE. The group is *part of* the nation, so the two
  estimates are correlated: both are linearised on the same PSUs and
  ``V(gap) = V_g + V_nat − 2·Cov(g, nat)`` with the covariance between domains of one design
  (:func:`humsec.core.inference.domain_covariance`; strata, PSUs with replacement, as R ``survey``).
- a one-sided test of H0: gap ≤ 0 against gap > 0, ``t = gap / se``, p from the t distribution with
  the design df (#PSU − #strata);
- Benjamini-Hochberg control of the false discovery rate at ``fdr`` over *every* test performed
  (all groupings, groups, measures, k and rounds together): ``q_value`` is the BH-adjusted p-value,
  ``left_behind`` is ``q_value ≤ fdr``.
- people affected: the group's weighted population × its H (or × hdk for a censored headcount);
  groups found left behind are ranked by that number (``rank_size``) and by the gap
  (``rank_severity``) within each measure, k, indicator and round.
- bottlenecks: since M0 = Σ_j w_j·hdk_j, the M0 gap splits exactly into indicator contributions
  ``w_j·(hdk_gj − hdk_nat,j)`` (under ``missing: reweight``, the person-specific weights' actb), which
  sum to the gap; each with its SE (same covariance) and its share of the gap.

>>> import humsec
>>> lb = left_behind(humsec.datasets.syn_cdta_spec(), humsec.datasets.load_syn_cdta(),
...                  by=["region"], k=[33], measures=["M0"], min_n=100)
>>> row = lb.to_frame().set_index("row_id").loc["lb:M0:k33:t1:region=1"]
>>> [round(float(row[c]), 6) for c in ("estimate", "national", "gap", "gap_se")]
[0.15583, 0.142416, 0.013414, 0.010925]
>>> bool(row["left_behind"])  # the synthetic survey's regions do not differ beyond chance
False
>>> round(float(lb.bottlenecks("lb:M0:k33:t1:region=1")["contribution"].sum()), 6)
0.013414
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import special, stats

from humsec.af.api import Partition, Ratio, as_spec, moments, prepare
from humsec.af.measures import compared
from humsec.af.spec import AFSpec
from humsec.core.errors import HumsecError
from humsec.core.inference import StratumFactors, domain_covariance, logit_ci
from humsec.core.result import ResultBase

__all__ = ["LeftBehindResult", "left_behind"]

#: the measures a group can be compared on with the nation (declared in humsec.af.measures)
MEASURES = compared()


@dataclass
class LeftBehindResult(ResultBase):
    """Group-versus-national comparisons (``groups``) and the bottlenecks of the M0 gaps.

    ``groups`` row ids: ``lb:<measure>:k<k>[:<indicator>]:t<round>:<over>=<group>``; ``bottleneck``
    row ids add ``|<indicator>`` to the id of the M0 row they explain (column ``parent_id``).
    """

    tables = ("groups", "bottlenecks")

    groups: pd.DataFrame
    bottleneck_rows: pd.DataFrame
    fdr: float
    min_n: int
    notes: list[str] = field(default_factory=list)

    def to_frame(self, table: str | None = "groups", *, backend: str | None = None) -> Any:
        """``groups`` (every comparison, tested or not) or ``bottlenecks`` (a copy)."""
        return super().to_frame(table, backend=backend)

    def _frame(self, table: str) -> pd.DataFrame:
        return (self.groups if table == "groups" else self.bottleneck_rows).copy()

    def found(self) -> pd.DataFrame:
        """The groups found left behind, most people affected first."""
        out = self.groups[self.groups["left_behind"]]
        return out.sort_values(["measure", "k", "indicator", "time", "rank_size"])

    def bottlenecks(self, row_id: str) -> pd.DataFrame:
        """The indicator contributions to one M0 gap (largest first)."""
        out = self.bottleneck_rows[self.bottleneck_rows["parent_id"] == row_id]
        if out.empty:
            msg = f"No bottleneck rows for {row_id!r}: bottlenecks explain tested M0 rows only."
            raise HumsecError(msg)
        return out.sort_values("contribution", ascending=False)

    def summary(self) -> str:
        tested = int(self.groups["tested"].sum())
        found = int(self.groups["left_behind"].sum())
        return (
            f"{len(self.groups)} group comparisons, {tested} tested (n ≥ {self.min_n}); "
            f"{found} found above the national level at a false discovery rate of {self.fdr:g}."
        )


def left_behind(
    spec: AFSpec | Mapping[str, Any] | str | Path,
    data: Any,
    *,
    by: Sequence[str],
    depth: int = 2,
    measures: Sequence[str] = ("M0", "H"),
    indicators: Sequence[str] | None = None,
    k: Sequence[float] | None = None,
    min_n: int = 50,
    fdr: float = 0.05,
    level: float = 0.95,
    value_labels: Mapping[str, Mapping[Any, str]] | None = None,
    source: str | None = None,
) -> LeftBehindResult:
    """Search the subgroups of ``by`` (and their combinations up to ``depth``) for groups whose
    M0, H or censored headcounts (``"hdk"`` in ``measures``; ``indicators`` restricts which) exceed
    the national level; see the module docstring for the method.
    """
    spec = as_spec(spec)
    _check_args(by, depth, measures, min_n, fdr, level)
    terms = [
        "*".join(combo) for d in range(1, min(depth, len(by)) + 1) for combo in itertools.combinations(by, d)
    ]  # fmt: skip
    survey = prepare(spec, data, terms, k=k, value_labels=value_labels, source=source)
    spec = survey.spec
    if indicators is not None:
        unknown = [i for i in indicators if i not in survey.indicators]
        if unknown:
            msg = (
                f"Unknown indicator(s) {unknown}; the specification has {list(survey.indicators)}."
            )
            raise HumsecError(msg)
    wanted_hdk = set(survey.indicators if indicators is None else indicators)
    sums = moments(survey)
    # every comparable measure (the ones asked for are tested, the others give people affected
    # and bottlenecks), and actb, whose gaps are the bottlenecks of the M0 gap
    catalog = [
        r
        for r in sums.ratios([*MEASURES, "actb"])
        if not r.indicator or r.measure == "actb" or r.indicator in wanted_hdk
    ]
    round_labels = sums.round_labels or ("",)
    df = sums.df
    factors = sums.factors
    national = sums.national()
    R_nat, U_nat = national.linearize(catalog)
    comparisons = []
    for i in range(len(survey.over)):
        part = sums.grouping(i)
        R_g, U_g = part.linearize(catalog)
        gap_var, group_var, nat_var = _gap_variances(
            part, national, U_g, U_nat, survey.psu_stratum, factors
        )
        comparisons.append(
            _comparison_rows(part, catalog, R_g, R_nat, gap_var, group_var, nat_var, round_labels)
        )
    groups = pd.concat(comparisons, ignore_index=True)
    groups = _test(groups, catalog, measures, min_n, fdr, df, level)
    contributions = _bottlenecks(groups, survey.indicator_weights, survey.indicators)
    groups = groups[groups["measure"].isin(measures)].reset_index(drop=True)
    notes = [f"{d.count} person(s) dropped: {d.reason}" for d in survey.dropped] + list(
        survey.notes
    )
    return LeftBehindResult(groups, contributions, fdr, min_n, notes)


def _check_args(
    by: Sequence[str], depth: int, measures: Sequence[str], min_n: int, fdr: float, level: float
) -> None:
    if isinstance(by, str) or not by:
        raise HumsecError("'by' must be a non-empty list of grouping column names.")
    if not isinstance(depth, int) or depth < 1:
        raise HumsecError(f"'depth' must be an integer ≥ 1. Got {depth!r} instead.")
    bad = [m for m in measures if m not in MEASURES]
    if bad or not measures:
        raise HumsecError(f"'measures' must be among {list(MEASURES)}. Got {list(measures)!r}.")
    if not isinstance(min_n, int) or min_n < 2:
        raise HumsecError(f"'min_n' must be an integer ≥ 2. Got {min_n!r} instead.")
    for name, value in (("fdr", fdr), ("level", level)):
        if not 0 < value < 1:
            raise HumsecError(f"'{name}' must be in (0, 1). Got {value!r} instead.")


def _gap_variances(
    part: Partition,
    national: Partition,
    U_g: np.ndarray,
    U_nat: np.ndarray,
    psu_stratum: np.ndarray,
    factors: StratumFactors,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """V(R_g − R_nat), V(R_g) and V(R_nat) (each group domains × ratios) from the joint covariance
    of the group domains and the national domains (one per round) of the same design."""
    G, D = part.n_groups, part.n_dom
    pair_psu = np.concatenate([part.pair_psu, national.pair_psu])
    pair_dom = np.concatenate([part.pair_dom, national.pair_dom + D])
    U = np.concatenate([U_g, U_nat])
    nat_of = D + np.arange(D) // G  # each group domain's national domain (same round)
    gap = np.empty((D, U.shape[1]))
    own = np.empty_like(gap)
    nat = np.empty_like(gap)
    for r in range(U.shape[1]):
        cov = domain_covariance(
            U[:, r], pair_psu, pair_dom, D + national.n_dom, psu_stratum, factors
        )
        own[:, r] = np.diag(cov)[:D]
        nat[:, r] = np.diag(cov)[nat_of]
        gap[:, r] = own[:, r] + nat[:, r] - 2 * cov[np.arange(D), nat_of]
    return np.maximum(gap, 0.0), np.maximum(own, 0.0), np.maximum(nat, 0.0)


def _comparison_rows(
    part: Partition,
    catalog: list[Ratio],
    R_g: np.ndarray,
    R_nat: np.ndarray,
    gap_var: np.ndarray,
    group_var: np.ndarray,
    nat_var: np.ndarray,
    round_labels: tuple[str, ...],
) -> pd.DataFrame:
    G = part.n_groups
    n = part.domain_totals("n")
    pop = part.domain_totals("w")
    frames = []
    for r, ratio in enumerate(catalog):
        t = np.arange(part.n_dom) // G
        frames.append(
            pd.DataFrame(
                {
                    "measure": ratio.measure,
                    "k": ratio.k,
                    "indicator": ratio.indicator,
                    "time": [round_labels[x] for x in t],
                    "over": part.name,
                    "group": [part.labels[d % G] for d in range(part.n_dom)],
                    "estimate": R_g[:, r],
                    "se": np.sqrt(group_var[:, r]),
                    "national": R_nat[t, r],
                    "national_se": np.sqrt(nat_var[:, r]),
                    "gap": R_g[:, r] - R_nat[t, r],
                    "gap_se": np.sqrt(gap_var[:, r]),
                    "n": n.astype(np.int64),
                    "population": pop,
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    return out[out["n"] > 0]


def _test(
    groups: pd.DataFrame,
    catalog: list[Ratio],
    measures: Sequence[str],
    min_n: int,
    fdr: float,
    df: float,
    level: float,
) -> pd.DataFrame:
    """CIs, one-sided tests, BH q-values over all tests, people affected and ranks."""
    g = groups.reset_index(drop=True)
    ktag = [f"k{k:g}" for k in g["k"]]
    g.insert(
        0,
        "row_id",
        [
            f"lb:{m}:{kt}{':' + i if i else ''}:t{t}:{o}={grp}"
            for m, kt, i, t, o, grp in zip(
                g["measure"], ktag, g["indicator"], g["time"], g["over"], g["group"], strict=True
            )
        ],
    )
    lo, hi = logit_ci(g["estimate"].to_numpy(), g["se"].to_numpy(), df, level)
    g["ci_low"], g["ci_high"] = lo, hi
    q = special.stdtrit(df, 0.5 + level / 2)
    g["gap_ci_low"] = g["gap"] - q * g["gap_se"]
    g["gap_ci_high"] = g["gap"] + q * g["gap_se"]
    with np.errstate(divide="ignore", invalid="ignore"):
        g["t"] = g["gap"] / g["gap_se"]
    g["tested"] = (
        g["measure"].isin(measures)
        & (g["n"] >= min_n)
        & (g["gap_se"] > 0)
        & np.isfinite(g["t"].to_numpy())
    )
    g["p_value"] = np.where(g["tested"], special.stdtr(df, -g["t"].fillna(0).to_numpy()), np.nan)
    g["q_value"] = np.nan
    if g["tested"].any():
        g.loc[g["tested"], "q_value"] = stats.false_discovery_control(
            g.loc[g["tested"], "p_value"].to_numpy(), method="bh"
        )
    g["left_behind"] = g["tested"] & (g["q_value"] <= fdr)
    # people affected: population × H (M0, H) or × hdk (a censored headcount)
    h = g[g["measure"] == "H"].set_index(["k", "time", "over", "group"])["estimate"]
    key = pd.MultiIndex.from_frame(g[["k", "time", "over", "group"]])
    share = np.where(g["measure"] == "hdk", g["estimate"], h.reindex(key).to_numpy())
    g["affected"] = g["population"] * share
    keys = ["measure", "k", "indicator", "time"]
    found = g[g["left_behind"]]
    g["rank_size"] = found.groupby(keys)["affected"].rank(ascending=False, method="min")
    g["rank_severity"] = found.groupby(keys)["gap"].rank(ascending=False, method="min")
    return g


def _bottlenecks(
    groups: pd.DataFrame, weights: np.ndarray, indicators: tuple[str, ...]
) -> pd.DataFrame:
    """Indicator contributions to every tested M0 gap: actb_g,j − actb_nat,j (sum = the M0 gap)."""
    m0 = groups[(groups["measure"] == "M0") & groups["tested"]]
    actb = groups[groups["measure"] == "actb"]
    hdk = groups[groups["measure"] == "hdk"].set_index(["k", "time", "over", "group", "indicator"])
    w = dict(zip(indicators, weights.tolist(), strict=True))
    merged = m0[["row_id", "k", "time", "over", "group", "gap", "left_behind"]].merge(
        actb[["k", "time", "over", "group", "indicator", "gap", "gap_se"]],
        on=["k", "time", "over", "group"],
        suffixes=("_m0", ""),
    )
    out = pd.DataFrame(
        {
            "row_id": merged["row_id"] + "|" + merged["indicator"],
            "parent_id": merged["row_id"],
            "k": merged["k"],
            "time": merged["time"],
            "over": merged["over"],
            "group": merged["group"],
            "indicator": merged["indicator"],
            "weight": merged["indicator"].map(w),
            "contribution": merged["gap"],
            "contribution_se": merged["gap_se"],
            "share_of_gap": merged["gap"] / merged["gap_m0"],
            "m0_gap": merged["gap_m0"],
            "left_behind": merged["left_behind"],
        }
    )
    key = pd.MultiIndex.from_frame(out[["k", "time", "over", "group", "indicator"]])
    if len(hdk):
        out["hdk_group"] = hdk["estimate"].reindex(key).to_numpy()
        out["hdk_national"] = hdk["national"].reindex(key).to_numpy()
    return out.reset_index(drop=True)
