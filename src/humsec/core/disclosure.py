"""Statistical disclosure control (SDC) of published tables: small or unreliable cells are blanked.

Protection data describe few people in small places: a cell built on a handful of persons can identify
them, and an estimate with a large coefficient of variation misleads. Every table, map and chart of a
review goes through :func:`apply_disclosure_control` first.

**Primary rules** (:class:`DisclosureRules`; defaults and why):

- ``n < min_n = 25`` unweighted persons: suppressed. ``min_n ≤ n < flag_n = 50``: flagged. This is the
  DHS convention (estimates on 25–49 unweighted cases shown in parentheses, fewer than 25 suppressed),
  which the people reading a humsec review already know.
- ``CV = se / |estimate| > max_cv = 0.333``: suppressed; ``flag_cv = 0.166 < CV ≤ 0.333``: flagged
  (Statistics Canada's quality grades: CV above 33.3 % too unreliable to publish, 16.6–33.3 % use with
  caution). An estimate of 0 with a positive SE has an infinite CV and is suppressed.

**Secondary suppression**: a suppressed cell can be recovered by subtraction when the other cells of a
set and the set's total are published (counts add up; rates add up once population shares are
published, as AF ``shares`` tables do). ``margins`` lists the column sets that identify such sets of
cells (e.g. ``[["measure", "k", "indicator", "over", "time"]]``: the groups of one grouping against
the national row). In every set with exactly one suppressed cell, the unsuppressed cell with the
smallest ``n`` is suppressed too (status ``secondary``), repeated until no set has exactly one. This is
the classic minimum rule; it does not solve the full cell-suppression problem (e.g. linked tables
whose sets overlap in complex ways are protected set by set only).

A cell built on two samples (a change between two survey rounds) is as disclosive as the smaller: pass
its counts as ``n=["n_t0", "n_t1"]`` and the rules judge each row by the smallest count present in
those columns (a table mixing levels and changes passes ``["n", "n_t0", "n_t1"]``: levels fill ``n``,
changes the other two).

``action="suppress"`` blanks every value column of a suppressed row (default: every numeric column
except the keys ``k``, ``time``, ``year``, ``df``), ``n`` included; ``action="flag"`` keeps the values
(internal tables) and only marks them. Columns ``sdc_status`` (``ok``, ``flag``, ``suppressed``,
``secondary``) and ``sdc_reason`` say what happened and why.

>>> t = pd.DataFrame({"group": ["a", "b", "c"], "estimate": [0.2, 0.3, 0.1],
...                   "se": [0.01, 0.02, 0.05], "n": [400, 12, 300]})
>>> out = apply_disclosure_control(t)
>>> out[["group", "estimate", "n", "sdc_status"]].to_dict("list")
{'group': ['a', 'b', 'c'], 'estimate': [0.2, nan, nan], 'n': [400.0, nan, nan], 'sdc_status': ['ok', 'suppressed', 'suppressed']}
>>> out["sdc_reason"].tolist()
['', 'n < 25', 'CV 0.50 > 0.333']
>>> ch = pd.DataFrame({"estimate": [-0.05, -0.04], "se": [0.005, 0.005],
...                    "n_t0": [900, 30], "n_t1": [950, 10]})
>>> apply_disclosure_control(ch, n=["n_t0", "n_t1"])["sdc_reason"].tolist()
['', 'n < 25']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from humsec.core.errors import ColumnNotFoundError, HumsecError

__all__ = ["DisclosureRules", "apply_disclosure_control"]

KEY_COLUMNS = ("k", "time", "year", "df")


@dataclass(frozen=True)
class DisclosureRules:
    """Thresholds of the primary rules (see the module docstring for the choice of defaults)."""

    min_n: int = 25
    flag_n: int = 50
    max_cv: float = 0.333
    flag_cv: float = 0.166

    def __post_init__(self) -> None:
        if self.min_n < 1 or self.flag_n < self.min_n:
            raise HumsecError(
                f"Disclosure rules need 1 ≤ min_n ≤ flag_n; got min_n={self.min_n}, flag_n={self.flag_n}."
            )
        if not 0 < self.flag_cv <= self.max_cv:
            raise HumsecError(
                f"Disclosure rules need 0 < flag_cv ≤ max_cv; got flag_cv={self.flag_cv}, max_cv={self.max_cv}."
            )


def apply_disclosure_control(
    table: pd.DataFrame,
    rules: DisclosureRules | None = None,
    *,
    n: str | Sequence[str] = "n",
    estimate: str | None = "estimate",
    se: str | None = "se",
    blank: Sequence[str] | None = None,
    margins: Sequence[Sequence[str]] = (),
    action: str = "suppress",
    source: str | None = None,
    cv_exempt: Sequence[bool] | None = None,
) -> pd.DataFrame:
    """A copy of ``table`` with small and unreliable cells suppressed (or flagged) and marked.

    ``estimate``/``se`` may be None for tables without an SE (counts): then only the ``n`` rule
    applies. A missing ``n`` counts as 0 (suppressed): a cell whose size is unknown is not published.
    With several ``n`` columns a row's size is the smallest count it has in them (0 if it has none).
    ``cv_exempt`` marks rows judged on their counts only: changes over time, whose CV grows without
    bound as the change nears zero however precise it is (a change of 0.1 pp ± 0.5 pp is a finding,
    "no change", not an unreliable cell); they are published with their SE and CI.
    """
    rules = rules or DisclosureRules()
    n_cols = [n] if isinstance(n, str) else list(n)
    if action not in ("suppress", "flag"):
        raise HumsecError(f"'action' must be 'suppress' or 'flag'. Got {action!r} instead.")
    needed = [
        *n_cols,
        *(c for c in (estimate, se) if c),
        *(c for m in margins for c in m),
        *(blank or []),
    ]
    missing = [c for c in dict.fromkeys(needed) if c not in table.columns]
    if missing:
        raise ColumnNotFoundError(missing, [str(c) for c in table.columns], source)
    out = table.copy().reset_index(drop=True)
    sizes = out[n_cols].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=np.float64)
    # the smallest count present; a row with none: its size is unknown, so 0
    counts = np.where(np.isnan(sizes), np.inf, sizes).min(axis=1)
    counts[np.isinf(counts)] = 0.0
    status = np.full(len(out), "ok", dtype=object)
    reason = np.full(len(out), "", dtype=object)
    small = counts < rules.min_n
    status[small] = "suppressed"
    reason[small] = f"n < {rules.min_n}"
    few = ~small & (counts < rules.flag_n)
    status[few] = "flag"
    reason[few] = f"n < {rules.flag_n}"
    if estimate and se:
        est = pd.to_numeric(out[estimate], errors="coerce").to_numpy(dtype=np.float64)
        err = pd.to_numeric(out[se], errors="coerce").to_numpy(dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            cv = np.where(err > 0, err / np.abs(est), 0.0)
        cv = np.nan_to_num(cv, nan=0.0, posinf=np.inf)
        if cv_exempt is not None:
            exempt = np.asarray(cv_exempt, dtype=bool)
            if exempt.shape != (len(out),):
                raise HumsecError(f"cv_exempt has {exempt.size} values for {len(out)} rows.")
            cv[exempt] = 0.0
        bad = ~small & (cv > rules.max_cv)
        status[bad] = "suppressed"
        reason[bad] = [f"CV {v:.2f} > {rules.max_cv:g}" for v in cv[bad]]
        shaky = (status == "ok") & (cv > rules.flag_cv)
        status[shaky] = "flag"
        reason[shaky] = [f"CV {v:.2f} > {rules.flag_cv:g}" for v in cv[shaky]]
    for keys in margins:
        _secondary(out, list(keys), counts, status, reason)
    out["sdc_status"] = status
    out["sdc_reason"] = reason
    if action == "suppress":
        columns = list(blank) if blank is not None else _value_columns(out, n_cols)
        hidden = np.isin(status, ["suppressed", "secondary"])
        for col in columns:
            if not pd.api.types.is_float_dtype(out[col]):
                out[col] = out[col].astype(
                    "float64" if pd.api.types.is_numeric_dtype(out[col]) else object
                )
            out.loc[hidden, col] = np.nan
    return out


def _value_columns(table: pd.DataFrame, n: list[str]) -> list[str]:
    cols = [
        c
        for c in table.columns
        if c not in KEY_COLUMNS
        and c not in ("sdc_status", "sdc_reason")
        and (pd.api.types.is_numeric_dtype(table[c]) and not pd.api.types.is_bool_dtype(table[c]))
    ]
    return list(dict.fromkeys([*cols, *n]))


def _secondary(
    table: pd.DataFrame,
    keys: list[str],
    counts: np.ndarray,
    status: np.ndarray,
    reason: np.ndarray,
) -> None:
    """Minimum rule: no set of cells (same ``keys``) may hold exactly one suppressed cell."""
    sets = [
        np.asarray(m, dtype=np.int64)
        for m in table.groupby(keys, dropna=False, sort=False).indices.values()
    ]
    changed = True
    while changed:
        changed = False
        for members in sets:
            if len(members) < 2:
                continue
            hidden = np.isin(status[members], ["suppressed", "secondary"])
            if hidden.sum() != 1:
                continue
            shown = members[~hidden]
            pick = shown[np.argmin(counts[shown])]
            status[pick] = "secondary"
            reason[pick] = "complement of a suppressed cell (" + ", ".join(keys) + ")"
            changed = True
