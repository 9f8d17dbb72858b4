"""The design-based simulation of docs/sae.md (benchmarks/sae_design_simulation.py): its truth is
humsec's AF headcount of the population, its summary is the per-area table's, a rerun with the
same seed is the same, and the docs quote the committed summary.

After a change that moves the numbers: ``python benchmarks/sae_design_simulation.py --areas 120
--samples 200 --seed 1 --out docs/sae/simulation`` and paste ``docs/sae/simulation/table.md``
between the ``simulation-table`` markers of docs/sae.md."""

from __future__ import annotations

import dataclasses
import importlib.util
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import humsec
from humsec.core.design import SurveyDesign

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
MARKERS = re.compile(r"<!-- simulation-table: start -->\n(.*?)<!-- simulation-table: end -->", re.S)


@pytest.fixture(scope="module")
def sim() -> Any:
    spec = importlib.util.spec_from_file_location("sae_design_simulation", ROOT / "benchmarks" / "sae_design_simulation.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_truth_is_humsecs_headcount_of_the_population(sim: Any) -> None:
    rng = np.random.default_rng(7)
    pop = sim.population(8, 4, 25, rng)
    truth = sim.truth_and_covariates(pop, rng)
    spec = dataclasses.replace(humsec.datasets.syn_cdta_spec(), time=None, design=SurveyDesign())
    af = humsec.AlkireFoster(spec, k=[33]).fit(pop, over=["area"]).to_frame(backend="pandas")
    h = af[(af["measure"] == "H") & (af["over"] == "area")].set_index("group")["estimate"]
    np.testing.assert_allclose(h.loc[truth["area"]].to_numpy(), truth["true_H"].to_numpy(), atol=1e-12)
    # the areas differ (the area effect works) and the census covariates follow poverty
    assert truth["true_H"].std() > 0.05
    assert truth["true_H"].corr(truth["x_elct"]) > 0.5


def test_a_small_run_is_reproducible_and_its_summary_is_the_per_area_tables(sim: Any) -> None:
    per_area, summary = sim.simulate(areas=20, clusters=6, size=15, samples=4, seed=11)
    again, _ = sim.simulate(areas=20, clusters=6, size=15, samples=4, seed=11)
    pd.testing.assert_frame_equal(per_area, again)
    pd.testing.assert_frame_equal(summary, sim.summarise(per_area))
    assert set(per_area["method"]) == set(sim.METHODS) and len(per_area) == 80
    assert per_area["coverage"].between(0, 1).all()
    direct = summary.set_index("method").loc["direct"]
    assert direct["median_rmse_vs_direct"] == 1.0


def test_the_docs_quote_the_committed_summary(sim: Any) -> None:
    folder = DOCS / "sae" / "simulation"
    per_area = pd.read_csv(folder / "per_area.csv")
    summary = pd.read_csv(folder / "summary.csv")
    # the summary is the per-area table's (to the 6 digits the CSVs keep)
    pd.testing.assert_frame_equal(summary, sim.summarise(per_area), rtol=1e-5, check_dtype=False)
    table = sim.markdown(summary)
    assert (folder / "table.md").read_text(encoding="utf-8") == table
    quoted = MARKERS.search((DOCS / "sae.md").read_text(encoding="utf-8"))
    assert quoted is not None and quoted.group(1) == table
    assert summary["areas"].eq(120).all()
