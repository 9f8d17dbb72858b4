"""``humsec warn``: forecast conflict fatalities by area and month, score them, raise alerts.

``humsec warn backtest DATA --unit country --test-year 2024 --out scores.csv`` fits every model on
months before the test year and writes ``test_year, model, metric, value``.
``humsec warn forecast DATA --horizon 12 --out F.csv`` forecasts the months after the last one
in DATA (``--samples N`` writes N draws per unit-month instead).
``humsec warn alerts DATA --out alerts.csv --html alerts.html`` applies the alert rules.
``humsec warn tune DATA --before 2025 --out tune.csv --config model.yaml`` chooses the strong model's
settings on the validation years before 2025; ``--config model.yaml`` uses them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from humsec.core.errors import HumsecError, SpecError
from humsec.core.progress import progress_for
from humsec.core.write import write_atomic

warn_app = typer.Typer(
    help="Early warning: forecast fatalities by area and month, with honest scores and alerts.",
    no_args_is_help=True,
)
console = Console(stderr=True, soft_wrap=True)

DATA_HELP = (
    "Events (UCDP GED-style CSV: date_start, best, country, adm_1, latitude, longitude) or a "
    "panel: long (unit, month YYYY-MM, fatalities) or wide (month column + one column per unit)."
)
BOUNDARIES_HELP = (
    "Admin-1 polygons for one country, COUNTRY=FILE.geojson (repeatable): events are placed by "
    "point-in-polygon there, and neighbours give spatial lags."
)


def _fail(exc: Exception) -> None:
    console.print("error: " + str(exc), style="red", highlight=False, markup=False, soft_wrap=True)
    raise typer.Exit(code=2)


def _note(lines: list[str]) -> None:
    for line in lines:
        console.print(line, highlight=False, markup=False)


def _boundaries(specs: list[str], name_property: str) -> dict[str, Any]:
    from humsec.core.boundaries import read_boundaries

    out = {}
    for spec in specs:
        country, sep, path = spec.rpartition("=")
        if not sep or not country:
            raise SpecError([("--boundaries", f"{spec!r}: expected COUNTRY=FILE.geojson")])
        out[country] = read_boundaries(path, name_property=name_property)
    return out


def _load(
    data: Path, unit: str, value: str, boundaries: list[str], name_property: str
) -> tuple[Any, list[str], dict[str, Any]]:
    from humsec.warn.data import load_panel

    if unit not in ("country", "admin1"):
        raise SpecError([("--unit", f"{unit!r}: expected country or admin1")])
    if not data.exists():
        raise HumsecError(f"Data file not found: {data}")
    b = _boundaries(boundaries, name_property)
    panel, notes = load_panel(data, unit=unit, value=value, boundaries=b or None)  # type: ignore[arg-type]
    return panel, notes, b


def _model(name: str, trees: int | None, options: dict[str, Any] | None = None) -> Any:
    """A forecaster; ``options`` (from a model file) set every option of the lgbm_* models."""
    from humsec.warn.models import GBM_MODELS, make_forecaster

    if name not in GBM_MODELS:
        return make_forecaster(name)
    return make_forecaster(
        name, **{"n_estimators": 200 if trees is None else trees, **(options or {})}
    )


def _model_file(
    config: Path | None, model: str | None, trees: int | None
) -> tuple[str | None, dict[str, Any]]:
    """(model, options) of a model file, refusing --model or --trees that would contradict it."""
    if config is None:
        return model, {}
    from humsec.warn.tune import load_model_config

    name, options = load_model_config(config)
    if model is not None and model != name:
        raise SpecError(
            [
                (
                    "--model",
                    f"{model!r} contradicts the model file {config.name}, which names {name!r}",
                )
            ]
        )
    if trees is not None:
        raise SpecError(
            [
                (
                    "--trees",
                    f"the model file {config.name} pins the model's options; leave --trees out",
                )
            ]
        )
    return name, options


CONFIG_HELP = "Model file from `warn tune --config`: its model and every option (not with --trees)."


@warn_app.command("backtest")
def backtest_command(
    data: Path = typer.Argument(..., help=DATA_HELP),
    unit: str = typer.Option("country", "--unit", help="country or admin1 (for event files)."),
    test_year: list[int] = typer.Option(..., "--test-year", help="Test year(s); one origin each."),
    out: Path = typer.Option(
        ..., "--out", help="Scores table (CSV): test_year, model, metric, value."
    ),
    models: list[str] = typer.Option(
        ["zero", "no_change", "hist_12", "hist_24", "lgbm_quantile", "lgbm_pool"],
        "--model",
        help="Model(s).",
    ),
    value: str = typer.Option("fatalities", "--value", help="Value column of a long panel."),
    boundaries: list[str] = typer.Option([], "--boundaries", help=BOUNDARIES_HELP),
    name_property: str = typer.Option("adm1_name", "--name-property", help="Area-name property."),
    pit: Path | None = typer.Option(None, "--pit", help="Also write the PIT histograms (CSV)."),
    trees: int | None = typer.Option(
        None, "--trees", help="Trees per quantile model (lgbm_*; 200)."
    ),
    config: Path | None = typer.Option(
        None,
        "--config",
        help="Model file from `warn tune`: its model is scored in place of the lgbm_* models of --model.",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress on stderr."),
) -> None:
    """Fit on months before each test year; score MAE, RMSE_log1p, CRPS, Brier, AUC."""
    from humsec.warn.models import GBM_MODELS
    from humsec.warn.scores import rolling_backtest

    try:
        tuned, options = _model_file(config, None, trees)
        if tuned is not None:  # the file's model replaces the lgbm_* entries (scored once)
            models = list(dict.fromkeys([*(m for m in models if m not in GBM_MODELS), tuned]))
        panel, notes, _ = _load(data, unit, value, boundaries, name_property)
        _note(notes)
        with progress_for(quiet):
            bt = rolling_backtest(panel, test_year, [_model(m, trees, options) for m in models])
    except HumsecError as exc:
        _fail(exc)
        return
    write_atomic(out, lambda tmp: bt.scores.to_csv(tmp, index=False))
    if pit is not None:
        write_atomic(pit, lambda tmp: bt.pit.to_csv(tmp, index=False))
    Console(soft_wrap=True).print(bt.table().round(4).to_string(), highlight=False, markup=False)


def _fit_forecast(
    panel: Any, model: str | None, horizon: int, trees: int | None, config: Path | None = None
) -> Any:
    name, options = _model_file(config, model, trees)
    forecaster = _model(name or "lgbm_pool", trees, options)
    if hasattr(forecaster, "horizon"):
        forecaster.horizon = horizon
    return forecaster.fit(panel).predict(horizon)


@warn_app.command("forecast")
def forecast_command(
    data: Path = typer.Argument(..., help=DATA_HELP),
    out: Path = typer.Option(..., "--out", help="Forecast table (CSV)."),
    horizon: int = typer.Option(12, "--horizon", min=1, max=36, help="Months ahead."),
    samples: int | None = typer.Option(
        None, "--samples", min=1, help="Write N draws per unit-month: unit, month, draw, value."
    ),
    unit: str = typer.Option("country", "--unit", help="country or admin1 (for event files)."),
    model: str | None = typer.Option(None, "--model", help="Model (default lgbm_pool)."),
    value: str = typer.Option("fatalities", "--value", help="Value column of a long panel."),
    boundaries: list[str] = typer.Option([], "--boundaries", help=BOUNDARIES_HELP),
    name_property: str = typer.Option("adm1_name", "--name-property", help="Area-name property."),
    seed: int = typer.Option(0, "--seed", help="Seed of the draws."),
    trees: int | None = typer.Option(
        None, "--trees", help="Trees per quantile model (lgbm_*; 200)."
    ),
    config: Path | None = typer.Option(None, "--config", help=CONFIG_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress on stderr."),
) -> None:
    """Forecast the months after the last month in DATA: mean, q05, q50, q95, p_any (or draws)."""
    try:
        panel, notes, _ = _load(data, unit, value, boundaries, name_property)
        _note(notes)
        with progress_for(quiet):
            fc = _fit_forecast(panel, model, horizon, trees, config)
    except HumsecError as exc:
        _fail(exc)
        return
    table = fc.samples_frame(samples, seed) if samples else fc.to_frame()
    write_atomic(out, lambda tmp: table.to_csv(tmp, index=False))
    console.print(f"{len(table)} rows written to {out}", highlight=False, markup=False)


@warn_app.command("alerts")
def alerts_command(
    data: Path = typer.Argument(..., help=DATA_HELP),
    out: Path = typer.Option(..., "--out", help="Alerts table (CSV)."),
    html: Path | None = typer.Option(
        None, "--html", help="Also write the HTML page (map, charts)."
    ),
    geojson: Path | None = typer.Option(
        None, "--geojson", help="Also write GeoJSON (needs --boundaries)."
    ),
    horizon: int = typer.Option(12, "--horizon", min=1, max=36, help="Months ahead."),
    threshold: float = typer.Option(25.0, "--threshold", help="Fatalities in a month."),
    probability: float = typer.Option(
        0.5, "--probability", help="Alert when P(≥ threshold) ≥ this."
    ),
    rise_factor: float = typer.Option(
        2.0, "--rise-factor", help="Alert when mean ≥ factor × mean of last 12 months."
    ),
    min_level: float = typer.Option(5.0, "--min-level", help="... and ≥ this many fatalities."),
    unit: str = typer.Option("country", "--unit", help="country or admin1 (for event files)."),
    model: str | None = typer.Option(None, "--model", help="Model (default lgbm_pool)."),
    value: str = typer.Option("fatalities", "--value", help="Value column of a long panel."),
    boundaries: list[str] = typer.Option(
        [],
        "--boundaries",
        help=BOUNDARIES_HELP + " With --unit country: admin-0 outlines (FILE), for the map only.",
    ),
    name_property: str | None = typer.Option(
        None,
        "--name-property",
        help="Area-name property (adm1_name; with --unit country: name, as in Natural Earth).",
    ),
    trees: int | None = typer.Option(
        None, "--trees", help="Trees per quantile model (lgbm_*; 200)."
    ),
    config: Path | None = typer.Option(None, "--config", help=CONFIG_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress on stderr."),
) -> None:
    """Apply the alert rules to a forecast; each alert lists its drivers and the unit's history."""
    from humsec.warn.alerts import AlertRules, make_alerts
    from humsec.warn.html import alerts_geojson, map_notes, render_warn_html

    try:
        if geojson is not None and not boundaries:
            raise SpecError([("--geojson", "needs --boundaries COUNTRY=FILE.geojson")])
        names = name_property or ("name" if unit == "country" else "adm1_name")
        # countries are not placed by polygon: admin-0 outlines (FILE or KEY=FILE) only draw the map
        panel, notes, b = _load(data, unit, value, boundaries if unit == "admin1" else [], names)
        if unit == "country" and boundaries:
            b = _boundaries([s if "=" in s else f"{Path(s).stem}={s}" for s in boundaries], names)
        _note(notes)
        with progress_for(quiet):  # the fit takes minutes: say so, as `forecast` does
            fc = _fit_forecast(panel, model, horizon, trees, config)
        rules = AlertRules(threshold, probability, rise_factor, min_level)
        alerts = make_alerts(fc, panel, rules)
    except HumsecError as exc:
        _fail(exc)
        return
    write_atomic(out, lambda tmp: alerts.to_csv(tmp, index=False))
    gj = alerts_geojson(alerts, fc, b, unit=unit) if b else None
    if gj is not None:
        _note(map_notes(fc, gj))
    if geojson is not None and gj is not None:
        write_atomic(geojson, lambda tmp: tmp.write_text(json.dumps(gj), encoding="utf-8"))
    if html is not None:
        page = render_warn_html(alerts, fc, panel, geojson=gj, notes=notes)
        write_atomic(html, lambda tmp: tmp.write_text(page, encoding="utf-8"))
    console.print(f"{len(alerts)} alert(s) written to {out}", highlight=False, markup=False)


@warn_app.command("tune")
def tune_command(
    data: Path = typer.Argument(..., help=DATA_HELP),
    before: int = typer.Option(
        ..., "--before", help="The year to be forecast: nothing from it on is used."
    ),
    out: Path = typer.Option(
        ...,
        "--out",
        help="Validation scores (CSV): candidate, model, options, year, metric, value.",
    ),
    config: Path | None = typer.Option(
        None, "--config", help="Write the chosen model file (YAML) here."
    ),
    years: int = typer.Option(4, "--years", min=1, help="Validation years just before --before."),
    grid: Path | None = typer.Option(
        None,
        "--grid",
        help="YAML list of option sets (n_estimators, num_leaves, ...); default: 5 sets.",
    ),
    unit: str = typer.Option("country", "--unit", help="country or admin1 (for event files)."),
    value: str = typer.Option("fatalities", "--value", help="Value column of a long panel."),
    boundaries: list[str] = typer.Option([], "--boundaries", help=BOUNDARIES_HELP),
    name_property: str = typer.Option("adm1_name", "--name-property", help="Area-name property."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress on stderr."),
) -> None:
    """Choose the strong model's settings on the validation years before --before (rolling origin),
    each setting alone and pooled with hist_12, against the benchmarks on the same splits."""
    from humsec.warn.tune import describe, load_grid, save_model_config, tune

    try:
        options = load_grid(grid) if grid is not None else None
        panel, notes, _ = _load(data, unit, value, boundaries, name_property)
        _note(notes)
        with progress_for(quiet):
            result = tune(panel, before, years=years, grid=options)
    except HumsecError as exc:
        _fail(exc)
        return
    write_atomic(out, lambda tmp: result.scores.to_csv(tmp, index=False))
    Console(soft_wrap=True).print(describe(result), highlight=False, markup=False)
    first, last = result.years[0], result.years[-1]
    span = str(first) if first == last else f"{first}–{last}"
    chosen = f"{result.best['model']} {result.best['options']}"
    console.print(f"chosen on {span}: {chosen}", highlight=False, markup=False)
    if config is not None:
        note = (
            f"humsec warn tune {data.name} --before {before} --years {years}: chosen on the validation "
            f"year(s) {span}; nothing from {before} on was used"
        )
        write_atomic(config, lambda tmp: save_model_config(result.best, tmp, note))
        console.print(f"model file written to {config}", highlight=False, markup=False)
