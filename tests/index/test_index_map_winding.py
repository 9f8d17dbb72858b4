"""The index page's map: rings wound the RFC 7946 way are drawn, not painted over the globe."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import shapely

from humsec.index.html import _map_chart


def _exterior_clockwise(geometry: dict) -> bool:
    polygon = shapely.geometry.shape(geometry)
    return not polygon.exterior.is_ccw


def test_counter_clockwise_rings_are_rewound_for_d3(tmp_path: Path) -> None:
    # RFC 7946 right-hand rule: exterior counter-clockwise (d3 reads it as "the globe minus the square")
    ccw = [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]
    path = tmp_path / "units.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"iso_a3": "AAA"},
                        "geometry": {"type": "Polygon", "coordinates": ccw},
                    }
                ],
            }
        )
    )
    chart = _map_chart(pd.DataFrame({"unit": ["AAA"], "score": [5.0]}), path, "iso_a3", "t")
    (feature,) = chart.data.values
    assert _exterior_clockwise(feature["geometry"])
    assert feature["properties"] == {"iso_a3": "AAA"}
    assert shapely.geometry.shape(feature["geometry"]).area == 1.0
