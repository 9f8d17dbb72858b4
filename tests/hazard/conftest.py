from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
KEN_LONG = SHARED / "ipc_ken_county" / "ipc_ken_county_long.csv.gz"
KEN_JSON = SHARED / "ipc_ken_county" / "ipc_population_country_ke_raw.json.gz"
HAPI_IPC = SHARED / "ipc_hapi_food_security_4c" / "hdx_hapi_food_security_afg_ago_caf_eth.csv.gz"
RAIN_HAPI = SHARED / "rainfall_subnational" / "hdx_hapi_rainfall_moz_2024.csv.gz"
RAIN_CHIRPS = SHARED / "rainfall_subnational" / "chirps_seasonal_anomaly_eth_ken_som_2022.csv.gz"
# GPL-3 (HopkinsIDD/cholera_outbreaks_ssa): read from ../shared in tests only, never shipped
CHOLERA = SHARED / "cholera_outbreaks_ssa" / "outbreak_data.csv.gz"


def shared(path: Path) -> Path:
    """The shared data file, or skip the test cleanly where ../shared is absent."""
    if not path.exists():
        pytest.skip(f"shared data not available: {path}")
    return path
