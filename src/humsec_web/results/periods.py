"""Reporting periods written as text: a year (``2024``), a quarter (``2024-Q2``) or a month
(``2024-03``). An indicator is reported at one frequency, so each of its periods must be written
at that frequency; a period is ordered by its first and last day.

>>> period_bounds("2024-Q2", "quarterly")
(datetime.date(2024, 4, 1), datetime.date(2024, 6, 30))
>>> period_bounds("2018", "annual")
(datetime.date(2018, 1, 1), datetime.date(2018, 12, 31))
>>> period_bounds("2024-13", "monthly")
Traceback (most recent call last):
...
humsec_web.results.periods.PeriodError: The period '2024-13' is not a month written YYYY-MM (e.g. 2024-03): this indicator is reported monthly.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    """How often an indicator is reported; declared once (forms, API, IATI and docs read it)."""

    ANNUAL = "annual", _("Annual (YYYY)")
    QUARTERLY = "quarterly", _("Quarterly (YYYY-Qn)")
    MONTHLY = "monthly", _("Monthly (YYYY-MM)")


# frequency -> (pattern, how people write it)
_FORMS = {
    "annual": (re.compile(r"^(\d{4})$"), "a year written YYYY (e.g. 2024)"),
    "quarterly": (re.compile(r"^(\d{4})-Q([1-4])$"), "a quarter written YYYY-Qn (e.g. 2024-Q2)"),
    "monthly": (re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"), "a month written YYYY-MM (e.g. 2024-03)"),
}


# frequency -> the refusal of a period not written at it (in the reader's language when raised)
_NOT_WRITTEN = {
    "annual": gettext_noop(
        "The period %(period)s is not a year written YYYY (e.g. 2024): this indicator is reported annual."
    ),
    "quarterly": gettext_noop(
        "The period %(period)s is not a quarter written YYYY-Qn (e.g. 2024-Q2): this indicator is reported "
        "quarterly."
    ),
    "monthly": gettext_noop(
        "The period %(period)s is not a month written YYYY-MM (e.g. 2024-03): this indicator is reported monthly."
    ),
}
#: the frequencies in words, as pages write them ("reported annual")
FREQUENCY_WORDS = (gettext_noop("annual"), gettext_noop("quarterly"), gettext_noop("monthly"))


class PeriodError(ValueError):
    """A period that is not written at the indicator's frequency."""


def period_bounds(text: str, frequency: str) -> tuple[date, date]:
    """First and last day of ``text`` read at ``frequency``; :class:`PeriodError` otherwise."""
    if frequency not in _FORMS:
        msg = gettext("Unknown frequency %(frequency)s; expected one of %(expected)s.") % {
            "frequency": repr(frequency), "expected": sorted(_FORMS)
        }
        raise PeriodError(msg)
    pattern, _wording = _FORMS[frequency]
    match = pattern.match(str(text).strip())
    if match is None:
        msg = gettext(_NOT_WRITTEN[frequency]) % {"period": repr(text)}
        raise PeriodError(msg)
    year = int(match.group(1))
    if year < 1900 or year > 2100:
        msg = gettext("The period %(period)s has year %(year)s; expected a year between 1900 and 2100.") % {
            "period": repr(text), "year": year
        }
        raise PeriodError(msg)
    if frequency == "annual":
        return date(year, 1, 1), date(year, 12, 31)
    if frequency == "quarterly":
        q = int(match.group(2))
        first, last = 3 * q - 2, 3 * q
    else:
        first = last = int(match.group(2))
    return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])


def period_of_date(day: date, frequency: str) -> str:
    """The period at ``frequency`` that holds ``day`` (IATI gives dates, the platform periods).

    >>> period_of_date(date(2024, 5, 31), "quarterly"), period_of_date(date(2024, 5, 31), "annual")
    ('2024-Q2', '2024')
    """
    if frequency == "annual":
        return f"{day.year}"
    if frequency == "quarterly":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"
