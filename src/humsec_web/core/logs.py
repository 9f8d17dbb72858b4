"""Log filters: a refused request (403) is one line in the log, not a traceback. Refusals are
routine (a visitor following a link they may not use); a traceback per refusal buries real
errors and lets anyone fill the log cheaply."""

from __future__ import annotations

import logging


class RefusalsWithoutTraceback(logging.Filter):
    """Drop the traceback of ``django.request`` records about 403 answers (the line stays).

    >>> r = logging.LogRecord("django.request", logging.WARNING, "", 0, "Forbidden", (), (ValueError, ValueError(), None))
    >>> r.status_code = 403
    >>> RefusalsWithoutTraceback().filter(r), r.exc_info
    (True, None)
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
