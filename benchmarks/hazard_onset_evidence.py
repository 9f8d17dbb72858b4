"""The outbreak-onset scores quoted in docs/hazard.md (cholera, 2010-2019, test 2018-2019).

    python benchmarks/hazard_onset_evidence.py ../shared/data docs/hazard

writes ``onset_scores.csv`` (level, universe, model, metric, value, n) and prints the table and the
panel notes; tests/hazard/test_onset_model.py recomputes the admin-1 numbers.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from humsec.hazard.onset_model import OnsetBacktest
from humsec.hazard.outbreaks import read_outbreaks

CHOLERA = "cholera_outbreaks_ssa/outbreak_data.csv.gz"
HEATMAP = "cholera_outbreaks_ssa/heatmap_data.csv.gz"


def scores(shared: Path) -> pd.DataFrame:
    ob = read_outbreaks(shared / CHOLERA).frame
    cov = pd.read_csv(shared / HEATMAP).rename(columns={"year_month": "month"})
    parts = []
    for level in (1, 2):
        for universe in ("cod", "list"):
            r = OnsetBacktest(test_from="2018-01", level=level, universe=universe).fit(ob, cov)
            print(f"admin {level}, universe {universe}", *r.notes, sep="\n  ")
            parts.append(r.to_frame().assign(level=level, universe=universe))
    table = pd.concat(parts, ignore_index=True)
    return table[["level", "universe", "model", "metric", "value", "n"]]


def main(shared: str, out: str) -> None:
    table = scores(Path(shared))
    table.to_csv(Path(out) / "onset_scores.csv", index=False, float_format="%.6f")
    wide = table.pivot_table(
        index=["level", "universe", "metric"], columns="model", values="value", sort=False
    )
    print(wide.to_string(float_format=lambda v: f"{v:.4f}"))


if __name__ == "__main__":
    main(*sys.argv[1:3])
