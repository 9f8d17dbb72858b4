"""``humsec warn ipc``: score forecasts of the next IPC food-security analysis of each area.

``humsec warn ipc IPC_FILE [--level 1|2] --test-from YYYY-MM --out scores.csv`` reads an IPC API
JSON, an HDX HAPI food-security CSV or a flat IPC CSV, forecasts every current analysis published
from --test-from on with the benchmarks (persistence, the IPC's own projection), each using only
analyses published before it, and writes ``model, metric, value, n``.
"""

from __future__ import annotations

from pathlib import Path

import typer

from humsec.cli._common import fail, notes, stdout
from humsec.exceptions import HumsecError
from humsec.io.write import write_atomic

__all__ = ["register"]


def ipc_command(
    ipc_file: Path = typer.Argument(
        ...,
        exists=True,
        dir_okay=False,
        help="IPC analyses: IPC API population JSON, HDX HAPI food-security CSV or a flat CSV "
        "(period_type, phaseN_population; .gz accepted).",
    ),
    test_from: str = typer.Option(
        ...,
        "--test-from",
        help="First month (YYYY-MM) whose current "
        "analyses are scored; each forecast uses only earlier analyses.",
    ),
    out: Path = typer.Option(..., "--out", help="Scores CSV: model, metric, value, n."),
    level: int | None = typer.Option(
        None, "--level", help="Admin level to keep (1 or 2; HAPI files hold 0, 1 and 2)."
    ),
    forecasts: Path | None = typer.Option(
        None,
        "--forecasts",
        help="Also write every forecast (area, target, model, forecast and observed) here.",
    ),
) -> None:
    """Score persistence and the IPC projection as forecasts of the next current IPC analysis."""
    from humsec.hazard import IPCBacktest, read_ipc

    try:
        if level is not None and level not in (0, 1, 2):
            msg = f"--level must be 0, 1 or 2; got {level}."
            raise HumsecError(msg)
        result = IPCBacktest(test_from=test_from).fit(read_ipc(ipc_file, level=level))
    except HumsecError as exc:
        fail(exc)
        return
    scores = result.to_frame("scores")
    write_atomic(out, lambda tmp: scores.to_csv(tmp, index=False))
    if forecasts is not None:
        table = result.to_frame("forecasts")
        write_atomic(forecasts, lambda tmp: table.to_csv(tmp, index=False))
    notes(result.notes)
    stdout.print(result.summary().split("\nnote:")[0], highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    """Add the hazard commands to ``humsec warn``."""
    app.command("ipc")(ipc_command)
