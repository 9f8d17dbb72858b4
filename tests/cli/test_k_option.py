"""One ``--k`` grammar in every command: af, robustness, response joint and response needs.

Each form a user types (``--k 33``, ``--k 20,33``, ``--k 20 --k 33``, ``--k 20:50:5`` and
``--k 20 25 33 40``) reaches the command as the same cutoffs; a bad value is an exit-2 error naming
the value and the accepted forms, never a traceback or "Column(s) not found: '25'".
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer.main
import yaml
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

import humsec
from humsec.cli.main import app
from humsec.core.cli import K_FORMS, K_HELP, KCommand, parse_k, spread_k
from humsec.datasets import data_path

runner = CliRunner()
SPEC = str(data_path("syn_cdta_spec.yaml"))

# each form as typed after the command's other arguments, and the cutoffs it means
MULTI_FORMS = [
    (["--k", "33"], [33.0]),
    (["--k", "20,33"], [20.0, 33.0]),
    (["--k", "20", "--k", "33"], [20.0, 33.0]),
    (["--k", "20:50:10"], [20.0, 30.0, 40.0, 50.0]),
    (["--k", "20", "25", "33", "40"], [20.0, 25.0, 33.0, 40.0]),
    (["--k=20", "25"], [20.0, 25.0]),
]
BAD_VALUES = [
    ("20:40:0", "step of start:stop:step must be positive"),
    ("20:40:-5", "step of start:stop:step must be positive"),
    ("40:20:5", "start must not exceed the stop"),
    ("150", "150 is not in (0, 100]"),
    ("0", "0 is not in (0, 100]"),
    ("abc", "'abc' is not a number"),
    ("20:40", "a range is start:stop:step"),
    ("20:50:0.0001", "gives 300001 values; at most 1000"),
]


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def survey_csv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("k") / "syn_cdta.csv"
    humsec.datasets.load_syn_cdta().to_csv(path, index=False)
    return path


# --- the parser --------------------------------------------------------------------------------


def test_parse_k_forms():
    assert parse_k(["33"]) == [33.0]
    assert parse_k(["20,33", "40"]) == [20.0, 33.0, 40.0]
    assert parse_k(["20:50:5"]) == [20.0, 25.0, 30.0, 35.0, 40.0, 45.0, 50.0]
    assert parse_k(["20:50:7"]) == [20.0, 27.0, 34.0, 41.0, 48.0]  # stop included only if hit
    assert parse_k(["20:50:0.1"])[-1] == 50.0 and len(parse_k(["20:50:0.1"])) == 301
    assert parse_k(["33:33:1"]) == [33.0]
    assert parse_k(["33", "20,33"]) == [33.0, 20.0]  # repeats dropped, first order kept
    assert parse_k([]) == []


@pytest.mark.parametrize(("value", "reason"), BAD_VALUES)
def test_parse_k_errors_name_the_value_and_the_forms(value, reason):
    with pytest.raises(humsec.HumsecError) as info:
        parse_k([value])
    assert f"--k {value!r}" in str(info.value) and reason in str(info.value)
    assert K_FORMS in str(info.value)


def test_spread_k_takes_only_number_like_tokens():
    assert spread_k(["--k", "20", "25", "x.yaml"]) == ["--k", "20", "--k", "25", "x.yaml"]
    # a file or column name that starts with a digit is not a k
    assert spread_k(["--k", "33", "2019_survey.dta"]) == ["--k", "33", "2019_survey.dta"]
    assert spread_k(["--over", "20", "--k", "33"]) == ["--over", "20", "--k", "33"]
    assert spread_k(["--k", "20", "--", "25"]) == ["--k", "20", "--", "25"]


@given(st.lists(st.integers(1, 100), min_size=1, max_size=6))
def test_every_form_of_the_same_values_means_the_same(values):
    as_text = [str(v) for v in values]
    expected = [float(v) for v in dict.fromkeys(values)]
    assert parse_k([",".join(as_text)]) == expected
    assert parse_k(as_text) == expected
    spread = spread_k(["--k", *as_text])
    assert spread[::2] == ["--k"] * len(values) and parse_k(spread[1::2]) == expected


@given(st.integers(1, 100), st.integers(0, 99), st.integers(1, 50))
def test_a_range_is_inclusive_and_evenly_spaced(start, width, step):
    stop = min(start + width, 100)
    ks = parse_k([f"{start}:{stop}:{step}"])
    assert ks[0] == start and ks[-1] <= stop < ks[-1] + step
    assert np.allclose(np.diff(ks), step)


# --- af ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("form", "expected"), MULTI_FORMS)
def test_af_takes_every_form(tmp_path, survey_csv, form, expected):
    out = tmp_path / "af.csv"
    res = runner.invoke(
        app, ["af", SPEC, str(survey_csv), "--over", "area", *form, "--out", str(out), "-q"]
    )
    assert res.exit_code == 0, res.output
    ks = pd.read_csv(out, dtype={"k": str}, keep_default_na=False)["k"]
    assert sorted(float(k) for k in set(ks) - {""}) == sorted(expected)


def test_af_k_values_and_grouping_columns_mix(tmp_path, survey_csv):
    # the user's line from issue 21: columns after --over, several k after one --k
    out = tmp_path / "af.csv"
    res = runner.invoke(
        app,
        ["af", SPEC, str(survey_csv), "--over", "region", "--k", "20", "25", "33", "40", "area",
         "--out", str(out), "-q"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out, dtype={"k": str}, keep_default_na=False)
    assert set(table["k"]) - {""} == {"20", "25", "33", "40"}
    assert set(table["over"]) == {"national", "region", "area"}


@pytest.mark.parametrize(("value", "reason"), BAD_VALUES)
def test_af_bad_k_is_a_clear_error(tmp_path, survey_csv, value, reason):
    out = tmp_path / "af.csv"
    res = runner.invoke(app, ["af", SPEC, str(survey_csv), "--k", value, "--out", str(out)])
    assert res.exit_code == 2, res.output
    assert f"--k {value!r}" in _flat(res.output) and reason in _flat(res.output)
    assert "Accepted forms" in res.output and not out.exists()


# --- robustness ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("form", "expected"), MULTI_FORMS)
def test_robustness_takes_every_form(tmp_path, survey_csv, form, expected):
    out = tmp_path / "r.csv"
    res = runner.invoke(
        app, ["robustness", SPEC, str(survey_csv), "--over", "area", *form, "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert sorted(set(pd.read_csv(out)["k"])) == sorted(expected)
    assert (tmp_path / "r_pairs.csv").exists()


def test_robustness_default_k(tmp_path, survey_csv):
    out = tmp_path / "r.csv"
    res = runner.invoke(
        app, ["robustness", SPEC, str(survey_csv), "--over", "area", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert sorted(set(pd.read_csv(out)["k"])) == [20, 25, 30, 35, 40, 45, 50]


@pytest.mark.parametrize(("value", "reason"), BAD_VALUES)
def test_robustness_bad_k_is_a_clear_error(tmp_path, survey_csv, value, reason):
    out = tmp_path / "r.csv"
    res = runner.invoke(
        app,
        ["robustness", SPEC, str(survey_csv), "--over", "area", "--k", value, "--out", str(out)],
    )
    assert res.exit_code == 2, res.output
    assert f"--k {value!r}" in _flat(res.output) and reason in _flat(res.output)
    assert "Accepted forms" in res.output and not out.exists()


def test_robustness_bad_out_suffix_writes_nothing(tmp_path, survey_csv):
    out = tmp_path / "r.txt"
    res = runner.invoke(
        app, ["robustness", SPEC, str(survey_csv), "--over", "area", "--k", "33", "--out", str(out)]
    )
    assert res.exit_code == 2 and "expected '.csv' or '.xlsx'" in res.output
    assert not out.exists()


# --- response needs and response joint (one k each) ---------------------------------------------

ONE_K_FORMS = [["--k", "33"], ["--k=33"], ["--k", "33:33:5"], ["--k", "33,33"]]
TOO_MANY_FORMS = [
    ["--k", "20,33"],
    ["--k", "20", "--k", "33"],
    ["--k", "20:33:13"],
    ["--k", "20", "33"],
]


@pytest.fixture(scope="module")
def needs_inputs(tmp_path_factory, survey_csv) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("needs")
    results = folder / "af.csv"
    res = runner.invoke(
        app,
        ["af", SPEC, str(survey_csv), "--over", "region", "--k", "20,33", "--out", str(results),
         "-q"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    regions = sorted(pd.read_csv(survey_csv)["region"].astype(str).unique())
    pd.DataFrame({"area": regions, "population": 10_000}).to_csv(folder / "pop.csv", index=False)
    needs = pd.DataFrame({"area": np.repeat(regions, 2), "sector": ["WASH", "Health"] * len(regions),
                          "people_in_need": 1000})  # fmt: skip
    needs.to_csv(folder / "needs.csv", index=False)
    acts = pd.DataFrame({"area": [regions[0]], "sector": ["WASH"], "org": ["X"], "reached": [900]})
    acts.to_csv(folder / "acts.csv", index=False)
    spec = folder / "spec.yaml"
    spec.write_text(yaml.safe_dump(humsec.datasets.syn_cdta_spec().to_dict()))
    return {"results": results, "pop": folder / "pop.csv", "needs": folder / "needs.csv",
            "acts": folder / "acts.csv", "spec": spec, "survey": survey_csv}  # fmt: skip


def _needs_args(inputs: dict[str, Path], out: Path) -> list[str]:
    return ["response", "needs", str(inputs["results"]), "--population", str(inputs["pop"]),
            "--over", "region", "--sectors", "d_wtr=WASH,d_cm=Health", "--out", str(out)]  # fmt: skip


def _joint_args(inputs: dict[str, Path], out: Path) -> list[str]:
    return ["response", "joint", str(inputs["acts"]), str(inputs["needs"]), "--no-pcodes",
            "--columns", "area=area,sector=sector,org=org,reached=reached", "--out", str(out),
            "--survey", str(inputs["survey"]), "--spec", str(inputs["spec"]), "--over", "region",
            "--sectors", "d_wtr=WASH,d_sani=WASH,d_cm=Health",
            "--population", str(inputs["pop"])]  # fmt: skip


@pytest.mark.parametrize("command", ["needs", "joint"])
def test_one_k_commands_take_every_single_value_form(tmp_path, needs_inputs, command):
    build = _needs_args if command == "needs" else _joint_args
    outputs = []
    for i, form in enumerate([*ONE_K_FORMS, ["--k", "20"]]):
        out = tmp_path / f"{i}.csv"
        res = runner.invoke(app, [*build(needs_inputs, out), *form])
        assert res.exit_code == 0, (form, res.output)
        outputs.append(pd.read_csv(out))
    for same in outputs[1:-1]:  # every spelling of 33 gives the same table
        pd.testing.assert_frame_equal(same, outputs[0])
    # and k = 20 a different one: the value reached the computation
    assert not outputs[-1].equals(outputs[0])


@pytest.mark.parametrize("command", ["needs", "joint"])
@pytest.mark.parametrize("form", TOO_MANY_FORMS)
def test_one_k_commands_refuse_several(tmp_path, needs_inputs, command, form):
    build = _needs_args if command == "needs" else _joint_args
    out = tmp_path / "o.csv"
    res = runner.invoke(app, [*build(needs_inputs, out), *form])
    assert res.exit_code == 2, res.output
    assert f"response {command} takes one --k; got 20, 33" in _flat(res.output)
    assert not out.exists()


@pytest.mark.parametrize("command", ["needs", "joint"])
@pytest.mark.parametrize(("value", "reason"), BAD_VALUES[:4])
def test_one_k_commands_bad_k_is_a_clear_error(tmp_path, needs_inputs, command, value, reason):
    build = _needs_args if command == "needs" else _joint_args
    out = tmp_path / "o.csv"
    res = runner.invoke(app, [*build(needs_inputs, out), "--k", value])
    assert res.exit_code == 2, res.output
    assert f"--k {value!r}" in _flat(res.output) and reason in _flat(res.output)
    assert "Accepted forms" in res.output and not out.exists()


def test_needs_without_k_says_so(tmp_path, needs_inputs):
    out = tmp_path / "o.csv"
    res = runner.invoke(app, _needs_args(needs_inputs, out))
    assert res.exit_code == 2 and "missing option --k" in res.output and not out.exists()


def test_every_k_option_is_the_shared_one():
    root = typer.main.get_command(app).load_all()  # type: ignore[attr-defined]
    for path in (["af"], ["robustness"], ["response", "joint"], ["response", "needs"]):
        command = root
        for name in path:
            command = command.commands[name]  # type: ignore[attr-defined]
        (option,) = (p for p in command.params if "--k" in p.opts)
        assert option.help.startswith(K_HELP) and option.multiple, path
        assert isinstance(command, KCommand), path
