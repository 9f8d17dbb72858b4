"""Write msna_subset.csv: the columns of the REACH MSNA 2024 dummy export (MIT, ../shared/data/
reach_msna2024_tool_dummy) that the R reference needs, as text. Run from the repository root:
``.venv/bin/python tests/golden/voice_msna/make_subset.py``."""

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
    "snfi_shelter_type",
    "aap_received_assistance_12m",
    "aap_priority_challenge",
    "snfi_shelter_issue",
]
main = pd.read_excel(DATA, sheet_name="main", dtype=str, keep_default_na=False)
main[COLUMNS].to_csv(HERE / "msna_subset.csv", index=False)
