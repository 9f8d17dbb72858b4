"""One pass over the persons: weighted sums per finest cell (PSU × round × every grouping).

Every estimate, its linearised SE, and every subgroup and change comes from these sums, so the
persons are read once whatever the number of k values, groupings or measures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from humsec._kernels import accumulate_cells, compact_codes, kernel_columns
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
    """Integer cell id per person and the decoded (digit) codes for each cell."""
    radices = [survey.n_psu, survey.rounds.n_groups if survey.rounds else 1]
    digits = [survey.psu, survey.rounds.codes if survey.rounds else np.zeros(survey.n, np.int64)]
    for g in survey.over:
        radices.append(g.n_groups + 1)
        digits.append(g.codes + 1)
    key = np.zeros(survey.n, dtype=np.int64)
    span = 1
    for radix, digit in zip(radices, digits, strict=True):
        if span * radix > 2**62:  # keep the mixed-radix key inside int64: compact first
            key, _ = pd.factorize(key)
            key = key.astype(np.int64)
            span = int(key.max()) + 1
        key *= radix
        key += digit
        span *= radix
    if span <= 4 * survey.n + 1_000_000:  # dense key range: a counting pass beats hashing
        ids, uniques = compact_codes(key, 0, span)
        return ids, _decode(uniques, radices), radices
    ids, uniques = pd.factorize(key)
    return ids.astype(np.int64), _decode_from_persons(ids, len(uniques), digits), radices


def _decode(uniques: np.ndarray, radices: list[int]) -> list[np.ndarray]:
    out = []
    rest = uniques.copy()
    for radix in reversed(radices):
        out.append(rest % radix)
        rest //= radix
    return list(reversed(out))


def _decode_from_persons(
    ids: np.ndarray, n_cells: int, digits: list[np.ndarray]
) -> list[np.ndarray]:
    out = []
    for d in digits:
        attr = np.empty(n_cells, dtype=np.int64)
        attr[ids] = d
        out.append(attr)
    return out


def poor_mask(score: np.ndarray, k: float) -> np.ndarray:
    """Identification: poor if the deprivation score reaches k (percent); k > 0, so a person with no
    deprivation is never poor, however small k is."""
    return (score >= k / 100 - SCORE_TOLERANCE) & (score > 0)


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
        survey.score,
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
