"""The strong models: LightGBM quantile regressions (``lgbm_quantile``) and their pool (``lgbm_pool``).

:class:`QuantileGBM`: LightGBM quantile regressions of log1p(fatalities) at levels (i − ½)/K
(K = 10), one model per level, shared across horizons (the horizon is a feature). The K predicted
quantiles, sorted (no crossing) and back-transformed, are the members; equally weighted members at
the mid-levels are the K-point approximation of a distribution that is best for CRPS.

:class:`PooledGBM` (``lgbm_pool``, the default strong model) is the equal-weight linear pool of
that forecast and the unit's own last 12 months (``hist_12``, as K quantiles). CRPS is convex in
the forecast distribution: CRPS(½F + ½G) = ½CRPS(F) + ½CRPS(G) − ¼∫(F − G)², so the pool never
scores worse than the mean of its parts, and it beats ``hist_12`` unless the GBM is worse than
``hist_12`` by more than ½∫(F − G)² (docs/warn.md, "Design study").

>>> QuantileGBM(learning_rate=2.0).fit(None)
Traceback (most recent call last):
humsec.core.errors.ParameterError: The 'learning_rate' parameter of QuantileGBM must be a number in (0, 1]. Got 2.0 instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from humsec.core.errors import DataError, SpecError
from humsec.core.params import Constraint, Interval, Optional, validate_params
from humsec.core.progress import current
from humsec.warn.models.base import Forecast, InstanceOf, register_forecaster
from humsec.warn.models.benchmarks import Benchmark, fitted
from humsec.warn.monthly_panel import MonthlyPanel, feature_arrays, feature_frame

__all__ = ["TUNABLE", "PooledGBM", "QuantileGBM", "linear_pool"]

#: the QuantileGBM options a grid or a model file may set (``humsec warn tune``), with their types
TUNABLE: dict[str, type] = {
    "n_estimators": int,
    "learning_rate": float,
    "num_leaves": int,
    "min_child_samples": int,
    "max_rows": int,
    "min_history": int,
    "train_months": int,
    "seed": int,
}


def _count(low: int = 1) -> Interval:
    return Interval(low, None, closed="left", integer=True)


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

    _parameter_constraints: ClassVar[dict[str, Constraint]] = {
        "n_quantiles": _count(),
        "horizon": _count(),
        "n_estimators": _count(),
        "learning_rate": Interval(0, 1, closed="right"),
        "num_leaves": _count(2),
        "min_child_samples": _count(),
        "max_rows": _count(),
        "min_history": _count(),
        "train_months": Optional(_count()),
        "num_threads": _count(),
        "seed": _count(0),
    }

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
    _models: list[Any] = field(default_factory=list, init=False, repr=False)
    _panel: MonthlyPanel | None = field(default=None, init=False, repr=False)
    _columns: list[str] = field(default_factory=list, init=False, repr=False)

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

        validate_params(self)
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
        p = fitted(self._panel, self.name)
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

    _parameter_constraints: ClassVar[dict[str, Constraint]] = {"gbm": InstanceOf(QuantileGBM)}

    gbm: QuantileGBM = field(default_factory=QuantileGBM)
    name: str = "lgbm_pool"
    _history: Benchmark = field(
        default_factory=lambda: Benchmark("hist_12"), init=False, repr=False
    )

    @property
    def horizon(self) -> int:
        """The longest horizon the GBM learns (as :attr:`QuantileGBM.horizon`)."""
        return self.gbm.horizon

    @horizon.setter
    def horizon(self, months: int) -> None:
        self.gbm.horizon = months

    def fit(self, panel: MonthlyPanel) -> PooledGBM:
        validate_params(self)
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


register_forecaster(
    "lgbm_quantile",
    QuantileGBM,
    help="LightGBM quantile regressions of log1p(fatalities), 10 levels",
    tunable=TUNABLE,
    takes_horizon=True,
)
register_forecaster(
    "lgbm_pool",
    lambda **options: PooledGBM(QuantileGBM(**options)),
    help="lgbm_quantile pooled with each unit's last 12 months (the default)",
    tunable=TUNABLE,
    takes_horizon=True,
)
