"""INFORM 2025 component scores recomputed from the RAW indicators and goalposts of the workbook.

Measured (2025 v0.7.0 workbook, 191 countries): every one of the 22 leaf components, the 7
category aggregates, the 3 dimensions and INFORM RISK equal the published a_z value at one decimal
for 191/191 countries, and every one of the 160 reimplemented intermediate cells equals the
workbook's cached value. The sheets are committed in tests/golden/inform.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from humsec.core.errors import DataError
from humsec.index import inform_raw
from humsec.index.inform_raw import (
    AGGREGATE_CELLS,
    COMPONENT_CELLS,
    geo_or,
    inform_2025_components_from_raw,
    inform_2025_intermediate_agreement,
    inform_2025_reproduction,
    load_inform_2025_raw,
)
from tests.golden._data import reference_dir

# the workbook's sheet dumps, committed in tests/golden/inform (../shared/data/inform as fallback)
SHEETS = reference_dir("inform/inform_risk_2025_v070_sheets")

#: shares measured at 1 decimal (the tests assert at least these)
MEASURED_SHARE = dict.fromkeys(COMPONENT_CELLS, 1.0)
MEASURED_AGGREGATE_SHARE = dict.fromkeys(AGGREGATE_CELLS, 1.0)


@pytest.fixture(scope="module")
def reproduction() -> pd.DataFrame:
    return inform_2025_reproduction(SHEETS, aggregates=True)


@pytest.mark.parametrize("component", list(COMPONENT_CELLS))
def test_component_share_reproduced_from_raw(reproduction, component):
    row = reproduction.loc[component]
    assert row["n"] == 191
    assert row["share"] >= MEASURED_SHARE[component], (component, row["mismatched"])


@pytest.mark.parametrize("node", list(AGGREGATE_CELLS))
def test_aggregates_from_recomputed_components(reproduction, node):
    row = reproduction.loc[node]
    assert row["share"] >= MEASURED_AGGREGATE_SHARE[node], (node, row["mismatched"])


def test_every_intermediate_cell_matches_the_workbook_cache():
    agreement = inform_2025_intermediate_agreement(SHEETS)
    assert len(agreement) == 160
    bad = agreement[agreement["matched"] < 191]
    assert bad.empty, bad["mismatched"].to_dict()


def test_components_frame_shape_and_missing_cells():
    comp = inform_2025_components_from_raw(SHEETS)
    assert comp.shape == (191, 22)
    assert list(comp.columns) == list(COMPONENT_CELLS)
    # "x" in the published table: DRR 64, Inequality 8, Health / Children U5 / Access 1 each
    assert comp.isna().sum()[lambda s: s > 0].to_dict() == {
        "Inequality": 8,
        "Health Conditions": 1,
        "Children U5": 1,
        "DRR": 64,
        "Access to health care": 1,
    }


def test_goalposts_are_read_from_the_labelled_rows():
    raw = load_inform_2025_raw(SHEETS)
    assert raw.gp("HE", "C") == (5.211, 1.737)  # MAX row 3, MIN row 4
    assert raw.gp("V", "C") == (0.9, 0.4)  # MIN row 3, MAX row 4: still (MAX, MIN)
    assert raw.gp("CC", "J") == (10000.0, 900.0)


def test_excel_rounding_is_needed(monkeypatch):
    """With numpy's half-to-even rounding at each step, many components no longer reproduce."""
    monkeypatch.setattr(inform_raw, "round_half_up", lambda x, d: np.round(x, d))
    rep = inform_2025_reproduction(SHEETS)
    assert rep.loc["Drought", "share"] < 0.8
    assert rep.loc["Earthquake", "share"] == 1.0


def test_geo_or_and_missing_directory(tmp_path):
    assert geo_or(np.array([0.0]), np.array([0.0])).tolist() == [0.0]
    assert np.allclose(geo_or(np.array([10.0]), np.array([10.0])), 10.0)
    assert np.isnan(geo_or(np.array([np.nan]), np.array([1.0]))[0])
    with pytest.raises(DataError, match="not found"):
        load_inform_2025_raw(tmp_path)
