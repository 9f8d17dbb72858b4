"""What every forecaster shares: the ensemble :class:`Forecast` it returns, and the registry.

:data:`FORECASTERS` is the one list of forecasters. Each entry says how to make the forecaster,
which options ``humsec warn tune``, a grid or a model file may set (``tunable``), and whether it
learns for a given horizon (``takes_horizon``). The CLI's ``--model`` choices and help, the
backtest's default models, ``warn tune``'s model files and the docs test all read it, so a new
forecaster is one module in this package that calls :func:`register_forecaster` (plus a test and a
line in docs/warn.md): the package imports every module in it.

>>> spec = FORECASTERS["hist_12"]
>>> spec.name, spec.takes_horizon, dict(spec.tunable)
('hist_12', False, {})
>>> sorted(FORECASTERS["lgbm_pool"].tunable)[:3]
['learning_rate', 'max_rows', 'min_child_samples']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Protocol

import numpy as np
import pandas as pd

from humsec.core.errors import SpecError
from humsec.core.params import Constraint
from humsec.warn.monthly_panel import MonthlyPanel

__all__ = [
    "FORECASTERS",
    "Forecast",
    "Forecaster",
    "ForecasterSpec",
    "InstanceOf",
    "forecaster_spec",
    "make_forecaster",
    "register_forecaster",
]


@dataclass
class Forecast:
    """Ensemble forecast: ``members[unit, h - 1, j]`` (raw counts) for horizons 1..H."""

    units: tuple[str, ...]
    origin: pd.Period
    members: np.ndarray
    model: str = ""
    contributions: pd.DataFrame | None = None  # drivers (log1p scale), one row per unit-month

    @property
    def horizons(self) -> np.ndarray:
        return np.arange(1, self.members.shape[1] + 1)

    @property
    def months(self) -> pd.PeriodIndex:
        return pd.period_range(self.origin + 1, periods=self.members.shape[1], freq="M")

    def median(self) -> np.ndarray:
        """Median of the members (numpy: the mean of the middle two for an even count)."""
        return np.median(self.members, axis=2)

    def mean(self) -> np.ndarray:
        return self.members.mean(axis=2)

    def quantile(self, q: float) -> np.ndarray:
        return np.quantile(self.members, q, axis=2)

    def prob_above(self, threshold: float | np.ndarray) -> np.ndarray:
        """Share of members above ``threshold`` (per unit, or per unit and horizon)."""
        thr = np.asarray(threshold, dtype=float)
        thr = thr.reshape(thr.shape + (1,) * (self.members.ndim - thr.ndim))
        return (self.members > thr).mean(axis=2)

    def samples(self, n: int, seed: int = 0) -> np.ndarray:
        """``n`` draws per unit-month from the members' quantile function (linear in between)."""
        rng = np.random.default_rng(seed)
        m = self.members.shape[2]
        levels = (np.arange(m) + 0.5) / m
        u = rng.uniform(size=(*self.members.shape[:2], n))
        pos = np.clip(np.interp(u, levels, np.arange(m)), 0, m - 1)
        lo = np.floor(pos).astype(int)
        hi = np.minimum(lo + 1, m - 1)
        a = np.take_along_axis(self.members, lo, axis=2)
        b = np.take_along_axis(self.members, hi, axis=2)
        return a + (pos - lo) * (b - a)

    def to_frame(self) -> pd.DataFrame:
        """``unit, month, horizon, mean, q05, q50, q95, p_any`` (p_any = P(fatalities ≥ 1))."""
        n_u, n_h = self.members.shape[:2]
        return pd.DataFrame(
            {
                "unit": np.repeat(self.units, n_h),
                "month": np.tile(self.months.astype(str), n_u),
                "horizon": np.tile(self.horizons, n_u),
                "mean": self.mean().ravel(),
                "q05": self.quantile(0.05).ravel(),
                "q50": self.median().ravel(),
                "q95": self.quantile(0.95).ravel(),
                "p_any": self.prob_above(0.5).ravel(),
            }
        )

    def samples_frame(self, n: int, seed: int = 0) -> pd.DataFrame:
        """``unit, month, draw, value``: n draws per unit-month, long (ViEWS challenge layout)."""
        s = self.samples(n, seed)
        n_u, n_h = s.shape[:2]
        return pd.DataFrame(
            {
                "unit": np.repeat(self.units, n_h * n),
                "month": np.tile(np.repeat(self.months.astype(str), n), n_u),
                "draw": np.tile(np.arange(1, n + 1), n_u * n_h),
                "value": s.ravel(),
            }
        )


class Forecaster(Protocol):
    name: str

    def fit(self, panel: MonthlyPanel) -> Forecaster: ...

    def predict(self, horizon: int) -> Forecast: ...


class InstanceOf(Constraint):
    """An instance of ``kind`` (a parameter that is itself an engine, such as the pool's GBM)."""

    def __init__(self, kind: type) -> None:
        self.kind = kind

    def accepts(self, value: Any) -> bool:
        return isinstance(value, self.kind)

    def describe(self) -> str:
        return f"a {self.kind.__name__}"

    def invalid_examples(self) -> list[Any]:
        return ["__not_a_model__"]


@dataclass(frozen=True)
class ForecasterSpec:
    """One registered forecaster: its name, how to make it, and what it declares.

    ``make(**options)`` returns an unfitted forecaster; ``tunable`` maps each option a grid or a
    model file may set to its type (empty: the forecaster takes no options); ``takes_horizon``
    says that it learns for a longest horizon, set with ``make(horizon=...)`` before it is fitted;
    ``help`` is its line in ``--model``'s help.
    """

    name: str
    make: Callable[..., Forecaster]
    help: str
    tunable: Mapping[str, type] = field(default_factory=lambda: MappingProxyType({}))
    takes_horizon: bool = False


_REGISTRY: dict[str, ForecasterSpec] = {}
#: every forecaster, by name, in the order registered (benchmarks first): read-only
FORECASTERS: Mapping[str, ForecasterSpec] = MappingProxyType(_REGISTRY)


def register_forecaster(
    name: str,
    make: Callable[..., Forecaster],
    *,
    help: str,
    tunable: Mapping[str, type] | None = None,
    takes_horizon: bool = False,
) -> ForecasterSpec:
    """Add a forecaster to :data:`FORECASTERS` (a name may be registered once)."""
    if name in _REGISTRY:
        raise ValueError(f"A forecaster named {name!r} is already registered")
    spec = ForecasterSpec(name, make, help, MappingProxyType(dict(tunable or {})), takes_horizon)
    _REGISTRY[name] = spec
    return spec


def forecaster_spec(name: str) -> ForecasterSpec:
    """The registered forecaster ``name``; an unknown name is an error listing the known ones."""
    spec = _REGISTRY.get(name)
    if spec is None:
        raise SpecError([("model", f"{name!r}: expected one of {list(_REGISTRY)}")])
    return spec


def make_forecaster(name: str, *, horizon: int | None = None, **options: Any) -> Forecaster:
    """A registered forecaster by name; ``options`` are its tunable options (others: an error)
    and ``horizon`` its longest horizon (ignored by a forecaster that does not learn one)."""
    spec = forecaster_spec(name)
    if options and not spec.tunable:
        raise SpecError([("model", f"{name!r} takes no options; got {sorted(options)}")])
    if spec.takes_horizon and horizon is not None:
        options["horizon"] = horizon
    try:
        return spec.make(**options)
    except TypeError as exc:  # an option the forecaster's class does not take
        raise SpecError([("model", f"{name!r}: {exc}; its options are {sorted(spec.tunable)}")]) from None
