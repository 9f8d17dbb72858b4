"""The AF engine below the estimator: prepare a survey, then its weighted sums, per partition.

:class:`~humsec.AlkireFoster` is built from these steps, and every analysis that needs more than
its tables (robustness, left behind, interlinkages, the multiple needs of ``humsec response``)
uses them too, rather than the engine's private modules:

1. :func:`prepare` validates the data against a specification (cutoffs, weights, design, the
   missing-data policy, labels) and returns a :class:`PreparedSurvey` (numpy arrays, one row
   per person kept, the specification in ``.spec``);
2. :func:`moments` makes the one pass over the persons: the weighted sums behind every measure,
   per finest cell (PSU × round × groups), as a :class:`Moments`;
3. a :class:`Partition` (:meth:`Moments.national`, :meth:`Moments.grouping`) holds the sums per
   (PSU × domain) and gives estimates, influence totals (:meth:`Partition.linearize`) and
   linearised variances (:meth:`Partition.moments`) of the ratios of :meth:`Moments.ratios`
   (the measures of :data:`humsec.af.measures.MEASURES`).

>>> import humsec
>>> from humsec.af import moments, prepare
>>> survey = prepare(humsec.datasets.syn_cdta_spec(), humsec.datasets.load_syn_cdta(), ["region"], k=[33])
>>> sums = moments(survey)
>>> R, U = sums.national().linearize(sums.ratios(["M0"]))
>>> round(float(R[1, 0]), 6)  # M0 of round 2 at k = 33, as AlkireFoster(...).fit(...) reports
0.093951
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from humsec.af._estimates import Partition
from humsec.af._sums import CellTable, build_cells
from humsec.af.measures import MEASURES, SCORE_TOLERANCE, Ratio, catalog
from humsec.af.spec import AFSpec
from humsec.af.survey_table import PreparedSurvey, prepare_survey
from humsec.core.errors import HumsecError
from humsec.core.inference import StratumFactors

__all__ = [
    "MEASURES",
    "SCORE_TOLERANCE",
    "Moments",
    "Partition",
    "PreparedSurvey",
    "Ratio",
    "as_spec",
    "moments",
    "poor",
    "prepare",
]


def as_spec(spec: AFSpec | Mapping[str, Any] | str | Path) -> AFSpec:
    """An :class:`AFSpec` from an AFSpec, a mapping, or a YAML/JSON file path.

    >>> as_spec({"dimensions": {"a": ["x"]}, "k": [100]}).indicator_names
    ('x',)
    """
    if isinstance(spec, AFSpec):
        return spec
    if isinstance(spec, (str, Path)):
        return AFSpec.from_file(spec)
    if isinstance(spec, Mapping):
        return AFSpec.from_dict(spec)
    msg = f"Expected an AFSpec, a mapping or a specification file path; got {type(spec).__name__}."
    raise HumsecError(msg)


def prepare(
    spec: AFSpec | Mapping[str, Any] | str | Path,
    data: Any,
    over: Sequence[str] = (),
    *,
    k: Sequence[float] | None = None,
    value_labels: Mapping[str, Mapping[Any, str]] | None = None,
    source: str | None = None,
) -> PreparedSurvey:
    """The survey validated by the AF engine's own rules, ready for :func:`moments`.

    ``data`` is a dataframe or a survey file. ``over`` names the groupings (``"a*b"`` crosses two
    columns); the specification's own ``over`` is not used (the caller says which groupings it
    needs), and ``k`` (percent) replaces the specification's cutoffs. The resolved specification
    is the survey's ``spec``.
    """
    raw = as_spec(spec).to_dict()
    raw.pop("over", None)
    if k is not None:
        raw["k"] = [float(v) for v in k]
    resolved = AFSpec.from_dict(raw)
    if isinstance(data, (str, Path)):
        from humsec.af.inputs import read_data

        columns = [*resolved.columns(), *(c.strip() for t in over for c in t.split("*"))]
        table = read_data(data, list(dict.fromkeys(columns)))
        data, value_labels, source = table.frame, table.value_labels, str(data)
    return prepare_survey(data, resolved, list(over), value_labels=value_labels, source=source)


def poor(score: np.ndarray, k: float) -> np.ndarray:
    """Who is poor at cutoff ``k`` (percent): ``score ≥ k/100``, within the engine's tolerance.

    >>> poor(np.array([1 / 3 + 1 / 3, 0.5]), 200 / 3).tolist()
    [True, False]
    """
    return np.asarray(score) >= k / 100 - SCORE_TOLERANCE


@dataclass
class Moments:
    """The weighted sums of one pass over the persons, per finest cell, and the design they need.

    Made by :func:`moments`; its partitions give the estimates and variances.
    """

    cells: CellTable
    ks: tuple[float, ...]
    indicators: tuple[str, ...]
    indicator_weights: np.ndarray
    has_missing: bool
    reweighted: bool
    psu_stratum: np.ndarray
    factors: StratumFactors
    n_rounds: int
    round_labels: tuple[str, ...] | None
    groupings: tuple[tuple[str, tuple[str, ...]], ...]  # (name, labels) of each ``over``
    df: float

    def ratios(
        self, measures: Sequence[str] | None = None, indicators: Sequence[str] | None = None
    ) -> list[Ratio]:
        """The ratios of ``measures`` (default all) for the survey's indicators and cutoffs;
        ``indicators`` keeps the per-indicator ones of those indicators only."""
        out = catalog(
            self.indicators,
            self.indicator_weights.tolist(),
            self.ks,
            self.has_missing,
            self.reweighted,
            measures,
        )
        if indicators is None:
            return out
        keep = set(indicators)
        return [r for r in out if not r.indicator or r.indicator in keep]

    def national(self) -> Partition:
        """The whole sample (one domain per survey round)."""
        return Partition.from_cells(self.cells, "national", None, ("",), self.n_rounds)

    def grouping(self, i: int) -> Partition:
        """The ``i``-th ``over`` grouping (its groups × rounds are the domains)."""
        name, labels = self.groupings[i]
        return Partition.from_cells(self.cells, name, self.cells.groups[i], labels, self.n_rounds)

    def partitions(self) -> list[Partition]:
        """The national partition, then every grouping."""
        return [self.national(), *(self.grouping(i) for i in range(len(self.groupings)))]


def moments(survey: PreparedSurvey, k: Sequence[float] | None = None) -> Moments:
    """The one pass over the persons: the weighted sums behind every measure at each ``k``
    (default: the survey's specification's), per finest cell (PSU × round × groups).

    The survey's per-person arrays stay; the estimator releases them after this pass.
    """
    ks = tuple(float(v) for v in (survey.spec.k if k is None else k))
    cells = build_cells(survey, ks)
    return Moments(
        cells=cells,
        ks=ks,
        indicators=survey.indicators,
        indicator_weights=survey.indicator_weights,
        has_missing=survey.observed is not None,
        reweighted=survey.effective_weights is not None,
        psu_stratum=survey.psu_stratum,
        factors=StratumFactors.from_design(survey.psu_stratum, survey.spec.design.lonely_psu),
        n_rounds=survey.rounds.n_groups if survey.rounds else 1,
        round_labels=survey.rounds.labels if survey.rounds else None,
        groupings=tuple((g.name, g.labels) for g in survey.over),
        df=float(survey.n_psu - survey.n_strata),
    )
