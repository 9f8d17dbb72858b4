"""``humsec voice feedback`` with the NLRC coding framework: themes, closing, sensitive items never
listed, small cells suppressed; bad lines named."""

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from humsec.cli.main import app
from humsec.core.errors import DataError
from humsec.voice.feedback import SENSITIVE_THEME, read_coding_framework, summarise_feedback

FRAMEWORK = (
    Path(__file__).parents[3]
    / "shared"
    / "data"
    / "feedback_coding_framework_nlrc"
    / "coding_framework.json"
)


@pytest.fixture(scope="module")
def framework() -> pd.DataFrame:
    if not FRAMEWORK.exists():
        pytest.skip("../shared/data/feedback_coding_framework_nlrc is absent")
    return read_coding_framework(FRAMEWORK)


def test_framework_has_the_documented_size(framework: pd.DataFrame) -> None:
    # SOURCE.md: 5 types, 52 categories, 154 codes
    assert len(framework) == 154 and framework["type"].nunique() == 5
    assert framework["category"].nunique() == 52
    assert framework["sensitive"].sum() == 4


def _log(framework: pd.DataFrame) -> pd.DataFrame:
    thanks = framework.loc[framework["code"] == "Statement of thanks", "code_id"].iloc[0]
    sea = framework.loc[
        framework["code"] == "Statement about sexual exploitation or abuse", "code_id"
    ].iloc[0]
    rows = [(thanks, "north", "2024-01-05", "closed", "2024-01-08")] * 6
    rows += [(thanks, "south", "2024-02-01", "open", "")] * 2
    rows += [(sea, "north", "2024-01-10", "closed", "2024-01-11")] * 5
    return pd.DataFrame(rows, columns=["code", "area", "date", "status", "date_closed"])


def test_themes_closing_and_suppression(framework: pd.DataFrame) -> None:
    t = summarise_feedback(_log(framework), framework, over=["area"], period="M", min_n=3)
    nat = t[t["over"] == "national"].set_index("theme")
    assert nat.loc["Statement of thanks", "n"] == 8
    assert nat.loc["Statement of thanks", "share"] == pytest.approx(8 / 13)
    assert nat.loc["Statement of thanks", "share_closed"] == pytest.approx(6 / 8)
    assert nat.loc["Statement of thanks", "median_days_to_close"] == 3.0
    assert nat.loc[SENSITIVE_THEME, "n"] == 5 and nat.loc[SENSITIVE_THEME, "type"] == ""
    # no sensitive code, category or type name appears anywhere in the output
    text = t.to_csv()
    assert "exploitation" not in text and "Sensitive or violent" not in text
    south = t[(t["over"] == "area") & (t["group"] == "south")].iloc[0]
    assert south["sdc_status"] == "suppressed" and pd.isna(south["n"])
    assert set(t.loc[t["over"] == "period", "group"]) == {"2024-01", "2024-02"}


def test_unknown_code_and_bad_date_name_rows(framework: pd.DataFrame) -> None:
    log = _log(framework)
    log.loc[3, "code"] = "no-such-code"
    with pytest.raises(DataError, match=r"column 'code'.*'no-such-code' at row 4"):
        summarise_feedback(log, framework)
    log = _log(framework)
    log.loc[1, "date_closed"] = "2023-12-01"
    with pytest.raises(DataError, match=r"'date_closed': before the date received at row 2"):
        summarise_feedback(log, framework)


def test_cli(framework: pd.DataFrame, tmp_path: Path) -> None:
    _log(framework).to_csv(tmp_path / "log.csv", index=False)
    out = tmp_path / "s.csv"
    res = CliRunner().invoke(
        app,
        [
            *("voice", "feedback", str(tmp_path / "log.csv"), "--codes", str(FRAMEWORK)),
            *("--over", "area", "--out", str(out)),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "5 sensitive item(s)" in res.output and len(pd.read_csv(out)) == 5
