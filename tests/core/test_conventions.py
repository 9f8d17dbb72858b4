"""humsec.testing's checks catch what they promise (a check that cannot fail is a defect)."""

from __future__ import annotations

from typing import ClassVar

import pandas as pd
import pytest

from humsec.core.errors import HumsecError
from humsec.core.params import Constraint, Interval, validate_params
from humsec.core.result import ResultBase
from humsec.testing import check_engine, check_result


class _Good(ResultBase):
    tables = ("estimates", "notes_table")

    def __init__(self):
        self.notes = ["one row dropped"]

    def _frame(self, table):
        return pd.DataFrame({"table": [table], "value": [1.0]})

    def summary(self):
        return "Good <result> & co"


def test_a_conforming_result_passes():
    check_result(_Good())
    assert "&lt;result&gt;" in _Good()._repr_html_()


def test_a_result_whose_str_is_not_its_summary_fails():
    class Bad(_Good):
        def __str__(self):
            return "other"

    with pytest.raises(AssertionError, match="differs from its summary"):
        check_result(Bad())


def test_a_result_with_an_empty_table_list_fails():
    class Bad(_Good):
        tables = ()

    with pytest.raises(AssertionError, match="declares no tables"):
        check_result(Bad())


class _Engine:
    _parameter_constraints: ClassVar[dict[str, Constraint]] = {"level": Interval(0, 1)}

    def __init__(self, *, level=0.95):
        self.level = level

    def __repr__(self):
        return f"{type(self).__name__}(level={self.level!r})"

    def fit(self, data):
        validate_params(self)
        return data


def test_a_conforming_engine_passes():
    check_engine(_Engine(level=0.9), fit=lambda e: e.fit(None))


def test_an_engine_that_accepts_a_bad_value_fails():
    class Lax(_Engine):
        def fit(self, data):
            return data

    with pytest.raises(AssertionError, match="accepted level="):
        check_engine(Lax(), fit=lambda e: e.fit(None))


def test_an_engine_whose_error_does_not_name_the_parameter_fails():
    class Vague(_Engine):
        def fit(self, data):
            if not 0 < self.level < 1:
                raise HumsecError("bad value")
            return data

    with pytest.raises(AssertionError, match="does not name the parameter"):
        check_engine(Vague(), fit=lambda e: e.fit(None))
