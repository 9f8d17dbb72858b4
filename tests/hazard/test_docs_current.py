"""docs/hazard.md quotes the table benchmarks/hazard_ipc_evidence.py makes, and a rerun gives it.

After a change that moves the scores: ``python benchmarks/hazard_ipc_evidence.py ../shared/data
docs/hazard`` and paste ``docs/hazard/ipc_table.md`` between the ``ipc-table`` markers."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np
import pandas as pd

from tests.hazard.conftest import HAPI_IPC, KEN_LONG, SHARED, shared

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
MARKERS = re.compile(r"<!-- ipc-table: start -->\n(.*?)<!-- ipc-table: end -->", re.S)


def _evidence():
    spec = importlib.util.spec_from_file_location(
        "hazard_ipc_evidence", ROOT / "benchmarks" / "hazard_ipc_evidence.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_quote_the_table_made_from_the_committed_scores():
    committed = pd.read_csv(DOCS / "hazard" / "ipc_scores.csv")
    table = _evidence().markdown(committed)
    assert (DOCS / "hazard" / "ipc_table.md").read_text(encoding="utf-8") == table
    quoted = MARKERS.search((DOCS / "hazard.md").read_text(encoding="utf-8"))
    assert quoted is not None and quoted.group(1) == table


def test_a_rerun_gives_the_committed_scores():
    shared(KEN_LONG), shared(HAPI_IPC)
    got = _evidence().scores(SHARED)
    want = pd.read_csv(DOCS / "hazard" / "ipc_scores.csv")
    assert len(got) == len(want)
    m = want.merge(got, on=["data", "country", "model", "metric"], suffixes=("_docs", ""))
    assert len(m) == len(want)
    assert (m["n"] == m["n_docs"]).all()
    same = np.isclose(m["value"], m["value_docs"], atol=5e-6, rtol=0) | (
        m["value"].isna() & m["value_docs"].isna()
    )
    assert same.all(), m[~same].to_string()
