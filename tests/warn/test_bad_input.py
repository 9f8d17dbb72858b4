"""Bad input: clear errors naming the file, column and rows, or explicit reported handling."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from humsec.core.errors import ColumnNotFoundError, DataError
from humsec.warn.event_panel import events_to_panel
from humsec.warn.events import read_events
from humsec.warn.monthly import read_panel

HEAD = "id,date_start,best,country,adm_1\n"


def test_unparsable_date_names_column_rows_and_values():
    text = HEAD + "1,2018-01-05,3,Mali,Gao\n2,2018-13-45,1,Mali,Gao\n"
    with pytest.raises(DataError, match=r"'date_start'.*row 2.*'2018-13-45'"):
        read_events(io.StringIO(text))


def test_out_of_range_dates():
    text = HEAD + "1,1975-01-05,3,Mali,Gao\n2,2108-01-01,1,Mali,Gao\n"
    with pytest.raises(DataError, match=r"2 date\(s\) outside 1989-01\.\..*rows 1, 2"):
        read_events(io.StringIO(text))


def test_negative_and_missing_fatalities():
    with pytest.raises(DataError, match=r"'best'.*negative at row 2"):
        read_events(io.StringIO(HEAD + "1,2018-01-05,3,Mali,Gao\n2,2018-01-06,-1,Mali,Gao\n"))
    with pytest.raises(DataError, match=r"'best'.*not a number.*row 1"):
        read_events(io.StringIO(HEAD + "1,2018-01-05,,Mali,Gao\n"))


def test_duplicates_policy():
    text = HEAD + "1,2018-01-05,3,Mali,Gao\n1,2018-01-05,3,Mali,Gao\n2,2018-01-06,1,Mali,Gao\n"
    ev = read_events(io.StringIO(text))
    assert len(ev.frame) == 2 and "1 duplicated event(s) dropped (same id): row 2" in ev.report
    with pytest.raises(DataError, match="duplicated event"):
        read_events(io.StringIO(text), duplicates="error")
    assert len(read_events(io.StringIO(text), duplicates="keep").frame) == 3


def test_missing_column_suggests():
    with pytest.raises(ColumnNotFoundError, match="did you mean 'Best'"):
        read_events(io.StringIO("date_start,Best\n2018-01-01,1\n"))


def test_unknown_area_names_listed_with_nearest():
    ev = read_events(io.StringIO(HEAD + "1,2018-01-05,3,Nigerr,\n2,2018-01-05,3,Mali,\n"))
    with pytest.raises(DataError, match=r"'Nigerr' \(nearest: 'Niger'"):
        events_to_panel(ev, units=["Mali", "Niger", "Chad"])


def test_panel_errors():
    with pytest.raises(DataError, match=r"'month'.*row 2.*'2020-1x'"):
        read_panel(io.StringIO("unit,month,fatalities\nA,2020-01,1\nA,2020-1x,2\n"))
    with pytest.raises(DataError, match=r"negative at row 1"):
        read_panel(io.StringIO("unit,month,fatalities\nA,2020-01,-4\n"))
    with pytest.raises(DataError, match=r"repeat a unit and month.*'A' 2020-01"):
        read_panel(io.StringIO("unit,month,fatalities\nA,2020-01,1\nA,2020-01,2\n"))
    with pytest.raises(DataError, match="no unit name in its header"):
        read_panel(io.StringIO(",Mali,\n2024-01-31,3,7\n"))


def test_custom_column_spec():
    frame = pd.DataFrame({"when": ["2020-03-02"], "deaths": [4], "place": ["X"]})
    ev = read_events(
        frame, {"date": "when", "fatalities": "deaths", "country": "place", "event_id": None}
    )
    assert ev.frame[["month", "fatalities", "country"]].values.tolist() == [["2020-03", 4.0, "X"]]


def test_long_panel_with_a_misspelt_month_column_names_it(tmp_path):
    from humsec.core.errors import ColumnNotFoundError
    from humsec.warn.monthly import read_panel

    (tmp_path / "p.csv").write_text("unit,mnth,fatalities\nA,2020-01,3\n")
    with pytest.raises(ColumnNotFoundError, match=r"p\.csv: 'month' \(did you mean 'mnth'\?\)"):
        read_panel(tmp_path / "p.csv")
