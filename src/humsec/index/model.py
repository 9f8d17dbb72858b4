"""A composite index model as data: a tree of nodes over indicator columns.

Each node names its children (other nodes, or data columns: the leaves), an aggregation operator,
optional weights and operator parameters, and a minimum share of children that must be present.
Validation lists every problem at once: unknown operators, weights that do not match, cycles,
nodes unreachable from the root.

>>> model = IndexModel.from_dict({
...     "root": "Risk",
...     "nodes": {"Risk": {"op": "geometric", "children": ["Hazard", "Vulnerability"]},
...               "Hazard": {"op": "arithmetic", "children": ["flood", "drought"], "weights": [2, 1]}},
... })
>>> model.leaves
('flood', 'drought', 'Vulnerability')
>>> model.order
('Hazard', 'Risk')
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from humsec.core.errors import SpecError
from humsec.core.files import read_config
from humsec.core.params import Constraint

__all__ = [
    "MODELS",
    "NORMALISERS",
    "NORMALISE_METHODS",
    "TRANSFORMS",
    "BuiltinModel",
    "Classes",
    "InRegistry",
    "IndexModel",
    "IndicatorSpec",
    "MappingOf",
    "Method",
    "Node",
    "index_model",
    "register_model",
]


@dataclass(frozen=True)
class Method:
    """One entry of a method registry (normalisations, transforms, imputations): what it does, the
    parameters it reads (``required`` ones must be given), and for a transform the values it takes
    (``low``: the smallest allowed, ``low_open``: excluded)."""

    summary: str
    params: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    func: Callable[..., Any] | None = None
    low: float | None = None
    low_open: bool = False


class InRegistry(Constraint):
    """A name in a registry (read when checked, so names registered later count)."""

    def __init__(self, registry: Mapping[str, Any], what: str) -> None:
        self.registry = registry
        self.what = what

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str) and value in self.registry

    def describe(self) -> str:
        return f"the name of {self.what}: one of " + ", ".join(repr(k) for k in self.registry)

    def invalid_examples(self) -> list[Any]:
        return ["__not_a_method__", 1]


class MappingOf(Constraint):
    """None or a mapping whose every value ``inner`` accepts (e.g. ``{indicator: factor}``)."""

    def __init__(self, inner: Constraint) -> None:
        self.inner = inner

    def accepts(self, value: Any) -> bool:
        return value is None or (
            isinstance(value, Mapping) and all(self.inner.accepts(v) for v in value.values())
        )

    def describe(self) -> str:
        return f"a mapping name -> {self.inner.describe()}"

    def invalid_examples(self) -> list[Any]:
        return [{"x": bad} for bad in self.inner.invalid_examples()[:2]] + ["x"]


#: normalisations of a raw indicator (``indicators: {x: {normalise: NAME}}``, ``Normalise(NAME)``,
#: ``--vary-normalise``); ``params`` are the ``Normalise`` arguments (per indicator in a model) it reads
NORMALISERS: dict[str, Method] = {
    "minmax": Method("(x − min)/(max − min) onto the range (min, max learnt on the reference)"),
    "goalposts": Method(
        "(x − lo)/(hi − lo) clipped to [0, 1], onto the range", params=("goalposts", "clip")
    ),
    "log_goalposts": Method("goalposts on log(x) (x > 0)", params=("goalposts", "clip")),
    "zscore": Method("(x − mean)/sd · m_sd[1] + m_sd[0]", params=("m_sd",)),
    "rank": Method("1 + the number of reference values below x"),
    "percentile": Method("(rank − 1)/(n − 1) onto the range"),
    "distance_to_target": Method(
        "1 − (target − x)/(target − min), capped at 1, onto the range",
        params=("target", "clip"),
        required=("target",),
    ),
}
NORMALISE_METHODS = tuple(NORMALISERS)


def _identity(x: Any) -> Any:
    return x


def _log(x: Any) -> Any:
    import numpy as np

    return np.log(x)


def _log10(x: Any) -> Any:
    import numpy as np

    return np.log10(x)


def _sqrt(x: Any) -> Any:
    import numpy as np

    return np.sqrt(x)


#: transforms of a raw indicator before normalisation (``indicators: {x: {transform: NAME}}``)
TRANSFORMS: dict[str, Method] = {
    "none": Method("the value as given", func=_identity),
    "log": Method("natural logarithm (values > 0)", func=_log, low=0.0, low_open=True),
    "log10": Method("base-10 logarithm (values > 0)", func=_log10, low=0.0, low_open=True),
    "sqrt": Method("square root (values ≥ 0)", func=_sqrt, low=0.0),
}


@dataclass(frozen=True)
class IndicatorSpec:
    """How a raw indicator becomes a leaf score: denominator, transform, direction, normalisation."""

    name: str
    direction: float = 1.0  # 1: more is worse (higher score); -1: more is better
    unit: str | None = None
    denominator: str | None = None
    transform: str = "none"
    normalise: str | None = None
    goalposts: tuple[float, float] | None = None
    target: float | None = None
    range: tuple[float, float] = (0.0, 10.0)


@dataclass(frozen=True)
class Node:
    """An aggregate: its children, operator, weights (default equal) and parameters."""

    name: str
    children: tuple[str, ...]
    op: str = "arithmetic"
    weights: tuple[float, ...] | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    min_coverage: float = 0.0  # share of (weighted) children that must be present


@dataclass(frozen=True)
class Classes:
    """Classes of a node's score: ``labels[i]`` for thresholds[i−1] ≤ score < thresholds[i]."""

    node: str
    thresholds: tuple[float, ...]
    labels: tuple[str, ...]


@dataclass(frozen=True)
class IndexModel:
    """The whole tree. ``missing_values`` are cell texts that mean "missing" in input files."""

    root: str
    nodes: Mapping[str, Node]
    name: str | None = None
    classes: tuple[Classes, ...] = ()
    missing_values: tuple[str, ...] = ()
    unit: str = "ISO3"
    indicators: Mapping[str, IndicatorSpec] = field(default_factory=dict)
    # the scale every score lies on, e.g. (0, 10) for INFORM; None: the range of the data's leaves
    scale: tuple[float, float] | None = None
    # the data column that holds the published rank of the root, compared with the recomputed one
    published_rank: str | None = None

    @property
    def leaves(self) -> tuple[str, ...]:
        """Data columns the model reads, in the order they first appear (depth-first from the root)."""
        out: list[str] = []

        def visit(name: str) -> None:
            for child in self.nodes[name].children:
                if child in self.nodes:
                    visit(child)
                elif child not in out:
                    out.append(child)

        visit(self.root)
        return tuple(out)

    @property
    def order(self) -> tuple[str, ...]:
        """Nodes in evaluation order (children before parents)."""
        out: list[str] = []

        def visit(name: str) -> None:
            for child in self.nodes[name].children:
                if child in self.nodes and child not in out:
                    visit(child)
            out.append(name)

        visit(self.root)
        return tuple(out)

    @classmethod
    def from_file(cls, path: str | Path) -> IndexModel:
        """Read a model from a YAML (or JSON) file: one error listing every problem."""
        raw = read_config(path, what="an index model (root, nodes)")
        return cls.from_dict(raw, source=Path(path).name)

    @classmethod
    def from_dict(cls, raw: Any, source: str | None = None) -> IndexModel:
        from humsec.index.operators import OPERATOR_PARAMETERS, OPERATORS

        problems: list[tuple[str, str]] = []
        if not isinstance(raw, Mapping):
            raise SpecError([("(top level)", "expected a mapping with 'root' and 'nodes'")], source)
        known = {
            "root",
            "nodes",
            "name",
            "classes",
            "missing_values",
            "unit",
            "indicators",
            "scale",
            "published_rank",
        }
        problems += [
            (str(k), f"unknown field; expected one of {sorted(known)}")
            for k in raw
            if k not in known
        ]
        for text_field in ("name", "unit", "published_rank"):
            value = raw.get(text_field)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                problems.append((text_field, f"expected a text, got {value!r}"))
        nodes: dict[str, Node] = {}
        raw_nodes = raw.get("nodes")
        if not isinstance(raw_nodes, Mapping) or not raw_nodes:
            problems.append(("nodes", "expected a mapping node -> {op, children, weights}"))
            raw_nodes = {}
        op_params = sorted({k for params in OPERATOR_PARAMETERS.values() for k in params})
        allowed = {"op", "children", "weights", "min_coverage", *op_params}
        for name, body in raw_nodes.items():
            where = f"nodes.{name}"
            if not isinstance(body, Mapping):
                problems.append((where, f"expected a mapping with 'children', got {body!r}"))
                continue
            problems += [
                (f"{where}.{k}", f"unknown field; expected one of {sorted(allowed)}")
                for k in body
                if k not in allowed
            ]
            children = body.get("children")
            if (
                not isinstance(children, list)
                or not children
                or not all(isinstance(c, str) and c.strip() for c in children)
            ):
                problems.append(
                    (where, "a node needs a non-empty list of children (column or node names)")
                )
                continue
            if len(set(children)) != len(children):
                problems.append((f"{where}.children", "a child is listed twice"))
            op = body.get("op", "arithmetic")
            if not isinstance(op, str) or op not in OPERATORS:
                problems.append(
                    (f"{where}.op", f"unknown operator {op!r}; expected one of {sorted(OPERATORS)}")
                )
            weights = body.get("weights")
            if weights is not None:
                if not isinstance(weights, list) or len(weights) != len(children):
                    problems.append(
                        (
                            f"{where}.weights",
                            f"expected {len(children)} weights (one per child), got {weights!r}",
                        )
                    )
                    weights = None
                elif any(
                    isinstance(w, bool)
                    or not isinstance(w, (int, float))
                    or not math.isfinite(w)
                    or w <= 0
                    for w in weights
                ) or not math.isfinite(sum(float(w) for w in weights)):
                    problems.append(
                        (
                            f"{where}.weights",
                            f"weights must be finite positive numbers (their sum finite too), got {weights}",
                        )
                    )
                    weights = None
            params = {k: body[k] for k in op_params if k in body}
            takes = OPERATOR_PARAMETERS.get(op, {}) if isinstance(op, str) else {}
            for key, value in params.items():
                if key not in takes:
                    ops_taking = sorted(o for o, ps in OPERATOR_PARAMETERS.items() if key in ps)
                    problems.append(
                        (
                            f"{where}.{key}",
                            f"a parameter of {', '.join(ops_taking)}, not of operator {op!r}",
                        )
                    )
                elif not takes[key].accepts(value):
                    problems.append((f"{where}.{key}", f"expected {takes[key].describe()}, got {value!r}"))
            if "scales" in params and isinstance(params["scales"], list) and (
                len(params["scales"]) != len(children)
            ):
                problems.append(
                    (
                        f"{where}.scales",
                        f"expected {len(children)} scale factors, got {params['scales']!r}",
                    )
                )
            cov = body.get("min_coverage", 0.0)
            if (
                isinstance(cov, bool)
                or not isinstance(cov, (int, float))
                or not 0 <= cov <= 1
            ):
                problems.append(
                    (f"{where}.min_coverage", f"expected a share in [0, 1], got {cov!r}")
                )
                cov = 0.0
            nodes[str(name)] = Node(
                str(name),
                tuple(children),
                op,
                None if weights is None else tuple(float(w) for w in weights),
                params,
                float(cov),
            )
        problems += _near_node_names(nodes)
        root = raw.get("root")
        if not isinstance(root, str) or root not in nodes:
            problems.append(("root", f"expected the name of one of the nodes, got {root!r}"))
        else:
            problems += _graph_problems(root, nodes)
        classes = []
        raw_classes = raw.get("classes") or []
        if not isinstance(raw_classes, list):
            problems.append(("classes", f"expected a list of {{node, thresholds, labels}}, got {raw_classes!r}"))
            raw_classes = []
        for i, c in enumerate(raw_classes):
            where = f"classes[{i}]"
            try:
                th = tuple(float(t) for t in c["thresholds"])
                labels = tuple(str(lab) for lab in c["labels"])
                node = str(c["node"])
            except (KeyError, TypeError, ValueError):
                problems.append((where, "expected {node, thresholds: [...], labels: [...]}"))
                continue
            if not all(math.isfinite(t) for t in th):
                problems.append((f"{where}.thresholds", f"expected finite numbers, got {list(th)}"))
            if len(labels) != len(th) + 1 or list(th) != sorted(th):
                problems.append(
                    (where, "give increasing thresholds and one label more than thresholds")
                )
            if node not in nodes:
                problems.append((f"{where}.node", f"{node!r} is not a node"))
            classes.append(Classes(node, th, labels))
        missing = raw.get("missing_values") or []
        if not isinstance(missing, list) or not all(
            isinstance(m, (str, int, float)) and not isinstance(m, bool) for m in missing
        ):
            problems.append(
                ("missing_values", f"expected a list of cell texts such as ['x', 'n/a'], got {missing!r}")
            )
            missing = []
        indicators = _parse_indicators(raw.get("indicators") or {}, nodes, problems)
        scale = raw.get("scale")
        if scale is not None and not (
            isinstance(scale, list)
            and len(scale) == 2
            and all(_finite_number(v) for v in scale)
            and scale[0] < scale[1]
        ):
            problems.append(
                ("scale", f"expected [low, high], finite numbers with low < high, got {scale!r}")
            )
            scale = None
        if problems:
            raise SpecError(problems, source)
        model = cls(
            str(root),
            nodes,
            raw.get("name"),
            tuple(classes),
            tuple(str(m) for m in missing),
            str(raw.get("unit", "ISO3")),
            indicators,
            None if scale is None else (float(scale[0]), float(scale[1])),
            None if raw.get("published_rank") is None else str(raw["published_rank"]),
        )
        unknown = [name for name in indicators if name not in model.leaves]
        if unknown:
            msg = f"not leaves of the tree: {unknown}; leaves are {list(model.leaves)}"
            raise SpecError([("indicators", msg)], source)
        return model


def _finite_number(value: Any) -> bool:
    return (
        isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    )


def _near_node_names(nodes: Mapping[str, Node]) -> list[tuple[str, str]]:
    """A child that is not a node but differs from one only by case or surrounding spaces: it
    would be read as a data column (missing for every unit), so it is named as a problem."""
    folded = {n.strip().casefold(): n for n in nodes}
    problems = []
    for node in nodes.values():
        for child in node.children:
            near = folded.get(child.strip().casefold())
            if child not in nodes and near is not None:
                problems.append(
                    (
                        f"nodes.{node.name}.children",
                        f"{child!r} is not a node but differs from node {near!r} only by "
                        "case or spaces; use one spelling",
                    )
                )
    return problems


def _parse_indicators(
    raw: Any, nodes: Mapping[str, Node], problems: list[tuple[str, str]]
) -> dict[str, IndicatorSpec]:
    """The ``indicators`` block: one entry per leaf that needs construction before aggregation."""
    if not isinstance(raw, Mapping):
        problems.append(
            ("indicators", "expected a mapping indicator -> {direction, normalise, ...}")
        )
        return {}
    allowed = {
        "direction",
        "unit",
        "denominator",
        "transform",
        "normalise",
        "goalposts",
        "target",
        "range",
    }
    out: dict[str, IndicatorSpec] = {}
    for name, body in raw.items():
        where = f"indicators.{name}"
        if not isinstance(body, Mapping):
            problems.append((where, f"expected a mapping, got {body!r}"))
            continue
        problems += [
            (f"{where}.{k}", f"unknown field; expected one of {sorted(allowed)}")
            for k in body
            if k not in allowed
        ]
        if str(name) in nodes:
            problems.append((where, "is a node, not an indicator"))
        direction = body.get("direction")
        if isinstance(direction, bool) or direction not in (1, -1):
            msg = f"missing or invalid: give 1 (more is worse) or -1 (more is better), got {direction!r}"
            problems.append((f"{where}.direction", msg))
            direction = 1
        transform = body.get("transform", "none")
        if not isinstance(transform, str) or transform not in TRANSFORMS:
            problems.append(
                (f"{where}.transform", f"expected one of {list(TRANSFORMS)}, got {transform!r}")
            )
            transform = "none"
        method = body.get("normalise")
        if method is not None and (not isinstance(method, str) or method not in NORMALISERS):
            problems.append(
                (f"{where}.normalise", f"expected one of {list(NORMALISERS)}, got {method!r}")
            )
            method = None
        goalposts = body.get("goalposts")
        if goalposts is not None and not (
            isinstance(goalposts, list)
            and len(goalposts) == 2
            and all(_finite_number(g) for g in goalposts)
            and goalposts[0] < goalposts[1]
        ):
            problems.append(
                (
                    f"{where}.goalposts",
                    f"expected [low, high], finite numbers with low < high, got {goalposts!r}",
                )
            )
            goalposts = None
        target = body.get("target")
        if target is not None and not _finite_number(target):
            problems.append((f"{where}.target", f"expected a finite number, got {target!r}"))
            target = None
        required = NORMALISERS[method].required if method is not None else ()
        if "target" in required and target is None:
            problems.append((f"{where}.target", f"normalise {method!r} needs a numeric target"))
        rng = body.get("range", [0, 10])
        if not (
            isinstance(rng, list)
            and len(rng) == 2
            and all(_finite_number(v) for v in rng)
            and rng[0] < rng[1]
        ):
            problems.append(
                (f"{where}.range", f"expected [low, high], finite numbers with low < high, got {rng!r}")
            )
            rng = [0, 10]
        denominator = body.get("denominator")
        unit = body.get("unit")
        out[str(name)] = IndicatorSpec(
            str(name),
            float(direction),
            None if unit is None else str(unit),
            None if denominator is None else str(denominator),
            str(transform),
            method,
            None if goalposts is None else (float(goalposts[0]), float(goalposts[1])),
            None if target is None else float(target),
            (float(rng[0]), float(rng[1])),
        )
    return out


def _graph_problems(root: str, nodes: Mapping[str, Node]) -> list[tuple[str, str]]:
    """Cycles and nodes that the root never reaches (orphans)."""
    problems: list[tuple[str, str]] = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for child in nodes[name].children:
            if child not in nodes:
                continue
            if state.get(child) == 1:
                cycle = " -> ".join([*path[path.index(child) :], child]) if child in path else child
                problems.append((f"nodes.{name}", f"cycle in the tree: {cycle}"))
            elif state.get(child) is None:
                visit(child, [*path, child])
        state[name] = 2

    visit(root, [root])
    orphans = [n for n in nodes if n not in state]
    if orphans:
        problems.append(("nodes", f"node(s) not reachable from the root {root!r}: {orphans}"))
    return problems


@dataclass(frozen=True)
class BuiltinModel:
    """A built-in index model: its name, what it is, how to load it and, where the model scores
    constructed data, how to prepare the input (``prepare(frame) -> (frame, notes)``)."""

    name: str
    summary: str
    load: Callable[[], IndexModel]
    prepare: Callable[[Any], tuple[Any, list[str]]] | None = None


def _shipped(name: str) -> Callable[[], IndexModel]:
    def load() -> IndexModel:
        path = Path(str(resources.files("humsec.datasets") / "models" / f"{name}.yaml"))
        return IndexModel.from_file(path)

    return load


def _coinr_asem_model() -> IndexModel:
    from humsec.index.coinr_asem import coinr_asem_model

    return coinr_asem_model()


def _coinr_asem_prepare(frame: Any) -> tuple[Any, list[str]]:
    from humsec.index.coinr_asem import coinr_asem_prepare

    return coinr_asem_prepare(frame)


#: the built-in index models, declared once: ``humsec index MODEL``, its help, ``index_model`` and
#: docs/index.md read this table (``tests/index/test_registries.py`` keeps the docs in step)
MODELS: dict[str, BuiltinModel] = {}


def register_model(model: BuiltinModel) -> None:
    """Add a built-in index model usable by name (``humsec index NAME``, ``index_model(NAME)``)."""
    MODELS[model.name] = model


for _model in (
    BuiltinModel(
        "inform-2020",
        "INFORM Risk Index 2020 from its published components",
        _shipped("inform-2020"),
    ),
    BuiltinModel(
        "inform-2025",
        "INFORM Risk Index 2025 from its published components",
        _shipped("inform-2025"),
    ),
    BuiltinModel(
        "coinr-asem",
        "COINr's ASEM example: its construction (denominate, impute, screen, treat outliers), "
        "then min-max 0–100 and weighted means",
        _coinr_asem_model,
        _coinr_asem_prepare,
    ),
):
    register_model(_model)

#: names of the built-in models (kept for ``humsec.datasets``)
BUILTIN_INDEX_MODELS = tuple(MODELS)


def index_model(name_or_path: str | Path) -> IndexModel:
    """A built-in index model by name (see :data:`MODELS`) or a model YAML file.

    >>> index_model("inform-2020").root
    'INFORM RISK'
    """
    if str(name_or_path) in MODELS:
        return MODELS[str(name_or_path)].load()
    path = Path(name_or_path)
    if not path.exists():
        msg = f"{str(name_or_path)!r} is neither a built-in model {list(MODELS)} nor a file"
        raise SpecError([("model", msg)])
    return IndexModel.from_file(path)
