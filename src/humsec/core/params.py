"""Declared parameter constraints: each engine lists what its parameters accept, once, as data.

An engine stores its keyword-only parameters as given and calls :func:`validate_params` in ``fit``
(scikit-learn's habit), so a bad value gives one sentence naming the parameter, the engine, what
is allowed and what was given. The same declarations drive ``humsec.testing.check_engine``, which
tries values just outside every constraint, and the CLI reuses them for its options.

>>> class Smoother:
...     _parameter_constraints = {"level": Interval(0, 1), "method": OneOf("reml", "ml")}
...     def __init__(self, *, level=0.95, method="reml"):
...         self.level, self.method = level, method
>>> validate_params(Smoother(level=0.9))
>>> validate_params(Smoother(level=95))
Traceback (most recent call last):
...
humsec.core.errors.ParameterError: The 'level' parameter of Smoother must be a number in (0, 1). Got 95 instead.
>>> validate_params(Smoother(method="REML"))
Traceback (most recent call last):
...
humsec.core.errors.ParameterError: The 'method' parameter of Smoother must be one of 'reml', 'ml'. Got 'REML' instead.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any

from humsec.core.errors import ParameterError

__all__ = ["Constraint", "Interval", "OneOf", "Optional", "get_params", "validate_params"]


class Constraint:
    """What one parameter accepts: :meth:`accepts` a value, :meth:`describe` it in words."""

    def accepts(self, value: Any) -> bool:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError

    def invalid_examples(self) -> list[Any]:
        """Values just outside the constraint, for ``humsec.testing.check_engine``."""
        return []


@dataclass(frozen=True)
class Interval(Constraint):
    """A finite real (or integer) number between ``low`` and ``high``; ``closed`` says which ends count."""

    low: float | None
    high: float | None
    closed: str = "neither"  # neither, left, right, both
    integer: bool = False

    def accepts(self, value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, Integral if self.integer else Real):
            return False
        v = float(value)
        if not math.isfinite(v):
            return False
        if self.low is not None and (
            v < self.low or (v == self.low and self.closed not in ("left", "both"))
        ):
            return False
        return not (
            self.high is not None
            and (v > self.high or (v == self.high and self.closed not in ("right", "both")))
        )

    def describe(self) -> str:
        kind = "an integer" if self.integer else "a number"
        if self.high is None:
            sign = "≥" if self.closed in ("left", "both") else ">"
            return f"{kind} {sign} {self.low:g}"
        if self.low is None:
            sign = "≤" if self.closed in ("right", "both") else "<"
            return f"{kind} {sign} {self.high:g}"
        left = "[" if self.closed in ("left", "both") else "("
        right = "]" if self.closed in ("right", "both") else ")"
        return f"{kind} in {left}{self.low:g}, {self.high:g}{right}"

    def invalid_examples(self) -> list[Any]:
        out: list[Any] = [float("nan"), float("inf"), "1"]
        step = 1 if self.integer else 1e-9
        if self.low is not None:
            out.append(self.low - step if self.closed in ("left", "both") else self.low)
        if self.high is not None:
            out.append(self.high + step if self.closed in ("right", "both") else self.high)
        return out


class OneOf(Constraint):
    """One of a closed list of values (compared exactly: no case folding)."""

    def __init__(self, *values: Any) -> None:
        self.values = tuple(values)

    def accepts(self, value: Any) -> bool:
        return any(value == v and type(value) is type(v) for v in self.values)

    def describe(self) -> str:
        return "one of " + ", ".join(repr(v) for v in self.values)

    def invalid_examples(self) -> list[Any]:
        return ["__not_a_choice__"]


class Either(Constraint):
    """What any of ``options`` accepts (a number or the word ``"estimate"``, say)."""

    def __init__(self, *options: Constraint) -> None:
        self.options = tuple(options)

    def accepts(self, value: Any) -> bool:
        return any(o.accepts(value) for o in self.options)

    def describe(self) -> str:
        return " or ".join(o.describe() for o in self.options)

    def invalid_examples(self) -> list[Any]:
        return [v for o in self.options for v in o.invalid_examples() if not self.accepts(v)]


class Optional(Constraint):
    """``None`` or what ``inner`` accepts."""

    def __init__(self, inner: Constraint) -> None:
        self.inner = inner

    def accepts(self, value: Any) -> bool:
        return value is None or self.inner.accepts(value)

    def describe(self) -> str:
        return f"None or {self.inner.describe()}"

    def invalid_examples(self) -> list[Any]:
        return self.inner.invalid_examples()


def get_params(engine: Any) -> dict[str, Any]:
    """The keyword parameters an engine was made with (its ``__init__`` signature, read back)."""
    signature = inspect.signature(type(engine).__init__)
    names = [p for p in signature.parameters if p != "self"]
    return {name: getattr(engine, name) for name in names if hasattr(engine, name)}


def validate_params(engine: Any, constraints: Mapping[str, Constraint] | None = None) -> None:
    """Check every declared parameter of ``engine``; one sentence for the first bad value."""
    declared = constraints if constraints is not None else type(engine)._parameter_constraints
    for name, constraint in declared.items():
        value = getattr(engine, name)
        if not constraint.accepts(value):
            msg = (
                f"The {name!r} parameter of {type(engine).__name__} must be "
                f"{constraint.describe()}. Got {value!r} instead."
            )
            raise ParameterError(msg)
