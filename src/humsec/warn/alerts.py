"""Alerts from a forecast: configurable rules, each alert with its drivers and the unit's history.

Two rules (both configurable, see :class:`AlertRules`):

- ``threshold``: P(fatalities ≥ T in a month) ≥ p (default T = 25, p = 0.5);
- ``rise``: the forecast mean is ≥ ``rise_factor`` × the unit's mean of the last 12 months and
  ≥ ``min_level`` (a sudden rise against its own history).

One alert per unit and rule, at the month where the rule is met most strongly. Drivers are the
features with the largest contributions (TreeSHAP, log1p scale) to the median forecast of that
month; benchmarks have none.

>>> import numpy as np, pandas as pd
>>> from humsec.warn.models import Benchmark
>>> from humsec.warn.monthly_panel import MonthlyPanel
>>> p = MonthlyPanel(("A", "B"), pd.Period("2020-01", "M"), np.array([[0.0] * 11 + [90.0], [0.0] * 12]))
>>> a = make_alerts(Benchmark("no_change").fit(p).predict(3), p)
>>> a[["unit", "rule", "month", "p_exceed"]].to_dict("records")
[{'unit': 'A', 'rule': 'threshold', 'month': '2021-01', 'p_exceed': 1.0}, {'unit': 'A', 'rule': 'rise', 'month': '2021-01', 'p_exceed': 1.0}]

:func:`forecast_summary` gives every unit's forecast in one row, alerts or not:

>>> s = forecast_summary(Benchmark("no_change").fit(p).predict(3), a)
>>> s[["unit", "forecast_total", "p_any_max", "alerts"]].to_dict("records")
[{'unit': 'A', 'forecast_total': 270.0, 'p_any_max': 1.0, 'alerts': 'threshold 2021-01; rise 2021-01'}, {'unit': 'B', 'forecast_total': 0.0, 'p_any_max': 0.0, 'alerts': ''}]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd

from humsec.core.params import Constraint, Interval, validate_params
from humsec.core.result import ResultBase
from humsec.warn.models import Forecast
from humsec.warn.monthly_panel import MonthlyPanel, months_since_event

__all__ = ["COLUMNS", "SUMMARY_COLUMNS", "AlertRules", "Alerts", "forecast_summary", "make_alerts"]

COLUMNS = [
    "unit", "rule", "month", "horizon", "p_exceed", "mean", "q05", "q50", "q95",
    "last_value", "mean_last12", "max_last12", "months_since_event", "drivers",
]  # fmt: skip


SUMMARY_COLUMNS = [
    "unit", "forecast_total", "peak_month", "peak_mean", "p_any_max", "alerts",
]  # fmt: skip


@dataclass(frozen=True)
class AlertRules:
    """Thresholds of the two rules and how many drivers each alert lists.

    :meth:`apply` checks them (``validate_params``) and returns an :class:`Alerts` result.

    >>> AlertRules(probability=2).apply(None, None)
    Traceback (most recent call last):
    humsec.core.errors.ParameterError: The 'probability' parameter of AlertRules must be a number in (0, 1]. Got 2 instead.
    """

    _parameter_constraints: ClassVar[dict[str, Constraint]] = {
        "threshold": Interval(0, None),
        "probability": Interval(0, 1, closed="right"),
        "rise_factor": Interval(0, None),
        "min_level": Interval(0, None, closed="left"),
        "top_drivers": Interval(0, None, closed="left", integer=True),
    }

    threshold: float = 25.0
    probability: float = 0.5
    rise_factor: float = 2.0
    min_level: float = 5.0
    top_drivers: int = 3

    def apply(self, forecast: Forecast, panel: MonthlyPanel) -> Alerts:
        """The alerts of ``forecast`` (made from ``panel``, its history) and every unit's forecast."""
        validate_params(self)
        alerts = _alerts(forecast, panel, self)
        return Alerts(alerts, forecast_summary(forecast, alerts), self, forecast.model)


@dataclass
class Alerts(ResultBase):
    """The alerts (columns :data:`COLUMNS`), every unit's forecast (:data:`SUMMARY_COLUMNS`),
    the rules that made them and the model's name. Tables: ``"alerts"`` (the default) and
    ``"forecasts"``; ``summary()`` lists the alerts."""

    tables: ClassVar[tuple[str, ...]] = ("alerts", "forecasts")

    alerts: pd.DataFrame
    forecasts: pd.DataFrame
    rules: AlertRules
    model: str = ""
    notes: list[str] = field(default_factory=list)

    def _frame(self, table: str) -> pd.DataFrame:
        return self.alerts if table == "alerts" else self.forecasts

    def summary(self) -> str:
        r = self.rules
        head = (
            f"{len(self.alerts)} alert(s) for {len(self.forecasts)} unit(s)"
            f"{' (' + self.model + ')' if self.model else ''}: P(≥ {r.threshold:g} fatalities) ≥ "
            f"{r.probability:g}, or mean ≥ {r.rise_factor:g} × the last 12 months' and ≥ {r.min_level:g}"
        )
        if self.alerts.empty:
            return f"{head}\nNo alerts."
        shown = self.alerts[["unit", "rule", "month", "p_exceed", "mean", "drivers"]]
        return f"{head}\n{shown.round(3).to_string(index=False)}"


def _drivers(forecast: Forecast, unit: str, horizon: int, top: int) -> str:
    c = forecast.contributions
    if c is None:
        return ""
    row = c[(c["unit"] == unit) & (c["horizon"] == horizon)]
    if row.empty:
        return ""
    vals = row.drop(columns=["unit", "horizon", "baseline"]).iloc[0]
    best = vals.abs().sort_values(ascending=False).index[:top]
    return "; ".join(f"{name.removeprefix('c_')} {vals[name]:+.2f}" for name in best)


def make_alerts(
    forecast: Forecast, panel: MonthlyPanel, rules: AlertRules | None = None
) -> pd.DataFrame:
    """Alerts (columns :data:`COLUMNS`) for ``forecast`` made from ``panel`` (its history):
    ``(rules or AlertRules()).apply(forecast, panel).alerts``."""
    return (rules or AlertRules()).apply(forecast, panel).alerts


def _alerts(forecast: Forecast, panel: MonthlyPanel, rules: AlertRules) -> pd.DataFrame:
    hist = panel.values[:, -12:]
    mean12, max12 = hist.mean(axis=1), hist.max(axis=1)
    since = months_since_event(panel.values)[:, -1]
    p_thr = forecast.prob_above(rules.threshold - 0.5)
    mean = forecast.mean()
    rise_level = np.maximum(rules.rise_factor * mean12, rules.min_level)
    p_rise = forecast.prob_above(rise_level)
    fired = {
        "threshold": (p_thr >= rules.probability, p_thr),
        "rise": (mean >= rise_level[:, None], p_rise),
    }
    q05, q50, q95 = forecast.quantile(0.05), forecast.median(), forecast.quantile(0.95)
    rows = []
    for i, unit in enumerate(forecast.units):
        for rule, (hit, strength) in fired.items():
            if not hit[i].any():
                continue
            h = int(np.argmax(np.where(hit[i], strength[i], -1)))
            rows.append(
                {
                    "unit": unit,
                    "rule": rule,
                    "month": str(forecast.months[h]),
                    "horizon": h + 1,
                    "p_exceed": float(strength[i, h]),
                    "mean": float(mean[i, h]),
                    "q05": float(q05[i, h]),
                    "q50": float(q50[i, h]),
                    "q95": float(q95[i, h]),
                    "last_value": float(panel.values[i, -1]),
                    "mean_last12": float(mean12[i]),
                    "max_last12": float(max12[i]),
                    "months_since_event": float(since[i]),
                    "drivers": _drivers(forecast, unit, h + 1, rules.top_drivers),
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS)


def forecast_summary(forecast: Forecast, alerts: pd.DataFrame) -> pd.DataFrame:
    """Every unit's forecast in one row (columns :data:`SUMMARY_COLUMNS`), largest total first.

    ``forecast_total`` sums the monthly means over the horizon; ``peak_month`` is the month with
    the largest mean (``peak_mean``); ``p_any_max`` is the largest monthly P(any fatality);
    ``alerts`` lists the unit's alerts (``rule month``; empty when it has none).
    """
    mean = forecast.mean()
    peak = np.argmax(mean, axis=1)
    rows = np.arange(len(forecast.units))
    by_unit = {
        unit: "; ".join(f"{r.rule} {r.month}" for r in group.itertuples())
        for unit, group in alerts.groupby("unit", sort=False)
    }
    table = pd.DataFrame(
        {
            "unit": list(forecast.units),
            "forecast_total": mean.sum(axis=1),
            "peak_month": [str(forecast.months[h]) for h in peak],
            "peak_mean": mean[rows, peak],
            "p_any_max": forecast.prob_above(0.5).max(axis=1),
            "alerts": [by_unit.get(u, "") for u in forecast.units],
        },
        columns=SUMMARY_COLUMNS,
    )
    # stable sort: equal totals keep the forecast's unit order
    return table.sort_values("forecast_total", ascending=False, kind="stable", ignore_index=True)
