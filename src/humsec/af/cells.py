"""Persons into cells: the finest partition PSU × round × every grouping.

Every estimate, SE and change is computed from sums over these cells, so once each person has a
cell id, their PSU, round and group codes are no longer needed (and are not kept).

>>> import numpy as np
>>> cells = form_cells(np.array([1, 0, 1, 1]), 2, None, [])
>>> cells.ids.tolist(), cells.psu.tolist()
([1, 0, 1, 1], [0, 1])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from humsec.af._kernels import rank_codes, value_per_psu

__all__ = ["Cells", "form_cells", "psu_cells"]


@dataclass(frozen=True)
class Cells:
    """Each person's cell, and each cell's PSU, round and group codes (−1 = missing group)."""

    ids: np.ndarray  # (n,) int32
    psu: np.ndarray  # (C,)
    round: np.ndarray  # (C,)
    groups: list[np.ndarray]  # per grouping, (C,)

    @property
    def n_cells(self) -> int:
        return len(self.psu)


def form_cells(
    psu: np.ndarray,
    n_psu: int,
    rounds: tuple[np.ndarray, int] | None,
    over: list[tuple[np.ndarray, int]],
) -> Cells:
    """Cells sorted by (PSU, round, groups); ids are the persons' cells.

    ``rounds`` and each of ``over`` are (per-person codes, number of groups); −1 codes a missing group.
    """
    by_psu = _cells_are_psus(psu, n_psu, rounds, over)
    if by_psu is not None:
        return by_psu
    ids, attrs, _ = _cell_ids(psu, n_psu, rounds, over)
    return Cells(ids, attrs[0], attrs[1], [a - 1 for a in attrs[2:]])


def _cells_are_psus(
    psu: np.ndarray,
    n_psu: int,
    rounds: tuple[np.ndarray, int] | None,
    over: list[tuple[np.ndarray, int]],
) -> Cells | None:
    """The cells when each PSU is one cell: its persons share the round and every group, as
    geographic groupings (region, district, urban/rural) and the round of a cross-section do.
    One scan per grouping instead of a key per person; None as soon as a PSU holds two values
    (person-level groups such as sex or age), and the general path decides.

    >>> _cells_are_psus(np.array([1, 0, 1]), 2, None, [(np.array([4, -1, 4]), 5)]).groups
    [array([-1,  4])]
    """
    if n_psu == 0 or len(psu) == 0:
        return None
    values = []
    for digit in ([] if rounds is None else [rounds[0]]) + [codes for codes, _ in over]:
        per_psu, ok = value_per_psu(psu, n_psu, digit)
        if not ok:
            return None
        values.append(per_psu)
    round_per_psu = values.pop(0) if rounds is not None else None
    return psu_cells(psu, n_psu, round_per_psu, values)


def psu_cells(
    psu: np.ndarray, n_psu: int, round_per_psu: np.ndarray | None, groups: list[np.ndarray]
) -> Cells:
    """The cells when they are the PSUs: each PSU's round (None: one round) and group codes.

    >>> psu_cells(np.array([1, 0, 1]), 2, None, [np.array([3, -1])]).groups
    [array([ 3, -1])]
    """
    rounds = np.zeros(n_psu, dtype=np.int64) if round_per_psu is None else round_per_psu
    return Cells(
        psu.astype(np.int32, copy=False),
        np.arange(n_psu, dtype=np.int64),
        rounds.astype(np.int64, copy=False),
        [g.astype(np.int64, copy=False) for g in groups],
    )


def _cell_ids(
    psu: np.ndarray,
    n_psu: int,
    rounds: tuple[np.ndarray, int] | None,
    over: list[tuple[np.ndarray, int]],
) -> tuple[np.ndarray, list[np.ndarray], list[int]]:
    """Integer cell id per person and the decoded (digit) codes for each cell.

    The key is mixed-radix (PSU, round, groups...), built in place in one int64 array.
    """
    parts: list[tuple[int, np.ndarray, int]] = [(n_psu, psu, 0)]
    if rounds is not None:
        parts.append((rounds[1], rounds[0], 0))
    parts += [(n + 1, codes, 1) for codes, n in over]  # +1: missing group is -1
    radices = [radix for radix, _, _ in parts]
    key = psu.astype(np.int64)
    span = n_psu
    compacted = False
    bitmap_span = 16 * len(psu) + 1_000_000  # up to here a presence bitmap beats hashing
    for radix, digit, shift in parts[1:]:
        if span * radix > bitmap_span and span <= bitmap_span:
            # Ranking the key so far keeps its order and makes the next digit's range fit the
            # bitmap (groups that are unions of PSUs leave about one cell per PSU), sparing a
            # hash of the whole key; the final ranks, hence every cell, are unchanged.
            codes, _ = rank_codes(key, span)
            key = codes.astype(np.int64)
            span = int(key.max()) + 1 if len(key) else 1
            compacted = True
        elif span * radix > 2**62:  # keep the mixed-radix key inside int64: compact first
            codes, _ = pd.factorize(key, sort=True)
            key = codes.astype(np.int64)
            span = int(key.max()) + 1
            compacted = True
        key *= radix
        key += digit
        if shift:
            key += shift
        span *= radix
    if span <= bitmap_span:
        ids, uniques = rank_codes(key, span)
        del key
        if compacted:
            attrs = [_first_per_cell(ids, d, s) for _, d, s in parts]
        else:
            attrs = _decode(uniques, radices)
    else:  # sorted, so cells come in key order (PSU, round, groups) as in the counting pass
        codes, uniques = pd.factorize(key, sort=True)
        ids = codes.astype(np.int32)
        del key, codes
        if compacted:
            attrs = [_first_per_cell(ids, d, s) for _, d, s in parts]
        else:
            attrs = _decode(np.asarray(uniques), radices)
    if rounds is None:  # cells carry a round attribute all the same (one round)
        attrs.insert(1, np.zeros(len(attrs[0]), dtype=np.int64))
    return ids, attrs, radices


def _decode(uniques: np.ndarray, radices: list[int]) -> list[np.ndarray]:
    out = []
    rest = uniques.copy()
    for radix in reversed(radices):
        out.append(rest % radix)
        rest //= radix
    return list(reversed(out))


def _first_per_cell(ids: np.ndarray, digit: np.ndarray, shift: int) -> np.ndarray:
    attr = np.empty(int(ids.max()) + 1 if len(ids) else 0, dtype=np.int64)
    attr[ids] = digit
    return attr + shift
