"""``humsec sae``: small-area estimation (district estimates with their MSE).

``humsec sae direct`` turns survey microdata into one row per area (estimate, variance, n);
``humsec sae fh`` fits the Fay-Herriot model on one row per area and writes
``area, direct, direct_se, estimate, mse, ci_low, ci_high, gamma, in_sample, synthetic, cv``;
``humsec sae bhf`` fits the unit-level nested-error model on survey units and population means;
``humsec sae ebp`` predicts poverty indicators per area from survey and census units.
Everything is computed first, then written (an error writes nothing).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from humsec.core.cli import KCommand, boundary_key_option, k_option, notes, one_k, stdout
from humsec.core.cli import fail as _fail
from humsec.core.errors import HumsecError
from humsec.core.write import write_all, write_atomic

if TYPE_CHECKING:
    from humsec.sae import DirectEstimates

sae_app = typer.Typer(
    help="Small-area estimation: Fay-Herriot EBLUP with MSE, unit-level BHF EBLUP and EBP of poverty indicators, direct estimates per area.",
    no_args_is_help=True,
)


def _write_and_report(result: Any, out: Path, extra: list[tuple[Path, Any]] | None = None) -> None:
    """Write the estimates table (``.xlsx`` or ``.csv``) and any other outputs, every one or none,
    then print the summary and what was written."""
    writers = [(out, result.to_excel if out.suffix.lower() == ".xlsx" else result.to_csv)]
    try:
        written = write_all([*writers, *(extra or [])])
    except HumsecError as exc:
        _fail(exc)
        return
    stdout.print(result.summary(), highlight=False, markup=False)
    for path in written:
        stdout.print(f"wrote {path}", highlight=False, markup=False)


def _check_out(out: Path) -> None:
    if out.suffix.lower() not in {".csv", ".xlsx"}:
        raise HumsecError(f"--out {out}: expected a .csv or .xlsx file name.")


@sae_app.command("fh")
def fh_command(
    data: Path = typer.Argument(
        ...,
        help="One row per area (CSV, Excel, Stata, SPSS, Parquet): direct estimate (empty = out of "
        "sample), its sampling variance, covariates.",
    ),
    formula: str = typer.Option(
        ..., "--formula", help="R-style formula 'y ~ x1 + x2' (y: direct estimates; C(x): factor)."
    ),
    variance: str = typer.Option(..., "--variance", help="Column of sampling variances (> 0)."),
    area: str = typer.Option(..., "--area", help="Column naming the areas (unique)."),
    method: str = typer.Option(
        "reml", "--method", help="sigma2_u estimator: reml, ml or fh (moment method)."
    ),
    transform: str = typer.Option(
        "none",
        "--transform",
        help="none, log (positive values) or arcsin (shares in (0, 1)): model on that scale, "
        "bias-corrected back-transformation, bootstrap MSE (emdi's approach).",
    ),
    bootstrap: int = typer.Option(
        100, "--bootstrap", help="Bootstrap replicates B of the MSE with --transform log|arcsin."
    ),
    effective_n: str | None = typer.Option(
        None,
        "--effective-n",
        help="With --transform arcsin: column of effective sample sizes n; variance 1/(4n) on the "
        "arcsine scale (emdi's eff_smpsize), shares of 0 or 1 allowed.",
    ),
    seed: int | None = typer.Option(
        None, "--seed", help="Seed of the bootstrap with --transform (default: drawn, printed)."
    ),
    level: float = typer.Option(0.95, "--level", help="Confidence level of the intervals."),
    benchmark: float | None = typer.Option(
        None,
        "--benchmark",
        help="National direct value the population-weighted estimates must reproduce.",
    ),
    population: str | None = typer.Option(
        None, "--population", help="Column of area populations (weights of --benchmark)."
    ),
    benchmark_method: str = typer.Option(
        "ratio", "--benchmark-method", help="ratio or difference."
    ),
    proximity: Path | None = typer.Option(
        None,
        "--proximity",
        help="Spatial model: m x m proximity matrix CSV (first column the area names, header the "
        "same names; or no names, rows in DATA's order); method reml or ml.",
    ),
    boundaries: str | None = typer.Option(
        None,
        "--boundaries",
        help="GeoJSON (.geojson/.geojson.gz) or a built-in set (KEN-adm1, ...): areas matched on "
        "--boundary-key; used for --map and, with --spatial, for the contiguity matrix.",
    ),
    boundary_name: str = boundary_key_option("adm1_name", help="Feature property holding the area names."),
    spatial: bool = typer.Option(
        False, "--spatial", help="Spatial model with contiguity from --boundaries."
    ),
    map_png: Path | None = typer.Option(
        None, "--map", help="PNG map of the estimates and their CVs (needs --boundaries)."
    ),
    out: Path = typer.Option(..., "--out", help="Estimates table: .csv or .xlsx."),
    html_page: Path | None = typer.Option(
        None, "--html", help="HTML page: summary (with adjusted R2) and the model-vs-direct chart."
    ),
) -> None:
    """Fay-Herriot EBLUP per area, MSE as R sae::mseFH (sae::mseSFH with --proximity/--spatial)."""
    from humsec.core.survey import read_survey
    from humsec.sae import FH_TRANSFORMS, FayHerriot, SpatialFayHerriot, TransformedFayHerriot

    try:
        _check_out(out)
        if transform not in ("none", *FH_TRANSFORMS):
            raise HumsecError(
                f"--transform must be one of none, {', '.join(FH_TRANSFORMS)}. Got {transform!r}."
            )
        if effective_n is not None and transform != "arcsin":
            raise HumsecError("--effective-n goes with --transform arcsin.")
        if transform != "none" and (spatial or proximity is not None):
            raise HumsecError("--transform goes with the plain model, not --spatial/--proximity.")
        if (benchmark is None) != (population is None):
            raise HumsecError("--benchmark and --population go together: give both or neither.")
        if (spatial or map_png is not None) and boundaries is None:
            raise HumsecError("--spatial and --map need --boundaries.")
        if spatial and proximity is not None:
            raise HumsecError(
                "Give --proximity or --spatial (contiguity from --boundaries), not both."
            )
        geo = None
        if boundaries is not None:
            from humsec.datasets.places import load_boundaries

            geo = load_boundaries(boundaries)
        frame = read_survey(data).frame
        engine: FayHerriot | TransformedFayHerriot = FayHerriot(
            formula=formula, variance=variance, area=area, method=method, level=level
        )
        if transform != "none":
            engine = TransformedFayHerriot(
                formula=formula, variance=variance, area=area, transform=transform, method=method,
                bootstrap=bootstrap, seed=seed, level=level, effective_n=effective_n,
            )  # fmt: skip
        if proximity is not None:
            engine = SpatialFayHerriot(
                formula=formula,
                variance=variance,
                area=area,
                method=method,
                level=level,
                proximity=_read_proximity(proximity, area),
            )
        extra_notes: list[str] = []
        if spatial and geo is not None:
            from humsec.sae.spatial import proximity_from_geojson

            if area not in frame.columns:
                from humsec.core.errors import ColumnNotFoundError

                raise ColumnNotFoundError([area], [str(c) for c in frame.columns], str(data))
            W, extra_notes = proximity_from_geojson(geo, frame[area], name_property=boundary_name)
            engine = SpatialFayHerriot(
                formula=formula, variance=variance, area=area, method=method, level=level,
                proximity=W,
            )  # fmt: skip
        result = engine.fit(frame, source=str(data))
        result.notes.extend(extra_notes)
        png = None
        if map_png is not None and geo is not None:
            from humsec.core.maps import to_png
            from humsec.sae.maps import estimate_maps

            png = to_png(estimate_maps(result.table(), geo, key=boundary_name))
        if benchmark is not None and population is not None:
            if population not in frame.columns:
                from humsec.core.errors import ColumnNotFoundError

                raise ColumnNotFoundError([population], [str(c) for c in frame.columns], str(data))
            weights = dict(zip(frame[area].astype(str), frame[population], strict=True))
            result = result.benchmark(benchmark, weights, how=benchmark_method)
    except HumsecError as exc:
        _fail(exc)
        return
    extra: list[tuple[Path, Any]] = []
    if html_page is not None:
        extra.append((html_page, result.to_html))
    if png is not None and map_png is not None:
        extra.append((map_png, lambda tmp: tmp.write_bytes(png)))
    _write_and_report(result, out, extra)


def _read_proximity(path: Path, area: str) -> object:
    """A square proximity CSV; a text first column, or one named like --area, names the areas."""
    import pandas as pd

    if not path.is_file():
        raise HumsecError(f"Proximity file not found: {path}")
    frame = pd.read_csv(path)
    first = frame.columns[0]
    if not pd.api.types.is_numeric_dtype(frame[first]) or str(first) in {area, "area", ""}:
        frame = frame.set_index(first)
        frame.index = frame.index.astype(str)
    text = [str(c) for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if text:
        raise HumsecError(f"Proximity file {path}: columns {', '.join(text[:5])} are not numbers.")
    return frame


@sae_app.command("direct", cls=KCommand)
def direct_command(
    survey: Path = typer.Argument(..., help="Survey microdata (CSV, Excel, Stata, SPSS, Parquet)."),
    variable: str | None = typer.Option(
        None, "--variable", help="Survey variable (0/1 for a proportion); or give --spec."
    ),
    spec: Path | None = typer.Option(
        None,
        "--spec",
        help="AF specification (YAML/JSON): direct AF --measure per area at --k (design from the spec).",
    ),
    measure: str = typer.Option("H", "--measure", help="AF measure with --spec: H, A, M0, ..."),
    k_values: list[str] = k_option("one value, with --spec"),
    time_round: str | None = typer.Option(
        None, "--time", help="Survey round with --spec when the data hold several."
    ),
    area: str = typer.Option(..., "--area", help="Column naming the area of each respondent."),
    weight: str | None = typer.Option(None, "--weight", help="Sampling weight column."),
    strata: str | None = typer.Option(None, "--strata", help="Stratum column."),
    psu: str | None = typer.Option(None, "--psu", help="PSU (cluster) column."),
    lonely_psu: str = typer.Option(
        "fail", "--lonely-psu", help="Single-PSU strata: fail, certainty, remove or adjust."
    ),
    small: str = typer.Option(
        "deff",
        "--small",
        help="Areas with n <= 1 or a zero variance: deff (national design effect), gvf "
        "(generalised variance function) or drop (modelled out of sample).",
    ),
    out: Path = typer.Option(..., "--out", help="Table area, estimate, variance, n: .csv."),
) -> None:
    """Direct weighted mean (or AF measure, with --spec) per area with its design-based variance."""
    from humsec.core.design import LONELY_PSU_RULES, SurveyDesign
    from humsec.core.survey import read_survey
    from humsec.sae import direct_af, direct_means

    try:
        if (variable is None) == (spec is None):
            raise HumsecError("Give either --variable (a survey mean) or --spec (an AF measure).")
        if spec is not None:
            if weight or strata or psu:
                msg = "With --spec the design comes from the specification; drop --weight/--strata/--psu."
                raise HumsecError(msg)
            from humsec.af.engine import AlkireFoster

            k = one_k(k_values, "sae direct")
            af = AlkireFoster(spec, k=None if k is None else [k]).fit(survey, over=[area])
            result = direct_af(af, area=area, measure=measure, k=k, time=time_round, small=small)
        elif variable is not None:
            if lonely_psu not in LONELY_PSU_RULES:
                raise HumsecError(
                    f"--lonely-psu must be one of {list(LONELY_PSU_RULES)}. Got {lonely_psu!r}."
                )
            frame = read_survey(survey).frame
            design = SurveyDesign(weight=weight, strata=strata, psu=psu, lonely_psu=lonely_psu)
            result = direct_means(
                frame, variable=variable, area=area, design=design, small=small, source=str(survey)
            )
    except HumsecError as exc:
        _fail(exc)
        return
    _write_direct(result, out)


def _write_direct(result: DirectEstimates, out: Path) -> None:
    written = write_atomic(out, lambda tmp: result.table.to_csv(tmp, index=False))
    notes(result.notes)
    stdout.print(f"wrote {written} ({len(result.table)} areas)", highlight=False, markup=False)


@sae_app.command("bhf")
def bhf_command(
    survey: Path = typer.Argument(
        ..., help="Survey units (CSV, Excel, Stata, SPSS, Parquet): outcome, covariates, area."
    ),
    means: Path = typer.Argument(
        ...,
        help="One row per area: the area column, the population mean of each model term (named as "
        "the term) and, with --popsize, the population size.",
    ),
    formula: str = typer.Option(
        ..., "--formula", help="R-style formula 'y ~ x1 + x2' over SURVEY's columns."
    ),
    area: str = typer.Option(..., "--area", help="Column naming the area, in both files."),
    popsize: str | None = typer.Option(
        None,
        "--popsize",
        help="Column of MEANS with the population size N (sampling fraction n/N).",
    ),
    method: str = typer.Option("reml", "--method", help="Variance components: reml or ml."),
    bootstrap: int = typer.Option(
        200, "--bootstrap", help="Bootstrap replicates B of the MSE (sae::pbmseBHF; 0: no MSE)."
    ),
    seed: int | None = typer.Option(
        None, "--seed", help="Seed of the bootstrap (default: drawn and printed in the notes)."
    ),
    level: float = typer.Option(0.95, "--level", help="Confidence level of the intervals."),
    out: Path = typer.Option(..., "--out", help="Estimates table: .csv or .xlsx."),
) -> None:
    """Unit-level Battese-Harter-Fuller EBLUP of area means (R sae::eblupBHF), bootstrap MSE (pbmseBHF)."""
    from humsec.core.survey import read_survey
    from humsec.sae import BatteseHarterFuller

    try:
        _check_out(out)
        units = read_survey(survey).frame
        population = read_survey(means).frame
        result = BatteseHarterFuller(
            formula=formula, area=area, popsize=popsize, method=method, bootstrap=bootstrap,
            seed=seed, level=level,
        ).fit(units, population, source=str(survey), means_source=str(means))  # fmt: skip
    except HumsecError as exc:
        _fail(exc)
        return
    _write_and_report(result, out)


@sae_app.command("ebp")
def ebp_command(
    survey: Path = typer.Argument(
        ..., help="Survey units (CSV, Excel, Stata, SPSS, Parquet): outcome, covariates, area."
    ),
    census: Path = typer.Argument(
        ...,
        help="Census units: the area column and the model's covariates, one row per unit (see --census).",
    ),
    formula: str = typer.Option(
        ...,
        "--formula",
        help="R-style formula 'y ~ x1 + x2' over SURVEY's columns (also in CENSUS).",
    ),
    area: str = typer.Option(..., "--area", help="Column naming the area, in both files."),
    indicator: list[str] = typer.Option(
        ["fgt0", "fgt1"],
        "--indicator",
        help="Indicator per area, repeatable: mean, fgt0 (poverty incidence), fgt1 (gap), fgt2 (severity).",
    ),
    threshold: float | None = typer.Option(
        None, "--threshold", help="Poverty line z of the FGT indicators (outcome's scale, > 0)."
    ),
    transform: str = typer.Option(
        "none", "--transform", help="Outcome transformation: none, log or boxcox (of y + --shift)."
    ),
    boxcox_lambda: str | None = typer.Option(
        None, "--lambda",
        help="Box-Cox lambda (with --transform boxcox): a number, or 'estimate' (by the model's likelihood, as emdi).",
    ),
    shift: float = typer.Option(
        0.0, "--shift", help="Constant added to y before log/Box-Cox (R sae's 'constant')."
    ),
    draws: int = typer.Option(
        50, "--draws",
        help="Monte Carlo populations L per area; 0: the exact expectation, no Monte Carlo error (FGT0-2 and "
        "the mean untransformed or under log, FGT0 under boxcox).",
    ),
    bootstrap: int = typer.Option(
        100, "--bootstrap", help="Bootstrap replicates B of the MSE (0: no MSE, no intervals)."
    ),
    seed: int | None = typer.Option(
        None, "--seed", help="Seed of the random draws (default: drawn and printed in the notes)."
    ),
    census_mode: str = typer.Option(
        "nonsample",
        "--census",
        help="What CENSUS holds: nonsample (units not in the survey, as R sae) or population (all units, as emdi).",
    ),
    unmatched: str = typer.Option(
        "error",
        "--unmatched",
        help="Survey areas without census units: error, or fit (used in the model, no estimate).",
    ),
    method: str = typer.Option("reml", "--method", help="Variance components: reml or ml."),
    level: float = typer.Option(0.95, "--level", help="Confidence level of the intervals."),
    weight: str | None = typer.Option(
        None, "--weight", help="Sampling weight column of SURVEY: the pseudo-EBP (Guadarrama, Molina & Rao 2018)."
    ),
    out: Path = typer.Option(..., "--out", help="Estimates table: .csv or .xlsx."),
) -> None:
    """Empirical best predictor of poverty indicators per area (R sae::ebBHF) with bootstrap MSE (pbmseebBHF)."""
    from humsec.core.survey import read_survey
    from humsec.sae import EmpiricalBestPredictor

    try:
        _check_out(out)
        lam = _lambda_option(boxcox_lambda)
        units = read_survey(survey).frame
        population = read_survey(census).frame
        result = EmpiricalBestPredictor(
            formula=formula, area=area, indicators=list(dict.fromkeys(indicator)), threshold=threshold,
            transform=transform, boxcox_lambda=lam, shift=shift, draws=draws,
            bootstrap=bootstrap, seed=seed, census=census_mode, unmatched=unmatched, method=method,
            level=level, weights=weight,
        ).fit(units, population, source=str(survey), census_source=str(census))  # fmt: skip
    except HumsecError as exc:
        _fail(exc)
        return
    _write_and_report(result, out)


def _lambda_option(text: str | None) -> float | str | None:
    """``--lambda``: a number or the word ``estimate``."""
    if text is None or text.strip().lower() == "estimate":
        return None if text is None else "estimate"
    try:
        return float(text)
    except ValueError:
        raise HumsecError(f"--lambda must be a number or 'estimate'; got {text!r}.") from None
