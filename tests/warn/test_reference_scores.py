"""The benchmark scores published in the data sets' SOURCE.md files, reproduced to 4 decimals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from humsec.core.boundaries import read_boundaries
from humsec.datasets import load_ucdp_country_month
from humsec.warn.event_panel import events_to_panel
from humsec.warn.events import read_events
from humsec.warn.monthly import read_panel
from humsec.warn.monthly_panel import MonthlyPanel
from humsec.warn.scores import backtest

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
COUNTRY = SHARED / "conflict_events" / "ucdp_country_month_best_1989_2024.csv.gz"
GED = SHARED / "ucdp_ged191_mmr_bgd"
BGD = SHARED / "boundaries" / "bgd_division_adm1.geojson"
needs_shared = pytest.mark.skipif(not GED.exists(), reason="../shared not present")

BENCH = ["zero", "no_change", "hist_12", "hist_24"]
METRICS = ["MAE", "RMSE_log1p", "CRPS", "CRPS_log1p"]

# conflict_events/SOURCE.md: 132 countries, test year 2024
COUNTRY_2024 = {
    "zero": [87.8188, 2.3794, 87.8188, 1.1782],
    "no_change": [79.3163, 0.8048, 79.3163, 0.3690],
    "hist_12": [38.4028, 0.8903, 31.5560, 0.2556],
    "hist_24": [39.8775, 0.9133, 33.0923, 0.2616],
}
# ucdp_ged191_mmr_bgd/SOURCE.md: 22 admin-1 units
ADMIN1 = {
    2018: {
        "zero": [0.4394, 0.4917, 0.4394, 0.1285],
        "no_change": [0.7121, 0.5703, 0.7121, 0.1849],
        "hist_12": [0.5076, 0.4494, 1.0761, 0.1151],
        "hist_24": [0.4508, 0.4146, 0.5716, 0.1096],
    },
    2017: {
        "zero": [9.0114, 0.8074, 9.0114, 0.2385],
        "no_change": [9.0038, 0.6860, 9.0038, 0.2319],
        "hist_12": [8.9962, 0.7389, 8.8523, 0.1772],
        "hist_24": [9.0152, 0.7310, 8.9099, 0.1773],
    },
}


def _check(panel: MonthlyPanel, year: int, table: dict[str, list[float]]) -> None:
    got = backtest(panel, year, BENCH).scores.set_index(["model", "metric"])["value"]
    for model, values in table.items():
        for metric, value in zip(METRICS, values, strict=True):
            assert round(got[(model, metric)], 4) == pytest.approx(value, abs=1e-4), (model, metric)


def test_country_2024_from_the_shipped_panel():
    panel = MonthlyPanel.from_long(load_ucdp_country_month())
    assert len(panel.units) == 132 and panel.n_months == 432
    _check(panel, 2024, COUNTRY_2024)


@needs_shared
def test_shipped_panel_equals_the_shared_file():
    shared = read_panel(COUNTRY)
    assert shared.report == ["empty-header column 'Unnamed: 133' (all zeros) dropped"]
    pd.testing.assert_frame_equal(shared.frame, load_ucdp_country_month())


@pytest.fixture(scope="module")
def events():
    return read_events(GED / "ged191_mmr_bgd_events.csv.gz", last_month="2018-12")


@needs_shared
def test_admin1_panel_from_events_equals_the_published_panel(events):
    panel, report = events_to_panel(events, unit="admin1", first_month="1989-01", last_month="2018-12")
    ref = pd.read_csv(GED / "admin1_month_best_1989_2018.csv")
    ref_panel = MonthlyPanel.from_long(ref.rename(columns={"all": "fatalities"}))
    assert panel.units == ref_panel.units and len(panel.units) == 22
    np.testing.assert_array_equal(panel.values, ref_panel.values)
    # SOURCE.md: 430 events have no adm_1 (3,253 + 72 deaths)
    assert report.dropped == 430 and report.dropped_fatalities == 3253 + 72
    for year, table in ADMIN1.items():
        _check(panel, year, table)


@needs_shared
def test_point_in_polygon_for_bangladesh(events):
    b = read_boundaries(BGD)
    panel, report = events_to_panel(
        events, unit="admin1", boundaries={"Bangladesh": b}, first_month="1989-01", last_month="2018-12"
    )
    assert report.by_polygon["Bangladesh"] + report.outside["Bangladesh"] == 601
    assert report.outside["Bangladesh"] == 3
    assert report.disagree["Bangladesh"] == 8
    # Myanmar has no polygons: its events keep their own (canonical) admin-1 names
    assert report.by_name == {"Myanmar (Burma)": 2183}
    # every Bangladesh fatality with coordinates is kept: only events without any area are dropped
    bgd = [u for u in panel.units if u.startswith("Bangladesh|")]
    assert len(bgd) == 8
