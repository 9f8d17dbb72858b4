"""``humsec af`` and ``humsec robustness``: the Alkire-Foster commands.

``humsec af SPEC DATA --over region area --out results.csv`` estimates the Alkire-Foster measures,
prints the national summary and writes the tidy table. Errors are printed as one clear message
(file, column, rows, what was expected) with exit code 2, and nothing is written.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import typer

from humsec.af.measures import measure_names, ranked
from humsec.core.cli import (
    KCommand,
    k_option,
    level_option,
    out_option,
    over_option,
    parse_k,
    quiet_option,
    seed_option,
    stdout,
)
from humsec.core.cli import fail as _fail
from humsec.core.errors import DataError, HumsecError, ParameterError
from humsec.core.write import write_all

#: the help line of ``humsec af``, from the measures declared once (humsec.af.measures)
AF_HELP = f"Alkire-Foster measures ({', '.join(measure_names())}) with design-based SEs and CIs."


def register(app: typer.Typer) -> None:
    """Mount ``af`` and ``robustness`` on the ``humsec`` app."""
    app.command(
        cls=KCommand,
        help=AF_HELP,
        context_settings={"allow_extra_args": True, "ignore_unknown_options": False},
    )(af)
    app.command(cls=KCommand)(robustness)


def _flagged(exc: HumsecError) -> HumsecError:
    """A library parameter error with the option that set it (library errors name no flags)."""
    found = re.match(r"The '(\w+)' (?:parameter|of)", str(exc))
    if isinstance(exc, ParameterError) and found:
        return ParameterError(f"--{found.group(1).replace('_', '-')}: {exc}")
    return exc


def af(
    ctx: typer.Context,
    spec: Path = typer.Argument(..., help="Specification file (YAML or JSON)."),
    data: Path = typer.Argument(
        ..., help="Survey microdata: CSV, Parquet, Excel, Stata .dta or SPSS .sav."
    ),
    over: list[str] = over_option("Grouping column(s): --over region area (a*b crosses two)."),
    out: Path | None = out_option(
        "Tidy results table; format from the suffix: .csv, .xlsx, .html, .parquet."
    ),
    excel: Path | None = typer.Option(
        None, "--excel", help="Also write an Excel workbook (one sheet per table)."
    ),
    html: Path | None = typer.Option(
        None, "--html", help="Also write a short HTML summary with charts."
    ),
    k: list[str] = k_option("overrides the spec's k"),
    level: float = level_option(),
    variance: str = typer.Option("linearization", "--variance", help="linearization or bootstrap."),
    replicates: int = typer.Option(500, "--replicates", help="Bootstrap replicates."),
    seed: int | None = seed_option(help="Bootstrap seed."),
    lonely_psu: str | None = typer.Option(
        None, "--lonely-psu", help="fail, certainty, remove or adjust."
    ),
    missing: str | None = typer.Option(None, "--missing", help="drop (default) or reweight."),
    quiet: bool = quiet_option("Do not print the summary."),
) -> None:
    """Alkire-Foster measures with design-based SEs and CIs (the help line is ``AF_HELP``)."""
    extra = list(ctx.args)
    if extra and not over:
        _fail(HumsecError(f"Unexpected argument(s) {extra}; grouping columns go after --over."))
    over_all = [*over, *extra]
    _read_ahead(spec, data, over_all)
    from humsec.af.engine import AlkireFoster  # pandas, numba, scipy: while the file is read

    try:
        estimator = AlkireFoster(
            spec,
            k=parse_k(k) or None,
            level=level,
            variance=variance,
            replicates=replicates,
            seed=seed,
            lonely_psu=lonely_psu,
            missing=missing,
        )
        result = estimator.fit(data, over=over_all)
        writers = _writers(result, out, excel, html)
    except HumsecError as exc:
        _fail(_flagged(exc))
        return
    try:  # everything computed first, then every output written or none
        write_all(writers)
    except HumsecError as exc:
        _fail(exc)
        return
    if not quiet:
        stdout.print(result.summary(), highlight=False, markup=False)
        for path, _ in writers:
            stdout.print(f"wrote {path}", highlight=False, markup=False)


def _read_ahead(spec: Path, data: Path, over: list[str]) -> None:
    """Start decoding a Parquet survey before the engine is imported (the fit takes the table);
    a specification that does not load is left for the fit to report, with its usual message."""
    if data.suffix.lower() not in (".parquet", ".pq") or not data.is_file():
        return
    from humsec.af.inputs import needed_columns, read_ahead
    from humsec.af.spec import AFSpec

    try:
        columns = needed_columns(AFSpec.from_file(spec), over)
    except HumsecError:
        return
    read_ahead(data, columns, arrow=True)


def _writers(
    result: Any, out: Path | None, excel: Path | None, html: Path | None
) -> list[tuple[Path, Any]]:
    writers: list[tuple[Path, Any]] = []
    if out is not None:
        suffix = out.suffix.lower()
        by_suffix = {
            ".csv": result.to_csv,
            ".xlsx": result.to_excel,
            ".html": result.to_html,
            ".parquet": lambda p: result.tidy().to_parquet(p, index=False),
        }
        if suffix not in by_suffix:
            msg = f"Cannot write {out}: unknown suffix {suffix!r}; expected one of {sorted(by_suffix)}."
            raise HumsecError(msg)
        writers.append((out, by_suffix[suffix]))
    if excel is not None:
        writers.append((excel, result.to_excel))
    if html is not None:
        writers.append((html, result.to_html))
    return writers


def robustness(
    spec: Path = typer.Argument(..., help="Specification file (YAML or JSON)."),
    data: Path = typer.Argument(..., help="Survey microdata file."),
    over: str = typer.Option(..., "--over", help="Grouping column whose subgroups are compared."),
    k: list[str] = k_option("default 20:50:5"),
    weights: list[str] = typer.Option(
        [],
        "--weights",
        help="Alternative weighting: a YAML/JSON file mapping indicator -> weight (repeatable).",
    ),
    measure: str = typer.Option(
        "M0", "--measure", help=f"Measure to rank by: {' or '.join(ranked()[::-1])}."
    ),
    out: Path | None = out_option(
        "Estimates across specifications and the pairwise dominance table: NAME.csv (the "
        "table goes to NAME_pairs.csv beside it) or NAME.xlsx (sheets estimates, pairs, dominance)."
    ),
    level: float = level_option(),
    quiet: bool = quiet_option(),
) -> None:
    """Robustness of subgroup rankings across k values and weightings (pairwise dominance)."""
    from humsec.af.robustness import robustness_analysis
    from humsec.af.spec import AFSpec
    from humsec.core.progress import progress_for

    try:
        k_values = parse_k(k or ["20:50:5"])
        if out is not None and out.suffix.lower() not in (".csv", ".xlsx"):
            msg = f"Cannot write {out}: unknown suffix {out.suffix!r}; expected '.csv' or '.xlsx'."
            raise HumsecError(msg)
        base = AFSpec.from_file(spec)
        alt = [_load_weights(w) for w in weights]
        with progress_for(quiet):  # minutes on a large survey: one line per weighting and k
            result = robustness_analysis(
                base,
                data,
                over=over,
                k_values=k_values,
                weightings=alt,
                measure=measure,
                level=level,
            )
        written = write_all(result.writers(out)) if out is not None else []
    except HumsecError as exc:
        _fail(_flagged(exc))
        return
    stdout.print(result.summary(), highlight=False, markup=False)
    for path in written:
        stdout.print(f"wrote {path}", highlight=False, markup=False)


def _load_weights(path: str) -> dict[str, float]:
    """A ``--weights`` file: a YAML/JSON mapping indicator -> weight, every weight a number > 0."""
    from humsec.core.files import read_config

    p = Path(path)
    what = "a weighting: a mapping indicator -> weight (numbers > 0 summing to 1)"
    raw = read_config(p, what=what)
    if not isinstance(raw, dict) or not raw:
        raise DataError(f"{p.name}: expected {what}; got {type(raw).__name__} {raw!r:.60}.")
    out: dict[str, float] = {}
    for key, value in raw.items():
        number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
        if number is None or not math.isfinite(number) or number <= 0:
            msg = (
                f"{p.name}, indicator {str(key)!r}: expected a weight (a finite number > 0); "
                f"got {value!r}."
            )
            raise DataError(msg)
        out[str(key)] = float(number)
    return out
