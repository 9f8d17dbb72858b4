"""The current alerts of a trigger rule set: one tidy row per rule and area, for the platform and
the review's "Hazard outlook".

``current_alerts(rules, ipc, signals)`` evaluates every rule on what is published before ``as_of``
(default: the month after the last IPC publication) and returns :data:`ALERT_COLUMNS`:

* ``status``: ``fired``, ``not fired`` or ``no data`` (an indicator has no value for the area);
* ``since``: for a fired rule, the first origin of the area's unbroken run of firing origins
  (earlier IPC analyses and ``as_of``; YYYY-MM), so "fired since 2021-07" means the rule has held
  at every evaluation from July 2021 on; empty otherwise;
* ``values``: the rule's indicator values for the area (``{indicator: value}``; NaN = no data);
* ``as_of``: the month evaluated (YYYY-MM).

Fired rows come first, then the areas by name.

>>> import pandas as pd
>>> from humsec.hazard.triggers import TriggerRules
>>> m = lambda s: pd.Period(s, "M")
>>> def row(area, kind, issued, p3):
...     return {"country": "X", "level": 1, "area_id": area, "area": area, "pcode": area,
...             "ipc_type": kind, "issued": m(issued), "start": m(issued), "end": m(issued) + 3,
...             "population": 100.0, "phase1": 100.0 - p3, "phase2": 0.0, "phase3": p3,
...             "phase4": 0.0, "phase5": 0.0, "p3plus": p3}
>>> ipc = pd.DataFrame([row("A", "current", "2021-01", 10), row("A", "first_projection", "2021-01", 30),
...     row("A", "current", "2021-07", 30), row("A", "first_projection", "2021-07", 40),
...     row("B", "current", "2021-07", 5), row("B", "first_projection", "2021-07", 5)])
>>> rule = TriggerRules.from_dict({"name": "proj", "when": [
...     {"indicator": "projected_p3plus_share", "op": ">=", "value": 0.25}]})
>>> alerts = current_alerts(rule, ipc)
>>> alerts[["area", "rule", "status", "since", "as_of"]].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
[{'area': 'A', 'rule': 'proj', 'status': 'fired', 'since': '2021-07', 'as_of': '2021-08'},
 {'area': 'B', 'rule': 'proj', 'status': 'not fired', 'since': None, 'as_of': '2021-08'}]
>>> alerts.loc[0, "values"]
{'projected_p3plus_share': 0.4}
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from humsec.core.errors import ColumnNotFoundError, DataError, describe_rows
from humsec.hazard._files import read_text_table
from humsec.hazard.ipc import IPCTable
from humsec.hazard.trigger_report import STATUS
from humsec.hazard.triggers import TriggerRules, TriggerSet, backtest_triggers

__all__ = ["ALERT_COLUMNS", "ALERT_STATUSES", "alerts_for_csv", "current_alerts", "read_alerts"]

#: the columns of :func:`current_alerts`, in order (declared once: platform and review read them)
ALERT_COLUMNS = ["country", "area_id", "area", "rule", "status", "since", "values", "as_of"]
#: the values of ``status``, fired first (the platform's choices too)
ALERT_STATUSES = (STATUS[True], STATUS[False], "no data")


def current_alerts(
    rules: TriggerRules | TriggerSet | str | Path,
    ipc: IPCTable | pd.DataFrame,
    signals: pd.DataFrame | None = None,
    *,
    as_of: str | pd.Period | None = None,
) -> pd.DataFrame:
    """Per rule and area: status now, firing since when, the indicator values (:data:`ALERT_COLUMNS`).

    ``rules``: a rule or rule set, or the path of its YAML file; ``ipc``: the IPC analyses
    (:func:`~humsec.hazard.read_ipc`); ``signals``: the long signal table of any signal indicators;
    ``as_of``: the month to evaluate (YYYY-MM; default the month after the last IPC publication).
    """
    if isinstance(rules, (str, Path)):
        rules = TriggerSet.from_yaml(rules)
    frame = ipc.frame if isinstance(ipc, IPCTable) else ipc
    month = None if as_of is None else pd.Period(str(as_of), "M")
    backtest = backtest_triggers(rules, frame, signals, as_of=month)
    indicators = {rule.name: [c.indicator for c in rule.when] for rule in _rules(rules)}
    rows = []
    for (rule, area_id), group in backtest.groupby(["rule", "area_id"], sort=False):
        group = group.sort_values("origin")
        now = group[group["target_start"].isna()]
        if now.empty:  # the area's history ends after as_of: nothing is pending for it
            continue
        current = now.iloc[-1]
        status = "no data" if pd.isna(current["fired"]) else STATUS[bool(current["fired"])]
        rows.append(
            {
                "country": current["country"],
                "area_id": area_id,
                "area": current["area"],
                "rule": rule,
                "status": status,
                "since": _since(group) if status == STATUS[True] else None,
                "values": {name: float(current[name]) for name in indicators[str(rule)]},
                "as_of": str(current["origin"]),
            }
        )
    out = pd.DataFrame(rows, columns=ALERT_COLUMNS)
    order = out["status"].map({STATUS[True]: 0, STATUS[False]: 1}).fillna(2)
    out = out.assign(_order=order).sort_values(["_order", "rule", "area"], kind="stable")
    out = out.drop(columns="_order").reset_index(drop=True)
    # text columns stay Python objects: None (not NaN) where a rule has not fired
    out["since"] = pd.Series(
        [s if isinstance(s, str) else None for s in out["since"]], index=out.index, dtype=object
    )
    return out


def _since(group: pd.DataFrame) -> str:
    """The first origin of the trailing run of origins at which the rule fired."""
    fired = group["fired"].fillna(False).astype(bool).to_numpy()
    start = len(fired) - 1
    while start > 0 and fired[start - 1]:
        start -= 1
    return str(group["origin"].iloc[start])


def _rules(rules: TriggerRules | TriggerSet) -> list[TriggerRules]:
    return list(rules.rules) if isinstance(rules, TriggerSet) else [rules]


def alerts_for_csv(alerts: pd.DataFrame) -> pd.DataFrame:
    """The alerts with ``values`` written as ``indicator=value; ...`` (CSV cells hold text)."""

    def text(values: dict[str, Any]) -> str:
        return "; ".join(f"{k}={v:.4g}" for k, v in values.items())

    return alerts.assign(values=alerts["values"].map(text))


_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def read_alerts(data: bytes | str | Path, name: str | None = None) -> pd.DataFrame:
    """Read back the CSV of ``humsec warn triggers --alerts`` (what the platform is given): the
    columns of :data:`ALERT_COLUMNS`, ``values`` as a dict again; errors name the file, the column
    and the rows.

    >>> from humsec.hazard.alerts import read_alerts
    >>> text = ("country,area_id,area,rule,status,since,values,as_of\\n"
    ...         "KE,KE023,Turkana,dry,fired,2022-02,projected_p3plus_share=0.5,2022-05\\n")
    >>> read_alerts(text.encode(), "alerts.csv").loc[0, ["area", "status", "values"]].tolist()
    ['Turkana', 'fired', {'projected_p3plus_share': 0.5}]
    >>> read_alerts(text.replace("fired,2022-02", "on,2022-02").encode(), "alerts.csv")
    Traceback (most recent call last):
    humsec.core.errors.DataError: alerts.csv, column 'status': expected fired, not fired or no data; found 'on' at row 1.
    """
    where = name or (str(data) if isinstance(data, (str, Path)) else "the alerts table")
    raw = Path(data).read_bytes() if isinstance(data, (str, Path)) else data
    if not raw.strip():
        raise DataError(f"{where} is empty: expected the current alerts table of humsec warn triggers.")
    frame = read_text_table(io.BytesIO(raw), source=where).fillna("")
    missing = [c for c in ALERT_COLUMNS if c not in frame.columns]
    if missing:
        raise ColumnNotFoundError(missing, list(frame.columns), where)
    if frame.empty:
        raise DataError(f"{where}: a header and no rows; no alerts to read.")
    frame = frame[ALERT_COLUMNS].apply(lambda col: col.str.strip())
    _require(frame, "status", frame["status"].isin(ALERT_STATUSES), where,
             "fired, not fired or no data")  # fmt: skip
    for col in ("country", "area_id", "area", "rule"):
        _require(frame, col, frame[col] != "", where, "a value in every row")
    _require(frame, "as_of", frame["as_of"].str.match(_MONTH), where, "a month, YYYY-MM")
    fired = frame["status"] == STATUS[True]
    _require(frame, "since", ~fired | frame["since"].str.match(_MONTH), where,
             "the month a fired rule began firing, YYYY-MM")  # fmt: skip
    _require(frame, "since", fired | (frame["since"] == ""), where, "empty where the rule has not fired")
    parsed = [_values(text, where, i) for i, text in enumerate(frame["values"])]
    since = pd.Series([s or None for s in frame["since"]], index=frame.index, dtype=object)
    out = frame.assign(values=parsed, since=since)
    return out.reset_index(drop=True)


def _require(frame: pd.DataFrame, column: str, ok: pd.Series, where: str, expected: str) -> None:
    bad = np.flatnonzero(~ok.fillna(False).to_numpy(dtype=bool))
    if len(bad):
        raise DataError(
            f"{where}, column {column!r}: expected {expected}; found {frame[column].iloc[bad[0]]!r} "
            f"at {describe_rows(bad)}."
        )


def _values(text: str, where: str, row: int) -> dict[str, float]:
    """``indicator=value; ...`` (as :func:`alerts_for_csv` writes it) back to a dict; ``nan`` = no data."""
    out: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        key, sep, value = part.partition("=")
        try:
            if not sep or not key.strip():
                raise ValueError
            out[key.strip()] = float(value)
        except ValueError:
            raise DataError(
                f"{where}, column 'values': expected indicator=number pairs separated by ';'; found "
                f"{text!r} at row {row + 1}."
            ) from None
    return out
