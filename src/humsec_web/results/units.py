"""Units of measure, declared once: each says which values are in its domain and whether parts
of a total add up to it (so that a disaggregation can be checked against its total).

>>> check_value(0.28, "proportion"), check_value(28.0, "percent")
(0.28, 28.0)
>>> check_value(28.0, "proportion")
Traceback (most recent call last):
...
humsec_web.results.units.UnitError: 28 is outside the unit 'proportion': expected a value in [0, 1] (a share of 28% is written 0.28; choose the unit 'percent' for 28).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db import models


class Unit(models.TextChoices):
    PROPORTION = "proportion", "Proportion (0–1)"
    PERCENT = "percent", "Percent (0–100)"
    PEOPLE = "people", "Number of people"
    HOUSEHOLDS = "households", "Number of households"
    COUNT = "count", "Number (other)"
    USD = "usd", "US dollars"
    SCORE = "score", "Score (any real number)"


@dataclass(frozen=True)
class UnitRule:
    low: float
    high: float
    additive: bool  # parts of a total add up to it (people do; shares do not)
    iati_measure: str  # IATI IndicatorMeasure code: 1 unit, 2 percentage, 5 qualitative... (v2.03)


UNIT_RULES: dict[str, UnitRule] = {
    str(Unit.PROPORTION): UnitRule(0.0, 1.0, additive=False, iati_measure="2"),
    str(Unit.PERCENT): UnitRule(0.0, 100.0, additive=False, iati_measure="2"),
    str(Unit.PEOPLE): UnitRule(0.0, math.inf, additive=True, iati_measure="1"),
    str(Unit.HOUSEHOLDS): UnitRule(0.0, math.inf, additive=True, iati_measure="1"),
    str(Unit.COUNT): UnitRule(0.0, math.inf, additive=True, iati_measure="1"),
    str(Unit.USD): UnitRule(0.0, math.inf, additive=True, iati_measure="1"),
    str(Unit.SCORE): UnitRule(-math.inf, math.inf, additive=False, iati_measure="1"),
}


class UnitError(ValueError):
    """A value outside its unit's domain, or in another unit than the indicator's."""


def check_value(value: float, unit: str) -> float:
    """``value`` as a float if it is finite and in ``unit``'s domain; :class:`UnitError` if not."""
    rule = UNIT_RULES[unit]
    number = float(value)
    if not math.isfinite(number):
        msg = f"{value} is not a finite number."
        raise UnitError(msg)
    if not rule.low <= number <= rule.high:
        hint = ""
        if unit == Unit.PROPORTION and 1 < number <= 100:
            hint = (f" (a share of {number:g}% is written {number / 100:g}; choose the unit "
                    f"'percent' for {number:g})")
        where = f"≥ {rule.low:g}" if math.isinf(rule.high) else f"in [{rule.low:g}, {rule.high:g}]"
        msg = f"{number:g} is outside the unit {unit!r}: expected a value {where}{hint}."
        raise UnitError(msg)
    return number


def check_unit(given: str, expected: str) -> None:
    """The unit a value was entered in must be the indicator's: values are never converted silently."""
    if given != expected:
        msg = (f"The value is in {given!r} but the indicator is measured in {expected!r}; "
               f"enter it in {expected!r} (no conversion is made).")
        raise UnitError(msg)
