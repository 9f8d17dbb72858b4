"""A cleaning log in IMPACT's layout (uuid, question, old value, new value, change type), applied and reported.

Change types (``CHANGE_TYPES``, declared once): ``change_response`` sets the new value,
``blank_response`` empties the answer, ``remove_survey`` removes the interview, ``no_action`` records a
check that changed nothing. Column spellings of IMPACT's ``cleaningtools`` and of R exports are understood
(``questions``, ``X_uuid``). A change to a select_multiple 0/1 column also updates its answer text, and
the reverse, so the two never disagree. Every line is reported with its outcome; a line whose uuid or
question is not in the data is an error naming the log's row.

>>> import pandas as pd
>>> data = pd.DataFrame({"_uuid": ["a", "b", "c"], "age": ["40", "400", "33"]})
>>> log = pd.DataFrame({"uuid": ["b", "c"], "question": ["age", ""], "old_value": ["400", ""],
...                     "new_value": ["40", ""], "change_type": ["change_response", "remove_survey"]})
>>> out = apply_cleaning_log(data, log)
>>> out.data.to_dict("list"), out.report["outcome"].tolist()
({'_uuid': ['a', 'b'], 'age': ['40', '40']}, ['changed', 'removed'])
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import pandas as pd

from humsec.core.errors import DataError, HumsecError
from humsec.core.result import ResultBase
from humsec.voice.export import canonical_column
from humsec.voice.form import XLSForm

__all__ = [
    "CHANGE_TYPES",
    "LOG_COLUMNS",
    "CleaningResult",
    "apply_cleaning_log",
    "read_cleaning_log",
]

CHANGE_TYPES = ("change_response", "blank_response", "remove_survey", "no_action")
#: the log's columns and the spellings found in real logs (first: the canonical name)
LOG_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "uuid": ("uuid", "_uuid", "X_uuid"),
    "question": ("question", "questions", "question_name", "variable"),
    "old_value": ("old_value", "old.value"),
    "new_value": ("new_value", "new.value"),
    "change_type": ("change_type", "changed", "type"),
}


@dataclass(frozen=True)
class CleaningResult(ResultBase):
    """The cleaned data and one report row per log line (its outcome: changed, blanked, removed, no action,
    unchanged (the value already was the new one) and ``old value differs`` when the data did not hold
    the log's old value). Tables: ``report`` (the default) and ``data``."""

    tables: ClassVar[tuple[str, ...]] = ("report", "data")

    data: pd.DataFrame
    report: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def _frame(self, table: str) -> pd.DataFrame:
        return (self.report if table == "report" else self.data).copy()

    def counts(self) -> dict[str, int]:
        """How many log lines had each outcome."""
        return {str(k): int(v) for k, v in self.report["outcome"].value_counts().items()}

    def summary(self) -> str:
        """The log's outcomes and the size of the cleaned data."""
        counts = ", ".join(f"{k} {v}" for k, v in self.counts().items()) or "no log lines"
        lines = [f"Cleaning log applied: {len(self.report)} line(s): {counts}; {len(self.data)} rows kept"]
        return "\n".join([*lines, *(f"note: {n}" for n in self.notes)])


def read_cleaning_log(path: str | Path) -> pd.DataFrame:
    """Read a cleaning log (CSV or the first sheet of an Excel workbook), every cell as text."""
    path = Path(path)
    if not path.exists():
        raise HumsecError(f"Cleaning log {str(path)!r} does not exist.")
    if path.suffix.lower() in (".xlsx", ".xls"):
        return pd.read_excel(path, dtype=str, keep_default_na=False)
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def apply_cleaning_log(
    data: pd.DataFrame,
    log: pd.DataFrame,
    *,
    form: XLSForm | None = None,
    source: str = "cleaning log",
) -> CleaningResult:
    """Apply ``log`` to ``data`` (which has a ``_uuid`` column, as :class:`~humsec.voice.Export` gives).

    With the ``form``, the log's question names are read as the export's are (``q.option`` → ``q/option``).
    """
    log = _canonical_log(log, source)
    if form is not None:
        log["question"] = log["question"].map(
            lambda q: q if q in data.columns else canonical_column(q, form)
        )
    if "_uuid" not in data.columns:
        raise HumsecError("The data have no _uuid column, so a cleaning log cannot be applied.")
    out = data.reset_index(drop=True)  # a copy; row positions are labels
    position = {u: i for i, u in enumerate(out["_uuid"])}
    unknown = [(i, u) for i, u in zip(log.index, log["uuid"], strict=True) if u not in position]
    if unknown:
        rows = ", ".join(str(i) for i, _ in unknown[:10])
        raise DataError(
            f"{source}, column uuid: {len(unknown)} line(s) name a uuid not in the data (log rows {rows}; "
            f"e.g. {unknown[0][1]!r})."
        )
    bad_type = log.loc[~log["change_type"].isin(CHANGE_TYPES)]
    if len(bad_type):
        raise DataError(
            f"{source}, column change_type, row {bad_type.index[0]}: {bad_type['change_type'].iloc[0]!r}; expected "
            f"one of {', '.join(CHANGE_TYPES)}."
        )
    edits = log["change_type"].isin(("change_response", "blank_response"))
    missing_q = log.loc[edits & ~log["question"].isin(out.columns)]
    if len(missing_q):
        raise DataError(
            f"{source}, column question, row {missing_q.index[0]}: {missing_q['question'].iloc[0]!r} is not a column "
            "of the data."
        )
    outcomes = []
    removed = set()
    for _, line in log.iterrows():
        kind = line["change_type"]
        if kind == "no_action":
            outcomes.append("no action")
            continue
        if kind == "remove_survey":
            removed.add(line["uuid"])
            outcomes.append("removed")
            continue
        row = position[line["uuid"]]
        column = line["question"]
        current = str(out.at[row, column])
        new = "" if kind == "blank_response" else _same_form(line["new_value"], current)
        if current == new:
            outcomes.append("unchanged")
            continue
        outcome = "changed" if kind == "change_response" else "blanked"
        if line["old_value"] != "" and _same_form(line["old_value"], current) != current:
            outcome += " (old value differs)"
        out.at[row, column] = new
        _sync_select_multiple(out, row, column)
        outcomes.append(outcome)
    report = log.assign(outcome=outcomes)
    keep = ~out["_uuid"].isin(removed)
    return CleaningResult(out.loc[keep].reset_index(drop=True), report)


def _canonical_log(log: pd.DataFrame, source: str) -> pd.DataFrame:
    log = log.rename(
        columns=lambda c: str(c).replace("\ufeff", "").replace("X.U.FEFF.", "").strip()
    )
    rename = {}
    for canon, spellings in LOG_COLUMNS.items():
        found = [c for c in spellings if c in log.columns]
        if not found:
            raise HumsecError(
                f"{source}: no {canon} column (looked for {', '.join(spellings)}; columns: {', '.join(log.columns[:20])})."
            )
        rename[found[0]] = canon
    log = log.rename(columns=rename)[list(LOG_COLUMNS)]
    log = log.astype(object).where(log.notna(), "").map(lambda v: str(v).strip())
    log.index = pd.RangeIndex(2, len(log) + 2)  # file row numbers (header is row 1)
    return log


def _same_form(value: str, current: str) -> str:
    """``'1'`` for a 0/1 column stored as '1' even when the log says 1.0 or TRUE."""
    mapping = {"true": "1", "false": "0", "1.0": "1", "0.0": "0"}
    return mapping.get(value.lower(), value) if current in ("0", "1", "") else value


def _sync_select_multiple(out: pd.DataFrame, row: int, column: str) -> None:
    """Keep a select_multiple's text and its 0/1 columns in step after one of them changed."""
    for sep in ("/",):
        parent, found, _ = column.rpartition(sep)
        if found and parent in out.columns:  # a 0/1 column changed: rebuild the text
            prefix = f"{parent}/"
            dummies = [c for c in out.columns if c.startswith(prefix)]
            picks = [c[len(prefix) :] for c in dummies if str(out.at[row, c]) == "1"]
            out.at[row, parent] = " ".join(picks)
            return
    prefix = f"{column}/"
    dummies = [c for c in out.columns if c.startswith(prefix)]
    if dummies:  # the text changed: set the 0/1 columns
        chosen = set(str(out.at[row, column]).split())
        for c in dummies:
            out.at[row, c] = "1" if c[len(prefix) :] in chosen else ("0" if chosen else "")
