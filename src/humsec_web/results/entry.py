"""The rules every result, indicator, target and actual passes, whoever enters it (form, API,
IATI import, ``humsec af`` import): one place, one sentence per problem, keyed by field.

Refused (``django.core.exceptions.ValidationError``, nothing saved): a value in another unit than
the indicator's or outside its unit's domain, a period not written at the indicator's frequency,
a target or actual for a period before the baseline, a second target or actual for one period, a
confidence interval that does not hold its value, a result under the wrong level, a
disaggregation by a dimension the indicator does not report or with a category given twice.
Kept and reported (``Actual.warnings``): a disaggregation whose parts do not add up to the total
(for additive units: people, households, counts, dollars; shares are not added).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from humsec_web.results.models import (
    PARENT_LEVEL,
    Actual,
    Dimension,
    Disaggregation,
    Indicator,
    Result,
    Target,
)  # fmt: skip
from humsec_web.results.periods import PeriodError, period_bounds
from humsec_web.results.units import UNIT_RULES, UnitError, check_unit, check_value

# parts may differ from their total by rounding: half a unit, or 0.1% of the total if larger
SUM_TOLERANCE_ABS = 0.5
SUM_TOLERANCE_REL = 0.001


@dataclass(frozen=True)
class Part:
    """One disaggregated value: ``dimension`` (sex, age, area, group), ``category``, ``value``."""

    dimension: str
    category: str
    value: float


#: the levels in words, as the refusals name them
LEVEL_WORDS = (gettext_noop("goal"), gettext_noop("outcome"), gettext_noop("output"))


def _fail(field: str, message: str) -> None:
    raise ValidationError({field: [message]})


def check_result(level: str, parent: Result | None, logframe: Any) -> None:
    """A goal has no parent; an outcome sits under a goal, an output under an outcome, of the same logframe."""
    want = PARENT_LEVEL.get(level)  # type: ignore[call-overload]
    if level not in PARENT_LEVEL:
        _fail("level", gettext("Unknown level %(level)s; expected one of goal, outcome, output.") % {"level": repr(level)})
    if want is None and parent is not None:
        _fail("parent", gettext("A goal is the top of the chain: it has no parent."))
    if want is not None:
        if parent is None or parent.level != want:
            words = {"level": gettext(str(level)), "want": gettext(str(want))}
            if parent is None:
                _fail("parent", gettext("An %(level)s sits under a %(want)s; got none.") % words)
            else:
                _fail("parent", gettext("An %(level)s sits under a %(want)s; got a %(found)s.") % {
                    **words, "found": gettext(str(parent.level))})  # fmt: skip
        assert parent is not None
        if parent.logframe_id != logframe.pk:
            _fail("parent", gettext("The parent belongs to another logframe."))


def _period(indicator_frequency: str, period: str, field: str = "period") -> tuple[Any, Any]:
    try:
        return period_bounds(period, indicator_frequency)
    except PeriodError as exc:
        raise ValidationError({field: [str(exc)]}) from None


def _value(value: Any, unit: str, field: str = "value") -> float:
    try:
        return check_value(value, unit)
    except (UnitError, TypeError, ValueError) as exc:
        raise ValidationError({field: [str(exc)]}) from None


def _interval(value: float, low: Any, high: Any, unit: str, prefix: str = "ci") -> None:
    if (low is None) != (high is None):
        _fail(f"{prefix}_high" if high is None else f"{prefix}_low", gettext("Give both ends of the interval, or neither."))
    if low is None:
        return
    lo, hi = _value(low, unit, f"{prefix}_low"), _value(high, unit, f"{prefix}_high")
    if not lo <= value <= hi:
        _fail(f"{prefix}_low", gettext("The interval [%(low)s, %(high)s] does not hold the value %(value)s.") % {
            "low": f"{lo:g}", "high": f"{hi:g}", "value": f"{value:g}"})  # fmt: skip


def check_indicator(fields: dict[str, Any]) -> None:
    """Baseline in the indicator's unit and frequency; declared disaggregations known."""
    unit, frequency = fields["unit"], fields["frequency"]
    _period(frequency, fields["baseline_period"], "baseline_period")
    value = _value(fields["baseline_value"], unit, "baseline_value")
    _interval(value, fields.get("baseline_ci_low"), fields.get("baseline_ci_high"), unit, "baseline_ci")
    for d in str(fields.get("disaggregations") or "").split(","):
        if d.strip() and d.strip() not in Dimension.values:
            _fail("disaggregations", gettext("Unknown dimension %(dimension)s; expected any of %(known)s.") % {
                "dimension": repr(d.strip()), "known": ", ".join(Dimension.values)})  # fmt: skip


def _after_baseline(indicator: Indicator, period: str, what: str) -> None:
    start, _ = _period(indicator.frequency, period)
    base_start, _ = period_bounds(indicator.baseline_period, indicator.frequency)
    if start < base_start:
        words = {"period": period, "baseline": indicator.baseline_period}
        if what == "target":
            _fail("period", gettext("The target is for %(period)s, before the baseline (%(baseline)s).") % words)
        _fail("period", gettext("The actual is for %(period)s, before the baseline (%(baseline)s).") % words)


def check_target(indicator: Indicator, period: str, value: Any, unit: str | None = None) -> float:
    if unit is not None:
        try:
            check_unit(unit, indicator.unit)
        except UnitError as exc:
            raise ValidationError({"unit": [str(exc)]}) from None
    _after_baseline(indicator, period, "target")
    if indicator.targets.filter(period=period).exists():
        _fail("period", gettext("There is already a target for %(period)s; change that one.") % {"period": period})
    return _value(value, indicator.unit)


def check_actual(
    indicator: Indicator, period: str, value: Any, unit: str | None, ci_low: Any = None, ci_high: Any = None,
    *, exclude: int | None = None,
) -> float:
    """The checks of one actual (its unit, period, value and interval); returns the value."""
    if unit is not None:
        try:
            check_unit(unit, indicator.unit)
        except UnitError as exc:
            raise ValidationError({"unit": [str(exc)]}) from None
    _after_baseline(indicator, period, "actual")
    number = _value(value, indicator.unit)
    _interval(number, ci_low, ci_high, indicator.unit)
    clash = indicator.actuals.filter(period=period).exclude(pk=exclude)
    if clash.exists():
        _fail("period", gettext("There is already an actual for %(period)s (%(status)s); correct that one instead.") % {
            "period": period, "status": clash.first().get_status_display().lower()})  # fmt: skip
    return number


def check_parts(indicator: Indicator, total: float, parts: Iterable[Part]) -> list[str]:
    """Refuse parts by undeclared dimensions, repeated categories or out-of-domain values; return
    the warnings for dimensions whose parts do not add up to ``total`` (additive units only)."""
    declared = set(indicator.dimension_list())
    sums: dict[str, float] = {}
    seen: set[tuple[str, str]] = set()
    for p in parts:
        if p.dimension not in declared:
            known = ", ".join(sorted(declared)) or gettext("none")
            _fail("parts", gettext("The indicator is not disaggregated by %(dimension)s (declared: %(known)s).") % {
                "dimension": repr(p.dimension), "known": known})  # fmt: skip
        key = (p.dimension, p.category.strip())
        if not key[1]:
            _fail("parts", gettext("A %(dimension)s value has no category.") % {"dimension": p.dimension})
        if key in seen:
            _fail("parts", gettext("The %(dimension)s category %(category)s is given twice.") % {
                "dimension": p.dimension, "category": repr(key[1])})  # fmt: skip
        seen.add(key)
        value = _value(p.value, indicator.unit, "parts")
        sums[p.dimension] = sums.get(p.dimension, 0.0) + value
    if not UNIT_RULES[indicator.unit].additive:
        return []
    warnings = []
    for dim, total_of_parts in sorted(sums.items()):
        gap = total_of_parts - total
        if abs(gap) > max(SUM_TOLERANCE_ABS, SUM_TOLERANCE_REL * abs(total)):
            warnings.append(f"The {dim} disaggregation adds up to {total_of_parts:g}, not the total {total:g} "
                            f"(difference {gap:+g}).")
    return warnings


def parse_parts(text: str) -> list[Part]:
    """Parts written one per line as ``dimension, category, value`` (the form's text box).

    >>> parse_parts("sex, female, 60\\nsex, male, 40")
    [Part(dimension='sex', category='female', value=60.0), Part(dimension='sex', category='male', value=40.0)]
    """
    parts = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        cells = [c.strip() for c in line.split(",")]
        if len(cells) != 3:
            _fail("parts", gettext("Line %(number)s: expected 'dimension, category, value'; got %(line)s.") % {
                "number": number, "line": repr(line.strip())})  # fmt: skip
        try:
            value = float(cells[2])
        except ValueError:
            _fail("parts", gettext("Line %(number)s: the value %(value)s is not a number.") % {
                "number": number, "value": repr(cells[2])})  # fmt: skip
        if not math.isfinite(value):
            _fail("parts", gettext("Line %(number)s: the value %(value)s is not a finite number.") % {
                "number": number, "value": repr(cells[2])})  # fmt: skip
        parts.append(Part(cells[0].lower(), cells[1], value))
    return parts


@transaction.atomic
def record_actual(
    indicator: Indicator, user: Any, *, period: str, value: Any, unit: str | None,
    ci_low: Any = None, ci_high: Any = None, ci_level: float | None = None,
    parts: Iterable[Part] = (), source: str = str(Actual.Source.ENTERED), source_detail: str = "", comment: str = "",
) -> Actual:
    """Check and save one actual with its parts, all or nothing; it awaits the HSU's validation."""
    number = check_actual(indicator, period, value, unit, ci_low, ci_high)
    parts = list(parts)
    warnings = check_parts(indicator, number, parts)
    actual = Actual.objects.create(
        indicator=indicator, period=period, value=number,
        ci_low=None if ci_low is None else float(ci_low), ci_high=None if ci_high is None else float(ci_high),
        ci_level=ci_level if ci_low is not None else None, source=source, source_detail=source_detail[:500],
        comment=comment[:1000], warnings="\n".join(warnings), reported_by=user,
    )  # fmt: skip
    Disaggregation.objects.bulk_create(
        Disaggregation(actual=actual, dimension=p.dimension, category=p.category.strip(), value=float(p.value))
        for p in parts
    )
    return actual


@transaction.atomic
def record_target(indicator: Indicator, *, period: str, value: Any, unit: str | None, comment: str = "") -> Target:
    number = check_target(indicator, period, value, unit)
    return Target.objects.create(indicator=indicator, period=period, value=number, comment=comment[:500])


def review_actual(actual: Actual, user: Any, *, approve: bool, note: str = "") -> Actual:
    """The HSU validates an actual (it becomes public) or returns it with a reason."""
    if actual.status != Actual.Status.REPORTED:
        _fail("status", gettext("Only a reported actual can be reviewed; this one is %(status)s.") % {
            "status": actual.get_status_display().lower()})  # fmt: skip
    if not approve and not note.strip():
        _fail("note", gettext("Say why the actual is returned."))
    actual.status = Actual.Status.VALIDATED if approve else Actual.Status.RETURNED
    actual.validated_by = user
    actual.validated_at = timezone.now()
    actual.review_note = note[:1000]
    actual.save(update_fields=["status", "validated_by", "validated_at", "review_note"])
    return actual


@transaction.atomic
def correct_actual(
    actual: Actual, *, value: Any, ci_low: Any = None, ci_high: Any = None, comment: str = "",
    parts: Iterable[Part] = (),
) -> Actual:
    """The reporting organisation corrects a returned (or not yet validated) actual: it is reported again."""
    if actual.status == Actual.Status.VALIDATED:
        _fail("status", gettext("A validated actual is not changed; report a correction through the HSU."))
    number = check_actual(actual.indicator, actual.period, value, None, ci_low, ci_high, exclude=actual.pk)
    parts = list(parts)
    warnings = check_parts(actual.indicator, number, parts)
    actual.value, actual.comment = number, comment[:1000]
    actual.ci_low = None if ci_low is None else float(ci_low)
    actual.ci_high = None if ci_high is None else float(ci_high)
    actual.warnings = "\n".join(warnings)
    actual.status = Actual.Status.REPORTED
    actual.save()
    actual.parts.all().delete()
    Disaggregation.objects.bulk_create(
        Disaggregation(actual=actual, dimension=p.dimension, category=p.category.strip(), value=float(p.value))
        for p in parts
    )
    return actual
