"""``humsec warn ipc``: score forecasts of the next IPC food-security analysis of each area.

``humsec warn ipc IPC_FILE [--level 1|2] --test-from YYYY-MM --out scores.csv`` reads an IPC API
JSON, an HDX HAPI food-security CSV or a flat IPC CSV, forecasts every current analysis published
from --test-from on with the benchmarks (persistence, the IPC's own projection, the same season in
an earlier year) and the learned ``lagged_logit``, each using only analyses published before it
(the model is refitted at every origin), and writes ``model, metric, value, n``.
``humsec warn triggers RULES.yaml DATA... --out T.csv [--html R.html]`` back-tests each rule of an
anticipatory-action trigger file per area: whether it fired on what was published before each IPC
analysis, and the outcome; ``--html`` writes the trigger report (with a status map when
``--boundaries`` are given).
``humsec warn outbreaks OUTBREAKS_FILE --test-from YYYY-MM --out scores.csv`` scores outbreak-onset
forecasts per area-month (base rate, seasonal, onset_logit) on the months from --test-from.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from humsec.core.cli import fail, notes, stdout
from humsec.core.errors import HumsecError
from humsec.core.write import write_all

__all__ = ["register"]

# the reader of conflict events or panels for --conflict: humsec.warn's, handed over by the CLI
# that mounts these commands (hazard and warn are sibling domains and never import each other)
_conflict_reader: Callable[[Path], tuple[Any, list[str]]] | None = None


def ipc_command(
    ipc_file: Path = typer.Argument(
        ...,
        exists=True,
        dir_okay=False,
        help="IPC analyses: IPC API population JSON, HDX HAPI food-security CSV or a flat CSV "
        "(period_type, phaseN_population; .gz accepted).",
    ),
    test_from: str = typer.Option(
        ...,
        "--test-from",
        help="First month (YYYY-MM) whose current "
        "analyses are scored; each forecast uses only earlier analyses.",
    ),
    out: Path = typer.Option(..., "--out", help="Scores CSV: model, metric, value, n."),
    level: int | None = typer.Option(
        None, "--level", help="Admin level to keep (1 or 2; HAPI files hold 0, 1 and 2)."
    ),
    pcodes: Path | None = typer.Option(
        None,
        "--pcodes",
        exists=True,
        dir_okay=False,
        help="COD P-code gazetteer (P-Code, Name): unknown P-codes listed with nearest names.",
    ),
    strict_pcodes: bool = typer.Option(
        False, "--strict-pcodes", help="Unknown P-codes are an error (default: reported, kept)."
    ),
    models: str | None = typer.Option(
        None,
        "--models",
        help="Comma-separated models to score on their common targets (default: persistence, "
        "ipc_projection, same_season, lagged_logit).",
    ),
    reliability: Path | None = typer.Option(
        None,
        "--reliability",
        help="Also write the reliability table (model, crisis-probability bin, n, mean forecast, "
        "observed rate) here.",
    ),
    forecasts: Path | None = typer.Option(
        None,
        "--forecasts",
        help="Also write every forecast (area, target, model, forecast and observed) here.",
    ),
    signal_files: list[Path] | None = typer.Option(
        None,
        "--signal",
        exists=True,
        dir_okay=False,
        help="Rainfall (HAPI, CHIRPS with --year) or a long signal table (area, period, signal, "
        "value): features of lagged_logit_signals where they cover the origins. Repeatable.",
    ),
    conflict: Path | None = typer.Option(
        None,
        "--conflict",
        exists=True,
        dir_okay=False,
        help="Conflict fatalities (UCDP events or a country-month panel, as humsec warn reads "
        "them): the country's last 6 months as a feature of lagged_logit_signals.",
    ),
    year: int | None = typer.Option(None, "--year", help="Year of CHIRPS seasonal tables."),
    calibration: str = typer.Option(
        "platt",
        "--calibration",
        help="Recalibration of lagged_logit_cal's crisis probability: platt or isotonic.",
    ),
) -> None:
    """Score persistence, same season, the IPC projection and the lagged_logit models."""
    from humsec.hazard import IPCBacktest, read_ipc

    try:
        if level is not None and level not in (0, 1, 2):
            msg = f"--level must be 0, 1 or 2; got {level}."
            raise HumsecError(msg)
        table = read_ipc(ipc_file, level=level)
        extra, signal_notes = _model_signals(signal_files or [], conflict, year)
        table.notes.extend(signal_notes)
        if pcodes is not None:
            from humsec.hazard.pcodes import check_pcodes

            sub = table.frame[table.frame["level"].fillna(1) > 0]  # admin 0 rows carry ISO3
            table.notes.extend(check_pcodes(sub, pcodes, strict=strict_pcodes))
        chosen = (
            None if models is None else tuple(m.strip() for m in models.split(",") if m.strip())
        )
        result = IPCBacktest(test_from=test_from, models=chosen, calibration=calibration).fit(
            table, signals=extra
        )
    except HumsecError as exc:
        fail(exc)
        return
    outputs = [(out, "scores"), (forecasts, "forecasts"), (reliability, "reliability")]
    _write_tables(result, [(path, name) for path, name in outputs if path is not None])
    notes(result.notes)
    stdout.print(result.summary().split("\nnote:")[0], highlight=False, markup=False)


def _model_signals(
    files: list[Path], conflict: Path | None, year: int | None
) -> tuple[Any, list[str]]:
    """The long signal table of --signal files and --conflict (None when neither is given)."""
    import pandas as pd

    from humsec.hazard.load import read_hazard_file

    parts, read_notes = [], []
    for path in files:
        kind, table = read_hazard_file(path, year=year)
        if kind != "signal":
            raise HumsecError(f"{path}: --signal takes rainfall or signal tables, not IPC files.")
        parts.append(table.frame)
        read_notes += list(table.notes)
    if conflict is not None:
        from humsec.hazard.features import conflict_signal

        if _conflict_reader is None:
            raise HumsecError("--conflict needs the conflict reader of humsec warn (not mounted).")
        panel, panel_notes = _conflict_reader(conflict)
        parts.append(conflict_signal(panel))
        read_notes += [f"{conflict.name}: {n}" for n in panel_notes]
    if not parts:
        return None, read_notes
    return pd.concat(parts, ignore_index=True), read_notes


def triggers_command(
    rules: Path = typer.Argument(..., exists=True, dir_okay=False, help="Trigger rule YAML."),
    data: list[Path] = typer.Argument(
        ...,
        exists=True,
        dir_okay=False,
        help="One IPC file (outcomes and IPC indicators) and any signal files (rainfall, long tables).",
    ),
    out: Path = typer.Option(
        ..., "--out", help="Per rule, area and origin: indicators, fired, outcome."
    ),
    html: Path | None = typer.Option(
        None,
        "--html",
        help="Also write the trigger report (counts, current status by area, timelines) here.",
    ),
    boundaries: Path | None = typer.Option(
        None,
        "--boundaries",
        exists=True,
        dir_okay=False,
        help="GeoJSON boundaries for the status map in --html (areas matched on --boundary-key).",
    ),
    boundary_key: str = typer.Option(
        "adm1_pcode", "--boundary-key", help="Feature property holding the areas' P-codes."
    ),
    year: int | None = typer.Option(None, "--year", help="Year of CHIRPS seasonal tables."),
    level: int | None = typer.Option(None, "--level", help="Admin level of the IPC file to keep."),
    as_of: str | None = typer.Option(
        None,
        "--as-of",
        help="Month (YYYY-MM) of the pending evaluation (default: after the last publication).",
    ),
    alerts: Path | None = typer.Option(
        None,
        "--alerts",
        help="Also write the current alerts here: country, area_id, area, rule, status (fired / "
        "not fired / no data), since (YYYY-MM), values, as_of.",
    ),
) -> None:
    """Back-test a trigger: hits, misses, false alarms, hit rate, false-alarm ratio, lead time."""
    import pandas as pd

    from humsec.hazard._params import Month
    from humsec.hazard.load import read_hazard_file
    from humsec.hazard.trigger_backtest import TriggerBacktest
    from humsec.hazard.triggers import TriggerSet

    try:
        if as_of is not None and not Month().accepts(as_of):
            raise HumsecError(f"--as-of must be a month YYYY-MM; got {as_of!r}.")
        spec = TriggerSet.from_yaml(rules)
        tables = [read_hazard_file(path, year=year, level=level) for path in data]
        ipc = [t for kind, t in tables if kind == "ipc"]
        if len(ipc) != 1:
            msg = f"expected exactly one IPC file among DATA; got {len(ipc)}."
            raise HumsecError(msg)
        signals = [t.frame for kind, t in tables if kind == "signal"]
        result = TriggerBacktest(as_of=as_of).fit(
            spec, ipc[0].frame, pd.concat(signals) if signals else None
        )
        read_notes = [n for _, t in tables for n in t.notes]
        page = None
        if html is not None:
            page = _trigger_page(
                result.to_frame("outcomes"), spec, boundaries, boundary_key, read_notes, rules.name
            )
    except HumsecError as exc:
        fail(exc)
        return
    outputs: list[tuple[Path, Callable[[Path], Any]]] = [
        (out, _csv_writer(result.to_frame("outcomes")))
    ]
    if alerts is not None:
        from humsec.hazard.alerts import alerts_for_csv

        outputs.append((alerts, _csv_writer(alerts_for_csv(result.to_frame("alerts")))))
    if html is not None and page is not None:
        text = page
        outputs.append((html, lambda tmp: tmp.write_text(text, encoding="utf-8")))
    try:
        write_all(outputs)  # every output computed first, then all written or none
    except HumsecError as exc:
        fail(exc)
        return
    notes(read_notes)
    stdout.print(result.summary(), highlight=False, markup=False)


def _trigger_page(
    result: Any, spec: Any, boundaries: Path | None, key: str, read_notes: list[str], name: str
) -> str:
    """The HTML trigger report; the boundaries must carry ``key``."""
    from humsec.core.files import read_config
    from humsec.hazard.trigger_report import trigger_report_html

    geo = None
    if boundaries is not None:
        geo = read_config(boundaries, what="GeoJSON boundaries", json_only=True)
        features = geo.get("features") if isinstance(geo, dict) else None
        if not features or key not in (features[0].get("properties") or {}):
            props = sorted((features[0].get("properties") or {}) if features else [])
            msg = (
                f"{boundaries}: the features have no property {key!r} (pass --boundary-key; "
                f"they have {props})."
            )
            raise HumsecError(msg)
    return trigger_report_html(
        result,
        rules={rule.name: rule.describe() for rule in spec.rules},
        title=f"Trigger report: {name}",
        boundaries=geo,
        key=key,
        notes=read_notes,
    )


def outbreaks_command(
    outbreaks_file: Path = typer.Argument(
        ...,
        exists=True,
        dir_okay=False,
        help="Outbreak list: JHU cholera layout (location, start_date, end_date) or a generic "
        "area, start, end CSV (.gz accepted).",
    ),
    test_from: str = typer.Option(
        ...,
        "--test-from",
        help="First test month (YYYY-MM); models are fitted on the months before.",
    ),
    out: Path = typer.Option(..., "--out", help="Scores CSV: model, metric, value, n."),
    level: int = typer.Option(1, "--level", help="Admin level of the onset panel (1 or 2)."),
    first: str = typer.Option("2010-01", "--first", help="First month of the panel (YYYY-MM)."),
    last: str = typer.Option("2019-12", "--last", help="Last month of the panel (YYYY-MM)."),
    coverage: Path | None = typer.Option(
        None,
        "--coverage",
        exists=True,
        dir_okay=False,
        help="Surveillance coverage (country, year_month or month, has_data yes/no): months "
        "without data are left out.",
    ),
    universe: str = typer.Option(
        "cod",
        "--universe",
        help="Areas of the panel: cod (every COD admin area of the listed countries, plus the "
        "listed areas) or list (only areas that had an outbreak).",
    ),
    forecasts: Path | None = typer.Option(
        None, "--forecasts", help="Also write every test area-month with each model's probability."
    ),
) -> None:
    """Score outbreak-onset forecasts: base rate (fixed and updated), seasonal, onset_logit (Brier, AUC)."""
    from humsec.hazard._files import read_text_table, require_columns
    from humsec.hazard.onset_model import OnsetBacktest
    from humsec.hazard.outbreaks import read_outbreaks

    try:
        table = read_outbreaks(outbreaks_file)
        cov = None
        if coverage is not None:
            cov = read_text_table(coverage, source=str(coverage))
            cov = cov.rename(columns={"year_month": "month"})
            require_columns(cov, ["country", "month", "has_data"], str(coverage))
            _check_coverage(cov, str(coverage))
        backtest = OnsetBacktest(
            test_from=test_from, first=first, last=last, level=level, universe=universe
        )
        result = backtest.fit(table.frame, coverage=cov)
    except HumsecError as exc:
        fail(exc)
        return
    _write_tables(
        result, [(out, "scores")] + ([] if forecasts is None else [(forecasts, "forecasts")])
    )
    notes([*table.notes, *result.notes])
    stdout.print(result.summary().split("\nnote:")[0], highlight=False, markup=False)


def _check_coverage(cov: Any, source: str) -> None:
    """Months YYYY-MM and has_data yes/no, or an error naming the file, column and rows."""
    from humsec.hazard._files import bad_rows

    month = cov["month"].astype("string").str.strip()
    bad_rows(~month.str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])").fillna(False), cov, "month", source,
             "a month YYYY-MM")  # fmt: skip
    flag = cov["has_data"].astype("string").str.strip().str.lower()
    bad_rows(~flag.isin(["yes", "no"]).fillna(False), cov, "has_data", source, "yes or no")


def _write_tables(result: Any, outputs: list[tuple[Path, str]]) -> None:
    """Each ``(path, table)`` of ``result`` as CSV: all written or none (exit 2 naming the path)."""
    frames = [(path, result.to_frame(name)) for path, name in outputs]
    try:
        write_all([(path, _csv_writer(frame)) for path, frame in frames])
    except HumsecError as exc:
        fail(exc)


def _csv_writer(frame: Any) -> Callable[[Path], Any]:
    return lambda tmp: frame.to_csv(tmp, index=False)


def register(
    app: typer.Typer,
    *,
    conflict_reader: Callable[[Path], tuple[Any, list[str]]] | None = None,
) -> None:
    """Add the hazard commands to ``humsec warn``; ``conflict_reader`` reads ``--conflict`` files
    (events or a panel: ``(panel, notes)``), passed in by the CLI that mounts both domains."""
    global _conflict_reader
    _conflict_reader = conflict_reader
    app.command("ipc")(ipc_command)
    app.command("triggers")(triggers_command)
    app.command("outbreaks")(outbreaks_command)
