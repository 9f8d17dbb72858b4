"""``humsec response``: who does what where, against needs (gaps, overlap, money, trends, IATI)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from humsec.core.cli import (
    KCommand,
    boundary_key_option,
    k_option,
    notes,
    one_k,
    stdout,
    write_or_fail,
)
from humsec.core.cli import fail as _fail
from humsec.core.errors import HumsecError


def _parse_period(text: str) -> tuple[str | None, str | None] | None:
    """``"2025-01-01:2025-06-30"`` → (start, end); either side may be empty."""
    if not text:
        return None
    if ":" not in text:
        raise HumsecError(
            f"Cannot read the period {text!r}; expected START:END such as 2025-01-01:2025-06-30."
        )
    lo, hi = (p.strip() or None for p in text.split(":", 1))
    import pandas as pd

    for value in (lo, hi):
        if value is not None and pd.isna(pd.to_datetime(value, errors="coerce")):
            raise HumsecError(
                f"The period {text!r} has {value!r}, which is not a date (expected YYYY-MM-DD)."
            )
    return lo, hi


def _gap_maps(table: Any, shapes: dict[str, Any], key: str, top: int = 6) -> bytes:
    """PNG: the total gap per area, then the sectors with the largest gaps, one map each."""
    import altair as alt

    from humsec.core.maps import choropleth, choropleth_grid, to_png
    from humsec.response.export import area_totals

    total = area_totals(table)  # intersectoral rows and AoRs are not added to the total twice
    main = choropleth(
        shapes,
        total,
        key=key,
        title="People in need not reached, all sectors",
        value="gap_score",
        legend="people",
    )
    biggest = table.groupby("sector")["gap_score"].sum().nlargest(top).index
    per_sector = table[table["sector"].isin(biggest)]
    grid = choropleth_grid(
        shapes,
        per_sector,
        key=key,
        panel="sector",
        title="By sector (largest gaps)",
        value="gap_score",
        legend="people",
    )
    return to_png(alt.vconcat(main, grid).resolve_scale(color="independent"))


response_app = typer.Typer(
    help="Who does what where: coverage of needs, gaps, duplication.", no_args_is_help=True
)


@response_app.command("gaps")
def response_gaps_command(
    activities: Path = typer.Argument(
        ..., help="3W/4W/5W activities (CSV or Excel; HXL tags used when present)."
    ),
    needs: Path = typer.Argument(
        ..., help="People in need by area and sector (long, or wide HXL #inneed+<sector>)."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Gap table CSV: one row per area × sector."
    ),
    columns: str = typer.Option(
        "",
        "--columns",
        help="Activity columns: area=...,sector=...,org=...,reached=... (when not HXL-tagged).",
    ),
    needs_columns: str = typer.Option(
        "", "--needs-columns", help="Needs columns: area=...,sector=...,people_in_need=..."
    ),
    hxl: bool = typer.Option(False, "--hxl", help="Add an HXL tag row to the CSV (ready for HDX)."),
    excel: Path | None = typer.Option(
        None, "--excel", help="Also write an Excel workbook (gaps, report)."
    ),
    geojson: Path | None = typer.Option(
        None, "--geojson", help="Also write the gaps joined to --boundaries as GeoJSON."
    ),
    boundaries: Path | None = typer.Option(
        None, "--boundaries", help="GeoJSON of the areas (for --geojson)."
    ),
    key: str = boundary_key_option("adm1_pcode"),
    reach: str = typer.Option(
        "max",
        "--reach",
        help="max (largest single activity, no double counting) or sum (upper bound).",
    ),
    orgs: Path | None = typer.Option(
        None,
        "--orgs",
        help="Organisation list (name, acronym, aliases): spellings mapped, unknown names reported.",
    ),
    period: str = typer.Option(
        "", "--period", help="Keep activities meeting START:END (e.g. 2025-01-01:2025-06-30)."
    ),
    pcodes: bool = typer.Option(
        True,
        "--pcodes/--no-pcodes",
        help="Check area codes against the shipped OCHA COD P-codes and add their names.",
    ),
    strict_pcodes: bool = typer.Option(
        False, "--strict-pcodes", help="An unknown P-code is an error (default: reported)."
    ),
    png: Path | None = typer.Option(
        None, "--map", help="Also draw the gaps on --boundaries as a PNG (total and by sector)."
    ),
    joint: Path | None = typer.Option(
        None, "--joint", help="Also write suggested joint programmes (see `response joint`)."
    ),
) -> None:
    """Coverage and gaps by area × sector: people in need, reached, coverage, organisations, gap score."""
    import json

    import pandas as pd

    from humsec.datasets.places import load_boundaries, load_pcodes
    from humsec.response.export import gaps_geojson, hxl_table
    from humsec.response.gaps import parse_columns, read_organisations, response_gaps

    try:
        if (geojson is not None or png is not None) and boundaries is None:
            raise HumsecError(
                "--geojson and --map need --boundaries (a GeoJSON file or a built-in set such as KEN-adm1) and --boundary-key."
            )
        result = response_gaps(
            activities,
            needs,
            columns=parse_columns(columns) or None,
            needs_columns=parse_columns(needs_columns) or None,
            reach=reach,
            organisations=read_organisations(orgs) if orgs is not None else None,
            period=_parse_period(period),
            pcodes=load_pcodes() if pcodes else None,
            strict_pcodes=strict_pcodes,
        )
        shapes = load_boundaries(boundaries) if boundaries is not None else None
        geo = gaps_geojson(result.table, shapes, key) if shapes is not None else None
    except HumsecError as exc:
        _fail(exc)
        return
    table = hxl_table(result.table) if hxl else result.table
    writers: list[tuple[Path, Any]] = []
    if out is not None:
        writers.append((out, lambda tmp: table.to_csv(tmp, index=False)))
        # every needs entry the table leaves out, with its reason, beside the table
        not_used_path = out.with_name(out.stem + "_needs_not_used.csv")
        writers.append((not_used_path, lambda tmp: result.needs_not_used.to_csv(tmp, index=False)))
    if excel is not None:

        def write_excel(tmp: Path) -> None:
            with pd.ExcelWriter(tmp, engine="xlsxwriter") as xl:
                result.table.to_excel(xl, sheet_name="gaps", index=False)
                pd.DataFrame({"note": result.report}).to_excel(xl, sheet_name="report", index=False)
                result.needs_not_used.to_excel(xl, sheet_name="needs not used", index=False)

        writers.append((excel, write_excel))
    if geojson is not None and geo is not None:
        writers.append((geojson, lambda tmp: tmp.write_text(json.dumps(geo), encoding="utf-8")))
    if png is not None and shapes is not None:
        picture = _gap_maps(result.table, shapes, key)
        writers.append((png, lambda tmp: tmp.write_bytes(picture)))
    if joint is not None:
        from humsec.response.joint import joint_programmes

        suggestions = joint_programmes(result.table, result.activities)
        writers.append((joint, lambda tmp: suggestions.to_csv(tmp, index=False)))
    write_or_fail(writers)  # everything computed above; now every output or none
    if geo is not None and geo["humsec_unmatched_areas"]:
        stdout.print(
            f"note: areas without a boundary: {geo['humsec_unmatched_areas'][:10]}", markup=False
        )
    notes(result.report)
    stdout.print(result.table.head(15).to_string(index=False), highlight=False, markup=False)
    if out is not None:
        stdout.print(f"wrote {out}", highlight=False, markup=False)


@response_app.command("overlap")
def response_overlap_command(
    activities: Path = typer.Argument(
        ..., help="3W/4W/5W activities (CSV or Excel; HXL tags used when present)."
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="CSV of crowded area × sector cells; the organisation pairs go beside it (NAME_pairs.csv).",
    ),
    columns: str = typer.Option(
        "", "--columns", help="Activity columns: area=...,sector=...,org=..."
    ),
    min_orgs: int = typer.Option(
        3, "--min-orgs", help="A cell with at least this many organisations is listed."
    ),
) -> None:
    """Duplication (cells with many organisations) and who works with whom (pairwise overlap)."""
    from humsec.response.gaps import parse_columns
    from humsec.response.overlap import response_overlap

    try:
        res = response_overlap(
            activities, columns=parse_columns(columns) or None, min_orgs=min_orgs
        )
    except HumsecError as exc:
        _fail(exc)
        return
    if out is not None:
        pairs_path = out.with_name(out.stem + "_pairs.csv")
        write_or_fail(
            [
                (out, lambda tmp: res.duplication.to_csv(tmp, index=False)),
                (pairs_path, lambda tmp: res.pairs.to_csv(tmp, index=False)),
            ]
        )
    notes(res.report)
    stdout.print(
        f"{len(res.duplication)} area × sector cell(s) with ≥ {min_orgs} organisations",
        markup=False,
    )
    stdout.print(res.duplication.head(10).to_string(index=False), highlight=False, markup=False)
    stdout.print(res.pairs.head(10).to_string(index=False), highlight=False, markup=False)


@response_app.command("money")
def response_money_command(
    flows: Path = typer.Argument(
        ..., help="Funding flows (OCHA FTS export or a table mapped with --columns)."
    ),
    needs: Path | None = typer.Option(
        None,
        "--needs",
        help="People in need by sector (or area × sector), for funding per person in need.",
    ),
    out: Path | None = typer.Option(
        None, "--out", help="CSV of funding by sector (with people in need when --needs is given)."
    ),
    html: Path | None = typer.Option(
        None, "--html", help="Sankey diagram donors -> organisations -> sectors (offline HTML)."
    ),
    columns: str = typer.Option(
        "", "--columns", help="Flow columns: source=...,destination=...,sector=...,amount_usd=..."
    ),
) -> None:
    """The money: flows from donors through organisations to sectors, and funding per person in need."""
    from humsec.response.gaps import parse_columns
    from humsec.response.money import funding_per_person_in_need, read_flows, sankey_html

    try:
        flow_table, report = read_flows(flows, parse_columns(columns) or None)
        if needs is not None:
            from humsec.core.tagged import read_numbers, read_tagged

            need_frame = read_tagged(needs).frame
            missing = [c for c in ("sector", "people_in_need") if c not in need_frame.columns]
            if missing:
                raise HumsecError(
                    f"The needs table {needs} needs columns 'sector' and 'people_in_need'; missing {missing}."
                )
            # '1,200' and '-' read as 4W tables write them; any other text is an error naming its row
            need_frame["people_in_need"] = read_numbers(
                need_frame["people_in_need"], "people_in_need", str(needs)
            )
            table = funding_per_person_in_need(flow_table, need_frame)
        else:
            table = (
                flow_table.groupby("sector", as_index=False)
                .agg(amount_usd=("amount_usd", "sum"))
                .sort_values("amount_usd", ascending=False)
            )
    except HumsecError as exc:
        _fail(exc)
        return
    writers: list[tuple[Path, Any]] = []
    if out is not None:
        writers.append((out, lambda tmp: table.to_csv(tmp, index=False)))
    if html is not None:
        page = sankey_html(flow_table)
        writers.append((html, lambda tmp: tmp.write_text(page, encoding="utf-8")))
    write_or_fail(writers)
    notes(report)
    stdout.print(
        f"{len(flow_table)} flow share(s), USD {flow_table['amount_usd'].sum():,.0f} in all",
        markup=False,
    )
    stdout.print(table.head(15).to_string(index=False), highlight=False, markup=False)


@response_app.command("iati")
def response_iati_command(
    xml: Path = typer.Argument(..., help="IATI activities XML (standard 2.0x)."),
    out: Path = typer.Option(
        ..., "--out", help="3W activity CSV with HXL tags (for `response gaps` / `overlap`)."
    ),
    transactions: Path | None = typer.Option(
        None, "--transactions", help="Also write the transactions CSV."
    ),
) -> None:
    """Convert IATI activity XML into a 3W activity table (and its transactions)."""
    from humsec.response.export import hxl_table
    from humsec.response.iati import read_iati_xml

    if not xml.is_file():
        _fail(HumsecError(f"IATI file not found: {xml}"))
        return
    try:
        acts, tx, report = read_iati_xml(xml)
    except HumsecError as exc:
        _fail(exc)
        return
    iati_tags = {
        "activity": "#activity+code",
        "title": "#activity+title",
        "org": "#org+impl",
        "donor": "#org+funding",
        "start": "#date+start",
        "end": "#date+end",
        "budget": "#value+budget",
        "value_usd": "#value+usd",
    }
    tagged = hxl_table(acts, tags=iati_tags)  # area and sector tags come from the shared table
    writers: list[tuple[Path, Any]] = [(out, lambda tmp: tagged.to_csv(tmp, index=False))]
    if transactions is not None:
        writers.append((transactions, lambda tmp: tx.to_csv(tmp, index=False)))
    write_or_fail(writers)
    notes(report)
    stdout.print(
        f"{acts['activity'].nunique()} activities, {len(acts)} activity × area × sector rows, {len(tx)} transactions",
        markup=False,
    )


@response_app.command("joint", cls=KCommand)
def response_joint_command(
    activities: Path = typer.Argument(..., help="3W/4W/5W activities (as for `response gaps`)."),
    needs: Path = typer.Argument(..., help="People in need by area and sector."),
    out: Path | None = typer.Option(None, "--out", help="CSV of suggested joint programmes."),
    columns: str = typer.Option("", "--columns", help="Activity columns (as for `response gaps`)."),
    needs_columns: str = typer.Option("", "--needs-columns", help="Needs columns."),
    max_coverage: float = typer.Option(
        0.5, "--max-coverage", help="A sector is an unmet need below this coverage."
    ),
    min_sectors: int = typer.Option(
        2, "--min-sectors", help="An area needs at least this many unmet sectors."
    ),
    leads: Path | None = typer.Option(
        None, "--leads", help="YAML sector: [lead agencies] (default: the IASC cluster leads)."
    ),
    pcodes: bool = typer.Option(
        True, "--pcodes/--no-pcodes", help="Check area codes against the shipped OCHA COD P-codes."
    ),
    survey: Path | None = typer.Option(
        None, "--survey", help="Survey microdata: adds the people with several unmet needs at once."
    ),
    spec: Path | None = typer.Option(None, "--spec", help="AF specification of --survey (YAML)."),
    over: str = typer.Option("", "--over", help="Survey column naming the areas (with --survey)."),
    k: list[str] = k_option("one value, with --survey"),
    sectors: str = typer.Option(
        "", "--sectors", help="Indicator-to-sector map (with --survey): d_wtr=WASH,d_cm=Health,..."
    ),
    population: Path | None = typer.Option(
        None, "--population", help="CSV area, population [, pcode] (with --survey)."
    ),
    multiple_min: int | None = typer.Option(
        None, "--multiple-min", help="'Several' needs means at least this many (with --survey; 2)."
    ),
    time: str | None = typer.Option(
        None, "--time", help="Survey round to use (with --survey; default: the last)."
    ),
) -> None:
    """Suggested joint programmes: areas where several sectors fall short, the mandates needed and
    the organisations already there; with --survey, how many people have several of those unmet
    needs at once (the people a joint programme serves)."""
    from humsec.datasets.places import load_pcodes
    from humsec.response.gaps import parse_columns, response_gaps
    from humsec.response.joint import cluster_leads, joint_programmes

    try:
        cutoff = one_k(k, "response joint")
    except HumsecError as exc:
        _fail(exc)
        return
    survey_options = {
        "--spec": spec,
        "--over": over,
        "--k": cutoff,
        "--sectors": sectors,
        "--population": population,
    }
    lacking = [name for name, value in survey_options.items() if value in (None, "")]
    if survey is not None and lacking:
        _fail(HumsecError(f"--survey needs {', '.join(lacking)} as well."))
        return
    optional = {"--multiple-min": multiple_min, "--time": time}
    given = [n for n, v in {**survey_options, **optional}.items() if v not in (None, "")]
    if survey is None and given:
        _fail(HumsecError(f"{', '.join(given)} only apply with --survey (the survey microdata)."))
        return
    several = 2 if multiple_min is None else multiple_min
    report: list[str] = []
    try:
        result = response_gaps(
            activities,
            needs,
            columns=parse_columns(columns) or None,
            needs_columns=parse_columns(needs_columns) or None,
            pcodes=load_pcodes() if pcodes else None,
        )
        table = joint_programmes(
            result.table,
            result.activities,
            max_coverage=max_coverage,
            min_sectors=min_sectors,
            leads=cluster_leads(leads),
        )
        if survey is not None:
            from humsec.core.tagged import read_tagged
            from humsec.response.multiple import (
                add_multiple_needs,
                multiple_needs,
                parse_sectors,
                unmet_sectors,
            )

            # checked above; the asserts narrow the types
            assert spec is not None
            assert cutoff is not None
            assert population is not None
            pop = read_tagged(population)
            multiple = multiple_needs(
                spec, survey, over=over, k=cutoff, sectors=parse_sectors(sectors), time=time,
                population=pop.frame, unmet=unmet_sectors(table),
                min_sectors=several, population_source=str(population),
            )  # fmt: skip
            table = add_multiple_needs(table, multiple)
            report = multiple.notes
            if pop.duplicates_dropped:
                report.insert(
                    0,
                    f"{pop.duplicates_dropped} exact duplicate row(s) of {population.name} dropped",
                )
    except (HumsecError, ValueError) as exc:
        _fail(exc)
        return
    if out is not None:
        write_or_fail([(out, lambda tmp: table.to_csv(tmp, index=False))])
    notes(result.report)
    notes(report)
    stdout.print(f"{len(table)} suggested joint programme(s)", markup=False)
    shown = ["rank", "area", "sectors", "people_unreached", "lead_agencies", "conveners"]
    if "people_multiple_needs" in table.columns:
        shown.insert(4, "people_multiple_needs")
        stdout.print(
            f"people_multiple_needs: people in need in at least {several} of the area's unmet sectors "
            f"(survey: the multidimensionally insecure at k = {cutoff:g}%; what the 3W reaches is not subtracted)",
            markup=False,
        )
    stdout.print(
        table[shown].head(10).round(0).to_string(index=False), highlight=False, markup=False
    )


@response_app.command("trends")
def response_trends_command(
    data: Path = typer.Argument(
        ...,
        help="FTS requirements-and-funding table (by year, or by cluster) or an FTS flow export.",
    ),
    out: Path | None = typer.Option(None, "--out", help="CSV of funding by year."),
    by_sector: bool = typer.Option(False, "--by-sector", help="One series per sector (cluster)."),
    png: Path | None = typer.Option(None, "--chart", help="Also draw the trends as a PNG chart."),
    top: int | None = typer.Option(
        None,
        "--top",
        min=1,
        help="With --by-sector --png: draw the N sectors with most funding (default 12).",
    ),
) -> None:
    """Funding and requirements by year (and sector), with the change from the previous year."""
    from humsec.core.maps import to_png
    from humsec.response.money import (
        TREND_PANELS,
        funding_trends,
        trend_chart,
        trend_sectors_drawn,
    )

    top = top or TREND_PANELS

    try:
        table, report = funding_trends(data, by_sector=by_sector)
    except HumsecError as exc:
        _fail(exc)
        return
    writers: list[tuple[Path, Any]] = []
    if out is not None:
        writers.append((out, lambda tmp: table.to_csv(tmp, index=False)))
    if png is not None:
        picture = to_png(trend_chart(table, top=top))
        writers.append((png, lambda tmp: tmp.write_bytes(picture)))
    write_or_fail(writers)
    if png is not None:
        left_out = trend_sectors_drawn(table, top)[1] if "sector" in table.columns else ""
        if left_out:  # the picture leaves sectors out: say so, and where all of them are
            where = f"all are in {out}" if out is not None else "all are in the table (--out)"
            report = [*report, f"{left_out} in {png} (--top); {where}"]
    notes(report)
    stdout.print(table.tail(15).to_string(index=False), highlight=False, markup=False)


@response_app.command("needs", cls=KCommand)
def response_needs_command(
    results: Path = typer.Argument(..., help="AF results CSV (`humsec af ... --over AREA --out`)."),
    population: Path = typer.Option(
        ..., "--population", help="CSV with area (the subgroup values), population [, pcode]."
    ),
    over: str = typer.Option(..., "--over", help="The subgroup variable that names the areas."),
    k: list[str] = k_option("one value, required: the k of the estimates used"),
    sectors: str = typer.Option(
        "", "--sectors", help="Indicator-to-sector map: d_wtr=WASH,d_sani=WASH,d_cm=Health,..."
    ),
    out: Path = typer.Option(..., "--out", help="Needs CSV (area, sector, people_in_need, ...)."),
    hxl: bool = typer.Option(
        False, "--hxl", help="Add an HXL tag row (#adm1+code, #sector, #inneed)."
    ),
) -> None:
    """People in need by area × sector from AF subgroup results and populations (for `response gaps`)."""
    from humsec.core.tagged import read_tagged
    from humsec.response.export import hxl_table
    from humsec.response.gaps import parse_columns
    from humsec.response.needs import needs_from_af

    try:
        cutoff = one_k(k, "response needs")
        if cutoff is None:
            raise HumsecError("response needs: missing option --k (the k of the estimates used).")
        levels = read_tagged(results).frame
        pop = read_tagged(population).frame
        table = needs_from_af(
            levels,
            pop,
            over=over,
            k=cutoff,
            sectors=parse_columns(sectors) or None,
            population_source=str(population),
        )
    except HumsecError as exc:
        _fail(exc)
        return
    tags = {
        "people_in_need_low": "#inneed+ci_low",
        "people_in_need_high": "#inneed+ci_high",
        "source": "#meta+source",
    }
    written = hxl_table(table, tags=tags) if hxl else table
    write_or_fail([(out, lambda tmp: written.to_csv(tmp, index=False))])
    stdout.print(table.head(12).to_string(index=False), highlight=False, markup=False)
    stdout.print(
        f"{table['area'].nunique()} area(s) × {table['sector'].nunique()} sector(s); wrote {out}",
        markup=False,
    )
