"""docs/warn.md's admin-1 figures are the current code's: the docs quote the table that
benchmarks/warn_evidence.py writes from its score CSVs, and a re-run of the 2018 polygon backtest
(the figure that had drifted: lgbm_quantile CRPS 0.4632 against 0.4528 documented) gives the CSVs'
numbers. After a change that moves them: ``python benchmarks/warn_evidence.py docs/warn ../shared/data
admin1`` and paste ``docs/warn/admin1_table.md`` between the markers."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
SHARED = ROOT.parent / "shared" / "data"
MARKERS = re.compile(r"<!-- admin1-table: start -->\n(.*?)<!-- admin1-table: end -->", re.S)


def _evidence():
    spec = importlib.util.spec_from_file_location("warn_evidence", ROOT / "benchmarks" / "warn_evidence.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _committed(label: str) -> pd.DataFrame:
    return pd.read_csv(DOCS / "warn" / f"admin1_{label}.csv")


def test_docs_quote_the_table_made_from_the_committed_scores():
    evidence = _evidence()
    table = evidence.admin1_markdown({label: _committed(label) for label in evidence.ADMIN1_PANELS})
    assert (DOCS / "warn" / "admin1_table.md").read_text(encoding="utf-8") == table
    quoted = MARKERS.search((DOCS / "warn.md").read_text(encoding="utf-8"))
    assert quoted is not None, "docs/warn.md lacks the admin1-table markers"
    assert quoted.group(1) == table


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "ucdp_ged191_mmr_bgd").exists(), reason="../shared/data is not here")
def test_the_2018_polygon_backtest_gives_the_committed_scores():
    from humsec.warn.scores import backtest

    panel, _ = _evidence().admin1_panel(SHARED, "bgd_polygons")
    got = backtest(panel, 2018, ["hist_24", "lgbm_quantile"]).scores
    want = _committed("bgd_polygons")
    merged = got.merge(want, on=["test_year", "model", "metric"], suffixes=("", "_docs"))
    merged = merged[merged["metric"].isin(["MAE", "RMSE_log1p", "CRPS", "CRPS_log1p"])]
    assert len(merged) == 8
    # the docs print 4 decimals: a drift that shows there fails here
    bad = merged[~np.isclose(merged["value"], merged["value_docs"], rtol=0, atol=5e-5)]
    assert bad.empty, "scores differ from docs/warn/admin1_bgd_polygons.csv:\n" + bad.to_string()
