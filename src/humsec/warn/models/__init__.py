"""Forecasters of monthly fatalities with one interface: ``fit(panel)`` then ``predict(horizon)``.

``fit`` sees the panel cut at the forecast origin (its last month) and nothing after; ``predict``
returns a :class:`Forecast` for months 1..horizon after the origin, as an ensemble of equally
weighted members per unit and month (raw counts).

Every forecaster is registered once in :data:`FORECASTERS` (:mod:`humsec.warn.models.base`):
the benchmarks (:mod:`~humsec.warn.models.benchmarks`: ``zero``, ``no_change``, ``hist_12``,
``hist_24``) and the strong models (:mod:`~humsec.warn.models.gbm`: ``lgbm_quantile``,
``lgbm_pool``). This package imports every module in its folder, so adding a forecaster is one
module here that calls :func:`register_forecaster` (docs/warn.md, "Adding a forecaster").

>>> list(FORECASTERS)
['zero', 'no_change', 'hist_12', 'hist_24', 'lgbm_quantile', 'lgbm_pool']
>>> GBM_MODELS
('lgbm_quantile', 'lgbm_pool')
>>> make_forecaster("hist_6")
Traceback (most recent call last):
humsec.core.errors.SpecError: 1 problem(s) in the specification:
  - model: 'hist_6': expected one of ['zero', 'no_change', 'hist_12', 'hist_24', 'lgbm_quantile', 'lgbm_pool']
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pandas as pd

from humsec.warn.models.base import (
    FORECASTERS,
    Forecast,
    Forecaster,
    ForecasterSpec,
    forecaster_spec,
    make_forecaster,
    register_forecaster,
)
from humsec.warn.models.benchmarks import BENCHMARKS, Benchmark
from humsec.warn.models.gbm import TUNABLE, PooledGBM, QuantileGBM, linear_pool

# every other module of this folder registers its forecaster(s) on import, after the built-in ones
for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    importlib.import_module(f"{__name__}.{_module}")

#: the forecasters that take options (``--trees``, a tuning grid, a model file), in registry order
GBM_MODELS: tuple[str, ...] = tuple(n for n, s in FORECASTERS.items() if s.tunable)
#: every forecaster's name, in registry order
MODELS: tuple[str, ...] = tuple(FORECASTERS)

__all__ = [
    "BENCHMARKS",
    "FORECASTERS",
    "GBM_MODELS",
    "MODELS",
    "TUNABLE",
    "Benchmark",
    "Forecast",
    "Forecaster",
    "ForecasterSpec",
    "PooledGBM",
    "QuantileGBM",
    "forecaster_spec",
    "linear_pool",
    "make_forecaster",
    "register_forecaster",
    "review_outlook",
]


def review_outlook(config: Any, areas: Any) -> pd.DataFrame:
    """The early-warning section of ``humsec review`` (see :mod:`humsec.warn.outlook`)."""
    from humsec.warn.outlook import review_outlook as outlook

    return outlook(config, areas)
