"""Early-warning outputs: alerts as GeoJSON, and an offline HTML page (map + per-unit sparklines).

Charts are Altair specifications rendered to inline SVG by vl-convert (no CDN, no JavaScript).

>>> import numpy as np, pandas as pd
>>> from humsec.analysis.warn_models import Benchmark
>>> from humsec.analysis.warn_alerts import make_alerts
>>> from humsec.tables.monthly_panel import MonthlyPanel
>>> p = MonthlyPanel(("A",), pd.Period("2020-01", "M"), np.array([[0.0] * 11 + [90.0]]))
>>> f = Benchmark("no_change").fit(p).predict(3)
>>> html = render_warn_html(make_alerts(f, p), f, p, title="demo")
>>> html.startswith("<!doctype html>") and "<svg" in html and "cdn" not in html.lower()
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from humsec.analysis.warn_models import Forecast
from humsec.io.boundaries import Boundaries
from humsec.report.charts import to_svg
from humsec.tables.monthly_panel import MonthlyPanel

__all__ = ["alerts_geojson", "backtest_chart", "render_warn_html", "sparkline"]


def _feature_unit(country: str, name: str, units: set[str]) -> str:
    qualified = f"{country}|{name}"
    return qualified if qualified in units else name


def alerts_geojson(
    alerts: pd.DataFrame, forecast: Forecast, boundaries: Mapping[str, Boundaries]
) -> dict[str, Any]:
    """One feature per area: its polygon, peak P(threshold), mean forecast and its alerts."""
    units = set(forecast.units)
    p_max = dict(zip(forecast.units, forecast.prob_above(0.5).max(axis=1), strict=True))
    mean_sum = dict(zip(forecast.units, forecast.mean().sum(axis=1), strict=True))
    features = []
    for country, b in boundaries.items():
        for name, feature in zip(b.names, b.features, strict=True):
            unit = _feature_unit(country, name, units)
            rows = alerts[alerts["unit"] == unit]
            props = dict(feature.get("properties") or {})
            props.update(
                {
                    "unit": unit,
                    "p_any_max": float(p_max.get(unit, np.nan)),
                    "forecast_total": float(mean_sum.get(unit, np.nan)),
                    "alerts": "; ".join(f"{r.rule} {r.month}" for r in rows.itertuples()),
                    "drivers": "; ".join(sorted(set(rows["drivers"]) - {""})),
                }
            )
            features.append({"type": "Feature", "properties": props, "geometry": feature["geometry"]})
    return {"type": "FeatureCollection", "features": features}


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
    line = alt.Chart(hist).mark_line(color="#333").encode(x=x, y=alt.Y("value:Q", title="fatalities"))
    band = alt.Chart(fc).mark_area(opacity=0.3, color="#d62728").encode(x=x, y="q05:Q", y2="q95:Q")
    med = alt.Chart(fc).mark_line(color="#d62728", strokeDash=[4, 2]).encode(x=x, y="q50:Q")
    return (band + line + med).properties(width=360, height=90, title=unit)


def _map(geojson: dict[str, Any]) -> Any:
    import altair as alt

    data = alt.Data(values=geojson["features"])
    return (
        alt.Chart(data, title="Peak monthly P(any fatality)")
        .mark_geoshape(stroke="white")
        .encode(
            color=alt.Color(
                "properties.p_any_max:Q", title="P(any)", scale=alt.Scale(scheme="reds", domain=[0, 1])
            ),
            tooltip=["properties.unit:N", "properties.p_any_max:Q", "properties.alerts:N"],
        )
        .project("mercator")
        .properties(width=420, height=420)
    )


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
    """The alert page: the map (when boundaries are given), the alerts table, sparklines."""
    env = Environment(
        loader=PackageLoader("humsec.report", "templates"), autoescape=select_autoescape()
    )
    units = list(dict.fromkeys(alerts["unit"]))[:max_units]
    charts = [(u, to_svg(sparkline(panel, forecast, u))) for u in units]
    table = alerts.assign(
        **{c: alerts[c].map(lambda v: f"{v:.2f}") for c in ("p_exceed", "mean", "q05", "q50", "q95")}
    )
    return env.get_template("warn_alerts.html.j2").render(
        title=title,
        model=forecast.model,
        origin=str(forecast.origin),
        map_svg=to_svg(_map(geojson)) if geojson else None,
        alerts=table.to_dict("records"),
        columns=list(table.columns),
        charts=charts,
        notes=notes or [],
    )
