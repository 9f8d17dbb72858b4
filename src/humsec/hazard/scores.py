"""Scores of forecasts of the next IPC analysis: one table, every model, the same targets.

``mae_p3plus_share`` / ``rmse_p3plus_share``: error of the Phase 3+ share (0-1);
``brier_crisis``: mean squared error of the probability of "area phase 3+" (a 0/1 forecast's Brier
score is its error rate); ``phase_accuracy``: share of area phases exactly right (the measure behind
FEWS NET's "84 % correct", Backer & Billing 2021); ``hit_rate``: crises forecast / crises observed;
``false_alarm_ratio``: crises forecast that did not happen / crises forecast;
``lead_time_months``: mean months from the forecast's publication to the start of the hit crisis;
``auc_crisis``: area under the ROC curve of the crisis probability (0.5 for a 0/1 forecast that
ranks no better than chance; NaN when the targets hold one outcome only);
``rps_phase``: ranked probability score of the area phase distribution, the squared differences of
forecast and observed cumulative probabilities over Phases 1-4, divided by 4 (0 best, 1 worst;
a benchmark puts all its probability on one phase);
``coverage80_p3plus_share``: share of observed Phase 3+ shares inside the forecast's 80 % interval
(NaN for point forecasts; ``n`` counts the forecasts with an interval).

>>> import pandas as pd
>>> f = pd.DataFrame({"model": ["m"] * 4, "forecast_share": [0.1, 0.3, 0.2, 0.4],
...     "observed_share": [0.2, 0.3, 0.1, 0.1], "forecast_phase": [2, 3, 3, 3],
...     "observed_phase": [3, 3, 2, 2], "prob_crisis": [0.0, 1, 1, 1],
...     "observed_crisis": [True, True, False, False], "lead_months": [6, 6, 6, 4]})
>>> s = score_forecasts(f).set_index("metric")["value"]
>>> [round(float(s[m]), 3) for m in ("mae_p3plus_share", "brier_crisis", "hit_rate", "false_alarm_ratio")]
[0.125, 0.75, 0.5, 0.667]
>>> round(float(s["auc_crisis"]), 3)   # pairs crisis-calm: 0, 0, ties 1/2, 1/2 -> 1/4
0.25
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

__all__ = ["METRICS", "RELIABILITY_BINS", "reliability", "score_forecasts"]

#: the metrics, in the order of the scores table (declared once: CLI help and docs read it)
METRICS = (
    "mae_p3plus_share",
    "rmse_p3plus_share",
    "brier_crisis",
    "phase_accuracy",
    "hit_rate",
    "false_alarm_ratio",
    "lead_time_months",
    "auc_crisis",
    "rps_phase",
    "coverage80_p3plus_share",
)
#: edges of the crisis-probability bins of the reliability table
RELIABILITY_BINS = (0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0)
_PHASE_PROBS = [f"prob_phase{k}" for k in range(1, 6)]


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
            "auc_crisis": _auc(observed, f["prob_crisis"].to_numpy(float)),
            "rps_phase": _rps(f),
            "coverage80_p3plus_share": _coverage(f),
        }
        counts = {
            "hit_rate": int(observed.sum()),
            "false_alarm_ratio": int(forecast.sum()),
            "lead_time_months": int(hits.sum()),
            "coverage80_p3plus_share": int(f["share_low"].notna().sum()) if "share_low" in f else 0,
        }
        rows += [
            {"model": model, "metric": m, "value": values[m], "n": counts.get(m, len(f))}
            for m in METRICS
        ]
    return pd.DataFrame(rows, columns=["model", "metric", "value", "n"])


def reliability(forecasts: pd.DataFrame) -> pd.DataFrame:
    """``model, bin, n, mean_forecast, observed_rate``: is a 30 % crisis probability right 30 % of
    the time? Bins are :data:`RELIABILITY_BINS` (closed on the right; the first also holds 0).

    >>> import pandas as pd
    >>> f = pd.DataFrame({"model": ["m"] * 4, "prob_crisis": [0.0, 0.2, 0.25, 1.0],
    ...                   "observed_crisis": [False, True, False, True]})
    >>> reliability(f)[["bin", "n", "mean_forecast", "observed_rate"]].to_dict("records")
    [{'bin': '0-0.1', 'n': 1, 'mean_forecast': 0.0, 'observed_rate': 0.0}, \
{'bin': '0.1-0.3', 'n': 2, 'mean_forecast': 0.225, 'observed_rate': 0.5}, \
{'bin': '0.9-1', 'n': 1, 'mean_forecast': 1.0, 'observed_rate': 1.0}]
    """
    edges = list(RELIABILITY_BINS)
    labels = [f"{a:g}-{b:g}" for a, b in itertools.pairwise(edges)]
    f = forecasts.assign(
        bin=pd.cut(
            forecasts["prob_crisis"].astype(float), edges, labels=labels, include_lowest=True
        ),
        hit=forecasts["observed_crisis"].astype(float),
    )
    table = (
        f.groupby(["model", "bin"], sort=False, observed=True)
        .agg(
            n=("hit", "size"), mean_forecast=("prob_crisis", "mean"), observed_rate=("hit", "mean")
        )
        .reset_index()
    )
    table["bin"] = table["bin"].astype(str)
    order = {label: i for i, label in enumerate(labels)}
    models = {m: i for i, m in enumerate(forecasts["model"].unique())}
    table = table.sort_values(
        ["model", "bin"], key=lambda s: s.map(models if s.name == "model" else order)
    )
    return table.reset_index(drop=True)


def _auc(observed: np.ndarray, prob: np.ndarray) -> float:
    if observed.all() or not observed.any():
        return float("nan")
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(observed, prob))


def _coverage(f: pd.DataFrame) -> float:
    if "share_low" not in f or f["share_low"].isna().all():
        return float("nan")
    g = f.dropna(subset=["share_low", "share_high"])
    inside = (g["observed_share"] >= g["share_low"]) & (g["observed_share"] <= g["share_high"])
    return float(inside.mean())


def _rps(f: pd.DataFrame) -> float:
    if not set(_PHASE_PROBS) <= set(f.columns):
        return float("nan")
    probs = f[_PHASE_PROBS].to_numpy(float)
    phase = f["observed_phase"].to_numpy(float)
    observed = (np.arange(1, 6)[None, :] >= phase[:, None]).astype(float)  # cumulative 0/1
    diff = np.cumsum(probs, axis=1)[:, :4] - observed[:, :4]
    return float(np.mean(np.sum(diff**2, axis=1) / 4))


def _ratio(top: int, bottom: int) -> float:
    return float(top / bottom) if bottom else float("nan")
