from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from humsec.warn.monthly_panel import MonthlyPanel


def simulated_panel(n_units: int = 12, years: int = 6, seed: int = 1) -> MonthlyPanel:
    """Small panel with persistent conflict in some units (negative binomial around a latent level)."""
    rng = np.random.default_rng(seed)
    n = 12 * years
    level = np.zeros((n_units, n))
    level[:, 0] = rng.normal(0, 1.5, n_units)
    for t in range(1, n):
        level[:, t] = 0.9 * level[:, t - 1] + rng.normal(0, 0.5, n_units)
    mu = np.exp(level)
    values = rng.negative_binomial(2, 2 / (2 + mu)).astype(float)
    units = tuple(f"U{i:02d}" for i in range(n_units))
    return MonthlyPanel(units, pd.Period("2015-01", "M"), values)


@pytest.fixture
def small_panel() -> MonthlyPanel:
    return simulated_panel()
