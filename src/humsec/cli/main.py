"""The ``humsec`` command line: a thin layer over the public API.

``humsec af SPEC DATA --over region area --out results.csv`` estimates the Alkire-Foster measures,
prints the national summary and writes the tidy table. Errors are printed as one clear message
(file, column, rows, what was expected) with exit code 2, and nothing is written.
"""

from __future__ import annotations

import atexit
import gc
from pathlib import Path
from typing import Any

import typer

from humsec.cli._common import KCommand, k_option, parse_k, stdout
from humsec.cli._common import fail as _fail
from humsec.cli.warn import warn_app
from humsec.exceptions import HumsecError
from humsec.io.write import write_all, write_atomic


def _skip_final_collection() -> None:
    """At exit, freeze the heap: Python's final collections then skip it.

    With pandas, numba and scipy loaded, tearing the heap down (numba's compiled-code objects
    above all) took 0.8-3 s after `humsec af` had written everything (docs/af_speed.md). Every
    output is closed by then; what is skipped is only the freeing of memory the OS reclaims.
    """
    gc.disable()
    gc.freeze()


atexit.register(_skip_final_collection)

app = typer.Typer(
    name="humsec",
    help="Human security analytics: measure, compare and report who is insecure, where, and how.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.command(
    cls=KCommand, context_settings={"allow_extra_args": True, "ignore_unknown_options": False}
)
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
    from humsec.measure.alkire_foster import AlkireFoster

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


@app.command(cls=KCommand)
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
    from humsec.analysis.robustness import robustness_analysis
    from humsec.progress import progress_for
    from humsec.tables.af_spec import AFSpec

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


@app.command()
def index(
    model: str = typer.Argument(
        ...,
        help="Index model: a YAML file or a built-in name (inform-2020, inform-2025, coinr-asem).",
    ),
    data: Path = typer.Argument(
        ..., help="Indicator table (CSV, Excel, Parquet...): one row per unit."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Tidy CSV: unit, node, score, rank, class, coverage, driver."
    ),
    round_nodes: int | None = typer.Option(
        None, "--round", help="Round every node to N decimals as published tables do."
    ),
    uncertainty: int = typer.Option(
        0,
        "--uncertainty",
        help="Monte Carlo replicates: adds 90% score and rank intervals; the sensitivity table is "
        "written beside --out (NAME_sensitivity.csv).",
    ),
    weight_noise: float = typer.Option(
        0.25, "--weight-noise", help="In the Monte Carlo, weights vary by ± this share."
    ),
    alternative_ops: bool = typer.Option(
        True,
        "--alternative-ops/--no-alternative-ops",
        help="In the Monte Carlo, each node's operator varies among its own, arithmetic and geometric.",
    ),
    vary_normalise: str = typer.Option(
        "", "--vary-normalise", help="Monte Carlo: normalisations to try, e.g. minmax,rank,zscore."
    ),
    vary_impute: str = typer.Option(
        "", "--vary-impute", help="Monte Carlo: imputations to try, e.g. none,mean,regression."
    ),
    vary_outliers: bool = typer.Option(
        False, "--vary-outliers", help="Monte Carlo: with and without COINr's outlier treatment."
    ),
    seed: int | None = typer.Option(None, "--seed", help="Monte Carlo seed."),
    html: Path | None = typer.Option(None, "--html", help="Also write an HTML page with charts."),
    boundaries: Path | None = typer.Option(
        None, "--boundaries", help="GeoJSON of the units, for a choropleth in the HTML page."
    ),
    key: str = typer.Option(
        "iso_a3", "--key", help="GeoJSON feature property that holds the unit codes."
    ),
) -> None:
    """Composite index (INFORM / COINr class): scores, ranks and classes at every node."""
    from humsec.measure.composite import CompositeIndex

    sensitivity = None
    page = None
    try:
        # options checked before any work, so that a bad value never costs a long run
        if round_nodes is not None and round_nodes < 0:
            raise HumsecError(f"--round must be 0 or more decimals; got {round_nodes}.")
        if uncertainty < 0:
            raise HumsecError(
                f"--uncertainty must be a number of replicates >= 1 (0: none); got {uncertainty}."
            )
        if not 0 <= weight_noise < 1:
            raise HumsecError(
                f"--weight-noise must be in [0, 1) (weights vary by ± that share and stay "
                f"positive); got {weight_noise}."
            )
        from dataclasses import replace

        from humsec.analysis.index_uncertainty import Factors

        try:
            factors = Factors(
                weight_noise=weight_noise,
                impute=tuple(x for x in vary_impute.split(",") if x),
                outliers=(False, True) if vary_outliers else (),
                normalise=tuple(x for x in vary_normalise.split(",") if x),
            )
        except HumsecError as exc:  # name the options, not the Factors fields
            raise HumsecError(f"--vary-impute/--vary-normalise: {exc}") from None
        if html is not None and boundaries is not None:
            from humsec.report.index_html import read_boundaries

            read_boundaries(boundaries, key)
        tree: Any = model
        source: Any = data
        if model == "coinr-asem":  # COINr's construction first; its tree then scores the result
            tree, source, summary = _coinr_asem(data)
        result = CompositeIndex(tree, round_nodes=round_nodes).fit(source)
        if model == "coinr-asem":
            result.notes.insert(0, summary)
        table = result.to_frame()
        if uncertainty > 0:
            ops = (
                {
                    n: list(dict.fromkeys([nd.op, "arithmetic", "geometric"]))
                    for n, nd in result.model.nodes.items()
                }
                if alternative_ops
                else {}
            )
            table, sensitivity = _with_uncertainty(
                result, source, table, uncertainty, replace(factors, operators=ops), seed
            )
            if round_nodes is not None:  # the bounds as the scores they bracket
                bounds = ["score_low", "score_high"]
                table[bounds] = table[bounds].round(round_nodes)
        if html is not None:
            from humsec.report.index_html import map_note, read_boundaries, render_index_html

            intervals = table if uncertainty > 0 else None
            page = render_index_html(
                result, intervals=intervals, sensitivity=sensitivity, boundaries=boundaries, key=key
            )
            if boundaries is not None:
                units = table.loc[table["node"] == result.model.root, "unit"]
                missing = map_note(units, read_boundaries(boundaries, key), key)
                if missing:
                    result.notes.append(missing)
    except HumsecError as exc:
        _fail(exc)
        return
    written = []
    if out is not None:
        write_atomic(out, lambda tmp: table.to_csv(tmp, index=False))
        written.append(out)
        if sensitivity is not None:
            sens_path = out.with_name(out.stem + "_sensitivity.csv")
            write_atomic(sens_path, lambda tmp: sensitivity.to_csv(tmp, index=False))
            written.append(sens_path)
    if html is not None and page is not None:
        write_atomic(html, lambda tmp: tmp.write_text(page, encoding="utf-8"))
        written.append(html)
    root = result.model.root
    top = table[table["node"] == root].sort_values("rank").head(10)
    name = result.model.name or root
    stdout.print(
        f"{name}: {result.scores.shape[0]} units, {result.scores.shape[1]} nodes", markup=False
    )
    for note in result.notes:
        stdout.print(f"  note: {note}", highlight=False, markup=False)
    stdout.print(top.drop(columns="node").to_string(index=False), highlight=False, markup=False)
    if sensitivity is not None:
        stdout.print(sensitivity.to_string(index=False), highlight=False, markup=False)
    if uncertainty > 0:
        from humsec.analysis.index_uncertainty import uncertainty_notes

        for note in uncertainty_notes(table, sensitivity, root, result.model):
            stdout.print(f"  note: {note}", highlight=False, markup=False)
    for path in written:
        stdout.print(f"wrote {path}", highlight=False, markup=False)


def _coinr_asem(data: Path) -> tuple[Any, Any, str]:
    """COINr's ASEM build: its index model, the constructed data it scores, and a summary."""
    from humsec.io.survey import read_survey
    from humsec.measure.coinr_asem import coinr_asem_index

    return coinr_asem_index(read_survey(data).frame)


def _with_uncertainty(
    result: Any, data: Any, table: Any, n: int, factors: Any, seed: int | None
) -> tuple[Any, Any]:
    from humsec.analysis.index_uncertainty import index_sensitivity, index_uncertainty

    model = result.model
    unc = index_uncertainty(model, data, factors=factors, n=n, seed=seed)
    cols = ["unit", "node", "score_low", "score_high", "rank_low", "rank_high"]
    table = table.merge(unc.intervals[cols], on=["unit", "node"], how="left")
    sensitivity = index_sensitivity(model, data, factors=factors, n=max(32, n // 8), seed=seed)
    return table, sensitivity


from humsec.cli.response import response_app  # noqa: E402

app.add_typer(response_app, name="response")
from humsec.cli.voice import voice_app  # noqa: E402

app.add_typer(voice_app, name="voice")
from humsec.cli.sae import sae_app  # noqa: E402

app.add_typer(sae_app, name="sae")
from humsec.cli.review import review as _review  # noqa: E402
from humsec.cli.serve import serve as _serve  # noqa: E402

app.command()(_review)
app.command(name="serve")(_serve)


@app.command()
def demo(
    out: Path = typer.Option(Path("demo-out"), "--out", help="Folder for the demo's outputs."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress on stderr."),
) -> None:
    """Run the Alkire-Foster analysis on the bundled syn_cdta survey and write CSV, Excel and HTML."""
    import humsec
    from humsec.progress import progress_for

    with progress_for(quiet) as progress:
        progress.say("Alkire-Foster estimates with standard errors (syn_cdta, by area and region)")
        spec = humsec.datasets.syn_cdta_spec()
        result = humsec.AlkireFoster(spec).fit(
            humsec.datasets.load_syn_cdta(), over=["area", "region"], source="syn_cdta (bundled)"
        )
        out.mkdir(parents=True, exist_ok=True)
        with progress.task("writing CSV, Excel and HTML", total=3) as step:
            paths = []
            for write, name in [
                (result.to_csv, "af_results.csv"),
                (result.to_excel, "af_results.xlsx"),
                (result.to_html, "af_summary.html"),
            ]:
                paths.append(write(out / name))
                step.advance(name)
    stdout.print(result.summary(), highlight=False, markup=False)
    for p in paths:
        stdout.print(f"wrote {p}", highlight=False, markup=False)


@app.command()
def version() -> None:
    """Print humsec's version."""
    from humsec._version import __version__

    stdout.print(__version__)

app.add_typer(warn_app, name="warn")

if __name__ == "__main__":  # pragma: no cover
    app()
