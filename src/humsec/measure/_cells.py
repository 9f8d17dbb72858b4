"""One pass over the persons: weighted sums per finest cell (PSU × round × every grouping).

Every estimate, its linearised SE, and every subgroup and change comes from these sums, so the
persons are read once whatever the number of k values, groupings or measures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from humsec._kernels import accumulate_cells, kernel_columns, rank_codes
from humsec.tables.survey_table import PreparedSurvey

__all__ = ["CellTable", "build_cells"]

#: a score within this distance below k/100 counts as reaching it (guards 1/3 + 1/3 vs 2/3 rounding)
SCORE_TOLERANCE = 1e-12


@dataclass
class CellTable:
    """Cells (unique PSU × round × groups), their attributes, and the summed quantities."""

    psu: np.ndarray  # (C,)
    round: np.ndarray  # (C,)
    groups: list[np.ndarray]  # per grouping, (C,) codes, -1 = missing
    sums: np.ndarray  # (C, Q)
    columns: dict[str, int]  # quantity name -> column of sums

    def col(self, name: str) -> int:
        return self.columns[name]


def _cell_ids(survey: PreparedSurvey) -> tuple[np.ndarray, list[np.ndarray], list[int]]:
    """Integer cell id per person and the decoded (digit) codes for each cell.

    The key is mixed-radix (PSU, round, groups...), built in place in one int64 array.
    """
    parts: list[tuple[int, np.ndarray, int]] = [(survey.n_psu, survey.psu, 0)]
    if survey.rounds:
        parts.append((survey.rounds.n_groups, survey.rounds.codes, 0))
    parts += [(g.n_groups + 1, g.codes, 1) for g in survey.over]  # +1: missing group is -1
    radices = [radix for radix, _, _ in parts]
    key = survey.psu.astype(np.int64)
    span = survey.n_psu
    compacted = False
    for radix, digit, shift in parts[1:]:
        if span * radix > 2**62:  # keep the mixed-radix key inside int64: compact first
            codes, _ = pd.factorize(key, sort=True)
            key = codes.astype(np.int64)
            span = int(key.max()) + 1
            compacted = True
        key *= radix
        key += digit
        if shift:
            key += shift
        span *= radix
    if span <= 16 * survey.n + 1_000_000:  # a presence bitmap (span/4 bytes) beats hashing
        ids, uniques = rank_codes(key, span)
        attrs = _decode(uniques, radices)
    else:  # sorted, so cells come in key order (PSU, round, groups) as in the counting pass
        codes, uniques = pd.factorize(key, sort=True)
        ids = codes.astype(np.int32)
        del key, codes
        if compacted:
            attrs = [_first_per_cell(ids, d, s) for _, d, s in parts]
        else:
            attrs = _decode(np.asarray(uniques), radices)
    if not survey.rounds:  # cells carry a round attribute all the same (one round)
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


def build_cells(survey: PreparedSurvey, ks: tuple[float, ...]) -> CellTable:
    """Sum every quantity the AF measures need per cell (the one pass over persons)."""
    ids, attrs, _ = _cell_ids(survey)
    n_cells = len(attrs[0])
    empty = np.zeros((0, 0))
    observed = survey.observed if survey.observed is not None else empty.astype(bool)
    effective = survey.effective_weights if survey.effective_weights is not None else empty
    thresholds = np.array([k / 100 - SCORE_TOLERANCE for k in ks])
    sums = accumulate_cells(
        ids,
        survey.weight,
        survey.indicator_weights,
        np.ascontiguousarray(survey.deprivations),
        np.ascontiguousarray(observed),
        np.ascontiguousarray(effective),
        thresholds,
        n_cells,
    )
    names = kernel_columns(
        survey.indicators, ks, survey.observed is not None, survey.effective_weights is not None
    )
    return CellTable(
        psu=attrs[0],
        round=attrs[1],
        groups=[a - 1 for a in attrs[2:]],
        sums=sums,
        columns={n: i for i, n in enumerate(names)},
    )
