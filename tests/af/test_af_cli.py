"""The `humsec af` command: output layout, formats and bad input (run as a user would)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import humsec
from humsec.cli.main import app
from humsec.datasets import data_path

runner = CliRunner()
SPEC = data_path("syn_cdta_spec.yaml")
MINIMAL_SPEC = """\
dimensions:
  health: [d_nutr, d_cm]
  education: [d_satt, d_educ]
  living_standards: [d_elct, d_sani, d_wtr, d_hsg, d_ckfl, d_asst]
k: [20, 33]
design: {weight: weight, strata: stratum, psu: psu}
time: {round: t, year: year}      # optional: survey round and its (possibly fractional) year
"""


@pytest.fixture(scope="module")
def survey_csv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("data") / "syn_cdta.csv"
    humsec.datasets.load_syn_cdta().to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def spec_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("spec") / "spec.yaml"
    path.write_text(MINIMAL_SPEC)
    return path


def test_af_writes_the_documented_csv(tmp_path, survey_csv, spec_file):
    out = tmp_path / "results.csv"
    res = runner.invoke(
        app, ["af", str(spec_file), str(survey_csv), "--over", "region", "area", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    df = pd.read_csv(
        out, dtype={"group": str, "indicator": str, "change": str}, keep_default_na=False
    )
    for col in [
        "measure",
        "k",
        "indicator",
        "over",
        "group",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "n",
        "time",
        "change",
    ]:
        assert col in df.columns
    assert set(df["measure"]) == {"H", "A", "M0", "hd", "hdk", "actb", "pctb"}
    assert set(df["over"]) == {"national", "region", "area"}
    assert (df.loc[df["over"] == "national", "group"] == "").all()
    assert (df.loc[df["measure"] == "hd", "k"] == "").all()
    assert (df.loc[df["measure"].isin(["H", "A", "M0"]), "indicator"] == "").all()
    levels = df[df["change"] == ""]
    changes = df[df["change"] != ""]
    assert set(levels["time"]) == {"1", "2"}
    assert set(changes["change"]) == {"abs", "rel", "abs_ann", "rel_ann"}
    nat = levels[
        (levels["measure"] == "M0")
        & (levels["k"] == "33")
        & (levels["over"] == "national")
        & (levels["time"] == "1")
    ]
    assert float(nat["estimate"].iloc[0]) == pytest.approx(0.142416226, abs=1e-9)
    assert int(nat["n"].iloc[0]) == 7434
    assert "national" in res.output


def test_level_option_changes_the_intervals(tmp_path, survey_csv, spec_file):
    out95, out90 = tmp_path / "a.csv", tmp_path / "b.csv"
    runner.invoke(app, ["af", str(spec_file), str(survey_csv), "--out", str(out95), "-q"])
    runner.invoke(
        app, ["af", str(spec_file), str(survey_csv), "--out", str(out90), "--level", "0.9", "-q"]
    )
    a, b = pd.read_csv(out95), pd.read_csv(out90)
    assert ((b["ci_high"] - b["ci_low"]) < (a["ci_high"] - a["ci_low"])).all()
    assert (a["estimate"] == b["estimate"]).all()


def test_excel_and_html_outputs(tmp_path, survey_csv, spec_file):
    xlsx, html = tmp_path / "r.xlsx", tmp_path / "r.html"
    res = runner.invoke(
        app,
        [
            "af",
            str(spec_file),
            str(survey_csv),
            "--over",
            "area",
            "--out",
            str(xlsx),
            "--html",
            str(html),
            "-q",
        ],
    )
    assert res.exit_code == 0, res.output
    sheets = pd.read_excel(xlsx, sheet_name=None)
    assert {"levels", "changes", "shares", "provenance"} <= set(sheets)
    text = html.read_text()
    assert text.count("<svg") >= 3 and "http://" not in text.split("<svg")[0]


@pytest.mark.parametrize(
    ("spec_text", "expected"),
    [
        (
            MINIMAL_SPEC.replace("k: [20, 33]", "k: [20, 150]"),
            "must be in (0, 100] (percent). Got 150 instead",
        ),
        (MINIMAL_SPEC.replace("d_cm]", "d_cmm]"), "'d_cmm' (did you mean 'd_cm'?)"),
        (
            MINIMAL_SPEC.replace("education: [d_satt, d_educ]", "education: []"),
            "dimensions.education: a dimension needs at least one indicator",
        ),
    ],
)
def test_bad_spec_gives_a_clear_error_and_writes_nothing(tmp_path, survey_csv, spec_text, expected):
    spec = tmp_path / "bad.yaml"
    spec.write_text(spec_text)
    out = tmp_path / "results.csv"
    res = runner.invoke(app, ["af", str(spec), str(survey_csv), "--out", str(out)])
    assert res.exit_code == 2
    assert expected in " ".join(res.output.split())
    assert not out.exists()


def test_bad_data_names_file_column_and_rows(tmp_path, spec_file):
    df = humsec.datasets.load_syn_cdta()
    df.loc[[4, 9], "d_cm"] = 2
    df.loc[7, "weight"] = -1
    path = tmp_path / "bad.csv"
    df.to_csv(path, index=False)
    res = runner.invoke(app, ["af", str(spec_file), str(path), "--out", str(tmp_path / "o.csv")])
    assert res.exit_code == 2
    msg = " ".join(res.output.split())
    assert "'d_cm'" in msg and "bad.csv" in msg and "rows 5, 10" in msg
    assert not (tmp_path / "o.csv").exists()


def test_unknown_over_column_suggests_nearest(tmp_path, survey_csv, spec_file):
    res = runner.invoke(app, ["af", str(spec_file), str(survey_csv), "--over", "regoin"])
    assert res.exit_code == 2
    assert "did you mean 'region'" in res.output


def test_console_script_runs(tmp_path, survey_csv):
    exe = Path(sys.executable).with_name("humsec")
    res = subprocess.run(
        [str(exe), "af", str(SPEC), str(survey_csv), "--out", str(tmp_path / "o.csv"), "-q"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "o.csv").stat().st_size > 1000
