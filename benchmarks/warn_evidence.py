"""Evidence for docs/warn.md: country-level backtests (validation 2019–2022, test 2023 and 2024) and
admin-1 backtests (2017, 2018) from UCDP GED events; writes CSV tables and an SVG chart.

Usage: python benchmarks/warn_evidence.py OUT_DIR [SHARED_DATA_DIR] [country|admin1]
The model's settings are the fixed defaults of QuantileGBM (not tuned on any test year).

The admin-1 part also writes ``admin1_table.md``, the table docs/warn.md quotes between the markers
``<!-- admin1-table: start -->`` and ``<!-- admin1-table: end -->`` (tests/warn/test_docs_current.py
checks that the quote, the table and the CSVs agree, and re-runs the 2018 polygon backtest).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from humsec.core.boundaries import read_boundaries
from humsec.core.charts import to_svg
from humsec.datasets import load_ucdp_country_month
from humsec.warn.event_panel import events_to_panel
from humsec.warn.events import read_events
from humsec.warn.html import backtest_chart
from humsec.warn.monthly_panel import MonthlyPanel
from humsec.warn.scores import rolling_backtest


def main() -> None:
    out = Path(sys.argv[1])
    shared = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).resolve().parents[2] / "shared" / "data"
    out.mkdir(parents=True, exist_ok=True)
    part = sys.argv[3] if len(sys.argv) > 3 else "country"
    if part == "country":
        country = MonthlyPanel.from_long(load_ucdp_country_month())
        bt = rolling_backtest(country, [2023, 2024])
        bt.scores.to_csv(out / "country_2023_2024.csv", index=False)
        bt.pit.to_csv(out / "country_pit_2023_2024.csv", index=False)
        print(bt.table().round(3).T.to_string(), flush=True)
        (out / "country_crps.svg").write_text(to_svg(backtest_chart(bt.scores)))
        return
    for label in ADMIN1_PANELS:
        panel, lines = admin1_panel(shared, label)
        print(label, *lines, sep="\n  ")
        a = rolling_backtest(panel, [2017, 2018])
        a.scores.to_csv(out / f"admin1_{label}.csv", index=False)
        print(a.table().round(4).T.to_string(), flush=True)
    tables = {label: pd.read_csv(out / f"admin1_{label}.csv") for label in ADMIN1_PANELS}
    (out / "admin1_table.md").write_text(admin1_markdown(tables), encoding="utf-8")


def admin1_panel(shared: Path, label: str) -> tuple[MonthlyPanel, list[str]]:
    """The Myanmar + Bangladesh admin-1 panel from UCDP GED 19.1 events (1989-2018): by the events'
    own admin-1 names (``own_names``) or with Bangladesh's division polygons (``bgd_polygons``)."""
    events = read_events(shared / "ucdp_ged191_mmr_bgd" / "ged191_mmr_bgd_events.csv.gz", last_month="2018-12")
    bounds = None
    if label == "bgd_polygons":
        bounds = {"Bangladesh": read_boundaries(shared / "boundaries" / "bgd_division_adm1.geojson")}
    panel, report = events_to_panel(events, unit="admin1", boundaries=bounds, first_month="1989-01", last_month="2018-12")
    if bounds:
        nb = {f"Bangladesh|{k}": [f"Bangladesh|{n}" for n in v] for k, v in bounds["Bangladesh"].neighbours().items()}
        panel = panel.with_neighbours(nb)
    return panel, report.lines()


#: the admin-1 table of docs/warn.md: panel file label -> (name in the table, models shown)
ADMIN1_PANELS = {
    "own_names": ("own names", ("zero", "no_change", "hist_12", "hist_24", "lgbm_quantile", "lgbm_pool")),
    "bgd_polygons": ("BGD polygons", ("zero", "no_change", "hist_12", "hist_24", "lgbm_quantile", "lgbm_pool")),
}
TABLE_METRICS = ("MAE", "RMSE_log1p", "CRPS", "CRPS_log1p")


def admin1_markdown(scores: dict[str, pd.DataFrame]) -> str:
    """The admin-1 table (4 decimals; the best of each panel, year and metric in bold) from the
    scores CSVs ``admin1_<label>.csv`` read as frames."""
    lines = [
        "| panel | test year | model | " + " | ".join(TABLE_METRICS) + " |",
        "|---|---|---|" + "---|" * len(TABLE_METRICS),
    ]
    for label, (name, models) in ADMIN1_PANELS.items():
        wide = scores[label].pivot_table(index=["test_year", "model"], columns="metric", values="value")
        for year in sorted(wide.index.get_level_values("test_year").unique()):
            part = wide.loc[year].loc[list(models), list(TABLE_METRICS)]
            best = part.round(4).min()
            for model, row in part.iterrows():
                cells = [f"**{v:.4f}**" if round(v, 4) == best[m] else f"{v:.4f}" for m, v in row.items()]
                lines.append(f"| {name} | {year} | {model} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
