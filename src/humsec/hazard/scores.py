"""Scores of forecasts of the next IPC analysis: one table, every model, the same targets.

``mae_p3plus_share`` / ``rmse_p3plus_share``: error of the Phase 3+ share (0-1);
``brier_crisis``: mean squared error of the probability of "area phase 3+" (a 0/1 forecast's Brier
score is its error rate); ``phase_accuracy``: share of area phases exactly right (the measure behind
FEWS NET's "84 % correct", Backer & Billing 2021); ``hit_rate``: crises forecast / crises observed;
``false_alarm_ratio``: crises forecast that did not happen / crises forecast;
``lead_time_months``: mean months from the forecast's publication to the start of the hit crisis.

>>> import pandas as pd
>>> f = pd.DataFrame({"model": ["m"] * 4, "forecast_share": [0.1, 0.3, 0.2, 0.4],
...     "observed_share": [0.2, 0.3, 0.1, 0.1], "forecast_phase": [2, 3, 3, 3],
...     "observed_phase": [3, 3, 2, 2], "prob_crisis": [0.0, 1, 1, 1],
...     "observed_crisis": [True, True, False, False], "lead_months": [6, 6, 6, 4]})
>>> s = score_forecasts(f).set_index("metric")["value"]
>>> [round(float(s[m]), 3) for m in ("mae_p3plus_share", "brier_crisis", "hit_rate", "false_alarm_ratio")]
[0.125, 0.75, 0.5, 0.667]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["METRICS", "score_forecasts"]

#: the metrics, in the order of the scores table (declared once: CLI help and docs read it)
METRICS = (
    "mae_p3plus_share",
    "rmse_p3plus_share",
    "brier_crisis",
    "phase_accuracy",
    "hit_rate",
    "false_alarm_ratio",
    "lead_time_months",
)


def score_forecasts(forecasts: pd.DataFrame) -> pd.DataFrame:
    """``model, metric, value, n`` for every model in ``forecasts`` (rows as given)."""
    rows = []
    for model, f in forecasts.groupby("model", sort=False):
        err = f["forecast_share"].to_numpy(float) - f["observed_share"].to_numpy(float)
        observed = f["observed_crisis"].to_numpy(bool)
        forecast = f["prob_crisis"].to_numpy(float) >= 0.5
        hits = forecast & observed
        values = {
            "mae_p3plus_share": float(np.mean(np.abs(err))),
            "rmse_p3plus_share": float(np.sqrt(np.mean(err**2))),
            "brier_crisis": float(np.mean((f["prob_crisis"].to_numpy(float) - observed) ** 2)),
            "phase_accuracy": float(
                np.mean(f["forecast_phase"].to_numpy() == f["observed_phase"].to_numpy())
            ),
            "hit_rate": _ratio(hits.sum(), observed.sum()),
            "false_alarm_ratio": _ratio((forecast & ~observed).sum(), forecast.sum()),
            "lead_time_months": float(f["lead_months"].to_numpy()[hits].mean())
            if hits.any()
            else np.nan,
        }
        counts = {
            "hit_rate": int(observed.sum()),
            "false_alarm_ratio": int(forecast.sum()),
            "lead_time_months": int(hits.sum()),
        }
        rows += [
            {"model": model, "metric": m, "value": values[m], "n": counts.get(m, len(f))}
            for m in METRICS
        ]
    return pd.DataFrame(rows, columns=["model", "metric", "value", "n"])


def _ratio(top: int, bottom: int) -> float:
    return float(top / bottom) if bottom else float("nan")
