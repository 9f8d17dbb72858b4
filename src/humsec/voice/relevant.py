"""XLSForm ``relevant`` skip logic, evaluated safely on an export, so "not asked" is never counted as "no".

The expression is split into tokens by pyxform's own XLSForm expression lexer, then evaluated by a small
recursive-descent evaluator that knows only what it is given below; nothing is passed to ``eval``. It
understands ``${q}`` references, quoted strings, numbers, ``= != < <= > >=``, ``and``, ``or``,
``not(...)``, ``selected(${q}, 'x')``, ``count-selected(${q})``, ``true()``, ``false()`` and brackets,
as ODK Collect evaluates them: a question that was not asked is the empty string, so
``${q} != 'yes'`` holds for it, ``${q} = 'yes'`` does not, and ``${n} > 3`` is false.
Anything else raises :class:`UnsupportedExpression`; the caller then bases the question on the
people who answered and says so.

>>> import pandas as pd
>>> data = pd.DataFrame({"a": ["yes", "no", ""], "m": ["x y", "", "y"], "n": ["4", "", "1"]})
>>> evaluate("selected(${m}, 'y') and ${a} != 'no'", data).tolist()
[True, False, True]
>>> evaluate("not(${n} >= 3) or ${a} = 'no'", data).tolist()
[False, True, True]
>>> evaluate("string-length(${a}) > 0", data)  # doctest: +ELLIPSIS, +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
humsec.voice.relevant.UnsupportedExpression: function 'string-length(' is not supported ...
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from humsec.core.errors import HumsecError

__all__ = ["SUPPORTED_FUNCTIONS", "UnsupportedExpression", "evaluate", "references"]

#: the functions the evaluator knows (declared once; the docs list them from here)
SUPPORTED_FUNCTIONS = ("not(", "selected(", "count-selected(", "true(", "false(")
_COMPARE: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "=": np.equal,
    "!=": np.not_equal,
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
}


class UnsupportedExpression(HumsecError):
    """A relevant expression uses something the safe evaluator does not understand."""


def references(expression: str) -> list[str]:
    """The question names an expression refers to with ``${name}``.

    >>> references("selected(${a}, 'x') or ${b} > 2")
    ['a', 'b']
    """
    return [t.value[2:-1] for t in _tokens(expression) if t.type == "PYXFORM_REF"]


def evaluate(expression: str, data: pd.DataFrame) -> pd.Series:
    """A boolean Series: for each row of ``data`` (text answers, '' or NaN when not asked), whether the
    expression holds. An empty expression holds everywhere."""
    if not expression.strip():
        return pd.Series(True, index=data.index)
    parser = _Parser(_tokens(expression), data, expression)
    value = parser.parse()
    return pd.Series(_truth(value), index=data.index)


def _tokens(expression: str) -> list[_Token]:
    from pyxform.parsing.expression import parse_expression  # the XLSForm lexer of ODK's pyxform

    out: list[_Token] = []
    for tok in parse_expression(expression):
        if tok.type == "WHITESPACE":
            continue
        value = str(tok.value)
        kind = tok.type
        if kind in ("OPS_BOOL", "OPS_MATH"):
            value = value.strip()
        if kind == "OPS_COMP" and value == "=" and out and out[-1].value in ("<", ">"):
            out[-1].value += "="  # the lexer reads '>=' as '>' then '='
            continue
        out.append(_Token(kind, value))
    return out


class _Token:
    __slots__ = ("type", "value")

    def __init__(self, type_: str, value: str) -> None:
        self.type = type_
        self.value = value


# A value is ("bool", array of bool), ("text", array of str) or ("number", array of float).
_Value = tuple[str, np.ndarray]


class _Parser:
    def __init__(self, tokens: list[_Token], data: pd.DataFrame, expression: str) -> None:
        self.tokens = tokens
        self.pos = 0
        self.data = data
        self.expression = expression

    def fail(self, what: str) -> UnsupportedExpression:
        return UnsupportedExpression(f"{what} is not supported (in {self.expression!r})")

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, kind: str, value: str | None = None) -> _Token:
        tok = self.peek()
        if tok is None or tok.type != kind or (value is not None and tok.value != value):
            found = "the end" if tok is None else repr(tok.value)
            raise self.fail(f"{found} where {value or kind} was expected")
        self.pos += 1
        return tok

    def parse(self) -> _Value:
        value = self.or_expr()
        if self.peek() is not None:
            raise self.fail(f"{self.peek().value!r}")  # type: ignore[union-attr]
        return value

    def or_expr(self) -> _Value:
        value = self.and_expr()
        while (tok := self.peek()) is not None and tok.type == "OPS_BOOL" and tok.value == "or":
            self.pos += 1
            value = ("bool", _truth(value) | _truth(self.and_expr()))
        return value

    def and_expr(self) -> _Value:
        value = self.comparison()
        while (tok := self.peek()) is not None and tok.type == "OPS_BOOL" and tok.value == "and":
            self.pos += 1
            value = ("bool", _truth(value) & _truth(self.comparison()))
        return value

    def comparison(self) -> _Value:
        left = self.operand()
        tok = self.peek()
        if tok is None or tok.type != "OPS_COMP":
            return left
        self.pos += 1
        right = self.operand()
        return ("bool", _compare(left, tok.value, right))

    def operand(self) -> _Value:
        tok = self.peek()
        if tok is None:
            raise self.fail("an expression that ends early")
        self.pos += 1
        if tok.type == "OPEN_PAREN":
            value = self.or_expr()
            self.take("CLOSE_PAREN")
            return value
        if tok.type == "PYXFORM_REF":
            return ("text", self.column(tok.value[2:-1]))
        if tok.type == "SYSTEM_LITERAL":
            return ("text", np.full(len(self.data), tok.value[1:-1], dtype=object))
        if tok.type == "NUMBER":
            return ("number", np.full(len(self.data), float(tok.value)))
        if tok.type == "FUNC_CALL":
            return self.function(tok.value)
        raise self.fail(f"{tok.value!r}")

    def function(self, name: str) -> _Value:
        if name not in SUPPORTED_FUNCTIONS:
            raise self.fail(f"function {name!r}")
        if name in ("true(", "false("):
            self.take("CLOSE_PAREN")
            return ("bool", np.full(len(self.data), name == "true("))
        if name == "not(":
            value = self.or_expr()
            self.take("CLOSE_PAREN")
            return ("bool", ~_truth(value))
        ref = self.take("PYXFORM_REF").value[2:-1]
        answers = self.column(ref)
        if name == "count-selected(":
            self.take("CLOSE_PAREN")
            return ("number", np.array([len(a.split()) for a in answers], dtype=np.float64))
        self.take("COMMA")
        option = self.take("SYSTEM_LITERAL").value[1:-1]
        self.take("CLOSE_PAREN")
        return ("bool", np.array([option in a.split() for a in answers], dtype=bool))

    def column(self, name: str) -> np.ndarray:
        if name not in self.data.columns:
            raise UnsupportedExpression(
                f"${{{name}}} is not a column of the export (in {self.expression!r})"
            )
        col = self.data[name]
        values = col.astype(object).where(col.notna(), "").astype(str).to_numpy(dtype=object)
        if len(values) and (values == "").all():
            # typically a calculate the export left out (dummy data, or "include calculates" unticked)
            raise UnsupportedExpression(
                f"${{{name}}} is empty in every row (in {self.expression!r})"
            )
        return values


def _truth(value: _Value) -> np.ndarray:
    kind, arr = value
    if kind == "bool":
        return arr.astype(bool)
    if kind == "number":
        return np.nan_to_num(arr) != 0
    return np.array([a != "" for a in arr], dtype=bool)  # XPath: a non-empty string is true


def _compare(left: _Value, op: str, right: _Value) -> np.ndarray:
    if op not in _COMPARE:
        raise UnsupportedExpression(f"operator {op!r} is not supported")
    if "number" in (
        left[0],
        right[0],
    ):  # XPath: compared as numbers; an empty answer is NaN (false)
        a, b = _number(left), _number(right)
        with np.errstate(invalid="ignore"):
            result = _COMPARE[op](a, b)
        return np.where(np.isnan(a) | np.isnan(b), op == "!=", result).astype(bool)
    if "bool" in (left[0], right[0]):
        return _COMPARE[op](_truth(left), _truth(right)).astype(bool)
    if op in ("=", "!="):
        return _COMPARE[op](left[1].astype(str), right[1].astype(str)).astype(bool)
    a, b = _number(left), _number(right)
    with np.errstate(invalid="ignore"):
        return np.where(np.isnan(a) | np.isnan(b), False, _COMPARE[op](a, b)).astype(bool)


def _number(value: _Value) -> np.ndarray:
    kind, arr = value
    if kind == "number":
        return arr
    if kind == "bool":
        return arr.astype(np.float64)
    return pd.to_numeric(
        pd.Series(arr, dtype=object).replace("", np.nan), errors="coerce"
    ).to_numpy(dtype=np.float64)
