"""Model checks of a Fay-Herriot fit: normality of the standardised residuals and area effects.

As emdi's ``summary`` of an ``fh`` model: for the in-sample areas, the standardised realised
residuals ``(direct − estimate) / √ψ`` and the standardised predicted area effects
``(estimate − x'β̂) / σ̂ᵤ`` with their skewness, (Pearson) kurtosis and the Shapiro-Wilk test
(3 to 5,000 areas). Large departures from normality (kurtosis far from 3, small p) say the
Gaussian model, and so its MSE, may not fit; a transformation may help.

>>> import pandas as pd
>>> from humsec.sae import FayHerriot
>>> data = pd.DataFrame({"y": [1.0, 3.0, 2.0, 5.0, 4.0, 6.5], "x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
...                      "v": [0.5, 0.2, 1.0, 0.5, 0.5, 0.4]})
>>> table = normality(FayHerriot(formula="y ~ x", variance="v").fit(data))
>>> table["quantity"].tolist()
['standardised residuals', 'standardised area effects']
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from humsec.sae.result import FHResult

__all__ = ["normality"]


def normality(result: FHResult) -> pd.DataFrame:
    """Skewness, kurtosis and Shapiro-Wilk of the in-sample standardised residuals and effects."""
    t = result.table()
    ins = t[t["in_sample"]]
    model = ins["estimate_model"] if "estimate_model" in ins else ins["estimate"]
    residuals = ((ins["direct"] - model) / ins["direct_se"]).to_numpy(dtype=float)
    effects = (model - ins["synthetic"]).to_numpy(dtype=float)
    if result.sigma2_u > 0:
        effects = effects / np.sqrt(result.sigma2_u)
    rows = []
    for name, values in (
        ("standardised residuals", residuals),
        ("standardised area effects", effects),
    ):
        testable = 3 <= len(values) <= 5000 and np.ptp(values) > 0
        w, p = stats.shapiro(values) if testable else (np.nan, np.nan)
        rows.append(
            {
                "quantity": name,
                "n": len(values),
                "skewness": float(stats.skew(values)) if np.ptp(values) > 0 else np.nan,
                "kurtosis": float(stats.kurtosis(values, fisher=False))
                if np.ptp(values) > 0
                else np.nan,
                "shapiro_w": float(w),
                "shapiro_p": float(p),
            }
        )
    return pd.DataFrame(rows)
