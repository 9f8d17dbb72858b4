"""The survey design of one voice table (main or repeat): weights, strata, PSUs, domains, and the ratio
estimator every voice estimate uses (shares, means, indicators), with its Taylor-linearised variance.

Shared by :mod:`humsec.voice.tabulate`, :mod:`humsec.voice.numeric` and :mod:`humsec.voice.indicators`
so that the checks, messages and variance are written once.

>>> import pandas as pd
>>> table = pd.DataFrame({"w": ["1", "3"], "g": ["a", "b"]})
>>> d = Design.build(table, DesignColumns(weight="w", over=("g",)), "data.csv", household=False, notes=[])
>>> [(over, group) for over, group, _ in d.domains()]
[('national', ''), ('g', 'a'), ('g', 'b')]
>>> est, *_ = d.ratio(np.array([[1.0], [0.0]]), np.ones(2, dtype=bool), 0.95)
>>> float(est[0])  # weighted share: 1 / (1 + 3)
0.25
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from humsec.core.design import LONELY_PSU_RULES
from humsec.core.errors import ColumnNotFoundError, DesignError, HumsecError, describe_rows
from humsec.core.inference import StratumFactors, group_sum, logit_ci, stratified_variance

__all__ = ["Design", "DesignColumns", "DesignOptions", "validate_design"]


@dataclass(frozen=True)
class DesignColumns:
    """The design parameters every voice engine takes (stored as given by the engine)."""

    weight: str | None = None
    strata: str | None = None
    psu: str | None = None
    nest: bool = False
    lonely_psu: str = "fail"
    over: Sequence[str] = ()

    def columns(self) -> list[str]:
        return [c for c in (self.weight, self.strata, self.psu, *self.over) if c]


class DesignOptions:
    """The survey-design parameters the voice engines take, stored as given (sklearn style)."""

    over: Sequence[str]
    weight: str | None
    strata: str | None
    psu: str | None
    nest: bool
    lonely_psu: str
    level: float

    def _store_design(
        self,
        *,
        over: Sequence[str],
        weight: str | None,
        strata: str | None,
        psu: str | None,
        nest: bool,
        lonely_psu: str,
        level: float,
    ) -> None:
        self.over = over
        self.weight = weight
        self.strata = strata
        self.psu = psu
        self.nest = nest
        self.lonely_psu = lonely_psu
        self.level = level

    def design_columns(self) -> DesignColumns:
        """The design parameters as one object (shared with the other voice engines)."""
        return DesignColumns(
            self.weight, self.strata, self.psu, self.nest, self.lonely_psu, self.over
        )


def validate_design(
    owner: str, cols: DesignColumns, level: float, table: pd.DataFrame, source: str
) -> None:
    """One clear sentence per bad design parameter of engine ``owner`` (scikit-learn style)."""
    if not isinstance(level, (int, float)) or not 0 < level < 1:
        raise HumsecError(
            f"The 'level' parameter of {owner} must be in (0, 1). Got {level!r} instead."
        )
    if cols.lonely_psu not in LONELY_PSU_RULES:
        raise HumsecError(
            f"The 'lonely_psu' parameter of {owner} must be one of {list(LONELY_PSU_RULES)}. "
            f"Got {cols.lonely_psu!r} instead."
        )
    if isinstance(cols.over, str):
        raise HumsecError(
            f"The 'over' parameter of {owner} must be a list of columns. Got {cols.over!r} instead."
        )
    missing = [c for c in cols.columns() if c not in table.columns]
    if missing:
        raise ColumnNotFoundError(missing, list(table.columns), source)


class Design:
    """Weights, PSU and stratum codes and domains of one table."""

    def __init__(
        self,
        table: pd.DataFrame,
        w: np.ndarray,
        psu: np.ndarray,
        psu_stratum: np.ndarray,
        over: Sequence[str],
        lonely: str,
    ) -> None:
        self.table, self.w, self.psu, self.psu_stratum = table, w, psu, psu_stratum
        self.over = list(over)
        self.factors = StratumFactors.from_design(psu_stratum, lonely)
        # design degrees of freedom, PSUs - strata (R degf); every interval of this table uses it
        self.df = max(len(psu_stratum) - len(np.unique(psu_stratum)), 1)

    @classmethod
    def build(
        cls, table: pd.DataFrame, cols: DesignColumns, where: str, household: bool, notes: list[str]
    ) -> Design:
        n = len(table)
        w = np.ones(n)
        if cols.weight:
            w = pd.to_numeric(table[cols.weight].replace("", np.nan), errors="coerce").to_numpy(
                dtype=np.float64
            )
            bad = ~np.isfinite(w) | (w <= 0)
            if bad.any():
                raise DesignError(
                    f"{where}, column {cols.weight!r}: sampling weights must be positive numbers; found "
                    f"{table[cols.weight].iloc[np.flatnonzero(bad)[0]]!r} at {describe_rows(np.flatnonzero(bad))}."
                )
        stratum = np.zeros(n, dtype=np.int64)
        if cols.strata:
            _check_present(table, cols.strata, where)
            stratum = pd.factorize(table[cols.strata], sort=True)[0]
        if cols.psu:
            _check_present(table, cols.psu, where)
            key = (
                table[cols.psu]
                if not cols.nest
                else table[cols.strata or cols.psu].astype(str) + "\x1f" + table[cols.psu]
            )
            psu = pd.factorize(key)[0]
        elif household:
            psu = pd.factorize(table["_parent_index"])[0]
            notes.append(f"{where}: no PSU column, so each household (_parent_index) is a PSU")
        else:
            psu = np.arange(n)
        psu_stratum = np.zeros(psu.max() + 1 if n else 0, dtype=np.int64)
        psu_stratum[psu] = stratum
        crossing = psu_stratum[psu] != stratum
        if crossing.any():
            raise DesignError(
                f"{where}, column {cols.psu!r}: PSU ids occur in more than one stratum (e.g. "
                f"{describe_rows(np.flatnonzero(crossing))}); if they are numbered within strata, set nest "
                "(nest=True); otherwise fix the ids."
            )
        per_stratum = np.bincount(psu_stratum)
        if cols.lonely_psu == "fail" and (per_stratum == 1).any() and len(psu_stratum) > 1:
            raise DesignError(
                f"{where}: {int((per_stratum == 1).sum())} stratum/strata have a single PSU; their variance cannot "
                "be estimated. Merge strata or choose lonely_psu certainty | remove | adjust."
            )
        return cls(table, w, psu, psu_stratum, cols.over, cols.lonely_psu)

    def domains(self) -> list[tuple[str, str, np.ndarray]]:
        """(over, group, member mask): the whole sample (``national``), then each group of each column."""
        out = [("national", "", np.ones(len(self.table), dtype=bool))]
        for col in self.over:
            values = self.table[col].astype(str)
            for g in sorted(values.unique(), key=_natural):
                out.append((col, g, (values == g).to_numpy()))
        return out

    def ratio(self, Y: np.ndarray, base: np.ndarray, level: float) -> tuple[Any, ...]:
        """Weighted means of the columns of ``Y`` among ``base`` rows (shares when Y is 0/1): estimates,
        SEs, logit CIs, n and the number of rows with Y > 0 (R ``svymean`` on ``subset(design, base)``)."""
        k = Y.shape[1]
        n = int(base.sum())
        if n == 0:
            nan = np.full(k, np.nan)
            return nan, nan, nan, nan, 0, np.zeros(k, dtype=int)
        wy = Y * (self.w * base)[:, None]
        wx = self.w * base
        Yp = group_sum(self.psu, wy, len(self.psu_stratum))
        Xp = group_sum(self.psu, wx, len(self.psu_stratum))
        R = Yp.sum(axis=0) / Xp.sum()
        U = (Yp - Xp[:, None] * R[None, :]) / Xp.sum()
        pair_psu = np.arange(len(self.psu_stratum))
        var = stratified_variance(
            U, pair_psu, np.zeros(len(pair_psu), dtype=np.int64), 1, self.psu_stratum, self.factors
        )[0]
        se = np.sqrt(var)
        with np.errstate(divide="ignore", invalid="ignore"):
            lo, hi = logit_ci(R, se, float(self.df), level)
        return R, se, lo, hi, n, (Y[base] > 0).sum(axis=0)


def _check_present(table: pd.DataFrame, col: str, where: str) -> None:
    empty = (table[col].astype(str) == "").to_numpy()
    if empty.any():
        raise DesignError(
            f"{where}, column {col!r}: design column is empty at {describe_rows(np.flatnonzero(empty))}."
        )


def _natural(value: str) -> tuple[int, float, str]:
    try:
        return (0, float(value), value)
    except ValueError:
        return (1, 0.0, value)
