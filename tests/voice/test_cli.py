"""``humsec voice tabulate``: writes the table; bad input exits 2 with one clear line."""

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from humsec.cli.main import app

GOLDEN = Path(__file__).parents[1] / "golden" / "voice_msna"


def _form(tmp_path: Path) -> Path:
    pd.DataFrame(
        {"type": ["select_one yn"], "name": ["trust"], "label::English (en)": ["Trust?"]}
    ).to_csv(tmp_path / "f_survey.csv", index=False)
    pd.DataFrame(
        {"list_name": ["yn", "yn"], "name": ["yes", "no"], "label::English (en)": ["Yes", "No"]}
    ).to_csv(tmp_path / "f_choices.csv", index=False)
    return tmp_path / "f_survey.csv"


def test_tabulate_writes_shares(tmp_path: Path) -> None:
    data = pd.DataFrame({"trust": ["yes"] * 30 + ["no"] * 20, "area": ["a"] * 25 + ["b"] * 25})
    data.to_csv(tmp_path / "d.csv", index=False)
    out = tmp_path / "t.csv"
    res = CliRunner().invoke(
        app,
        [
            "voice",
            "tabulate",
            str(_form(tmp_path)),
            str(tmp_path / "d.csv"),
            "--over",
            "area",
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out, keep_default_na=False)
    national = table[(table["over"] == "national") & (table["option"] == "yes")].iloc[0]
    assert (
        float(national["estimate"]) == 0.6
        and float(national["n"]) == 50
        and national["option_label"] == "Yes"
    )


def test_tabulate_bad_weight_column(tmp_path: Path) -> None:
    pd.DataFrame({"trust": ["yes", "no"]}).to_csv(tmp_path / "d.csv", index=False)
    res = CliRunner().invoke(
        app,
        [
            "voice",
            "tabulate",
            str(_form(tmp_path)),
            str(tmp_path / "d.csv"),
            "--weight",
            "wgt",
            "--out",
            str(tmp_path / "t.csv"),
        ],
    )
    assert res.exit_code == 2 and "'wgt'" in res.output and not (tmp_path / "t.csv").exists()


def test_small_option_of_a_select_one_is_protected_by_a_second_suppression(tmp_path: Path) -> None:
    # 'no' is chosen by 1 of 60: its CV is above 0.333, and 'yes' would give it away as 1 - share(yes)
    pd.DataFrame({"trust": ["yes"] * 59 + ["no"]}).to_csv(tmp_path / "d.csv", index=False)
    out = tmp_path / "t.xlsx"
    res = CliRunner().invoke(
        app, ["voice", "tabulate", str(_form(tmp_path)), str(tmp_path / "d.csv"), "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    table = pd.read_excel(out, sheet_name="shares").set_index("option")
    assert (
        table.loc["no", "sdc_status"] == "suppressed"
        and table.loc["yes", "sdc_status"] == "secondary"
    )
    assert table["estimate"].isna().all()
    assert "note" in pd.read_excel(out, sheet_name="notes").columns


def test_indicators_command_writes_estimates_and_reliability(tmp_path: Path) -> None:
    spec = tmp_path / "ind.yaml"
    spec.write_text(
        "indicators:\n  trusts: {question: trust, positive: [yes]}\n"
        "  distrusts: {question: trust, positive: [no], direction: higher_is_worse}\n"
        "indices:\n  trust_index: {indicators: [trusts, distrusts]}\n",
        encoding="utf-8",
    )
    pd.DataFrame({"trust": ["yes", "no", "yes", "yes"]}).to_csv(tmp_path / "d.csv", index=False)
    out = tmp_path / "i.csv"
    res = CliRunner().invoke(
        app,
        [
            "voice",
            "indicators",
            str(_form(tmp_path)),
            str(tmp_path / "d.csv"),
            "--spec",
            str(spec),
            "--out",
            str(out),
            "--no-disclosure",
        ],
    )
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out).set_index("name")
    assert table.loc["trusts", "estimate"] == 0.75  # 'yes' read as the option name, not YAML's True
    assert table.loc["trust_index", "estimate"] == 0.75  # (trusts + (1 - distrusts)) / 2
    assert pd.read_csv(tmp_path / "i_reliability.csv")["alpha"].iloc[0] == pytest.approx(1.0)


def test_indicators_bad_spec_names_the_field(tmp_path: Path) -> None:
    spec = tmp_path / "ind.yaml"
    spec.write_text(
        "indicators:\n  trusts: {question: trust, positive: [maybe]}\n", encoding="utf-8"
    )
    pd.DataFrame({"trust": ["yes", "no"]}).to_csv(tmp_path / "d.csv", index=False)
    res = CliRunner().invoke(
        app,
        [
            "voice",
            "indicators",
            str(_form(tmp_path)),
            str(tmp_path / "d.csv"),
            "--spec",
            str(spec),
            "--out",
            str(tmp_path / "i.csv"),
        ],
    )
    assert res.exit_code == 2 and "indicators.trusts" in res.output and "maybe" in res.output


def test_indicators_small_cells_are_suppressed(tmp_path: Path) -> None:
    spec = tmp_path / "ind.yaml"
    spec.write_text("indicators:\n  trusts: {question: trust, positive: [yes]}\n", encoding="utf-8")
    data = pd.DataFrame({"trust": ["yes", "no"] * 20, "area": ["a"] * 36 + ["b"] * 4})
    data.to_csv(tmp_path / "d.csv", index=False)
    out = tmp_path / "i.csv"
    args = [
        "voice",
        "indicators",
        str(_form(tmp_path)),
        str(tmp_path / "d.csv"),
        "--spec",
        str(spec),
    ]
    res = CliRunner().invoke(app, [*args, "--over", "area", "--out", str(out)])
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out, keep_default_na=False).set_index("group")
    assert table.loc["b", "sdc_status"] == "suppressed" and table.loc["b", "estimate"] == ""
    assert float(table.loc["", "estimate"]) == 0.5  # national: 40 people
    assert "disclosure control: 1 of 3 cells suppressed" in res.output


def test_tabulate_numeric_with_a_sampling_frame(tmp_path: Path) -> None:
    pd.DataFrame({"type": ["integer"], "name": ["age"]}).to_csv(tmp_path / "s.csv", index=False)
    pd.DataFrame({"list_name": ["x"], "name": ["x"]}).to_csv(tmp_path / "c.csv", index=False)
    data = pd.DataFrame({"age": [str(20 + i) for i in range(60)], "stratum": ["A", "B"] * 30})
    data.to_csv(tmp_path / "d.csv", index=False)
    pd.DataFrame({"stratum": ["A", "B"], "pop": [100, 300]}).to_csv(tmp_path / "f.csv", index=False)
    out = tmp_path / "t.csv"
    base = ["voice", "tabulate", str(tmp_path / "s.csv"), str(tmp_path / "d.csv")]
    opts = ["--choices", str(tmp_path / "c.csv"), "--strata", "stratum", "--numeric"]
    res = CliRunner().invoke(
        app, [*base, *opts, "--frame", str(tmp_path / "f.csv"), "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out).set_index("option")
    # A ages 20, 22, ..., 78 (mean 49) weight 100/30; B 21, ..., 79 (mean 50) weight 300/30
    assert table.loc["mean", "estimate"] == pytest.approx((49 * 100 + 50 * 300) / 400)
    assert "weights from the sampling frame f.csv" in res.output
    bad = pd.DataFrame({"stratum": ["A"], "pop": [100]})
    bad.to_csv(tmp_path / "f.csv", index=False)
    res = CliRunner().invoke(
        app, [*base, *opts, "--frame", str(tmp_path / "f.csv"), "--out", str(out)]
    )
    assert res.exit_code == 2 and "not in the sampling frame f.csv: B" in res.output
