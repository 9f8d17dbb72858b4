"""Alkire-Foster specification as data: dimensions, indicators, cutoffs, weights, k, design, time.

A specification is loaded from YAML/JSON (:meth:`AFSpec.from_file`), from a plain dict
(:meth:`AFSpec.from_dict`) or built from the dataclasses directly. Loading validates everything at once
and raises one :class:`~humsec.core.errors.SpecError` listing *every* problem, each naming its field.

>>> spec = AFSpec.from_dict({
...     "dimensions": {"health": ["d_nutr", "d_cm"], "education": ["d_satt", "d_educ"]},
...     "k": [33],
... })
>>> spec.indicator_weights()
{'d_nutr': 0.25, 'd_cm': 0.25, 'd_satt': 0.25, 'd_educ': 0.25}
>>> spec.k
(33.0,)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from humsec.core.design import LONELY_PSU_RULES, SurveyDesign
from humsec.core.errors import SpecError

__all__ = ["AFSpec", "Cutoff", "Dimension", "Indicator", "TimeSpec"]

NUMERIC_OPS = {"lt": np.less, "le": np.less_equal, "gt": np.greater, "ge": np.greater_equal}
EQUALITY_OPS = ("eq", "ne")
SET_OPS = ("in", "not_in")
CUTOFF_OPS = (*NUMERIC_OPS, *EQUALITY_OPS, *SET_OPS)
MISSING_POLICIES = ("drop", "reweight")
WEIGHT_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Cutoff:
    """A deprivation cutoff applied to a raw column: a person is deprived if ``value <op> threshold``.

    ``op`` is one of ``lt, le, gt, ge`` (numeric thresholds, the direction is the op), ``eq, ne``
    (one value) or ``in, not_in`` (a set of categories; category labels of Stata/SPSS files work too).

    >>> Cutoff("lt", 6).apply(np.array([3.0, 6.0, np.nan]))
    array([ 1.,  0., nan])
    >>> Cutoff("in", ("river", "pond")).apply(np.array(["river", "tap", None], dtype=object))
    array([ 1.,  0., nan])
    """

    op: str
    value: Any

    def apply(self, values: np.ndarray, labels: Mapping[Any, str] | None = None) -> np.ndarray:
        """Return 1.0 (deprived), 0.0 (not deprived) or NaN (missing) for each value."""
        missing = _is_missing(values)
        out = np.zeros(len(values), dtype=np.float64)
        present = ~missing
        if self.op in NUMERIC_OPS:
            numbers = np.asarray(values[present], dtype=np.float64)
            out[present] = NUMERIC_OPS[self.op](numbers, float(self.value))
        else:
            targets = self.value if self.op in SET_OPS else (self.value,)
            codes = _codes_for(targets, labels)
            hit = np.isin(values[present], np.array(list(codes), dtype=object))
            if values.dtype.kind in "fiub":  # numbers compare as numbers (1 == 1.0)
                numeric_codes = [c for c in codes if isinstance(c, (int, float))]
                hit = np.isin(values[present].astype(np.float64), numeric_codes)
            deprived = hit if self.op in ("in", "eq") else ~hit
            out[present] = deprived
        out[missing] = np.nan
        return out

    def describe(self) -> str:
        """Human-readable rule, e.g. ``< 6`` or ``in {river, pond}``."""
        symbols = {"lt": "<", "le": "≤", "gt": ">", "ge": "≥", "eq": "=", "ne": "≠"}
        if self.op in SET_OPS:
            items = ", ".join(str(v) for v in self.value)
            return f"{'in' if self.op == 'in' else 'not in'} {{{items}}}"
        return f"{symbols[self.op]} {self.value}"


@dataclass(frozen=True)
class Indicator:
    """One indicator: its name, the data column it reads, an optional cutoff and weight.

    Without a cutoff the column must already hold 0/1 deprivation values (1 = deprived).
    ``weight``, if given, is the indicator's weight in the whole index (all weights sum to 1).
    """

    name: str
    column: str | None = None
    cutoff: Cutoff | None = None
    weight: float | None = None

    @property
    def source_column(self) -> str:
        return self.column or self.name


@dataclass(frozen=True)
class Dimension:
    """A dimension (e.g. health) with its indicators and optional weight (share of the index)."""

    name: str
    indicators: tuple[Indicator, ...]
    weight: float | None = None


@dataclass(frozen=True)
class TimeSpec:
    """Survey rounds: the column with the round, and optionally the column with its (fractional) year."""

    round: str
    year: str | None = None


@dataclass(frozen=True)
class AFSpec:
    """A complete Alkire-Foster specification. See the module docstring for an example."""

    dimensions: tuple[Dimension, ...]
    k: tuple[float, ...] = (33.0,)
    design: SurveyDesign = field(default_factory=SurveyDesign)
    time: TimeSpec | None = None
    over: tuple[str, ...] = ()
    missing: str = "drop"
    name: str | None = None

    def __post_init__(self) -> None:
        problems = _validate(_Parts(self.dimensions, self.k, self.missing))
        if problems:
            raise SpecError(problems)

    # ------------------------------------------------------------------ derived values
    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(ind for dim in self.dimensions for ind in dim.indicators)

    @property
    def indicator_names(self) -> tuple[str, ...]:
        return tuple(ind.name for ind in self.indicators)

    def indicator_dimension(self) -> dict[str, str]:
        """Map each indicator's name to its dimension's name."""
        return {ind.name: dim.name for dim in self.dimensions for ind in dim.indicators}

    def indicator_weights(self) -> dict[str, float]:
        """Resolved weights: explicit indicator weights, else dimension weights split equally,
        else nested equal weights (equal across dimensions, equal within)."""
        inds = self.indicators
        out: dict[str, float] = {}
        if all(ind.weight is not None for ind in inds):
            out = {ind.name: float(ind.weight) for ind in inds}  # type: ignore[arg-type]
        else:
            n_dim = len(self.dimensions)
            for dim in self.dimensions:
                share = dim.weight if dim.weight is not None else 1.0 / n_dim
                for ind in dim.indicators:
                    out[ind.name] = share / len(dim.indicators)
        # weights accepted within 1e-6 of summing to 1 are rescaled to sum to 1 exactly, so that
        # k = 100 (intersection) is reachable and M0 = Σ w·hdk holds to rounding
        total = sum(out.values())
        return {name: w / total for name, w in out.items()}

    def columns(self) -> list[str]:
        """Every data column the specification reads (indicators, design, time, over)."""
        cols = [ind.source_column for ind in self.indicators]
        cols += [c for c in (self.design.weight, self.design.strata, self.design.psu) if c]
        if self.time:
            cols += [c for c in (self.time.round, self.time.year) if c]
        cols += list(self.over)
        return list(dict.fromkeys(cols))

    def with_weights(self, weights: Mapping[str, float]) -> AFSpec:
        """A copy of the specification with explicit indicator weights (for robustness checks)."""
        dims = tuple(
            Dimension(
                d.name,
                tuple(
                    Indicator(i.name, i.column, i.cutoff, float(weights[i.name]))
                    for i in d.indicators
                ),
            )
            for d in self.dimensions
        )
        return AFSpec(dims, self.k, self.design, self.time, self.over, self.missing, self.name)

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (round-trips through :meth:`from_dict`), used for provenance."""
        dims: dict[str, Any] = {}
        for d in self.dimensions:
            items: list[Any] = []
            for i in d.indicators:
                if i.column is None and i.cutoff is None and i.weight is None:
                    items.append(i.name)
                    continue
                entry: dict[str, Any] = {"name": i.name}
                if i.column:
                    entry["column"] = i.column
                if i.cutoff:
                    value = list(i.cutoff.value) if i.cutoff.op in SET_OPS else i.cutoff.value
                    entry["deprived_if"] = {i.cutoff.op: value}
                if i.weight is not None:
                    entry["weight"] = i.weight
                items.append(entry)
            dims[d.name] = items if d.weight is None else {"weight": d.weight, "indicators": items}
        out: dict[str, Any] = {"dimensions": dims, "k": list(self.k)}
        out["design"] = {
            key: value
            for key, value in (
                ("weight", self.design.weight),
                ("strata", self.design.strata),
                ("psu", self.design.psu),
                ("lonely_psu", self.design.lonely_psu),
                ("nest", self.design.nest or None),
            )
            if value is not None
        }
        if self.time:
            out["time"] = {"round": self.time.round, "year": self.time.year}
        if self.over:
            out["over"] = list(self.over)
        out["missing"] = self.missing
        if self.name:
            out["name"] = self.name
        return out

    # ------------------------------------------------------------------ loading
    @classmethod
    def from_file(cls, path: str | Path) -> AFSpec:
        """Load a YAML (``.yaml``/``.yml``) or JSON (``.json``) specification file."""
        from humsec.core.files import read_config

        path = Path(path)
        raw = read_config(path, what="an AF specification (dimensions, k, design, ...)")
        return cls.from_dict(raw, source=str(path))

    @classmethod
    def from_dict(cls, raw: Any, source: str | None = None) -> AFSpec:
        """Build and validate a specification from plain data (as parsed from YAML/JSON)."""
        problems: list[tuple[str, str]] = []
        if not isinstance(raw, Mapping):
            raise SpecError(
                [("(top level)", "expected a mapping with 'dimensions' and 'k'")], source
            )
        known = {"dimensions", "k", "design", "time", "over", "missing", "name", "weights"}
        for key in raw:
            if key not in known:
                problems.append((str(key), f"unknown field; expected one of {sorted(known)}"))
        dims = _parse_dimensions(raw.get("dimensions"), problems)
        explicit = raw.get("weights")
        if explicit is not None:
            dims = _apply_explicit_weights(dims, explicit, problems)
        k = _parse_k(raw.get("k", [33]), problems)
        design = _parse_design(raw.get("design", {}), problems)
        time = _parse_time(raw.get("time"), problems)
        over = raw.get("over", [])
        if isinstance(over, str):
            over = [over]
        if not isinstance(over, list) or not all(isinstance(o, str) for o in over):
            problems.append(("over", f"expected a list of column names, got {over!r}"))
            over = []
        missing = raw.get("missing", "drop")
        name = raw.get("name")
        if problems:  # report the value problems of the parts that did parse, too
            problems += [p for p in _validate(_Parts(dims, k, missing)) if p not in problems]
            raise SpecError(problems, source)
        try:
            return cls(dims, k, design, time, tuple(over), missing, name)
        except SpecError as exc:
            raise SpecError(exc.problems, source) from None


# ---------------------------------------------------------------------- parsing helpers
def _is_missing(values: np.ndarray) -> np.ndarray:
    if values.dtype.kind == "f":
        return np.isnan(values)
    if values.dtype.kind in "iub":
        return np.zeros(len(values), dtype=bool)
    import pandas as pd

    return np.asarray(pd.isna(values))


def _codes_for(targets: Sequence[Any], labels: Mapping[Any, str] | None) -> list[Any]:
    """Categories as data codes: a label of a labelled (Stata/SPSS) column stands for its code."""
    codes: list[Any] = list(targets)
    if labels:
        by_label = {str(lab).strip().lower(): code for code, lab in labels.items()}
        for t in targets:
            if isinstance(t, str) and t.strip().lower() in by_label:
                codes.append(by_label[t.strip().lower()])
    return codes


def _parse_cutoff(raw: Any, where: str, problems: list[tuple[str, str]]) -> Cutoff | None:
    if not isinstance(raw, Mapping) or len(raw) != 1:
        problems.append(
            (where, f"expected one rule such as {{lt: 6}} or {{in: [a, b]}}, got {raw!r}")
        )
        return None
    op, value = next(iter(raw.items()))
    if op not in CUTOFF_OPS:
        problems.append((where, f"unknown operator {op!r}; expected one of {list(CUTOFF_OPS)}"))
        return None
    if op in NUMERIC_OPS and not _is_number(value):
        problems.append((f"{where}.{op}", f"expected a number, got {value!r}"))
        return None
    if op in SET_OPS:
        if not isinstance(value, (list, tuple)) or not value:
            problems.append(
                (f"{where}.{op}", f"expected a non-empty list of categories, got {value!r}")
            )
            return None
        value = tuple(value)
    return Cutoff(op, value)


def _parse_indicator(raw: Any, where: str, problems: list[tuple[str, str]]) -> Indicator | None:
    if isinstance(raw, str) and raw.strip():
        return Indicator(raw)
    if not isinstance(raw, Mapping):
        problems.append((where, f"expected a column name or a mapping with 'name', got {raw!r}"))
        return None
    allowed = {"name", "column", "deprived_if", "weight"}
    for key in raw:
        if key not in allowed:
            problems.append((f"{where}.{key}", f"unknown field; expected one of {sorted(allowed)}"))
    name = raw.get("name") or raw.get("column")
    if not isinstance(name, str) or not name:
        problems.append((where, "an indicator needs a 'name' (or a 'column')"))
        return None
    cutoff = None
    if "deprived_if" in raw:
        cutoff = _parse_cutoff(raw["deprived_if"], f"{where}.deprived_if", problems)
    weight = raw.get("weight")
    if weight is not None and not _is_number(weight):
        problems.append((f"{where}.weight", f"expected a number, got {weight!r}"))
        weight = None
    return Indicator(name, raw.get("column"), cutoff, None if weight is None else float(weight))


def _parse_dimensions(raw: Any, problems: list[tuple[str, str]]) -> tuple[Dimension, ...]:
    if raw is None:
        problems.append(("dimensions", "missing: give at least one dimension with its indicators"))
        return ()
    if not isinstance(raw, Mapping) or not raw:
        problems.append(("dimensions", f"expected a mapping dimension -> indicators, got {raw!r}"))
        return ()
    dims = []
    for dname, body in raw.items():
        where = f"dimensions.{dname}"
        weight = None
        items = body
        if isinstance(body, Mapping):
            for key in body:
                if key not in ("weight", "indicators"):
                    problems.append(
                        (f"{where}.{key}", "unknown field; expected 'weight' or 'indicators'")
                    )
            items = body.get("indicators")
            weight = body.get("weight")
            if weight is not None and not _is_number(weight):
                problems.append((f"{where}.weight", f"expected a number, got {weight!r}"))
                weight = None
        if isinstance(items, str):
            items = [items]
        if not isinstance(items, list) or not items:
            problems.append((where, "a dimension needs at least one indicator"))
            continue
        inds = []
        for i, item in enumerate(items):
            ind = _parse_indicator(item, f"{where}[{i}]", problems)
            if ind is not None:
                inds.append(ind)
        dims.append(Dimension(str(dname), tuple(inds), None if weight is None else float(weight)))
    return tuple(dims)


def _apply_explicit_weights(
    dims: tuple[Dimension, ...], raw: Any, problems: list[tuple[str, str]]
) -> tuple[Dimension, ...]:
    if not isinstance(raw, Mapping):
        problems.append(("weights", f"expected a mapping indicator -> weight, got {raw!r}"))
        return dims
    names = {i.name for d in dims for i in d.indicators}
    for key in raw:
        if key not in names:
            problems.append(
                (f"weights.{key}", f"not an indicator of the specification; known: {sorted(names)}")
            )
    out = []
    for d in dims:
        inds = []
        for i in d.indicators:
            w = raw.get(i.name)
            if w is None:
                problems.append((f"weights.{i.name}", "missing: give a weight for every indicator"))
            elif not _is_number(w):
                problems.append((f"weights.{i.name}", f"expected a number, got {w!r}"))
                w = None
            inds.append(Indicator(i.name, i.column, i.cutoff, None if w is None else float(w)))
        out.append(Dimension(d.name, tuple(inds), d.weight))
    return tuple(out)


def _parse_k(raw: Any, problems: list[tuple[str, str]]) -> tuple[float, ...]:
    values = raw if isinstance(raw, (list, tuple)) else [raw]
    out = []
    for v in values:
        if not _is_number(v):
            problems.append(("k", f"expected numbers in percent in (0, 100], got {v!r}"))
        else:
            out.append(float(v))
    return tuple(out)


def _parse_design(raw: Any, problems: list[tuple[str, str]]) -> SurveyDesign:
    if raw is None:
        return SurveyDesign()
    if not isinstance(raw, Mapping):
        problems.append(("design", f"expected a mapping with weight/strata/psu, got {raw!r}"))
        return SurveyDesign()
    allowed = ("weight", "strata", "psu", "lonely_psu", "nest")
    for key in raw:
        if key not in allowed:
            problems.append((f"design.{key}", f"unknown field; expected one of {list(allowed)}"))
    values = {}
    for key in ("weight", "strata", "psu"):
        v = raw.get(key)
        if v is not None and not isinstance(v, str):
            problems.append((f"design.{key}", f"expected a column name, got {v!r}"))
            v = None
        values[key] = v
    lonely = raw.get("lonely_psu", "fail")
    if lonely not in LONELY_PSU_RULES:
        problems.append(
            ("design.lonely_psu", f"expected one of {list(LONELY_PSU_RULES)}, got {lonely!r}")
        )
        lonely = "fail"
    nest = raw.get("nest", False)
    if not isinstance(nest, bool):
        problems.append(("design.nest", f"expected true or false, got {nest!r}"))
        nest = False
    return SurveyDesign(values["weight"], values["strata"], values["psu"], lonely, nest)


def _parse_time(raw: Any, problems: list[tuple[str, str]]) -> TimeSpec | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        return TimeSpec(raw)
    if not isinstance(raw, Mapping) or not isinstance(raw.get("round"), str):
        problems.append(("time", f"expected {{round: COLUMN, year: COLUMN}}, got {raw!r}"))
        return None
    for key in raw:
        if key not in ("round", "year"):
            problems.append((f"time.{key}", "unknown field; expected 'round' or 'year'"))
    year = raw.get("year")
    if year is not None and not isinstance(year, str):
        problems.append(("time.year", f"expected a column name, got {year!r}"))
        year = None
    return TimeSpec(raw["round"], year)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


@dataclass(frozen=True)
class _Parts:
    """The parts of a specification that validation looks at (parsed even when others failed)."""

    dimensions: tuple[Dimension, ...]
    k: tuple[float, ...]
    missing: str


def _validate(spec: _Parts) -> list[tuple[str, str]]:
    """Every problem of an assembled specification (structure, weights, k, missing policy)."""
    problems: list[tuple[str, str]] = []
    if not spec.dimensions:
        problems.append(("dimensions", "at least one dimension is needed"))
    seen: dict[str, str] = {}
    for d in spec.dimensions:
        if not d.indicators:
            problems.append((f"dimensions.{d.name}", "a dimension needs at least one indicator"))
        for ind in d.indicators:
            if ind.name in seen:
                problems.append(
                    (
                        f"dimensions.{d.name}",
                        f"indicator {ind.name!r} already used in {seen[ind.name]!r}",
                    )
                )
            seen[ind.name] = d.name
    if not spec.k:
        problems.append(("k", "give at least one poverty cutoff k (percent)"))
    for k in spec.k:
        if not (0 < k <= 100):
            problems.append(("k", f"must be in (0, 100] (percent). Got {k:g} instead."))
    if spec.missing not in MISSING_POLICIES:
        problems.append(
            ("missing", f"expected one of {list(MISSING_POLICIES)}, got {spec.missing!r}")
        )
    problems += _weight_problems(spec)
    return problems


def _weight_problems(spec: _Parts) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    inds = [i for d in spec.dimensions for i in d.indicators]
    given = [i for i in inds if i.weight is not None]
    if given and len(given) != len(inds):
        absent = [i.name for i in inds if i.weight is None]
        problems.append(
            ("weights", f"give a weight for every indicator or none; missing for {absent}")
        )
        return problems
    if given:
        for i in given:
            if i.weight is not None and i.weight <= 0:
                problems.append((f"weights.{i.name}", f"must be positive, got {i.weight:g}"))
        total = sum(i.weight for i in given if i.weight is not None)
        if abs(total - 1) > WEIGHT_TOLERANCE:
            problems.append(
                ("weights", f"indicator weights must sum to 1, they sum to {total:.6g}")
            )
        return problems
    dim_given = [d for d in spec.dimensions if d.weight is not None]
    if dim_given and len(dim_given) != len(spec.dimensions):
        absent = [d.name for d in spec.dimensions if d.weight is None]
        problems.append(
            ("dimensions", f"give a weight for every dimension or none; missing for {absent}")
        )
    elif dim_given:
        for d in dim_given:
            if d.weight is not None and d.weight <= 0:
                problems.append(
                    (f"dimensions.{d.name}.weight", f"must be positive, got {d.weight:g}")
                )
        total = sum(d.weight for d in dim_given if d.weight is not None)
        if abs(total - 1) > WEIGHT_TOLERANCE:
            problems.append(
                ("dimensions", f"dimension weights must sum to 1, they sum to {total:.6g}")
            )
    return problems
