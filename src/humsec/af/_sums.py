"""One pass over the persons: weighted sums per finest cell (PSU × round × every grouping).

Every estimate, its linearised SE, and every subgroup and change comes from these sums, so the
persons are read once whatever the number of k values, groupings or measures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from humsec.af._kernels import accumulate_cells, kernel_columns, usable_threads
from humsec.af.measures import SCORE_TOLERANCE
from humsec.af.survey_table import PreparedSurvey

__all__ = ["CellTable", "build_cells"]


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


def build_cells(survey: PreparedSurvey, ks: tuple[float, ...]) -> CellTable:
    """Sum every quantity the AF measures need per cell (the one pass over persons)."""
    cells = survey.cells
    ids = cells.ids
    n_cells = cells.n_cells
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
        threads=usable_threads(len(ids)),
    )
    names = kernel_columns(
        survey.indicators, ks, survey.observed is not None, survey.effective_weights is not None
    )
    return CellTable(
        psu=cells.psu,
        round=cells.round,
        groups=cells.groups,
        sums=sums,
        columns={n: i for i, n in enumerate(names)},
    )
