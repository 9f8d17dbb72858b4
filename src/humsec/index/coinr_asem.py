"""COINr's ASEM example, built with humsec's construction steps (reproduces COINr to 1e-9).

Denominate → Impute (group mean) → Screen → TreatOutliers → Normalise (min-max 0–100) → Aggregate
(weighted arithmetic mean), as COINr's ``build_example_coin()``; checked stage by stage against
COINr's own output in ``tests/index/test_coinr_asem.py``.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from importlib import resources
from typing import ClassVar

import pandas as pd

from humsec.core.checks import clean_labels, require_numbers
from humsec.core.errors import ColumnNotFoundError, DataError
from humsec.core.result import ResultBase
from humsec.index.construct import (
    Aggregate,
    Denominate,
    Impute,
    Normalise,
    Screen,
    Step,
    TreatOutliers,
)
from humsec.index.model import IndexModel

__all__ = [
    "ConstructionResult",
    "build_coinr_asem",
    "coinr_asem_index",
    "coinr_asem_model",
    "coinr_asem_prepare",
    "load_coinr_asem",
]


def load_coinr_asem() -> tuple[pd.DataFrame, pd.DataFrame]:
    """COINr's ASEM example: ``(iData, iMeta)`` as shipped in ``humsec/datasets/coinr_asem``.

    ``iData``: 51 countries (``uCode`` ISO3) × groups, denominators and 49 indicators; ``iMeta``:
    the indicator tree (``Level``, ``iCode``, ``Direction``, ``Weight``, ``Denominator``,
    ``Parent``, ``Type``, ...). MIT licence, W. Becker: see ``SOURCE.md`` beside the data.

    >>> data, meta = load_coinr_asem()
    >>> data.shape, int((meta["Type"] == "Indicator").sum())
    ((51, 60), 49)
    """
    base = resources.files("humsec.datasets") / "coinr_asem"
    with (base / "ASEM_iData.csv").open("rb") as fh:
        data = pd.read_csv(fh)
    with (base / "ASEM_iMeta.csv").open("rb") as fh:
        meta = pd.read_csv(fh)
    return data, meta


@dataclass
class ConstructionResult(ResultBase):
    """Every stage of a composite-indicator build, the fitted steps and the final scores.

    ``stages`` maps the stage name (``Raw``, ``Denominated``, ``Imputed``, ``Screened``, ``Treated``,
    ``Normalised``, ``Aggregated``) to a frame (units × indicators, plus the aggregates in the
    last); ``scores`` holds the aggregates only and ``ranks`` their ranks (1 = highest; ties take
    the smaller rank). ``steps`` are the fitted transformers: :meth:`transform` applies them to
    another year's data. ``to_frame(table)`` gives ``scores``, ``ranks``, ``treatment`` (the
    outlier treatment per indicator) or ``imputed`` (cells filled) as tidy frames.
    """

    tables: ClassVar[tuple[str, ...]] = ("scores", "ranks", "treatment", "imputed")

    stages: dict[str, pd.DataFrame]
    steps: dict[str, Step]
    scores: pd.DataFrame
    ranks: pd.DataFrame
    indicators: list[str]
    treat_details: pd.DataFrame
    imputed: pd.DataFrame
    removed_units: list[Hashable] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def _frame(self, table: str) -> pd.DataFrame:
        if table == "treatment":
            return self.treat_details.reset_index()
        if table == "imputed":
            flags = self.imputed.rename_axis("unit").reset_index()
            return flags.melt(id_vars="unit", var_name="indicator", value_name="imputed")
        frame = self.scores if table == "scores" else self.ranks
        long = frame.rename_axis("unit").reset_index()
        return long.melt(id_vars="unit", var_name="node", value_name=table[:-1])

    def summary(self) -> str:
        """The build in a few lines: units, stages, cells imputed, points treated, top units."""
        root = self.scores.columns[-1]
        top = self.ranks[root].sort_values().head(5)
        lines = [
            f"Composite indicator build: {len(self.scores)} units, {len(self.indicators)} "
            f"indicators, {self.scores.shape[1]} aggregates",
            f"stages: {', '.join(self.stages)}",
            f"imputed cells: {int(self.imputed.to_numpy().sum())}; Winsorised points: "
            f"{int(self.treat_details['n_winsorised'].sum())}; units screened out: "
            f"{len(self.removed_units)}",
            f"highest {root}: {', '.join(str(u) for u in top.index)}",
        ]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Run another year's data (same columns, units as index) through the fitted steps.

        Denominators and screening use that year's data; imputation fills with the reference
        year's group means; treatment and normalisation use the reference year's limits.
        """
        out = frame
        for step in self.steps.values():
            out = step.transform(out)
        return out


def build_coinr_asem(data: pd.DataFrame | None = None) -> ConstructionResult:
    """Run COINr's example build (``build_example_coin()``) on the shipped ASEM data, or on ``data``
    laid out as ``ASEM_iData`` (``uCode``, groups, denominators, indicator columns by iCode).

    Denominate (17 indicators by ``GDP``, ``Population``, ``Area`` or ``Energy``, per iMeta) →
    Impute (mean of the unit's ``EurAsia_group``) → Screen (≥ 90 % of indicators available) →
    TreatOutliers (COINr default: Winsorise up to 5 points, else log) → Normalise (min-max 0–100,
    iMeta directions) → Aggregate (weighted arithmetic mean per level, iMeta weights).

    >>> res = build_coinr_asem()
    >>> res.ranks["Index"].sort_values().head(3).index.tolist()
    ['CHE', 'NLD', 'DNK']
    >>> int(res.imputed.to_numpy().sum()), int(res.treat_details["n_winsorised"].sum())
    (65, 35)
    """
    shipped, meta = load_coinr_asem()
    data = shipped if data is None else data
    ind = meta[meta["Type"] == "Indicator"]
    codes = [str(c) for c in ind["iCode"]]
    with_denom = ind[ind["Denominator"].notna()]
    data, notes = _checked(data, codes, sorted(set(with_denom["Denominator"].astype(str))))
    data = data.set_index("uCode")
    denoms = dict(
        zip(with_denom["iCode"].astype(str), with_denom["Denominator"].astype(str), strict=True)
    )
    directions = dict(zip(codes, ind["Direction"].astype(float), strict=True))
    tree = meta[meta["Parent"].notna()]
    parents = dict(zip(tree["iCode"].astype(str), tree["Parent"].astype(str), strict=True))
    weights = dict(zip(tree["iCode"].astype(str), tree["Weight"].astype(float), strict=True))
    steps: dict[str, Step] = {
        "Denominated": Denominate(denoms),
        "Imputed": Impute("group_mean", group="EurAsia_group", columns=codes),
        "Screened": Screen(min_share=0.9, columns=codes),
        "Treated": TreatOutliers(skew_max=2, kurt_max=3.5, max_winsorised=5, columns=codes),
        "Normalised": Normalise(
            "minmax",
            range=(0, 100),
            directions=directions,
            columns=codes,
        ),
        "Aggregated": Aggregate(parents, weights=weights),
    }
    stages: dict[str, pd.DataFrame] = {"Raw": data[codes].astype(float)}
    frame = data
    for name, step in steps.items():
        frame = step.fit_transform(frame)
        stages[name] = frame[codes] if name != "Aggregated" else frame
    agg = steps["Aggregated"]
    assert isinstance(agg, Aggregate)
    nodes = agg.order_
    stages["Aggregated"] = frame[codes + nodes]
    scores = frame[nodes]
    ranks = scores.rank(ascending=False, method="min").astype("Int64")
    treat, imp, screen = steps["Treated"], steps["Imputed"], steps["Screened"]
    assert isinstance(treat, TreatOutliers)
    assert isinstance(imp, Impute)
    assert isinstance(screen, Screen)
    assert treat.details_ is not None
    assert imp.imputed_ is not None
    return ConstructionResult(
        stages=stages,
        steps=steps,
        scores=scores,
        ranks=ranks,
        indicators=codes,
        treat_details=treat.details_,
        imputed=imp.imputed_,
        removed_units=list(screen.removed_),
        notes=notes,
    )


def _checked(
    data: pd.DataFrame, codes: list[str], denominators: list[str]
) -> tuple[pd.DataFrame, list[str]]:
    """The input as the build needs it: every column present, units named once (surrounding
    spaces removed with a note; spellings differing only by case refused), finite numbers."""
    from humsec.core.checks import require_unique_columns

    require_unique_columns(data.columns)
    missing = [c for c in ("uCode", "EurAsia_group", *denominators, *codes) if c not in data.columns]
    if missing:
        raise ColumnNotFoundError(missing, [str(c) for c in data.columns])
    data = data.reset_index(drop=True)
    notes: list[str] = []
    if data["uCode"].isna().any():
        rows = [int(i) + 2 for i in data.index[data["uCode"].isna()]]
        raise DataError(f"Column 'uCode': every unit needs a code; rows {rows[:10]} have none.")
    units, notes = clean_labels(data["uCode"], column="uCode")
    repeated = units[units.duplicated()].unique().tolist()
    if repeated:
        raise DataError(f"Column 'uCode': units must be unique; repeated: {repeated[:10]}.")
    groups, group_notes = clean_labels(data["EurAsia_group"], column="EurAsia_group")
    data = data.assign(uCode=units, EurAsia_group=groups)
    for col in [*codes, *denominators]:
        require_numbers(data[col], column=col, allow_missing=True)
    return data, notes + group_notes


def coinr_asem_model() -> IndexModel:
    """The ASEM build's tree as an index model: min-max onto 0–100 with iMeta's directions,
    aggregated by weighted arithmetic means with iMeta's weights (``humsec index coinr-asem``).

    >>> coinr_asem_model().root
    'Index'
    """
    _, meta = load_coinr_asem()
    tree = meta[meta["Parent"].notna()]
    children: dict[str, list[str]] = {}
    weights: dict[str, list[float]] = {}
    for code, parent, weight in zip(tree["iCode"], tree["Parent"], tree["Weight"], strict=True):
        children.setdefault(str(parent), []).append(str(code))
        weights.setdefault(str(parent), []).append(float(weight))
    roots = [p for p in children if p not in set(tree["iCode"].astype(str))]
    ind = meta[meta["Type"] == "Indicator"]
    return IndexModel.from_dict(
        {
            "name": "COINr ASEM example",
            "unit": "uCode",
            "root": roots[0],
            "scale": [0, 100],
            "nodes": {
                p: {"op": "arithmetic", "children": kids, "weights": weights[p]}
                for p, kids in children.items()
            },
            "indicators": {
                str(code): {"direction": int(d), "normalise": "minmax", "range": [0, 100]}
                for code, d in zip(ind["iCode"], ind["Direction"], strict=True)
            },
        }
    )


def coinr_asem_index(data: pd.DataFrame | None = None) -> tuple[IndexModel, pd.DataFrame, str]:
    """COINr's ASEM build as an index model and its input, so that everything ``humsec index``
    does for a model (rounding, uncertainty and sensitivity, HTML page, map) works on it.

    Returns ``(model, treated, summary)``: the model normalises each indicator min-max onto 0–100
    with iMeta's direction and aggregates with iMeta's weights (the ``Normalise`` and ``Aggregate``
    steps of :func:`build_coinr_asem`); ``treated`` is the data after denomination, imputation,
    screening and outlier treatment (column ``uCode`` and the indicators), on which the model
    reproduces :func:`build_coinr_asem`'s scores; ``summary`` says what the construction did.

    >>> from humsec.index.composite import CompositeIndex
    >>> model, treated, summary = coinr_asem_index()
    >>> res = CompositeIndex(model).fit(treated)
    >>> float((res.scores - build_coinr_asem().scores[list(res.scores.columns)]).abs().max().max()) < 1e-9
    True
    >>> summary
    'COINr ASEM: 51 units; imputed cells 65; Winsorised points 35'
    """
    treated, notes = coinr_asem_prepare(data)
    return coinr_asem_model(), treated, notes[0]


def coinr_asem_prepare(data: pd.DataFrame | None = None) -> tuple[pd.DataFrame, list[str]]:
    """The ASEM construction up to outlier treatment, as ``humsec index coinr-asem`` scores it:
    the treated data (column ``uCode`` and the indicators) and the notes (a summary first)."""
    res = build_coinr_asem(data)
    treated = res.stages["Treated"].rename_axis("uCode").reset_index()
    summary = (
        f"COINr ASEM: {len(treated)} units; imputed cells {int(res.imputed.to_numpy().sum())}; "
        f"Winsorised points {int(res.treat_details['n_winsorised'].sum())}"
    )
    return treated, [summary, *res.notes]
