"""Perception indicators and composite perception indices defined in YAML, estimated with the survey design.

An indicator is one question and either the options that count as 1 (``positive``: a share) or a score
per option (``scores``: a mean); options listed under ``missing`` (e.g. don't know, prefer not to
answer) and people not asked or not answering are out of its base. ``direction`` says whether a high
value is good (``higher_is_better``) or bad (``higher_is_worse``). An index is the mean of its
indicators, each first rescaled to 0-1 by its score range and turned so that higher is better; it is
computed for the people with every indicator (complete cases: the people left out are counted), and its
reliability is Cronbach's α and McDonald's ω on those people (unweighted, as R ``psych::alpha``'s raw alpha
and ``psych::omega``'s omega total; :mod:`humsec.voice.reliability`), for all rounds together and, with
``round=``, for each survey round.

>>> spec = PerceptionSpec.from_dict({
...     "indicators": {"trusts_office": {"question": "trust", "positive": ["yes"], "missing": ["dont_know"]},
...                    "service_good": {"question": "service", "scores": {"good": 3, "fair": 2, "poor": 1}}},
...     "indices": {"confidence": {"indicators": ["trusts_office", "service_good"]}}})
>>> sorted(spec.indicators), spec.indices["confidence"]
(['service_good', 'trusts_office'], ('trusts_office', 'service_good'))
>>> round(cronbach_alpha(np.array([[1, 2], [2, 3], [3, 3], [4, 5.0]])), 6)  # R psych::alpha: 0.96
0.96
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import yaml
from scipy import special

from humsec.core.errors import ColumnNotFoundError, DataError, HumsecError, SpecError, describe_rows
from humsec.core.result import ResultBase
from humsec.voice.design import Design, DesignOptions, validate_design
from humsec.voice.export import Export
from humsec.voice.relevant import UnsupportedExpression, evaluate, references
from humsec.voice.reliability import RELIABILITY_COLUMNS, cronbach_alpha, reliability_rows
from humsec.voice.roster import AGGREGATES, BINARY_AGGREGATES, household_values

__all__ = [
    "DIRECTIONS",
    "Indicator",
    "PerceptionIndicators",
    "PerceptionResult",
    "PerceptionSpec",
    "cronbach_alpha",
]

DIRECTIONS = ("higher_is_better", "higher_is_worse")


class _OptionNamesLoader(yaml.SafeLoader):
    """YAML 1.2 booleans: option names such as ``yes``, ``no``, ``on``, ``off`` stay text (YAML 1.1 would
    turn ``positive: [yes]`` into True); only ``true``/``false`` are booleans."""


_OptionNamesLoader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_OptionNamesLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_INDICATOR_KEYS = ("question", "positive", "scores", "missing", "direction", "label", "aggregate")


@dataclass(frozen=True)
class Indicator:
    """One perception indicator: a question and how its options become a 0/1 or a score."""

    name: str
    question: str
    scores: Mapping[
        str, float
    ]  # option -> value (positive options -> 1, other listed options -> 0)
    missing: tuple[str, ...] = ()
    direction: str = "higher_is_better"
    label: str = ""
    binary: bool = True
    aggregate: str | None = None  # a roster question's members -> household (humsec.voice.roster)

    @property
    def is_share(self) -> bool:
        """Whether the (household) value is 0/1, estimated as a share with a logit interval."""
        return self.binary and (self.aggregate is None or self.aggregate in BINARY_AGGREGATES)


@dataclass(frozen=True)
class PerceptionSpec:
    """Indicators and indices, as read from YAML (every problem listed at once)."""

    indicators: Mapping[str, Indicator]
    indices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    source: str = ""

    @classmethod
    def from_yaml(cls, path: str | Path) -> PerceptionSpec:
        path = Path(path)
        if not path.exists():
            raise HumsecError(f"Indicator file {str(path)!r} does not exist.")
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_OptionNamesLoader)
        return cls.from_dict(raw, path.name)

    @classmethod
    def from_dict(cls, raw: Any, source: str = "") -> PerceptionSpec:
        problems: list[tuple[str, str]] = []
        if (
            not isinstance(raw, dict)
            or not isinstance(raw.get("indicators"), dict)
            or not raw["indicators"]
        ):
            raise SpecError(
                [("indicators", "a mapping of indicator names to definitions is required")], source
            )
        indicators = {}
        for name, d in raw["indicators"].items():
            where = f"indicators.{name}"
            if not isinstance(d, dict):
                problems.append((where, "must be a mapping with question and positive or scores"))
                continue
            unknown = [k for k in d if k not in _INDICATOR_KEYS]
            if unknown:
                problems.append(
                    (
                        where,
                        f"unknown key(s) {', '.join(map(str, unknown))}; allowed: {', '.join(_INDICATOR_KEYS)}",
                    )
                )
            if not isinstance(d.get("question"), str):
                problems.append((where, "'question' (the form's question name) is required"))
            has_pos, has_scores = "positive" in d, "scores" in d
            if has_pos == has_scores:
                problems.append(
                    (where, "give exactly one of 'positive' (options counted as 1) or 'scores'")
                )
                continue
            direction = d.get("direction", "higher_is_better")
            if direction not in DIRECTIONS:
                problems.append(
                    (
                        where,
                        f"'direction' must be one of {', '.join(DIRECTIONS)}; got {direction!r}",
                    )
                )
            missing = tuple(str(m) for m in d.get("missing", []) or [])
            aggregate = d.get("aggregate")
            if aggregate is not None and aggregate not in AGGREGATES:
                problems.append(
                    (
                        where,
                        f"'aggregate' must be one of {', '.join(AGGREGATES)}; got {aggregate!r}",
                    )
                )
            if aggregate is not None and "scores" in d:
                problems.append(
                    (where, "'aggregate' takes members' 0/1 values: give 'positive', not 'scores'")
                )
            if has_pos:
                pos = d["positive"]
                if not isinstance(pos, list) or not pos:
                    problems.append((where, "'positive' must be a non-empty list of option names"))
                    continue
                scores: dict[str, float] = {str(o): 1.0 for o in pos}
                binary = True
            else:
                sc = d["scores"]
                if (
                    not isinstance(sc, dict)
                    or len(sc) < 2
                    or not all(isinstance(v, (int, float)) for v in sc.values())
                ):
                    problems.append((where, "'scores' must map at least two options to numbers"))
                    continue
                scores = {str(k): float(v) for k, v in sc.items()}
                binary = False
            indicators[str(name)] = Indicator(
                str(name),
                str(d.get("question", "")),
                scores,
                missing,
                direction,
                str(d.get("label", "")),
                binary,
                None if aggregate is None else str(aggregate),
            )
        indices: dict[str, tuple[str, ...]] = {}
        for name, d in (raw.get("indices") or {}).items():
            items = d.get("indicators") if isinstance(d, dict) else None
            if not isinstance(items, list) or len(items) < 2:
                problems.append(
                    (f"indices.{name}", "'indicators' must list at least two indicator names")
                )
                continue
            absent = [i for i in items if i not in raw["indicators"]]
            if absent:
                problems.append(
                    (f"indices.{name}", f"unknown indicator(s) {', '.join(map(str, absent))}")
                )
            counts = [
                i
                for i in items
                if isinstance(raw["indicators"].get(i), dict)
                and raw["indicators"][i].get("aggregate") == "count"
            ]
            if counts:
                problems.append(
                    (
                        f"indices.{name}",
                        f"{', '.join(map(str, counts))}: a count of members has no 0-1 range to put in "
                        "an index; use aggregate any, all or share",
                    )
                )
            indices[str(name)] = tuple(str(i) for i in items)
        if problems:
            raise SpecError(problems, source)
        return cls(indicators, indices, source)


class PerceptionResult(ResultBase):
    """Indicator and index estimates (``to_frame()``) and index reliability (``reliability``,
    also ``to_frame("reliability")``)."""

    tables: ClassVar[tuple[str, ...]] = ("estimates", "reliability")

    COLUMNS = ("name", "kind", "over", "group", "estimate", "se", "ci_low", "ci_high", "n", "label")

    def __init__(
        self, table: pd.DataFrame, reliability: pd.DataFrame, *, notes: list[str], level: float
    ) -> None:
        self._table = table.reset_index(drop=True)
        self.reliability = reliability.reset_index(drop=True)
        self.notes = list(notes)
        self.level = level

    def _frame(self, table: str) -> pd.DataFrame:
        return (self._table if table == "estimates" else self.reliability).copy()

    def summary(self) -> str:
        lines = [
            f"Perception indicators: {self._table['name'].nunique()} estimates, CIs at {self.level:.0%}"
        ]
        for r in self._table[self._table["over"] == "national"].itertuples():
            lines.append(f"  {r.kind} {r.name}: {r.estimate:.3f} (se {r.se:.3f}, n {r.n})")
        for rel in self.reliability.to_dict("records"):
            when = f" (round {rel['round']})" if rel["round"] else ""
            lines.append(
                f"  reliability of {rel['index']}{when}: Cronbach's alpha {rel['alpha']:.3f}, McDonald's "
                f"omega {rel['omega']:.3f} on {rel['n']} complete cases"
            )
        return "\n".join([*lines, *(f"note: {n}" for n in self.notes)])



class PerceptionIndicators(DesignOptions):
    """Estimate a :class:`PerceptionSpec` on an export with the survey design (same parameters as
    :class:`~humsec.voice.VoiceTabulator`: over, weight, strata, psu, nest, lonely_psu, level);
    ``round`` names the column of survey rounds: the reliability of each index is then also given per
    round, so that rounds can be compared (estimates by round: put the column in ``over``)."""

    def __init__(
        self,
        spec: PerceptionSpec | str | Path,
        *,
        over: Sequence[str] = (),
        weight: str | None = None,
        strata: str | None = None,
        psu: str | None = None,
        nest: bool = False,
        lonely_psu: str = "fail",
        level: float = 0.95,
        round: str | None = None,
    ) -> None:
        self.spec = spec
        self.round = round
        self._store_design(
            over=over, weight=weight, strata=strata, psu=psu, nest=nest, lonely_psu=lonely_psu,
            level=level,
        )  # fmt: skip

    def fit(self, export: Export) -> PerceptionResult:
        spec = (
            self.spec
            if isinstance(self.spec, PerceptionSpec)
            else PerceptionSpec.from_yaml(self.spec)
        )
        form = export.form
        problems = []
        for ind in spec.indicators.values():
            q = form.questions.get(ind.question)
            if q is None:
                problems.append(
                    (f"indicators.{ind.name}", f"question {ind.question!r} is not in the form")
                )
                continue
            if q.repeat is not None and ind.aggregate is None:
                problems.append(
                    (
                        f"indicators.{ind.name}",
                        f"question {ind.question!r} is asked of each member (repeat {q.repeat!r}): give "
                        f"'aggregate' ({', '.join(AGGREGATES)}) to make one value per household",
                    )
                )
            if q.repeat is None and ind.aggregate is not None:
                problems.append(
                    (
                        f"indicators.{ind.name}",
                        f"question {ind.question!r} is asked once per household: 'aggregate' is for "
                        "questions of a repeat (roster)",
                    )
                )
            elif q.repeat is not None and q.repeat not in export.repeats:
                problems.append(
                    (
                        f"indicators.{ind.name}",
                        f"the export has no sheet for repeat {q.repeat!r} of {ind.question!r} "
                        f"(sheets: {', '.join(['main', *export.repeats])})",
                    )
                )
            known = {c.name for c in form.options(ind.question)}
            bad = [o for o in [*ind.scores, *ind.missing] if o not in known]
            if q.kind.startswith("select") and bad:
                problems.append(
                    (
                        f"indicators.{ind.name}",
                        f"option(s) {', '.join(bad)} not in the list of {ind.question!r}",
                    )
                )
        if problems:
            raise SpecError(problems, spec.source)
        cols = self.design_columns()
        validate_design("PerceptionIndicators", cols, self.level, export.main, export.source)
        if self.round is not None and self.round not in export.main.columns:
            raise ColumnNotFoundError([self.round], list(export.main.columns), export.source)
        if self.round is not None:
            empty = (export.main[self.round].astype(str).str.strip() == "").to_numpy()
            if empty.any():
                raise DataError(
                    f"{export.source}, column {self.round!r}: the survey round is empty at "
                    f"{describe_rows(np.flatnonzero(empty))}; every interview needs its round."
                )
        table = export.main
        notes: list[str] = []
        design = Design.build(table, cols, export.source, household=False, notes=notes)
        values = {
            name: self._household_values(ind, export, notes)
            for name, ind in spec.indicators.items()
        }
        rows = []
        for name, ind in spec.indicators.items():
            rows += self._estimate(design, values[name], name, "indicator", ind.is_share, ind.label)
        reliability = []
        for index, items in spec.indices.items():
            oriented = np.column_stack([_oriented(values[i], spec.indicators[i]) for i in items])
            complete = ~np.isnan(oriented).any(axis=1)
            answered_some = (~np.isnan(oriented)).any(axis=1)
            if (answered_some & ~complete).any():
                notes.append(
                    f"index {index}: {int((answered_some & ~complete).sum())} people with some but not all "
                    "of its indicators left out (complete cases)"
                )
            score = np.where(complete, np.nan_to_num(oriented).mean(axis=1), np.nan)
            rows += self._estimate(
                design, score, index, "index", False, "mean of " + ", ".join(items)
            )
            rounds = table[self.round] if self.round is not None else None
            reliability += reliability_rows(index, oriented, complete, rounds, list(items))
        return PerceptionResult(
            pd.DataFrame(rows, columns=list(PerceptionResult.COLUMNS)),
            pd.DataFrame(reliability, columns=list(RELIABILITY_COLUMNS)),
            notes=[*export.notes, *notes],
            level=self.level,
        )

    def _household_values(self, ind: Indicator, export: Export, notes: list[str]) -> np.ndarray:
        """The indicator per interview of the main table; a roster question's members aggregated."""
        q = export.form.questions[ind.question]
        if q.repeat is None:
            return self._values(ind, export.main, export.form, notes)
        if "_index" not in export.main.columns:
            raise HumsecError(
                f"{export.source}: indicator {ind.name} is on repeat {q.repeat!r}, but the main table "
                "has no _index (nor _uuid) to join its rows to."
            )
        # the members' skip logic may refer to household answers (e.g. consent): carry them
        refs = [r for c in q.conditions for r in _safe_references(c)]
        members = export.table(q.repeat, refs)
        where = f"{export.source}, sheet {q.repeat!r}"
        if "_parent_index" not in members.columns:
            raise HumsecError(f"{where}: no _parent_index to join its rows to their households.")
        member_values = self._values(ind, members, export.form, notes)
        value = household_values(
            member_values, members["_parent_index"], export.main["_index"], str(ind.aggregate)
        )
        out = np.isnan(value)
        notes.append(
            f"indicator {ind.name}: {ind.aggregate} of {int((~np.isnan(member_values)).sum())} member "
            f"answer(s) in {where} over {int((~out).sum())} household(s); {int(out.sum())} household(s) "
            "with no member in its base left out"
        )
        return value

    @staticmethod
    def _values(ind: Indicator, table: pd.DataFrame, form: Any, notes: list[str]) -> np.ndarray:
        q = form.questions[ind.question]
        answers = table[ind.question].astype(str) if ind.question in table.columns else None
        if answers is None:
            raise HumsecError(
                f"Indicator {ind.name}: question {ind.question!r} has no column in the export."
            )
        asked = np.ones(len(table), dtype=bool)
        try:
            for condition in q.conditions:
                asked &= evaluate(condition, table).to_numpy()
        except UnsupportedExpression as exc:
            asked[:] = True
            notes.append(
                f"indicator {ind.name}: relevant not evaluated ({exc}); base is everyone who answered"
            )
        out = np.full(len(table), np.nan)
        for i, (a, ok) in enumerate(zip(answers, asked, strict=True)):
            if not ok or a == "" or a in ind.missing:
                continue
            picks = a.split()
            if ind.binary:
                out[i] = 1.0 if any(p in ind.scores for p in picks) else 0.0
            elif len(picks) == 1 and picks[0] in ind.scores:
                out[i] = ind.scores[picks[0]]
            else:  # an option given no score and not declared missing
                notes.append(
                    f"indicator {ind.name}: answer {a!r} has no score and is not in 'missing'; row {i + 1} left out"
                )
        return out

    def _estimate(
        self, design: Design, value: np.ndarray, name: str, kind: str, binary: bool, label: str
    ) -> list[dict[str, Any]]:
        base = ~np.isnan(value)
        rows = []
        for over, group, member in design.domains():
            est, se, lo, hi, n, _ = design.ratio(
                np.nan_to_num(value)[:, None], base & member, self.level
            )
            if not binary:  # a mean or an index: symmetric t interval at the design df
                q = special.stdtrit(float(design.df), 0.5 + self.level / 2)
                lo, hi = est - q * se, est + q * se
            rows.append(
                {
                    "name": name,
                    "kind": kind,
                    "over": over,
                    "group": group,
                    "estimate": est[0],
                    "se": se[0],
                    "ci_low": lo[0],
                    "ci_high": hi[0],
                    "n": n,
                    "label": label,
                }
            )
        return rows


def _oriented(value: np.ndarray, ind: Indicator) -> np.ndarray:
    """0-1 with higher = better: rescaled by the indicator's score range, reversed when higher is worse."""
    lo, hi = min([*ind.scores.values(), 0.0 if ind.binary else np.inf]), max(ind.scores.values())
    scaled = (value - lo) / (hi - lo) if hi > lo else value
    return 1 - scaled if ind.direction == "higher_is_worse" else scaled


def _safe_references(expression: str) -> list[str]:
    try:
        return references(expression)
    except Exception:  # an expression the lexer cannot split is reported when it is evaluated
        return []
