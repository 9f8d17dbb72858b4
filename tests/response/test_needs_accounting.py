"""Issue 21, defect 4: every needs entry is used or listed as not used, with its reason.

The fixture copies the layout of the HDX Ethiopia drought file (hoa_drought_pin_target_2022): a
group row ("ESNFI" over Affected/Target/Reached), a header row, an HXL row where ESNFI and
Agriculture carry a bare ``#inneed`` beside ``#inneed+health``, numbers written "80 418" and "-".
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from humsec.cli.main import app
from humsec.response.gaps import response_gaps

HOA = Path(__file__).resolve().parents[3] / "shared" / "data" / "hoa_drought_pin_target_2022"

NEEDS = """LOCATION,,HEALTH,,ESNFI,,AGRICULTURE,
admin3Pcode,Woreda,Affected,Target,Affected,Target,Affected,Target
#adm3+code,#adm3+name,#inneed+health,#targeted+health,#inneed,#target,#inneed,#target
ET010302,Erob,80 418,40 209,-,-,1 000,-
ET010303,Saesie,3 410,1 705,2 500,-,-,-
,Nowhere,7,-,-,-,-,-
"""
ACTS = pd.DataFrame(
    {
        "woreda": ["ET010302", "ET010303", "ET010303"],
        "cluster": ["Health", "ESNFI", "Agriculture"],
        "partner": ["A", "B", "C"],
        "reached": [40_000, 500, 10],
    }
)
COLS = {"area": "woreda", "sector": "cluster", "org": "partner", "reached": "reached"}


def test_bare_inneed_columns_are_named_by_their_group_label():
    res = response_gaps(ACTS, io.StringIO(NEEDS), columns=COLS)
    t = res.table.set_index(["area", "sector_key"])
    # before: ESNFI and Agriculture vanished and the note blamed the activities
    assert t.loc[("ET010303", "shelter"), "people_in_need"] == 2500
    assert t.loc[("ET010303", "shelter"), "people_reached"] == 500
    assert t.loc[("ET010302", "agriculture"), "people_in_need"] == 1000
    assert np.isclose(t.loc[("ET010302", "health"), "gap_score"], 80_418 - 40_000)
    assert any("bare #inneed named by the group label" in r for r in res.report)
    assert not any("no figure in the needs table" in r for r in res.report)


def test_needs_not_used_lists_every_entry_left_out_with_its_reason():
    res = response_gaps(ACTS, io.StringIO(NEEDS), columns=COLS)
    nu = res.needs_not_used
    assert list(nu.columns) == ["data_row", "area", "column", "sector", "people_in_need", "reason"]
    # 3 rows × 3 #inneed columns = 9 entries: 4 used, 5 not used
    got = sorted(zip(nu["data_row"], nu["column"], nu["reason"], strict=True))
    assert got == [
        (1, "Affected.2", "no people-in-need figure (blank or '-')"),
        (2, "Affected.3", "no people-in-need figure (blank or '-')"),
        (3, "Affected", "no area code"),
        (3, "Affected.2", "no area code"),
        (3, "Affected.3", "no area code"),
    ]
    used = res.table["people_in_need"].notna().sum()
    assert used + len(nu) == 3 * 3
    assert any("5 needs entries not used" in r for r in res.report)


def test_area_names_come_from_the_needs_table():
    res = response_gaps(ACTS, io.StringIO(NEEDS), columns=COLS)
    names = dict(zip(res.table["area"], res.table["area_name"], strict=True))
    assert names == {"ET010302": "Erob", "ET010303": "Saesie"}


def test_a_bare_inneed_without_a_label_is_listed_not_lost():
    text = "code,pin,pin2\n#adm1+code,#inneed+wash,#inneed\nKE001,10,20\nKE002,5,-\n"
    res = response_gaps(
        pd.DataFrame({"a": ["KE001"], "s": ["WASH"], "o": ["X"]}),
        io.StringIO(text),
        columns={"area": "a", "sector": "s", "org": "o"},
    )
    nu = res.needs_not_used
    assert len(nu) == 2 and set(nu["column"]) == {"pin2"}
    assert nu["reason"].str.contains("bare #inneed").all()
    assert nu["people_in_need"].tolist()[0] == 20  # the figure is shown, so nothing is hidden


def test_long_needs_rows_without_area_sector_or_figure_are_listed():
    needs = pd.DataFrame(
        {
            "area": ["A", None, "B", "C"],
            "sector": ["Health", "Health", None, "WASH"],
            "people_in_need": [10, 20, 30, None],
        }
    )
    acts = pd.DataFrame({"a": ["A"], "s": ["Health"], "o": ["X"], "r": [4]})
    res = response_gaps(
        acts, needs, columns={"area": "a", "sector": "s", "org": "o", "reached": "r"}
    )
    reasons = dict(zip(res.needs_not_used["data_row"], res.needs_not_used["reason"], strict=True))
    assert reasons == {
        2: "no area code",
        3: "no sector",
        4: "no people-in-need figure (blank or '-')",
    }
    # a missing figure is not a zero need: C × WASH has no row at all
    assert set(res.table["area"]) == {"A"}


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["ET01", "ET02", "ET03", ""]),
            st.one_of(st.none(), st.integers(0, 10**6)),
            st.one_of(st.none(), st.integers(0, 10**6)),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_every_entry_is_used_or_listed(rows):
    """Identity: used entries + not-used entries = rows × #inneed columns, and the people in
    need of the table add up to the used entries (nothing dropped silently)."""
    lines = [",G1,G2", "code,a,b", "#adm1+code,#inneed+health,#inneed"]
    for i, (area, x, y) in enumerate(rows):
        cell = lambda v: "-" if v is None else str(v)  # noqa: E731
        lines.append(f"{area},{cell(x)},{cell(y)},{i}")  # the row number keeps rows distinct
    lines[0] += ","
    lines[1] += ",n"
    lines[2] += ",#meta"
    res = response_gaps(
        pd.DataFrame({"a": ["ET01"], "s": ["Health"], "o": ["X"]}),
        io.StringIO("\n".join(lines) + "\n"),
        columns={"area": "a", "sector": "s", "org": "o"},
    )
    used = [v for area, *values in rows for v in values if area and v is not None]
    assert len(used) + len(res.needs_not_used) == 2 * len(rows)
    assert np.isclose(res.table["people_in_need"].sum(), sum(used))


@pytest.mark.skipif(not HOA.exists(), reason="../shared not present")
def test_real_ethiopia_esnfi_and_agriculture_are_used(tmp_path):
    """Ethiopia 3W (Aug 2025) against the 2022 woreda needs: ESNFI has a figure in 86 woredas and
    Agriculture in 178; every '-' cell is listed, CLI writes the list beside the table."""
    needs = HOA / "eth_ethiopia_drought_affected_targeted_reached_by_cluster_2022.csv.gz"
    out = tmp_path / "gaps.csv"
    res = CliRunner().invoke(
        app,
        [
            "response", "gaps", str(HOA / "eth_3w_operational_presence_august_2025.csv.gz"),
            str(needs), "--columns",
            "area=WoredaPcod,sector=Cluster,org=Implementing Partner Name",
            "--out", str(out), "--excel", str(tmp_path / "gaps.xlsx"),
        ],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out)
    with_need = table[table["people_in_need"].notna()]
    assert (with_need["sector_key"] == "shelter").sum() == 86
    assert (with_need["sector_key"] == "agriculture").sum() == 178
    raw = pd.read_csv(needs, skiprows=[0, 2], dtype=str)
    pin_cols = [c for c in raw.columns if c.startswith("Affected")]
    dashes = int(raw[pin_cols].isin(["-"]).sum().sum() + raw[pin_cols].isna().sum().sum())
    not_used = pd.read_csv(tmp_path / "gaps_needs_not_used.csv")
    assert len(not_used) == dashes == 1012
    assert len(with_need) + len(not_used) == len(raw) * len(pin_cols)
    in_needs = table["area"].isin(raw["admin3Pcode"])
    assert table.loc[in_needs, "area_name"].notna().all()  # woredas named from the needs table
    assert "needs not used" in pd.ExcelFile(tmp_path / "gaps.xlsx").sheet_names
    assert "1012 needs entries not used" in res.output


def test_a_title_row_is_not_a_group_label_and_unknown_sectors_are_reported():
    text = "Drought needs 2022,,\ncode,pin,pin2\n#adm1+code,#inneed+wash,#inneed\nKE001,10,20\n"
    res = response_gaps(
        pd.DataFrame({"a": ["KE001"], "s": ["Watsan plus"], "o": ["X"]}),
        io.StringIO(text),
        columns={"area": "a", "sector": "s", "org": "o"},
    )
    assert res.needs_not_used["reason"].str.contains("bare #inneed").tolist() == [True]
    assert any(
        r.startswith("activities: 1 sector name(s) not in the alias table") and "Watsan plus" in r
        for r in res.report
    )


def test_the_note_says_when_a_sector_s_needs_were_set_aside():
    needs = pd.DataFrame(
        {"area": ["A", "A"], "sector": ["Health", "EHA"], "people_in_need": ["10", "-"]}
    )
    acts = pd.DataFrame({"a": ["A", "A"], "s": ["Health", "WASH"], "o": ["X", "Y"]})
    res = response_gaps(acts, needs, columns={"area": "a", "sector": "s", "org": "o"})
    assert (
        "sector(s) worked in with no figure in the needs table: ['wash'] "
        "(['wash'] have needs entries in 'needs not used')"
    ) in res.report


def test_exact_duplicate_needs_rows_are_listed_with_the_row_they_repeat():
    text = (
        "code,pin,pin2\n#adm1+code,#inneed+wash,#inneed+health\nKE001,10,-\nKE002,5,3\nKE001,10,-\n"
    )
    res = response_gaps(
        pd.DataFrame({"a": ["KE001"], "s": ["WASH"], "o": ["X"]}),
        io.StringIO(text),
        columns={"area": "a", "sector": "s", "org": "o"},
    )
    nu = res.needs_not_used
    dup = nu[nu["data_row"] == 3]
    assert dup["column"].tolist() == ["pin", "pin2"]
    assert set(dup["reason"]) == {"exact duplicate of an earlier row (data row 1)"}
    assert len(res.table) + len(nu) == 3 * 2  # every entry used or listed
    assert (
        "3 needs entries not used (listed in 'needs not used'): 2 exact duplicate of an earlier "
        "row; 1 no people-in-need figure (blank or '-')"
    ) in res.report
