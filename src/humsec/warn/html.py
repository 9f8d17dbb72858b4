"""Early-warning outputs: alerts as GeoJSON, and an offline HTML page (map, alerts, every unit's
forecast, per-unit sparklines).

Charts are Altair specifications rendered to inline SVG by vl-convert (no CDN, no JavaScript).

>>> import numpy as np, pandas as pd
>>> from humsec.warn.models import Benchmark
>>> from humsec.warn.alerts import make_alerts
>>> from humsec.warn.monthly_panel import MonthlyPanel
>>> p = MonthlyPanel(("A",), pd.Period("2020-01", "M"), np.array([[0.0] * 11 + [90.0]]))
>>> f = Benchmark("no_change").fit(p).predict(3)
>>> html = render_warn_html(make_alerts(f, p), f, p, title="demo")
>>> html.startswith("<!doctype html>") and "<svg" in html and "cdn" not in html.lower()
True
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from humsec.core.areas import canonical_area
from humsec.core.boundaries import Boundaries
from humsec.core.charts import to_svg
from humsec.core.maps import choropleth
from humsec.warn.alerts import forecast_summary
from humsec.warn.models import Forecast
from humsec.warn.monthly_panel import MonthlyPanel

__all__ = [
    "FORMATS", "alerts_geojson", "backtest_chart", "formatted", "map_notes", "render_warn_html", "sparkline",
]  # fmt: skip


def _matcher(units: list[str]) -> dict[str, str]:
    """Plain (country-level) unit names by a forgiving key: case, accents and a trailing
    parenthesis ignored, so an outline named "Myanmar" finds the unit "Myanmar (Burma)"."""
    return {_loose(u): u for u in units if "|" not in u}


def _loose(name: str) -> str:
    return canonical_area(re.sub(r"\s*\([^)]*\)\s*$", "", name)).casefold()


def _feature_unit(country: str, name: str, units: set[str], loose: dict[str, str]) -> str | None:
    qualified = f"{country}|{name}"
    if qualified in units:
        return qualified
    if name in units:
        return name
    return loose.get(_loose(name))


def _number(value: Any) -> float | None:
    v = float(value)
    return v if np.isfinite(v) else None  # GeoJSON (JSON) has no NaN


def alerts_geojson(
    alerts: pd.DataFrame,
    forecast: Forecast,
    boundaries: Mapping[str, Boundaries],
    *,
    unit: str = "admin1",
) -> dict[str, Any]:
    """One feature per area: its polygon, peak P(any fatality), forecast total and its alerts.

    With ``unit="admin1"`` every polygon of the given countries is kept (an area without events
    has no forecast: ``p_any_max`` is null). With ``unit="country"`` the polygons are outlines
    (admin 0, e.g. Natural Earth), matched to the units by name, and outlines of countries not in
    the forecast are left out.
    """
    summary = forecast_summary(forecast, alerts).set_index("unit")
    units = set(forecast.units)
    loose = _matcher(list(forecast.units))
    features = []
    for country, b in boundaries.items():
        for name, feature in zip(b.names, b.features, strict=True):
            matched = _feature_unit(country, name, units, loose)
            if matched is None and unit == "country":
                continue
            key = matched or f"{country}|{name}"
            rows = alerts[alerts["unit"] == key]
            props = dict(feature.get("properties") or {})
            known = key in summary.index
            props.update(
                {
                    "unit": key,
                    "p_any_max": _number(summary.at[key, "p_any_max"]) if known else None,
                    "forecast_total": _number(summary.at[key, "forecast_total"]) if known else None,
                    "alerts": "; ".join(f"{r.rule} {r.month}" for r in rows.itertuples()),
                    "drivers": "; ".join(sorted(set(rows["drivers"]) - {""})),
                }
            )
            features.append(
                {"type": "Feature", "properties": props, "geometry": feature["geometry"]}
            )
    return {"type": "FeatureCollection", "features": features}


def map_notes(forecast: Forecast, geojson: dict[str, Any]) -> list[str]:
    """What the map cannot show: units without a polygon, and areas drawn grey (no forecast)."""
    drawn = {str(f["properties"]["unit"]) for f in geojson["features"]}
    grey = sorted(
        str(f["properties"]["unit"])
        for f in geojson["features"]
        if f["properties"].get("p_any_max") is None
    )
    absent = [u for u in forecast.units if u not in drawn]
    notes = []
    if absent:
        notes.append(
            f"{len(absent)} unit(s) have no polygon and are not on the map: {', '.join(absent)}"
        )
    if grey:
        notes.append(
            f"{len(grey)} area(s) drawn grey have no forecast (no events in the data): {', '.join(grey)}"
        )
    return notes


def sparkline(panel: MonthlyPanel, forecast: Forecast, unit: str, months: int = 36) -> Any:
    """Last ``months`` observed (line) and the forecast median with its 5–95 % band."""
    import altair as alt

    i = panel.units.index(unit)
    j = forecast.units.index(unit)
    hist = pd.DataFrame(
        {
            "month": panel.months[-months:].to_timestamp(),
            "value": panel.values[i, -months:],
        }
    )
    fc = pd.DataFrame(
        {
            "month": forecast.months.to_timestamp(),
            "q50": forecast.median()[j],
            "q05": forecast.quantile(0.05)[j],
            "q95": forecast.quantile(0.95)[j],
        }
    )
    x = alt.X("month:T", title=None)
    line = (
        alt.Chart(hist).mark_line(color="#333").encode(x=x, y=alt.Y("value:Q", title="fatalities"))
    )
    band = alt.Chart(fc).mark_area(opacity=0.3, color="#d62728").encode(x=x, y="q05:Q", y2="q95:Q")
    med = alt.Chart(fc).mark_line(color="#d62728", strokeDash=[4, 2]).encode(x=x, y="q50:Q")
    return (band + line + med).properties(width=360, height=90, title=unit)


def _map(geojson: dict[str, Any]) -> Any:
    values = pd.DataFrame(
        {
            "area": [f["properties"]["unit"] for f in geojson["features"]],
            "value": [f["properties"]["p_any_max"] for f in geojson["features"]],
        }
    )
    return choropleth(
        geojson,
        values,
        key="unit",
        title="Peak monthly P(any fatality)",
        legend="P(any)",
        scheme="reds",
        legend_format=".0%",
        value_format=".0%",
        domain=(0.0, 1.0),
        width=420,
        height=420,
    )


def _percent(p: float) -> str:
    if not np.isfinite(p):
        return "–"
    if 0 < p < 0.01:
        return "<1%"
    if 0.99 < p < 1:
        return ">99%"
    return f"{p:.0%}"


def _fatalities(v: float) -> str:
    """Thousands separators; no decimals from 10 on (and for whole numbers), one from 1, else two."""
    if not np.isfinite(v):
        return "–"
    if v == round(v) or abs(v) >= 10:
        return f"{v:,.0f}"
    return f"{v:.1f}" if abs(v) >= 1 else f"{v:.2f}"


def _months(v: float) -> str:
    return "never" if np.isinf(v) else _fatalities(v)  # inf: no fatality in the whole history


#: how each numeric column of the alert and forecast tables is shown (the rest as they are)
FORMATS: dict[str, Callable[[float], str]] = {
    "p_exceed": _percent,
    "p_any_max": _percent,
    "horizon": _fatalities,
    "mean": _fatalities,
    "q05": _fatalities,
    "q50": _fatalities,
    "q95": _fatalities,
    "last_value": _fatalities,
    "mean_last12": _fatalities,
    "max_last12": _fatalities,
    "months_since_event": _months,
    "forecast_total": _fatalities,
    "peak_mean": _fatalities,
}


def formatted(table: pd.DataFrame) -> list[dict[str, str]]:
    """The rows of ``table`` as text, numbers formatted by :data:`FORMATS`.

    >>> formatted(pd.DataFrame({"p_exceed": [0.5, 0.004], "mean": [1234.56, 0.456]}))
    [{'p_exceed': '50%', 'mean': '1,235'}, {'p_exceed': '<1%', 'mean': '0.46'}]
    """
    out = table.copy()
    for column in out.columns:
        show = FORMATS.get(str(column))
        out[column] = out[column].map(lambda v, f=show: f(float(v)) if f else str(v))
    return list(out.to_dict("records"))  # type: ignore[arg-type]


def backtest_chart(scores: pd.DataFrame, metrics: tuple[str, ...] = ("CRPS", "CRPS_log1p")) -> Any:
    """Bars: each model's score per test year, one panel per metric (lower is better)."""
    import altair as alt

    d = scores[scores["metric"].isin(metrics)].copy()
    d["test_year"] = d["test_year"].astype(str)
    return (
        alt.Chart(d)
        .mark_bar()
        .encode(
            x=alt.X("model:N", sort=None, title=None),
            xOffset="test_year:N",
            y=alt.Y("value:Q", title="score (lower is better)"),
            color=alt.Color("test_year:N", title="test year"),
            column=alt.Column("metric:N", title=None),
        )
        .resolve_scale(y="independent")
        .properties(width=260, height=200)
    )


def render_warn_html(
    alerts: pd.DataFrame,
    forecast: Forecast,
    panel: MonthlyPanel,
    *,
    title: str = "Early warning",
    geojson: dict[str, Any] | None = None,
    notes: list[str] | None = None,
    max_units: int = 24,
) -> str:
    """The alert page: the map (when boundaries are given) with what it leaves out, the alerts,
    every unit's forecast (alerts or not), and sparklines of the units with alerts (with none, of
    the units with the largest forecast)."""
    env = Environment(
        loader=PackageLoader("humsec.warn", "templates"), autoescape=select_autoescape()
    )
    summary = forecast_summary(forecast, alerts)
    alerted = list(dict.fromkeys(alerts["unit"]))[:max_units]
    shown = alerted or list(summary["unit"][summary["forecast_total"] > 0])[: min(max_units, 6)]
    charts = [(u, to_svg(sparkline(panel, forecast, u))) for u in shown]
    return env.get_template("warn_alerts.html.j2").render(
        title=title,
        model=forecast.model,
        origin=str(forecast.origin),
        map_svg=to_svg(_map(geojson)) if geojson else None,
        map_notes=map_notes(forecast, geojson) if geojson else [],
        alerts=formatted(alerts),
        columns=list(alerts.columns),
        forecast_rows=formatted(summary.assign(alerts=summary["alerts"].replace("", "no alerts"))),
        forecast_columns=list(summary.columns),
        charts=charts,
        charts_of_alerts=bool(alerted),
        notes=notes or [],
    )
