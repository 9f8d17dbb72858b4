"""``humsec voice``: people's own voice from Kobo/ODK questionnaires and exports.

``humsec voice tabulate FORM DATA --over setting --weight weight --strata stratum --psu cluster_id --out t.csv``
writes one row per question × option × group (shares 0-1, design-based SE and logit CI, unweighted ``n``),
after applying a cleaning log (``--cleaning-log``) and the review's disclosure control (``--min-n``);
``--numeric`` adds means and medians, ``--frame`` takes the weights from a sampling frame.
``humsec voice indicators`` (perception indicators and indices), ``humsec voice compare`` (perceived vs
measured by area) and ``humsec voice feedback`` (feedback and complaints by theme) complete it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from humsec.core.cli import KCommand, fail, k_option, notes, one_k
from humsec.core.errors import HumsecError

voice_app = typer.Typer(
    help="People's own voice: Kobo/ODK surveys tabulated with the survey design.",
    no_args_is_help=True,
)


@voice_app.command()
def tabulate(
    form: Path = typer.Argument(
        ..., help="XLSForm (.xlsx/.xls) or its survey sheet as CSV (choices beside it)"
    ),
    data: Path = typer.Argument(
        ..., help="Export: CSV, CSV.gz or Excel (first sheet main, others repeats)"
    ),
    out: Path = typer.Option(
        ..., "--out", help="Output table: .csv or .xlsx (shares and notes sheets)"
    ),
    over: list[str] = typer.Option(
        [], "--over", help="Grouping column(s), each tabulated separately (repeatable)"
    ),
    question: list[str] = typer.Option(
        [], "--question", help="Question(s) to tabulate (default: every select)"
    ),
    weight: str | None = typer.Option(None, "--weight", help="Sampling weight column"),
    strata: str | None = typer.Option(None, "--strata", help="Stratum column"),
    psu: str | None = typer.Option(None, "--psu", help="PSU (cluster) column"),
    nest: bool = typer.Option(False, "--nest", help="PSU ids are numbered within strata"),
    lonely_psu: str = typer.Option(
        "fail", "--lonely-psu", help="fail, certainty, remove or adjust"
    ),
    choices: Path | None = typer.Option(
        None, "--choices", help="Choices sheet CSV (with a CSV survey sheet)"
    ),
    cleaning_log: Path | None = typer.Option(
        None, "--cleaning-log", help="IMPACT cleaning log applied first"
    ),
    lang: str | None = typer.Option(
        None, "--lang", help="Label language: code (en) or name; default the first"
    ),
    level: float = typer.Option(0.95, "--level", help="Confidence level"),
    nonresponse: str = typer.Option(
        "keep", "--nonresponse", help="keep or exclude don't know / prefer not to answer"
    ),
    min_n: int = typer.Option(
        25, "--min-n", help="Disclosure control: cells on fewer persons are suppressed"
    ),
    no_disclosure: bool = typer.Option(
        False, "--no-disclosure", help="Internal use: keep small cells (flagged)"
    ),
    numeric: bool = typer.Option(
        False, "--numeric", help="Also every integer/decimal question: mean and median"
    ),
    numeric_missing: list[float] = typer.Option(
        [],
        "--numeric-missing",
        help="Numeric code meaning don't know/refused, e.g. -999 (repeatable)",
    ),
    frame: Path | None = typer.Option(
        None, "--frame", help="Sampling frame (CSV/Excel): weights = population / interviews"
    ),
    frame_sheet: str | None = typer.Option(None, "--frame-sheet", help="Excel sheet of the frame"),
    frame_key: list[str] = typer.Option(
        [], "--frame-key", help="Column(s) joining frame and data, e.g. stratum (repeatable)"
    ),
    frame_population: str = typer.Option(
        "pop", "--frame-population", help="Population column of the frame"
    ),
) -> None:
    """Weighted shares of select questions (means and medians of numeric ones), with SEs and CIs."""
    import pandas as pd

    from humsec.core.disclosure import DisclosureRules, apply_disclosure_control
    from humsec.voice import VoiceTabulator
    from humsec.voice.frame import FRAME_WEIGHT, read_frame, with_frame_weights

    try:
        if out.suffix.lower() not in (".csv", ".xlsx"):
            raise HumsecError(f"--out {str(out)!r}: expected a .csv or .xlsx file.")
        export, lines = _read_cleaned(form, choices, data, cleaning_log)
        if frame is not None:
            if weight:
                raise HumsecError("Give --weight or --frame, not both.")
            export = with_frame_weights(
                export,
                read_frame(frame, frame_sheet),
                keys=frame_key or ([strata] if strata else []),
                population=frame_population,
            )
            weight = FRAME_WEIGHT
        result = VoiceTabulator(
            questions=question or None,
            over=over,
            weight=weight,
            strata=strata,
            psu=psu,
            nest=nest,
            lonely_psu=lonely_psu,
            level=level,
            nonresponse=nonresponse,
            lang=lang,
            numeric=numeric,
            numeric_missing=numeric_missing,
        ).fit(export)
        table = result.to_frame()
        if table.empty:
            notes(list(result.notes))
            raise HumsecError(
                f"Nothing to tabulate: no select question of {form.name} has a column in {data.name}."
            )
        rules = DisclosureRules(min_n=min_n, flag_n=max(min_n, 2 * min_n))
        action = "flag" if no_disclosure else "suppress"
        # select_one shares of a question and group add up to 1, so one blanked option could be recovered by
        # subtraction: those sets get secondary suppression; select_multiple options do not add up
        single = table["type"] == "select_one"
        parts = [
            apply_disclosure_control(
                table[single],
                rules,
                action=action,
                source=data.name,
                margins=[["question", "over", "group"]],
            ),
            apply_disclosure_control(table[~single], rules, action=action, source=data.name),
        ]
        order = {q: i for i, q in enumerate(dict.fromkeys(table["question"]))}
        table = pd.concat(parts, ignore_index=True)
        table = table.sort_values(
            "question", key=lambda s: s.map(order), kind="stable"
        ).reset_index(drop=True)
        if out.suffix.lower() == ".csv":
            from humsec.core.write import write_atomic

            write_atomic(out, lambda p: table.to_csv(p, index=False))
        else:
            from humsec.core.write import write_atomic

            def write(p: Path) -> None:
                with pd.ExcelWriter(p, engine="xlsxwriter") as xl:
                    table.to_excel(xl, sheet_name="shares", index=False)
                    pd.DataFrame({"note": [*lines, *result.notes]}).to_excel(
                        xl, sheet_name="notes", index=False
                    )

            write_atomic(out, write)
    except (HumsecError, OSError) as exc:
        fail(exc)
        return
    suppressed = int(table["sdc_status"].isin(["suppressed", "secondary"]).sum())
    notes(
        [
            *lines,
            *result.notes,
            f"disclosure control: {suppressed} of {len(table)} cells suppressed (n < {min_n} "
            "or CV > 0.333)"
            if not no_disclosure
            else "disclosure control off: small cells flagged, not suppressed",
            f"wrote {out} ({len(table)} rows)",
        ]
    )


@voice_app.command()
def indicators(
    form: Path = typer.Argument(
        ..., help="XLSForm (.xlsx/.xls) or its survey sheet as CSV (choices beside it)"
    ),
    data: Path = typer.Argument(..., help="Export: CSV, CSV.gz or Excel"),
    spec: Path = typer.Option(..., "--spec", help="Perception indicators and indices (YAML)"),
    out: Path = typer.Option(
        ..., "--out", help="Output table (.csv); reliability goes to <out>_reliability.csv"
    ),
    over: list[str] = typer.Option([], "--over", help="Grouping column(s) (repeatable)"),
    weight: str | None = typer.Option(None, "--weight", help="Sampling weight column"),
    strata: str | None = typer.Option(None, "--strata", help="Stratum column"),
    psu: str | None = typer.Option(None, "--psu", help="PSU (cluster) column"),
    nest: bool = typer.Option(False, "--nest", help="PSU ids are numbered within strata"),
    choices: Path | None = typer.Option(
        None, "--choices", help="Choices sheet CSV (with a CSV survey sheet)"
    ),
    cleaning_log: Path | None = typer.Option(
        None, "--cleaning-log", help="IMPACT cleaning log applied first"
    ),
    level: float = typer.Option(0.95, "--level", help="Confidence level"),
    round_column: str | None = typer.Option(
        None, "--round", help="Survey-round column: index reliability also per round"
    ),
    min_n: int = typer.Option(
        25, "--min-n", help="Disclosure control: cells on fewer persons are suppressed"
    ),
    no_disclosure: bool = typer.Option(
        False, "--no-disclosure", help="Internal use: keep small cells (flagged)"
    ),
) -> None:
    """Perception indicators and composite indices (Cronbach's alpha, McDonald's omega), by groups."""
    from humsec.core.write import write_all
    from humsec.voice import PerceptionIndicators

    try:
        if out.suffix.lower() != ".csv":
            raise HumsecError(f"--out {str(out)!r}: expected a .csv file.")
        export, lines = _read_cleaned(form, choices, data, cleaning_log)
        result = PerceptionIndicators(
            spec, over=over, weight=weight, strata=strata, psu=psu, nest=nest, level=level,
            round=round_column,
        ).fit(export)  # fmt: skip
        reliability_path = out.with_name(out.stem + "_reliability.csv")
        table = _disclose(result.to_frame(), min_n, no_disclosure, data.name)
        write_all(  # both computed above: both written, or neither
            [
                (out, lambda p: table.to_csv(p, index=False)),
                (reliability_path, lambda p: result.reliability.to_csv(p, index=False)),
            ]
        )
    except (HumsecError, OSError) as exc:
        fail(exc)
        return
    notes(
        [
            *lines,
            *result.notes,
            _disclosure_line(table, min_n, no_disclosure),
            f"wrote {out} and {reliability_path}",
        ]
    )


def _read_cleaned(
    form: Path, choices: Path | None, data: Path, cleaning_log: Path | None
) -> tuple[Any, list[str]]:
    """The export read against its form, the cleaning log applied; the lines that report it."""
    from humsec.voice import apply_cleaning_log, read_cleaning_log, read_export, read_form

    questionnaire = read_form(form, choices)
    export = read_export(data, questionnaire)
    lines = []
    if cleaning_log is not None:
        cleaned = apply_cleaning_log(
            export.main,
            read_cleaning_log(cleaning_log),
            form=questionnaire,
            source=cleaning_log.name,
        )
        export = export.with_main(cleaned.data, "removed by the cleaning log")
        counts = ", ".join(f"{k} {v}" for k, v in cleaned.counts().items())
        lines.append(f"cleaning log {cleaning_log.name}: {counts}")
    return export, lines


def _disclose(table: Any, min_n: int, no_disclosure: bool, source: str) -> Any:
    """The review's disclosure control on a table of estimates (each cell on its own)."""
    from humsec.core.disclosure import DisclosureRules, apply_disclosure_control

    rules = DisclosureRules(min_n=min_n, flag_n=max(min_n, 2 * min_n))
    action = "flag" if no_disclosure else "suppress"
    return apply_disclosure_control(table, rules, action=action, source=source)


def _disclosure_line(table: Any, min_n: int, no_disclosure: bool) -> str:
    if no_disclosure:
        return "disclosure control off: small cells flagged, not suppressed"
    suppressed = int(table["sdc_status"].isin(["suppressed", "secondary"]).sum())
    return f"disclosure control: {suppressed} of {len(table)} cells suppressed (n < {min_n} or CV > 0.333)"


@voice_app.command()
def feedback(
    log: Path = typer.Argument(
        ...,
        help="Feedback log (CSV/Excel): date, code[, status, date_closed, area, group, channel]",
    ),
    codes: Path = typer.Option(
        ..., "--codes", help="Coding framework (JSON, Type > Category > Code)"
    ),
    out: Path = typer.Option(..., "--out", help="Summary table (.csv)"),
    over: list[str] = typer.Option([], "--over", help="Grouping column(s), e.g. area (repeatable)"),
    period: str | None = typer.Option(
        None, "--period", help="M, Q or Y: counts by month, quarter, year"
    ),
    min_n: int = typer.Option(5, "--min-n", help="Cells with fewer items are suppressed"),
) -> None:
    """Feedback and complaints by theme, area, group and period: loops closed, days to close."""
    from humsec.core.write import write_atomic
    from humsec.voice.feedback import read_coding_framework, read_feedback_log, summarise_feedback

    try:
        if out.suffix.lower() != ".csv":
            raise HumsecError(f"--out {str(out)!r}: expected a .csv file.")
        table = summarise_feedback(
            read_feedback_log(log),
            read_coding_framework(codes),
            over=over,
            period=period,
            min_n=min_n,
        )
        write_atomic(out, lambda p: table.to_csv(p, index=False))
    except (HumsecError, OSError) as exc:
        fail(exc)
        return
    notes([*table.attrs["notes"], f"wrote {out} ({len(table)} rows)"])


@voice_app.command(cls=KCommand)
def compare(
    perceived: Path = typer.Argument(..., help="Output of `humsec voice indicators --out` (CSV)"),
    measured: Path = typer.Argument(
        ..., help="Output of `humsec af --out` or `humsec index --out` (CSV; layout detected)"
    ),
    indicator: str = typer.Option(..., "--indicator", help="Perception indicator or index name"),
    measure: str = typer.Option("M0", "--measure", help="AF measure: M0, H, A, ..."),
    node: str | None = typer.Option(
        None, "--node", help="Index node to compare (an index table with several nodes)"
    ),
    measured_higher_is_better: bool = typer.Option(
        False,
        "--measured-higher-is-better",
        help="The index is good when high (e.g. coping capacity): mirrored so higher is worse",
    ),
    over: str = typer.Option(..., "--over", help="The area column both tables are grouped by"),
    k_values: list[str] = k_option("one value: the k of the AF table when it has several"),
    higher_is_better: bool = typer.Option(
        False,
        "--higher-is-better",
        help="The indicator is good when high (e.g. feels safe): use 1 - x",
    ),
    level: float = typer.Option(0.95, "--level", help="Confidence level of the correlation"),
    out: Path = typer.Option(..., "--out", help="Area table (.csv)"),
    chart: Path | None = typer.Option(None, "--chart", help="Quadrant chart (.svg or .html)"),
) -> None:
    """Perceived vs measured (AF deprivation or area-index score) by area: both with intervals, flags
    where they disagree, correlation, quadrant chart."""
    import pandas as pd

    from humsec.core.write import write_all
    from humsec.voice.compare import (
        INDEX_COLUMNS,
        compare_perceived_measured,
        index_rows,
        measured_rows,
        perceived_rows,
    )

    try:
        for path in (perceived, measured):
            if not path.exists():
                raise HumsecError(f"File {str(path)!r} does not exist.")
        p = perceived_rows(
            pd.read_csv(perceived, keep_default_na=False, na_values=[""], dtype={"group": str}),
            name=indicator,
            over=over,
            higher_is_worse=not higher_is_better,
        )
        table_m = pd.read_csv(
            measured, keep_default_na=False, na_values=[""], dtype={"group": str, "unit": str}
        )
        if set(INDEX_COLUMNS) <= set(table_m.columns):  # humsec index --out
            m = index_rows(table_m, node=node, higher_is_better=measured_higher_is_better)
            measured_title = f"{m.attrs.get('node', node or 'index')} (measured)"
        else:
            if node is not None or measured_higher_is_better:
                raise HumsecError(
                    f"{measured.name} is not an index table (unit, node, score): --node and "
                    "--measured-higher-is-better apply to index scores only."
                )
            m = measured_rows(table_m, measure=measure, over=over, k=one_k(k_values, "voice compare"))
            measured_title = f"{measure} (measured)"
        result = compare_perceived_measured(p, m, level=level)
        table = result.to_frame()
        writers: list[tuple[Path, Any]] = [(out, lambda f: table.to_csv(f, index=False))]
        if chart is not None:
            spec = result.chart(perceived=indicator, measured=measured_title)
            if chart.suffix.lower() == ".svg":
                from humsec.core.charts import to_svg

                svg = to_svg(spec)
                writers.append((chart, lambda f: f.write_text(svg, encoding="utf-8")))
            else:
                writers.append((chart, lambda f: spec.save(str(f), format="html")))
        write_all(writers)  # the table and the chart, or neither
    except (HumsecError, OSError, ValueError) as exc:
        fail(exc)
        return
    notes([*result.summary().splitlines()[:1], *result.notes, f"wrote {out}"])
