"""What a review publishes: result tables after statistical disclosure control, each row with an id.

Every table, map and chart of a review is built from a :class:`Published` table, and the only way to
make one is :func:`publish`, which applies :func:`humsec.core.disclosure.apply_disclosure_control`
with the review's rules. Three kinds of table:

- ``estimates`` (survey estimates with an unweighted ``n`` and an SE): the n and CV rules, and
  secondary suppression within ``margins``; a change between two rounds is judged on the smaller
  round's count (``n=["n", "n_t0", "n_t1"]``);
- ``counts`` (people in need, people targeted): the n rule applied to the count itself;
- ``aggregates`` (area statistics already published by their producer, e.g. census or IPC tables):
  no microdata behind them reach humsec, so only a ``population`` column, when given, is checked
  against the n rule; otherwise the rows are marked ``published aggregate``.

>>> import pandas as pd
>>> t = pd.DataFrame({"row_id": ["a", "b"], "estimate": [0.2, 0.3], "se": [0.01, 0.01], "n": [400, 9]})
>>> p = publish("t", "A table", t, "estimates", DisclosureRules())
>>> p.frame[["row_id", "estimate", "sdc_status"]].to_dict("list")
{'row_id': ['a', 'b'], 'estimate': [0.2, nan], 'sdc_status': ['ok', 'suppressed']}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from humsec.core.disclosure import DisclosureRules, apply_disclosure_control
from humsec.core.errors import HumsecError

__all__ = ["KINDS", "Published", "publish"]

KINDS = ("estimates", "counts", "aggregates")


@dataclass(frozen=True)
class Published:
    """A table as the review publishes it (values blanked where disclosure control says so)."""

    key: str
    title: str
    frame: pd.DataFrame  # with row_id, sdc_status, sdc_reason
    kind: str
    note: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # shown column -> header
    formats: dict[str, str] = field(default_factory=dict)  # column -> "pct", "pct100", "int", "f3"
    # column -> {key: label}: a column of "; "-joined keys (entity ids) shown by their labels; the
    # frame, hence the CSV, keeps the keys
    labels: dict[str, dict[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        missing = {"row_id", "sdc_status", "sdc_reason"} - set(self.frame.columns)
        if missing:  # only tables that went through publish() (or a subset of one) are published
            raise HumsecError(f"Table {self.key!r} lacks {sorted(missing)}: publish it through publish().")

    def shown(self) -> pd.DataFrame:
        """Rows that may be drawn in a chart or map (suppressed rows left out)."""
        return self.frame[~self.frame["sdc_status"].isin(["suppressed", "secondary"])]

    def display(self, column: str, value: object) -> str:
        """A cell's text as the reader sees it: the keys of a :attr:`labels` column by their labels.

        >>> t = pd.DataFrame({"row_id": ["a"], "lead": ["UNHCR; WFP"]})
        >>> publish("t", "T", t, "aggregates", DisclosureRules(), labels={"lead": {"UNHCR": "HCR"}}).display("lead", "UNHCR; WFP")
        'HCR; WFP'
        """
        text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
        names = self.labels.get(column)
        if not names or not text:
            return text
        return "; ".join(names.get(key, key) for key in text.split("; "))

    def counts(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in self.frame["sdc_status"].value_counts().items()}


def publish(
    key: str,
    title: str,
    frame: pd.DataFrame,
    kind: str,
    rules: DisclosureRules,
    *,
    n: str | Sequence[str] = "n",
    estimate: str | None = "estimate",
    se: str | None = "se",
    margins: Sequence[Sequence[str]] = (),
    population: str | None = None,
    columns: dict[str, str] | None = None,
    formats: dict[str, str] | None = None,
    note: str = "",
    cv_exempt: Sequence[bool] | None = None,
    labels: dict[str, dict[str, str]] | None = None,
) -> Published:
    """Disclosure control of one table (see the module docstring for the three kinds)."""
    if kind not in KINDS:
        raise HumsecError(f"Unknown table kind {kind!r}; expected one of {KINDS}.")
    if "row_id" not in frame.columns:
        raise HumsecError(f"Table {key!r} has no row_id column: every published number needs one.")
    if frame["row_id"].duplicated().any():
        dup = frame.loc[frame["row_id"].duplicated(), "row_id"].head(3).tolist()
        raise HumsecError(f"Table {key!r} repeats row ids {dup}.")
    if kind == "estimates":
        out = apply_disclosure_control(
            frame, rules, n=n, estimate=estimate, se=se, margins=margins, source=key, cv_exempt=cv_exempt
        )
    elif kind == "counts":
        out = apply_disclosure_control(frame, rules, n=n, estimate=None, se=None, margins=margins, source=key)
    elif population is not None:
        out = apply_disclosure_control(frame, rules, n=population, estimate=None, se=None, source=key)
    else:
        out = frame.copy().reset_index(drop=True)
        out["sdc_status"] = "ok"
        out["sdc_reason"] = "published aggregate"
    if kind == "aggregates" and population is not None:
        ok = out["sdc_status"] == "ok"
        out.loc[ok, "sdc_reason"] = np.where(out.loc[ok, "sdc_reason"] == "", "published aggregate", out.loc[ok, "sdc_reason"])
    return Published(key, title, out, kind, note, dict(columns or {}), dict(formats or {}), dict(labels or {}))
