"""The parameter handling FayHerriot shares with its subclasses serves each subclass as itself."""

from __future__ import annotations

import numpy as np
import pytest

from humsec.core.errors import HumsecError
from humsec.sae import FayHerriot, SpatialFayHerriot


class _Tuned(FayHerriot):
    """A user's subclass: clone and errors must keep its type and name."""


def test_clone_of_a_subclass_is_that_subclass() -> None:
    tuned = _Tuned(formula="y ~ x", variance="v", method="ml")
    copy = tuned.clone()
    assert type(copy) is _Tuned and copy.get_params() == tuned.get_params()
    with pytest.raises(HumsecError, match="Unknown parameter 'k' of _Tuned"):
        tuned.set_params(k=1)


def test_spatial_parameters_are_its_own() -> None:
    W = np.eye(3)
    sfh = SpatialFayHerriot(formula="y ~ x", variance="v", proximity=W)
    assert list(sfh.get_params()) == [
        "formula", "variance", "proximity", "area", "method", "level", "max_iter", "tol",
    ]  # fmt: skip
    assert type(sfh.clone()) is SpatialFayHerriot
    assert sfh.set_params(method="ml").method == "ml"
    with pytest.raises(HumsecError, match="Unknown parameter 'k' of SpatialFayHerriot"):
        sfh.set_params(k=1)
