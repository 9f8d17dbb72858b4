"""The alerts CSV (``humsec warn triggers --alerts``) read back as the platform reads it: the same
table again, and every kind of damage refused naming the column and the row."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from humsec.core.errors import DataError
from humsec.datasets import data_path
from humsec.hazard import read_ipc
from humsec.hazard.alerts import ALERT_COLUMNS, alerts_for_csv, current_alerts, read_alerts
from humsec.hazard.triggers import TriggerRules

RULE = TriggerRules.from_dict(
    {"name": "projected_25", "when": [{"indicator": "projected_p3plus_share", "op": ">=", "value": 0.25}]}
)


@pytest.fixture(scope="module")
def kenya() -> pd.DataFrame:
    """The bundled Kenya ASAL county analyses (IPC), as the demo platform's outlook uses them."""
    return current_alerts(RULE, read_ipc(data_path("ken_ipc_county.csv.gz")))


def _csv(alerts: pd.DataFrame) -> bytes:
    return alerts_for_csv(alerts).to_csv(index=False).encode("utf-8")


def test_the_written_alerts_read_back_the_same(kenya: pd.DataFrame) -> None:
    back = read_alerts(_csv(kenya), "alerts.csv")
    assert list(back.columns) == ALERT_COLUMNS
    assert back.drop(columns="values").equals(kenya.drop(columns="values").astype({"since": object}))
    # alerts_for_csv keeps 4 significant digits of each indicator value
    for got, want in zip(back["values"], kenya["values"], strict=True):
        assert got.keys() == want.keys()
        assert all(math.isclose(got[k], want[k], rel_tol=5e-4) for k in want)
    # the 2022-05 state of the 23 ASAL counties: 8 fired (hand count of the bundled file's
    # first projections of Feb 2022 at 25 % or more in Phase 3+)
    assert (back["status"] == "fired").sum() == 8 and len(back) == 23


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("status", "alert", r"column 'status': expected fired, not fired or no data; found 'alert' at row 3"),
        ("as_of", "May 2022", r"column 'as_of': expected a month, YYYY-MM; found 'May 2022' at row 3"),
        ("since", "", r"column 'since': expected the month a fired rule began firing"),
        ("area", "", r"column 'area': expected a value in every row; found '' at row 3"),
        ("values", "p3=high", r"column 'values': expected indicator=number pairs.*'p3=high' at row 3"),
    ],
)
def test_a_damaged_cell_is_named(kenya: pd.DataFrame, column: str, value: str, message: str) -> None:
    table = alerts_for_csv(kenya)
    table.loc[2, column] = value
    with pytest.raises(DataError, match=message):
        read_alerts(table.to_csv(index=False).encode(), "alerts.csv")


def test_a_since_month_on_a_quiet_area_is_refused(kenya: pd.DataFrame) -> None:
    table = alerts_for_csv(kenya)
    quiet = int(table.index[table["status"] == "not fired"][0])
    table.loc[quiet, "since"] = "2021-01"
    with pytest.raises(DataError, match=rf"'since': expected empty where the rule has not fired.*row {quiet + 1}"):
        read_alerts(table.to_csv(index=False).encode(), "alerts.csv")


def test_missing_columns_empty_and_header_only_files_are_refused(kenya: pd.DataFrame) -> None:
    with pytest.raises(DataError, match=r"alerts.csv is empty"):
        read_alerts(b"  \n", "alerts.csv")
    with pytest.raises(DataError, match=r"'status'"):
        read_alerts(alerts_for_csv(kenya).drop(columns="status").to_csv(index=False).encode(), "alerts.csv")
    header = ",".join(ALERT_COLUMNS).encode() + b"\n"
    with pytest.raises(DataError, match=r"a header and no rows"):
        read_alerts(header, "alerts.csv")


def test_a_latin1_file_from_excel_is_read(kenya: pd.DataFrame) -> None:
    table = alerts_for_csv(kenya)
    table.loc[0, "area"] = "Tharaka-Nithi Région"
    back = read_alerts(table.to_csv(index=False).encode("cp1252"), "alerts.csv")
    assert back.loc[0, "area"] == "Tharaka-Nithi Région"


@settings(max_examples=50, deadline=None)
@given(
    st.dictionaries(
        st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12),
        st.floats(-1e6, 1e6, allow_nan=False) | st.just(math.nan),
        min_size=1,
        max_size=4,
    )
)
def test_values_survive_the_round_trip(values: dict[str, float]) -> None:
    row = {"country": "KE", "area_id": "KE023", "area": "Turkana", "rule": "r", "status": "not fired",
           "since": None, "values": values, "as_of": "2022-05"}  # fmt: skip
    back = read_alerts(_csv(pd.DataFrame([row], columns=ALERT_COLUMNS)), "a.csv").loc[0, "values"]
    assert back.keys() == values.keys()
    for k, v in values.items():
        assert (math.isnan(v) and math.isnan(back[k])) or math.isclose(back[k], v, rel_tol=5e-4, abs_tol=1e-300)
