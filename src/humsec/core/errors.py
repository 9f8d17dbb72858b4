"""Exceptions raised by humsec.

Every error says what was expected, what was received, and where (file, column, rows),
so a user can fix the input without reading the source.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

__all__ = [
    "ColumnNotFoundError",
    "DataError",
    "DesignError",
    "HumsecError",
    "ParameterError",
    "SpecError",
]


class HumsecError(ValueError):
    """Base class of every error humsec raises on bad input."""


class ParameterError(HumsecError):
    """A parameter value outside what the engine declares it accepts (``humsec.core.params``)."""


class SpecError(HumsecError):
    """A specification (YAML/JSON or Python objects) is invalid.

    ``problems`` lists every problem found, each as ``(field, message)``.
    """

    def __init__(self, problems: Sequence[tuple[str, str]], source: str | None = None) -> None:
        self.problems = list(problems)
        self.source = source
        where = f" in {source}" if source else ""
        lines = [f"{len(self.problems)} problem(s) in the specification{where}:"]
        lines += [f"  - {field}: {message}" for field, message in self.problems]
        super().__init__("\n".join(lines))


class DataError(HumsecError):
    """The data do not satisfy what the method needs (values, weights, missing cells)."""


class DesignError(DataError):
    """The survey design (weights, strata, PSUs) is inconsistent."""


class ColumnNotFoundError(DataError):
    """A column named by the user is not in the data; the message suggests the nearest names."""

    def __init__(self, missing: Iterable[str], available: Sequence[str], source: str | None = None):
        self.missing = list(missing)
        self.available = list(available)
        where = f" of {source}" if source else ""
        parts = []
        for name in self.missing:
            lowered = {a.lower(): a for a in self.available}  # 'iso3' suggests 'ISO3'
            near = [
                lowered[m]
                for m in difflib.get_close_matches(name.lower(), list(lowered), n=3, cutoff=0.6)
            ]
            hint = f" (did you mean {', '.join(repr(n) for n in near)}?)" if near else ""
            parts.append(f"{name!r}{hint}")
        msg = (
            f"Column(s) not found in the data{where}: {'; '.join(parts)}. "
            f"Available columns: {', '.join(self.available[:40])}"
            + (" ..." if len(self.available) > 40 else "")
        )
        super().__init__(msg)


def describe_rows(row_index: Sequence[int] | Iterable[int], limit: int = 10) -> str:
    """Describe offending rows as 1-based data row numbers (header excluded), at most ``limit``.

    >>> describe_rows([0, 4, 5])
    'rows 1, 5, 6'
    """
    rows = [int(r) + 1 for r in row_index]
    shown = ", ".join(str(r) for r in rows[:limit])
    more = f" and {len(rows) - limit} more" if len(rows) > limit else ""
    return f"row{'s' if len(rows) != 1 else ''} {shown}{more}"
