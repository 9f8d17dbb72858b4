"""The interval of every small-area estimate: ``estimate ± z·√MSE`` (none where the MSE is ≤ 0).

>>> low, high = mse_interval([2.0, 1.0], [0.25, 0.0], 0.95)
>>> [round(float(v), 4) for v in low], bool(np.isnan(high[1]))
([1.02, nan], True)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from humsec.core.inference import normal_ci

__all__ = ["mse_interval", "with_intervals"]


def mse_interval(estimate: Any, mse: Any, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Normal interval at ``level`` from the MSE; an MSE ≤ 0 or missing gives no interval."""
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1). Got {level!r} instead.")
    est = np.asarray(estimate, dtype=float)
    mse = np.asarray(mse, dtype=float)
    se = np.sqrt(np.where(mse > 0, mse, np.nan))
    return normal_ci(est, se, level)


def with_intervals(table: Any, ci: Any, columns: list[str]) -> Any:
    """``table`` (estimate, mse, ...) with its ``ci`` bounds and the CV √MSE / |estimate|, in ``columns``."""
    t = table.copy()
    t["ci_low"], t["ci_high"] = ci["ci_low"].to_numpy(), ci["ci_high"].to_numpy()
    t["cv"] = np.sqrt(t["mse"].where(t["mse"] > 0)) / t["estimate"].abs()
    return t[columns]
