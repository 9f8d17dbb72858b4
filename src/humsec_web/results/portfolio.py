"""The results portfolio: every indicator of the logframes the viewer may read, with its latest
actual (validated ones only for the public), its target and whether it is on track; counts per
verdict for the headline."""

from __future__ import annotations

from collections import Counter
from typing import Any

from humsec_web import permissions
from humsec_web.results.models import Indicator
from humsec_web.results.progress import NO_ACTUAL, STATUSES, latest_status, progress_rows


def portfolio_rows(user: Any) -> dict[str, Any]:
    logframes = permissions.visible_logframes(user)
    actuals: dict[int, list[Any]] = {}
    for a in permissions.visible_actuals(user):
        actuals.setdefault(a.indicator_id, []).append(a)
    indicators = (
        Indicator.objects.filter(result__logframe__in=logframes)
        .select_related("result__logframe__organisation", "result__logframe__project")
        .prefetch_related("targets")
        .order_by("result__logframe__country", "result__logframe__title", "result__order", "order", "id")
    )
    rows = []
    for ind in indicators:
        progress = progress_rows(ind, actuals.get(ind.pk, []))
        last = next((r for r in reversed(progress) if r.actual_status), None)
        next_target = next((r for r in progress[1:] if r.target is not None and (last is None or r.period >= last.period)), None)
        rows.append({"indicator": ind, "logframe": ind.result.logframe, "level": ind.result.get_level_display(),
                     "last": last, "target": next_target, "status": latest_status(progress)})  # fmt: skip
    counts = Counter(r["status"] for r in rows)
    return {"rows": rows, "counts": [(s, counts.get(s, 0)) for s in (*STATUSES, NO_ACTUAL)],
            "n_logframes": logframes.count()}  # fmt: skip
