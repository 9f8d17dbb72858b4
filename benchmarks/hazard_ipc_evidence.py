"""The IPC benchmark tables quoted in docs/hazard.md (rerun after any change that moves them).

    python benchmarks/hazard_ipc_evidence.py ../shared/data docs/hazard

writes ``ipc_scores.csv`` (every data set, model and metric), ``ipc_table.md`` (the table the
docs quote between the ``ipc-table`` markers; tests/hazard/test_docs_current.py checks both),
``ipc_reliability.csv`` (every data set, model and crisis-probability bin) and
``ipc_calibration.csv`` (Brier score and reliability error of the raw, Platt and isotonic crisis
probabilities), the charts ``ipc_scores.svg`` and ``ipc_reliability.svg`` (hazard_charts.py), and
prints the time of the all-country, all-level back-test with every model.

Every run gets the signals the shared data hold: UCDP country-month conflict fatalities
(``conflict_events``, 1989-2024: they cover every origin) and the CHIRPS 2022 seasonal rainfall
anomaly (``rainfall_subnational``: 2022 only, after every test origin, so the notes say it covers
none). ``lagged_logit_signals`` is ``lagged_logit_cal`` with these features.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pandas as pd

from humsec.hazard import IPCBacktest, conflict_signal, read_ipc, read_rainfall, score_forecasts
from humsec.warn.data import load_panel

#: label -> (file under the shared data folder, admin level, test from)
RUNS = {
    "Kenya ASAL counties (IPC API), from 2020-01": (
        "ipc_ken_county/ipc_ken_county_long.csv.gz", None, "2020-01"),
    # the same counties from the IPC API answer itself: 7 analyses (Aug 2020 and Feb 2021 give their
    # areas under "groups"; the flat CSV above has the other 5)
    "Kenya ASAL counties, all 7 IPC API analyses (JSON), from 2020-01": (
        "ipc_ken_county/ipc_population_country_ke_raw.json.gz", None, "2020-01"),
    "AFG/AGO/CAF/ETH admin 1 (HAPI), from 2022-01": (
        "ipc_hapi_food_security_4c/hdx_hapi_food_security_afg_ago_caf_eth.csv.gz", 1, "2022-01"),
    "AFG/AGO/CAF/ETH admin 2 (HAPI), from 2019-01": (
        "ipc_hapi_food_security_4c/hdx_hapi_food_security_afg_ago_caf_eth.csv.gz", 2, "2019-01"),
}  # fmt: skip
SHOWN = ["mae_p3plus_share", "rmse_p3plus_share", "brier_crisis", "auc_crisis", "rps_phase",
         "phase_accuracy", "hit_rate", "false_alarm_ratio", "lead_time_months",
         "coverage80_p3plus_share"]  # fmt: skip


CONFLICT = "conflict_events/ucdp_country_month_best_1989_2024.csv.gz"
RAINFALL = "rainfall_subnational/chirps_seasonal_anomaly_eth_ken_som_2022.csv.gz"


def signals(shared: Path) -> pd.DataFrame:
    """Conflict fatalities by country-month and the 2022 CHIRPS anomalies, one long table."""
    panel, _ = load_panel(shared / CONFLICT)
    rain = read_rainfall(shared / RAINFALL, year=2022).frame
    return pd.concat([conflict_signal(panel), rain], ignore_index=True)


def scores(
    shared: Path,
    reliability: list[pd.DataFrame] | None = None,
    notes: dict[str, list[str]] | None = None,
) -> pd.DataFrame:
    parts = []
    extra = signals(shared)
    for label, (path, level, test_from) in RUNS.items():
        result = IPCBacktest(test_from=test_from).fit(
            read_ipc(shared / path, level=level), signals=extra
        )
        if notes is not None:
            notes[label] = [n for n in result.notes if "lagged_logit" in n]
        if reliability is not None:
            reliability.append(result.to_frame("reliability").assign(data=label))
        forecasts = result.to_frame("forecasts")
        for country, group in [("all", forecasts), *forecasts.groupby("country")]:
            if country != "all" and forecasts["country"].nunique() == 1:
                continue
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


def calibration(shared: Path) -> pd.DataFrame:
    """Raw, Platt and isotonic crisis probabilities: Brier score and expected calibration error."""
    rows = []
    for label, (path, level, test_from) in RUNS.items():
        table = read_ipc(shared / path, level=level)
        for method in ("platt", "isotonic"):
            models = ("lagged_logit", "lagged_logit_cal")
            f = IPCBacktest(test_from=test_from, models=models, calibration=method).fit(table)
            for model, g in f.to_frame("forecasts").groupby("model", sort=False):
                if model == "lagged_logit" and method == "isotonic":
                    continue  # the raw model does not depend on the method
                name = "raw" if model == "lagged_logit" else method
                p, y = g["prob_crisis"].to_numpy(float), g["observed_crisis"].to_numpy(float)
                rows.append({"data": label, "probability": name, "n": len(g),
                             "brier_crisis": float(((p - y) ** 2).mean()), "ece": _ece(p, y)})  # fmt: skip
    return pd.DataFrame(rows)


def _ece(p, y, bins=(0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0)) -> float:
    """Expected calibration error: |mean forecast - observed rate| per reliability bin, weighted."""
    which = pd.cut(pd.Series(p), list(bins), include_lowest=True)
    g = pd.DataFrame({"p": p, "y": y, "bin": which}).groupby("bin", observed=True)
    return float((g["p"].mean() - g["y"].mean()).abs().mul(g.size()).sum() / len(p))


def charts(out_dir: Path) -> None:
    """ipc_scores.svg and ipc_reliability.svg from the CSVs just written (benchmarks/hazard_charts.py)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "hazard_charts", Path(__file__).with_name("hazard_charts.py")
    )
    if spec is None or spec.loader is None:
        raise FileNotFoundError(Path(__file__).with_name("hazard_charts.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(str(out_dir))


def main(shared: str, out: str) -> None:
    shared_dir, out_dir = Path(shared), Path(out)
    bins: list[pd.DataFrame] = []
    notes: dict[str, list[str]] = {}
    table = scores(shared_dir, bins, notes)
    for label, lines in notes.items():
        print(label, *lines, sep="\n  ")
    calibration(shared_dir).to_csv(
        out_dir / "ipc_calibration.csv", index=False, float_format="%.6f"
    )
    table.to_csv(out_dir / "ipc_scores.csv", index=False, float_format="%.6f")
    pd.concat(bins, ignore_index=True).to_csv(
        out_dir / "ipc_reliability.csv", index=False, float_format="%.4f"
    )
    # the table quotes the CSV as committed (6 decimals), so a test can rebuild it from the file
    committed = pd.read_csv(out_dir / "ipc_scores.csv")
    (out_dir / "ipc_table.md").write_text(markdown(committed), encoding="utf-8")
    charts(out_dir)
    start = time.perf_counter()
    path, _, _ = RUNS["AFG/AGO/CAF/ETH admin 2 (HAPI), from 2019-01"]
    IPCBacktest(test_from="2017-01").fit(read_ipc(shared_dir / path), signals=signals(shared_dir))
    print(f"all levels, all four countries, test from 2017-01: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main(*sys.argv[1:3])
