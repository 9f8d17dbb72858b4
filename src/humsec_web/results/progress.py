"""Progress of an indicator: each actual against what was expected by its period, on or off track.

What is expected by a period is the target of that period; between the baseline and a later
target it is read off the straight line joining them (at the periods' midpoints); after the last
target it is that target. With a confidence interval the verdict says whether the whole interval
is on the right side of the expected value ("on track"), on the wrong side ("off track"), or
straddles it ("cannot tell": the survey cannot distinguish the result from the expectation).

>>> track_status("decrease", expected=0.30, value=0.28, ci_low=0.24, ci_high=0.32)
'cannot tell'
>>> track_status("decrease", expected=0.30, value=0.28)
'on track'
>>> track_status("increase", expected=50, value=40, ci_low=35, ci_high=45)
'off track'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Any

from django.utils.translation import gettext_noop

from humsec_web.results.periods import period_bounds

# verdicts are stored and compared as these English words; pages show them translated
ON, OFF, UNSURE, NO_TARGET = (
    gettext_noop("on track"), gettext_noop("off track"), gettext_noop("cannot tell"), gettext_noop("no target")
)
NO_ACTUAL, BASELINE = gettext_noop("no actual yet"), gettext_noop("baseline")
#: an actual's status codes, as the progress table shows them (translated by the page)
ACTUAL_STATUS_WORDS = (gettext_noop("reported"), gettext_noop("validated"), gettext_noop("returned"))
STATUSES = (ON, OFF, UNSURE, NO_TARGET)


def track_status(
    direction: str, expected: float | None, value: float, ci_low: float | None = None, ci_high: float | None = None
) -> str:
    """On track when the value (its whole interval, when it has one) is at or beyond ``expected``
    in the good ``direction`` ("increase" or "decrease")."""
    if expected is None:
        return NO_TARGET
    low, high = (value, value) if ci_low is None or ci_high is None else (ci_low, ci_high)
    if direction == "decrease":
        good, bad = high <= expected, low > expected
    else:
        good, bad = low >= expected, high < expected
    return ON if good else OFF if bad else UNSURE


def _midpoint(period: str, frequency: str) -> float:
    start, end = period_bounds(period, frequency)
    return (start.toordinal() + end.toordinal()) / 2


def expected_at(
    period: str, frequency: str, baseline: tuple[str, float], targets: list[tuple[str, float]]
) -> float | None:
    """The value expected by ``period``: its target, the line from the previous point (baseline or
    target) to the next target, or the last target once past it; None without targets.

    >>> expected_at("2014", "annual", ("2010", 0.40), [("2018", 0.32)])
    0.36
    """
    if not targets:
        return None
    points = sorted([(_midpoint(p, frequency), v) for p, v in [baseline, *targets]])
    t = _midpoint(period, frequency)
    if t >= points[-1][0]:
        return points[-1][1]
    if t <= points[0][0]:
        return points[0][1]
    for (t0, v0), (t1, v1) in pairwise(points):
        if t0 <= t <= t1:
            return round(v0 + (v1 - v0) * (t - t0) / (t1 - t0), 12)
    return None  # pragma: no cover (the points cover t)


@dataclass(frozen=True)
class Row:
    """One period of an indicator's progress table (and of its chart)."""

    period: str
    target: float | None
    actual: float | None
    ci_low: float | None
    ci_high: float | None
    expected: float | None
    status: str  # of the actual against ``expected``; '' without actual
    actual_status: str  # reported, validated, returned; '' without actual
    source: str


def progress_rows(indicator: Any, actuals: list[Any]) -> list[Row]:
    """Baseline, then every period with a target or an actual (the actuals the viewer may see)."""
    frequency = indicator.frequency
    targets = {t.period: t.value for t in indicator.targets.all()}
    by_period = {a.period: a for a in actuals}
    base = (indicator.baseline_period, indicator.baseline_value)
    rows = [Row(indicator.baseline_period, None, indicator.baseline_value, indicator.baseline_ci_low,
                indicator.baseline_ci_high, None, BASELINE, "", indicator.baseline_source)]  # fmt: skip
    for period in sorted(set(targets) | set(by_period), key=lambda p: period_bounds(p, frequency)[0]):
        a = by_period.get(period)
        expected = expected_at(period, frequency, base, sorted(targets.items())) if a else None
        rows.append(Row(
            period, targets.get(period), a.value if a else None, a.ci_low if a else None, a.ci_high if a else None,
            expected, track_status(indicator.direction, expected, a.value, a.ci_low, a.ci_high) if a else "",
            a.status if a else "", a.get_source_display() if a else "",
        ))  # fmt: skip
    return rows


def latest_status(rows: list[Row]) -> str:
    """The verdict of the latest actual ('no actual yet' when none)."""
    done = [r for r in rows if r.actual_status]
    return done[-1].status if done else NO_ACTUAL


def period_start(period: str, frequency: str) -> date:
    return period_bounds(period, frequency)[0]
