"""The early-warning map (issue 21, defect 3): every polygon wound as d3-geo draws it, units the map
cannot show named, country-level maps from admin-0 outlines, a forecast even with no alerts, and
numbers formatted for people. The rendered page is checked in Chromium in test_warn_map_browser.py."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from humsec.cli.main import app
from humsec.core.boundaries import read_boundaries, wound_for_d3
from humsec.core.maps import choropleth
from humsec.warn.alerts import AlertRules, forecast_summary, make_alerts
from humsec.warn.html import alerts_geojson, formatted, map_notes, render_warn_html
from humsec.warn.models import Benchmark
from humsec.warn.monthly_panel import MonthlyPanel

BOUNDARIES = Path(__file__).resolve().parents[3] / "shared" / "data" / "boundaries"
BGD_DIVISIONS = BOUNDARIES / "bgd_division_adm1.geojson"
ADMIN0 = BOUNDARIES / "ne_admin0_humsec11.geojson"


def _polygons(geometry: dict) -> list[shapely.Polygon]:
    g = shapely.geometry.shape(geometry)
    return list(getattr(g, "geoms", [g]))


def _drawable(geometry: dict) -> bool:
    """Exterior rings clockwise and holes counter-clockwise (what d3-geo fills as the area)."""
    return all(
        not p.exterior.is_ccw and all(r.is_ccw for r in p.interiors) for p in _polygons(geometry)
    )


def _square(x0: float, y0: float, size: float = 1.0) -> list[list[float]]:
    return [[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]


# --- the winding -------------------------------------------------------------------------------


@pytest.mark.skipif(not BGD_DIVISIONS.exists(), reason="needs ../shared/data/boundaries")
def test_bangladesh_divisions_are_wound_for_d3():
    features = json.loads(BGD_DIVISIONS.read_text(encoding="utf-8"))["features"]
    rings = [p for f in features for p in _polygons(f["geometry"])]
    # the file follows RFC 7946: all 271 exterior rings counter-clockwise (d3 fills the globe)
    assert len(rings) == 271
    assert all(p.exterior.is_ccw for p in rings)
    for f in features:
        drawn = wound_for_d3(f["geometry"])
        assert _drawable(drawn)
        # same shape: only the order of the vertices changed
        assert shapely.geometry.shape(drawn).equals(shapely.geometry.shape(f["geometry"]))


@settings(max_examples=60, deadline=None)
@given(
    x=st.floats(-170, 160),
    y=st.floats(-80, 70),
    size=st.floats(0.01, 10),
    reverse_outer=st.booleans(),
    reverse_hole=st.booleans(),
    multi=st.booleans(),
)
def test_winding_is_clockwise_outside_whatever_comes_in(
    x, y, size, reverse_outer, reverse_hole, multi
):
    outer = _square(x, y, size)
    hole = _square(x + size / 4, y + size / 4, size / 2)
    rings = [outer[::-1] if reverse_outer else outer, hole[::-1] if reverse_hole else hole]
    geometry = (
        {"type": "MultiPolygon", "coordinates": [rings, [_square(x + 2 * size, y, size)]]}
        if multi
        else {"type": "Polygon", "coordinates": rings}
    )
    drawn = wound_for_d3(geometry)
    assert _drawable(drawn)
    assert wound_for_d3(drawn) == drawn  # idempotent
    assert shapely.geometry.shape(drawn).area == pytest.approx(
        shapely.geometry.shape(geometry).area
    )


def test_points_lines_and_missing_geometry_pass_through():
    assert wound_for_d3(None) is None
    line = {"type": "LineString", "coordinates": [[0.0, 0.0], [1.0, 1.0]]}
    assert wound_for_d3(line) == line


def test_every_choropleth_draws_clockwise_exteriors():
    """The response and review maps go through maps.choropleth: its data is wound for d3."""
    ccw = {"type": "Polygon", "coordinates": [_square(0, 0)]}
    geo = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"k": "A"}, "geometry": ccw}],
    }
    spec = choropleth(
        geo, pd.DataFrame({"area": ["A"], "value": [1.0]}), key="k", title="t"
    ).to_dict()
    drawn = list(_geometries(spec))
    assert drawn and all(_drawable(g) for g in drawn)


def _geometries(spec: object):
    """Every feature geometry inlined anywhere in a Vega-Lite spec."""
    if isinstance(spec, dict):
        if spec.get("type") == "Feature":
            yield spec["geometry"]
            return
        for v in spec.values():
            yield from _geometries(v)
    elif isinstance(spec, list):
        for v in spec:
            yield from _geometries(v)


# --- the warn map's content --------------------------------------------------------------------


def _panel() -> MonthlyPanel:
    values = np.array([[0.0] * 11 + [90.0], [0.0] * 12, [3.0] * 12, [1500.0] * 12])
    units = (
        "Bangladesh|Dhaka",
        "Bangladesh|Sylhet",
        "Myanmar (Burma)|Shan",
        "Myanmar (Burma)|Kachin",
    )
    return MonthlyPanel(units, pd.Period("2020-01", "M"), values)


def _boundaries(tmp_path: Path, names: list[str], prop: str = "adm1_name") -> object:
    gj = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {prop: n},
                "geometry": {"type": "Polygon", "coordinates": [_square(i, 0)]},
            }
            for i, n in enumerate(names)
        ],
    }
    path = tmp_path / f"{prop}.geojson"
    path.write_text(json.dumps(gj), encoding="utf-8")
    return read_boundaries(path, name_property=prop)


def test_units_without_a_polygon_and_areas_without_a_forecast_are_named(tmp_path):
    panel = _panel()
    fc = Benchmark("no_change").fit(panel).predict(3)
    alerts = make_alerts(fc, panel)
    b = {"Bangladesh": _boundaries(tmp_path, ["Dhaka", "Sylhet", "Khulna"])}
    gj = alerts_geojson(alerts, fc, b)
    # an area with no events keeps its polygon, with no value (grey), never NaN in the GeoJSON
    json.dumps(gj, allow_nan=False)
    by_unit = {f["properties"]["unit"]: f["properties"] for f in gj["features"]}
    assert by_unit["Bangladesh|Khulna"]["p_any_max"] is None
    assert by_unit["Bangladesh|Dhaka"]["p_any_max"] == 1.0
    notes = map_notes(fc, gj)
    assert notes[0] == (
        "2 unit(s) have no polygon and are not on the map: Myanmar (Burma)|Shan, Myanmar (Burma)|Kachin"
    )
    assert (
        notes[1].startswith("1 area(s) drawn grey have no forecast")
        and "Bangladesh|Khulna" in notes[1]
    )
    page = render_warn_html(alerts, fc, panel, geojson=gj)
    assert "2 unit(s) have no polygon and are not on the map" in page


def test_country_units_find_their_admin0_outlines_by_name(tmp_path):
    panel = MonthlyPanel(
        ("Bangladesh", "Myanmar (Burma)", "Atlantis"), pd.Period("2020-01", "M"), np.ones((3, 12))
    )
    fc = Benchmark("no_change").fit(panel).predict(2)
    outlines = {"world": _boundaries(tmp_path, ["Bangladesh", "Myanmar", "Kenya"], prop="name")}
    gj = alerts_geojson(make_alerts(fc, panel), fc, outlines, unit="country")
    # Kenya is not in the data: left off; Myanmar's outline is the unit "Myanmar (Burma)"
    assert [f["properties"]["unit"] for f in gj["features"]] == ["Bangladesh", "Myanmar (Burma)"]
    assert map_notes(fc, gj) == ["1 unit(s) have no polygon and are not on the map: Atlantis"]


def test_with_no_alerts_the_page_still_shows_every_forecast():
    panel = _panel()
    fc = Benchmark("hist_12").fit(panel).predict(3)
    alerts = make_alerts(fc, panel, AlertRules(threshold=1e6, rise_factor=1e6))
    assert alerts.empty
    page = render_warn_html(alerts, fc, panel)
    assert "No alerts" in page and "Forecast by unit (4)" in page
    assert page.count("no alerts</td>") == 4
    assert "Myanmar (Burma)|Kachin" in page and "4,500" in page  # 3 months × 1,500, formatted
    assert "<svg" in page  # sparklines of the largest forecasts


def test_summary_totals_are_the_sums_of_the_monthly_means():
    panel = _panel()
    fc = Benchmark("hist_12").fit(panel).predict(3)
    s = forecast_summary(fc, make_alerts(fc, panel)).set_index("unit")
    assert s.loc["Myanmar (Burma)|Kachin", "forecast_total"] == pytest.approx(4500.0)
    assert s.loc["Bangladesh|Dhaka", "forecast_total"] == pytest.approx(3 * 90 / 12)
    assert s.index[0] == "Myanmar (Burma)|Kachin"  # largest first


def test_numbers_are_formatted_for_people():
    rows = formatted(
        pd.DataFrame(
            {
                "unit": ["A", "B", "C"],
                "p_exceed": [0.5, 0.004, 0.996],
                "mean": [12345.678, 3.14159, 0.456],
                "months_since_event": [0.0, 12.0, np.inf],
                "horizon": [1, 2, 12],
            }
        )
    )
    assert rows == [
        {
            "unit": "A",
            "p_exceed": "50%",
            "mean": "12,346",
            "months_since_event": "0",
            "horizon": "1",
        },
        {"unit": "B", "p_exceed": "<1%", "mean": "3.1", "months_since_event": "12", "horizon": "2"},
        {
            "unit": "C",
            "p_exceed": ">99%",
            "mean": "0.46",
            "months_since_event": "never",
            "horizon": "12",
        },
    ]


def test_every_numeric_column_of_the_tables_has_a_format():
    from humsec.warn.alerts import COLUMNS, SUMMARY_COLUMNS
    from humsec.warn.html import FORMATS

    text = {"unit", "rule", "month", "drivers", "peak_month", "alerts"}
    assert set(COLUMNS) | set(SUMMARY_COLUMNS) == set(FORMATS) | text


def test_alert_table_cells_show_no_raw_floats():
    panel = _panel()
    fc = Benchmark("no_change").fit(panel).predict(3)
    page = render_warn_html(make_alerts(fc, panel), fc, panel)
    assert "1500.0" not in page and "1,500" in page
    assert "100%" in page


# --- the CLI: --unit country with admin-0 outlines ---------------------------------------------


def _events(tmp_path: Path) -> Path:
    rows = [
        ("Bangladesh", "Dhaka Division", 23.8, 90.4),
        ("Myanmar (Burma)", "Shan State", 21.0, 97.0),
        ("Kenya", "Nairobi", -1.3, 36.8),
    ]
    lines = ["date_start,best,country,adm_1,latitude,longitude"]
    for year in (2019, 2020):
        for month in range(1, 13):
            for i, (c, a, lat, lon) in enumerate(rows):
                lines.append(f"{year}-{month:02d}-15,{(month + i) % 4},{c},{a},{lat},{lon}")
    path = tmp_path / "events.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_cli_country_map_from_admin0_outlines(tmp_path):
    outlines = tmp_path / "admin0.geojson"
    gj = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": n, "iso_a3": iso},
                "geometry": {"type": "Polygon", "coordinates": [_square(i, 0)]},
            }
            for i, (n, iso) in enumerate([("Bangladesh", "BGD"), ("Kenya", "KEN"), ("Peru", "PER")])
        ],
    }
    outlines.write_text(json.dumps(gj), encoding="utf-8")
    html, geo = tmp_path / "a.html", tmp_path / "a.geojson"
    result = CliRunner().invoke(
        app,
        [
            "warn",
            "alerts",
            str(_events(tmp_path)),
            "--unit",
            "country",
            "--model",
            "hist_12",
            "--boundaries",
            str(outlines),
            "--out",
            str(tmp_path / "a.csv"),
            "--html",
            str(html),
            "--geojson",
            str(geo),
        ],
    )
    assert result.exit_code == 0, result.output
    units = [f["properties"]["unit"] for f in json.loads(geo.read_text())["features"]]
    assert units == ["Bangladesh", "Kenya"]  # Peru has no events: its outline is left off
    assert "1 unit(s) have no polygon and are not on the map: Myanmar (Burma)" in result.output
    page = html.read_text(encoding="utf-8")
    assert 'aria-label="map"' in page and "Myanmar (Burma)" in page


@pytest.mark.skipif(not ADMIN0.exists(), reason="needs ../shared/data/boundaries")
def test_shipped_admin0_outlines_are_read_by_country_name():
    b = read_boundaries(ADMIN0, name_property="name")
    assert {"Bangladesh", "Kenya", "Tanzania"} <= set(b.names)


def test_package_boundaries_draw_clockwise():
    """The boundary sets shipped in the package (used by the response and review maps)."""
    from importlib import resources

    for name in ("bgd_adm1_divisions.geojson.gz", "ken_adm1_counties.geojson.gz"):
        path = Path(str(resources.files("humsec.datasets") / "places" / name))
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            features = json.load(fh)["features"]
        assert all(_drawable(wound_for_d3(f["geometry"])) for f in features)
