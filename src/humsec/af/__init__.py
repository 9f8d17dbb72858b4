"""Alkire-Foster measurement: the estimator, its result, the engine API below it, the analyses on it.

Other domains use the names listed here, never the ``_private`` modules. Names are imported on
first use, so ``import humsec.af`` (as the CLI does) loads neither pandas nor numba.

- the estimator: :class:`AlkireFoster` → :class:`AFResult`; the specification :class:`AFSpec`;
- the measures, declared once: :data:`MEASURES` (:mod:`humsec.af.measures`);
- the engine below the estimator (:mod:`humsec.af.api`): :func:`prepare` (a validated
  :class:`PreparedSurvey`), :func:`moments` (its weighted sums, :class:`Moments`), whose
  :class:`Partition` objects give estimates and linearised variances, and :func:`poor`;
- analyses: :func:`humsec.af.left_behind.left_behind` (a module of the same name, so not
  re-exported here), :func:`robustness_analysis`, :func:`co_deprivation`,
  :func:`area_correlations`, :func:`cluster_threats`.

>>> import humsec.af
>>> humsec.af.MEASURES[0].name, humsec.af.prepare.__module__
('H', 'humsec.af.api')
"""

from typing import TYPE_CHECKING

from humsec.core.lazy import lazy_names

_LAZY = {
    "AlkireFoster": "humsec.af.engine",
    "AFResult": "humsec.af.result",
    "Provenance": "humsec.af.result",
    "AFSpec": "humsec.af.spec",
    "MEASURES": "humsec.af.measures",
    "MEASURE": "humsec.af.measures",
    "Measure": "humsec.af.measures",
    "SCORE_TOLERANCE": "humsec.af.measures",
    "Moments": "humsec.af.api",
    "Partition": "humsec.af.api",
    "PreparedSurvey": "humsec.af.api",
    "Ratio": "humsec.af.api",
    "as_spec": "humsec.af.api",
    "moments": "humsec.af.api",
    "poor": "humsec.af.api",
    "prepare": "humsec.af.api",
    "LeftBehindResult": "humsec.af.left_behind",
    "RobustnessResult": "humsec.af.robustness",
    "robustness_analysis": "humsec.af.robustness",
    "AreaCorrelationResult": "humsec.af.interlinkages",
    "InterlinkageResult": "humsec.af.interlinkages",
    "area_correlations": "humsec.af.interlinkages",
    "cluster_threats": "humsec.af.interlinkages",
    "co_deprivation": "humsec.af.interlinkages",
}

if TYPE_CHECKING:
    from humsec.af.api import (
        Moments,
        Partition,
        PreparedSurvey,
        Ratio,
        as_spec,
        moments,
        poor,
        prepare,
    )
    from humsec.af.engine import AlkireFoster
    from humsec.af.interlinkages import (
        AreaCorrelationResult,
        InterlinkageResult,
        area_correlations,
        cluster_threats,
        co_deprivation,
    )
    from humsec.af.left_behind import LeftBehindResult
    from humsec.af.measures import MEASURE, MEASURES, SCORE_TOLERANCE, Measure
    from humsec.af.result import AFResult, Provenance
    from humsec.af.robustness import RobustnessResult, robustness_analysis
    from humsec.af.spec import AFSpec


__getattr__, __dir__ = lazy_names(__name__, _LAZY)


__all__ = [
    "MEASURE",
    "MEASURES",
    "SCORE_TOLERANCE",
    "AFResult",
    "AFSpec",
    "AlkireFoster",
    "AreaCorrelationResult",
    "InterlinkageResult",
    "LeftBehindResult",
    "Measure",
    "Moments",
    "Partition",
    "PreparedSurvey",
    "Provenance",
    "Ratio",
    "RobustnessResult",
    "area_correlations",
    "as_spec",
    "cluster_threats",
    "co_deprivation",
    "moments",
    "poor",
    "prepare",
    "robustness_analysis",
]
