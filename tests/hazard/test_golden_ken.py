"""`humsec warn ipc` against the standard-library reference in tests/golden/hazard_ipc_ken."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from humsec.cli.main import app
from humsec.hazard import DEFAULT_MODELS
from tests.hazard.conftest import HAPI_IPC, KEN_LONG, shared

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "hazard_ipc_ken" / "reference_scores.csv"


def test_cli_matches_the_independent_reference(tmp_path):
    out = tmp_path / "scores.csv"
    res = CliRunner().invoke(
        app,
        ["warn", "ipc", str(shared(KEN_LONG)), "--test-from", "2020-01", "--out", str(out),
         "--models", "persistence,ipc_projection"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    ours = pd.read_csv(out)
    assert list(ours.columns[:3]) == ["model", "metric", "value"]
    ref = pd.read_csv(GOLDEN)
    assert len(ref) == 14  # row-count guard: 2 models x 7 metrics
    m = ref.merge(
        ours[ours["metric"].isin(ref["metric"])],
        on=["model", "metric"],
        suffixes=("_ref", ""),
        validate="one_to_one",
    )
    assert len(m) == len(ref)
    assert (m["n"] == m["n_ref"]).all()
    assert m["value"].to_numpy() == pytest.approx(m["value_ref"].to_numpy(), abs=1e-12)


def test_cli_hapi_admin1_with_forecasts_file(tmp_path):
    out, fc = tmp_path / "s.csv", tmp_path / "f.csv"
    res = CliRunner().invoke(
        app,
        [
            "warn",
            "ipc",
            str(shared(HAPI_IPC)),
            "--level",
            "1",
            "--test-from",
            "2022-01",
            "--out",
            str(out),
            "--forecasts",
            str(fc),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "6,105 HAPI rows with an error dropped" in res.output
    scores = pd.read_csv(out)
    assert {"persistence", "ipc_projection"} <= set(scores["model"])
    assert {"mae_p3plus_share", "brier_crisis"} <= set(scores["metric"])
    assert (
        len(pd.read_csv(fc))
        == len(DEFAULT_MODELS) * scores.loc[scores["metric"] == "mae_p3plus_share", "n"].iloc[0]
    )


def test_cli_bad_input_exits_2_with_one_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    res = CliRunner().invoke(
        app, ["warn", "ipc", str(bad), "--test-from", "2022-01", "--out", str(tmp_path / "x.csv")]
    )
    assert res.exit_code == 2
    assert "error: Column(s) not found" in res.output
    assert not (tmp_path / "x.csv").exists()
    res = CliRunner().invoke(
        app,
        [
            "warn",
            "ipc",
            str(shared(KEN_LONG)),
            "--test-from",
            "2020",
            "--out",
            str(tmp_path / "x.csv"),
            "--level",
            "3",
        ],
    )
    assert res.exit_code == 2 and "--level must be 0, 1 or 2" in res.output


def test_cli_pcodes_check_against_the_cod_gazetteer(tmp_path):
    from tests.hazard.conftest import SHARED

    gaz = shared(SHARED / "cod_pcodes" / "global_pcodes_adm_1_2.csv.gz")
    args = ["warn", "ipc", str(shared(KEN_LONG)), "--test-from", "2020-01", "--pcodes", str(gaz)]
    res = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "s.csv")])
    assert (
        res.exit_code == 0 and "P-codes not in" not in res.output
    )  # all 23 counties are COD codes
    bad = tmp_path / "gaz.csv"
    bad.write_text("P-Code,Name\nKE023,Turkana\n")
    res = CliRunner().invoke(
        app, [*args[:-1], str(bad), "--strict-pcodes", "--out", str(tmp_path / "x.csv")]
    )
    assert res.exit_code == 2 and "22 P-codes not in" in res.output
