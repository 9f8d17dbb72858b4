"""Summaries of the feedback log on the platform, computed by the library's own
:func:`humsec.voice.summarise_feedback` (so the platform and ``humsec voice feedback`` give the same
numbers): counts and shares by theme, loops closed, days to close; sensitive items counted under one
theme, never listed; small cells suppressed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from django.utils.translation import gettext

from humsec.voice.feedback import summarise_feedback

#: code standing for an item marked sensitive although its code is not (its theme must not show)
_MARKED_SENSITIVE = "__marked_sensitive__"
MIN_N = 5


def log_frame(items: Any) -> pd.DataFrame:
    """The items as a feedback log (the columns ``humsec voice feedback`` reads)."""
    rows = [
        {
            "date": item.received_on.isoformat(),
            "code": _MARKED_SENSITIVE
            if item.sensitive and not item.code.sensitive
            else item.code.code_id,
            "status": item.status,
            "date_closed": item.date_closed.isoformat() if item.date_closed else "",
            "area": item.area,
            "group": item.group,
            "channel": item.get_channel_display(),
            "sex": item.get_sex_display(),
            "age_band": item.get_age_band_display(),
        }
        for item in items
    ]
    return pd.DataFrame(rows, columns=["date", "code", "status", "date_closed", "area", "group",
                                       "channel", "sex", "age_band"])  # fmt: skip


def framework_frame(codes: Any) -> pd.DataFrame:
    """The coding framework as the library reads it, plus the stand-in code of marked items."""
    rows = [
        {"code_id": c.code_id, "type": c.type, "category": c.category, "code": c.name,
         "sensitive": c.sensitive}
        for c in codes
    ]  # fmt: skip
    rows.append({"code_id": _MARKED_SENSITIVE, "type": "", "category": "", "code": _MARKED_SENSITIVE,
                 "sensitive": True})  # fmt: skip
    return pd.DataFrame(rows)


def summarise(
    items: Any, codes: Any, *, over: Sequence[str] = (), period: str | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """The summary table and its notes for these items (empty table when there are none)."""
    log = log_frame(items)
    if log.empty:
        return pd.DataFrame(), [gettext("no feedback recorded yet")]
    log.attrs["source"] = "the feedback log"
    table = summarise_feedback(log, framework_frame(codes), over=over, period=period, min_n=MIN_N)
    return table, list(table.attrs["notes"])


#: the columns of the downloaded log: what ``humsec voice feedback LOG --codes FRAMEWORK`` reads, plus
#: the theme and the follow-up; no free text (what was said, the response) as it may name people
EXPORT_COLUMNS = ("date", "code", "theme", "type", "sensitive", "status", "date_closed", "country",
                  "area", "group", "channel", "sex", "age_band", "referral")  # fmt: skip


def export_frame(items: Any) -> pd.DataFrame:
    """The items as a log to download (``EXPORT_COLUMNS``; ``code`` is the framework's ``code_id``)."""
    rows = [
        {
            "date": item.received_on.isoformat(), "code": item.code.code_id,
            "theme": item.code.category, "type": item.code.type, "sensitive": item.sensitive,
            "status": item.status,
            "date_closed": item.date_closed.isoformat() if item.date_closed else "",
            "country": item.country, "area": item.area, "group": item.group,
            "channel": item.channel, "sex": item.sex, "age_band": item.age_band,
            "referral": item.referral,
        }
        for item in items
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=list(EXPORT_COLUMNS))
