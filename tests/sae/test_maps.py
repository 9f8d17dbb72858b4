"""Maps of estimates and CVs: each map has its own colour scale and legend."""

from __future__ import annotations

import pandas as pd

from humsec.sae.maps import estimate_maps

GEO = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": n},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[i, 0], [i + 1, 0], [i + 1, 1], [i, 0]]],
            },
        }
        for i, n in enumerate(["A", "B"])
    ],
}


def test_estimate_and_cv_maps_have_independent_scales() -> None:
    table = pd.DataFrame({"area": ["A", "B"], "estimate": [0.3, 0.6], "cv": [0.05, 0.1]})
    spec = estimate_maps(table, GEO, key="name").to_dict()
    assert spec["resolve"]["scale"]["color"] == "independent"
    titles = [c["layer"][1]["encoding"]["color"]["title"] for c in spec["hconcat"]]
    assert titles == ["estimate", "CV"]
