"""P-codes against the COD gazetteer, organisation names against a code list, activity dates."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from humsec.cli.main import app
from humsec.core.codelists import check_names, check_pcodes, fold_name, merge_spellings
from humsec.core.errors import DataError, HumsecError
from humsec.datasets.places import load_boundaries, load_pcodes
from humsec.response.gaps import read_organisations, response_gaps

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
COLS = {"area": "adm1", "sector": "cluster", "org": "partner", "reached": "reached"}
GAZ = pd.DataFrame(
    {
        "Location": ["KEN", "KEN", "KEN", "KEN", "UGA"],
        "Admin Level": [1, 1, 2, 2, 1],
        "P-Code": ["KE001", "KE023", "KE023001", "KE023002", "UG1"],
        "Name": ["Mombasa", "Turkana", "Loima", "Turkana North", "Central"],
    }
)


def test_pcodes_known_unknown_and_deeper_codes():
    check = check_pcodes(
        pd.Series(["KE023", "KE0023", "KE023001", "KE02300101", "KE099001", "KE09900101", None]),
        GAZ,
    )
    assert check.country == "KEN"
    assert check.names == {"KE023": "Turkana", "KE023001": "Loima"}
    assert check.checked_by_parent == 1  # KE02300101 sits under the known KE023001
    assert check.unknown == {"KE0023": "KE023", "KE099001": "KE023001", "KE09900101": None}
    assert "KE09900101 (its parent KE099001 is unknown)" in " ".join(check.report("activity"))
    report = " ".join(check.report("activity"))
    assert "3 of 6 activity area code(s)" in report and "KE0023 (nearest: KE023)" in report


def test_pcodes_names_are_not_checked_but_said_so():
    check = check_pcodes(pd.Series(["Turkana", "Mombasa"]), GAZ)
    assert check.skipped and check.report("needs")[0].startswith("needs areas not checked")


def test_shipped_gazetteer_and_boundaries_agree():
    """Every Kenya county polygon carries a P-code of the shipped gazetteer."""
    gaz = load_pcodes()
    codes = [f["properties"]["adm1_pcode"] for f in load_boundaries("KEN-adm1")["features"]]
    check = check_pcodes(pd.Series(codes), gaz)
    assert check.country == "KEN" and check.level == 1 and not check.unknown
    assert len(check.names) == 47 and check.names["KE023"] == "Turkana"
    bgd = [f["properties"]["adm1_pcode"] for f in load_boundaries("BGD-adm1")["features"]]
    assert not check_pcodes(pd.Series(bgd), gaz).unknown


def test_unknown_boundaries_is_a_clear_error(tmp_path):
    with pytest.raises(DataError, match="not a built-in set"):
        load_boundaries(tmp_path / "nope.geojson")


def test_spellings_merge_and_code_list():
    mapping, report = merge_spellings(
        pd.Series(["UNICEF", "Unicef", "UNICEF", "Save the Children", "WFP"])
    )
    assert mapping["Unicef"] == "UNICEF" and mapping["WFP"] == "WFP"
    assert "UNICEF = Unicef" in report[0]
    ref = {"World Food Programme": "World Food Programme", "WFP": "World Food Programme"}
    matched, unknown = check_names(["wfp", "World Food Program", "MSF"], ref)
    assert matched == {"wfp": "World Food Programme"}
    assert unknown == {"World Food Program": "World Food Programme", "MSF": None}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=20))
def test_merging_never_joins_names_that_differ_in_letters(names):
    mapping, _ = merge_spellings(pd.Series(names))
    for name, canonical in mapping.items():
        assert fold_name(name) == fold_name(canonical)


def test_organisation_list_counts_one_organisation_once():
    acts = pd.DataFrame(
        {
            "adm1": ["A", "A", "A"],
            "cluster": ["Health"] * 3,
            "partner": ["UNICEF", "United Nations Children's Fund", "MSF-B"],
            "reached": [10, 20, 5],
        }
    )
    needs = pd.DataFrame({"area": ["A"], "sector": ["Health"], "people_in_need": [100]})
    orgs = read_organisations(
        pd.DataFrame(
            {
                "name": ["UNICEF", "MSF"],
                "aliases": ["United Nations Children's Fund", "MSF-B; MSF Belgium"],
            }
        )
    )
    res = response_gaps(acts, needs, columns=COLS, organisations=orgs)
    assert res.table["n_orgs"].item() == 2
    plain = response_gaps(acts, needs, columns=COLS)
    assert plain.table["n_orgs"].item() == 3  # without the list the two UNICEF names differ


def dated(starts, ends):
    return pd.DataFrame(
        {
            "adm1": ["A"] * len(starts),
            "cluster": ["Health"] * len(starts),
            "partner": ["X"] * len(starts),
            "reached": [100, 200, 300][: len(starts)],
            "from": starts,
            "to": ends,
        }
    )


NEEDS = pd.DataFrame({"area": ["A"], "sector": ["Health"], "people_in_need": [1000]})
DATE_COLS = {**COLS, "start": "from", "end": "to"}


def test_reversed_dates_are_left_out_and_reported():
    res = response_gaps(
        dated(["2025-01-01", "2025-06-01"], ["2025-03-31", "2025-02-01"]),
        NEEDS,
        columns=DATE_COLS,
        reach="sum",
    )
    assert res.table["people_reached"].item() == 100  # the reversed row (200) is out
    assert any("ending before they start" in r and "row 2" in r for r in res.report)


def test_overlapping_reports_are_flagged_and_period_filters():
    acts = dated(
        ["2025-01-01", "2025-02-01", "2025-09-01"], ["2025-03-31", "2025-04-30", "2025-12-31"]
    )
    res = response_gaps(acts, NEEDS, columns=DATE_COLS)
    assert any("overlapping dates" in r for r in res.report)
    first_half = response_gaps(
        acts, NEEDS, columns=DATE_COLS, reach="sum", period=("2025-01-01", "2025-06-30")
    )
    assert first_half.table["people_reached"].item() == 300  # 100 + 200; the autumn row is out
    assert any("outside the period" in r for r in first_half.report)


def test_unparsable_dates_name_column_and_row():
    with pytest.raises(DataError, match=r"'from'.*row 2.*'soon'"):
        response_gaps(
            dated(["2025-01-01", "soon"], ["2025-02-01", "2025-03-01"]), NEEDS, columns=DATE_COLS
        )


def test_strict_pcodes_is_an_error_and_names_are_added():
    acts = pd.DataFrame(
        {
            "adm1": ["KE023", "KE0O1"],
            "cluster": ["Health"] * 2,
            "partner": ["X", "Y"],
            "reached": [1, 2],
        }
    )
    needs = pd.DataFrame({"area": ["KE023"], "sector": ["Health"], "people_in_need": [10]})
    res = response_gaps(acts, needs, columns=COLS, pcodes=load_pcodes())
    assert res.table.set_index("area").loc["KE023", "area_name"] == "Turkana"
    assert any("KE0O1 (nearest: KE001)" in r for r in res.report)
    with pytest.raises(DataError, match="KE0O1"):
        response_gaps(acts, needs, columns=COLS, pcodes=load_pcodes(), strict_pcodes=True)


def test_cli_period_and_orgs(tmp_path):
    acts = dated(["2025-01-01", "2025-09-01"], ["2025-03-31", "2025-12-31"])
    acts.to_csv(tmp_path / "a.csv", index=False)
    NEEDS.to_csv(tmp_path / "n.csv", index=False)
    pd.DataFrame({"name": ["X"]}).to_csv(tmp_path / "orgs.csv", index=False)
    cols = "area=adm1,sector=cluster,org=partner,reached=reached,start=from,end=to"
    runner = CliRunner()
    res = runner.invoke(
        app,
        [
            "response",
            "gaps",
            str(tmp_path / "a.csv"),
            str(tmp_path / "n.csv"),
            "--columns",
            cols,
            "--period",
            "2025-01-01:2025-06-30",
            "--orgs",
            str(tmp_path / "orgs.csv"),
            "--out",
            str(tmp_path / "g.csv"),
        ],
    )
    assert res.exit_code == 0, res.output
    assert pd.read_csv(tmp_path / "g.csv")["people_reached"].item() == 100
    bad = runner.invoke(
        app,
        [
            "response",
            "gaps",
            str(tmp_path / "a.csv"),
            str(tmp_path / "n.csv"),
            "--columns",
            cols,
            "--period",
            "2025-13-01:",
        ],
    )
    assert bad.exit_code == 2 and "not a date" in bad.output


@pytest.mark.skipif(not (SHARED / "cod_3w_2025_05").exists(), reason="shared data not present")
def test_real_drc_4w_pcodes_checked_by_parent():
    """The DRC 4W's health-zone codes (admin 3) are checked through their territory (admin 2)."""
    frame = pd.read_csv(SHARED / "cod_3w_2025_05" / "cod_3w_extrait_mai_2025.csv.gz")
    check = check_pcodes(frame["Pcode ZS"], load_pcodes())
    assert check.country == "COD"
    assert check.checked_by_parent > 200
    assert len(check.unknown) <= 3  # one territory (CD3106) is newer than the gazetteer


def test_bad_input_raises_humsec_error_for_period():
    from humsec.response.cli import _parse_period

    with pytest.raises(HumsecError, match="START:END"):
        _parse_period("2025-01-01")


def test_area_level_follows_the_needs_and_plus_joined_partners(tmp_path):
    """As in Lebanon's sector 3W (HDX, 2024): admin-1 and admin-2 codes side by side, partners
    joined with '+', a blank admin-2 cell; the needs are by admin 2."""
    text = (
        "Sector,Admin1Code,Admin2Code,partner.name\n"
        "#sector+cluster+name,#adm1+code,#adm2+code,#org+acronym\n"
        "Food Security,LB6,LB63,Nusaned + Mercy corps\n"
        "Food Security,LB6,LB63,Nusaned\n"
        "Food Security,LB6,LB61,ACF\n"
        "Food Security,LB3, ,MECC\n"
        "Food Security,LB6,LB63,Plus+\n"
    )
    (tmp_path / "a.csv").write_text(text, encoding="utf-8")
    needs = pd.DataFrame(
        {"area": ["LB63", "LB61"], "sector": ["Food Security"] * 2, "people_in_need": [100, 50]}
    )
    res = response_gaps(tmp_path / "a.csv", needs)
    got = res.table.set_index("area")["n_orgs"].to_dict()
    assert got == {"LB63": 3, "LB61": 1}
    assert any("without an area" in r for r in res.report)  # the blank admin-2 cell
    orgs = res.activities.explode("orgs")
    assert set(orgs.loc[orgs["area"] == "LB63", "orgs"]) == {"Nusaned", "Mercy corps", "Plus+"}


def test_error_rows_are_the_file_rows_after_duplicates_are_dropped(tmp_path):
    text = "adm1,cluster,partner,reached,from,to\n" + "A,Health,X,10,2025-01-01,2025-02-01\n" * 2
    text += "A,Health,Y,lots,2025-01-01,2025-02-01\nA,Health,Z,5,2025-03-01,2025-02-01\n"
    (tmp_path / "a.csv").write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=r"'reached'.*row 3\b"):
        response_gaps(tmp_path / "a.csv", NEEDS, columns=DATE_COLS)
    (tmp_path / "a.csv").write_text(text.replace("lots", "7"), encoding="utf-8")
    res = response_gaps(tmp_path / "a.csv", NEEDS, columns=DATE_COLS)
    assert any("ending before they start" in r and "(row 4 " in r for r in res.report)
