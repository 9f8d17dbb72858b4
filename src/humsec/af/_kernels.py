"""Compiled loops (numba): the one fused pass over persons, and row scores.

numpy would need one pass per summed quantity (2 + J + K·(3 + J) of them, about 40 for the global
MPI with two k); this loop reads each person once and adds every quantity to the person's cell row.
"""

from __future__ import annotations

import contextlib
import itertools
import threading

import numpy as np
from numba import njit

from humsec.core.cores import usable_cores


def accumulate_cells(
    cell: np.ndarray,  # (n,) int cell id
    weight: np.ndarray,  # (n,) float64
    weights: np.ndarray,  # (J,) indicator weights (used when there are no effective weights)
    deprived: np.ndarray,  # (n, J) uint8, C order
    observed: np.ndarray,  # (n, J) bool, or (0, 0) when nothing is missing
    effective: np.ndarray,  # (n, J) float64 person-specific weights, or (0, 0)
    thresholds: np.ndarray,  # (K,) k/100 minus the tolerance
    n_cells: int,
    threads: int = 1,
) -> np.ndarray:
    """Per-cell sums in the column layout documented in :func:`kernel_columns`.

    With ``threads`` > 1 the cells are split into contiguous ranges, one per thread: every thread
    reads all persons but adds only those of its cells, so each cell's sums are still added in
    the persons' order and the result is bit-identical to one thread's.

    >>> args = (np.array([0, 1, 0]), np.ones(3), np.array([0.5, 0.5]),
    ...         np.array([[1, 0], [1, 1], [0, 0]], dtype=np.uint8), np.zeros((0, 0), dtype=bool),
    ...         np.zeros((0, 0)), np.array([0.5]), 2)
    >>> bool((accumulate_cells(*args) == accumulate_cells(*args, threads=2)).all())
    True
    """
    J = deprived.shape[1]
    K = thresholds.shape[0]
    per_k = 3 + J + (J if effective.shape[0] > 0 else 0)
    base_k = 2 + J + (2 * J if observed.shape[0] > 0 else 0)
    acc = np.zeros((n_cells, base_k + K * per_k))
    args = (cell, weight, weights, deprived, observed, effective, thresholds, acc)
    n = len(cell)
    bounds = np.linspace(0, n_cells, max(1, min(threads, n_cells)) + 1).astype(np.int64)
    if len(bounds) <= 2:
        _accumulate_range(*args, 0, n_cells, 0, n)
        return acc
    # persons in cell order (a file sorted by PSU, as censuses and surveys come): each thread's
    # cells are one stretch of persons, so it reads only those
    if _non_decreasing(cell):
        spans = list(itertools.pairwise(np.searchsorted(cell, bounds)))
    else:
        spans = [(0, n)] * (len(bounds) - 1)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(len(bounds) - 1, thread_name_prefix="humsec-cells") as pool:
        jobs = [
            pool.submit(_accumulate_range, *args, int(lo), int(hi), int(first), int(stop))
            for (lo, hi), (first, stop) in zip(itertools.pairwise(bounds), spans, strict=True)
        ]
        for job in jobs:
            job.result()
    return acc


@njit(cache=True, nogil=True)
def _accumulate_range(
    cell: np.ndarray,
    weight: np.ndarray,
    weights: np.ndarray,
    deprived: np.ndarray,
    observed: np.ndarray,
    effective: np.ndarray,
    thresholds: np.ndarray,
    acc: np.ndarray,  # (n_cells, columns) zeros, filled in place for cells lo..hi-1
    lo: int,
    hi: int,
    first: int,  # the persons read: first..stop-1 (all of them, unless sorted by cell)
    stop: int,
) -> None:
    J = deprived.shape[1]
    K = thresholds.shape[0]
    has_obs = observed.shape[0] > 0
    has_eff = effective.shape[0] > 0
    per_k = 3 + J + (J if has_eff else 0)
    base_k = 2 + J + (2 * J if has_obs else 0)
    # Branch-free over indicators: a deprivation is added as w·g with g in {0, 1}, so an
    # indicator the person is not deprived in adds +0.0, which leaves every sum bit for bit as
    # it was (no sum is ever −0.0: weights are positive); random 0/1 branches cost more than
    # the additions.
    g = np.empty(J)
    for i in range(first, stop):
        c = cell[i]
        if c < lo or c >= hi:
            continue
        w = weight[i]
        s = 0.0  # the deprivation score, computed here rather than held for every person
        for j in range(J):
            g[j] = deprived[i, j]
        if has_eff:
            for j in range(J):
                s += effective[i, j] * g[j]
        else:
            for j in range(J):
                s += weights[j] * g[j]
        acc[c, 0] += 1.0
        acc[c, 1] += w
        for j in range(J):
            acc[c, 2 + j] += w * g[j]
        if has_obs:
            for j in range(J):
                o = 1.0 if observed[i, j] else 0.0
                acc[c, 2 + J + j] += w * o
                acc[c, 2 + 2 * J + j] += o
        if s <= 0.0:
            continue
        for kk in range(K):
            if s >= thresholds[kk]:
                b = base_k + kk * per_k
                acc[c, b] += 1.0
                acc[c, b + 1] += w
                acc[c, b + 2] += w * s
                for j in range(J):
                    acc[c, b + 3 + j] += w * g[j]
                if has_eff:
                    for j in range(J):
                        acc[c, b + 3 + J + j] += w * effective[i, j] * g[j]


def kernel_columns(
    indicators: tuple[str, ...], ks: tuple[float, ...], has_obs: bool, has_eff: bool
) -> list[str]:
    """Names of the columns :func:`accumulate_cells` returns, in order.

    >>> kernel_columns(("a",), (33.0,), False, False)
    ['n', 'w', 'wg|a', 'np|33.0', 'wp|33.0', 'wcp|33.0', 'wgp|a|33.0']
    """
    names = ["n", "w", *(f"wg|{j}" for j in indicators)]
    if has_obs:
        names += [f"wo|{j}" for j in indicators] + [f"no|{j}" for j in indicators]
    for k in ks:
        names += [f"np|{k}", f"wp|{k}", f"wcp|{k}", *(f"wgp|{j}|{k}" for j in indicators)]
        if has_eff:
            names += [f"wvgp|{j}|{k}" for j in indicators]
    return names


@njit(cache=True, nogil=True)
def row_scores(deprived: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted deprivation score of each row of a (n, J) 0/1 matrix (no float copy of the matrix)."""
    n, J = deprived.shape
    out = np.zeros(n)
    for i in range(n):
        s = 0.0
        for j in range(J):
            if deprived[i, j]:
                s += weights[j]
        out[i] = s
    return out


@njit(cache=True, nogil=True, inline="always")
def _influence(totals, p, d, y_idx, y_scale, x_idx, R, Xd, out):
    for k in range(y_idx.shape[0]):
        x = Xd[d, k]
        est = R[d, k]
        if x == 0.0 or est != est:  # empty domain or undefined ratio: no influence
            out[k] = 0.0
        else:
            out[k] = (totals[p, y_idx[k]] * y_scale[k] - est * totals[p, x_idx[k]]) / x


def influence_moments(
    totals: np.ndarray,  # (P, Q) per-(PSU, domain) sums
    y_idx: np.ndarray,  # (r,) numerator column of each ratio
    y_scale: np.ndarray,  # (r,)
    x_idx: np.ndarray,  # (r,) denominator column of each ratio
    R: np.ndarray,  # (D, r) ratio estimates
    Xd: np.ndarray,  # (D, r) domain denominators
    pair_dom: np.ndarray,  # (P,)
    pair_hd: np.ndarray,  # (P,) index of the pair's (stratum, domain) cell
    pair_scale: np.ndarray,  # (P,) n_h/(n_h − 1) of the pair's stratum (lonely-PSU rule applied)
    partner: np.ndarray,  # (P,) the same PSU and group in the earlier round, or −1
    partner_group: np.ndarray,  # (P,) group of the pair (for the cross-round moments)
    n_hd: int,
    n_groups: int,
    threads: int = 1,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Moments of the linearised influence totals U_pd = (Y_pd − R_d·X_pd)/X_d, computed on the fly.

    Returns Σ scale·U² per (domain, ratio), Σ U per ((stratum, domain), ratio), and the cross-round
    Σ scale·U_t1·U_t0 per (group, ratio): all a design variance or covariance needs, without ever
    holding U (pairs × ratios) in memory. With ``threads`` > 1 the ratios are split into ranges,
    one per thread; each ratio's sums run over the pairs in the same order: bit-identical.
    """
    r = y_idx.shape[0]
    sq = np.zeros((R.shape[0], r))
    S = np.zeros((n_hd, r))
    cross = np.zeros((n_groups, r))
    args = (totals, y_idx, y_scale, x_idx, R, Xd, pair_dom, pair_hd, pair_scale, partner)
    outs = (partner_group, sq, S, cross)
    bounds = np.linspace(0, r, max(1, min(threads, r)) + 1).astype(np.int64)
    if len(bounds) <= 2:
        _influence_range(*args, *outs, 0, r)
        return sq, S, cross
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(len(bounds) - 1, thread_name_prefix="humsec-moments") as pool:
        jobs = [
            pool.submit(_influence_range, *args, *outs, int(lo), int(hi))
            for lo, hi in itertools.pairwise(bounds)
        ]
        for job in jobs:
            job.result()
    return sq, S, cross


@njit(cache=True, nogil=True)
def _influence_range(
    totals: np.ndarray,
    y_idx_all: np.ndarray,
    y_scale_all: np.ndarray,
    x_idx_all: np.ndarray,
    R_all: np.ndarray,
    Xd_all: np.ndarray,
    pair_dom: np.ndarray,
    pair_hd: np.ndarray,
    pair_scale: np.ndarray,
    partner: np.ndarray,
    partner_group: np.ndarray,
    sq_all: np.ndarray,  # (D, r) filled in place for ratios lo..hi-1, as S_all and cross_all
    S_all: np.ndarray,
    cross_all: np.ndarray,
    lo: int,
    hi: int,
) -> None:
    P = totals.shape[0]
    y_idx = y_idx_all[lo:hi]
    y_scale = y_scale_all[lo:hi]
    x_idx = x_idx_all[lo:hi]
    R = R_all[:, lo:hi]
    Xd = Xd_all[:, lo:hi]
    sq = sq_all[:, lo:hi]
    S = S_all[:, lo:hi]
    cross = cross_all[:, lo:hi]
    r = hi - lo
    u = np.empty(r)
    v = np.empty(r)
    for p in range(P):
        d = pair_dom[p]
        _influence(totals, p, d, y_idx, y_scale, x_idx, R, Xd, u)
        f = pair_scale[p]
        h = pair_hd[p]
        for k in range(r):
            sq[d, k] += f * u[k] * u[k]
            S[h, k] += u[k]
        q = partner[p]
        if q >= 0:
            _influence(totals, q, pair_dom[q], y_idx, y_scale, x_idx, R, Xd, v)
            g = partner_group[p]
            for k in range(r):
                cross[g, k] += f * u[k] * v[k]


@njit(cache=True, nogil=True)
def _non_decreasing(values: np.ndarray) -> bool:
    for i in range(1, values.shape[0]):  # noqa: SIM110 (a loop numba compiles; no generator)
        if values[i] < values[i - 1]:
            return False
    return True


@njit(cache=True, nogil=True)
def compact_codes(values: np.ndarray, lo: int, span: int) -> tuple[np.ndarray, np.ndarray]:
    """Codes 0..m−1 of integer values in [lo, lo + span), in increasing order of value, and the
    values present; two passes and no temporaries the size of the data."""
    present = np.zeros(span, dtype=np.bool_)
    for i in range(values.shape[0]):
        present[values[i] - lo] = True
    lookup = np.empty(span, dtype=np.int32)
    m = 0
    for v in range(span):
        lookup[v] = m
        if present[v]:
            m += 1
    uniques = np.empty(m, dtype=np.int64)
    for v in range(span):
        if present[v]:
            uniques[lookup[v]] = v + lo
    codes = np.empty(values.shape[0], dtype=np.int32)
    for i in range(values.shape[0]):
        codes[i] = lookup[values[i] - lo]
    return codes, uniques


@njit(cache=True, nogil=True)
def _sum_rows_by(codes: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    out = np.zeros((n_groups, values.shape[1]))
    for i in range(values.shape[0]):
        g = codes[i]
        for q in range(values.shape[1]):
            out[g, q] += values[i, q]
    return out


def sum_rows_by(codes: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    """Rows of ``values`` (n × q, or n) summed by integer ``codes`` into (n_groups × q), each
    group's rows added in their order: the numbers of :func:`humsec.core.inference.group_sum`
    (a sparse product adds in the same order) without building a matrix.

    >>> sum_rows_by(np.array([1, 0, 1]), np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), 2).tolist()
    [[3.0, 4.0], [6.0, 8.0]]
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim == 1:
        return np.bincount(codes, weights=values, minlength=n_groups)
    return _sum_rows_by(codes, np.ascontiguousarray(values), n_groups)


@njit(cache=True, nogil=True)
def share_sums(
    totals: np.ndarray,  # (P, Q) the partition's per-(PSU, domain) sums
    national: np.ndarray,  # (P0, Q) the national partition's per-(PSU, round) sums
    col: int,
    pos: np.ndarray,  # (P,) each pair's row in ``national`` (its PSU and round)
    dom: np.ndarray,  # (P,)
    hd: np.ndarray,  # (P,) the pair's (stratum, domain) cell
    scale: np.ndarray,  # (P,) n_h/(n_h − 1) of the pair's stratum
    share: np.ndarray,  # (D,) each domain's share estimate, or empty for the first pass
    n_dom: int,
    n_hd: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The pair sums of a population share or contribution (:func:`humsec.af._estimates.share_rows`)
    in one read of the column: without ``share``, Σ Y per domain and per (stratum, domain);
    with it, Σ scale·(Y² − 2·s·Y·X_p) per domain. Each sum runs over the pairs in order, as
    ``np.bincount`` adds them, and each term is evaluated as the numpy expression was: the
    same bits."""
    P = totals.shape[0]
    first = np.zeros(n_dom)
    second = np.zeros(n_hd if share.shape[0] == 0 else 0)
    for p in range(P):
        y = totals[p, col]
        d = dom[p]
        if share.shape[0] == 0:
            first[d] += y
            second[hd[p]] += y
        else:
            x = national[pos[p], col]
            first[d] += scale[p] * (y * y - 2.0 * share[d] * y * x)
    return first, second


@njit(cache=True, nogil=True)
def value_per_psu(psu: np.ndarray, n_psu: int, digit: np.ndarray) -> tuple[np.ndarray, bool]:
    """Each PSU's value of ``digit`` when every PSU 0..n_psu−1 has persons and all its persons
    share one value (areas, regions, survey rounds of a cross-section); ``ok`` is False, and the
    scan stops, at the first PSU with two values."""
    out = np.empty(n_psu, dtype=digit.dtype)
    seen = np.zeros(n_psu, dtype=np.bool_)
    for i in range(psu.shape[0]):
        p = psu[i]
        if seen[p]:
            if out[p] != digit[i]:
                return out, False
        else:
            seen[p] = True
            out[p] = digit[i]
    for p in range(n_psu):
        if not seen[p]:
            return out, False
    return out, True


@njit(cache=True, nogil=True)
def _popcount(x: np.uint64) -> int:
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return int((x * np.uint64(0x0101010101010101)) >> np.uint64(56))


@njit(cache=True, nogil=True)
def rank_codes(keys: np.ndarray, span: int) -> tuple[np.ndarray, np.ndarray]:
    """Codes 0..m−1 of non-negative int64 keys below ``span`` in increasing key order, and the
    distinct keys, through a presence bitmap with per-word ranks: span/8 + span/8 bytes, so sparse
    key ranges (PSU × round × groups) cost far less than a lookup table or a hash."""
    words = span // 64 + 1
    bits = np.zeros(words, dtype=np.uint64)
    for i in range(keys.shape[0]):
        k = keys[i]
        bits[k >> 6] |= np.uint64(1) << np.uint64(k & 63)
    before = np.empty(words, dtype=np.int64)
    m = 0
    for w in range(words):
        before[w] = m
        m += _popcount(bits[w])
    uniques = np.empty(m, dtype=np.int64)
    for w in range(words):
        word = bits[w]
        r = before[w]
        for b in range(64):
            if (word >> np.uint64(b)) & np.uint64(1):
                uniques[r] = w * 64 + b
                r += 1
    codes = np.empty(keys.shape[0], dtype=np.int32)
    for i in range(keys.shape[0]):
        k = keys[i]
        below = bits[k >> 6] & ((np.uint64(1) << np.uint64(k & 63)) - np.uint64(1))
        codes[i] = before[k >> 6] + _popcount(below)
    return codes, uniques


#: below this many persons one thread sums faster than starting more
PARALLEL_MIN_PERSONS = 200_000


def usable_threads(n_persons: int) -> int:
    """Threads for a pass over ``n_persons``: the cores this process may run on (at most 8).

    >>> usable_threads(10)
    1
    """
    if n_persons < PARALLEL_MIN_PERSONS:
        return 1
    return usable_cores()


def warm_up_in_background() -> threading.Thread:
    """Start numba's first dispatch (target context, cache index) on a background thread.

    The first call of any compiled loop in a process costs about 1 s even when the machine code
    comes from numba's on-disk cache (profile in docs/af_speed.md). Started before a Parquet file
    is decoded (pyarrow releases the GIL), that second runs on the other core instead of after
    the read. Numba's compiler lock makes a concurrent first call simply wait; a failure here
    is ignored, since the real call will raise it again where it can be reported.

    >>> warm_up_in_background().join()
    """

    def warm() -> None:
        with contextlib.suppress(Exception):  # only a head start: the real call reports errors
            compact_codes(np.zeros(1, dtype=np.int64), 0, 1)

    thread = threading.Thread(target=warm, name="humsec-numba-warm-up", daemon=True)
    thread.start()
    return thread


@njit(cache=True, nogil=True)
def first_seen_codes(codes: np.ndarray, n_values: int) -> tuple[np.ndarray, np.ndarray]:
    """Renumber codes 0..n_values−1 (−1 = missing) in order of first appearance, as
    ``pd.factorize`` numbers values; returns the new codes and, per new code, the old one.
    Values never used get no new code."""
    lookup = np.full(n_values, -1, dtype=np.int32)
    order = np.empty(n_values, dtype=np.int64)
    m = 0
    out = np.empty(codes.shape[0], dtype=np.int32)
    for i in range(codes.shape[0]):
        c = codes[i]
        if c < 0:
            out[i] = -1
            continue
        new = lookup[c]
        if new < 0:
            new = m
            lookup[c] = m
            order[m] = c
            m += 1
        out[i] = new
    return out, order[:m]
