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

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from humsec.core.errors import SpecError

__all__ = ["NORMALISE_METHODS", "TRANSFORMS", "Classes", "IndexModel", "IndicatorSpec", "Node"]

NORMALISE_METHODS = (
    "minmax",
    "goalposts",
    "log_goalposts",
    "zscore",
    "rank",
    "percentile",
    "distance_to_target",
)
TRANSFORMS = ("none", "log", "log10", "sqrt")


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
        path = Path(path)
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SpecError([("file", f"no such file: {path}")], str(path)) from None
        except yaml.YAMLError as exc:
            raise SpecError([("file", f"cannot parse: {exc}")], str(path)) from None
        return cls.from_dict(raw, source=str(path))

    @classmethod
    def from_dict(cls, raw: Any, source: str | None = None) -> IndexModel:
        from humsec.index.operators import OPERATORS

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
        nodes: dict[str, Node] = {}
        raw_nodes = raw.get("nodes")
        if not isinstance(raw_nodes, Mapping) or not raw_nodes:
            problems.append(("nodes", "expected a mapping node -> {op, children, weights}"))
            raw_nodes = {}
        for name, body in raw_nodes.items():
            where = f"nodes.{name}"
            if not isinstance(body, Mapping):
                problems.append((where, f"expected a mapping with 'children', got {body!r}"))
                continue
            allowed = {"op", "children", "weights", "min_coverage", "scales", "p", "top"}
            problems += [
                (f"{where}.{k}", f"unknown field; expected one of {sorted(allowed)}")
                for k in body
                if k not in allowed
            ]
            children = body.get("children")
            if (
                not isinstance(children, list)
                or not children
                or not all(isinstance(c, str) for c in children)
            ):
                problems.append(
                    (where, "a node needs a non-empty list of children (column or node names)")
                )
                continue
            if len(set(children)) != len(children):
                problems.append((f"{where}.children", "a child is listed twice"))
            op = body.get("op", "arithmetic")
            if op not in OPERATORS:
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
                elif any(not isinstance(w, (int, float)) or w <= 0 for w in weights):
                    problems.append(
                        (f"{where}.weights", f"weights must be positive numbers, got {weights}")
                    )
                    weights = None
            params = {k: body[k] for k in ("scales", "p", "top") if k in body}
            if "scales" in params and (
                not isinstance(params["scales"], list) or len(params["scales"]) != len(children)
            ):
                problems.append(
                    (
                        f"{where}.scales",
                        f"expected {len(children)} scale factors, got {params['scales']!r}",
                    )
                )
            cov = body.get("min_coverage", 0.0)
            if not isinstance(cov, (int, float)) or not 0 <= cov <= 1:
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
        root = raw.get("root")
        if not isinstance(root, str) or root not in nodes:
            problems.append(("root", f"expected the name of one of the nodes, got {root!r}"))
        else:
            problems += _graph_problems(root, nodes)
        classes = []
        for i, c in enumerate(raw.get("classes") or []):
            where = f"classes[{i}]"
            try:
                th = tuple(float(t) for t in c["thresholds"])
                labels = tuple(str(lab) for lab in c["labels"])
                node = str(c["node"])
            except (KeyError, TypeError, ValueError):
                problems.append((where, "expected {node, thresholds: [...], labels: [...]}"))
                continue
            if len(labels) != len(th) + 1 or list(th) != sorted(th):
                problems.append(
                    (where, "give increasing thresholds and one label more than thresholds")
                )
            if node not in nodes:
                problems.append((f"{where}.node", f"{node!r} is not a node"))
            classes.append(Classes(node, th, labels))
        missing = raw.get("missing_values") or []
        indicators = _parse_indicators(raw.get("indicators") or {}, nodes, problems)
        scale = raw.get("scale")
        if scale is not None and not (
            isinstance(scale, list)
            and len(scale) == 2
            and all(isinstance(v, (int, float)) for v in scale)
            and scale[0] < scale[1]
        ):
            problems.append(("scale", f"expected [low, high] with low < high, got {scale!r}"))
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
        if direction not in (1, -1):
            msg = f"missing or invalid: give 1 (more is worse) or -1 (more is better), got {direction!r}"
            problems.append((f"{where}.direction", msg))
            direction = 1
        transform = body.get("transform", "none")
        if transform not in TRANSFORMS:
            problems.append(
                (f"{where}.transform", f"expected one of {list(TRANSFORMS)}, got {transform!r}")
            )
        method = body.get("normalise")
        if method is not None and method not in NORMALISE_METHODS:
            problems.append(
                (f"{where}.normalise", f"expected one of {list(NORMALISE_METHODS)}, got {method!r}")
            )
        goalposts = body.get("goalposts")
        if goalposts is not None and not (
            isinstance(goalposts, list)
            and len(goalposts) == 2
            and all(isinstance(g, (int, float)) for g in goalposts)
            and goalposts[0] < goalposts[1]
        ):
            problems.append(
                (f"{where}.goalposts", f"expected [low, high] with low < high, got {goalposts!r}")
            )
            goalposts = None
        target = body.get("target")
        if method == "distance_to_target" and not isinstance(target, (int, float)):
            problems.append((f"{where}.target", "distance to target needs a numeric target"))
        rng = body.get("range", [0, 10])
        if not (isinstance(rng, list) and len(rng) == 2 and rng[0] < rng[1]):
            problems.append((f"{where}.range", f"expected [low, high], got {rng!r}"))
            rng = [0, 10]
        denominator = body.get("denominator")
        out[str(name)] = IndicatorSpec(
            str(name),
            float(direction),
            body.get("unit"),
            None if denominator is None else str(denominator),
            str(transform),
            method,
            None if goalposts is None else (float(goalposts[0]), float(goalposts[1])),
            None if not isinstance(target, (int, float)) else float(target),
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


#: built-in composite index models (``humsec index MODEL``), shipped as YAML in ``humsec/datasets/models``
BUILTIN_INDEX_MODELS = ("inform-2020", "inform-2025")


def index_model(name_or_path: str | Path) -> IndexModel:
    """A built-in index model by name (see :data:`BUILTIN_INDEX_MODELS`) or a model YAML file.

    >>> index_model("inform-2020").root
    'INFORM RISK'
    """
    if str(name_or_path) in BUILTIN_INDEX_MODELS:
        path = Path(str(resources.files("humsec.datasets") / "models" / f"{name_or_path}.yaml"))
        return IndexModel.from_file(path)
    path = Path(name_or_path)
    if not path.exists():
        msg = f"{str(name_or_path)!r} is neither a built-in model {list(BUILTIN_INDEX_MODELS)} nor a file"
        raise SpecError([("model", msg)])
    return IndexModel.from_file(path)
