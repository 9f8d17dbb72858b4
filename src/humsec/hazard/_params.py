"""Parameter constraints the hazard engines declare beside the core ones (:mod:`humsec.core.params`).

>>> Month().accepts("2022-01"), Month().accepts("2022-13"), Month().accepts("01/2022")
(True, False, False)
>>> Names(("persistence", "ipc_projection")).accepts(("persistence",))
True
>>> Names(("persistence",)).describe()
"a non-empty tuple of names among 'persistence'"
"""

from __future__ import annotations

import re
from typing import Any

from humsec.core.params import Constraint

__all__ = ["Month", "Names"]

_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


class Month(Constraint):
    """A calendar month written YYYY-MM (a string: '2022-1' and 2022.01 are refused)."""

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str) and _MONTH.fullmatch(value) is not None

    def describe(self) -> str:
        return "a month YYYY-MM"

    def invalid_examples(self) -> list[Any]:
        return ["2022-13", "01/2022", 202201]


class Names(Constraint):
    """A non-empty tuple or list of distinct names, each one of ``choices``."""

    def __init__(self, choices: tuple[str, ...]) -> None:
        self.choices = tuple(choices)

    def accepts(self, value: Any) -> bool:
        if not isinstance(value, (tuple, list)) or not value:
            return False
        return len(set(value)) == len(value) and all(v in self.choices for v in value)

    def describe(self) -> str:
        return "a non-empty tuple of names among " + ", ".join(repr(c) for c in self.choices)

    def invalid_examples(self) -> list[Any]:
        return [(), ("__no_such_model__",), "persistence"]
