"""``humsec af`` and ``humsec robustness``: the Alkire-Foster commands.

``humsec af SPEC DATA --over region area --out results.csv`` estimates the Alkire-Foster measures,
prints the national summary and writes the tidy table. Errors are printed as one clear message
(file, column, rows, what was expected) with exit code 2, and nothing is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from humsec.core.cli import KCommand, k_option, parse_k, stdout
from humsec.core.cli import fail as _fail
from humsec.core.errors import HumsecError
from humsec.core.write import write_all


def register(app: typer.Typer) -> None:
    """Mount ``af`` and ``robustness`` on the ``humsec`` app."""
    app.command(
        cls=KCommand,
        context_settings={"allow_extra_args": True, "ignore_unknown_options": False},
    )(af)
    app.command(cls=KCommand)(robustness)


def af(
    ctx: typer.Context,
    spec: Path = typer.Argument(..., help="Specification file (YAML or JSON)."),
    data: Path = typer.Argument(
        ..., help="Survey microdata: CSV, Parquet, Excel, Stata .dta or SPSS .sav."
    ),
    over: list[str] = typer.Option(
        [], "--over", help="Grouping column(s): --over region area (a*b crosses two)."
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="Tidy results table; format from the suffix: .csv, .xlsx, .html, .parquet.",
    ),
    excel: Path | None = typer.Option(
        None, "--excel", help="Also write an Excel workbook (one sheet per table)."
    ),
    html: Path | None = typer.Option(
        None, "--html", help="Also write a short HTML summary with charts."
    ),
    k: list[str] = k_option("overrides the spec's k"),
    level: float = typer.Option(0.95, "--level", help="Confidence level, in (0, 1)."),
    variance: str = typer.Option("linearization", "--variance", help="linearization or bootstrap."),
    replicates: int = typer.Option(500, "--replicates", help="Bootstrap replicates."),
    seed: int | None = typer.Option(None, "--seed", help="Bootstrap seed."),
    lonely_psu: str | None = typer.Option(
        None, "--lonely-psu", help="fail, certainty, remove or adjust."
    ),
    missing: str | None = typer.Option(None, "--missing", help="drop (default) or reweight."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Do not print the summary."),
) -> None:
    """Alkire-Foster measures (H, A, M0, hd, hdk, actb, pctb) with design-based SEs and CIs."""
    from humsec.af.engine import AlkireFoster

    extra = list(ctx.args)
    if extra and not over:
        _fail(HumsecError(f"Unexpected argument(s) {extra}; grouping columns go after --over."))
    over_all = [*over, *extra]
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
        _fail(exc)
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
    measure: str = typer.Option("M0", "--measure", help="Measure to rank by: M0 or H."),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="Estimates across specifications and the pairwise dominance table: NAME.csv (the "
        "table goes to NAME_pairs.csv beside it) or NAME.xlsx (sheets estimates, pairs, dominance).",
    ),
    level: float = typer.Option(
        0.95, "--level", help="Confidence level for significant dominance."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress on stderr."),
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
    except HumsecError as exc:
        _fail(exc)
        return
    written = []
    if out is not None:
        written = result.to_excel(out) if out.suffix.lower() == ".xlsx" else result.to_csv(out)
    stdout.print(result.summary(), highlight=False, markup=False)
    for path in written:
        stdout.print(f"wrote {path}", highlight=False, markup=False)


def _load_weights(path: str) -> dict[str, float]:
    import json

    import yaml

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise HumsecError(f"Weights file not found: {p}") from None
    raw = json.loads(text) if p.suffix == ".json" else yaml.safe_load(text)
    if not isinstance(raw, dict):
        raise HumsecError(f"{p}: expected a mapping indicator -> weight")
    return {str(k): float(v) for k, v in raw.items()}
