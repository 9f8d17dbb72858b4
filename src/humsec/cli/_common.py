"""What every ``humsec`` command shares: the consoles and the one way to fail."""

from __future__ import annotations

import typer
from rich.console import Console

console = Console(stderr=True, soft_wrap=True)
stdout = Console(soft_wrap=True)  # no wrapping: output is read by people and by scripts


def fail(exc: Exception) -> None:
    """Print one clear error line and exit with code 2 (nothing is written)."""
    console.print("error: " + str(exc), style="red", highlight=False, markup=False, soft_wrap=True)
    raise typer.Exit(code=2)


def notes(lines: list[str]) -> None:
    """Print report lines (what was dropped, merged or assumed)."""
    for line in lines:
        stdout.print(f"note: {line}", highlight=False, markup=False)
