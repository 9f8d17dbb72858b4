"""Write main.csv, edu_ind.csv and health_ind.csv: the columns of the REACH MSNA 2024 dummy export (MIT,
../shared/data/reach_msna2024_tool_dummy) that the roster reference needs, as text, in the export's own
layout (the loop sheets carry the household's ``uuid`` and ``_parent_index``). Run from the repository
root: ``.venv/bin/python tests/golden/voice_msna_roster/make_subset.py``."""

from pathlib import Path

import pandas as pd

HERE = Path(__file__).parent
DATA = (
    HERE.parents[2] / ".." / "shared" / "data" / "reach_msna2024_tool_dummy" / "dummy_raw_data.xlsx"
)
SHEETS = {
    "main": ["uuid", "index", "consent", "setting", "stratum", "cluster_id", "weight",
             "ind_age_schooling_n"],
    "edu_ind": ["uuid", "_parent_index", "_index", "edu_ind_age_schooling", "edu_access"],
    "health_ind": ["uuid", "_parent_index", "_index", "health_ind_healthcare_needed",
                   "health_ind_healthcare_received"],
}  # fmt: skip
sheets = pd.read_excel(DATA, sheet_name=list(SHEETS), dtype=str, keep_default_na=False)
for name, columns in SHEETS.items():
    sheets[name][columns].to_csv(HERE / f"{name}.csv", index=False)
