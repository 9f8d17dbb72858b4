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
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    PROPORTION = "proportion", _("Proportion (0–1)")
    PERCENT = "percent", _("Percent (0–100)")
    PEOPLE = "people", _("Number of people")
    HOUSEHOLDS = "households", _("Number of households")
    COUNT = "count", _("Number (other)")
    USD = "usd", _("US dollars")
    SCORE = "score", _("Score (any real number)")


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
        msg = gettext("%(value)s is not a finite number.") % {"value": value}
        raise UnitError(msg)
    if not rule.low <= number <= rule.high:
        words = {"number": f"{number:g}", "unit": repr(unit), "low": f"{rule.low:g}", "high": f"{rule.high:g}",
                 "share": f"{number / 100:g}"}  # fmt: skip
        if unit == Unit.PROPORTION and 1 < number <= 100:
            msg = gettext(
                "%(number)s is outside the unit %(unit)s: expected a value in [%(low)s, %(high)s] (a share of "
                "%(number)s%% is written %(share)s; choose the unit 'percent' for %(number)s)."
            ) % words
        elif math.isinf(rule.high):
            msg = gettext("%(number)s is outside the unit %(unit)s: expected a value ≥ %(low)s.") % words
        else:
            msg = gettext("%(number)s is outside the unit %(unit)s: expected a value in [%(low)s, %(high)s].") % words
        raise UnitError(msg)
    return number


def check_unit(given: str, expected: str) -> None:
    """The unit a value was entered in must be the indicator's: values are never converted silently."""
    if given != expected:
        msg = gettext(
            "The value is in %(given)s but the indicator is measured in %(expected)s; enter it in %(expected)s "
            "(no conversion is made)."
        ) % {"given": repr(given), "expected": repr(expected)}
        raise UnitError(msg)
