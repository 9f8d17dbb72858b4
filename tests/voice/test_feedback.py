"""``humsec voice feedback`` with the NLRC coding framework: themes, closing, sensitive items never
listed, small cells suppressed; bad lines named."""

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
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
    t = summarise_feedback(_log(framework), framework, min_n=3)
    nat = t[t["over"] == "national"].set_index("theme")
    assert nat.loc["Statement of thanks", "n"] == 8
    assert nat.loc["Statement of thanks", "share"] == pytest.approx(8 / 13)
    assert nat.loc["Statement of thanks", "share_closed"] == pytest.approx(6 / 8)
    assert nat.loc["Statement of thanks", "median_days_to_close"] == 3.0
    assert nat.loc[SENSITIVE_THEME, "n"] == 5 and nat.loc[SENSITIVE_THEME, "type"] == ""
    # no sensitive code, category or type name appears anywhere in the output
    text = t.to_csv()
    assert "exploitation" not in text and "Sensitive or violent" not in text
    # by area and month: south (= February) is 2 thanks, and 13 items less north's 11 would say so;
    # every count is blanked in cascade (north's, whose subtraction gives south's, then the national
    # ones, whose subtraction gives north's); only the 13 in all stays
    t = summarise_feedback(_log(framework), framework, over=["area"], period="M", min_n=3)
    south = t[(t["over"] == "area") & (t["group"] == "south")].iloc[0]
    assert south["sdc_status"] == "suppressed" and pd.isna(south["n"]) and pd.isna(south["n_total"])
    assert t["n"].isna().all() and set(t["sdc_status"]) == {"suppressed", "secondary"}
    assert t.loc[t["over"] == "national", "n_total"].eq(13).all()
    assert t.loc[t["over"] != "national", "n_total"].isna().all()
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

    with pytest.raises(DataError, match=r"no feedback items"):
        summarise_feedback(_log(framework).iloc[:0], framework)


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


SMALL_FRAMEWORK = pd.DataFrame(
    {
        "code_id": ["a", "b", "c", "s"],
        "type": ["Question", "Question", "Complaint", "Sensitive"],
        "category": ["Aid", "Timing", "Quality", "Abuse"],
        "code": ["aid", "timing", "quality", "abuse"],
        "sensitive": [False, False, False, True],
    }
)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c", "s"]), st.sampled_from(["north", "south", "east"])
        ),
        min_size=1,
        max_size=40,
    ),
    st.integers(min_value=2, max_value=6),
)
def test_no_blanked_count_comes_back_by_subtraction(
    items: list[tuple[str, str]], min_n: int
) -> None:
    log = pd.DataFrame(items, columns=["code", "area"]).assign(date="2024-01-01")
    t = summarise_feedback(log, SMALL_FRAMEWORK, over=["area"], min_n=min_n)
    theme = log["code"].map(
        dict(zip(SMALL_FRAMEWORK["code_id"], SMALL_FRAMEWORK["category"], strict=True))
    )
    theme = theme.where(log["code"] != "s", SENSITIVE_THEME)
    for (over, group), cells in t.groupby(["over", "group"]):
        members = log if over == "national" else log[log["area"] == group]
        truth = theme[members.index].value_counts()  # the hand count of the group
        shown = cells[cells["sdc_status"] == "ok"]
        hidden = cells[cells["sdc_status"].isin(["suppressed", "secondary"])]
        primary = cells.loc[cells["sdc_status"] == "suppressed", "theme"]
        assert set(primary) == {th for th in cells["theme"] if truth[th] < min_n}
        for _, row in shown.iterrows():  # cells shown are the true counts, never small
            assert row["n"] == truth[row["theme"]] >= min_n
        assert hidden["n"].isna().all()
        hidden_sum = int(truth[hidden["theme"]].sum())
        # a total less the cells shown gives back the blanked ones only together, and at least min_n
        if len(hidden) and len(hidden) < len(cells):
            assert hidden_sum >= min_n and len(hidden) >= 2
        if len(hidden) == len(cells) and hidden_sum < min_n:
            assert cells["n_total"].isna().all()
        if not cells["n_total"].isna().all():
            assert (cells["n_total"] == len(members)).all()
    # across areas: a theme's area counts add up to its national count, so the same holds there
    blanked = t["sdc_status"] != "ok"
    for th in t["theme"].unique():
        cross = t[(t["theme"] == th)]
        sizes = [
            int(((theme == th) & ((log["area"] == r.group) | (r.over == "national"))).sum())
            for r in cross.itertuples()
        ]
        hidden_sizes = [size for size, b in zip(sizes, blanked[cross.index], strict=True) if b]
        assert (
            not hidden_sizes
            or (sum(hidden_sizes) >= min_n and len(hidden_sizes) >= 2)
            or len(hidden_sizes) == len(cross)
        )
    # the areas' totals add up to the national one: a blanked total is not given back either
    areas = t[t["over"] == "area"].drop_duplicates("group")
    hidden_totals = [
        int((log["area"] == g).sum()) for g in areas.loc[areas["n_total"].isna(), "group"]
    ]
    assert (
        not hidden_totals
        or (sum(hidden_totals) >= min_n and len(hidden_totals) >= 2)
        or len(hidden_totals) == len(areas)
    )


def test_one_small_theme_is_not_given_back_by_the_total() -> None:
    # by hand: north 7 aid, 5 timing, 2 abuse (sensitive); south and east 3 quality each. The 2 is
    # blanked, and timing (the next smallest) with it, else 14 - 7 - 5 = 2 (in north and nationally);
    # south's and east's 3 stay under 5, so their totals go too (together 6: 20 - 14 gives only that)
    rows = [("a", "north")] * 7 + [("b", "north")] * 5 + [("s", "north")] * 2
    rows += [("c", "south")] * 3 + [("c", "east")] * 3
    log = pd.DataFrame(rows, columns=["code", "area"]).assign(date="2024-01-01")
    t = summarise_feedback(log, SMALL_FRAMEWORK, over=["area"], min_n=5)
    north = t[t["group"] == "north"].set_index("theme")
    assert north.loc["Aid", "n"] == 7 and north.loc["Aid", "n_total"] == 14
    assert north.loc[SENSITIVE_THEME, "sdc_status"] == "suppressed"
    assert north.loc["Timing", "sdc_status"] == "secondary" and pd.isna(north.loc["Timing", "n"])
    national = t[t["over"] == "national"].set_index("theme")
    assert national.loc["Quality", "n"] == 6 and national.loc["Aid", "n"] == 7
    assert national.loc["Timing", "sdc_status"] == "secondary"
    for area in ("south", "east"):
        row = t[t["group"] == area].iloc[0]
        assert row["sdc_status"] == "suppressed" and pd.isna(row["n_total"])


def test_a_blanked_cell_is_not_given_back_through_the_other_areas() -> None:
    # by hand: north 6 aid + 6 timing, south 2 aid + 6 timing. South's 2 aid is blanked, its 6 timing
    # with it (a group's total is shown); then national aid 8 - north aid 6 would give the 2 back, so
    # north aid is blanked, and north timing with it (else 12 - 6 = 6, then 8 - 6 = 2)
    rows = [("a", "north")] * 6 + [("b", "north")] * 6 + [("a", "south")] * 2 + [("b", "south")] * 6
    log = pd.DataFrame(rows, columns=["code", "area"]).assign(date="2024-01-01")
    t = summarise_feedback(log, SMALL_FRAMEWORK, over=["area"], min_n=5)
    status = t.set_index(["over", "group", "theme"])["sdc_status"].to_dict()
    assert status == {
        ("national", "", "Aid"): "ok",
        ("national", "", "Timing"): "ok",
        ("area", "north", "Aid"): "secondary",
        ("area", "north", "Timing"): "secondary",
        ("area", "south", "Aid"): "suppressed",
        ("area", "south", "Timing"): "secondary",
    }
