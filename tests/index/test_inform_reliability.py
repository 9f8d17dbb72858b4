"""INFORM Risk 2025's Lack of Reliability: hand-worked values, bad input, and all 191 published values.

The published check recomputes ``Lack of Reliability (*)`` of every country from the workbook's own
inputs (the sheet dumps committed in tests/golden/inform) and must agree to 1e-9.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from humsec.core.errors import DataError
from humsec.index.inform_reliability import (
    INFORM_2025_LOR_REFERENCE,
    LoRReference,
    capped_goalpost_score,
    inform_hvc_flag,
    inform_lack_of_reliability,
    inform_reliability_components,
)
from tests.golden._data import SHARED, reference_dir

# the sheet dumps are committed in tests/golden/inform; the 2.2 MB workbook is not (../shared only)
SHEETS = reference_dir("inform/inform_risk_2025_v070_sheets")
WORKBOOK = SHARED / "inform" / "inform_risk_2025_v070.xlsx"
needs_workbook = pytest.mark.skipif(
    not WORKBOOK.exists(), reason="../shared/data/inform/inform_risk_2025_v070.xlsx not present"
)


# --------------------------------------------------------------------------- hand-worked values


def test_hand_worked_values():
    # M = 10 − (15 − 51·share)/15·10, R = 10 − (0.75 − years)/0.75·10, LoR = F·(M + R)/2/1.25
    share = np.array([0.0, 3 / 51, 15 / 51, 20 / 51, 6 / 51, 1.0])
    hvc = np.array([0, 0, 1, 0, 1, 1])
    years = np.array([0.0, 0.375, 0.75, 0.15, 2.0, 0.3])
    # M: 0, 2, 10, 10 (capped), 4, 10 ; R: 0, 5, 10, 2, 10 (capped), 4
    expected = np.array(
        [
            0.0,
            (2 + 5) / 2 / 1.25,  # 2.8
            (10 + 10) / 2,  # 10: conflict keeps the mean
            (10 + 2) / 2 / 1.25,  # 4.8
            (4 + 10) / 2,  # 7
            (10 + 4) / 2,  # 7
        ]
    )
    got = inform_lack_of_reliability(share, hvc, years)
    assert isinstance(got, np.ndarray)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
    comp = inform_reliability_components(share, hvc, years)
    np.testing.assert_allclose(comp["missing_score"], [0, 2, 10, 10, 4, 10], atol=1e-12)
    np.testing.assert_allclose(comp["recentness_score"], [0, 5, 10, 2, 10, 4], atol=1e-12)
    assert comp["hvc_factor"].tolist() == [1, 1, 1.25, 1, 1.25, 1.25]
    np.testing.assert_allclose(comp["lack_of_reliability"], expected, atol=1e-12)


def test_afghanistan_and_albania_by_hand():
    # AFG: 4 missing, HVC, 0.40298507… years → M = 11/15·… = 2.6667, R = 5.3731, LoR = mean = 4.0199
    # ALB: 5 missing, no HVC, 0.375 years → M = 3.3333, R = 5, LoR = 0.8 · 4.1667 = 3.3333
    got = inform_lack_of_reliability([4 / 51, 5 / 51], [True, False], [27 / 67, 0.375])
    np.testing.assert_allclose(
        got, [(40 / 15 + 27 / 67 / 0.75 * 10) / 2, (50 / 15 + 5) / 2 * 0.8], atol=1e-12
    )


def test_broadcasting_scalars_and_series():
    # scalars broadcast; the result is at least 1-d
    assert inform_lack_of_reliability(0.0, 0, 0.0).tolist() == [0.0]
    out = inform_lack_of_reliability([0.0, 15 / 51], 1, 0.75)
    np.testing.assert_allclose(out, [5.0, 10.0])
    # a Series keeps its index, other inputs may be plain arrays
    idx = pd.Index(["AAA", "BBB"], name="ISO3")
    s = inform_lack_of_reliability(pd.Series([0.0, 15 / 51], index=idx), [0, 1], [0.0, 0.75])
    assert isinstance(s, pd.Series)
    assert s.index.equals(idx) and s.name == "Lack of Reliability (*)"
    np.testing.assert_allclose(s.to_numpy(), [0.0, 10.0])


def test_series_with_different_indexes_are_refused():
    a = pd.Series([0.1, 0.2], index=["A", "B"])
    b = pd.Series([0, 1], index=["B", "A"])
    with pytest.raises(DataError, match="different indexes"):
        inform_lack_of_reliability(a, b, [0.1, 0.2])


def test_capped_goalpost_score_matches_the_sheet_formula():
    # IF(x > hi, 10, 10 − (hi − x)/(hi − lo)·10): capped above, not floored below
    got = capped_goalpost_score([-1.0, 0.0, 0.375, 0.75, 0.9], 0.0, 0.75)
    np.testing.assert_allclose(got, [-40 / 3, 0.0, 5.0, 10.0, 10.0])


def test_reference_overrides_and_validation():
    # a mapping overrides single fields; the divisor follows the factor (10 × factor)
    got = inform_lack_of_reliability([0.0], [1], [0.75], reference={"hvc_factor": 2.0})
    np.testing.assert_allclose(got, [5.0])  # 2·5 / (10·2)·10
    got = inform_lack_of_reliability([10 / 51], [0], [0.0], reference={"missing_max": 10})
    np.testing.assert_allclose(got, [4.0])  # M = 10, R = 0 → 5 · 0.8
    ref = LoRReference(n_indicators=10)
    np.testing.assert_allclose(
        inform_lack_of_reliability([0.5], [0], [0.0], reference=ref), [4 / 3]
    )
    with pytest.raises(DataError, match="unknown LoR reference field"):
        inform_lack_of_reliability([0.0], [0], [0.0], reference={"max_missing": 10})
    with pytest.raises(DataError, match=r"missing_max .* must exceed missing_min"):
        LoRReference(missing_min=5, missing_max=5)
    with pytest.raises(DataError, match=r"recentness_max .*\(years\)"):
        LoRReference(recentness_max=0)
    with pytest.raises(DataError, match="hvc_factor"):
        LoRReference(hvc_factor=0)


def test_hvc_flag_from_human_hazard():
    assert inform_hvc_flag([0.0, 6.9, 7.0, 7.1, 10.0]).tolist() == [0, 0, 0, 1, 1]
    s = inform_hvc_flag(pd.Series([7.5, 3.0], index=["X", "Y"]))
    assert s.index.tolist() == ["X", "Y"] and s.tolist() == [1, 0]
    with pytest.raises(DataError, match="0–10"):
        inform_hvc_flag([11.0])


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"missing_share": [np.nan]}, r"missing_share has 1 missing .*NaN.*fraction in \[0, 1\]"),
        (
            {"missing_share": [7.8]},
            r"missing_share must be a fraction in \[0, 1\] of the 51 INFORM indicators \(not a percentage or a count\).*7\.8",
        ),
        ({"missing_share": [-0.1]}, r"missing_share must be a fraction in \[0, 1\]"),
        ({"missing_share": ["a lot"]}, r"missing_share must be numeric \(a fraction in \[0, 1\]"),
        ({"hvc": [np.nan]}, r"hvc has 1 missing .*0/1"),
        ({"hvc": [2]}, r"hvc must be 0/1 .*other value\(s\): 2"),
        ({"hvc": ["YES"]}, r"hvc must be 0/1.*Current Conflict Intensity ≥ 7.*inform_hvc_flag"),
        ({"recentness": [np.inf]}, r"recentness has 1 missing or non-finite .*in years"),
        ({"recentness": [-0.5]}, r"recentness must be the mean age .* in years, ≥ 0.*-0\.5"),
    ],
)
def test_bad_input_raises_naming_the_units(kwargs, pattern):
    args = {"missing_share": [0.1], "hvc": [0], "recentness": [0.3]} | kwargs
    with pytest.raises(DataError, match=pattern):
        inform_lack_of_reliability(**args)


def test_non_broadcastable_shapes_are_refused():
    with pytest.raises(DataError, match="do not broadcast"):
        inform_lack_of_reliability([0.1, 0.2], [0, 1, 0], [0.3])


# --------------------------------------------------------------------------- the published 2025 table


def _lor_sheet() -> tuple[pd.DataFrame, pd.DataFrame]:
    raw = pd.read_csv(SHEETS / "Lack_of_Reliability_Index.csv", dtype={"ISO": str})
    iso = raw["ISO"].fillna("")
    countries = raw[iso.str.fullmatch(r"[A-Z]{3}") & ~iso.isin(["MIN", "MAX"])].set_index("ISO")
    countries.columns = ["n_missing", "hvc", "years", "M", "F", "R", "LoR"]
    footer = raw[raw["ISO"].isin(["MIN", "MAX", "Countries in HVC - Factor"])]
    return countries.astype(float), footer


def _a_z() -> pd.DataFrame:
    df = pd.read_csv(SHEETS / "INFORM_Risk_2025_a_z.csv", encoding="utf-8")
    return df[df["ISO3"].astype(str).str.fullmatch(r"[A-Z]{3}")].set_index("ISO3")


def test_default_reference_is_the_workbooks_goalposts():
    _, footer = _lor_sheet()
    # rows 194–195 (observed MIN/MAX) are not used; rows 196–197 (fixed goalposts) and 199 are
    fixed_min, fixed_max = footer.iloc[2], footer.iloc[3]
    assert fixed_min["ISO"] == "MIN" and fixed_max["ISO"] == "MAX"
    ref = INFORM_2025_LOR_REFERENCE
    assert (
        float(fixed_min.iloc[1]) == ref.missing_min and float(fixed_max.iloc[1]) == ref.missing_max
    )
    assert float(fixed_min.iloc[3]) == ref.recentness_min
    assert float(fixed_max.iloc[3]) == ref.recentness_max
    assert float(footer.iloc[4].iloc[1]) == ref.hvc_factor
    az = _a_z()
    np.testing.assert_array_equal(
        az["% of Missing Indicators"], az["Number of Missing Indicators"] / ref.n_indicators
    )


@needs_workbook
def test_formulas_in_the_workbook_are_the_ones_implemented():
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(WORKBOOK, read_only=True, data_only=False)
    try:
        ws = wb["Lack of Reliability Index"]
        rows = list(ws.iter_rows(min_row=1, max_row=199, values_only=True))
    finally:
        wb.close()
    for i in range(2, 193):  # every country row has the same formulas
        r = rows[i - 1]
        assert r[2] == f"=IF(VLOOKUP(A{i},'Hazard & Exposure'!$B$6:$CZ$196,103,FALSE)>7,1,0)"
        assert r[4] == f"=IF(B{i}>B$197,10,10-(B$197-B{i})/(B$197-B$196)*10)"
        assert r[5] == f"=IF(C{i}=1,$B$199,1)"
        assert r[6] == f"=IF(D{i}>D$197,10,10-(D$197-D{i})/(D$197-D$196)*10)"
        assert r[7] == f"=10-(12.5-AVERAGE(E{i},G{i})*F{i})/12.5*10"
    assert rows[195][:4] == ("MIN", 0, 0, 0) and rows[196][:4] == ("MAX", 15, 1, 0.75)
    assert rows[198][:2] == ("Countries in HVC - Factor", 1.25)


def test_all_191_published_values_from_the_a_z_sheet():
    """From the a-z sheet alone: % missing, Human > 7 (the LoR's HVC flag), recentness."""
    az = _a_z()
    assert len(az) == 191
    hvc = inform_hvc_flag(az["Human"])
    ours = inform_lack_of_reliability(
        az["% of Missing Indicators"], hvc, az["Recentness data (average years)"]
    )
    published = az["Lack of Reliability (*)"].astype(float)
    diff = (ours - published).abs()
    assert diff.max() <= 1e-9, diff.sort_values().tail()
    assert int(hvc.sum()) == 35


def test_all_191_published_values_and_components_from_the_lor_sheet():
    sheet, _ = _lor_sheet()
    assert len(sheet) == 191
    comp = inform_reliability_components(sheet["n_missing"] / 51, sheet["hvc"], sheet["years"])
    for ours, theirs in [
        ("missing_score", "M"),
        ("hvc_factor", "F"),
        ("recentness_score", "R"),
        ("lack_of_reliability", "LoR"),
    ]:
        np.testing.assert_allclose(comp[ours], sheet[theirs], rtol=0, atol=1e-9, err_msg=ours)
    # and the LoR sheet's H is what the a-z sheet publishes
    az = _a_z()
    np.testing.assert_allclose(
        sheet["LoR"].reindex(az.index), az["Lack of Reliability (*)"], rtol=0, atol=0
    )


def test_a_z_countries_in_hvc_column_is_not_the_lor_flag():
    """The a-z sheet's YES column is Current Conflict Intensity ≥ 7 (23 countries); the LoR uses
    Human hazard > 7 (35). Feeding the YES column in gets 12 countries wrong."""
    az = _a_z()
    yes = (az["Countries in HVC"] == "YES").astype(int)
    assert int(yes.sum()) == 23
    assert (yes == (az["Current Conflict Intensity"] >= 7)).all()
    wrong = inform_lack_of_reliability(
        az["% of Missing Indicators"], yes, az["Recentness data (average years)"]
    )
    off = (wrong - az["Lack of Reliability (*)"]).abs() > 1e-9
    assert int(off.sum()) == 12
    assert (inform_hvc_flag(az["Human"])[off] == 1).all()
