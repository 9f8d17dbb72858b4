"""`humsec af` reads a Parquet survey ahead, while it imports the engine: the same results and the
same errors as a read in the fit, and each read ahead is taken once."""

from __future__ import annotations

import threading

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import humsec
import humsec.af.inputs as inputs
from humsec.cli.main import app
from humsec.datasets import data_path

runner = CliRunner()
SPEC = data_path("syn_cdta_spec.yaml")


@pytest.fixture(scope="module")
def survey_parquet(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "syn_cdta.parquet"
    frame = humsec.datasets.load_syn_cdta()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path, row_group_size=4000)
    return path


def test_the_cli_takes_the_read_ahead_and_gives_the_fits_numbers(
    tmp_path, survey_parquet, monkeypatch
) -> None:
    reads = []
    real = inputs._read
    def spy(*args):
        reads.append((args[0], threading.current_thread().name))
        return real(*args)

    monkeypatch.setattr(inputs, "_read", spy)
    out = tmp_path / "af.csv"
    result = runner.invoke(app, ["af", str(SPEC), str(survey_parquet), "--over", "area",
                                 "--out", str(out), "-q"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert reads == [(survey_parquet, "humsec-read-ahead")]  # read once, ahead
    assert not inputs._AHEAD  # and taken
    fit = humsec.AlkireFoster(SPEC).fit(survey_parquet, over=["area"]).to_frame("tidy")
    expected = tmp_path / "fit.csv"
    fit.to_csv(expected, index=False)
    pd.testing.assert_frame_equal(pd.read_csv(out), pd.read_csv(expected), check_dtype=False)


def test_an_error_of_the_read_ahead_is_the_fits_error(tmp_path, survey_parquet) -> None:
    frame = pq.read_table(survey_parquet).drop_columns(["d_cm"])
    broken = tmp_path / "no_d_cm.parquet"
    pq.write_table(frame, broken, row_group_size=4000)
    result = runner.invoke(app, ["af", str(SPEC), str(broken), "--out", str(tmp_path / "x.csv")])
    assert result.exit_code == 2
    with pytest.raises(humsec.HumsecError) as direct:
        humsec.AlkireFoster(SPEC).fit(broken)
    assert str(direct.value).split("\n")[0] in " ".join(result.output.split())
    assert not (tmp_path / "x.csv").exists()
    assert not inputs._AHEAD


def test_a_read_ahead_is_taken_once(survey_parquet) -> None:
    columns = ["d_nutr", "weight"]
    inputs.read_ahead(survey_parquet, columns, arrow=True)
    first = inputs.read_data(survey_parquet, columns, arrow=True)
    assert not inputs._AHEAD
    second = inputs.read_data(survey_parquet, columns, arrow=True)  # a read of its own
    assert first.frame.equals(second.frame) and first.sha256 == second.sha256
