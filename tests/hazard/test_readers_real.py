"""Readers on the real shared files: the checks each SOURCE.md states."""

from __future__ import annotations

import pandas as pd
import pytest

from humsec.hazard import read_ipc
from humsec.hazard.outbreaks import onset_months, read_outbreaks
from humsec.hazard.signals import read_rainfall
from tests.hazard.conftest import (
    CHOLERA,
    HAPI_IPC,
    KEN_JSON,
    KEN_LONG,
    RAIN_CHIRPS,
    RAIN_HAPI,
    shared,
)


def _row(frame, area, ipc_type, issued):
    rows = frame[(frame["area"] == area) & (frame["ipc_type"] == ipc_type)]
    rows = rows[rows["issued"].astype(str) == issued]
    assert len(rows) == 1, rows
    return rows.iloc[0]


@pytest.mark.parametrize(
    ("path", "current", "projected"),
    [
        (KEN_LONG, 92, 115),  # SOURCE.md: 23 counties x 9 analysis-periods with top-level areas
        (KEN_JSON, 92 + 35 + 23, 115 + 35 + 23),  # and Aug 2020 (35 areas), Feb 2021 (23) in groups
    ],
)
def test_kenya_checks_from_source_md(path, current, projected):
    t = read_ipc(shared(path)).frame
    assert len(t) == current + projected
    assert t["ipc_type"].value_counts().to_dict() == {
        "first_projection": projected,
        "current": current,
    }
    turkana = _row(t, "Turkana", "current", "2021-07")
    assert turkana["p3plus"] == 370_791
    assert turkana["p3plus"] / turkana["population"] == pytest.approx(0.40, abs=0.025)
    mandera = _row(t, "Mandera", "first_projection", "2022-04")
    assert mandera["p3plus"] / mandera["population"] == pytest.approx(0.55, abs=0.025)


def test_kenya_json_reads_areas_under_groups_and_says_so():
    t = read_ipc(shared(KEN_JSON))
    # Aug 2020 and Feb 2021 list their areas under "groups" (Aug 2020: the same 35 areas under
    # two groups, counted once): 7 analyses, where the flat CSV of SOURCE.md has 5
    assert any(n.startswith("2 analyses give their areas under 'groups'") for n in t.notes)
    assert any("August 2020 (LRA) (35)" in n for n in t.notes)
    assert not any("without area data" in n for n in t.notes)
    f = t.frame
    assert f["analysis"].nunique() == 7
    current = f[f["ipc_type"] == "current"].groupby("analysis").size()
    assert current["Acute Food Insecurity August 2020 (LRA)"] == 35  # 24 counties, 11 urban areas
    assert current["Acute Food Insecurity February 2021 (SRA)"] == 23
    baringo = f[(f["area"] == "Baringo") & (f["issued"] == pd.Period("2021-02", "M"))]
    assert baringo.loc[baringo["ipc_type"] == "current", "phase3"].item() == 66678
    # the API's area "population" is the national total: never used as the county population
    assert t.frame["population"].max() < 5_000_000


def test_hapi_drops_error_rows_and_counts_them():
    t = read_ipc(shared(HAPI_IPC))
    assert any(n.startswith("6,105 HAPI rows with an error dropped") for n in t.notes)
    f = t.frame
    assert set(f["ipc_type"]) == {"current", "first_projection", "second_projection"}
    assert set(f["level"]) == {0, 1, 2}
    assert set(f["country"]) == {"AFG", "AGO", "CAF", "ETH"}
    one = f[(f["level"] == 1) & f["pcode"].notna()]
    assert one["pcode"].str.match(r"^[A-Z]{2}\d{2}$").all()
    # phases 1..5 and 3+ kept, and 3+ = 3 + 4 + 5 within IPC rounding on nearly every row
    gap = (f["phase3"] + f["phase4"] + f["phase5"] - f["p3plus"]).abs() / f["population"]
    assert (gap.dropna() <= 0.05).mean() > 0.99


def test_hapi_level_filter():
    t = read_ipc(shared(HAPI_IPC), level=2)
    assert set(t.frame["level"]) == {2}
    assert any(n.startswith("admin level 2:") for n in t.notes)


def test_chirps_seasonal_anomalies():
    t = read_rainfall(shared(RAIN_CHIRPS), year=2022).frame
    assert len(t) == 2652
    ken = t[t["area_id"].isin(["KE008", "KE023"])].assign(month=t["start"].dt.month)
    ken = ken.set_index(["area_id", "month"])
    assert ken.loc[("KE008", 3), "value"] == pytest.approx(-52, abs=0.5)  # Wajir MAM
    assert ken.loc[("KE008", 10), "value"] == pytest.approx(-58, abs=0.5)  # Wajir OND
    assert ken.loc[("KE023", 3), "value"] == pytest.approx(-15, abs=0.5)  # Turkana
    assert ken.loc[("KE023", 10), "value"] == pytest.approx(-3, abs=0.5)


def test_hapi_rainfall_dekads_and_merged_provider_areas():
    t = read_rainfall(shared(RAIN_HAPI))
    f = t.frame
    areas = f.drop_duplicates("area_id")
    assert (areas["level"] == 1).sum() == 11
    assert f.groupby("area_id")["start"].nunique().eq(36).all()
    # MZ0109 (Metuge) comes from two provider areas (49 and 4 pixels): pixel-weighted mean
    jan = f[(f["area_id"] == "MZ0109") & (f["start"] == "2024-01-01")].set_index("signal")["value"]
    assert jan["rainfall_mm"] == pytest.approx((150.2449 * 49 + 102.0 * 4) / 53)
    assert jan["rainfall_anomaly_pct"] == pytest.approx(
        100 * jan["rainfall_mm"] / jan["rainfall_lta_mm"]
    )
    assert any("MZ0109" in n for n in t.notes)


def test_cholera_outbreak_list():
    t = read_outbreaks(shared(CHOLERA))
    f = t.frame
    assert len(f) == 999
    assert f["level"].value_counts().to_dict() == {2: 692, 3: 245, 1: 62}
    mandera = f[f["area_id"] == "ken::northeastern::mandera"].iloc[0]
    assert (mandera["cases"], mandera["deaths"]) == (1743, 17)
    assert f["deaths"].isna().sum() > 0  # NA = not reported, kept as missing
    assert any("not reported, not 0" in n for n in t.notes)
    onsets = onset_months(f)
    assert onsets["month"].min() >= onsets["month"].min().__class__("2010-01", "M")
