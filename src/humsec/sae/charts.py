"""Charts of a small-area fit: model estimate against direct estimate (emdi's ``compare_plot``).

Points on the diagonal are areas where the model keeps the direct estimate; areas pulled towards the
regression (small γ, noisy direct estimate) lie off it. Rendered offline by :mod:`humsec.core.charts`.

>>> import pandas as pd
>>> table = pd.DataFrame({"area": ["a", "b", "c"], "direct": [0.2, 0.5, None],
...                       "estimate": [0.25, 0.45, 0.3], "gamma": [0.5, 0.8, 0.0]})
>>> spec = model_vs_direct(table).to_dict()
>>> sorted(len(rows) for rows in spec["datasets"].values())  # 2 areas (c has no direct), 2 ends of y = x
[2, 2]
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["model_vs_direct"]


def model_vs_direct(table: pd.DataFrame, *, title: str = "Model vs direct estimate") -> Any:
    """Scatter of ``estimate`` against ``direct`` (in-sample areas) with the line y = x."""
    import altair as alt

    d = table.loc[table["direct"].notna(), ["area", "direct", "estimate", "gamma"]].copy()
    d["area"] = d["area"].astype(str)
    low = float(min(d["direct"].min(), d["estimate"].min()))
    high = float(max(d["direct"].max(), d["estimate"].max()))
    diagonal = pd.DataFrame({"direct": [low, high], "estimate": [low, high]})
    points = (
        alt.Chart(d, title=title)
        .mark_circle(size=50)
        .encode(
            x=alt.X("direct:Q", title="direct estimate", scale=alt.Scale(zero=False)),
            y=alt.Y("estimate:Q", title="model estimate", scale=alt.Scale(zero=False)),
            color=alt.Color("gamma:Q", title="shrinkage γ", scale=alt.Scale(domain=[0, 1])),
            tooltip=["area", alt.Tooltip("direct:Q", format=".4~g"),
                     alt.Tooltip("estimate:Q", format=".4~g"), alt.Tooltip("gamma:Q", format=".3f")],
        )
    )  # fmt: skip
    line = (
        alt.Chart(diagonal)
        .mark_line(color="grey", strokeDash=[4, 4])
        .encode(x="direct:Q", y="estimate:Q")
    )
    return (points + line).properties(width=360, height=360)
