"""Bad input to the Fay-Herriot engine: one clear error naming the column, the rows and the areas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from humsec.core.errors import ColumnNotFoundError, DataError, HumsecError
from humsec.sae import FayHerriot


def _data() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area": ["north", "south", "east", "west", "centre", "coast"],
            "y": [1.0, 3.0, 2.0, 5.0, 4.0, np.nan],
            "x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
            "v": [0.5, 0.2, 1.0, 0.5, 0.5, np.nan],
        }
    )


def _fit(data: pd.DataFrame, **kw: object) -> object:
    params = {"formula": "y ~ x", "variance": "v", "area": "area", **kw}
    return FayHerriot(**params).fit(data, source="areas.csv")  # type: ignore[arg-type]


def test_repeated_area() -> None:
    d = _data()
    d.loc[3, "area"] = "south"
    with pytest.raises(
        DataError, match=r"'area' of areas.csv: areas are repeated \(south\) in rows 2, 4"
    ):
        _fit(d)


@pytest.mark.parametrize("bad", [0.0, -1.0, np.nan])
def test_variance_not_positive_where_an_estimate_exists(bad: float) -> None:
    d = _data()
    d.loc[2, "v"] = bad
    with pytest.raises(DataError, match=r"'v' of areas.csv.*> 0.*row 3 \(area east\)"):
        _fit(d)


def test_variance_may_be_empty_out_of_sample() -> None:
    assert _fit(_data()).table()["in_sample"].tolist() == [True] * 5 + [False]  # type: ignore[attr-defined]


def test_missing_covariate_names_rows_and_areas() -> None:
    d = _data()
    d.loc[5, "x"] = np.nan
    with pytest.raises(
        DataError, match=r"Covariate column 'x' of areas.csv is empty for row 6 \(area coast\)"
    ):
        _fit(d)


def test_collinear_covariates_are_named() -> None:
    d = _data()
    d["x2"] = 2 * d["x"] + 1
    with pytest.raises(DataError, match=r"collinear.*x2? is a linear combination"):
        _fit(d, formula="y ~ x + x2")


def test_estimate_that_is_text_is_an_error_not_an_empty_area() -> None:
    d = _data().astype({"y": object})
    d.loc[1, "y"] = "n/a"
    with pytest.raises(
        DataError, match=r"'y' of areas.csv: expected numbers; row 2 \(area south\) have 'n/a'"
    ):
        _fit(d)


def test_unknown_column_suggests_nearest() -> None:
    with pytest.raises(ColumnNotFoundError, match="xx"):
        _fit(_data(), formula="y ~ xx")


def test_non_convergence_is_an_error() -> None:
    with pytest.raises(DataError, match=r"did not converge in 1 iterations"):
        _fit(_data(), max_iter=1)


@pytest.mark.parametrize(
    ("param", "value", "expected"),
    [
        ("method", "bayes", "one of 'reml', 'ml', 'fh'"),
        ("level", 1.5, "a number in \\(0, 1\\)"),
        ("formula", "y x", "a string 'y ~ x1 \\+ x2'"),
        ("max_iter", 0, "an integer ≥ 1"),
    ],
)
def test_bad_parameters_one_sentence(param: str, value: object, expected: str) -> None:
    with pytest.raises(
        HumsecError, match=f"The '{param}' parameter of FayHerriot must be {expected}"
    ):
        _fit(_data(), **{param: value})


def test_engine_and_result_follow_the_conventions() -> None:
    from humsec.testing import check_engine, check_result

    engine = FayHerriot(formula="y ~ x", variance="v", area="area")
    check_engine(engine, fit=lambda e: e.fit(_data()))
    check_result(engine.fit(_data()))


def test_too_few_areas() -> None:
    d = _data()
    d.loc[2:, "y"] = np.nan
    with pytest.raises(DataError, match="2 area"):
        _fit(d)


def test_engines_store_parameters_clone_and_print_them() -> None:
    from humsec.sae import SpatialFayHerriot

    fh = FayHerriot(formula="y ~ x", variance="v", method="ml")
    assert fh.clone().get_params() == fh.get_params()
    assert repr(fh) == (
        "FayHerriot(formula='y ~ x', variance='v', area=None, method='ml', level=0.95, "
        "max_iter=100, tol=0.0001)"
    )
    assert fh.set_params(method="fh").method == "fh"
    with pytest.raises(HumsecError, match="Unknown parameter 'k' of FayHerriot"):
        fh.set_params(k=1)
    W = np.eye(3)
    sfh = SpatialFayHerriot(formula="y ~ x", variance="v", proximity=W)
    assert sfh.clone().proximity is W and "proximity=<(3, 3) matrix>" in repr(sfh)
    result = _fit(_data())
    assert result.params == {  # type: ignore[attr-defined]
        "formula": "y ~ x", "variance": "v", "area": "area", "method": "reml",
        "level": 0.95, "max_iter": 100, "tol": 0.0001,
    }  # fmt: skip
    assert str(result).startswith("Fay-Herriot EBLUP (REML)")
    assert result._repr_html_().startswith("<pre>Fay-Herriot")  # type: ignore[attr-defined]
