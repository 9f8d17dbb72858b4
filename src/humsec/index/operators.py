"""Aggregation operators for composite indices, as a registry users can extend.

Every operator takes the children's scores (units × children, NaN = missing), the children's
weights and the node's parameters, and returns one score per unit. Means drop missing children and
renormalise the weights over the children present (COINr's and INFORM's rule).

Declared once, read everywhere: :data:`OPERATORS` (name → function), :data:`OPERATOR_PARAMETERS`
(the node parameters each reads, with what they accept: the model validation reads them) and
:data:`CHILDREN_LOW` (the smallest child value an operator is defined for: a geometric mean of a
negative child is undefined, so such a child is an error naming the node, not a silent NaN).

>>> import numpy as np
>>> x = np.array([[2.0, 8.0], [5.0, np.nan]])
>>> aggregate("arithmetic", x, np.array([1.0, 1.0])).tolist()
[5.0, 5.0]
>>> aggregate("geometric", x, np.array([1.0, 1.0])).round(12).tolist()
[4.0, 5.0]
>>> aggregate("inform_or", np.array([[0.0, 10.0]]), np.array([1.0, 1.0])).round(4).tolist()
[7.6834]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from humsec.core.errors import HumsecError
from humsec.core.params import Constraint, Interval

__all__ = ["CHILDREN_LOW", "OPERATORS", "OPERATOR_PARAMETERS", "aggregate", "register_operator"]

Operator = Callable[[np.ndarray, np.ndarray, Mapping[str, Any]], np.ndarray]


def _weights_present(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weights per unit and child, zero where the child is missing, rows summing to 1."""
    present = ~np.isnan(x)
    ww = present * w
    with np.errstate(invalid="ignore", divide="ignore"):
        return ww / ww.sum(axis=1, keepdims=True)


def arithmetic(x: np.ndarray, w: np.ndarray, params: Mapping[str, Any]) -> np.ndarray:
    """Weighted arithmetic mean of the children present."""
    return np.nansum(_weights_present(x, w) * np.nan_to_num(x), axis=1) / _any(x)


def geometric(x: np.ndarray, w: np.ndarray, params: Mapping[str, Any]) -> np.ndarray:
    """Weighted geometric mean; a zero child gives zero (non-compensatory)."""
    with np.errstate(divide="ignore", invalid="ignore"):  # a negative child: undefined (NaN)
        logs = np.log(np.where(np.isnan(x), 1.0, x))
    return np.exp(np.nansum(_weights_present(x, w) * logs, axis=1)) / _any(x)


def harmonic(x: np.ndarray, w: np.ndarray, params: Mapping[str, Any]) -> np.ndarray:
    """Weighted harmonic mean (zero if any child present is zero)."""
    with np.errstate(divide="ignore"):
        inv = 1.0 / np.where(np.isnan(x), 1.0, x)
    return 1.0 / np.nansum(_weights_present(x, w) * inv, axis=1) / _any(x)


def power(x: np.ndarray, w: np.ndarray, params: Mapping[str, Any]) -> np.ndarray:
    """Weighted power mean of order ``p`` (params ``p``; p → 0 is the geometric mean)."""
    p = float(params.get("p", 1.0))
    if p == 0:
        return geometric(x, w, params)
    vals = np.where(np.isnan(x), 0.0, x) ** p
    return np.nansum(_weights_present(x, w) * vals, axis=1) ** (1 / p) / _any(x)


def inform_or(x: np.ndarray, w: np.ndarray, params: Mapping[str, Any]) -> np.ndarray:
    """INFORM's probabilistic "or" on a 0–``top`` scale: top + 1 − GM(top + 1 − x) (top = 10).

    High in any child keeps the aggregate high, unlike a mean.
    """
    shift = float(params.get("top", 10.0)) + 1.0
    return shift - geometric(shift - x, w, params)


def scaled_max(x: np.ndarray, w: np.ndarray, params: Mapping[str, Any]) -> np.ndarray:
    """Maximum of the children, each multiplied by its ``scales`` factor (default 1)."""
    scales = np.asarray(params.get("scales", np.ones(x.shape[1])), dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return np.where(
            np.isnan(x).all(axis=1),
            np.nan,
            np.nanmax(np.where(np.isnan(x), -np.inf, x * scales), axis=1),
        )


def _any(x: np.ndarray) -> np.ndarray:
    """1 where a unit has at least one child, NaN where it has none (so the node is missing)."""
    return np.where(np.isnan(x).all(axis=1), np.nan, 1.0)


class FiniteNumbers(Constraint):
    """A list of finite numbers ≥ 0 (e.g. ``scaled_max``'s ``scales``; its length is the model's
    to check, against the node's children)."""

    def accepts(self, value: Any) -> bool:
        return isinstance(value, list) and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and v >= 0
            for v in value
        )

    def describe(self) -> str:
        return "a list of finite numbers ≥ 0, one per child"

    def invalid_examples(self) -> list[Any]:
        return [[float("inf")], [-1.0], "1"]


class FiniteNumber(Constraint):
    """Any finite number (e.g. ``power``'s order ``p``)."""

    def accepts(self, value: Any) -> bool:
        return (
            isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        )

    def describe(self) -> str:
        return "a finite number"

    def invalid_examples(self) -> list[Any]:
        return [float("nan"), float("inf"), "1"]


OPERATORS: dict[str, Operator] = {
    "arithmetic": arithmetic,
    "geometric": geometric,
    "harmonic": harmonic,
    "power": power,
    "inform_or": inform_or,
    "scaled_max": scaled_max,
}

#: the node parameters each operator reads (a model node gives them beside ``op``), and what
#: each accepts; an operator absent here takes none
OPERATOR_PARAMETERS: dict[str, dict[str, Constraint]] = {
    "power": {"p": FiniteNumber()},
    "inform_or": {"top": Interval(0, None)},
    "scaled_max": {"scales": FiniteNumbers()},
}

#: the smallest child value each operator is defined for (children below it are an error)
CHILDREN_LOW: dict[str, float] = {"geometric": 0.0, "harmonic": 0.0, "power": 0.0}


def register_operator(
    name: str,
    func: Operator,
    *,
    params: Mapping[str, Constraint] | None = None,
    children_low: float | None = None,
) -> None:
    """Add an aggregation operator usable by name in index models, with the node parameters it
    reads (name → :class:`~humsec.core.params.Constraint`) and the smallest child value it is
    defined for."""
    OPERATORS[name] = func
    OPERATOR_PARAMETERS.pop(name, None)
    CHILDREN_LOW.pop(name, None)
    if params:
        OPERATOR_PARAMETERS[name] = dict(params)
    if children_low is not None:
        CHILDREN_LOW[name] = float(children_low)


def aggregate(
    name: str, x: np.ndarray, w: np.ndarray, params: Mapping[str, Any] | None = None
) -> np.ndarray:
    """Apply operator ``name`` to the children's scores."""
    try:
        func = OPERATORS[name]
    except KeyError:
        msg = f"Unknown aggregation operator {name!r}; expected one of {sorted(OPERATORS)}."
        raise HumsecError(msg) from None
    return func(np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64), params or {})
