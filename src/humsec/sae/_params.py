"""Parameter constraints shared by the small-area engines (see :mod:`humsec.core.params`).

>>> Formula().accepts("y ~ x"), Formula().accepts("y"), ColumnName().accepts("")
(True, False, False)
>>> FiniteNumber().describe()
'a finite number'
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from humsec.core.params import Constraint

__all__ = ["ColumnName", "FiniteNumber", "Formula", "IndicatorList"]


class Formula(Constraint):
    """An R-style formula ``"y ~ x1 + x2"`` (parsed later by formulaic, which names a bad term)."""

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str) and "~" in value

    def describe(self) -> str:
        return "a string 'y ~ x1 + x2'"

    def invalid_examples(self) -> list[Any]:
        return ["y", 3]


class ColumnName(Constraint):
    """A non-empty column name."""

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str) and bool(value)

    def describe(self) -> str:
        return "a column name"

    def invalid_examples(self) -> list[Any]:
        return ["", 3]


class FiniteNumber(Constraint):
    """Any finite real number."""

    def accepts(self, value: Any) -> bool:
        return (
            isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        )

    def describe(self) -> str:
        return "a finite number"

    def invalid_examples(self) -> list[Any]:
        return [float("nan"), float("inf"), "1"]


class IndicatorList(Constraint):
    """Distinct names of a closed registry, or a mapping of new names to functions of the outcomes."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = tuple(names)

    def accepts(self, value: Any) -> bool:
        if isinstance(value, Mapping):
            return bool(value) and all(
                isinstance(k, str) and k and callable(f) for k, f in value.items()
            )
        if isinstance(value, str) or not isinstance(value, Sequence):
            return False
        return bool(value) and len(set(value)) == len(value) and all(v in self.names for v in value)

    def describe(self) -> str:
        return (
            f"a non-empty list of distinct names from {list(self.names)} "
            "or a mapping of names to functions of one area's outcomes"
        )

    def invalid_examples(self) -> list[Any]:
        return [[], ["__none__"], "fgt0", {"x": 1}]
