"""A command group whose sub-groups are imported only when one of their commands runs.

``humsec --help`` lists every group with its one-line help; importing the groups' modules (the
early-warning, hazard, response, voice and small-area CLIs) only to print that line cost about a
sixth of the listing's time (issue 22: ``humsec --help`` under 0.3 s). A lazy group is named with
its help line and a loader; the loader runs when the group is resolved as a command
(``humsec warn ...``), or for every group by :meth:`LazyTyperGroup.load_all` (the CLI reference,
tests). ``tests/cli/test_lazy_groups.py`` checks that each help line is the loaded group's own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import typer
from typer.core import TyperGroup

__all__ = ["LazyGroup", "LazyTyperGroup"]


@dataclass(frozen=True)
class LazyGroup:
    """A sub-group of ``humsec``: its name, the help line ``humsec --help`` shows, and the
    function that imports and returns its Typer app."""

    name: str
    help: str
    load: Callable[[], typer.Typer]


class LazyTyperGroup(TyperGroup):
    """The top-level group: eager commands as Typer registers them, then :attr:`lazy` groups."""

    lazy: ClassVar[tuple[LazyGroup, ...]] = ()

    def _lazy(self, name: str) -> LazyGroup | None:
        return next((g for g in self.lazy if g.name == name), None)

    def list_commands(self, ctx: Any) -> list[str]:
        eager = super().list_commands(ctx)
        return [*eager, *(g.name for g in self.lazy if g.name not in eager)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        group = self._lazy(cmd_name)
        if group is None:
            return None
        # listed, not run: a stand-in carrying the help line (resolve_command loads the real one)
        return TyperGroup(name=group.name, help=group.help, commands={})

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and self._lazy(args[0]) is not None:
            self.load(args[0])
        return super().resolve_command(ctx, args)

    def load(self, name: str) -> Any:
        """The group ``name`` as a click command, imported on first use."""
        if name not in self.commands:
            group = self._lazy(name)
            if group is None:
                raise KeyError(name)
            command = typer.main.get_group(group.load())  # no completion options: they are the root's
            command.name = name
            self.add_command(command, name)
        return self.commands[name]

    def load_all(self) -> LazyTyperGroup:
        """Every lazy group loaded (in :attr:`commands`, in ``--help`` order); returns self."""
        for group in self.lazy:
            self.load(group.name)
        return self
