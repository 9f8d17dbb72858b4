"""Bad input gives one clear error naming file, column, row and what was expected; variety is read."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from humsec.core.errors import ColumnNotFoundError, DataError, ParameterError
from humsec.hazard import IPCBacktest, read_ipc
from humsec.hazard.outbreaks import read_outbreaks
from humsec.hazard.signals import read_rainfall, read_signal

FLAT_HEADER = (
    "analysis_date,period_type,period_start_month,period_end_month,area_name,adm1_pcode,"
    "estimated_population,phase1_population,phase2_population,phase3_population,"
    "phase4_population,phase5_population\n"
)
GOOD = "Jul 2021,current,Jul 2021,Oct 2021,Turkana,KE023,1000,500,200,200,100,0\n"


def _csv(tmp_path, text, name="ipc.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_not_a_number_names_file_column_row(tmp_path):
    path = _csv(
        tmp_path, FLAT_HEADER + GOOD + GOOD.replace("Jul", "Feb").replace(",200,200", ",2OO,200")
    )
    with pytest.raises(
        DataError, match=r"ipc\.csv, column 'phase2_population', row 2: expected a number"
    ):
        read_ipc(path)


def test_bad_month_names_the_row(tmp_path):
    path = _csv(tmp_path, FLAT_HEADER + GOOD.replace("Jul 2021,current", "July-ish,current"))
    with pytest.raises(DataError, match=r"column 'analysis_date', row 1: expected a month"):
        read_ipc(path)


def test_missing_column_suggests_nearest(tmp_path):
    path = _csv(tmp_path, FLAT_HEADER.replace("phase3_population", "phase_3_population") + GOOD)
    with pytest.raises(
        ColumnNotFoundError, match=r"'phase3_population' \(did you mean 'phase_3_population'"
    ):
        read_ipc(path)


def test_duplicated_rows_are_an_error(tmp_path):
    path = _csv(tmp_path, FLAT_HEADER + GOOD + GOOD)
    with pytest.raises(DataError, match=r"rows 1, 2: expected one row per area, period type"):
        read_ipc(path)


def test_negative_people(tmp_path):
    path = _csv(tmp_path, FLAT_HEADER + GOOD.replace(",100,0", ",-100,0"))
    with pytest.raises(
        DataError, match=r"column 'phase4_population', row 1: expected a number of people >= 0"
    ):
        read_ipc(path)


def test_unknown_period_type(tmp_path):
    path = _csv(tmp_path, FLAT_HEADER + GOOD.replace("current", "forecast"))
    with pytest.raises(DataError, match=r"column 'period_type', row 1: expected one of"):
        read_ipc(path)


def test_period_ending_before_it_starts(tmp_path):
    path = _csv(tmp_path, FLAT_HEADER + GOOD.replace("Jul 2021,Oct 2021", "Jul 2021,Jan 2021"))
    with pytest.raises(DataError, match=r"end before they start for areas \['Turkana'\]"):
        read_ipc(path)


def test_phases_off_the_population_are_kept_and_reported(tmp_path):
    path = _csv(tmp_path, FLAT_HEADER + GOOD.replace(",1000,", ",1500,"))
    t = read_ipc(path)
    assert any("phases sum more than 5% away" in n and "Turkana" in n for n in t.notes)
    assert t.frame["population"].iloc[0] == 1500  # shares use the analysed population


def test_other_encoding_names_and_na_cells(tmp_path):
    header = FLAT_HEADER.replace("area_name", "area").replace("estimated_population", "population")
    row = "Jul 2021,current,Jul 2021,,Murang’a é,KE021,NA,500,200,200,100,\n"
    t = read_ipc(_csv(tmp_path, header + row, encoding="cp1252"))
    r = t.frame.iloc[0]
    assert r["area"] == "Murang’a é"
    assert r["population"] == 1000 and r["end"] == r["start"]  # NA -> phase sum; no end -> start
    assert any("no analysed population" in n for n in t.notes)


def test_semicolon_separated_latin1_tables_read_like_comma_ones(tmp_path):
    # Excel in French, Spanish or Portuguese locales saves "CSV" with semicolons
    header = FLAT_HEADER.replace("area_name", "area").replace("estimated_population", "population")
    row = "Jul 2021,current,Jul 2021,,Murang’a é,KE021,NA,500,200,200,100,\n"
    comma = read_ipc(_csv(tmp_path, header + row, encoding="cp1252")).frame
    semi_text = (header + row).replace(",", ";")
    semi = read_ipc(_csv(tmp_path, semi_text, name="semi.csv", encoding="cp1252")).frame
    pd.testing.assert_frame_equal(comma, semi)
    ob = _csv(tmp_path, "area;start;end\nk::a;2016-05-09;2016-06-01\n", name="ob.csv")
    assert read_outbreaks(ob).frame["area_id"].tolist() == ["k::a"]


def test_hapi_bad_phase_and_error_rows(tmp_path):
    header = (
        "location_code,admin1_code,admin2_code,admin_level,ipc_phase,ipc_type,"
        "population_in_phase,reference_period_start,reference_period_end,error\n"
    )
    rows = "".join(
        f"AFG,AF01,,1,{p},current,{n},2022-03-01,2022-05-31,\n"
        for p, n in [("all", 100), ("1", 50), ("2", 20), ("3", 20), ("4", 10), ("5", 0), ("3+", 30)]
    )
    dropped = "AFG,AF02,,1,all,current,5,2022-03-01,2022-05-31,Duplicate row excluded\n"
    t = read_ipc(_csv(tmp_path, header + rows + dropped))
    assert len(t.frame) == 1 and t.notes[0].startswith("1 HAPI rows with an error dropped")
    bad = rows.replace(",3+,", ",3plus,")
    with pytest.raises(DataError, match=r"column 'ipc_phase', row 7: expected one of"):
        read_ipc(_csv(tmp_path, header + bad))
    dup = rows + rows.splitlines()[0] + "\n"
    with pytest.raises(
        DataError, match=r"rows 1, 8: expected one row per area, ipc_type, period and ipc_phase"
    ):
        read_ipc(_csv(tmp_path, header + dup))


def test_json_bad_analysis_date():
    doc = [
        {
            "title": "A",
            "analysis_date": "Spring",
            "current_period_dates": "Jul 2021 - Jul 2021",
            "areas": [{"id": "1", "name": "X", **{f"phase{k}_population": 1 for k in range(1, 6)}}],
        }
    ]
    with pytest.raises(
        DataError,
        match=r"analysis 'A', analysis_date: expected a month such as 'Jul 2021'; got 'Spring'",
    ):
        read_ipc(io.BytesIO(json.dumps(doc).encode()))


def _api_doc(**area):
    people = {f"phase{k}_population": 20 for k in range(1, 6)}
    one = {"id": "1", "name": "X", "estimated_population": 100, **people, **area}
    return [{"title": "A", "analysis_date": "Jul 2021",
             "current_period_dates": "Jul 2021 - Sep 2021", "areas": [one]}]  # fmt: skip


def test_json_text_where_people_are_expected_names_analysis_area_and_field():
    doc = _api_doc(phase3_population="abc")
    with pytest.raises(
        DataError, match=r"analysis 'A', area 'X', current phase3: expected a number; got 'abc'"
    ):
        read_ipc(io.BytesIO(json.dumps(doc).encode()))
    # numbers written as text are numbers
    t = read_ipc(io.BytesIO(json.dumps(_api_doc(phase3_population="20")).encode()))
    assert t.frame["phase3"].tolist() == [20.0]


def test_json_area_without_a_name_is_an_error():
    with pytest.raises(DataError, match=r"analysis 'A' has 1 area row\(s\) without a 'name'"):
        read_ipc(io.BytesIO(json.dumps(_api_doc(name=None)).encode()))


def test_json_areas_under_groups_repeated_identically_are_read_once():
    doc = _api_doc()
    areas = doc[0].pop("areas")
    doc[0]["groups"] = [{"name": "rural", "areas": areas}, {"name": "urban", "areas": areas}]
    t = read_ipc(io.BytesIO(json.dumps(doc).encode()))
    assert len(t.frame) == 1
    assert any("under 'groups'" in n for n in t.notes)
    assert any("counted once: A (1)" in n for n in t.notes)


def test_backtest_parameters_one_sentence_each():
    with pytest.raises(ParameterError) as info:
        IPCBacktest(test_from="01/2022").fit(pd.DataFrame())
    assert str(info.value) == (
        "The 'test_from' parameter of IPCBacktest must be a month YYYY-MM. Got '01/2022' instead."
    )
    with pytest.raises(ParameterError) as info:
        IPCBacktest(test_from="2022-01", models=("persistence", "oracle")).fit(pd.DataFrame())
    assert str(info.value) == (
        "The 'models' parameter of IPCBacktest must be None or a non-empty tuple of names among "
        "'persistence', 'ipc_projection', 'same_season', 'lagged_logit', 'lagged_logit_cal', "
        "'lagged_logit_signals'. Got ('persistence', 'oracle') instead."
    )


def test_chirps_needs_a_year_and_good_seasons(tmp_path):
    text = "ADM_PCODE,ADM_LEVEL,Season,CHIRPS_mean\nKE008,1,marmay,-52.4\n"
    with pytest.raises(DataError, match=r"carry no year; pass the season's year"):
        read_rainfall(_csv(tmp_path, text))
    with pytest.raises(
        DataError, match=r"column 'Season', row 1: expected two month abbreviations"
    ):
        read_rainfall(_csv(tmp_path, text.replace("marmay", "long rains")), year=2022)
    t = read_rainfall(_csv(tmp_path, text.replace("marmay", "novjan")), year=2022).frame
    assert (t["start"].iloc[0], t["end"].iloc[0]) == (
        pd.Timestamp("2022-11-01"),
        pd.Timestamp("2023-01-31"),
    )


def test_rainfall_not_recognised(tmp_path):
    with pytest.raises(DataError, match=r"not a rainfall table"):
        read_rainfall(_csv(tmp_path, "a,b\n1,2\n"))


def test_signal_table_errors_and_na(tmp_path):
    text = "area,period,value\nKE023,2022-03,1.5\nKE023,2022-04,\nKE023,March,2\n"
    with pytest.raises(DataError, match=r"column 'period', row 2: expected a month YYYY-MM"):
        read_signal(_csv(tmp_path, text), name="ndvi")
    good = read_signal(_csv(tmp_path, text.replace("March", "2022-05")), name="ndvi")
    assert len(good.frame) == 2 and good.notes == ["1 rows with an empty 'value' dropped"]
    with pytest.raises(DataError, match=r"duplicated rows"):
        read_signal(_csv(tmp_path, text.replace("March", "2022-03")), name="ndvi")


def test_outbreak_bad_dates_and_backwards(tmp_path):
    text = "area,start,end,cases\nMandera,2016-05-09,2016-07-24,1743\n"
    with pytest.raises(DataError, match=r"column 'start', row 1: expected a date"):
        read_outbreaks(_csv(tmp_path, text.replace("2016-05-09", "9 May")))
    with pytest.raises(DataError, match=r"1 outbreaks end before they start \(data rows 1\)"):
        read_outbreaks(_csv(tmp_path, text.replace("2016-07-24", "2016-01-01")))
    for empty in ("", "NaN", "NA"):  # found by tests/fuzz: a blank area was a TypeError later on
        with pytest.raises(DataError, match=r"column 'area', row 1: expected an area in every row"):
            read_outbreaks(_csv(tmp_path, text.replace("Mandera", empty)))
    jhu = "location,start_date,end_date\nafr::ken::mandera,5/9/2016,7/24/2016\n"
    with pytest.raises(DataError, match=r"column 'location', row 1: expected a location in every row"):
        read_outbreaks(_csv(tmp_path, jhu.replace("afr::ken::mandera", "NA")))


def test_hapi_projection_belongs_to_the_analysis_before_it(tmp_path):
    """HAPI has no analysis date: a projection Oct-Dec 2020 is the Jul 2020 analysis' (current
    Jul-Sep), not the Oct 2020 analysis' whose current period starts the same month."""
    header = (
        "location_code,admin1_code,admin_level,ipc_phase,ipc_type,population_in_phase,"
        "reference_period_start,reference_period_end\n"
    )
    periods = [
        ("current", "2020-07-01", "2020-09-30"),
        ("current", "2020-10-01", "2020-12-31"),
        ("first projection", "2020-10-01", "2020-12-31"),
        ("first projection", "2021-01-01", "2021-06-30"),
        ("first projection", "2023-01-01", "2023-03-31"),
    ]
    rows = "".join(
        f"ETH,ET01,1,{p},{t},{n},{s},{e}\n"
        for t, s, e in periods
        for p, n in [("all", 100), ("1", 100), ("2", 0), ("3", 0), ("4", 0), ("5", 0)]
    )
    t = read_ipc(_csv(tmp_path, header + rows))
    got = t.frame.sort_values(["ipc_type", "start"])[["ipc_type", "start", "issued"]].astype(str)
    assert got.values.tolist() == [
        ["current", "2020-07", "2020-07"],
        ["current", "2020-10", "2020-10"],
        ["first_projection", "2020-10", "2020-07"],
        ["first_projection", "2021-01", "2020-10"],
        ["first_projection", "2023-01", "2023-01"],  # no analysis before it: its own start
    ]
    assert any(n.startswith("1 projections without a matching current") for n in t.notes)


def test_unknown_pcodes_listed_with_nearest_names(tmp_path):
    from humsec.hazard.pcodes import check_pcodes

    gaz = _csv(tmp_path, "P-Code,Name\nKE023,Turkana\nKE008,Wajir\n", name="gaz.csv")
    t = read_ipc(_csv(tmp_path, FLAT_HEADER + GOOD.replace("Turkana,KE023", "Wajr,KE099"))).frame
    notes = check_pcodes(t, gaz)
    assert notes == [f"1 P-codes not in {gaz}: 'KE099' (Wajr; nearest names: Wajir = KE008) (kept)"]
    with pytest.raises(DataError, match=r"'KE099' \(Wajr; nearest names: Wajir = KE008\)\.$"):
        check_pcodes(t, gaz, strict=True)


def test_polars_frames_are_read_like_pandas():
    pl = pytest.importorskip("polars")
    flat = pd.read_csv(io.StringIO(FLAT_HEADER + GOOD), dtype=str)
    a = read_ipc(flat).frame
    b = read_ipc(pl.from_pandas(flat)).frame
    pd.testing.assert_frame_equal(a, b)
    with pytest.raises(DataError, match=r"Expected a dataframe"):
        read_ipc(42)
