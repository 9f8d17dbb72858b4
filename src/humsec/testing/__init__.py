"""Checks every humsec engine and result passes (scikit-learn's ``check_estimator`` habit).

``check_engine`` takes an engine made with valid parameters and checks that it stores them as
given, prints as them, can be rebuilt from them, and that every declared constraint
(``_parameter_constraints``, see :mod:`humsec.core.params`) rejects values just outside it with
one sentence naming the parameter. ``check_result`` takes a fitted result and checks the shared
result conventions (:class:`humsec.core.result.ResultBase`). Domain tests call both, and
``tests/core/test_conventions.py`` runs them over every registered engine.

>>> from humsec.core.params import Interval
>>> class Scaler:
...     _parameter_constraints = {"factor": Interval(0, None)}
...     def __init__(self, *, factor=1.0):
...         self.factor = factor
...     def __repr__(self):
...         return f"Scaler(factor={self.factor!r})"
...     def fit(self, data):
...         validate_params(self)
...         return data
>>> from humsec.core.params import validate_params
>>> check_engine(Scaler(factor=2.0), fit=lambda e: e.fit([1]))
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pandas as pd

from humsec.core.errors import HumsecError
from humsec.core.params import get_params
from humsec.core.result import ResultBase

__all__ = ["check_engine", "check_result"]


def check_engine(engine: Any, *, fit: Callable[[Any], Any]) -> None:
    """Assert the engine conventions; ``fit(engine)`` runs the engine on small valid data.

    Raises ``AssertionError`` naming the first convention broken.
    """
    cls = type(engine)
    params = get_params(engine)
    _require(params, f"{cls.__name__} stores none of its __init__ parameters as attributes")
    clone = cls(**params)
    _require(
        get_params(clone) == params or repr(clone) == repr(engine),
        f"{cls.__name__} rebuilt from its parameters differs: {get_params(clone)} != {params}",
    )
    _require(
        repr(engine).startswith(cls.__name__),
        f"repr of {cls.__name__} does not name it: {engine!r}",
    )
    constraints = getattr(cls, "_parameter_constraints", None) or {}
    _require(constraints, f"{cls.__name__} declares no _parameter_constraints")
    unknown = set(constraints) - set(params)
    _require(
        not unknown, f"{cls.__name__} constrains parameters it does not take: {sorted(unknown)}"
    )
    for name, constraint in constraints.items():
        for bad in constraint.invalid_examples():
            broken = cls(**{**params, name: bad})
            _require(
                getattr(broken, name) is bad, f"{cls.__name__}.__init__ changed {name}={bad!r}"
            )
            try:
                fit(broken)
            except HumsecError as exc:
                text = str(exc)
                _require(
                    repr(name) in text or f"'{name}'" in text,
                    f"{cls.__name__}: the error for {name}={bad!r} does not name the parameter: {text}",
                )
                _require("Traceback" not in text, f"{cls.__name__}: a traceback in the message")
            else:
                msg = f"{cls.__name__} accepted {name}={bad!r}, outside {constraint.describe()}"
                raise AssertionError(msg)


def check_result(result: Any) -> None:
    """Assert the result conventions: notes, every declared table, summary and its printed forms."""
    name = type(result).__name__
    _require(
        isinstance(result, ResultBase), f"{name} does not derive from humsec.core.result.ResultBase"
    )
    _require(result.tables, f"{name} declares no tables")
    notes = result.notes
    _require(
        isinstance(notes, list | tuple), f"{name}.notes is a {type(notes).__name__}, not a list"
    )
    _require(
        all(isinstance(n, str) and n.strip() for n in notes), f"{name}.notes holds a non-sentence"
    )
    for table in result.tables:
        frame = result.to_frame(table, backend="pandas")
        _require(isinstance(frame, pd.DataFrame), f"{name}.to_frame({table!r}) is not a frame")
        _require(len(frame.columns) > 0, f"{name}.to_frame({table!r}) has no columns")
    try:
        result.to_frame("__no_such_table__")
    except ValueError as exc:
        _require("__no_such_table__" in str(exc), f"{name}: unknown-table error does not name it")
    else:
        raise AssertionError(f"{name}.to_frame accepted an unknown table name")
    summary = result.summary()
    _require(isinstance(summary, str) and summary.strip(), f"{name}.summary() is empty")
    _require(str(result) == summary, f"str({name}) differs from its summary()")
    _require(html.escape(summary) in result._repr_html_(), f"{name}'s HTML view is not its summary")


def _require(condition: object, message: str) -> None:
    """An assertion that survives ``python -O`` (these checks are the library's, not a test's)."""
    if not condition:
        raise AssertionError(message)
