"""When a second output cannot be written, no output is written (issue 19: `--html` into a path
under a file left the first table on disk, or ended in a traceback)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from humsec.cli.main import app
from humsec.datasets import data_path


def _blocked(tmp_path: Path) -> Path:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be")
    return blocker / "page.html"


def test_af_writes_no_table_when_the_page_cannot_be_written(tmp_path: Path) -> None:
    out = tmp_path / "af.csv"
    args = ["af", str(data_path("syn_cdta_spec.yaml")), str(data_path("syn_cdta.csv.gz")),
            "--k", "33", "--out", str(out), "--html", str(_blocked(tmp_path))]  # fmt: skip
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 2, res.output
    assert "Cannot write" in res.output and "page.html" in res.output
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker"]  # no temporary left either


def test_sae_fh_writes_no_table_when_the_page_cannot_be_written(tmp_path: Path) -> None:
    data = tmp_path / "areas.csv"
    pd.DataFrame(
        {"a": list("ABCDEF"), "y": [1, 2, 2.5, 3, 3.2, 4], "x": range(6),
         "v": [0.1, 0.2, 0.1, 0.1, 0.2, 0.1]}
    ).to_csv(data, index=False)  # fmt: skip
    out = tmp_path / "est.csv"
    args = ["sae", "fh", str(data), "--formula", "y ~ x", "--variance", "v", "--area", "a",
            "--out", str(out), "--html", str(_blocked(tmp_path))]  # fmt: skip
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 2, res.output
    assert "Cannot write" in res.output and not out.exists()
    ok = CliRunner().invoke(app, [*args[:-1], str(tmp_path / "page.html")])
    assert ok.exit_code == 0, ok.output
    assert out.exists() and (tmp_path / "page.html").exists()
