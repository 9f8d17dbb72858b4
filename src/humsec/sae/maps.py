"""Maps of small-area estimates: the model estimate and its CV side by side (shared boundaries).

>>> geo = {"type": "FeatureCollection", "features": [
...     {"type": "Feature", "properties": {"name": "A"},
...      "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}}]}
>>> import pandas as pd
>>> table = pd.DataFrame({"area": ["A"], "estimate": [0.3], "cv": [0.1]})
>>> from humsec.core.maps import to_png
>>> to_png(estimate_maps(table, geo, key="name"))[:4]
b'\\x89PNG'
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from humsec.core.maps import choropleth

__all__ = ["estimate_maps"]


def estimate_maps(
    table: pd.DataFrame, geo: dict[str, Any], *, key: str, titles: tuple[str, str] | None = None
) -> Any:
    """Two maps from an estimates table (``area``, ``estimate``, ``cv``): areas matched on ``key``;
    ``titles`` of the two maps in a report's language."""
    import altair as alt

    est = pd.DataFrame({"area": table["area"].astype(str), "value": table["estimate"]})
    cv = pd.DataFrame({"area": table["area"].astype(str), "value": table["cv"]})
    est_title, cv_title = titles or ("Model estimate", "Coefficient of variation (sqrt(MSE) / estimate)")
    left = choropleth(
        geo, est, key=key, title=est_title, legend="estimate",
        legend_format=".3~g", value_format=".4~g",
    )  # fmt: skip
    right = choropleth(
        geo, cv, key=key, title=cv_title, legend="CV",
        scheme="purples", legend_format=".0%", value_format=".1%",
    )  # fmt: skip
    # each map its own colour scale: a CV of 10 % must not be drawn on the estimates' scale
    return alt.hconcat(left, right).resolve_scale(color="independent")
