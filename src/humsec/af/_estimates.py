"""From cell sums to AF estimates, SEs, CIs and changes, for one partition of the sample.

A *partition* is the national sample or one ``over`` grouping; crossed with survey rounds it defines
the domains. Each AF measure is a ratio of two summed quantities (declared in
:mod:`humsec.af.measures`), so one linearisation routine serves them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from humsec.af._kernels import (
    compact_codes,
    influence_moments,
    share_sums,
    sum_rows_by,
    usable_threads,
)
from humsec.af._sums import CellTable
from humsec.af.measures import Ratio, with_changes
from humsec.core.inference import (
    StratumFactors,
    group_sum,
    logit_ci,
    normal_ci,
)

__all__ = ["Partition", "change_rows", "level_rows", "share_rows"]

CHANGE_TYPES = ("abs", "rel", "abs_ann", "rel_ann")
_NONE = np.zeros(0)  # share_sums' first pass (no share estimate yet)


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
    _domain_sums: np.ndarray | None = field(default=None, repr=False)
    _round_terms: dict[tuple[str, int], tuple[np.ndarray, np.ndarray, np.ndarray]] = field(
        default_factory=dict, repr=False
    )

    @property
    def domain_sums(self) -> np.ndarray:
        """Every summed quantity per domain (domains × Q), computed once: each column's sum runs
        over the pairs in order, as a per-column ``np.bincount`` would add them."""
        if self._domain_sums is None:
            self._domain_sums = sum_rows_by(self.pair_dom, self.totals, self.n_dom)
        return self._domain_sums

    def round_terms(
        self, name: str, psu_stratum: np.ndarray, H: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Of the national partition, for the shares of every grouping (computed once per
        quantity): the round totals of ``name``, and per (round, stratum) Σ X_p and Σ X_p²."""
        key = (name, H)
        if key not in self._round_terms:
            X = self.column(name)
            ht = self.pair_dom * H + psu_stratum[self.pair_psu]
            self._round_terms[key] = (
                group_sum(self.pair_dom, X, self.n_dom),
                np.bincount(ht, weights=X, minlength=self.n_dom * H),
                np.bincount(ht, weights=X * X, minlength=self.n_dom * H),
            )
        return self._round_terms[key]

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
        keys, inverse, in_order = _unique(key)
        if len(keys) == len(key) and valid.all() and in_order:
            totals = cells.sums  # cells are already the (PSU, domain) pairs: share, don't copy
        else:
            totals = sum_rows_by(inverse, cells.sums[valid], len(keys))
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
        return self.domain_sums[:, self.columns[name]].copy()  # callers own it

    def numerators_denominators(self, catalog: list[Ratio]) -> tuple[np.ndarray, np.ndarray]:
        """Per-pair numerator and denominator totals (pairs × ratios), gathered row-wise."""
        y_idx = [self.columns[r.y] for r in catalog]
        x_idx = [self.columns[r.x] for r in catalog]
        # np.take along axis 1 is ~20x faster than fancy indexing T[:, idx] on tall matrices
        Y = np.take(self.totals, y_idx, axis=1) * np.array([r.y_scale for r in catalog])
        return Y, np.take(self.totals, x_idx, axis=1)

    def linearize(self, catalog: list[Ratio]) -> tuple[np.ndarray, np.ndarray]:
        """Estimates (domains × ratios) and influence totals U (pairs × ratios)."""
        Y, X = self.numerators_denominators(catalog)
        Yd = group_sum(self.pair_dom, Y, self.n_dom)
        Xd = group_sum(self.pair_dom, X, self.n_dom)
        with np.errstate(invalid="ignore", divide="ignore"):
            R = Yd / Xd
            # U = (Y − R·X)/X_d, in place: these are (pairs × ratios), the largest arrays of a fit
            U = np.take(R, self.pair_dom, axis=0)
            U *= X
            np.subtract(Y, U, out=U)
            U /= np.take(Xd, self.pair_dom, axis=0)
        U[~np.isfinite(U)] = 0.0  # undefined ratios (0/0 domains) carry no variance
        return R, U

    def moments(
        self,
        catalog: list[Ratio],
        psu_stratum: np.ndarray,
        factors: StratumFactors,
        rounds: tuple[int, int] | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Estimates (domains × ratios), their linearised variances, and, with ``rounds = (t0, t1)``,
        each group's covariance between the two rounds (groups × ratios), for delta-method changes.

        A PSU present in both rounds is one cluster, so the covariance between rounds is kept.
        """
        y_idx = np.array([self.columns[r.y] for r in catalog], dtype=np.int64)
        x_idx = np.array([self.columns[r.x] for r in catalog], dtype=np.int64)
        y_scale = np.array([r.y_scale for r in catalog])
        Td = self.domain_sums  # (domains, Q)
        Xd = np.take(Td, x_idx, axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            R = np.take(Td, y_idx, axis=1) * y_scale / Xd
        H = len(factors.n_h)
        strat = psu_stratum[self.pair_psu]
        pair_hd, hd_keys = _codes(self.pair_dom * H + strat, self.n_dom * H)
        G = self.n_groups
        partner = np.full(len(self.pair_psu), -1, dtype=np.int64)
        if rounds is not None:
            t0, t1 = rounds
            span = self.n_rounds * G
            keys = self.pair_psu * span + self.pair_dom  # sorted (pairs come from np.unique)
            later = np.flatnonzero(self.pair_dom // G == t1)
            wanted = self.pair_psu[later] * span + t0 * G + self.pair_dom[later] % G
            pos = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
            found = keys[pos] == wanted
            partner[later[found]] = pos[found]
        sq, S, cross = influence_moments(
            np.ascontiguousarray(self.totals),
            y_idx,
            y_scale,
            x_idx,
            np.ascontiguousarray(R),
            np.ascontiguousarray(Xd),
            self.pair_dom,
            pair_hd,
            factors.scale[strat],
            partner,
            self.pair_dom % G,
            len(hd_keys),
            G,
            threads=usable_threads(len(self.pair_psu) * len(catalog)),
        )
        key_h = hd_keys % H
        w = factors.centre_weight[key_h]
        V = sq - group_sum(hd_keys // H, S * S * w[:, None], self.n_dom)
        cov = None
        if rounds is not None:
            t0, t1 = rounds
            key_dom = hd_keys // H
            late = np.flatnonzero(key_dom // G == t1)
            wanted = (t0 * G + key_dom[late] % G) * H + key_h[late]
            pos = np.minimum(np.searchsorted(hd_keys, wanted), len(hd_keys) - 1)
            ok = hd_keys[pos] == wanted
            centre = S[late[ok]] * S[pos[ok]] * w[late[ok]][:, None]
            cov = cross - group_sum(key_dom[late[ok]] % G, centre, G)
        return R, np.maximum(V, 0.0), cov

    def bootstrap(self, catalog: list[Ratio], factors: np.ndarray) -> np.ndarray:
        """Replicate estimates (replicates × domains × ratios) under PSU weight factors."""
        Y, X = self.numerators_denominators(catalog)
        F = factors[:, self.pair_psu]  # (B, pairs)
        onehot = np.zeros((len(self.pair_dom), self.n_dom))
        onehot[np.arange(len(self.pair_dom)), self.pair_dom] = 1.0
        out = np.empty((F.shape[0], self.n_dom, len(catalog)))
        for r in range(len(catalog)):
            with np.errstate(invalid="ignore", divide="ignore"):
                out[:, :, r] = ((F * Y[:, r]) @ onehot) / ((F * X[:, r]) @ onehot)
        return out


def _unique(key: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
    """``np.unique(key, return_inverse=True)`` and whether ``key`` was already in order: one scan
    when it is (cells come sorted by PSU, round and groups, so most partitions' keys are).

    >>> [a.tolist() if hasattr(a, "tolist") else a for a in _unique(np.array([3, 3, 5]))]
    [[3, 5], [0, 0, 1], True]
    """
    if len(key) < 2 or bool((key[1:] >= key[:-1]).all()):
        new = np.empty(len(key), dtype=bool)
        new[:1] = True
        np.not_equal(key[1:], key[:-1], out=new[1:])
        inverse = np.cumsum(new) - 1
        return key[new], inverse, True
    keys, inverse = np.unique(key, return_inverse=True)
    return keys, inverse, False


def _codes(key: np.ndarray, span: int) -> tuple[np.ndarray, np.ndarray]:
    """Codes (the inverse) and sorted distinct values of a key in [0, span), as ``np.unique``
    gives them: by a counting pass when the span is not much larger than the key (the (domain,
    stratum) cells of a partition), by sorting otherwise.

    >>> [a.tolist() for a in _codes(np.array([4, 1, 4]), 5)]
    [[1, 0, 1], [1, 4]]
    """
    if span <= 2 * len(key) + 1_000_000:
        return compact_codes(key, 0, span)
    uniques, inverse = np.unique(key, return_inverse=True)
    return inverse, uniques


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
    counts = {name: part.domain_totals(name) for name in {r.count for r in catalog}}
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
    V: np.ndarray,
    cov: np.ndarray | None,
    boot: np.ndarray | None,
    rounds: tuple[int, int],
    years: tuple[float, float],
    round_labels: tuple[str, str],
    level: float,
) -> pd.DataFrame:
    """Changes from round t0 to t1 of every ratio, by group, with delta-method SEs:
    Var(f(b0, b1)) = a0²·V0 + 2·a0·a1·Cov(b0, b1) + a1²·V1 with (a0, a1) the gradient of f.
    ``n_t0``, ``n_t1``: the unweighted counts of the two rounds (the level rows' ``n``).
    """
    G = part.n_groups
    t0, t1 = rounds
    b0 = R[t0 * G : (t0 + 1) * G]
    b1 = R[t1 * G : (t1 + 1) * G]
    dy = years[1] - years[0]
    # each round's unweighted count behind the ratio (as the level rows' n): disclosure control
    # judges a change by the smaller of the two
    counts = {name: part.domain_totals(name) for name in {r.count for r in catalog}}
    n = np.column_stack([counts[r.count] for r in catalog])
    n0, n1 = n[t0 * G : (t0 + 1) * G], n[t1 * G : (t1 + 1) * G]
    frames = []
    for ctype in CHANGE_TYPES:
        est, a0, a1 = _change(ctype, b0, b1, dy)
        if boot is not None:
            rep0 = boot[:, t0 * G : (t0 + 1) * G]
            rep1 = boot[:, t1 * G : (t1 + 1) * G]
            reps, _, _ = _change(ctype, rep0, rep1, dy)
            se = np.nanstd(reps, axis=0, ddof=1)
        else:
            assert cov is not None
            V0 = V[t0 * G : (t0 + 1) * G]
            V1 = V[t1 * G : (t1 + 1) * G]
            # a relative change from a zero estimate has an infinite gradient: its SE is NaN, as is est
            with np.errstate(invalid="ignore"):
                var = a0 * a0 * V0 + 2 * a0 * a1 * cov + a1 * a1 * V1
            se = np.sqrt(np.maximum(var, 0.0))
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
                    "n_t0": n0.ravel().astype(np.int64),
                    "n_t1": n1.ravel().astype(np.int64),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    keep = out["measure"].isin(with_changes()) & np.isfinite(out["estimate"])
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
    # each pair's national row (its PSU in its round): national pairs are unique per key
    nat_key = national.pair_psu * national.n_rounds + national.pair_dom
    row_of = np.empty(int(nat_key.max()) + 1 if len(nat_key) else 0, dtype=np.int64)
    row_of[nat_key] = np.arange(len(nat_key))
    pos = row_of[part.pair_psu * national.n_rounds + part.pair_dom // G]
    strat_pair = psu_stratum[part.pair_psu]
    H = len(factors.n_h)
    # the (stratum, domain) cells and the strata of the pairs: the same for every item
    scale = factors.scale[strat_pair]
    inv, keys = _codes(part.pair_dom * H + strat_pair, part.n_dom * H)
    kh = keys % H
    kd = keys // H
    kt = kd // G
    counts = part.domain_totals("n")
    totals = np.ascontiguousarray(part.totals)
    national_totals = np.ascontiguousarray(national.totals)
    frames = []
    for measure, k, col in items:
        c = part.columns[col]
        Yd, SY = share_sums(
            totals, national_totals, c, pos, part.pair_dom, inv, scale, _NONE, part.n_dom, len(keys)
        )
        Xt, SX_ht, C_ht = national.round_terms(col, psu_stratum, H)
        with np.errstate(divide="ignore", invalid="ignore"):
            s = Yd / Xt[np.arange(part.n_dom) // G]
        # Σ_h scale_h Σ_p U² X_t² (pair part) and the centring term per (stratum, domain)
        sq, _ = share_sums(
            totals, national_totals, c, pos, part.pair_dom, inv, scale, s, part.n_dom, len(keys)
        )
        w_centre = factors.centre_weight
        sx = SX_ht[kt * H + kh]
        cross = group_sum(kd, w_centre[kh] * (SY * SY - 2 * s[kd] * SY * sx), part.n_dom)
        dense_t = (C_ht.reshape(-1, H) * factors.scale - SX_ht.reshape(-1, H) ** 2 * w_centre).sum(
            axis=1
        )
        t_of_dom = np.arange(part.n_dom) // G
        var = (sq - cross + s**2 * dense_t[t_of_dom]) / Xt[t_of_dom] ** 2
        se = np.sqrt(np.maximum(var, 0.0))
        lo, hi = logit_ci(s, se, df, level)
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
