"""Outbreak onset per area-month, and the base-rate and seasonal benchmarks scored on it.

The event is "an outbreak starts in this area this month". Benchmarks are fitted on the months
before ``test_from`` and scored on the months from it (one origin):

* ``base_rate``: the area's share of months with an onset, shrunk to the all-area rate
  (``prior_months`` pseudo-months);
* ``seasonal``: the area's share for the same calendar month, shrunk to its base rate
  (``prior_years`` pseudo-years).

Only areas that appear in the outbreak list are in the panel, and where a coverage table is given
(country-months with surveillance data) the uncovered months are left out, not counted as "no onset".

>>> import pandas as pd
>>> ob = pd.DataFrame({"country": ["KEN"] * 2, "area_id": ["ken::a::x", "ken::a::y"],
...     "start": pd.to_datetime(["2016-05-09", "2017-05-01"])})
>>> panel = onset_panel(ob, level=1, first="2016-01", last="2017-12")
>>> int(panel["onset"].sum()), sorted(set(panel["area_id"]))
(2, ['ken::a'])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

__all__ = ["ONSET_BENCHMARKS", "onset_forecasts", "onset_panel", "onset_scores"]

ONSET_BENCHMARKS = ("base_rate", "seasonal")


def onset_panel(
    outbreaks: pd.DataFrame,
    *,
    level: int = 1,
    first: str,
    last: str,
    coverage: pd.DataFrame | None = None,
    areas: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """``area_id, country, month, onset`` for every area × month; areas cut to admin ``level``.

    ``coverage``: ``country`` (ISO3), ``month`` (YYYY-MM) and ``has_data`` (yes/no): months
    without data are dropped. ``areas``: ``area_id, country`` of areas to include besides the
    listed ones (the full universe, :func:`~humsec.hazard.onset_model.area_universe`).
    """
    parts = outbreaks["area_id"].str.split("::")
    depth = parts.map(len) - 1
    keep = depth >= level  # outbreaks at a coarser level than asked cannot be placed
    area = parts[keep].map(lambda p: "::".join(p[: level + 1]))
    events = pd.DataFrame(
        {"area_id": area, "month": outbreaks.loc[keep, "start"].dt.to_period("M")}
    )
    country = parts[keep].str[0].str.upper()
    months = pd.period_range(first, last, freq="M")
    listed = pd.DataFrame({"area_id": area, "country": country})
    universe = listed if areas is None else pd.concat([listed, areas[["area_id", "country"]]])
    universe = universe.drop_duplicates("area_id")
    grid = universe.merge(pd.DataFrame({"month": months}), how="cross")
    hits = events.drop_duplicates().assign(onset=True)
    panel = grid.merge(hits, on=["area_id", "month"], how="left")
    panel["onset"] = panel["onset"].fillna(False).astype(bool)
    if coverage is not None:
        cov = coverage.assign(
            country=coverage["country"].str.upper().str[:3],
            month=pd.PeriodIndex(coverage["month"], freq="M"),
            covered=coverage["has_data"].astype(str).str.lower().eq("yes"),
        )[["country", "month", "covered"]].drop_duplicates(["country", "month"])
        panel = panel.merge(cov, on=["country", "month"], how="left")
        panel = panel[panel["covered"].fillna(False).astype(bool)].drop(columns="covered")
    return panel.sort_values(["area_id", "month"]).reset_index(drop=True)


def onset_forecasts(
    panel: pd.DataFrame, *, test_from: str, prior_months: float = 12.0, prior_years: float = 2.0
) -> pd.DataFrame:
    """Test months with ``p_base_rate`` and ``p_seasonal`` (fitted on the months before)."""
    origin = pd.Period(test_from, "M")
    train, test = panel[panel["month"] < origin], panel[panel["month"] >= origin].copy()
    overall = float(train["onset"].mean()) if len(train) else 0.0
    by_area = train.groupby("area_id")["onset"].agg(["sum", "count"])
    base = (by_area["sum"] + prior_months * overall) / (by_area["count"] + prior_months)
    test["p_base_rate"] = test["area_id"].map(base).fillna(overall)
    cal = train.assign(cm=train["month"].dt.month).groupby(["area_id", "cm"])["onset"]
    stats = cal.agg(["sum", "count"]).reset_index()
    stats["base"] = stats["area_id"].map(base)
    stats["p"] = (stats["sum"] + prior_years * stats["base"]) / (stats["count"] + prior_years)
    seasonal = stats.set_index(["area_id", "cm"])["p"]
    key = pd.MultiIndex.from_arrays([test["area_id"], test["month"].dt.month])
    test["p_seasonal"] = seasonal.reindex(key).to_numpy()
    test["p_seasonal"] = test["p_seasonal"].fillna(test["p_base_rate"])
    return test.reset_index(drop=True)


def onset_scores(forecasts: pd.DataFrame) -> pd.DataFrame:
    """``model, metric, value, n``: Brier score and AUC of each benchmark (AUC needs both classes)."""
    y = forecasts["onset"].to_numpy(bool)
    rows: list[dict[str, Any]] = []
    for model in ONSET_BENCHMARKS:
        p = forecasts[f"p_{model}"].to_numpy(float)
        auc = float(roc_auc_score(y, p)) if 0 < y.sum() < len(y) else float("nan")
        rows += [
            {
                "model": model,
                "metric": "brier_onset",
                "value": float(np.mean((p - y) ** 2)),
                "n": len(y),
            },
            {"model": model, "metric": "auc_onset", "value": auc, "n": int(y.sum())},
        ]
    return pd.DataFrame(rows, columns=["model", "metric", "value", "n"])
