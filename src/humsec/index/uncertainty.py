"""Uncertainty and sensitivity of a composite index to method choices and to data uncertainty.

Groups of uncertain inputs (factors):

- ``weights``: every node's weights multiplied by independent U(1 − noise, 1 + noise) factors;
- ``op:<node>``: for nodes given alternatives, the aggregation operator drawn uniformly among them.
  A geometric mean swapped in for another operator is taken on children shifted by a tenth of the
  scale, ``GM(x − low + s) − s + low`` with ``s = (high − low)/10`` (on INFORM's 0–10: ``GM(x + 1) − 1``,
  the 1–11 scale of INFORM's own "or"): a plain geometric mean is 0 as soon as one child is 0, and
  COINr's ``a_gmean`` refuses non-positive values, so without the shift the alternative measures
  zeros in the data, not a method choice;
- ``impute``, ``outliers``, ``normalise``: construction choices drawn among alternatives, applied to
  the raw leaf values (imputation method or none; COINr's outlier treatment or none; normalisation
  method, every one mapped onto the model's scale: ranks as percentile ranks, z-scores at ±3 sd);
- ``data``: leaf scores plus N(0, se²) noise, where standard errors are given (e.g. from the AF
  engine), kept on the model's declared ``scale`` (clipped).

The scale is the model's ``scale`` (INFORM: 0–10) or, where it declares none, the range of the
leaf scores in the data; with a declared scale every interval bound lies on it.

:func:`index_uncertainty` runs a Monte Carlo and gives each unit's score and rank intervals at every
node. :func:`index_sensitivity` gives variance-based first-order and total-effect indices of each
factor group (Saltelli 2010 sampling, the Jansen estimators of R's ``sensitivity::soboljansen``, with
bootstrap intervals) for the mean absolute rank shift of the root against the nominal ranking (the
output COINr uses).

>>> import pandas as pd
>>> from humsec.index.model import IndexModel
>>> model = IndexModel.from_dict({"root": "R", "unit": "u", "nodes": {
...     "R": {"op": "arithmetic", "children": ["a", "b"]}}})
>>> data = pd.DataFrame({"u": ["x", "y", "z"], "a": [1.0, 5.0, 9.0], "b": [9.0, 5.0, 1.0]})
>>> res = index_uncertainty(model, data, n=200, seed=1)
>>> # x and z swap places as the weights move; y (5, 5) scores 5 whatever the weights
>>> res.intervals.query("node == 'R'")[["unit", "rank_low", "rank_high"]].to_dict("list")
{'unit': ['x', 'y', 'z'], 'rank_low': [1, 2, 1], 'rank_high': [3, 2, 3]}
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import special

from humsec.core.errors import HumsecError, ParameterError
from humsec.core.params import Constraint, Interval, Optional, validate_params
from humsec.core.result import ResultBase
from humsec.index.composite import CompositeIndex, IndexResult, evaluate_tree
from humsec.index.model import IndexModel
from humsec.index.operators import Operator, geometric
from humsec.index.sobol import jansen_indices, sobol_convergence_notes

__all__ = [
    "Factors",
    "UncertaintyResult",
    "index_scale",
    "index_sensitivity",
    "index_uncertainty",
    "shifted_geometric",
    "uncertainty_notes",
]


@dataclass(frozen=True)
class Factors:
    """What varies: weight noise, alternative operators per node, and leaf standard errors."""

    weight_noise: float = 0.25
    operators: Mapping[str, Sequence[str]] = field(default_factory=dict)
    data_se: pd.DataFrame | None = None  # units × leaves; missing = no noise
    impute: Sequence[str] = ()  # e.g. ("none", "mean", "median", "regression")
    outliers: Sequence[bool] = ()  # e.g. (False, True): COINr's Winsorise-or-log rule
    normalise: Sequence[str] = ()  # e.g. ("minmax", "rank", "percentile", "zscore")

    #: weights vary by ± that share and stay positive
    _parameter_constraints: ClassVar[dict[str, Constraint]] = {
        "weight_noise": Interval(0, 1, closed="left"),
    }

    def __post_init__(self) -> None:
        # checked here, not at the first replicate: a single unknown alternative is never drawn
        # (one choice varies nothing), so it would otherwise be ignored without a word
        validate_params(self)
        from humsec.index.construct import IMPUTERS
        from humsec.index.model import NORMALISERS

        for what, given, known in (
            ("imputation", self.impute, ("none", *IMPUTERS)),
            ("normalisation", self.normalise, tuple(NORMALISERS)),
        ):
            unknown = [x for x in given if x not in known]
            if unknown:
                raise HumsecError(
                    f"Unknown {what} method(s) {unknown} to vary; expected some of {list(known)}."
                )

    def construction(self) -> dict[str, tuple[Any, ...]]:
        """The construction choices and their alternatives (the first is the nominal choice)."""
        return {
            "impute": tuple(self.impute) or ("none",),
            "outliers": tuple(self.outliers) or (False,),
            "normalise": tuple(self.normalise) or ("as given",),
        }

    def groups(self, model: IndexModel) -> list[tuple[str, int]]:
        """(name, number of uniform draws) of each factor group."""
        out: list[tuple[str, int]] = []
        if self.weight_noise > 0:
            out.append(("weights", sum(len(n.children) for n in model.nodes.values())))
        out += [(f"op:{node}", 1) for node, alts in self.operators.items() if len(alts) > 1]
        out += [(name, 1) for name, alts in self.construction().items() if len(alts) > 1]
        if self.data_se is not None:
            out.append(("data", int(self.data_se.size)))
        return out


@dataclass
class UncertaintyResult(ResultBase):
    """Per unit and node: nominal score and rank, median and interval bounds over the replicates
    (``intervals``, also ``to_frame()``)."""

    tables: ClassVar[tuple[str, ...]] = ("intervals",)

    intervals: pd.DataFrame
    replicates: int
    level: float
    notes: list[str] = field(default_factory=list)

    def _frame(self, table: str) -> pd.DataFrame:
        return self.intervals

    def summary(self) -> str:
        """Replicates, level, and the widest rank intervals at the root (the last node)."""
        root = self.intervals["node"].iloc[-1] if len(self.intervals) else "(none)"
        at_root = self.intervals[self.intervals["node"] == root]
        width = (at_root["rank_high"] - at_root["rank_low"]).astype("Float64")
        widest = at_root.assign(width=width).sort_values("width", ascending=False).head(5)
        lines = [
            f"Monte Carlo uncertainty: {self.replicates} replicates, {self.level:.0%} intervals, "
            f"{at_root.shape[0]} units",
            f"widest rank intervals of {root}:",
            widest[["unit", "rank", "rank_low", "rank_high"]].to_string(index=False),
        ]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)


_SEED = Optional(Interval(0, None, closed="left", integer=True))


def _require(name: str, value: Any, constraint: Constraint, owner: str) -> None:
    """One sentence for a bad argument of a function (as ``validate_params`` for an engine)."""
    if not constraint.accepts(value):
        msg = (
            f"The {name!r} parameter of {owner} must be {constraint.describe()}. "
            f"Got {value!r} instead."
        )
        raise ParameterError(msg)


Tables = dict[tuple[Any, Any, Any], dict[str, np.ndarray]]


Context = tuple[tuple[float, float], dict[str, list[str | Operator]]]


def _setup(
    model: IndexModel, data: Any, factors: Factors
) -> tuple[IndexResult, dict[str, np.ndarray], np.ndarray | None, Tables, Context]:
    """The nominal fit, its leaves, leaf standard errors, the leaf table of every combination
    of construction choices (built once: replicates only pick one), the scale and the operator
    alternatives."""
    for node in factors.operators:
        if node not in model.nodes:
            raise HumsecError(
                f"Operator alternatives given for {node!r}, which is not a node of the model."
            )
    nominal = CompositeIndex(model).fit(data)
    scale = index_scale(model, nominal)
    leaves = {c: nominal.leaves[c].to_numpy() for c in nominal.leaves.columns}
    tables: Tables = {}
    choices = factors.construction()
    if any(len(v) > 1 for v in choices.values()):
        for imp in choices["impute"]:
            for out in choices["outliers"]:
                for norm in choices["normalise"]:
                    tables[(imp, out, norm)] = _constructed(nominal, imp, out, norm, scale)
    se = None
    if factors.data_se is not None:
        se = factors.data_se.reindex(
            index=nominal.scores.index, columns=list(nominal.leaves.columns)
        ).to_numpy(dtype=np.float64)
        se = np.nan_to_num(se)
    return nominal, leaves, se, tables, (scale, _operator_alternatives(model, factors, scale))


def index_scale(model: IndexModel, nominal: IndexResult) -> tuple[float, float]:
    """The scale of the index: the model's own, else the range of the leaf scores in the data."""
    if model.scale is not None:
        return model.scale
    values = nominal.leaves.to_numpy(dtype=np.float64)
    if not np.isfinite(values).any():
        return (0.0, 1.0)
    low, high = float(np.nanmin(values)), float(np.nanmax(values))
    return (low, high) if high > low else (low, low + 1.0)


def shifted_geometric(scale: tuple[float, float]) -> Operator:
    """The geometric mean an uncertainty analysis swaps in: on children shifted so that the bottom
    of the scale is a tenth of the scale above 0, then shifted back (stays on the scale).

    >>> gm = shifted_geometric((0.0, 10.0))
    >>> gm(np.array([[0.0, 8.0], [4.0, 4.0]]), np.ones(2), {}).round(4).tolist()  # √(1·9) − 1
    [2.0, 4.0]
    """
    low, high = scale
    shift = (high - low) / 10

    def op(x: np.ndarray, w: np.ndarray, params: Mapping[str, Any]) -> np.ndarray:
        return geometric(x - low + shift, w, params) - shift + low

    return op


def _operator_alternatives(
    model: IndexModel, factors: Factors, scale: tuple[float, float]
) -> dict[str, list[str | Operator]]:
    """Each varied node's operators; a geometric mean that is not the node's own is shifted."""
    out: dict[str, list[str | Operator]] = {}
    for node, alts in factors.operators.items():
        own = model.nodes[node].op
        out[node] = [
            shifted_geometric(scale) if alt == "geometric" and own != "geometric" else alt
            for alt in alts
        ]
    return out


def _evaluate(
    model: IndexModel,
    factors: Factors,
    leaves: dict[str, np.ndarray],
    se: np.ndarray | None,
    u: np.ndarray,
    groups: list[tuple[str, int]],
    tables: Tables,
    context: Context,
) -> dict[str, np.ndarray]:
    """Node scores for one point ``u`` in [0, 1)^d of the factor space (``context``: the scale
    and the operator alternatives)."""
    _, alternatives = context
    # only a declared scale bounds the scores (an inferred one would truncate data noise)
    bounds = model.scale or (-np.inf, np.inf)
    weights: dict[str, np.ndarray] = {}
    ops: dict[str, str | Operator] = {}
    values = leaves
    chosen = {name: alts[0] for name, alts in factors.construction().items()}
    pos = 0
    for name, dim in groups:
        part = u[pos : pos + dim]
        pos += dim
        if name == "weights":
            k = 0
            for node_name in model.order:
                node = model.nodes[node_name]
                base = (
                    np.ones(len(node.children))
                    if node.weights is None
                    else np.asarray(node.weights)
                )
                noise = (
                    1 - factors.weight_noise + 2 * factors.weight_noise * part[k : k + len(base)]
                )
                weights[node_name] = base * noise
                k += len(base)
        elif name.startswith("op:"):
            node_name = name[3:]
            alts = alternatives[node_name]
            ops[node_name] = alts[min(int(part[0] * len(alts)), len(alts) - 1)]
        elif name in ("impute", "outliers", "normalise"):
            options = factors.construction()[name]
            chosen[name] = options[min(int(part[0] * len(options)), len(options) - 1)]
        elif name == "data" and se is not None:
            z = special.ndtri(np.clip(part, 1e-12, 1 - 1e-12)).reshape(se.shape)
            values = {
                c: np.clip(leaves[c] + se[:, j] * z[:, j], *bounds) for j, c in enumerate(leaves)
            }
    if tables:
        values = tables[(chosen["impute"], chosen["outliers"], chosen["normalise"])]
        if se is not None:  # data noise on top of the chosen construction
            values = {
                c: np.clip(values[c] + (v - leaves[c]), *bounds)
                for c, v in zip(leaves, _noisy(leaves, se, u, groups), strict=True)
            }
    scores = evaluate_tree(model, values, weights=weights, ops=ops)
    # means of scores on the scale stay on it; clip only floating-point spill (10.000000000000002)
    return {name: np.clip(v, *bounds) for name, v in scores.items()}


def _noisy(
    leaves: dict[str, np.ndarray], se: np.ndarray, u: np.ndarray, groups: list[tuple[str, int]]
) -> list[np.ndarray]:
    pos = 0
    for name, dim in groups:
        if name == "data":
            z = special.ndtri(np.clip(u[pos : pos + dim], 1e-12, 1 - 1e-12)).reshape(se.shape)
            return [leaves[c] + se[:, j] * z[:, j] for j, c in enumerate(leaves)]
        pos += dim
    return list(leaves.values())


def _constructed(
    nominal: IndexResult, impute: str, outliers: bool, normalise: str, scale: tuple[float, float]
) -> dict[str, np.ndarray]:
    """Leaf scores under one combination of construction choices, on the index's scale."""
    from humsec.index.construct import Impute, Normalise, TreatOutliers

    frame = (
        nominal.raw.copy()
        if normalise != "as given" or impute != "none" or outliers
        else nominal.leaves.copy()
    )
    cols = list(frame.columns)
    if impute != "none":
        frame = Impute(impute, columns=cols).fit_transform(frame)
    if outliers:
        frame = TreatOutliers(
            columns=[c for c in cols if frame[c].notna().sum() >= 4]
        ).fit_transform(frame)
    if normalise == "as given":
        return {c: frame[c].to_numpy(dtype=np.float64) for c in cols}
    directions = {c: s.direction for c, s in nominal.model.indicators.items()}
    low, high = scale
    if normalise == "rank":  # ranks 1..n are not scores: as percentile ranks on the scale
        normalise = "percentile"
    step = (
        Normalise(normalise, range=scale, directions=directions, columns=cols)
        if normalise != "zscore"
        else Normalise("zscore", directions=directions, columns=cols)
    )
    scored = step.fit_transform(frame)
    if normalise == "zscore":  # z-scores onto the scale (±3 sd), so that every mean stays defined
        scored[cols] = (low + (scored[cols] + 3) / 6 * (high - low)).clip(low, high)
    return {c: scored[c].to_numpy(dtype=np.float64).clip(low, high) for c in cols}


def _ranks(scores: np.ndarray) -> np.ndarray:
    return pd.Series(scores).rank(ascending=False, method="min").to_numpy()


def index_uncertainty(
    model: IndexModel,
    data: Any,
    *,
    factors: Factors | None = None,
    n: int = 1000,
    level: float = 0.90,
    seed: int | None = None,
) -> UncertaintyResult:
    """Monte Carlo over the factors: score and rank intervals for every unit at every node
    (``n`` replicates, an integer ≥ 1; ``level`` in (0, 1))."""
    _require("n", n, Interval(1, None, closed="left", integer=True), "index_uncertainty")
    _require("level", level, Interval(0, 1), "index_uncertainty")
    _require("seed", seed, _SEED, "index_uncertainty")
    factors = factors or Factors()
    nominal, leaves, se, tables, context = _setup(model, data, factors)
    groups = factors.groups(model)
    dim = sum(d for _, d in groups)
    rng = np.random.default_rng(seed)
    nodes = list(model.order)
    n_units = len(nominal.scores)
    score_draws = np.empty((n, len(nodes), n_units))
    rank_draws = np.empty_like(score_draws)
    for r in range(n):
        out = _evaluate(model, factors, leaves, se, rng.random(dim), groups, tables, context)
        for i, node in enumerate(nodes):
            score_draws[r, i] = out[node]
            rank_draws[r, i] = _ranks(out[node])
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    nominal_ranks = nominal.ranks()
    frames = []
    with warnings.catch_warnings():  # a unit whose node is missing in every replicate: NaN bounds
        warnings.simplefilter("ignore", RuntimeWarning)
        for i, node in enumerate(nodes):
            s, rk = score_draws[:, i], rank_draws[:, i]
            frames.append(
                pd.DataFrame(
                    {
                        "unit": nominal.scores.index,
                        "node": node,
                        "score": nominal.scores[node].to_numpy(),
                        "rank": nominal_ranks[node].to_numpy(),
                        "score_median": np.nanmedian(s, axis=0),
                        "score_low": np.nanquantile(s, lo_q, axis=0),
                        "score_high": np.nanquantile(s, hi_q, axis=0),
                        "rank_median": np.nanmedian(rk, axis=0),
                        "rank_low": _int_or_na(np.floor(np.nanquantile(rk, lo_q, axis=0))),
                        "rank_high": _int_or_na(np.ceil(np.nanquantile(rk, hi_q, axis=0))),
                    }
                )
            )
    return UncertaintyResult(pd.concat(frames, ignore_index=True), n, level)


def _int_or_na(x: np.ndarray) -> Any:
    """Whole ranks as a nullable integer column (missing where the node never has a score)."""
    return pd.Series(x).astype("Int64").array


def index_sensitivity(
    model: IndexModel,
    data: Any,
    *,
    factors: Factors | None = None,
    n: int = 256,
    seed: int | None = None,
    nboot: int = 500,
    conf: float = 0.95,
) -> pd.DataFrame:
    """First-order and total-effect indices of each factor group for the mean absolute rank shift
    of the root, with ``conf`` bootstrap intervals (Saltelli 2010 design: n·(k + 2) evaluations
    for k groups; Jansen estimators as R's ``sensitivity::soboljansen``, see
    :mod:`humsec.index.sobol`). Check them with
    :func:`~humsec.index.sobol.sobol_convergence_notes`: at small n they do not converge."""
    owner = "index_sensitivity"
    _require("n", n, Interval(2, None, closed="left", integer=True), owner)
    _require("nboot", nboot, Interval(1, None, closed="left", integer=True), owner)
    _require("conf", conf, Interval(0, 1), owner)
    _require("seed", seed, _SEED, owner)
    factors = factors or Factors()
    nominal, leaves, se, tables, context = _setup(model, data, factors)
    groups = factors.groups(model)
    if not groups:
        raise HumsecError(
            "Nothing varies: give weight noise, operator alternatives or data standard errors."
        )
    dim = sum(d for _, d in groups)
    rng = np.random.default_rng(seed)
    A = rng.random((n, dim))
    B = rng.random((n, dim))
    base_rank = nominal.ranks()[model.root].to_numpy(dtype=np.float64)

    def output(u: np.ndarray) -> float:
        scores = _evaluate(model, factors, leaves, se, u, groups, tables, context)[model.root]
        return float(np.nanmean(np.abs(_ranks(scores) - base_rank)))

    fA = np.array([output(a) for a in A])
    fB = np.array([output(b) for b in B])
    fAB = np.empty((n, len(groups)))
    pos = 0
    for j, (_, d) in enumerate(groups):
        AB = A.copy()
        AB[:, pos : pos + d] = B[:, pos : pos + d]
        pos += d
        fAB[:, j] = [output(ab) for ab in AB]
    names = [name for name, _ in groups]
    return jansen_indices(fA, fB, fAB, names, nboot=nboot, conf=conf, seed=seed)


def uncertainty_notes(
    intervals: pd.DataFrame,
    sensitivity: pd.DataFrame | None,
    root: str,
    model: IndexModel | None = None,
) -> list[str]:
    """What a reader of the intervals and the sensitivity table must know: where the nominal
    score lies outside its own interval (the method choices move scores one way), and where
    the Sobol' indices have not converged (:func:`~humsec.index.sobol.sobol_convergence_notes`).
    """
    notes = []
    at_root = intervals[intervals["node"] == root].dropna(subset=["score", "score_low"])
    outside = (at_root["score"] < at_root["score_low"] - 1e-9) | (
        at_root["score"] > at_root["score_high"] + 1e-9
    )
    if outside.any():
        above = int((at_root["score"] > at_root["score_high"] + 1e-9).sum())
        # name INFORM's "or" only where the model uses it (``model``: the index scored)
        has_or = model is not None and any(n.op == "inform_or" for n in model.nodes.values())
        order = (
            "a geometric mean is never above the arithmetic mean, INFORM's 'or' never below it"
            if has_or
            else "a geometric mean is never above the arithmetic mean"
        )
        notes.append(
            f"the nominal {root} lies outside its interval for {int(outside.sum())} of "
            f"{len(at_root)} units ({above} above it): the alternative methods move scores one "
            f"way ({order}); the interval shows where the alternatives put a unit, not a band "
            "around the nominal score"
        )
    if sensitivity is not None:
        notes += sobol_convergence_notes(sensitivity)
    return notes
