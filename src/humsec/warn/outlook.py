"""The early-warning outlook of a Human Security Review: next months' conflict fatalities for the
country and its neighbours, with the model's own skill on the last full year beside it.

The review file's block::

    early_warning:
      data: humsec:ucdp_country_month   # or a panel / event file (see humsec warn)
      units: [Kenya, Somalia, Ethiopia] # default: every unit
      horizon: 12                       # months ahead
      threshold: 25                     # fatalities in a month that count as escalation
      model: lgbm_pool                  # or lgbm_quantile, or a benchmark: hist_12, ...

One row per unit (``row_id`` ``ew:<unit>``): fatalities in the last 12 months; the forecast total
over the horizon, as the sum of the monthly means, with a band from the sums of the monthly 5 % and
95 % quantiles (the ensemble has no joint path over months, so this band is wider than a 90 %
interval of the total: a conservative band); the largest monthly probability of any fatality and
of reaching ``threshold``; and the month most at risk.

>>> import pandas as pd
>>> months = pd.period_range("2018-01", "2020-12", freq="M").astype(str)
>>> panel = pd.DataFrame({"unit": "A", "month": months, "fatalities": [0, 3] * 18})
>>> out = review_outlook({"data": panel, "horizon": 3, "model": "hist_12"}, {})
>>> out[["row_id", "last_12m", "p_any_max"]].to_dict("records")
[{'row_id': 'ew:A', 'last_12m': 18.0, 'p_any_max': 0.5}]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from humsec.core.errors import SpecError
from humsec.core.progress import current
from humsec.datasets.places import suggest_names

__all__ = ["check_config", "review_outlook"]

KNOWN = {"data", "units", "horizon", "threshold", "model"}
DEFAULT_MODEL = "lgbm_pool"


def _panel(data: Any) -> Any:
    from humsec.warn.data import load_panel
    from humsec.warn.monthly_panel import MonthlyPanel

    if isinstance(data, str) and data in ("humsec:ucdp_country_month", "ucdp_country_month"):
        from humsec.datasets import load_ucdp_country_month

        return MonthlyPanel.from_long(load_ucdp_country_month())
    if isinstance(data, pd.DataFrame):
        return MonthlyPanel.from_long(data)
    return load_panel(data)[0]


def check_config(config: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every problem of an ``early_warning`` block (field, message), found before any work:
    unknown keys, horizon, threshold, model, data that cannot be read, units not in the data."""
    return _check(config)[0]


def _check(config: Mapping[str, Any]) -> tuple[list[tuple[str, str]], Any]:
    """The problems, and the panel when it could be read (so that it is read once)."""
    from humsec.core.errors import HumsecError
    from humsec.warn.models import make_forecaster

    problems = []
    unknown = sorted(set(config) - KNOWN)
    if unknown:
        problems.append(("early_warning", f"unknown keys {unknown}; expected {sorted(KNOWN)}"))
    horizon = config.get("horizon", 12)
    if not (isinstance(horizon, int) and 1 <= horizon <= 36):
        problems.append(
            ("early_warning.horizon", f"{horizon!r}: expected a whole number of months, 1 to 36")
        )
    if not isinstance(config.get("threshold", 25), (int, float)):
        problems.append(("early_warning.threshold", "expected a number of fatalities"))
    try:
        make_forecaster(str(config.get("model", DEFAULT_MODEL)))
    except SpecError as exc:
        problems.append(("early_warning.model", str(exc)))
    try:
        panel = _panel(config.get("data", "humsec:ucdp_country_month"))
    except (HumsecError, OSError) as exc:
        problems.append(("early_warning.data", str(exc)))
        return problems, None
    missing = [u for u in config.get("units") or [] if u not in panel.units]
    if missing:
        hints = {u: suggest_names(u, panel.units) for u in missing}  # DR Congo -> COD, not Congo
        shown = ", ".join(
            f"{u}{' (did you mean ' + h[0] + '?)' if h else ''}" for u, h in hints.items()
        )
        problems.append(("early_warning.units", f"not in the panel: {shown}"))
    return problems, panel


def review_outlook(config: Mapping[str, Any], areas: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The outlook table for the review (see the module docstring). ``areas`` (the review's area
    data sets) is not needed: the outlook runs on the conflict panel the block names."""
    from humsec.warn.models import make_forecaster

    problems, panel = _check(config)
    if problems:
        raise SpecError(problems)
    horizon = int(config.get("horizon", 12))
    threshold = float(config.get("threshold", 25))
    units = list(config.get("units") or panel.units)
    name = str(config.get("model", DEFAULT_MODEL))
    model = make_forecaster(name, horizon=horizon)
    current().say(
        f"early-warning outlook: {name} on {len(panel.units)} units × {panel.n_months} months, "
        f"{horizon} months ahead"
    )
    forecast = model.fit(panel).predict(horizon)  # trained on every unit: the model learns more
    index = {u: i for i, u in enumerate(forecast.units)}
    rows = [index[u] for u in units]
    p_any = forecast.prob_above(0.5)[rows]
    p_high = forecast.prob_above(threshold - 0.5)[rows]
    months = forecast.months.astype(str)
    last = panel.values[[panel.units.index(u) for u in units], -12:].sum(axis=1)
    out = pd.DataFrame(
        {
            "row_id": [f"ew:{u}" for u in units],
            "unit": units,
            "origin": str(forecast.origin),
            "last_12m": last.astype(float),
            "forecast_mean": forecast.mean()[rows].sum(axis=1),
            "forecast_low": forecast.quantile(0.05)[rows].sum(axis=1),
            "forecast_high": forecast.quantile(0.95)[rows].sum(axis=1),
            "p_any_max": p_any.max(axis=1),
            f"p_{threshold:g}plus_max": p_high.max(axis=1),
            "month_most_at_risk": [months[i] for i in np.argmax(p_high + 1e-9 * p_any, axis=1)],
            "model": model.name,
        }
    )
    counts = ["last_12m", "forecast_mean", "forecast_low", "forecast_high"]
    out[counts] = out[counts].round(1)  # fatalities: tenths are already more than the data hold
    probs = [c for c in out.columns if c.startswith("p_")]
    out[probs] = out[probs].round(2)
    return out.sort_values("forecast_mean", ascending=False).reset_index(drop=True)
