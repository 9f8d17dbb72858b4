"""Benchmark forecasts of the next current IPC analysis of each area, on rolling origins.

Each current analysis from the test start on is a target; its forecast origin is the month it was
published, and a forecast may use only rows published strictly before that month:

* ``persistence``: the area's last current analysis published before the target;
* ``ipc_projection``: the area's last first projection published before the target (the IPC's
  own expert forecast; ``gap_months`` says how far its validity period ends before the target);
* ``same_season``: the area's last current analysis published before the target that covers the
  same season in an earlier year: its start month within :data:`SEASON_WINDOW` months of the
  target's (around the calendar) and at least :data:`MIN_SEASON_LAG` months before it.

>>> import pandas as pd
>>> m = lambda s: pd.Period(s, "M")
>>> rows = pd.DataFrame({"area_id": ["a"] * 3, "area": ["A"] * 3, "pcode": [None] * 3,
...     "country": ["X"] * 3, "level": [1] * 3,
...     "ipc_type": ["current", "first_projection", "current"],
...     "issued": [m("2020-01"), m("2020-01"), m("2020-07")],
...     "start": [m("2020-01"), m("2020-03"), m("2020-07")],
...     "end": [m("2020-02"), m("2020-06"), m("2020-09")], "population": [100.0] * 3,
...     "phase1": [60.0, 40, 50], "phase2": [30.0, 30, 20], "phase3": [10.0, 30, 30],
...     "phase4": [0.0] * 3, "phase5": [0.0] * 3, "p3plus": [10.0, 30, 30]})
>>> f = benchmark_forecasts(rows, test_from=m("2020-06"))
>>> f[["model", "forecast_share", "observed_share", "lead_months"]].to_dict("records")
[{'model': 'persistence', 'forecast_share': 0.1, 'observed_share': 0.3, 'lead_months': 6}, \
{'model': 'ipc_projection', 'forecast_share': 0.3, 'observed_share': 0.3, 'lead_months': 6}]

The January analysis is not the same season as July's, so ``same_season`` has no forecast here:

>>> len(benchmark_forecasts(rows, test_from=m("2020-06"), models=("same_season",)))
0
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from humsec.hazard.targets import CRISIS_PHASE, add_targets

__all__ = [
    "BENCHMARKS",
    "FORECAST_COLUMNS",
    "MIN_SEASON_LAG",
    "PHASE_PROBS",
    "SEASON_WINDOW",
    "benchmark_forecasts",
]

#: the benchmark forecasters: name -> (the rows they read, what they say); declared once
BENCHMARKS: dict[str, tuple[str, str]] = {
    "persistence": ("current", "the last current analysis of the area"),
    "ipc_projection": ("first_projection", "the IPC's last projection for the area"),
    "same_season": ("current", "the area's last analysis of the same season in an earlier year"),
}
#: months either side of the target's start month that still count as "the same season"
SEASON_WINDOW = 2
#: a same-season analysis starts at least this many months before the target (an earlier year)
MIN_SEASON_LAG = 10
#: forecast probability of each area phase (a benchmark puts all of it on its one phase)
PHASE_PROBS = [f"prob_phase{k}" for k in range(1, 6)]
FORECAST_COLUMNS = [
    "country",
    "level",
    "area_id",
    "area",
    "pcode",
    "target_issued",
    "target_start",
    "model",
    "source_issued",
    "source_start",
    "source_end",
    "lead_months",
    "gap_months",
    "forecast_share",
    "forecast_phase",
    "prob_crisis",
    "observed_share",
    "observed_phase",
    "observed_crisis",
    *PHASE_PROBS,
    "share_low",
    "share_high",
]


def benchmark_forecasts(
    table: pd.DataFrame, *, test_from: pd.Period, models: tuple[str, ...] = tuple(BENCHMARKS)
) -> pd.DataFrame:
    """Forecasts of every current analysis published in or after ``test_from`` (one row per model).

    Only rows published before the target's month enter its forecast (rolling origin); a target
    without an earlier row for a model has no forecast from that model.
    """
    rows = add_targets(table)
    targets = rows[(rows["ipc_type"] == "current") & (rows["issued"] >= test_from)]
    targets = targets.dropna(subset=["p3plus_share", "area_phase"])
    keep = ["area_id", "issued", "start", "end", "p3plus_share", "area_phase"]
    out = []
    for model in models:
        source_type, _ = BENCHMARKS[model]
        sources = rows[rows["ipc_type"] == source_type].dropna(subset=["p3plus_share"])[keep]
        pairs = targets.merge(sources, on="area_id", suffixes=("", "_src"))
        pairs = pairs[pairs["issued_src"] < pairs["issued"]]  # nothing published at or after origin
        if model == "same_season":
            pairs = pairs[_same_season(pairs["start_src"], pairs["start"])]
        pairs = pairs.sort_values(["issued_src", "start_src"])
        last = pairs.groupby(["area_id", "issued", "start"], sort=False).tail(1)
        out.append(
            pd.DataFrame(
                {
                    "country": last["country"],
                    "level": last["level"],
                    "area_id": last["area_id"],
                    "area": last["area"],
                    "pcode": last["pcode"],
                    "target_issued": last["issued"],
                    "target_start": last["start"],
                    "model": model,
                    "source_issued": last["issued_src"],
                    "source_start": last["start_src"],
                    "source_end": last["end_src"],
                    "lead_months": _months_between(last["issued_src"], last["start"]),
                    "gap_months": _months_between(last["end_src"], last["start"]),
                    "forecast_share": last["p3plus_share_src"],
                    "forecast_phase": last["area_phase_src"],
                    "prob_crisis": (last["area_phase_src"] >= CRISIS_PHASE).astype(float),
                    "observed_share": last["p3plus_share"],
                    "observed_phase": last["area_phase"],
                    "observed_crisis": (last["area_phase"] >= CRISIS_PHASE).astype(bool),
                    **{
                        column: (last["area_phase_src"] == k).astype(float)
                        for k, column in enumerate(PHASE_PROBS, start=1)
                    },
                    # a benchmark is a point forecast: no interval
                    "share_low": np.nan,
                    "share_high": np.nan,
                }
            )
        )
    forecasts = pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=FORECAST_COLUMNS)
    order = {m: i for i, m in enumerate(models)}
    forecasts = forecasts.sort_values(
        ["target_issued", "area_id", "model"],
        key=lambda s: s.map(order) if s.name == "model" else s,
    )
    return forecasts[FORECAST_COLUMNS].reset_index(drop=True)


def _same_season(source_start: pd.Series, target_start: pd.Series) -> pd.Series:
    """True where the source starts in the target's season of an earlier year."""
    lag = _months_between(source_start, target_start)
    offset = lag % 12
    return (lag >= MIN_SEASON_LAG) & ((offset <= SEASON_WINDOW) | (offset >= 12 - SEASON_WINDOW))


def _months_between(earlier: pd.Series, later: pd.Series) -> pd.Series:
    """Whole months from ``earlier`` to ``later`` (monthly periods)."""
    return (later.astype("int64") - earlier.astype("int64")).astype(int)
