"""IATI ``result`` elements (IATI Activity Standard 2.03): export a logframe's results, indicators,
baselines, targets and validated actuals as an ``iati-activities`` file, and import the results of
an IATI activity file into a logframe.

Export: one ``iati-activity`` with the elements the schema requires before ``result``
(identifier, reporting-org, title, description, participating-org, activity-status, activity-date,
recipient-country), then one ``result`` per goal (type 3, impact), outcome (2) and output (1) in
the logframe's order. Shares are sent as IATI percentages (measure 2: a proportion of 0.28 is
written 28); counts as units (measure 1); ``ascending`` says which way is better. A disaggregated
value is one more ``actual`` with its ``dimension``; a confidence interval, which IATI has no
element for, goes into the actual's comment as ``95% confidence interval: LOW to HIGH`` and is
read back from there. Only validated actuals are exported.

Import (all or nothing; nothing is saved when one element is wrong, and the message names the
result, indicator and period): results are matched to the logframe's by level and title, or
added (an outcome under the logframe's goal, an output under the outcome before it in the file);
indicators by title, or added; each target and actual passes the same checks as one typed in
(``humsec_web.results.entry``), and imported actuals await the HSU's validation like any other.
Files are parsed with defusedxml (no entities, no external references).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

import pycountry
from django.core.exceptions import ValidationError
from django.db import transaction

from humsec_web.results import entry
from humsec_web.results.models import (
    IATI_RESULT_TYPE,
    Actual,
    Indicator,
    Logframe,
    Result,
    ResultLevel,
)  # fmt: skip
from humsec_web.results.periods import Frequency, period_bounds, period_of_date
from humsec_web.results.units import UNIT_RULES, Unit

IATI_VERSION = "2.03"
LEVEL_OF_TYPE = {code: level for level, code in IATI_RESULT_TYPE.items()}
# Organisation.Kind -> IATI OrganisationType codelist
ORG_TYPE = {"un": "40", "government": "10", "ngo": "21", "donor": "10", "other": "90"}
CI_TEXT = re.compile(r"(?P<level>\d+(?:\.\d+)?)% confidence interval: (?P<low>[-+0-9.eE]+) to (?P<high>[-+0-9.eE]+)")
MAX_IATI_BYTES = 5 * 1024 * 1024


class IATIError(ValueError):
    """The file is not IATI activity XML this logframe can take (the message says where and why)."""


def _num(x: float) -> str:
    return f"{x:.10g}"


def _to_iati(value: float, unit: str) -> float:
    return value * 100 if unit == Unit.PROPORTION else value


def _from_iati(value: float, unit: str) -> float:
    return value / 100 if unit == Unit.PROPORTION else value


def _narrative(parent: ET.Element, tag: str, text: str) -> ET.Element:
    el = ET.SubElement(parent, tag)
    ET.SubElement(el, "narrative").text = text
    return el


def identifier(logframe: Logframe) -> str:
    return logframe.iati_identifier or f"XM-HUMSEC-LOGFRAME-{logframe.pk}"


def export_xml(logframe: Logframe, actuals: list[Actual]) -> bytes:
    """The logframe as IATI activity XML, with the given (validated) actuals."""
    now = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    root = ET.Element("iati-activities", {"version": IATI_VERSION, "generated-datetime": now})
    act = ET.SubElement(root, "iati-activity", {"last-updated-datetime": now, "default-currency": "USD"})
    ET.SubElement(act, "iati-identifier").text = identifier(logframe)
    org = logframe.organisation
    ref = f"XM-HUMSEC-{org.acronym or org.pk}"
    reporting = ET.SubElement(act, "reporting-org", {"ref": ref, "type": ORG_TYPE.get(org.kind, "90")})
    ET.SubElement(reporting, "narrative").text = org.name
    _narrative(act, "title", logframe.title)
    _narrative(act, "description", f"Results framework of {logframe.title} (humsec platform).")
    part = ET.SubElement(act, "participating-org", {"ref": ref, "role": "4", "type": ORG_TYPE.get(org.kind, "90")})
    ET.SubElement(part, "narrative").text = org.name
    ET.SubElement(act, "activity-status", {"code": "2"})
    start = logframe.created_at.date() if logframe.created_at else date.today()
    ET.SubElement(act, "activity-date", {"type": "1", "iso-date": start.isoformat()})
    country = pycountry.countries.get(alpha_3=logframe.country)
    if country is not None:
        ET.SubElement(act, "recipient-country", {"code": country.alpha_2, "percentage": "100"})
    by_indicator: dict[int, list[Actual]] = {}
    for a in actuals:
        by_indicator.setdefault(a.indicator_id, []).append(a)
    for result in _chain_order(logframe):
        el = ET.SubElement(act, "result", {"type": IATI_RESULT_TYPE[result.level], "aggregation-status": "0"})
        _narrative(el, "title", result.title)
        if result.description:
            _narrative(el, "description", result.description)
        for ind in result.indicators.all():
            _indicator(el, ind, by_indicator.get(ind.pk, []))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _chain_order(logframe: Logframe) -> list[Result]:
    """Goal(s), then each outcome followed by its outputs: the order the import reads back."""
    results = list(logframe.results.all())
    out = [r for r in results if r.level == ResultLevel.GOAL]
    for outcome in (r for r in results if r.level == ResultLevel.OUTCOME):
        out.append(outcome)
        out.extend(r for r in results if r.level == ResultLevel.OUTPUT and r.parent_id == outcome.pk)
    return out


def _indicator(parent: ET.Element, ind: Indicator, actuals: list[Actual]) -> None:
    rule = UNIT_RULES[ind.unit]
    el = ET.SubElement(parent, "indicator", {
        "measure": rule.iati_measure, "ascending": "1" if ind.direction == "increase" else "0",
    })  # fmt: skip
    _narrative(el, "title", ind.name)
    _narrative(el, "description", f"Unit: {ind.unit}. Frequency: {ind.frequency}. Means of verification: {ind.means_of_verification}")
    b_start, _ = period_bounds(ind.baseline_period, ind.frequency)
    base = ET.SubElement(el, "baseline", {"year": str(b_start.year), "iso-date": b_start.isoformat(),
                                          "value": _num(_to_iati(ind.baseline_value, ind.unit))})  # fmt: skip
    if ind.baseline_ci_low is not None and ind.baseline_ci_high is not None:
        _narrative(base, "comment", _ci_text(95.0, ind.baseline_ci_low, ind.baseline_ci_high, ind.unit))
    targets = {t.period: t for t in ind.targets.all()}
    done = {a.period: a for a in actuals}
    for period in sorted(set(targets) | set(done), key=lambda p: period_bounds(p, ind.frequency)[0]):
        start, end = period_bounds(period, ind.frequency)
        pe = ET.SubElement(el, "period")
        ET.SubElement(pe, "period-start", {"iso-date": start.isoformat()})
        ET.SubElement(pe, "period-end", {"iso-date": end.isoformat()})
        if period in targets:
            ET.SubElement(pe, "target", {"value": _num(_to_iati(targets[period].value, ind.unit))})
        if period in done:
            a = done[period]
            ae = ET.SubElement(pe, "actual", {"value": _num(_to_iati(a.value, ind.unit))})
            if a.ci_low is not None and a.ci_high is not None:
                _narrative(ae, "comment", _ci_text(100 * (a.ci_level or 0.95), a.ci_low, a.ci_high, ind.unit))
            for p in a.parts.all():
                pa = ET.SubElement(pe, "actual", {"value": _num(_to_iati(p.value, ind.unit))})
                ET.SubElement(pa, "dimension", {"name": p.dimension, "value": p.category})


def _ci_text(level: float, low: float, high: float, unit: str) -> str:
    return f"{level:g}% confidence interval: {_num(_to_iati(low, unit))} to {_num(_to_iati(high, unit))}"


# -- import -----------------------------------------------------------------------------------------


@dataclass
class ImportSummary:
    results_added: int = 0
    indicators_added: int = 0
    targets_added: int = 0
    actuals_added: int = 0
    warnings: list[str] = field(default_factory=list)


def parse(data: bytes, name: str) -> ET.Element:
    """The root of an IATI activities file, parsed safely; :class:`IATIError` if it is not one."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    if len(data) > MAX_IATI_BYTES:
        msg = f"{name} is larger than {MAX_IATI_BYTES // 1024 // 1024} MB."
        raise IATIError(msg)
    try:
        root = fromstring(data)
    except (ET.ParseError, DefusedXmlException) as exc:
        msg = f"{name} is not well-formed XML that may be read safely ({exc})."
        raise IATIError(msg) from None
    if root.tag != "iati-activities":
        msg = f"{name} is not an IATI activity file: its root element is <{root.tag}>, expected <iati-activities>."
        raise IATIError(msg)
    return root


def _activity(root: ET.Element, logframe: Logframe, name: str) -> ET.Element:
    activities = root.findall("iati-activity")
    ids = [(a.findtext("iati-identifier") or "").strip() for a in activities]
    if logframe.iati_identifier:
        for a, i in zip(activities, ids, strict=True):
            if i == logframe.iati_identifier:
                return a
        msg = f"{name} has no iati-activity {logframe.iati_identifier!r} (it has: {', '.join(ids[:10]) or 'none'})."
        raise IATIError(msg)
    if len(activities) != 1:
        msg = (f"{name} has {len(activities)} activities; set the logframe's IATI identifier to say which one "
               f"(found: {', '.join(ids[:10])}).")
        raise IATIError(msg)
    return activities[0]


def _title(el: ET.Element) -> str:
    return " ".join((el.findtext("title/narrative") or "").split())


def _float(text: str | None, where: str) -> float:
    try:
        return float(text or "")
    except ValueError:
        msg = f"{where}: value {text!r} is not a number."
        raise IATIError(msg) from None


def _frequency(periods: list[ET.Element], where: str) -> str:
    """annual, quarterly or monthly from the length of the indicator's periods."""
    lengths = set()
    for p in periods:
        start, end = p.find("period-start"), p.find("period-end")
        try:
            d0 = date.fromisoformat(start.get("iso-date", "") if start is not None else "")
            d1 = date.fromisoformat(end.get("iso-date", "") if end is not None else "")
        except ValueError:
            msg = f"{where}: a period without valid period-start and period-end iso-date."
            raise IATIError(msg) from None
        days = (d1 - d0).days + 1
        lengths.add("annual" if 360 <= days <= 366 else "quarterly" if 89 <= days <= 92 else "monthly" if 28 <= days <= 31 else f"{days} days")
    if len(lengths) == 1 and next(iter(lengths)) in Frequency.values:
        return next(iter(lengths))
    if not lengths:
        return str(Frequency.ANNUAL)
    msg = f"{where}: periods of {', '.join(sorted(lengths))}; the platform takes years, quarters or months, one length per indicator."
    raise IATIError(msg)


@transaction.atomic
def import_results(data: bytes, name: str, logframe: Logframe, user: Any) -> ImportSummary:
    """Add the results of the file's activity to ``logframe``; all or nothing."""
    activity = _activity(parse(data, name), logframe, name)
    summary = ImportSummary()
    existing = {(r.level, r.title.strip()): r for r in logframe.results.all()}
    last_outcome: Result | None = None
    goals = [r for r in existing.values() if r.level == ResultLevel.GOAL]
    for i, rel in enumerate(activity.findall("result"), start=1):
        where = f"{name}, result {i} ({_title(rel)!r})"
        level = LEVEL_OF_TYPE.get(rel.get("type", ""))
        if level is None:
            msg = f"{where}: type {rel.get('type')!r}; expected 1 (output), 2 (outcome) or 3 (impact)."
            raise IATIError(msg)
        result = existing.get((level, _title(rel)))
        if result is None:
            parent = None
            if level == ResultLevel.OUTCOME:
                if len(goals) != 1:
                    msg = f"{where}: an outcome needs the logframe's goal, and there are {len(goals)} goals."
                    raise IATIError(msg)
                parent = goals[0]
            elif level == ResultLevel.OUTPUT:
                if last_outcome is None:
                    msg = f"{where}: an output must follow its outcome in the file."
                    raise IATIError(msg)
                parent = last_outcome
            if not _title(rel):
                msg = f"{where}: the result has no title narrative."
                raise IATIError(msg)
            result = Result.objects.create(logframe=logframe, level=level, parent=parent, title=_title(rel)[:500],
                                           description=(rel.findtext("description/narrative") or "")[:5000])  # fmt: skip
            existing[(level, result.title)] = result
            summary.results_added += 1
            if level == ResultLevel.GOAL:
                goals.append(result)
        if level == ResultLevel.OUTCOME:
            last_outcome = result
        for j, iel in enumerate(rel.findall("indicator"), start=1):
            _import_indicator(iel, result, logframe, user, f"{where}, indicator {j} ({_title(iel)!r})", summary)
    return summary


def _import_indicator(iel: ET.Element, result: Result, logframe: Logframe, user: Any, where: str, summary: ImportSummary) -> None:
    measure = iel.get("measure", "1")
    if measure not in ("1", "2"):
        msg = f"{where}: measure {measure!r} (nominal, ordinal or qualitative) is not taken; only 1 (unit) and 2 (percentage)."
        raise IATIError(msg)
    periods = iel.findall("period")
    indicator = result.indicators.filter(name=_title(iel)).first()
    if indicator is None:
        base = iel.find("baseline")
        if base is None or base.get("value") is None:
            msg = f"{where}: a new indicator needs a baseline with a value."
            raise IATIError(msg)
        frequency = _frequency(periods, where)
        iso = base.get("iso-date") or f"{base.get('year', '')}-01-01"
        try:
            b_period = period_of_date(date.fromisoformat(iso), frequency)
        except ValueError:
            msg = f"{where}: baseline iso-date/year {iso!r} is not a date."
            raise IATIError(msg) from None
        unit = Unit.PERCENT if measure == "2" else Unit.COUNT
        # the dimensions its values are disaggregated by (sex, age, area, group) are declared with it
        dim_names = sorted({d.get("name", "").strip().lower() for d in iel.iterfind("period/actual/dimension")})
        fields = {"unit": unit, "frequency": frequency, "baseline_period": b_period,
                  "baseline_value": _float(base.get("value"), f"{where}, baseline"), "disaggregations": ",".join(dim_names)}  # fmt: skip
        _checked(where, entry.check_indicator, fields)
        indicator = Indicator.objects.create(
            result=result, name=_title(iel)[:300] or "(untitled)", direction="increase" if iel.get("ascending", "1") != "0" else "decrease",
            means_of_verification="IATI import", reporting_organisation=logframe.organisation, **fields,
        )  # fmt: skip
        summary.indicators_added += 1
    elif (measure == "2") != (indicator.unit in (Unit.PERCENT, Unit.PROPORTION)):
        msg = f"{where}: IATI measure {measure} does not fit the indicator's unit {indicator.unit!r}."
        raise IATIError(msg)
    for k, pel in enumerate(periods, start=1):
        pwhere = f"{where}, period {k}"
        start = pel.find("period-start")
        try:
            day = date.fromisoformat(start.get("iso-date", "") if start is not None else "")
        except ValueError:
            msg = f"{pwhere}: no valid period-start iso-date."
            raise IATIError(msg) from None
        period = period_of_date(day, indicator.frequency)
        for t in pel.findall("target"):
            if t.find("dimension") is not None:
                continue  # disaggregated targets are not kept (the platform's targets are totals)
            value = _from_iati(_float(t.get("value"), f"{pwhere}, target"), indicator.unit)
            _checked(pwhere, entry.record_target, indicator, period=period, value=value, unit=None)
            summary.targets_added += 1
        totals = [a for a in pel.findall("actual") if a.find("dimension") is None]
        if len(totals) > 1:
            msg = f"{pwhere}: {len(totals)} actuals without dimension; expected one total."
            raise IATIError(msg)
        if not totals:
            if pel.findall("actual"):
                msg = f"{pwhere}: disaggregated actuals without their total."
                raise IATIError(msg)
            continue
        total = totals[0]
        value = _from_iati(_float(total.get("value"), f"{pwhere}, actual"), indicator.unit)
        low = high = level = None
        found = CI_TEXT.search(" ".join(total.findtext("comment/narrative", "").split()))
        if found:
            low = _from_iati(float(found["low"]), indicator.unit)
            high = _from_iati(float(found["high"]), indicator.unit)
            level = float(found["level"]) / 100
        parts: list[entry.Part] = []
        for a in pel.findall("actual"):
            dims = a.findall("dimension")
            if len(dims) > 1:
                msg = f"{pwhere}: an actual crossed by {len(dims)} dimensions; the platform takes one dimension per value."
                raise IATIError(msg)
            if dims:
                parts.append(entry.Part(dims[0].get("name", "").strip().lower(), dims[0].get("value", ""),
                                        _from_iati(_float(a.get("value"), f"{pwhere}, actual"), indicator.unit)))  # fmt: skip
        actual = _checked(
            pwhere, entry.record_actual, indicator, user, period=period, value=value, unit=None, ci_low=low,
            ci_high=high, ci_level=level, parts=parts, source=Actual.Source.IATI,
            source_detail=f"IATI {identifier(logframe)}",
        )  # fmt: skip
        summary.actuals_added += 1
        summary.warnings.extend(f"{pwhere}: {w}" for w in actual.warnings.splitlines())


def _checked(where: str, call: Any, *args: Any, **kwargs: Any) -> Any:
    """``call(*args, **kwargs)``, its entry-rule errors prefixed with where in the file they arose."""
    try:
        return call(*args, **kwargs)
    except ValidationError as exc:
        text = "; ".join(m for ms in exc.message_dict.values() for m in ms)
        raise IATIError(f"{where}: {text}") from None
