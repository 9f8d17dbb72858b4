"""The naive benchmarks ViEWS scores against: ``zero``, ``no_change``, ``hist_12``, ``hist_24``.

- ``zero``: 0 fatalities everywhere;
- ``no_change``: each unit's last month, for every horizon;
- ``hist_12`` / ``hist_24``: each unit's last 12/24 monthly values, as the forecast distribution.

>>> import numpy as np, pandas as pd
>>> from humsec.warn.monthly_panel import MonthlyPanel
>>> p = MonthlyPanel(("A",), pd.Period("2020-01", "M"), np.array([[9.0] * 10 + [0.0, 4.0, 2.0]]))
>>> Benchmark("hist_12").fit(p).predict(2).members[0, :, -3:].tolist()
[[0.0, 4.0, 2.0], [0.0, 4.0, 2.0]]
>>> Benchmark("no_change").fit(p).predict(1).median().tolist()
[[2.0]]
>>> Benchmark("hist_6").fit(p)
Traceback (most recent call last):
humsec.core.errors.ParameterError: The 'name' parameter of Benchmark must be one of 'zero', 'no_change', 'hist_12', 'hist_24'. Got 'hist_6' instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from humsec.core.errors import DataError, SpecError
from humsec.core.params import Constraint, OneOf, validate_params
from humsec.warn.models.base import Forecast, register_forecaster
from humsec.warn.monthly_panel import MonthlyPanel

__all__ = ["BENCHMARKS", "Benchmark"]

#: the benchmarks, each a :class:`Benchmark` of that name (registered in this order)
BENCHMARKS = ("zero", "no_change", "hist_12", "hist_24")


@dataclass
class Benchmark:
    """A naive benchmark: ``zero``, ``no_change``, ``hist_12`` or ``hist_24``."""

    _parameter_constraints: ClassVar[dict[str, Constraint]] = {"name": OneOf(*BENCHMARKS)}

    name: str
    _panel: MonthlyPanel | None = field(default=None, init=False, repr=False)

    def fit(self, panel: MonthlyPanel) -> Benchmark:
        validate_params(self)
        self._panel = panel
        return self

    def predict(self, horizon: int) -> Forecast:
        p = fitted(self._panel, self.name)
        v = p.values
        if self.name == "zero":
            members = np.zeros((v.shape[0], 1))
        elif self.name == "no_change":
            members = v[:, -1:]
        else:
            k = int(self.name.split("_")[1])
            if v.shape[1] < k:
                raise DataError(f"{self.name} needs {k} months of history; the panel has {v.shape[1]}")
            members = v[:, -k:]
        stacked = np.repeat(members[:, None, :], horizon, axis=1).astype(float)
        return Forecast(p.units, p.months[-1], stacked, self.name)


def fitted(panel: MonthlyPanel | None, name: str) -> MonthlyPanel:
    """The panel a forecaster was fitted on (an error before ``fit``)."""
    if panel is None:
        raise SpecError([("model", f"{name}: call fit() before predict()")])
    return panel


_HELP = {
    "zero": "0 fatalities everywhere",
    "no_change": "each unit's last month",
    "hist_12": "each unit's last 12 months, equally weighted",
    "hist_24": "each unit's last 24 months, equally weighted",
}
for _name in BENCHMARKS:
    register_forecaster(_name, lambda _n=_name: Benchmark(_n), help=_HELP[_name])
