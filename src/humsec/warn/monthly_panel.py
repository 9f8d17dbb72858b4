"""Unit-month panels of fatality counts (zeros filled) and the features forecasters learn from.

A :class:`MonthlyPanel` is a units × months matrix starting at ``start``; months without events
are 0, so every unit has every month. Features at a forecast origin month *t* use only months ≤ t:
recent values, rolling means and maxima of log1p counts, the share of months with fatalities, the
months since the last fatality, the neighbours' recent values (spatial lag, when neighbours are
given) and covariates carried forward from their last observed month.

>>> import pandas as pd
>>> long = pd.DataFrame({"unit": ["A", "A", "B"], "month": ["2020-01", "2020-03", "2020-02"],
...                      "fatalities": [2.0, 5.0, 1.0]})
>>> p = MonthlyPanel.from_long(long)
>>> p.units, [str(m) for m in p.months]
(('A', 'B'), ['2020-01', '2020-02', '2020-03'])
>>> p.values.tolist()
[[2.0, 0.0, 5.0], [0.0, 1.0, 0.0]]
>>> months_since_event(p.values).tolist()
[[0.0, 1.0, 0.0], [inf, 0.0, 1.0]]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from humsec.core.errors import DataError

__all__ = ["MonthlyPanel", "feature_arrays", "feature_frame", "months_since_event"]

#: window lengths (months) of the rolling features
WINDOWS = (3, 6, 12, 24, 60)
#: recent months given one by one (0 = the origin month itself)
LAGS = (0, 1, 2, 3, 5, 11)
#: months-since-last-event is capped (a unit quiet for 10+ years is simply "long quiet")
SINCE_CAP = 120.0


@dataclass(frozen=True)
class MonthlyPanel:
    """Counts per unit (rows) and month (columns) from ``start``; ``neighbours`` by unit name."""

    units: tuple[str, ...]
    start: pd.Period
    values: np.ndarray
    neighbours: Mapping[str, Sequence[str]] | None = None
    covariates: Mapping[str, np.ndarray] = field(default_factory=dict)
    #: each unit's first month with a row in the source (a column index; None: all known from the start).
    #: A long file or an event list names a unit only once it has data, so the unit list itself says
    #: something about later months; :meth:`known_by` keeps the units a forecaster could have known.
    first_seen: np.ndarray | None = None

    @property
    def months(self) -> pd.PeriodIndex:
        return pd.period_range(self.start, periods=self.values.shape[1], freq="M")

    @property
    def n_months(self) -> int:
        return int(self.values.shape[1])

    def month_position(self, month: str | pd.Period) -> int:
        """Column of ``month`` (may be outside the panel: negative or ≥ n_months)."""
        return int((pd.Period(month, "M") - self.start).n)

    @classmethod
    def from_long(
        cls,
        frame: pd.DataFrame,
        *,
        units: Sequence[str] | None = None,
        first_month: str | None = None,
        last_month: str | None = None,
    ) -> MonthlyPanel:
        """From ``unit, month, fatalities`` rows (several rows of one unit-month are summed).

        ``units`` fixes the unit list (units without rows get zeros); the months run from
        ``first_month`` (default: the first in the data) to ``last_month`` (default: the last).
        """
        if frame.empty and (first_month is None or last_month is None):
            raise DataError("The panel has no rows; cannot tell which months it covers")
        months = pd.PeriodIndex(frame["month"].astype(str), freq="M")
        start = pd.Period(first_month, "M") if first_month else months.min()
        end = pd.Period(last_month, "M") if last_month else months.max()
        unit_list = tuple(units) if units is not None else tuple(sorted(set(frame["unit"])))
        col = np.asarray(months.asi8, dtype=np.int64) - start.ordinal  # month ordinals
        row_of = {u: i for i, u in enumerate(unit_list)}
        rows = frame["unit"].map(row_of).to_numpy()
        n_months = (end - start).n + 1
        keep = pd.notna(rows) & (col >= 0) & (col < n_months)
        values = np.zeros((len(unit_list), n_months))
        np.add.at(
            values,
            (rows[keep].astype(np.int64), col[keep]),
            frame["fatalities"].to_numpy(dtype=float)[keep],
        )
        first_seen = None
        if units is None:  # the units are the data's own: record when each first appears
            first = pd.Series(col).groupby(frame["unit"].to_numpy()).min()
            first_seen = first.reindex(list(unit_list)).to_numpy(dtype=np.int64)
        return cls(unit_list, start, values, first_seen=first_seen)

    def to_long(self) -> pd.DataFrame:
        """``unit, month, fatalities`` rows, unit-major."""
        return pd.DataFrame(
            {
                "unit": np.repeat(self.units, self.n_months),
                "month": np.tile(self.months.astype(str), len(self.units)),
                "fatalities": self.values.ravel(),
            }
        )

    def up_to(self, month: str | pd.Period) -> MonthlyPanel:
        """The panel truncated after ``month``: what a forecaster may see at that origin."""
        end = self.month_position(month) + 1
        if end <= 0:
            raise DataError(f"Cut-off {month} is before the panel starts ({self.start})")
        return replace(
            self,
            values=self.values[:, :end].copy(),
            covariates={k: v[:, :end].copy() for k, v in self.covariates.items()},
        )

    def known_by(self, month: str | pd.Period) -> MonthlyPanel:
        """Only the units with a row in the source by ``month`` (all of them when that is not known).

        >>> rows = pd.DataFrame({"unit": ["A", "B"], "month": ["2020-01", "2020-03"], "fatalities": [1, 2]})
        >>> MonthlyPanel.from_long(rows).known_by("2020-02").units
        ('A',)
        """
        if self.first_seen is None:
            return self
        keep = self.first_seen <= self.month_position(month)
        units = tuple(u for u, k in zip(self.units, keep, strict=True) if k)
        neighbours = None
        if self.neighbours is not None:
            known = set(units)
            neighbours = {
                u: [n for n in ns if n in known] for u, ns in self.neighbours.items() if u in known
            }
        return replace(
            self,
            units=units,
            values=self.values[keep].copy(),
            neighbours=neighbours,
            covariates={k: v[keep].copy() for k, v in self.covariates.items()},
            first_seen=self.first_seen[keep].copy(),
        )

    def with_neighbours(self, neighbours: Mapping[str, Sequence[str]]) -> MonthlyPanel:
        return replace(self, neighbours=neighbours)

    def with_covariates(self, table: pd.DataFrame) -> MonthlyPanel:
        """Join covariates: rows ``unit, month`` (or ``unit, year``) + numeric columns.

        Each value is carried forward to later months (last observation carried forward), never
        backward, so a feature at an origin only uses values published by then.
        """
        key = "month" if "month" in table.columns else "year"
        if "unit" not in table.columns or key not in table.columns:
            raise DataError(
                "A covariate table needs 'unit' and 'month' (YYYY-MM) or 'year' columns"
            )
        t = table.copy()
        t["month"] = (
            pd.PeriodIndex(t["month"].astype(str), freq="M")
            if key == "month"
            else pd.PeriodIndex([f"{int(y)}-01" for y in t["year"]], freq="M")
        )
        names = [c for c in t.columns if c not in ("unit", "month", "year")]
        covs = dict(self.covariates)
        for name in names:
            wide = np.full(self.values.shape, np.nan)
            rows = t["unit"].map({u: i for i, u in enumerate(self.units)})
            cols = (t["month"] - self.start).map(lambda d: d.n)
            ok = rows.notna() & (cols >= 0) & (cols < self.n_months)
            wide[rows[ok].astype(int), cols[ok].astype(int)] = pd.to_numeric(t.loc[ok, name])
            covs[name] = pd.DataFrame(wide).ffill(axis=1).to_numpy()
        return replace(self, covariates=covs)


def months_since_event(values: np.ndarray) -> np.ndarray:
    """Months since the last month with fatalities, at each month (0 there, inf before any)."""
    n = values.shape[1]
    idx = np.where(values > 0, np.arange(n), -1)
    last = np.maximum.accumulate(idx, axis=1)
    return np.where(last >= 0, np.arange(n) - last, np.inf).astype(float)


def _rolling_mean(x: np.ndarray, w: int) -> np.ndarray:
    """Mean over the last ``w`` months (fewer at the start), along axis 1."""
    c = np.cumsum(np.pad(x, ((0, 0), (1, 0))), axis=1)
    n = x.shape[1]
    hi = np.arange(1, n + 1)
    lo = np.maximum(hi - w, 0)
    return (c[:, hi] - c[:, lo]) / (hi - lo)


def _rolling_max(x: np.ndarray, w: int) -> np.ndarray:
    out = x.copy()
    for k in range(1, w):
        out[:, k:] = np.maximum(out[:, k:], x[:, :-k])
    return out


def _neighbour_matrix(panel: MonthlyPanel) -> np.ndarray | None:
    if not panel.neighbours:
        return None
    pos = {u: i for i, u in enumerate(panel.units)}
    w = np.zeros((len(panel.units), len(panel.units)))
    for u, ns in panel.neighbours.items():
        for n in ns:
            if u in pos and n in pos:
                w[pos[u], pos[n]] = 1.0
    rows = w.sum(axis=1, keepdims=True)
    return np.divide(w, rows, out=np.zeros_like(w), where=rows > 0)  # mean over neighbours


def feature_arrays(panel: MonthlyPanel) -> dict[str, np.ndarray]:
    """Every feature as a units × months float32 matrix; the value at month *t* uses months ≤ t.

    ``log_lag{k}``, ``log_mean{w}``, ``log_max12``, ``any_share{12,60}``, ``since`` (capped),
    ``month_of_year``, ``nb_mean{3,12}`` (mean over neighbours, when given) and ``cov_<name>``.
    """
    logv = np.log1p(panel.values)
    n = logv.shape[1]
    cols: dict[str, np.ndarray] = {}
    for k in LAGS:
        cols[f"log_lag{k}"] = np.pad(logv, ((0, 0), (k, 0)))[:, :n]
    for w in WINDOWS:
        cols[f"log_mean{w}"] = _rolling_mean(logv, w)
    cols["log_max12"] = _rolling_max(logv, 12)
    anyv = (panel.values > 0).astype(float)
    cols["any_share12"] = _rolling_mean(anyv, 12)
    cols["any_share60"] = _rolling_mean(anyv, 60)
    cols["since"] = np.minimum(months_since_event(panel.values), SINCE_CAP)
    month_of_year = (panel.start.month - 1 + np.arange(n)) % 12 + 1
    cols["month_of_year"] = np.broadcast_to(month_of_year, logv.shape)
    nb = _neighbour_matrix(panel)
    if nb is not None:
        cols["nb_mean3"] = nb @ cols["log_mean3"]
        cols["nb_mean12"] = nb @ cols["log_mean12"]
    for name, mat in panel.covariates.items():
        cols[f"cov_{name}"] = mat
    return {k: np.asarray(v, dtype=np.float32) for k, v in cols.items()}


def feature_frame(
    arrays: Mapping[str, np.ndarray], unit_idx: np.ndarray, origin_idx: np.ndarray
) -> pd.DataFrame:
    """The features of the given (unit, origin month) pairs, one row each."""
    return pd.DataFrame({k: v[unit_idx, origin_idx] for k, v in arrays.items()})
