"""The trigger back-test as an engine: ``TriggerBacktest(as_of=...).fit(rules, ipc, signals)``.

One call gives what ``humsec warn triggers``, the review's "Hazard outlook" and the platform's
alert list show: per rule, area and origin whether the rule fired and the outcome
(:func:`~humsec.hazard.triggers.backtest_triggers`), the counts per rule (hits, misses, false
alarms, hit rate, false-alarm ratio, lead time) and the current alerts
(:func:`~humsec.hazard.alerts.current_alerts`).

>>> import pandas as pd
>>> from humsec.hazard.triggers import TriggerRules
>>> m = lambda s: pd.Period(s, "M")
>>> def row(area, kind, issued, p3):
...     return {"country": "X", "level": 1, "area_id": area, "area": area, "pcode": area,
...             "ipc_type": kind, "issued": m(issued), "start": m(issued), "end": m(issued) + 3,
...             "population": 100.0, "phase1": 100.0 - p3, "phase2": 0.0, "phase3": p3,
...             "phase4": 0.0, "phase5": 0.0, "p3plus": p3}
>>> ipc = pd.DataFrame([row("A", "current", "2021-01", 10), row("A", "first_projection", "2021-01", 30),
...     row("A", "current", "2021-07", 30), row("A", "first_projection", "2021-07", 40)])
>>> rule = TriggerRules.from_dict({"name": "proj", "when": [
...     {"indicator": "projected_p3plus_share", "op": ">=", "value": 0.25}]})
>>> result = TriggerBacktest().fit(rule, ipc)
>>> result.to_frame("counts")[["rule", "hit", "miss", "false_alarm"]].to_dict("records")
[{'rule': 'proj', 'hit': 1, 'miss': 0, 'false_alarm': 0}]
>>> result.to_frame("alerts")[["area", "status", "since"]].to_dict("records")
[{'area': 'A', 'status': 'fired', 'since': '2021-07'}]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pandas as pd

from humsec.core.params import Constraint, Optional, validate_params
from humsec.core.result import ResultBase
from humsec.hazard._params import Month
from humsec.hazard.alerts import ALERT_COLUMNS, current_alerts
from humsec.hazard.ipc import IPCTable
from humsec.hazard.triggers import TriggerRules, TriggerSet, backtest_triggers, trigger_summary

__all__ = ["TriggerBacktest", "TriggerResult"]


class TriggerBacktest:
    """Back-test every rule of a trigger file per area, and list the alerts at ``as_of``.

    Parameters
    ----------
    as_of : str, optional
        The month (YYYY-MM) of the pending evaluation and of the alerts; default the month after
        the last IPC publication.
    """

    _parameter_constraints: ClassVar[dict[str, Constraint]] = {"as_of": Optional(Month())}

    def __init__(self, *, as_of: str | None = None) -> None:
        self.as_of = as_of

    def __repr__(self) -> str:
        return f"TriggerBacktest(as_of={self.as_of!r})"

    def fit(
        self,
        rules: TriggerRules | TriggerSet | str | Path,
        ipc: IPCTable | pd.DataFrame,
        signals: pd.DataFrame | None = None,
    ) -> TriggerResult:
        """``rules``: a rule, a rule set or the path of its YAML file; ``ipc``: the IPC analyses
        (:func:`~humsec.hazard.read_ipc`); ``signals``: the long table of any signal indicators."""
        validate_params(self)
        if isinstance(rules, (str, Path)):
            rules = TriggerSet.from_yaml(rules)
        spec = rules if isinstance(rules, TriggerSet) else TriggerSet((rules,))
        frame = ipc.frame if isinstance(ipc, IPCTable) else ipc
        notes = list(ipc.notes) if isinstance(ipc, IPCTable) else []
        month = None if self.as_of is None else pd.Period(self.as_of, "M")
        outcomes = backtest_triggers(spec, frame, signals, as_of=month)
        alerts = current_alerts(spec, frame, signals, as_of=month)
        described = {rule.name: rule.describe() for rule in spec.rules}
        return TriggerResult(outcomes, trigger_summary(outcomes), alerts, described, notes)


class TriggerResult(ResultBase):
    """A trigger back-test: ``outcomes`` (per rule, area and origin: indicators, ``fired``,
    ``outcome``, ``lead_months``), ``counts`` (per rule) and ``alerts`` (per rule and area, now).

    ``rules``: each rule's name and its conditions in words; ``notes``: what reading dropped.
    """

    tables: ClassVar[tuple[str, ...]] = ("outcomes", "counts", "alerts")

    def __init__(
        self,
        outcomes: pd.DataFrame,
        counts: pd.DataFrame,
        alerts: pd.DataFrame,
        rules: dict[str, str],
        notes: list[str],
    ) -> None:
        self._tables = {
            "outcomes": outcomes,
            "counts": counts,
            "alerts": alerts if len(alerts.columns) else pd.DataFrame(columns=ALERT_COLUMNS),
        }
        self.rules = dict(rules)
        self.notes = list(notes)

    def _frame(self, table: str) -> pd.DataFrame:
        return self._tables[table].copy()

    def summary(self) -> str:
        """Per rule: its conditions, the counts and how many areas it fires in now; the notes."""
        alerts = self._tables["alerts"]
        lines = []
        for row in self._tables["counts"].to_dict("records"):
            rule = row.pop("rule")
            now = alerts[alerts["rule"] == rule]
            fired = int((now["status"] == "fired").sum())
            lines.append(self.rules.get(rule, rule))
            lines.append("  " + ", ".join(_count(str(k), v) for k, v in row.items()))
            lines.append(f"  fired now in {fired} of {len(now)} areas")
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)


def _count(name: str, value: Any) -> str:
    return f"{name} {value:.3g}" if isinstance(value, float) else f"{name} {value}"
