"""A 0-byte input file is one clear error (exit 2, the file named) in every reader, not a parser
traceback (csv.Error / EmptyDataError ended `sae`, `warn ipc`, `index`, `response gaps` and `af`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from humsec.cli.main import app
from humsec.datasets import data_path

SPEC = str(data_path("syn_cdta_spec.yaml"))
COMMANDS = {
    "af": ["af", SPEC, "{empty}"],
    "sae fh": ["sae", "fh", "{empty}", "--formula", "y ~ x", "--variance", "v", "--area", "a"],
    "sae direct": ["sae", "direct", "{empty}", "--variable", "y", "--area", "a"],
    "warn ipc": ["warn", "ipc", "{empty}", "--test-from", "2022-01"],
    "index": ["index", "inform-2025", "{empty}"],
    "response gaps": ["response", "gaps", "{empty}", "{empty}"],
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
@pytest.mark.parametrize("content", [b"", b"\n  \n"])
def test_an_empty_file_is_a_clear_error_and_nothing_is_written(
    tmp_path: Path, name: str, content: bytes
) -> None:
    empty = tmp_path / "input.csv"
    empty.write_bytes(content)
    out = tmp_path / "out.csv"
    args = [a.replace("{empty}", str(empty)) for a in COMMANDS[name]] + ["--out", str(out)]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 2, res.output
    assert "input.csv is empty" in res.output and "expected a table with a header row" in res.output
    assert not out.exists()
