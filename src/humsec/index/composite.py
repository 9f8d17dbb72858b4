"""Composite indices (INFORM / COINr class): aggregate indicator scores up a tree of nodes.

>>> import pandas as pd
>>> from humsec.index.model import IndexModel
>>> model = IndexModel.from_dict({"root": "Risk", "unit": "unit", "nodes": {
...     "Risk": {"op": "geometric", "children": ["Hazard", "vuln"]},
...     "Hazard": {"op": "inform_or", "children": ["flood", "drought"]}}})
>>> data = pd.DataFrame({"unit": ["A", "B"], "flood": [8.0, 1.0], "drought": [2.0, 1.0], "vuln": [5.0, 2.0]})
>>> res = CompositeIndex(model).fit(data)
>>> res.scores.round(3).to_dict("list")  # Hazard A: 11 − √(3·9); Risk A: √(5.804·5)
{'Hazard': [5.804, 1.0], 'Risk': [5.387, 1.414]}
>>> res.to_frame().query("node == 'Risk'")[["unit", "rank"]].to_dict("list")
{'unit': ['A', 'B'], 'rank': [1, 2]}
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from humsec.core.checks import clean_labels, require_numbers, require_unique_columns
from humsec.core.errors import ColumnNotFoundError, DataError, describe_rows
from humsec.core.frames import to_narwhals
from humsec.core.params import Constraint, Interval, Optional, validate_params
from humsec.core.result import ResultBase
from humsec.index.model import TRANSFORMS, IndexModel, Node, index_model
from humsec.index.operators import CHILDREN_LOW, Operator, aggregate

__all__ = ["CompositeIndex", "IndexResult", "evaluate_tree", "round_half_up"]


def round_half_up(x: np.ndarray, decimals: int) -> np.ndarray:
    """Round halves away from zero, as spreadsheets (and INFORM's tables) do; numpy rounds to even.

    >>> round_half_up(np.array([0.25, 1.15, 2.35]), 1).tolist()
    [0.3, 1.2, 2.4]
    """
    factor = 10.0**decimals
    return np.sign(x) * np.floor(np.abs(x) * factor + 0.5 + 1e-9) / factor


class IndexResult(ResultBase):
    """Scores of every node (units × nodes), ranks, classes, coverage and main drivers.

    ``to_frame()`` is the tidy table (``unit, node, score, rank, class, coverage, driver``);
    ``to_frame("agreement")`` the comparison with published values (:meth:`agreement`) and
    ``to_frame("leaves")`` the leaf scores that entered the tree (``unit`` and one column each).
    """

    tables: ClassVar[tuple[str, ...]] = ("scores", "agreement", "leaves")

    def __init__(
        self,
        model: IndexModel,
        units: pd.Index,
        leaves: pd.DataFrame,
        scores: pd.DataFrame,
        drivers: pd.DataFrame,
        coverage: pd.DataFrame,
        notes: list[str],
        raw: pd.DataFrame | None = None,
    ):
        self.raw = leaves if raw is None else raw  # leaf values before construction
        self.model = model
        self.units = units
        self.leaves = leaves
        self.scores = scores
        self.drivers = drivers
        self.coverage = coverage
        self.notes = notes
        # published values found in the data (node-named columns, the published rank column)
        self.published = pd.DataFrame(index=units)

    def agreement(self) -> pd.DataFrame:
        """How many published values in the data the recomputation matches, per node and for the
        root's rank: ``node, compared, matched, share, decimals``. A score matches when it equals
        the published value rounded as the published column is (``decimals`` inferred from it,
        halves away from zero); a rank when it is equal. Empty when the data held none.

        >>> from humsec.index.model import IndexModel
        >>> m = IndexModel.from_dict({"root": "R", "unit": "u", "published_rank": "Rank",
        ...     "nodes": {"R": {"children": ["a", "b"]}}})
        >>> d = pd.DataFrame({"u": ["x", "y"], "a": [1.0, 3], "b": [2.0, 4], "R": [1.5, 3.4],
        ...                   "Rank": [2, 1]})
        >>> CompositeIndex(m).fit(d).agreement().to_dict("list")
        {'node': ['R', 'rank of R'], 'compared': [2, 2], 'matched': [1, 2], 'share': [0.5, 1.0], 'decimals': [1, 0]}
        """
        rows = []
        for col in self.published.columns:
            theirs = self.published[col].to_numpy(dtype=np.float64)
            ours: np.ndarray
            if col == self.model.published_rank:
                name, decimals = f"rank of {self.model.root}", 0
                ours = self.ranks()[self.model.root].to_numpy(dtype=np.float64, na_value=np.nan)
            else:
                name, decimals = col, _decimals(theirs)
                ours = round_half_up(self.scores[col].to_numpy(dtype=np.float64), decimals)
            both = ~np.isnan(theirs) & ~np.isnan(ours)
            matched = int((np.abs(ours - theirs)[both] < 0.5 * 10.0**-decimals * 1e-3).sum())
            compared = int(both.sum())
            share = matched / compared if compared else float("nan")
            rows.append((name, compared, matched, share, decimals))
        return pd.DataFrame(rows, columns=["node", "compared", "matched", "share", "decimals"])

    def ranks(self) -> pd.DataFrame:
        """Rank per node: 1 = highest score; ties share the smaller rank; missing scores unranked."""
        return self.scores.rank(ascending=False, method="min").astype("Int64")

    def classes(self) -> pd.DataFrame:
        """Class labels for the nodes the model classifies (thresholds: lower bound inclusive)."""
        out = {}
        for c in self.model.classes:
            s = self.scores[c.node].to_numpy()
            idx = np.searchsorted(np.asarray(c.thresholds), s, side="right")
            out[c.node] = [
                c.labels[i] if np.isfinite(v) else None for i, v in zip(idx, s, strict=True)
            ]
        return pd.DataFrame(out, index=self.scores.index)

    def compare(self, earlier: IndexResult) -> pd.DataFrame:
        """Year-on-year comparison with an earlier result of the same model: per unit and node the
        two scores and ranks, the change in score and the places gained (positive = moved up).

        Units present in only one year appear with the other year's values missing.
        """
        this = self._tidy()[["unit", "node", "score", "rank"]]
        before = earlier._tidy()[["unit", "node", "score", "rank"]]
        out = before.merge(this, on=["unit", "node"], how="outer", suffixes=("_before", "_after"))
        out["change"] = out["score_after"] - out["score_before"]
        out["places_up"] = out["rank_before"] - out["rank_after"]
        return out

    def _frame(self, table: str) -> pd.DataFrame:
        if table == "agreement":
            return self.agreement()
        if table == "leaves":
            return self.leaves.reset_index()
        return self._tidy()

    def summary(self) -> str:
        """The index in a few lines: units and nodes, the ten highest at the root, the notes."""
        root = self.model.root
        table = self._tidy()
        top = table[table["node"] == root].sort_values("rank").head(10)
        name = self.model.name or root
        lines = [f"{name}: {self.scores.shape[0]} units, {self.scores.shape[1]} nodes"]
        lines += [f"note: {n}" for n in self.notes]
        lines.append(top.drop(columns="node").to_string(index=False))
        return "\n".join(lines)

    def _tidy(self) -> pd.DataFrame:
        """Tidy table: unit, node, score, rank, class, coverage, driver."""
        ranks = self.ranks()
        classes = self.classes()
        rows = []
        for node in self.scores.columns:
            part = pd.DataFrame(
                {
                    "unit": self.scores.index,
                    "node": node,
                    "score": self.scores[node].to_numpy(),
                    "rank": ranks[node].to_numpy(),
                    "class": classes[node].to_numpy() if node in classes else None,
                    "coverage": self.coverage[node].to_numpy(),
                    "driver": self.drivers[node].to_numpy(),
                }
            )
            rows.append(part)
        return pd.concat(rows, ignore_index=True)


class CompositeIndex:
    """Compute a composite index from indicator (leaf) scores.

    Parameters
    ----------
    model : IndexModel, path or built-in name (see :data:`humsec.index.model.MODELS`)
    round_nodes : int or None, default None
        Round every node to this many decimals (an integer in [0, 15]) before it enters its
        parent (as published tables are); by default no intermediate rounding.
    """

    _parameter_constraints: ClassVar[dict[str, Constraint]] = {
        "round_nodes": Optional(Interval(0, 15, closed="both", integer=True)),
    }

    def __init__(self, model: IndexModel | str | Path, *, round_nodes: int | None = None) -> None:
        self.model = model
        self.round_nodes = round_nodes

    def __repr__(self) -> str:
        model = self.model
        shown = repr(model.name or model.root) if isinstance(model, IndexModel) else repr(str(model))
        return f"CompositeIndex(model={shown}, round_nodes={self.round_nodes!r})"

    def resolved_model(self) -> IndexModel:
        if isinstance(self.model, IndexModel):
            return self.model
        return index_model(self.model)

    def fit(self, data: Any, *, reference: Any = None, source: str | None = None) -> IndexResult:
        """Score the units of ``data`` (a frame or a file).

        With indicator construction in the model (``indicators:`` block), the normalisation is
        learnt on ``reference`` (e.g. the base year; default: ``data`` itself) and applied to
        ``data``, so later years are on the reference year's scale.

        Leaf values must be finite numbers (on the model's ``scale`` where it declares one and the
        leaf is a score, not a raw indicator); unit labels are trimmed (with a note) and may not
        differ only by case.
        """
        validate_params(self)
        model = self.resolved_model()
        raw, denoms, units, notes, published = self._read(model, data, source)
        leaves = dict(raw)
        if model.indicators:
            ref, ref_denoms = (
                (raw, denoms) if reference is None else self._read(model, reference, None)[:2]
            )
            leaves = _construct(model, raw, ref, units, (denoms, ref_denoms))
        result = self._score(model, units, leaves, notes)
        result.raw = pd.DataFrame(raw, index=result.scores.index)
        result.published = pd.DataFrame(published, index=result.scores.index)
        if published:
            result.notes.append(_agreement_note(result.agreement(), model.root, self.round_nodes))
        return result

    def _read(
        self, model: IndexModel, data: Any, source: str | None
    ) -> tuple[
        dict[str, np.ndarray], dict[str, np.ndarray], pd.Series, list[str], dict[str, np.ndarray]
    ]:
        """Leaf values, denominator columns, unit codes, notes and the published values (columns
        named as nodes, the published rank), from one read of the data."""
        if isinstance(data, (str, Path)):
            from humsec.index.read import read_indicator_table

            source = Path(data).name
            data = read_indicator_table(data, na_values=model.missing_values)
        frame = to_narwhals(data).to_pandas()
        require_unique_columns(frame.columns, source=source)
        if model.unit not in frame.columns:
            raise ColumnNotFoundError([model.unit], [str(c) for c in frame.columns], source)
        notes: list[str] = []
        rows = np.arange(len(frame)) + 2  # as the user sees them in the file (header = line 1)
        no_unit = frame[model.unit].isna().to_numpy()
        if no_unit.any():  # e.g. footnote rows below a published table
            notes.append(
                f"{int(no_unit.sum())} row(s) without a {model.unit!r} value were left out"
            )
            frame = frame[~no_unit].reset_index(drop=True)
            rows = rows[~no_unit]
        units, label_notes = clean_labels(
            frame[model.unit].astype(str), column=model.unit, source=source, rows=list(rows)
        )
        notes += label_notes
        duplicated = units[units.duplicated()].unique().tolist()
        if duplicated:
            raise DataError(
                f"Units must be unique in column {model.unit!r}{'' if source is None else ' of ' + source}; repeated: {duplicated[:10]}."
            )
        leaves = {}
        for leaf in model.leaves:
            if leaf in frame.columns:
                leaves[leaf] = _numeric(frame[leaf], leaf, units, model.missing_values, source)
                scored = leaf not in model.indicators and model.scale is not None
                low, high = model.scale if scored and model.scale else (None, None)
                require_numbers(
                    leaves[leaf], column=leaf, source=source, low=low, high=high,
                    allow_missing=True, rows=list(rows),
                )
            else:
                near = difflib.get_close_matches(leaf, [str(c) for c in frame.columns], n=1)
                hint = f" (did you mean {near[0]!r}?)" if near else ""
                notes.append(f"column {leaf!r} is not in the data{hint}: missing for every unit")
                leaves[leaf] = np.full(len(frame), np.nan)
        names = sorted({s.denominator for s in model.indicators.values() if s.denominator})
        missing = [n for n in names if n not in frame.columns]
        if missing:
            raise ColumnNotFoundError(missing, [str(c) for c in frame.columns], source)
        denoms = {n: _numeric(frame[n], n, units, model.missing_values, source) for n in names}
        shown = [n for n in model.order if n in frame.columns]
        if model.published_rank in frame.columns:
            shown.append(str(model.published_rank))
        published = {n: _numeric(frame[n], n, units, model.missing_values, source) for n in shown}
        for name, values in {**denoms, **published}.items():
            require_numbers(values, column=name, source=source, allow_missing=True, rows=list(rows))
        return leaves, denoms, units, notes, published

    def _score(
        self, model: IndexModel, units: pd.Series, leaves: dict[str, np.ndarray], notes: list[str]
    ) -> IndexResult:
        scores = evaluate_tree(model, leaves, round_nodes=self.round_nodes, units=units)
        empty = [name for name in model.order if np.isnan(scores[name]).all()]
        if empty:
            notes.append(f"node(s) with no data for any unit (every child missing): {empty}")
        values = {**leaves, **scores}
        drivers: dict[str, list[Any]] = {}
        coverage: dict[str, np.ndarray] = {}
        leaf_sets = _leaf_sets(model)
        for name in model.order:
            node = model.nodes[name]
            x = np.column_stack([values[c] for c in node.children])
            drivers[name] = _drivers(node, x, _node_weights(node))
            leaf_values = np.column_stack([leaves[leaf] for leaf in leaf_sets[name]])
            coverage[name] = (~np.isnan(leaf_values)).mean(axis=1)
        gaps = {leaf: int(np.isnan(v).sum()) for leaf, v in leaves.items() if 0 < np.isnan(v).sum() < len(v)}
        if gaps:  # the missing-data policy, said: each node averages the children it has
            cells = ", ".join(f"{leaf} {n}" for leaf, n in list(gaps.items())[:8])
            partial = int((coverage[model.root] < 1).sum())
            notes.append(
                f"missing values ({cells}{', ...' if len(gaps) > 8 else ''}): each node is computed "
                f"from the children a unit has; {partial} unit(s) have "
                f"coverage below 1 at {model.root!r} (column coverage)"
            )
        index = pd.Index(units, name="unit")
        return IndexResult(
            model,
            index,
            pd.DataFrame(leaves, index=index),
            pd.DataFrame(scores, index=index),
            pd.DataFrame(drivers, index=index),
            pd.DataFrame(coverage, index=index),
            notes,
        )


def evaluate_tree(
    model: IndexModel,
    leaves: dict[str, np.ndarray],
    *,
    weights: dict[str, np.ndarray] | None = None,
    ops: Mapping[str, str | Operator] | None = None,
    round_nodes: int | None = None,
    units: pd.Series | None = None,
) -> dict[str, np.ndarray]:
    """Scores of every node from leaf scores; ``weights`` and ``ops`` override nodes' own (this is
    what uncertainty analysis varies). An ``ops`` value is an operator name or an operator function
    (children × weights × params -> scores).

    With ``units`` (their labels), the values are checked on the way: a child below the smallest
    value its node's operator is defined for (:data:`~humsec.index.operators.CHILDREN_LOW`, e.g. a
    negative child of a geometric mean) and a score that overflows are errors naming the node and
    the units, not silent NaN or inf."""
    values: dict[str, np.ndarray] = dict(leaves)
    scores: dict[str, np.ndarray] = {}
    for name in model.order:
        node = model.nodes[name]
        x = np.column_stack([values[c] for c in node.children])
        w = weights[name] if weights and name in weights else _node_weights(node)
        op = ops[name] if ops and name in ops else node.op
        if units is not None and isinstance(op, str) and op in CHILDREN_LOW:
            _require_children_at_least(node, x, CHILDREN_LOW[op], units)
        score = op(x, w, node.params) if callable(op) else aggregate(op, x, w, node.params)
        if units is not None and np.isinf(score).any():
            bad = np.flatnonzero(np.isinf(score))
            msg = (
                f"Node {name!r}: the score overflows (inf) for unit(s) "
                f"{', '.join(units.iloc[bad[:5]])}; its children hold values too large to "
                "aggregate (e.g. 1e308): give the indicators on a finite scale."
            )
            raise DataError(msg)
        present = (~np.isnan(x)) @ w / w.sum()
        score = np.where(present + 1e-12 >= node.min_coverage, score, np.nan)
        if round_nodes is not None:
            score = round_half_up(score, round_nodes)
        values[name] = scores[name] = score
    return scores


def _require_children_at_least(node: Node, x: np.ndarray, low: float, units: pd.Series) -> None:
    with np.errstate(invalid="ignore"):
        below = x < low
    if not below.any():
        return
    unit_i, child_i = np.nonzero(below)
    shown = ", ".join(
        f"{units.iloc[u]} ({node.children[c]} = {x[u, c]:g})"
        for u, c in zip(unit_i[:5], child_i[:5], strict=True)
    )
    msg = (
        f"Node {node.name!r}: operator {node.op!r} needs children ≥ {low:g}; "
        f"{len(unit_i)} value(s) are below: {shown}. Rescale the indicators (e.g. declare "
        "normalise in the model's indicators block) or choose another operator."
    )
    raise DataError(msg)


def _node_weights(node: Node) -> np.ndarray:
    return np.ones(len(node.children)) if node.weights is None else np.asarray(node.weights)


def _construct(
    model: IndexModel,
    raw: dict[str, np.ndarray],
    reference: dict[str, np.ndarray],
    units: pd.Series,
    denominators: tuple[dict[str, np.ndarray], dict[str, np.ndarray]],
) -> dict[str, np.ndarray]:
    """Raw indicators to leaf scores: denominate, transform, normalise (learnt on ``reference``)."""
    from humsec.index.construct import Normalise

    out = dict(raw)
    for name, spec in model.indicators.items():
        values = []
        for data, denoms in ((raw, denominators[0]), (reference, denominators[1])):
            x = np.asarray(data[name], dtype=np.float64)
            if spec.denominator:
                d = denoms[spec.denominator]
                zero = d == 0
                if zero.any():
                    msg = f"Indicator {name!r}: denominator {spec.denominator!r} is 0 for unit(s) {', '.join(units[zero].head(5))}."
                    raise DataError(msg)
                x = x / d
            values.append(_transform(x, spec.transform, name, units))
        x, ref = values
        if spec.normalise is None:
            out[name] = x * spec.direction if spec.direction < 0 else x
            continue
        step = Normalise(
            spec.normalise,
            range=spec.range,
            directions={name: spec.direction},
            goalposts={name: spec.goalposts} if spec.goalposts else None,
            targets={name: spec.target} if spec.target is not None else None,
            columns=[name],
        )
        step.fit(pd.DataFrame({name: ref}))
        out[name] = step.transform(pd.DataFrame({name: x}))[name].to_numpy(dtype=np.float64)
    return out


def _decimals(values: np.ndarray) -> int:
    """The fewest decimals (up to 6) that every published value is written with."""
    x = values[~np.isnan(values)]
    for d in range(7):
        if np.all(np.abs(x - np.round(x, d)) < 1e-9):
            return d
    return 6


def _agreement_note(table: pd.DataFrame, root: str, round_nodes: int | None) -> str:
    """One line for the user: the share of published values in the data that were reproduced."""
    scores = table[~table["node"].str.startswith("rank of ")]
    parts = [
        f"{int(scores['matched'].sum())} of {int(scores['compared'].sum())} published node "
        f"values in the data ({scores['matched'].sum() / max(scores['compared'].sum(), 1):.1%}) "
        "are reproduced at their published decimals"
    ]
    for node, matched, compared in zip(
        table["node"], table["matched"], table["compared"], strict=True
    ):
        if node in (root, f"rank of {root}"):
            parts.append(f"{node}: {matched} of {compared}")
    how = (
        f"every node rounded to {round_nodes} decimal(s) before its parent"
        if round_nodes is not None
        else "no intermediate rounding (round_nodes=1 rounds as published tables do)"
    )
    return (
        f"{'; '.join(parts)} ({how}; recomputed from the leaves in the data, which are themselves "
        "rounded: see IndexResult.agreement())"
    )


def _transform(x: np.ndarray, how: str, name: str, units: pd.Series) -> np.ndarray:
    method = TRANSFORMS[how]
    if method.low is not None:
        with np.errstate(invalid="ignore"):
            bad = (x <= method.low) if method.low_open else (x < method.low)
        bad &= ~np.isnan(x)
        if bad.any():
            need = "positive" if method.low_open else "non-negative"
            msg = f"Indicator {name!r}: the {how} transform needs {need} values; unit(s) {', '.join(units[bad].head(5))} have {x[bad][:5].tolist()}."
            raise DataError(msg)
    assert method.func is not None
    return np.asarray(method.func(x), dtype=np.float64)


def _numeric(
    col: pd.Series, name: str, units: pd.Series, missing: tuple[str, ...], source: str | None
) -> np.ndarray:
    """A leaf column as floats; text other than the declared missing markers is an error."""
    if col.dtype.kind in "iuf":
        return col.to_numpy(dtype=np.float64)
    text = col.astype("string").str.strip()
    is_missing = col.isna() | text.isin(list(missing))
    values = pd.to_numeric(text.where(~is_missing), errors="coerce")
    bad = values.isna() & ~is_missing
    if bad.any():
        rows = np.flatnonzero(bad.to_numpy())
        where = f" of {source}" if source else ""
        found = sorted({str(v) for v in col.iloc[rows[:50]]})[:5]
        msg = (
            f"Column {name!r}{where} must hold numbers; found {', '.join(repr(f) for f in found)} for "
            f"unit(s) {', '.join(units.iloc[rows[:5]])} ({describe_rows(rows)}). Declare missing-value "
            "markers in the model's `missing_values` (INFORM writes 'x')."
        )
        raise DataError(msg)
    return values.to_numpy(dtype=np.float64)


def _drivers(node: Node, x: np.ndarray, w: np.ndarray) -> list[Any]:
    """Each unit's child with the largest weighted score (the strongest driver)."""
    scales = np.asarray(node.params.get("scales", np.ones(len(node.children))), dtype=np.float64)
    contrib = np.where(np.isnan(x), -np.inf, x * w * scales)
    idx = contrib.argmax(axis=1)
    none = np.isnan(x).all(axis=1)
    return [None if n else node.children[i] for i, n in zip(idx, none, strict=True)]


def _leaf_sets(model: IndexModel) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name in model.order:
        leaves: list[str] = []
        for child in model.nodes[name].children:
            leaves += out[child] if child in model.nodes else [child]
        out[name] = list(dict.fromkeys(leaves))
    return out
