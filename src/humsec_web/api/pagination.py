"""API pages: ``?limit=`` is capped, so one request cannot ask for the whole database."""

from __future__ import annotations

from rest_framework.pagination import LimitOffsetPagination


class BoundedLimitOffset(LimitOffsetPagination):
    """Limit/offset pages of 50 by default and at most ``max_limit`` rows (a larger limit is
    served as ``max_limit``; ``next`` links to the rest)."""

    default_limit = 50
    max_limit = 200
