"""``humsec --help`` lists the response, voice, sae and warn groups without importing them; the
listing is the one the loaded groups give, and every group still runs (humsec.cli.lazy_group)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from humsec.cli.main import app

runner = CliRunner()
LAZY_MODULES = ("humsec.response.cli", "humsec.voice.cli", "humsec.sae.cli", "humsec.warn.cli", "humsec.hazard.cli")


def test_each_help_line_is_the_loaded_groups_own() -> None:
    root = typer.main.get_command(app)
    for group in root.lazy:  # type: ignore[attr-defined]
        assert group.help == group.load().info.help, group.name


def test_the_listing_is_the_same_with_every_group_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    import typer.testing

    lazy = runner.invoke(app, ["--help"], terminal_width=100)
    monkeypatch.setattr(typer.testing, "_get_command", lambda a: typer.main.get_command(a).load_all())
    loaded = runner.invoke(app, ["--help"], terminal_width=100)
    assert lazy.exit_code == loaded.exit_code == 0
    assert lazy.output == loaded.output
    for name in ("response", "voice", "sae", "warn"):
        assert f" {name} " in lazy.output


def test_help_imports_no_group_and_a_group_command_imports_its_own() -> None:
    probe = (
        "import sys, json\nsys.argv = ['humsec', *{argv!r}]\nfrom humsec.cli.main import app\n"
        "try:\n    app()\nexcept SystemExit as exc:\n    assert exc.code in (0, None), exc.code\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('humsec.'))))"
    )

    def loaded(argv: list[str]) -> set[str]:
        done = subprocess.run([sys.executable, "-c", probe.format(argv=argv)], capture_output=True, text=True,
                              check=True, timeout=120)  # fmt: skip
        return set(json.loads(done.stdout.strip().splitlines()[-1]))

    assert not loaded(["--help"]) & set(LAZY_MODULES)
    assert {"humsec.warn.cli", "humsec.hazard.cli"} <= loaded(["warn", "ipc", "--help"])
    assert not loaded(["sae", "--help"]) & {"humsec.warn.cli", "humsec.voice.cli"}


@pytest.mark.parametrize("argv", [["warn", "ipc", "--help"], ["response", "gaps", "--help"], ["sae", "--help"]])
def test_group_commands_run_and_hazard_is_registered_once(argv: list[str]) -> None:
    for _ in range(2):  # a second root (each invoke builds one) must not register `warn ipc` again
        res = runner.invoke(app, argv)
        assert res.exit_code == 0, res.output
    from humsec.warn.cli import warn_app

    names = [c.name for c in warn_app.registered_commands]
    assert len(names) == len(set(names))


def test_an_unknown_command_is_still_an_error() -> None:
    res = runner.invoke(app, ["wran", "ipc"])
    assert res.exit_code == 2 and "No such command" in res.output
