"""The reference tables behind the README's headline claims are committed, so their tests never skip.

Each committed copy (gzipped where large) decompresses to the same bytes as ../shared/data, where
that is present; without ../shared the copies alone must be there.
"""

from __future__ import annotations

import pytest

from tests.golden._data import GOLDEN, SHARED, reference_dir, reference_path

INFORM_SHEETS = [
    "Indicator_Data",
    "Population_Data",
    "Indicator_Date",
    "Hazard_Exposure",
    "Vulnerability",
    "Lack_of_Coping_Capacity",
    "INFORM_Risk_2025_a_z",
    "Lack_of_Reliability_Index",
]
#: (path under tests/golden, path under ../shared/data)
COMMITTED = [
    ("inform/inform_gri_2020_v040.csv", "inform/inform_gri_2020_v040.csv"),
    *((f"inform/inform_risk_2025_v070_sheets/{s}.csv",) * 2 for s in INFORM_SHEETS),
    ("af_syn_cdta/mpitbR_national_levels.csv", "syn_cdta/mpitbR_national_levels.csv"),
]


@pytest.mark.parametrize(("rel", "shared_rel"), COMMITTED)
def test_reference_is_committed_in_the_repo(rel, shared_rel):
    committed = GOLDEN / rel
    assert committed.is_file() or committed.with_name(committed.name + ".gz").is_file(), rel
    path = reference_path(rel, shared_rel)
    assert SHARED not in path.parents, f"{rel} resolved to ../shared, not the repo copy"
    shared = SHARED / shared_rel
    if shared.is_file():
        assert path.read_bytes() == shared.read_bytes(), f"{rel} differs from {shared}"


@pytest.mark.parametrize("folder", ["inform", "af_syn_cdta"])
def test_licence_notice_beside_the_data(folder):
    text = (GOLDEN / folder / "SOURCE.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in text or "GPL" in text


def test_sheet_folder_holds_every_sheet_the_inform_tests_read():
    sheets = reference_dir("inform/inform_risk_2025_v070_sheets")
    assert SHARED not in sheets.parents
    assert {p.stem for p in sheets.glob("*.csv")} == set(INFORM_SHEETS)


def test_missing_reference_is_a_clear_error():
    with pytest.raises(FileNotFoundError, match=r"no_such_table\.csv"):
        reference_path("inform/no_such_table.csv")
