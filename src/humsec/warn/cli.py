"""``humsec warn``: forecast conflict fatalities by area and month, score them, raise alerts.

``humsec warn backtest DATA --unit country --test-year 2024 --out scores.csv`` fits every model on
months before the test year and writes ``test_year, model, metric, value``.
``humsec warn forecast DATA --horizon 12 --out F.csv`` forecasts the months after the last one
in DATA (``--samples N`` writes N draws per unit-month instead).
``humsec warn alerts DATA --out alerts.csv --html alerts.html`` applies the alert rules.
``humsec warn tune DATA --before 2025 --out tune.csv --save-config model.yaml`` chooses the strong
model's settings on the validation years before 2025; ``--config model.yaml`` (which only ever
reads) uses them in the other commands.

Every command checks its options and its data before any work, computes every output, then writes
them all or none (:func:`humsec.core.write.write_all`); a problem is one ``error:`` line, exit 2.
The models (``--model``) are those of the registry :data:`humsec.warn.models.FORECASTERS`.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from humsec.core.cli import boundary_key_option, fail, notes, quiet_option, seed_option
from humsec.core.errors import HumsecError, ParameterError, SpecError
from humsec.core.progress import current, progress_for
from humsec.core.write import write_all

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
BOUNDARY_KEY_HELP = "GeoJSON property holding the area names."
#: --model's help; the registry itself is read on use (it loads pandas, which --help must not)
MODEL_HELP = "`humsec warn models` lists the registered forecasters"
#: library parameters that a CLI option sets, so that an error names the option the user typed
FLAGS = {"n_estimators": "--trees", "horizon": "--horizon", "probability": "--probability",
         "threshold": "--threshold", "rise_factor": "--rise-factor", "min_level": "--min-level"}  # fmt: skip


def _fail(exc: Exception) -> None:
    """One ``error:`` line (exit 2); a library parameter error says which option set it."""
    if isinstance(exc, ParameterError):
        flag = next((f for p, f in FLAGS.items() if f"The {p!r} parameter" in str(exc)), None)
        if flag is not None:
            exc = ParameterError(f"{flag}: {exc}")
    fail(exc)


def _note(lines: list[str]) -> None:
    notes(lines)


def _check_models(names: list[str] | str | None) -> Any:
    """``--model``: every name must be a registered forecaster (exit 2 listing them otherwise)."""
    from humsec.warn.models import FORECASTERS

    given = [names] if isinstance(names, str) else list(names or [])
    unknown = [n for n in given if n not in FORECASTERS]
    if unknown:
        raise typer.BadParameter(
            f"{', '.join(map(repr, unknown))}: expected one of {', '.join(FORECASTERS)}."
        )
    return names


def _positive(value: float | None) -> float | None:
    if value is not None and not (math.isfinite(value) and value > 0):
        raise typer.BadParameter(f"must be a finite number > 0; got {value:g}.")
    return value


def _non_negative(value: float) -> float:
    if not (math.isfinite(value) and value >= 0):
        raise typer.BadParameter(f"must be a finite number ≥ 0; got {value:g}.")
    return value


def _probability(value: float) -> float:
    if not (math.isfinite(value) and 0 < value <= 1):
        raise typer.BadParameter(f"must be a probability in (0, 1], e.g. 0.5; got {value:g}.")
    return value


def _unit(value: str) -> str:
    if value not in ("country", "admin1"):
        raise typer.BadParameter(f"{value!r}: expected country or admin1.")
    return value


def _trees_option() -> Any:
    return typer.Option(None, "--trees", min=1, help="Trees per quantile model (lgbm_*; 200), ≥ 1.")


def _unit_option() -> Any:
    return typer.Option(
        "country", "--unit", callback=_unit, help="country or admin1 (for event files)."
    )


def _model_option() -> Any:
    return typer.Option(
        None, "--model", callback=_check_models, help=f"Model (default lgbm_pool); {MODEL_HELP}."
    )


def _horizon_option() -> Any:
    return typer.Option(12, "--horizon", min=1, max=36, help="Months ahead, 1 to 36.")


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

    b = _boundaries(boundaries, name_property)
    panel, notes = load_panel(data, unit=unit, value=value, boundaries=b or None)  # type: ignore[arg-type]
    return panel, notes, b


def _model(
    name: str, trees: int | None, options: dict[str, Any] | None = None, horizon: int | None = None
) -> Any:
    """A registered forecaster; ``options`` (from a model file) set every option of one that
    takes options (``--trees`` its number of trees), ``horizon`` its longest horizon."""
    from humsec.warn.models import forecaster_spec, make_forecaster

    if not forecaster_spec(name).tunable:
        return make_forecaster(name, horizon=horizon)
    trees_option = {"n_estimators": 200 if trees is None else trees}
    return make_forecaster(name, horizon=horizon, **{**trees_option, **(options or {})})


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


CONFIG_HELP = (
    "Model file from `warn tune --save-config` (read only): its model and every option (not with "
    "--trees)."
)


def _config_option(help: str = CONFIG_HELP) -> Any:
    return typer.Option(None, "--config", help=help, exists=True, dir_okay=False, readable=True)


@warn_app.command("models")
def models_command() -> None:
    """List the registered forecasters: name, whether --horizon trains it, its options, its help."""
    from humsec.warn.models import FORECASTERS

    for name, spec in FORECASTERS.items():
        options = ", ".join(spec.tunable) or "-"
        horizon = "horizon-trained" if spec.takes_horizon else "any horizon"
        typer.echo(f"{name}\t{horizon}\toptions: {options}\t{spec.help}")


@warn_app.command("backtest")
def backtest_command(
    data: Path = typer.Argument(..., help=DATA_HELP),
    unit: str = _unit_option(),
    test_year: list[int] = typer.Option(..., "--test-year", help="Test year(s); one origin each."),
    out: Path = typer.Option(
        ..., "--out", help="Scores table (CSV): test_year, model, metric, value."
    ),
    models: list[str] | None = typer.Option(
        None, "--model", callback=_check_models, help=f"Model(s) (default: all); {MODEL_HELP}."
    ),
    value: str = typer.Option("fatalities", "--value", help="Value column of a long panel."),
    boundaries: list[str] = typer.Option([], "--boundaries", help=BOUNDARIES_HELP),
    boundary_key: str = boundary_key_option("adm1_name", help=BOUNDARY_KEY_HELP),
    pit: Path | None = typer.Option(None, "--pit", help="Also write the PIT histograms (CSV)."),
    trees: int | None = _trees_option(),
    config: Path | None = _config_option(
        "Model file from `warn tune --save-config` (read only): its model is scored in place of "
        "the lgbm_* models of --model."
    ),
    quiet: bool = quiet_option(),
) -> None:
    """Fit on months before each test year; score MAE, RMSE_log1p, CRPS, Brier, AUC."""
    from humsec.warn.models import FORECASTERS, GBM_MODELS
    from humsec.warn.scores import rolling_backtest

    models = models or list(FORECASTERS)
    try:
        tuned, options = _model_file(config, None, trees)
        if tuned is not None:  # the file's model replaces the lgbm_* entries (scored once)
            models = list(dict.fromkeys([*(m for m in models if m not in GBM_MODELS), tuned]))
        panel, notes, _ = _load(data, unit, value, boundaries, boundary_key)
        _note(notes)
        with progress_for(quiet):
            bt = rolling_backtest(panel, test_year, [_model(m, trees, options) for m in models])
        outputs = [(out, lambda tmp: bt.scores.to_csv(tmp, index=False))]
        if pit is not None:
            outputs.append((pit, lambda tmp: bt.pit.to_csv(tmp, index=False)))
        write_all(outputs)
    except HumsecError as exc:
        _fail(exc)
        return
    Console(soft_wrap=True).print(bt.table().round(4).to_string(), highlight=False, markup=False)


def _fit_forecast(
    panel: Any, model: str | None, horizon: int, trees: int | None, config: Path | None = None
) -> Any:
    name, options = _model_file(config, model, trees)
    forecaster = _model(name or "lgbm_pool", trees, options, horizon=horizon)
    return forecaster.fit(panel).predict(horizon)


@warn_app.command("forecast")
def forecast_command(
    data: Path = typer.Argument(..., help=DATA_HELP),
    out: Path = typer.Option(..., "--out", help="Forecast table (CSV)."),
    horizon: int = _horizon_option(),
    samples: int | None = typer.Option(
        None, "--samples", min=1, help="Write N draws per unit-month: unit, month, draw, value."
    ),
    unit: str = _unit_option(),
    model: str | None = _model_option(),
    value: str = typer.Option("fatalities", "--value", help="Value column of a long panel."),
    boundaries: list[str] = typer.Option([], "--boundaries", help=BOUNDARIES_HELP),
    boundary_key: str = boundary_key_option("adm1_name", help=BOUNDARY_KEY_HELP),
    seed: int = seed_option(0, help="Seed of the draws (--samples), ≥ 0."),
    trees: int | None = _trees_option(),
    config: Path | None = _config_option(),
    quiet: bool = quiet_option(),
) -> None:
    """Forecast the months after the last month in DATA: mean, q05, q50, q95, p_any (or draws)."""
    try:
        panel, notes, _ = _load(data, unit, value, boundaries, boundary_key)
        _note(notes)
        with progress_for(quiet):
            fc = _fit_forecast(panel, model, horizon, trees, config)
        table = fc.samples_frame(samples, seed) if samples else fc.to_frame()
        write_all([(out, lambda tmp: table.to_csv(tmp, index=False))])
    except HumsecError as exc:
        _fail(exc)
        return
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
    horizon: int = _horizon_option(),
    threshold: float = typer.Option(
        25.0, "--threshold", callback=_positive, help="Fatalities in a month (> 0)."
    ),
    probability: float = typer.Option(
        0.5,
        "--probability",
        callback=_probability,
        help="Alert when P(≥ threshold) ≥ this, in (0, 1].",
    ),
    rise_factor: float = typer.Option(
        2.0,
        "--rise-factor",
        callback=_positive,
        help="Alert when mean ≥ factor × mean of last 12 months (> 0).",
    ),
    min_level: float = typer.Option(
        5.0, "--min-level", callback=_non_negative, help="... and ≥ this many fatalities (≥ 0)."
    ),
    unit: str = _unit_option(),
    model: str | None = _model_option(),
    value: str = typer.Option("fatalities", "--value", help="Value column of a long panel."),
    boundaries: list[str] = typer.Option(
        [],
        "--boundaries",
        help=BOUNDARIES_HELP + " With --unit country: admin-0 outlines (FILE), for the map only.",
    ),
    boundary_key: str = boundary_key_option(
        "auto",
        help="GeoJSON property holding the area names (auto: adm1_name; with --unit country: name, as in Natural Earth).",
    ),
    trees: int | None = _trees_option(),
    config: Path | None = _config_option(),
    quiet: bool = quiet_option(),
) -> None:
    """Apply the alert rules to a forecast; each alert lists its drivers and the unit's history."""
    from humsec.warn.alerts import AlertRules
    from humsec.warn.html import alerts_geojson, map_notes, render_warn_html

    try:
        if geojson is not None and not boundaries:
            raise SpecError([("--geojson", "needs --boundaries COUNTRY=FILE.geojson")])
        names = (
            boundary_key
            if boundary_key != "auto"
            else ("name" if unit == "country" else "adm1_name")
        )
        # countries are not placed by polygon: admin-0 outlines (FILE or KEY=FILE) only draw the map
        panel, notes, b = _load(data, unit, value, boundaries if unit == "admin1" else [], names)
        if unit == "country" and boundaries:
            b = _boundaries([s if "=" in s else f"{Path(s).stem}={s}" for s in boundaries], names)
        _note(notes)
        with progress_for(quiet):  # the fit takes minutes, and the page a while: say so
            fc = _fit_forecast(panel, model, horizon, trees, config)
            result = AlertRules(threshold, probability, rise_factor, min_level).apply(fc, panel)
            alerts = result.alerts
            gj = alerts_geojson(alerts, fc, b, unit=unit) if b else None
            page = None
            if html is not None:
                with current().task("alerts page: map, tables and charts", total=1) as step:
                    page = render_warn_html(alerts, fc, panel, geojson=gj, notes=notes)
                    step.advance(html.name)
        outputs = [(out, lambda tmp: alerts.to_csv(tmp, index=False))]
        if geojson is not None and gj is not None:
            outputs.append((geojson, lambda tmp: tmp.write_text(json.dumps(gj), encoding="utf-8")))
        if html is not None and page is not None:
            text = page
            outputs.append((html, lambda tmp: tmp.write_text(text, encoding="utf-8")))
        write_all(outputs)
    except HumsecError as exc:
        _fail(exc)
        return
    if gj is not None:
        _note(map_notes(fc, gj))
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
    save_config: Path | None = typer.Option(
        None,
        "--save-config",
        help="Write the chosen model file (YAML) here, for --config of forecast, alerts, backtest.",
    ),
    years: int = typer.Option(4, "--years", min=1, help="Validation years just before --before."),
    grid: Path | None = typer.Option(
        None,
        "--grid",
        help="YAML list of option sets (n_estimators, num_leaves, ...); default: 5 sets.",
    ),
    unit: str = _unit_option(),
    value: str = typer.Option("fatalities", "--value", help="Value column of a long panel."),
    boundaries: list[str] = typer.Option([], "--boundaries", help=BOUNDARIES_HELP),
    boundary_key: str = boundary_key_option("adm1_name", help=BOUNDARY_KEY_HELP),
    quiet: bool = quiet_option(),
) -> None:
    """Choose the strong model's settings on the validation years before --before (rolling origin),
    each setting alone and pooled with hist_12, against the benchmarks on the same splits."""
    from humsec.warn.tune import describe, load_grid, save_model_config, tune

    try:
        options = load_grid(grid) if grid is not None else None
        panel, notes, _ = _load(data, unit, value, boundaries, boundary_key)
        _note(notes)
        with progress_for(quiet):
            result = tune(panel, before, years=years, grid=options)
        first, last = result.years[0], result.years[-1]
        span = str(first) if first == last else f"{first}–{last}"
        outputs = [(out, lambda tmp: result.scores.to_csv(tmp, index=False))]
        if save_config is not None:
            note = (
                f"humsec warn tune {data.name} --before {before} --years {years}: chosen on the "
                f"validation year(s) {span}; nothing from {before} on was used"
            )
            outputs.append((save_config, lambda tmp: save_model_config(result.best, tmp, note)))
        write_all(outputs)
    except HumsecError as exc:
        _fail(exc)
        return
    Console(soft_wrap=True).print(describe(result), highlight=False, markup=False)
    chosen = f"{result.best['model']} {result.best['options']}"
    console.print(f"chosen on {span}: {chosen}", highlight=False, markup=False)
    if save_config is not None:
        console.print(f"model file written to {save_config}", highlight=False, markup=False)
