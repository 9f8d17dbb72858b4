"""docs/cli.md is the reference the commands themselves write (regenerate: python -m humsec.cli.reference)."""

from __future__ import annotations

from pathlib import Path

from humsec.cli.reference import cli_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_docs_cli_md_is_current():
    assert DOC.read_text(encoding="utf-8") == cli_markdown(), (
        "docs/cli.md is stale: run `python -m humsec.cli.reference > docs/cli.md`"
    )


def test_every_command_and_option_is_in_the_reference():
    import typer

    from humsec.cli.main import app

    text = cli_markdown()
    root = typer.main.get_command(app).load_all()  # type: ignore[attr-defined]
    for name, command in root.commands.items():
        assert f"## `humsec {name}`" in text
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and opt != "--help":
                    assert f"`{opt}`" in text, (name, opt)
