"""Evidence for docs/warn.md: country-level backtests (validation 2019–2022, test 2023 and 2024) and
admin-1 backtests (2017, 2018) from UCDP GED events; writes CSV tables and an SVG chart.

Usage: python benchmarks/warn_evidence.py OUT_DIR [SHARED_DATA_DIR] [country|admin1]
The model's settings are the fixed defaults of QuantileGBM (not tuned on any test year).
"""

from __future__ import annotations

import sys
from pathlib import Path

from humsec.analysis.warn_scores import rolling_backtest
from humsec.datasets import load_ucdp_country_month
from humsec.io.boundaries import read_boundaries
from humsec.io.events import read_events
from humsec.report.charts import to_svg
from humsec.report.warn_html import backtest_chart
from humsec.tables.event_panel import events_to_panel
from humsec.tables.monthly_panel import MonthlyPanel


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
    ged = shared / "ucdp_ged191_mmr_bgd" / "ged191_mmr_bgd_events.csv.gz"
    events = read_events(ged, last_month="2018-12")
    for label, bounds in [("own_names", None), ("bgd_polygons", {"Bangladesh": read_boundaries(shared / "boundaries" / "bgd_division_adm1.geojson")})]:
        panel, report = events_to_panel(events, unit="admin1", boundaries=bounds, first_month="1989-01", last_month="2018-12")
        if bounds:
            nb = {f"Bangladesh|{k}": [f"Bangladesh|{n}" for n in v] for k, v in bounds["Bangladesh"].neighbours().items()}
            panel = panel.with_neighbours(nb)
        print(label, *report.lines(), sep="\n  ")
        a = rolling_backtest(panel, [2017, 2018])
        a.scores.to_csv(out / f"admin1_{label}.csv", index=False)
        print(a.table().round(4).T.to_string(), flush=True)


if __name__ == "__main__":
    main()
