"""From cell sums to AF estimates, SEs, CIs and changes, for one partition of the sample.

A *partition* is the national sample or one ``over`` grouping; crossed with survey rounds it defines
the domains. Each AF measure is a ratio of two summed quantities (:func:`ratio_catalog`), so one
linearisation routine serves them all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from humsec.inference import (
    StratumFactors,
    group_sum,
    logit_ci,
    normal_ci,
    stratified_variance,
)
from humsec.measure._cells import CellTable

__all__ = ["Partition", "Ratio", "ratio_catalog"]

CHANGE_TYPES = ("abs", "rel", "abs_ann", "rel_ann")


@dataclass(frozen=True)
class Ratio:
    """One measure as a ratio of summed quantities: estimate = y_scale·Σy / Σx over the domain."""

    measure: str
    k: float
    indicator: str
    y: str
    x: str
    count: str
    y_scale: float = 1.0


def ratio_catalog(
    indicators: tuple[str, ...],
    weights: np.ndarray,
    ks: tuple[float, ...],
    has_missing: bool,
    reweighted: bool,
) -> list[Ratio]:
    """Every AF level measure as a ratio (H, A, M0 per k; hd per indicator; hdk, actb, pctb per both)."""
    nan = float("nan")
    out: list[Ratio] = []
    for k in ks:
        out.append(Ratio("H", k, "", f"wp|{k}", "w", "n"))
        out.append(Ratio("A", k, "", f"wcp|{k}", f"wp|{k}", f"np|{k}"))
        out.append(Ratio("M0", k, "", f"wcp|{k}", "w", "n"))
    for name in indicators:
        den, cnt = (f"wo|{name}", f"no|{name}") if has_missing else ("w", "n")
        out.append(Ratio("hd", nan, name, f"wg|{name}", den, cnt))
    for k in ks:
        for name in indicators:
            den, cnt = (f"wo|{name}", f"no|{name}") if has_missing else ("w", "n")
            out.append(Ratio("hdk", k, name, f"wgp|{name}|{k}", den, cnt))
    for k in ks:
        for j, name in enumerate(indicators):
            # actb_j = Σ w·v_j·g_j·poor / Σ w; pctb_j = actb_j / M0 (a share, as mpitbR reports it)
            num, scale = (
                (f"wvgp|{name}|{k}", 1.0) if reweighted else (f"wgp|{name}|{k}", float(weights[j]))
            )
            out.append(Ratio("actb", k, name, num, "w", "n", scale))
            out.append(Ratio("pctb", k, name, num, f"wcp|{k}", "n", scale))
    return out


@dataclass
class Partition:
    """Per-(PSU × domain) totals of one partition, domains = group × round."""

    name: str
    labels: tuple[str, ...]
    n_rounds: int
    pair_psu: np.ndarray
    pair_dom: np.ndarray
    totals: np.ndarray  # (pairs, Q)
    columns: dict[str, int]

    @classmethod
    def from_cells(
        cls,
        cells: CellTable,
        name: str,
        group: np.ndarray | None,
        labels: tuple[str, ...],
        n_rounds: int,
    ) -> Partition:
        g = np.zeros(len(cells.psu), dtype=np.int64) if group is None else group
        valid = g >= 0
        n_groups = len(labels)
        dom = cells.round[valid] * n_groups + g[valid]
        key = cells.psu[valid] * (n_rounds * n_groups) + dom
        keys, inverse = np.unique(key, return_inverse=True)
        totals = group_sum(inverse, cells.sums[valid], len(keys))
        return cls(
            name,
            labels,
            n_rounds,
            keys // (n_rounds * n_groups),
            keys % (n_rounds * n_groups),
            totals,
            cells.columns,
        )

    @property
    def n_groups(self) -> int:
        return len(self.labels)

    @property
    def n_dom(self) -> int:
        return self.n_groups * self.n_rounds

    def column(self, name: str) -> np.ndarray:
        return self.totals[:, self.columns[name]]

    def domain_totals(self, name: str) -> np.ndarray:
        return group_sum(self.pair_dom, self.column(name), self.n_dom)

    def linearize(self, catalog: list[Ratio]) -> tuple[np.ndarray, np.ndarray]:
        """Estimates (domains × ratios) and influence totals U (pairs × ratios)."""
        Y = np.column_stack([self.column(r.y) * r.y_scale for r in catalog])
        X = np.column_stack([self.column(r.x) for r in catalog])
        Yd = group_sum(self.pair_dom, Y, self.n_dom)
        Xd = group_sum(self.pair_dom, X, self.n_dom)
        with np.errstate(invalid="ignore", divide="ignore"):
            R = Yd / Xd
            U = np.nan_to_num((Y - R[self.pair_dom] * X) / Xd[self.pair_dom])
        return R, U

    def bootstrap(self, catalog: list[Ratio], factors: np.ndarray) -> np.ndarray:
        """Replicate estimates (replicates × domains × ratios) under PSU weight factors."""
        Y = np.column_stack([self.column(r.y) * r.y_scale for r in catalog])
        X = np.column_stack([self.column(r.x) for r in catalog])
        F = factors[:, self.pair_psu]  # (B, pairs)
        onehot = np.zeros((len(self.pair_dom), self.n_dom))
        onehot[np.arange(len(self.pair_dom)), self.pair_dom] = 1.0
        out = np.empty((F.shape[0], self.n_dom, len(catalog)))
        for r in range(len(catalog)):
            with np.errstate(invalid="ignore", divide="ignore"):
                out[:, :, r] = ((F * Y[:, r]) @ onehot) / ((F * X[:, r]) @ onehot)
        return out


def level_rows(
    part: Partition,
    catalog: list[Ratio],
    R: np.ndarray,
    V: np.ndarray,
    df: float,
    level: float,
    round_labels: tuple[str, ...] | None,
) -> pd.DataFrame:
    """Tidy level rows: one per ratio × domain that has persons."""
    se = np.where(np.isnan(R), np.nan, np.sqrt(V))  # undefined estimate (0/0): no SE either
    counts = {r.count: part.domain_totals(r.count) for r in catalog}
    n = np.column_stack([counts[r.count] for r in catalog])
    lo, hi = logit_ci(R, se, df, level)
    dom = np.repeat(np.arange(part.n_dom), len(catalog))
    ratio = np.tile(np.arange(len(catalog)), part.n_dom)
    frame = pd.DataFrame(
        {
            "measure": [catalog[i].measure for i in ratio],
            "k": [catalog[i].k for i in ratio],
            "indicator": [catalog[i].indicator for i in ratio],
            "over": part.name,
            "group": [
                part.labels[d % part.n_groups] if part.name != "national" else "" for d in dom
            ],
            "time": [round_labels[d // part.n_groups] if round_labels else "" for d in dom],
            "estimate": R.ravel(),
            "se": se.ravel(),
            "ci_low": lo.ravel(),
            "ci_high": hi.ravel(),
            "n": n.ravel().astype(np.int64),
            "df": df,
        }
    )
    # keep every measure of a domain that has persons: A is NaN (with n = 0) where nobody is poor
    persons = np.repeat(part.domain_totals("n"), len(catalog))
    return frame[persons > 0]


def change_rows(
    part: Partition,
    catalog: list[Ratio],
    R: np.ndarray,
    U: np.ndarray | None,
    boot: np.ndarray | None,
    psu_stratum: np.ndarray,
    factors: StratumFactors,
    rounds: tuple[int, int],
    years: tuple[float, float],
    round_labels: tuple[str, str],
    level: float,
) -> pd.DataFrame:
    """Changes from round t0 to t1 of every ratio, by group, with delta-method SEs.

    A PSU present in both rounds is one cluster, so the covariance between rounds is kept.
    """
    G = part.n_groups
    t0, t1 = rounds
    b0 = R[t0 * G : (t0 + 1) * G]
    b1 = R[t1 * G : (t1 + 1) * G]
    dy = years[1] - years[0]
    frames = []
    for ctype in CHANGE_TYPES:
        est, a0, a1 = _change(ctype, b0, b1, dy)
        if boot is not None:
            rep0 = boot[:, t0 * G : (t0 + 1) * G]
            rep1 = boot[:, t1 * G : (t1 + 1) * G]
            reps, _, _ = _change(ctype, rep0, rep1, dy)
            se = np.nanstd(reps, axis=0, ddof=1)
        else:
            assert U is not None
            t_of_pair = part.pair_dom // G
            g_of_pair = part.pair_dom % G
            use = (t_of_pair == t0) | (t_of_pair == t1)
            coef = np.where((t_of_pair == t0)[:, None], a0[g_of_pair], a1[g_of_pair])
            contrib = np.nan_to_num(U[use] * coef[use])
            key = part.pair_psu[use] * G + g_of_pair[use]
            keys, inverse = np.unique(key, return_inverse=True)
            Uc = group_sum(inverse, contrib, len(keys))
            se = np.sqrt(stratified_variance(Uc, keys // G, keys % G, G, psu_stratum, factors))
        lo, hi = normal_ci(est, se, level)
        g = np.repeat(np.arange(G), len(catalog))
        ratio = np.tile(np.arange(len(catalog)), G)
        frames.append(
            pd.DataFrame(
                {
                    "measure": [catalog[i].measure for i in ratio],
                    "k": [catalog[i].k for i in ratio],
                    "indicator": [catalog[i].indicator for i in ratio],
                    "over": part.name,
                    "group": [part.labels[i] if part.name != "national" else "" for i in g],
                    "change": ctype,
                    "from_time": round_labels[0],
                    "to_time": round_labels[1],
                    "estimate": est.ravel(),
                    "se": se.ravel(),
                    "ci_low": lo.ravel(),
                    "ci_high": hi.ravel(),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    keep = out["measure"].isin(["H", "A", "M0", "hd", "hdk"]) & np.isfinite(out["estimate"])
    return out[keep]


def _change(
    ctype: str, b0: np.ndarray, b1: np.ndarray, dy: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Change estimate and its gradient with respect to (b0, b1)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if ctype == "abs":
            return b1 - b0, -np.ones_like(b0), np.ones_like(b1)
        if ctype == "abs_ann":
            return (b1 - b0) / dy, -np.ones_like(b0) / dy, np.ones_like(b1) / dy
        ratio = b1 / b0
        if ctype == "rel":
            return 100 * (ratio - 1), -100 * b1 / b0**2, 100 / b0
        growth = ratio ** (1 / dy)
        return 100 * (growth - 1), -100 / dy * growth / b0, 100 / dy * growth / b1


def share_rows(
    part: Partition,
    national: Partition,
    psu_stratum: np.ndarray,
    factors: StratumFactors,
    ks: tuple[float, ...],
    round_labels: tuple[str, ...] | None,
    df: float,
    level: float,
) -> pd.DataFrame:
    """Population shares of the groups and their contributions to national M0, with linearised SEs.

    share_g = Σ_{i∈g} y_i / Σ_i x_i with y = x·1[g]: the numerator's domain nests in the
    denominator's (the round), so U_pg = (Y_pg − s_g·X_p)/X; V is expanded into sparse sums over
    (PSU, group) pairs plus one dense per-stratum term per round.
    """
    G = part.n_groups
    items = [("popshare", float("nan"), "w")] + [("contrib", k, f"wcp|{k}") for k in ks]
    nat_key = national.pair_psu * national.n_rounds + national.pair_dom
    order = np.argsort(nat_key)
    part_t = part.pair_dom // G
    pos = order[np.searchsorted(nat_key[order], part.pair_psu * national.n_rounds + part_t)]
    strat_pair = psu_stratum[part.pair_psu]
    H = len(factors.n_h)
    frames = []
    for measure, k, col in items:
        Y = part.column(col)
        Xp = national.column(col)[pos]  # the PSU's round total, for each (PSU, group) pair
        Yd = group_sum(part.pair_dom, Y, part.n_dom)
        Xt = group_sum(national.pair_dom, national.column(col), national.n_dom)
        with np.errstate(divide="ignore", invalid="ignore"):
            s = Yd / Xt[np.arange(part.n_dom) // G]
        s_pair = s[part.pair_dom]
        scale = factors.scale[strat_pair]
        # Σ_h scale_h Σ_p U² X_t² (pair part) and the centring term per (stratum, domain)
        sq = group_sum(part.pair_dom, scale * (Y * Y - 2 * s_pair * Y * Xp), part.n_dom)
        hd = part.pair_dom * H + strat_pair
        keys, inv = np.unique(hd, return_inverse=True)
        SY = group_sum(inv, Y, len(keys))
        kh = keys % H
        kd = keys // H
        kt = kd // G
        # per (stratum, round) sums of X_p over PSUs
        nat_strat = psu_stratum[national.pair_psu]
        ht = national.pair_dom * H + nat_strat
        X_nat = national.column(col)
        SX_ht = np.bincount(ht, weights=X_nat, minlength=national.n_dom * H)
        C_ht = np.bincount(ht, weights=X_nat * X_nat, minlength=national.n_dom * H)
        w_centre = np.where(factors.centre, factors.scale / factors.n_h, 0.0)
        sx = SX_ht[kt * H + kh]
        cross = group_sum(kd, w_centre[kh] * (SY * SY - 2 * s[kd] * SY * sx), part.n_dom)
        dense_t = (C_ht.reshape(-1, H) * factors.scale - SX_ht.reshape(-1, H) ** 2 * w_centre).sum(
            axis=1
        )
        t_of_dom = np.arange(part.n_dom) // G
        var = (sq - cross + s**2 * dense_t[t_of_dom]) / Xt[t_of_dom] ** 2
        se = np.sqrt(np.maximum(var, 0.0))
        lo, hi = logit_ci(s, se, df, level)
        counts = part.domain_totals("n")
        frames.append(
            pd.DataFrame(
                {
                    "measure": measure,
                    "k": k,
                    "over": part.name,
                    "group": [part.labels[d % G] for d in range(part.n_dom)],
                    "time": [
                        round_labels[d // G] if round_labels else "" for d in range(part.n_dom)
                    ],
                    "estimate": s,
                    "se": se,
                    "ci_low": lo,
                    "ci_high": hi,
                    "n": counts.astype(np.int64),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    return out[out["n"] > 0]
