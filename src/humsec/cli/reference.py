"""``docs/cli.md``: the command-line reference, written from the commands themselves.

Every command, argument and option is read from the click command tree that ``humsec --help``
prints, so the reference cannot drift from the code; ``tests/cli/test_cli_reference.py`` fails when
``docs/cli.md`` is not what :func:`cli_markdown` writes. Regenerate it with
``python -m humsec.cli.reference > docs/cli.md``.

>>> text = cli_markdown()
>>> text.splitlines()[0]
'# Command-line reference'
>>> "## `humsec af`" in text and "`--boundary-key`" in text
True
"""

from __future__ import annotations

from typing import Any

import typer

HEADER = """# Command-line reference

Written from the commands themselves by `python -m humsec.cli.reference > docs/cli.md`; a test
fails when this page is not current. Every command prints one clear error line and exits with
code 2 on bad input, writing nothing; notes on what was dropped, merged or assumed go to stdout.
Options shared by several commands have one spelling and one meaning everywhere: `--out` (the
main output; format from the suffix), `--over` (grouping columns), `--k` (poverty cutoffs: 33,
20,33, 20 25 33 or 20:50:5), `--level` (confidence level in (0, 1)), `--seed`, `--boundaries`
(GeoJSON), `--boundary-key` (the GeoJSON property naming the areas), `--map` (a drawn PNG map)
and `--quiet`.
"""


def _command_tree() -> Any:
    from humsec.cli.main import app

    return typer.main.get_command(app).load_all()  # type: ignore[attr-defined]


# typer vendors its own click, so commands are told apart by what they have, not by class
def _is_group(command: Any) -> bool:
    return hasattr(command, "list_commands")


def _is_option(param: Any) -> bool:
    return getattr(param, "param_type_name", "") == "option"


def _subcommands(command: Any) -> list[tuple[str, Any]]:
    names = list(command.commands)  # declaration order, as `--help` lists them
    return [(n, command.commands[n]) for n in names if not command.commands[n].hidden]


def _walk(command: Any, path: list[str]) -> list[tuple[list[str], Any]]:
    out = [(path, command)]
    if _is_group(command):
        for name, sub in _subcommands(command):
            out += _walk(sub, [*path, name])
    return out


def _cell(text: Any) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _param_row(param: Any) -> str:
    if _is_option(param):
        names = ", ".join(f"`{n}`" for n in [*param.opts, *param.secondary_opts])
        default = param.default
        shown = "" if default in (None, (), [], False) or param.required else f"`{default}`"
        if param.required:
            shown = "required"
        return f"| {names} | {_cell(param.help or '')} | {shown} |"
    name = (param.name or "").upper()
    meaning = _cell(getattr(param, "help", "") or "")
    return f"| `{name}` (argument) | {meaning} | {'required' if param.required else ''} |"


def cli_markdown() -> str:
    """The whole reference as Markdown: one section per command, one table row per parameter."""
    parts = [HEADER]
    for path, command in _walk(_command_tree(), ["humsec"]):
        if len(path) == 1:
            continue
        parts.append(f"## `{' '.join(path)}`\n")
        if command.help:
            parts.append(command.help.strip().split("\n\n")[0].replace("\n", " ") + "\n")
        params = [p for p in command.params if p.name != "help"]
        if _is_group(command):
            subs = [name for name, _ in _subcommands(command)]
            parts.append("Commands: " + ", ".join(f"`{' '.join([*path, s])}`" for s in subs) + ".\n")
        if params:
            parts.append("| parameter | meaning | default |\n|---|---|---|")
            parts.extend(_param_row(p) for p in params)
            parts.append("")
    return "\n".join(parts).rstrip() + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(cli_markdown(), end="")
