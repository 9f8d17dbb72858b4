"""``humsec index``: composite indices (INFORM / COINr class) with Monte Carlo uncertainty."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from humsec.core.cli import boundary_key_option, stdout, write_or_fail
from humsec.core.cli import fail as _fail
from humsec.core.errors import HumsecError


def register(app: typer.Typer) -> None:
    """Mount ``index`` on the ``humsec`` app."""
    app.command()(index)


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
    key: str = boundary_key_option("iso_a3", help="GeoJSON feature property that holds the unit codes."),
) -> None:
    """Composite index (INFORM / COINr class): scores, ranks and classes at every node."""
    from humsec.index.composite import CompositeIndex

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

        from humsec.index.uncertainty import Factors

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
            from humsec.index.html import read_boundaries

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
            from humsec.index.html import map_note, read_boundaries, render_index_html

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
    writers: list[tuple[Path, Any]] = []
    if out is not None:
        writers.append((out, lambda tmp: table.to_csv(tmp, index=False)))
        if sensitivity is not None:
            sens_path = out.with_name(out.stem + "_sensitivity.csv")
            writers.append((sens_path, lambda tmp: sensitivity.to_csv(tmp, index=False)))
    if html is not None and page is not None:
        writers.append((html, lambda tmp: tmp.write_text(page, encoding="utf-8")))
    write_or_fail(writers)  # every output computed above: all written, or none
    written = [path for path, _ in writers]
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
        from humsec.index.uncertainty import uncertainty_notes

        for note in uncertainty_notes(table, sensitivity, root, result.model):
            stdout.print(f"  note: {note}", highlight=False, markup=False)
    for path in written:
        stdout.print(f"wrote {path}", highlight=False, markup=False)


def _coinr_asem(data: Path) -> tuple[Any, Any, str]:
    """COINr's ASEM build: its index model, the constructed data it scores, and a summary."""
    from humsec.core.survey import read_survey
    from humsec.index.coinr_asem import coinr_asem_index

    return coinr_asem_index(read_survey(data).frame)


def _with_uncertainty(
    result: Any, data: Any, table: Any, n: int, factors: Any, seed: int | None
) -> tuple[Any, Any]:
    from humsec.index.uncertainty import index_sensitivity, index_uncertainty

    model = result.model
    unc = index_uncertainty(model, data, factors=factors, n=n, seed=seed)
    cols = ["unit", "node", "score_low", "score_high", "rank_low", "rank_high"]
    table = table.merge(unc.intervals[cols], on=["unit", "node"], how="left")
    sensitivity = index_sensitivity(model, data, factors=factors, n=max(32, n // 8), seed=seed)
    return table, sensitivity
