"""Validation-only design check for the early-warning model (docs/warn.md, "Models"): does a linear
pool of the quantile GBM with the unit's own last 12 months improve CRPS on the validation years
2019–2022? Test years (2023, 2024) are never scored here.

Usage: python benchmarks/warn_pool_validation.py   (about 15 minutes on 2 cores)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from humsec.analysis.warn_models import Benchmark, Forecast, QuantileGBM
from humsec.analysis.warn_scores import rolling_backtest
from humsec.datasets import load_ucdp_country_month
from humsec.tables.monthly_panel import MonthlyPanel


@dataclass
class Pool:
    """Equal-weight linear pool: 10 quantiles of the GBM forecast and 10 of hist_12."""

    name: str = "lgbm_pool"
    levels: int = 10
    _parts: list[Any] = field(default_factory=list)

    def fit(self, panel: MonthlyPanel) -> Pool:
        self._parts = [QuantileGBM().fit(panel), Benchmark("hist_12").fit(panel)]
        return self

    def predict(self, horizon: int) -> Forecast:
        forecasts = [m.predict(horizon) for m in self._parts]
        q = (np.arange(self.levels) + 0.5) / self.levels
        members = [np.quantile(f.members, q, axis=2).transpose(1, 2, 0) for f in forecasts]
        first = forecasts[0]
        return Forecast(first.units, first.origin, np.concatenate(members, axis=2), self.name)


def main() -> None:
    panel = MonthlyPanel.from_long(load_ucdp_country_month())
    models: list[Any] = ["hist_12", "hist_24", "lgbm_quantile", Pool()]
    bt = rolling_backtest(panel, [2019, 2020, 2021, 2022], models=models)
    s = bt.scores[bt.scores["metric"].isin(["CRPS", "CRPS_log1p"])]
    table = s.pivot_table(index=["metric", "model"], columns="test_year", values="value")
    table["mean"] = table.mean(axis=1)
    print(table.round(4).to_string())


if __name__ == "__main__":
    main()
