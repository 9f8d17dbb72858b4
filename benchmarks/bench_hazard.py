"""Speed of the IPC back-test (humsec warn ipc) with every model, on 2 threads.

1. The shared HDX HAPI file, admin 2 of all four countries (AFG, AGO, CAF, ETH), every current
   analysis from 2017 on a target, all six models (the three benchmarks, lagged_logit,
   lagged_logit_cal, lagged_logit_signals with the UCDP conflict signal).
2. The same admin-2 history tiled ``--copies`` times (each copy a separate pseudo-country with its
   own area ids; default 8 copies, about 10,000 area-periods: the issue's "all four countries'
   admin-2 IPC history"; the shared file holds 1,211 admin-2 area-periods).

Target: under 1 minute for (2) on 2 cores. Prints wall and CPU seconds, the rows, and where the
time goes (cProfile, the hazard functions by cumulative time) with ``--profile``.

Usage: python benchmarks/bench_hazard.py [--shared ../shared/data] [--copies 8] [--profile]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "2")

import argparse  # noqa: E402
import cProfile  # noqa: E402
import io  # noqa: E402
import pstats  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402

from humsec.hazard import MODELS, IPCBacktest, conflict_signal, read_ipc  # noqa: E402
from humsec.warn.data import load_panel  # noqa: E402

HAPI = "ipc_hapi_food_security_4c/hdx_hapi_food_security_afg_ago_caf_eth.csv.gz"
UCDP = "conflict_events/ucdp_country_month_best_1989_2024.csv.gz"


def tiled(
    frame: pd.DataFrame, signals: pd.DataFrame, copies: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``copies`` copies of the history, each a pseudo-country (conflict signal copied with it)."""
    frames, sigs = [], []
    for k in range(copies):
        f = frame.copy()
        for column in ("area_id", "pcode"):
            f[column] = f[column].astype(str) + f"_{k}"
        f["country"] = f["country"].astype(str) + f"_{k}"
        frames.append(f)
        s = signals[signals["area_id"].isin(set(frame["country"]))].copy()
        s["area_id"] = s["area_id"] + f"_{k}"
        sigs.append(s)
    return pd.concat(frames, ignore_index=True), pd.concat(sigs, ignore_index=True)


def timed(label: str, table: pd.DataFrame, signals: pd.DataFrame, profile: bool) -> None:
    n_current = int((table["ipc_type"] == "current").sum())
    backtest = IPCBacktest(test_from="2017-01", models=MODELS)
    profiler = cProfile.Profile() if profile else None
    wall, cpu = time.perf_counter(), time.process_time()
    if profiler is not None:
        profiler.enable()
    result = backtest.fit(table, signals=signals)
    if profiler is not None:
        profiler.disable()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    targets = result.to_frame("forecasts").drop_duplicates(["area_id", "target_issued"])
    print(f"{label}: {len(table):,} area-periods ({n_current:,} current), {len(targets):,} "
          f"targets scored by {len(MODELS)} models: {wall:.1f} s wall, {cpu:.1f} s CPU")  # fmt: skip
    if profiler is not None:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        stats.print_stats(
            r"humsec/hazard|sklearn/(linear_model|model_selection)/\w+\.py:\d+\((fit|cross_val)", 18
        )
        print("\n".join(line for line in out.getvalue().splitlines() if "(" in line))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default="../shared/data")
    parser.add_argument("--copies", type=int, default=8)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    shared = Path(args.shared)
    start = time.perf_counter()
    table = read_ipc(shared / HAPI, level=2).frame
    panel, _ = load_panel(shared / UCDP)
    signals = conflict_signal(panel)
    print(f"reading the IPC file and the conflict panel: {time.perf_counter() - start:.1f} s")
    timed("HAPI admin 2 (real)", table, signals, args.profile)
    big, big_signals = tiled(table, signals, args.copies)
    timed(f"HAPI admin 2 x {args.copies} (tiled)", big, big_signals, args.profile)


if __name__ == "__main__":
    main()
