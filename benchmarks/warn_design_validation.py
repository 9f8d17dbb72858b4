"""Validation-only design study for the early-warning model (docs/warn.md, "Design study").

Each alternative to the default ``QuantileGBM`` is scored on the validation years 2019–2022 only
(country level, one origin per year); the test years 2023 and 2024 are never scored here. The
alternatives target the default's known weakness (large, persistent conflicts forecast too low):

- ``anchored``: the trees learn the change of log1p(fatalities) from the unit's 12-month mean;
- ``scale_weighted``: rows weighted by √(1 + the unit's 12-month mean), nearer the raw-count loss;
- ``raw_quantile``: quantile regressions on raw counts (the pinball loss whose integral is CRPS);
- ``all_rows``: every (unit, origin, horizon) row instead of a 250,000-row sample;
- ``seed1..3``: the default with other seeds, to measure how much a score moves by chance;
- ``+``: equal-weight quantile averages (Vincentisation) of the forecasts named;
- ``linear_pool``: the default's 10 members together with 10 quantiles of hist_12 (equal
  weights): the forecast of ``PooledGBM`` (``lgbm_pool``), built here from the default's members
  so that the GBM is fitted once.

Usage: python benchmarks/warn_design_validation.py   (about 15 minutes on 2 cores)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from humsec.datasets import load_ucdp_country_month
from humsec.warn.models import Benchmark, Forecast, QuantileGBM
from humsec.warn.monthly_panel import MonthlyPanel
from humsec.warn.scores import point_scores

VALIDATION_YEARS = (2019, 2020, 2021, 2022)


@dataclass
class Anchored(QuantileGBM):
    """Targets are log1p(y) minus the unit's 12-month mean of log1p at the origin."""

    def training_rows(self, panel: MonthlyPanel) -> tuple[pd.DataFrame, np.ndarray]:
        x, y = super().training_rows(panel)
        return x, y - x["log_mean12"].to_numpy()

    def predict(self, horizon: int) -> Forecast:
        p, x = self.predict_frame(horizon)
        q = np.stack([m.predict(x) for m in self._models], axis=1)
        q += x["log_mean12"].to_numpy()[:, None]
        return _members(p, q, horizon, self.name, log_scale=True)


@dataclass
class ScaleWeighted(QuantileGBM):
    """Rows weighted by √(1 + 12-month mean count): between the log and the raw-count loss."""

    def fit(self, panel: MonthlyPanel) -> ScaleWeighted:
        import lightgbm as lgb

        x, y = self.training_rows(panel)
        w = np.sqrt(1 + np.expm1(x["log_mean12"].to_numpy()))
        self._columns = list(x.columns)
        self._models = [
            lgb.LGBMRegressor(**self._params(a)).fit(x, y, sample_weight=w / w.mean())
            for a in self.levels
        ]
        self._panel = panel
        return self


@dataclass
class RawQuantile(QuantileGBM):
    """Quantile regressions of raw counts (same features)."""

    def training_rows(self, panel: MonthlyPanel) -> tuple[pd.DataFrame, np.ndarray]:
        x, y = super().training_rows(panel)
        return x, np.expm1(y)

    def predict(self, horizon: int) -> Forecast:
        p, x = self.predict_frame(horizon)
        q = np.stack([m.predict(x) for m in self._models], axis=1)
        return _members(p, q, horizon, self.name, log_scale=False)


def _members(
    p: MonthlyPanel, q: np.ndarray, horizon: int, name: str, *, log_scale: bool
) -> Forecast:
    q = np.sort(q, axis=1)
    q = np.expm1(np.clip(q, 0, None)) if log_scale else np.clip(q, 0, None)
    members = q.reshape(horizon, len(p.units), -1).transpose(1, 0, 2)
    return Forecast(p.units, p.months[-1], members, name)


def vincentised(*members: np.ndarray, levels: int = 10) -> np.ndarray:
    """Equal-weight average of the forecasts' quantiles at levels (i − ½)/levels."""
    q = (np.arange(levels) + 0.5) / levels
    return np.mean([np.quantile(m, q, axis=2).transpose(1, 2, 0) for m in members], axis=0)


MODELS: dict[str, Any] = {
    "hist_12": lambda: Benchmark("hist_12"),
    "hist_24": lambda: Benchmark("hist_24"),
    "default": lambda: QuantileGBM(),
    "anchored": lambda: Anchored(name="anchored"),
    "scale_weighted": lambda: ScaleWeighted(name="scale_weighted"),
    "raw_quantile": lambda: RawQuantile(name="raw_quantile"),
    "all_rows": lambda: QuantileGBM(name="all_rows", max_rows=10**9),
    **{f"seed{s}": (lambda s=s: QuantileGBM(name=f"seed{s}", seed=s)) for s in (1, 2, 3)},
}
COMBINATIONS = [
    ("default", "hist_12"),
    ("default", "anchored", "scale_weighted"),
    ("default", "raw_quantile"),
    ("default", "seed1", "seed2", "seed3"),
]


def main() -> None:
    panel = MonthlyPanel.from_long(load_ucdp_country_month())
    rows = []
    for year in VALIDATION_YEARS:
        origin = pd.Period(f"{year - 1}-12", "M")
        o = panel.month_position(origin)
        train, y = panel.up_to(origin), panel.values[:, o + 1 : o + 13]
        members = {name: make().fit(train).predict(12).members for name, make in MODELS.items()}
        members |= {"+".join(c): vincentised(*(members[n] for n in c)) for c in COMBINATIONS}
        pool_parts = [members["default"], vincentised(members["hist_12"])]  # 10 + 10 members
        members["linear_pool"] = np.concatenate(pool_parts, axis=2)
        for name, m in members.items():
            s = point_scores(y, m)
            rows += [
                {"year": year, "model": name, "metric": k, "value": s[k]}
                for k in ("CRPS", "CRPS_log1p")
            ]
        print(f"{year} done", flush=True)
    table = pd.DataFrame(rows).pivot_table(
        index=["metric", "model"], columns="year", values="value"
    )
    table["mean"] = table.mean(axis=1)
    print(table.round(4).to_string())


if __name__ == "__main__":
    main()
