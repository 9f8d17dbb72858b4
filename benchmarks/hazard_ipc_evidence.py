"""The IPC benchmark tables quoted in docs/hazard.md (rerun after any change that moves them).

    python benchmarks/hazard_ipc_evidence.py ../shared/data docs/hazard

writes ``ipc_scores.csv`` (every data set, model and metric), ``ipc_table.md`` (the table the
docs quote between the ``ipc-table`` markers; tests/hazard/test_docs_current.py checks both) and
``ipc_reliability.csv`` (every data set, model and crisis-probability bin), and prints the time of
the all-country, all-level back-test with every model.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pandas as pd

from humsec.hazard import IPCBacktest, read_ipc

#: label -> (file under the shared data folder, admin level, test from)
RUNS = {
    "Kenya ASAL counties (IPC API), from 2020-01": (
        "ipc_ken_county/ipc_ken_county_long.csv.gz", None, "2020-01"),
    "AFG/AGO/CAF/ETH admin 1 (HAPI), from 2022-01": (
        "ipc_hapi_food_security_4c/hdx_hapi_food_security_afg_ago_caf_eth.csv.gz", 1, "2022-01"),
    "AFG/AGO/CAF/ETH admin 2 (HAPI), from 2019-01": (
        "ipc_hapi_food_security_4c/hdx_hapi_food_security_afg_ago_caf_eth.csv.gz", 2, "2019-01"),
}  # fmt: skip
SHOWN = ["mae_p3plus_share", "rmse_p3plus_share", "brier_crisis", "auc_crisis", "rps_phase",
         "phase_accuracy", "hit_rate", "false_alarm_ratio", "lead_time_months",
         "coverage80_p3plus_share"]  # fmt: skip


def scores(shared: Path, reliability: list[pd.DataFrame] | None = None) -> pd.DataFrame:
    parts = []
    for label, (path, level, test_from) in RUNS.items():
        result = IPCBacktest(test_from=test_from).fit(read_ipc(shared / path, level=level))
        if reliability is not None:
            reliability.append(result.to_frame("reliability").assign(data=label))
        forecasts = result.to_frame("forecasts")
        for country, group in [("all", forecasts), *forecasts.groupby("country")]:
            if country != "all" and forecasts["country"].nunique() == 1:
                continue
            from humsec.hazard import score_forecasts

            s = score_forecasts(group).assign(data=label, country=country)
            parts.append(s)
    return pd.concat(parts, ignore_index=True)[["data", "country", "model", "metric", "value", "n"]]


def markdown(table: pd.DataFrame) -> str:
    overall = table[table["country"] == "all"]
    lines = ["| data (test from) | model | targets | " + " | ".join(SHOWN) + " |",
             "|---|---|---:|" + "---:|" * len(SHOWN)]  # fmt: skip
    for (data, model), g in overall.groupby(["data", "model"], sort=False):
        v = g.set_index("metric")
        n = int(v.loc["mae_p3plus_share", "n"])
        cells = [f"{v.loc[m, 'value']:.3f}" if pd.notna(v.loc[m, "value"]) else "-" for m in SHOWN]
        lines.append(f"| {data} | {model} | {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(shared: str, out: str) -> None:
    shared_dir, out_dir = Path(shared), Path(out)
    bins: list[pd.DataFrame] = []
    table = scores(shared_dir, bins)
    table.to_csv(out_dir / "ipc_scores.csv", index=False, float_format="%.6f")
    pd.concat(bins, ignore_index=True).to_csv(
        out_dir / "ipc_reliability.csv", index=False, float_format="%.4f"
    )
    # the table quotes the CSV as committed (6 decimals), so a test can rebuild it from the file
    committed = pd.read_csv(out_dir / "ipc_scores.csv")
    (out_dir / "ipc_table.md").write_text(markdown(committed), encoding="utf-8")
    start = time.perf_counter()
    path, _, _ = RUNS["AFG/AGO/CAF/ETH admin 2 (HAPI), from 2019-01"]
    IPCBacktest(test_from="2017-01").fit(read_ipc(shared_dir / path))
    print(f"all levels, all four countries, test from 2017-01: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main(*sys.argv[1:3])
