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


class Frequency(models.TextChoices):
    """How often an indicator is reported; declared once (forms, API, IATI and docs read it)."""

    ANNUAL = "annual", "Annual (YYYY)"
    QUARTERLY = "quarterly", "Quarterly (YYYY-Qn)"
    MONTHLY = "monthly", "Monthly (YYYY-MM)"


# frequency -> (pattern, how people write it)
_FORMS = {
    "annual": (re.compile(r"^(\d{4})$"), "a year written YYYY (e.g. 2024)"),
    "quarterly": (re.compile(r"^(\d{4})-Q([1-4])$"), "a quarter written YYYY-Qn (e.g. 2024-Q2)"),
    "monthly": (re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"), "a month written YYYY-MM (e.g. 2024-03)"),
}


class PeriodError(ValueError):
    """A period that is not written at the indicator's frequency."""


def period_bounds(text: str, frequency: str) -> tuple[date, date]:
    """First and last day of ``text`` read at ``frequency``; :class:`PeriodError` otherwise."""
    if frequency not in _FORMS:
        msg = f"Unknown frequency {frequency!r}; expected one of {sorted(_FORMS)}."
        raise PeriodError(msg)
    pattern, wording = _FORMS[frequency]
    match = pattern.match(str(text).strip())
    if match is None:
        msg = f"The period {text!r} is not {wording}: this indicator is reported {frequency}."
        raise PeriodError(msg)
    year = int(match.group(1))
    if year < 1900 or year > 2100:
        msg = f"The period {text!r} has year {year}; expected a year between 1900 and 2100."
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
