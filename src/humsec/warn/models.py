"""Forecasters of monthly fatalities with one interface: ``fit(panel)`` then ``predict(horizon)``.

``fit`` sees the panel cut at the forecast origin (its last month) and nothing after; ``predict``
returns a :class:`Forecast` for months 1..horizon after the origin, as an ensemble of equally
weighted members per unit and month (raw counts). The benchmarks follow ViEWS:

- ``zero``: 0 fatalities everywhere;
- ``no_change``: each unit's last month, for every horizon;
- ``hist_12`` / ``hist_24``: each unit's last 12/24 monthly values, as the forecast distribution.

:class:`QuantileGBM`: LightGBM quantile regressions of log1p(fatalities) at levels (i − ½)/K
(K = 10), one model per level, shared across horizons (the horizon is a feature). The K predicted
quantiles, sorted (no crossing) and back-transformed, are the members; equally weighted members at
the mid-levels are the K-point approximation of a distribution that is best for CRPS.

:class:`PooledGBM` (``lgbm_pool``, the default strong model) is the equal-weight linear pool of
that forecast and the unit's own last 12 months (``hist_12``, as K quantiles). CRPS is convex in
the forecast distribution: CRPS(½F + ½G) = ½CRPS(F) + ½CRPS(G) − ¼∫(F − G)², so the pool never
scores worse than the mean of its parts, and it beats ``hist_12`` unless the GBM is worse than
``hist_12`` by more than ½∫(F − G)² (docs/warn.md, "Design study").

>>> import numpy as np, pandas as pd
>>> from humsec.warn.monthly_panel import MonthlyPanel
>>> p = MonthlyPanel(("A",), pd.Period("2020-01", "M"), np.array([[9.0] * 10 + [0.0, 4.0, 2.0]]))
>>> Benchmark("hist_12").fit(p).predict(2).members[0, :, -3:].tolist()
[[0.0, 4.0, 2.0], [0.0, 4.0, 2.0]]
>>> Benchmark("no_change").fit(p).predict(1).median().tolist()
[[2.0]]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd

from humsec.core.errors import DataError, SpecError
from humsec.core.progress import current
from humsec.warn.monthly_panel import MonthlyPanel, feature_arrays, feature_frame

__all__ = [
    "BENCHMARKS",
    "GBM_MODELS",
    "MODELS",
    "Benchmark",
    "Forecast",
    "Forecaster",
    "PooledGBM",
    "QuantileGBM",
    "linear_pool",
    "make_forecaster",
]

BENCHMARKS = ("zero", "no_change", "hist_12", "hist_24")


@dataclass
class Forecast:
    """Ensemble forecast: ``members[unit, h - 1, j]`` (raw counts) for horizons 1..H."""

    units: tuple[str, ...]
    origin: pd.Period
    members: np.ndarray
    model: str = ""
    contributions: pd.DataFrame | None = None  # drivers (log1p scale), one row per unit-month

    @property
    def horizons(self) -> np.ndarray:
        return np.arange(1, self.members.shape[1] + 1)

    @property
    def months(self) -> pd.PeriodIndex:
        return pd.period_range(self.origin + 1, periods=self.members.shape[1], freq="M")

    def median(self) -> np.ndarray:
        """Median of the members (numpy: the mean of the middle two for an even count)."""
        return np.median(self.members, axis=2)

    def mean(self) -> np.ndarray:
        return self.members.mean(axis=2)

    def quantile(self, q: float) -> np.ndarray:
        return np.quantile(self.members, q, axis=2)

    def prob_above(self, threshold: float | np.ndarray) -> np.ndarray:
        """Share of members above ``threshold`` (per unit, or per unit and horizon)."""
        thr = np.asarray(threshold, dtype=float)
        thr = thr.reshape(thr.shape + (1,) * (self.members.ndim - thr.ndim))
        return (self.members > thr).mean(axis=2)

    def samples(self, n: int, seed: int = 0) -> np.ndarray:
        """``n`` draws per unit-month from the members' quantile function (linear in between)."""
        rng = np.random.default_rng(seed)
        m = self.members.shape[2]
        levels = (np.arange(m) + 0.5) / m
        u = rng.uniform(size=(*self.members.shape[:2], n))
        pos = np.clip(np.interp(u, levels, np.arange(m)), 0, m - 1)
        lo = np.floor(pos).astype(int)
        hi = np.minimum(lo + 1, m - 1)
        a = np.take_along_axis(self.members, lo, axis=2)
        b = np.take_along_axis(self.members, hi, axis=2)
        return a + (pos - lo) * (b - a)

    def to_frame(self) -> pd.DataFrame:
        """``unit, month, horizon, mean, q05, q50, q95, p_any`` (p_any = P(fatalities ≥ 1))."""
        n_u, n_h = self.members.shape[:2]
        return pd.DataFrame(
            {
                "unit": np.repeat(self.units, n_h),
                "month": np.tile(self.months.astype(str), n_u),
                "horizon": np.tile(self.horizons, n_u),
                "mean": self.mean().ravel(),
                "q05": self.quantile(0.05).ravel(),
                "q50": self.median().ravel(),
                "q95": self.quantile(0.95).ravel(),
                "p_any": self.prob_above(0.5).ravel(),
            }
        )

    def samples_frame(self, n: int, seed: int = 0) -> pd.DataFrame:
        """``unit, month, draw, value``: n draws per unit-month, long (ViEWS challenge layout)."""
        s = self.samples(n, seed)
        n_u, n_h = s.shape[:2]
        return pd.DataFrame(
            {
                "unit": np.repeat(self.units, n_h * n),
                "month": np.tile(np.repeat(self.months.astype(str), n), n_u),
                "draw": np.tile(np.arange(1, n + 1), n_u * n_h),
                "value": s.ravel(),
            }
        )


class Forecaster(Protocol):
    name: str

    def fit(self, panel: MonthlyPanel) -> Forecaster: ...

    def predict(self, horizon: int) -> Forecast: ...


@dataclass
class Benchmark:
    """A naive benchmark: ``zero``, ``no_change``, ``hist_12`` or ``hist_24``."""

    name: str
    _panel: MonthlyPanel | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.name not in BENCHMARKS:
            raise SpecError([("model", f"{self.name!r}: expected one of {list(BENCHMARKS)}")])

    def fit(self, panel: MonthlyPanel) -> Benchmark:
        self._panel = panel
        return self

    def predict(self, horizon: int) -> Forecast:
        p = _fitted(self._panel, self.name)
        v = p.values
        if self.name == "zero":
            members = np.zeros((v.shape[0], 1))
        elif self.name == "no_change":
            members = v[:, -1:]
        else:
            k = int(self.name.split("_")[1])
            if v.shape[1] < k:
                raise DataError(f"{self.name} needs {k} months of history; the panel has {v.shape[1]}")
            members = v[:, -k:]
        stacked = np.repeat(members[:, None, :], horizon, axis=1).astype(float)
        return Forecast(p.units, p.months[-1], stacked, self.name)


def _fitted(panel: MonthlyPanel | None, name: str) -> MonthlyPanel:
    if panel is None:
        raise SpecError([("model", f"{name}: call fit() before predict()")])
    return panel


@dataclass
class QuantileGBM:
    """LightGBM quantile regressions of log1p(fatalities), all horizons in one model per level.

    Fixed defaults (chosen before looking at any test year, not tuned on them): 200 trees,
    learning rate 0.05, 31 leaves, ≥ 100 rows per leaf, 80 % row/feature subsampling; training
    rows are a random sample of at most ``max_rows`` (unit, origin, horizon) triples.

    ``num_threads`` is 1 by default: the fits are small (≤ 250,000 rows, 10 models) and LightGBM's
    OpenMP threads meet at a barrier many times per tree, so when another job holds a core every
    barrier waits for a descheduled thread and the fit ran 6× slower (and burned 6× the CPU) than
    with one thread (docs/warn.md, "Speed"; benchmarks/bench_demo.py).
    """

    name: str = "lgbm_quantile"
    n_quantiles: int = 10
    horizon: int = 12
    n_estimators: int = 200
    learning_rate: float = 0.05
    num_leaves: int = 31
    min_child_samples: int = 100
    max_rows: int = 250_000
    min_history: int = 12
    train_months: int | None = None
    num_threads: int = 1
    seed: int = 0
    _models: list[Any] = field(default_factory=list, repr=False)
    _panel: MonthlyPanel | None = field(default=None, repr=False)
    _columns: list[str] = field(default_factory=list, repr=False)

    @property
    def levels(self) -> np.ndarray:
        return (np.arange(self.n_quantiles) + 0.5) / self.n_quantiles

    def _params(self, alpha: float) -> dict[str, Any]:
        return {
            "objective": "quantile",
            "alpha": float(alpha),
            "n_estimators": self.n_estimators,
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_child_samples": self.min_child_samples,
            "subsample": 0.8,
            "subsample_freq": 1,
            "colsample_bytree": 0.8,
            "n_jobs": self.num_threads,
            "random_state": self.seed,
            "verbose": -1,
        }

    def training_rows(self, panel: MonthlyPanel) -> tuple[pd.DataFrame, np.ndarray]:
        """Sampled features (incl. ``horizon``) and log1p targets; every target month ≤ the cut-off."""
        n_units, n_months = panel.values.shape
        rng = np.random.default_rng(self.seed)
        # all (unit, origin, h) with min_history ≤ origin + 1 and origin + h ≤ last month
        first = self.min_history - 1
        if self.train_months is not None:  # only recent origins: conflict dynamics drift
            first = max(first, n_months - 1 - self.train_months)
        per_h = np.array([max(n_months - h - first, 0) for h in range(1, self.horizon + 1)])
        total = int(per_h.sum()) * n_units
        if total == 0:
            raise DataError(
                f"The panel has {n_months} months: too short to learn {self.horizon}-month-ahead "
                f"forecasts with {self.min_history} months of history"
            )
        pick = np.sort(rng.choice(total, size=min(total, self.max_rows), replace=False))
        h_of = np.repeat(np.arange(1, self.horizon + 1), per_h * n_units)[pick]
        offsets = np.r_[0, np.cumsum(per_h * n_units)[:-1]]
        within = pick - offsets[h_of - 1]
        unit_idx = within % n_units
        origin_idx = within // n_units + first
        assert (origin_idx + h_of <= n_months - 1).all()  # the cut-off is never crossed
        x = feature_frame(feature_arrays(panel), unit_idx, origin_idx)
        x["horizon"] = h_of.astype(np.float32)
        y = np.log1p(panel.values[unit_idx, origin_idx + h_of])
        return x, y

    def fit(self, panel: MonthlyPanel) -> QuantileGBM:
        import lightgbm as lgb

        x, y = self.training_rows(panel)
        self._columns = list(x.columns)
        self._models = []
        label = f"{self.name}: {self.n_quantiles} quantile models on {len(y):,} rows"
        with current().task(label, total=self.n_quantiles) as step:
            for a in self.levels:
                self._models.append(lgb.LGBMRegressor(**self._params(a)).fit(x, y))
                step.advance(f"level {a:.2f}")
        self._panel = panel
        return self

    def predict_frame(self, horizon: int) -> tuple[MonthlyPanel, pd.DataFrame]:
        p = _fitted(self._panel, self.name)
        if horizon > self.horizon:
            raise SpecError([("horizon", f"{horizon}: the model was fitted for ≤ {self.horizon}")])
        n_units = len(p.units)
        unit_idx = np.tile(np.arange(n_units), horizon)
        origin_idx = np.full(unit_idx.size, p.n_months - 1)
        x = feature_frame(feature_arrays(p), unit_idx, origin_idx)
        x["horizon"] = np.repeat(np.arange(1, horizon + 1), n_units).astype(np.float32)
        return p, x[self._columns]

    def predict(self, horizon: int) -> Forecast:
        p, x = self.predict_frame(horizon)
        n_units = len(p.units)
        q = np.stack([m.predict(x) for m in self._models], axis=1)  # rows × levels (log1p)
        q = np.expm1(np.clip(np.sort(q, axis=1), 0, None))
        members = q.reshape(horizon, n_units, -1).transpose(1, 0, 2)
        contrib = self.contributions(x, p.units, horizon)
        return Forecast(p.units, p.months[-1], members, self.name, contrib)

    def contributions(self, x: pd.DataFrame, units: Sequence[str], horizon: int) -> pd.DataFrame:
        """Per-feature contributions (log1p scale) to the median model's prediction (TreeSHAP).

        Columns ``unit, horizon, baseline, c_<feature>``; baseline + contributions = prediction.
        """
        median = self._models[len(self._models) // 2]
        c = median.predict(x, pred_contrib=True)
        out = pd.DataFrame(c[:, :-1], columns=[f"c_{n}" for n in self._columns])
        out.insert(0, "baseline", c[:, -1])
        out.insert(0, "horizon", np.repeat(np.arange(1, horizon + 1), len(units)))
        out.insert(0, "unit", np.tile(np.asarray(units, dtype=object), horizon))
        return out


@dataclass
class PooledGBM:
    """Equal-weight linear pool of :class:`QuantileGBM` and ``hist_12`` (K members each).

    ``hist_12``'s twelve values enter as their K mid-level quantiles, so both parts weigh the same;
    the drivers (``contributions``) are the GBM's.
    """

    gbm: QuantileGBM = field(default_factory=QuantileGBM)
    name: str = "lgbm_pool"
    _history: Benchmark = field(default_factory=lambda: Benchmark("hist_12"), repr=False)

    @property
    def horizon(self) -> int:
        """The longest horizon the GBM learns (as :attr:`QuantileGBM.horizon`)."""
        return self.gbm.horizon

    @horizon.setter
    def horizon(self, months: int) -> None:
        self.gbm.horizon = months

    def fit(self, panel: MonthlyPanel) -> PooledGBM:
        self.gbm.fit(panel)
        self._history.fit(panel)
        return self

    def predict(self, horizon: int) -> Forecast:
        model = self.gbm.predict(horizon)
        return linear_pool(model, self._history.predict(horizon), self.gbm.levels, self.name)


def linear_pool(model: Forecast, history: Forecast, levels: np.ndarray, name: str) -> Forecast:
    """Equal-weight pool of ``model``'s members and ``history``'s quantiles at ``levels`` (the same
    number of members each), keeping ``model``'s drivers."""
    own = np.quantile(history.members, levels, axis=2).transpose(1, 2, 0)
    members = np.sort(np.concatenate([model.members, own], axis=2), axis=2)
    return Forecast(model.units, model.origin, members, name, model.contributions)


GBM_MODELS = ("lgbm_quantile", "lgbm_pool")  # the models that take QuantileGBM's options
MODELS = (*BENCHMARKS, *GBM_MODELS)


def make_forecaster(name: str, **options: Any) -> Forecaster:
    """A benchmark by name, ``lgbm_quantile`` or ``lgbm_pool`` (options go to :class:`QuantileGBM`)."""
    if name in BENCHMARKS:
        return Benchmark(name)
    if name == "lgbm_quantile":
        return QuantileGBM(**options)
    if name == "lgbm_pool":
        return PooledGBM(QuantileGBM(**options))
    raise SpecError([("model", f"{name!r}: expected one of {list(MODELS)}")])


def review_outlook(config: Any, areas: Any) -> pd.DataFrame:
    """The early-warning section of ``humsec review`` (see :mod:`humsec.warn.outlook`)."""
    from humsec.warn.outlook import review_outlook as outlook

    return outlook(config, areas)
