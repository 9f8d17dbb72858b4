"""A logframe's results as a table, HXL-tagged for HDX, as CSV or Excel: one row per indicator and
period (the baseline, each target, each actual with its interval and verdict), then one row per
disaggregated value. The tag row comes from ``humsec.response.export.hxl_table`` with
the results framework's tags; every text cell goes through ``humsec_web.core.exports.neutralise``.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

from humsec.response.export import hxl_table
from humsec_web.core.exports import XLSX_OPTIONS, neutralise
from humsec_web.results.progress import progress_rows

RESULT_TAGS = {
    "logframe": "#activity+name",
    "iati_identifier": "#activity+code",
    "project_id": "#activity+project+id",
    "organisation": "#org+name",
    "country": "#country+code",
    "result_level": "#meta+result+type",
    "result": "#meta+result+name",
    "indicator": "#indicator+name",
    "unit": "#indicator+unit",
    "direction": "#indicator+direction",
    "means_of_verification": "#meta+source",
    "reporting_organisation": "#org+reporting+name",
    "period": "#date+period",
    "row_type": "#meta+row+type",
    "baseline": "#indicator+baseline+num",
    "target": "#indicator+target+num",
    "actual": "#indicator+actual+num",
    "ci_low": "#indicator+actual+ci_low",
    "ci_high": "#indicator+actual+ci_high",
    "ci_level": "#indicator+actual+ci_level",
    "expected": "#indicator+expected+num",
    "track": "#status+track",
    "actual_status": "#status+validation",
    "source": "#meta+provenance",
    "dimension": "#meta+dimension",
    "category": "#meta+category",
    "warnings": "#meta+warning",
}
COLUMNS = list(RESULT_TAGS)


def results_frame(logframe: Any, actuals: list[Any]) -> pd.DataFrame:
    """The table (no tag row) of ``logframe`` with the ``actuals`` the viewer may see."""
    rows: list[dict[str, Any]] = []
    by_indicator: dict[int, list[Any]] = {}
    for a in actuals:
        by_indicator.setdefault(a.indicator_id, []).append(a)
    common = {
        "logframe": logframe.title, "iati_identifier": logframe.iati_identifier,
        "project_id": logframe.project_id or "", "organisation": logframe.organisation.name,
        "country": logframe.country,
    }  # fmt: skip
    for result in logframe.results.all():
        for ind in result.indicators.all():
            mine = by_indicator.get(ind.pk, [])
            about = {
                **common, "result_level": result.level, "result": result.title, "indicator": ind.name,
                "unit": ind.unit, "direction": ind.direction, "means_of_verification": ind.means_of_verification,
                "reporting_organisation": ind.reporting_organisation.name,
            }  # fmt: skip
            by_period = {a.period: a for a in mine}
            for i, r in enumerate(progress_rows(ind, mine)):
                if i == 0:
                    rows.append({**about, "period": r.period, "row_type": "baseline", "baseline": r.actual,
                                 "ci_low": r.ci_low, "ci_high": r.ci_high, "source": r.source})  # fmt: skip
                    continue
                a = by_period.get(r.period)
                rows.append({
                    **about, "period": r.period, "row_type": "period", "target": r.target, "actual": r.actual,
                    "ci_low": r.ci_low, "ci_high": r.ci_high, "ci_level": a.ci_level if a else None,
                    "expected": r.expected, "track": r.status, "actual_status": r.actual_status,
                    "source": r.source, "warnings": a.warnings if a else "",
                })  # fmt: skip
            for a in mine:
                for p in a.parts.all():
                    rows.append({**about, "period": a.period, "row_type": "disaggregation", "actual": p.value,
                                 "actual_status": a.status, "dimension": p.dimension, "category": p.category,
                                 "warnings": a.warnings})  # fmt: skip
    return pd.DataFrame(rows, columns=COLUMNS)


def tagged(frame: pd.DataFrame) -> pd.DataFrame:
    return hxl_table(frame, tags=RESULT_TAGS)


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    return neutralise(tagged(frame)).to_csv(index=False).encode("utf-8")


def to_xlsx_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs=XLSX_OPTIONS) as writer:
        neutralise(tagged(frame)).to_excel(writer, sheet_name="results", index=False)
    return buffer.getvalue()
