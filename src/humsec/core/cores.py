"""How many cores this process may run on (its CPU affinity, where the system says it).

>>> usable_cores(limit=1)
1
"""

from __future__ import annotations

import os


def usable_cores(limit: int = 8) -> int:
    """The cores this process may use, at least 1 and at most ``limit``."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, limit))
