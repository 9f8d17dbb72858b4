"""``humsec warn`` on a small panel (few trees)."""

from __future__ import annotations

import json

import pandas as pd
from typer.testing import CliRunner

from humsec.cli.main import app

from .conftest import simulated_panel

runner = CliRunner()


def _panel_csv(tmp_path):
    path = tmp_path / "panel.csv"
    simulated_panel().to_long().to_csv(path, index=False)
    return path


def test_backtest_writes_every_model_and_metric(tmp_path):
    data, out, pit = _panel_csv(tmp_path), tmp_path / "scores.csv", tmp_path / "pit.csv"
    r = runner.invoke(
        app,
        ["warn", "backtest", str(data), "--test-year", "2020", "--out", str(out), "--pit", str(pit), "--trees", "10"],
    )
    assert r.exit_code == 0, r.output
    s = pd.read_csv(out)
    assert {"model", "metric", "value"} <= set(s.columns)
    for model in ["zero", "no_change", "hist_12", "hist_24", "lgbm_quantile", "lgbm_pool"]:
        for metric in ["MAE", "RMSE_log1p", "CRPS"]:
            assert ((s["model"] == model) & (s["metric"] == metric)).sum() == 1
    p = pd.read_csv(pit)
    assert p.groupby("model")["share"].sum().round(9).eq(1).all()


def test_forecast_table_and_samples(tmp_path):
    data, out = _panel_csv(tmp_path), tmp_path / "f.csv"
    r = runner.invoke(app, ["warn", "forecast", str(data), "--horizon", "12", "--out", str(out), "--trees", "10"])
    assert r.exit_code == 0, r.output
    f = pd.read_csv(out)
    assert list(f.columns) == ["unit", "month", "horizon", "mean", "q05", "q50", "q95", "p_any"]
    assert len(f) == 12 * 12 and f["month"].min() == "2021-01" and f["month"].max() == "2021-12"
    r = runner.invoke(
        app, ["warn", "forecast", str(data), "--horizon", "3", "--samples", "5", "--out", str(out), "--trees", "10"]
    )
    assert r.exit_code == 0, r.output
    d = pd.read_csv(out)
    assert list(d.columns) == ["unit", "month", "draw", "value"] and len(d) == 12 * 3 * 5


def test_alerts_html_and_geojson(tmp_path):
    # two square areas of one country, events by point-in-polygon
    sq = lambda x0: {"type": "Polygon", "coordinates": [[[x0, 0], [x0 + 1, 0], [x0 + 1, 1], [x0, 1], [x0, 0]]]}  # noqa: E731
    gj = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"adm1_name": n}, "geometry": sq(x)} for n, x in [("East", 1), ("West", 0)]
        ],
    }
    (tmp_path / "b.geojson").write_text(json.dumps(gj))
    months = pd.period_range("2018-01", "2020-12", freq="M")
    rows = [
        {"id": i, "date_start": f"{m}-10", "best": 30 if m.year == 2020 else 1, "country": "Ruritania",
         "adm_1": "West", "latitude": 0.5, "longitude": 0.5}
        for i, m in enumerate(months)
    ]
    rows.append({"id": 999, "date_start": "2019-05-01", "best": 2, "country": "Ruritania", "adm_1": "West",
                 "latitude": 0.5, "longitude": 1.5})  # its own name says West, the polygon East
    data = tmp_path / "events.csv"
    pd.DataFrame(rows).to_csv(data, index=False)
    out, html, geo = tmp_path / "a.csv", tmp_path / "a.html", tmp_path / "a.geojson"
    r = runner.invoke(
        app,
        ["warn", "alerts", str(data), "--unit", "admin1", "--boundaries", f"Ruritania={tmp_path / 'b.geojson'}",
         "--model", "no_change", "--horizon", "3", "--out", str(out), "--html", str(html), "--geojson", str(geo)],
    )
    assert r.exit_code == 0, r.output
    assert "1 in a polygon other than their own admin-1 name" in r.output
    a = pd.read_csv(out)
    assert set(a["unit"]) == {"Ruritania|West"} and "threshold" in set(a["rule"])
    page = html.read_text()
    assert "<svg" in page and "Ruritania|West" in page and "cdn." not in page
    g = json.loads(geo.read_text())
    assert {f["properties"]["unit"] for f in g["features"]} == {"Ruritania|East", "Ruritania|West"}


def test_bad_input_exits_2(tmp_path):
    data = tmp_path / "bad.csv"
    data.write_text("unit,month,fatalities\nA,2020-01,-3\n")
    r = runner.invoke(app, ["warn", "forecast", str(data), "--out", str(tmp_path / "f.csv")])
    assert r.exit_code == 2 and "negative" in r.output
    r = runner.invoke(app, ["warn", "backtest", str(data), "--unit", "district", "--test-year", "2020",
                            "--out", str(tmp_path / "s.csv")])
    assert r.exit_code == 2 and "country or admin1" in r.output


def test_long_commands_show_progress_on_stderr_unless_quiet(tmp_path):
    data, out = _panel_csv(tmp_path), tmp_path / "scores.csv"
    args = ["warn", "backtest", str(data), "--test-year", "2020", "--out", str(out), "--trees", "5",
            "--model", "hist_12", "--model", "lgbm_quantile"]  # fmt: skip
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    assert "backtest: 2 model(s) × 1 test year(s): 0/2" in r.stderr
    assert "backtest: 2 model(s) × 1 test year(s): done in" in r.stderr
    assert "lgbm_quantile: 10 quantile models on" in r.stderr
    assert "backtest:" not in r.stdout  # the table on stdout stays clean for scripts
    r = runner.invoke(app, [*args, "--quiet"])
    assert r.exit_code == 0, r.output
    assert "backtest:" not in r.stderr and "quantile models" not in r.stderr
    f = tmp_path / "f.csv"
    r = runner.invoke(app, ["warn", "forecast", str(data), "--out", str(f), "--trees", "5"])
    assert r.exit_code == 0, r.output
    assert "lgbm_quantile: 10 quantile models on" in r.stderr and "done in" in r.stderr


def test_alerts_shows_the_fit_progress_unless_quiet(tmp_path):
    # issue 21: `warn alerts` fitted its model for minutes in silence and had no --quiet
    data, out = _panel_csv(tmp_path), tmp_path / "a.csv"
    args = ["warn", "alerts", str(data), "--out", str(out), "--trees", "5", "--horizon", "3"]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    assert "quantile models on" in r.stderr and "done in" in r.stderr
    assert "quantile models" not in r.stdout  # progress goes to stderr only
    r = runner.invoke(app, [*args, "--quiet"])
    assert r.exit_code == 0, r.output
    assert "quantile models" not in r.stderr and "done in" not in r.stderr
    assert "alert(s) written to" in r.output


def test_models_lists_every_registered_forecaster_with_its_options():
    from humsec.warn.models import FORECASTERS

    r = runner.invoke(app, ["warn", "models"])
    assert r.exit_code == 0, r.output
    rows = [line.split("\t") for line in r.output.strip().splitlines()]
    assert [row[0] for row in rows] == list(FORECASTERS)
    by_name = {row[0]: row for row in rows}
    assert by_name["lgbm_pool"][1] == "horizon-trained"
    assert "n_estimators" in by_name["lgbm_pool"][2]
    assert by_name["zero"][2] == "options: -"


def test_an_unknown_model_is_refused_naming_the_registered_ones(tmp_path):
    data, out = _panel_csv(tmp_path), tmp_path / "s.csv"
    r = runner.invoke(
        app, ["warn", "backtest", str(data), "--test-year", "2020", "--out", str(out), "--model", "hist_6"]
    )
    assert r.exit_code == 2
    assert "hist_6" in r.output and "lgbm_pool" in r.output
    assert not out.exists()
