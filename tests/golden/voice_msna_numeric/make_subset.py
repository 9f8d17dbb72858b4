"""Write msna_numeric.csv: the columns of the REACH MSNA 2024 dummy export (MIT, ../shared/data/
reach_msna2024_tool_dummy) that the R reference for numeric questions needs, as text. Run from the
repository root: ``.venv/bin/python tests/golden/voice_msna_numeric/make_subset.py``."""

from pathlib import Path

import pandas as pd

HERE = Path(__file__).parent
DATA = (
    HERE.parents[2] / ".." / "shared" / "data" / "reach_msna2024_tool_dummy" / "dummy_raw_data.xlsx"
)
COLUMNS = [
    "uuid",
    "consent",
    "setting",
    "stratum",
    "cluster_id",
    "weight",
    "hh_size",
    "fsl_fcs_cereal",
    "health_facility_time",
    "wash_drinking_water_time_yn",
    "wash_drinking_water_time_int",
]
main = pd.read_excel(DATA, sheet_name="main", dtype=str, keep_default_na=False)
main[COLUMNS].to_csv(HERE / "msna_numeric.csv", index=False)
