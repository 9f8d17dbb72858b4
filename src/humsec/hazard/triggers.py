"""Anticipatory-action triggers: a YAML rule set, back-tested per area against the next IPC analysis.

A rule fires for an area when all its conditions hold on what was published before the origin (the
month of the next current analysis); its outcome is that analysis' crisis (area phase >= 3).

.. code-block:: yaml

    name: drought_food_crisis
    when:                                   # all must hold
      - {indicator: projected_p3plus_share, op: ">=", value: 0.25}
      - {indicator: rainfall_anomaly_mm, op: "<=", value: -20}

A file may hold several rules, each back-tested on its own (one row per rule, area and origin):

.. code-block:: yaml

    rules:
      - {name: projection_only, when: [{indicator: projected_p3plus_share, op: ">=", value: 0.25}]}
      - name: drought_food_crisis
        when: [...]

Indicators are :data:`IPC_INDICATORS` or the name of any signal read with the signal readers (the
latest value of that signal whose period ended before the origin).

>>> rules = TriggerRules.from_dict({"name": "r", "when": [
...     {"indicator": "projected_p3plus_share", "op": ">=", "value": 0.25}]})
>>> rules.describe()
'r: projected_p3plus_share >= 0.25'
>>> TriggerRules.from_dict({"when": [{"indicator": "x", "op": "=>", "value": "low"}]})
Traceback (most recent call last):
humsec.core.errors.SpecError: 3 problem(s) in the specification:
  - name: missing; expected a rule name
  - when[0].op: '=>' is not one of ['<', '<=', '==', '>', '>=']
  - when[0].value: expected a number; got 'low'
>>> TriggerSet.from_dict({"rules": [{"name": "a", "when": [{"indicator": "x", "op": "<", "value": 1}]},
...     {"name": "a", "when": []}]})
Traceback (most recent call last):
humsec.core.errors.SpecError: 2 problem(s) in the specification:
  - rules[1].when: expected a list of conditions {indicator, op, value}
  - rules[1].name: 'a' repeats rules[0]; each rule needs its own name
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from humsec.core.errors import SpecError
from humsec.core.files import read_config
from humsec.hazard.targets import add_targets

__all__ = [
    "IPC_INDICATORS",
    "OPS",
    "OUTCOMES",
    "TriggerRules",
    "TriggerSet",
    "backtest_triggers",
    "trigger_counts",
    "trigger_summary",
]

#: operators a condition may use (declared once)
OPS: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt, "<=": operator.le, "==": operator.eq, ">": operator.gt, ">=": operator.ge,
}  # fmt: skip
#: indicators taken from the IPC table: name -> (ipc_type of the rows, column)
IPC_INDICATORS = {
    "projected_p3plus_share": ("first_projection", "p3plus_share"),
    "projected_phase": ("first_projection", "area_phase"),
    "current_p3plus_share": ("current", "p3plus_share"),
    "current_phase": ("current", "area_phase"),
}
#: what each area-origin of the back-test is
OUTCOMES = ("hit", "miss", "false_alarm", "correct_negative", "no_data", "pending")


@dataclass(frozen=True)
class Condition:
    indicator: str
    op: str
    value: float

    def describe(self) -> str:
        return f"{self.indicator} {self.op} {self.value:g}"


def _read_rule_file(path: str | Path) -> Any:
    """The parsed YAML of a rule file (the shared reader: missing, empty, non-UTF-8 and unparsable
    files are one ``SpecError`` naming the file and line)."""
    return read_config(path, what="a trigger rule file (name and when, or rules)")


@dataclass(frozen=True)
class TriggerRules:
    """One trigger: a name and the conditions that must all hold."""

    name: str
    when: tuple[Condition, ...]

    @classmethod
    def from_yaml(cls, path: str | Path) -> TriggerRules:
        """Read a rule file; every problem is listed with its field."""
        return cls.from_dict(_read_rule_file(path), source=str(path))

    @classmethod
    def from_dict(cls, raw: Any, source: str | None = None) -> TriggerRules:
        problems: list[tuple[str, str]] = []
        if not isinstance(raw, Mapping):
            raise SpecError([("rules", "expected a mapping with 'name' and 'when'")], source)
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(("name", "missing; expected a rule name"))
        when = raw.get("when")
        if not isinstance(when, list) or not when:
            problems.append(("when", "expected a list of conditions {indicator, op, value}"))
            when = []
        conditions = []
        for i, item in enumerate(when):
            where = f"when[{i}]"
            if not isinstance(item, Mapping):
                problems.append((where, "expected {indicator, op, value}"))
                continue
            indicator, op, value = item.get("indicator"), item.get("op"), item.get("value")
            if not isinstance(indicator, str) or not indicator:
                problems.append((f"{where}.indicator", "missing; expected an indicator name"))
            if op not in OPS:
                problems.append((f"{where}.op", f"{op!r} is not one of {sorted(OPS)}"))
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                problems.append((f"{where}.value", f"expected a number; got {value!r}"))
            else:
                conditions.append(Condition(str(indicator), str(op), float(value)))
        if problems:
            raise SpecError(problems, source)
        return cls(str(name), tuple(conditions))

    def describe(self) -> str:
        return f"{self.name}: " + " and ".join(c.describe() for c in self.when)


@dataclass(frozen=True)
class TriggerSet:
    """The rules of one trigger file (one rule or a ``rules:`` list), names unique."""

    rules: tuple[TriggerRules, ...]

    @classmethod
    def from_yaml(cls, path: str | Path) -> TriggerSet:
        """Read a rule file; every problem of every rule is listed with its field."""
        return cls.from_dict(_read_rule_file(path), source=str(path))

    @classmethod
    def from_dict(cls, raw: Any, source: str | None = None) -> TriggerSet:
        if not (isinstance(raw, Mapping) and "rules" in raw):
            return cls((TriggerRules.from_dict(raw, source),))
        items = raw["rules"]
        if not isinstance(items, list) or not items:
            raise SpecError([("rules", "expected a list of rules {name, when}")], source)
        problems: list[tuple[str, str]] = []
        rules: list[TriggerRules] = []
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            try:
                rules.append(TriggerRules.from_dict(item))
            except SpecError as exc:
                problems += [(f"rules[{i}].{field}", text) for field, text in _problems(exc)]
            name = item.get("name") if isinstance(item, Mapping) else None
            if isinstance(name, str) and name in seen:
                problems.append(
                    (
                        f"rules[{i}].name",
                        f"{name!r} repeats rules[{seen[name]}]; each rule needs its own name",
                    )
                )
            elif isinstance(name, str):
                seen[name] = i
        if problems:
            raise SpecError(problems, source)
        return cls(tuple(rules))

    def describe(self) -> str:
        return "\n".join(rule.describe() for rule in self.rules)


def _problems(exc: SpecError) -> list[tuple[str, str]]:
    return [(str(field), str(text)) for field, text in exc.problems]


def backtest_triggers(
    rules: TriggerRules | TriggerSet,
    ipc: pd.DataFrame,
    signals: pd.DataFrame | None = None,
    *,
    as_of: pd.Period | None = None,
) -> pd.DataFrame:
    """Per area and origin: the indicators, whether the rule fired, the outcome, the lead time.

    Origins are the months of the current analyses (their outcome is known) and ``as_of`` (default:
    the month after the last publication), whose outcome is ``pending``. A :class:`TriggerSet`
    gives one block of rows per rule (column ``rule``).
    """
    if isinstance(rules, TriggerSet):
        parts = [backtest_triggers(rule, ipc, signals, as_of=as_of) for rule in rules.rules]
        return pd.concat(parts, ignore_index=True)
    rows = add_targets(ipc)
    current = rows[rows["ipc_type"] == "current"]
    last = rows["issued"].max() + 1
    as_of = last if as_of is None else as_of
    origins = current[["country", "area_id", "area", "issued", "start", "crisis"]].rename(
        columns={"issued": "origin", "start": "target_start"}
    )
    pending = rows.drop_duplicates("area_id")[["country", "area_id", "area"]].copy()
    pending["origin"] = pd.Series([as_of] * len(pending), index=pending.index, dtype=object)
    pending["target_start"] = None  # no analysis yet: the outcome is pending
    pending["crisis"] = None
    frame = pd.concat([origins, pending], ignore_index=True)
    frame = frame[frame["origin"] <= as_of].reset_index(drop=True)
    fired = pd.Series(True, index=frame.index)
    missing = pd.Series(False, index=frame.index)
    lead = pd.Series(np.nan, index=frame.index)
    for condition in rules.when:
        values, published = _indicator(condition.indicator, frame, rows, signals)
        frame[condition.indicator] = values
        missing |= values.isna()
        fired &= OPS[condition.op](values, condition.value).fillna(False).astype(bool)
        # lead time: from the latest publication the trigger needed to the target's start
        lead = pd.concat([lead, published], axis=1).max(axis=1)
    frame["fired"] = fired.mask(missing)
    start = frame["target_start"].map(lambda p: p.ordinal if isinstance(p, pd.Period) else np.nan)
    frame["lead_months"] = (start - lead).where(frame["fired"].fillna(False).astype(bool))
    frame["outcome"] = [_outcome(f, c, o == as_of) for f, c, o in
                        zip(frame["fired"], frame["crisis"], frame["origin"], strict=True)]  # fmt: skip
    frame["rule"] = rules.name
    return frame


def trigger_counts(backtest: pd.DataFrame) -> dict[str, float]:
    """Hits, misses, false alarms, correct negatives, hit rate, false-alarm ratio, mean lead time."""
    counts: dict[str, float] = {o: int((backtest["outcome"] == o).sum()) for o in OUTCOMES}
    hits, misses, false = counts["hit"], counts["miss"], counts["false_alarm"]
    counts["hit_rate"] = hits / (hits + misses) if hits + misses else float("nan")
    counts["false_alarm_ratio"] = false / (hits + false) if hits + false else float("nan")
    hit_leads = backtest.loc[backtest["outcome"] == "hit", "lead_months"]
    counts["lead_time_months"] = float(hit_leads.mean()) if len(hit_leads) else float("nan")
    return counts


def trigger_summary(backtest: pd.DataFrame) -> pd.DataFrame:
    """:func:`trigger_counts` per rule: one row per rule, in the file's order."""
    rows = [
        {"rule": rule, **trigger_counts(part)}
        for rule, part in backtest.groupby("rule", sort=False)
    ]
    return pd.DataFrame(rows)


def _outcome(fired: Any, crisis: Any, is_pending: bool) -> str:
    if pd.isna(fired):
        return "no_data"
    if is_pending:
        return "pending"
    if pd.isna(crisis):
        return "no_data"
    return {(True, True): "hit", (False, True): "miss", (True, False): "false_alarm",
            (False, False): "correct_negative"}[(bool(fired), bool(crisis))]  # fmt: skip


def _indicator(
    name: str, frame: pd.DataFrame, rows: pd.DataFrame, signals: pd.DataFrame | None
) -> tuple[pd.Series, pd.Series]:
    """The value of ``name`` per area-origin, and the month it was published (ordinal)."""
    if name in IPC_INDICATORS:
        ipc_type, column = IPC_INDICATORS[name]
        src = rows[rows["ipc_type"] == ipc_type][["area_id", "issued", "start", column]]
        src = src.rename(columns={"issued": "published", column: "value"})
        src["published"] = src["published"].map(lambda p: p.ordinal)
    else:
        if signals is None or name not in set(signals["signal"]):
            known = sorted(IPC_INDICATORS) + sorted(
                set(signals["signal"]) if signals is not None else []
            )
            raise SpecError([("when", f"unknown indicator {name!r}; expected one of {known}")])
        src = signals[signals["signal"] == name][["area_id", "end", "value"]].copy()
        # a signal is usable from the month after its period ends
        src["published"] = src["end"].dt.to_period("M").map(lambda p: p.ordinal + 1)
        src["start"] = src["end"].dt.to_period("M")
    origin = frame["origin"].map(lambda p: p.ordinal)
    pairs = frame[["area_id"]].assign(_row=frame.index, _origin=origin).merge(src, on="area_id")
    pairs = pairs[pairs["published"] < pairs["_origin"]]
    best = pairs.sort_values(["published", "start"]).groupby("_row").tail(1).set_index("_row")
    values = best["value"].reindex(frame.index).astype(float)
    return values, best["published"].reindex(frame.index).astype(float)
