"""The Alkire-Foster measures, declared once: what each is a share of and how the sums give it.

Every AF measure is a ratio of two weighted sums over a domain (the whole sample, a subgroup, a
survey round), ``estimate = scale · Σ numerator / Σ denominator``; the sums are the columns of the
one pass over persons (:func:`humsec.af.api.moments`). This table is read by the estimator
(which ratios to compute, in which order, which get change rows), the result (the order of
measures, the headline measures of the summary), the CLI help, the left-behind and robustness
analyses (which measures they compare) and the docs table (``docs/af.md``, checked by a test).

Adding a measure is one row here and, if it needs a sum the pass does not yet make, that sum
(``humsec.af._kernels.accumulate_cells`` and its column names in ``kernel_columns``).

The sums (their names in ``numerator``/``denominator``/``count``; ``{k}`` and ``{j}`` are filled
in with the cutoff and the indicator):

======== ================================================================
``n``     persons;  ``w``: Σ s (sampling weights)
``wg|j``  Σ s·g_j (deprived in j)
``wo|j``  Σ s over persons observed in j;  ``no|j``: their number (only with missing values)
``np|k``  poor persons;  ``wp|k``: Σ s·poor;  ``wcp|k``: Σ s·c·poor (c the score)
``wgp|j|k``  Σ s·g_j·poor;  ``wvgp|j|k``: Σ s·v_j·g_j·poor (v the person's own weights)
======== ================================================================

>>> [m.name for m in MEASURES]
['H', 'A', 'M0', 'hd', 'hdk', 'actb', 'pctb']
>>> MEASURE["A"].share_of
'the poor (persons with c ≥ k)'
>>> headline()
('H', 'A', 'M0')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "MEASURE",
    "MEASURES",
    "SCORE_TOLERANCE",
    "Measure",
    "Ratio",
    "catalog",
    "compared",
    "headline",
    "measure_names",
    "ranked",
    "with_changes",
]

#: a score within this distance below k/100 counts as reaching it (guards 1/3 + 1/3 vs 2/3 rounding)
SCORE_TOLERANCE = 1e-12


@dataclass(frozen=True)
class Measure:
    """One AF measure: a ratio of weighted sums.

    ``numerator``, ``denominator`` and ``count`` (the unweighted count reported as ``n``) name
    sums with ``{k}`` and ``{j}`` placeholders. ``observed_denominator``: with missing indicator
    values the denominator is the population observed in the indicator (``wo|j``, ``no|j``).
    ``indicator_weighted``: the numerator is multiplied by the indicator's weight ``w_j`` (under
    the ``reweight`` policy, the person-specific weights' sum ``wvgp|j|k`` is used instead).
    ``family`` groups measures that are computed together (k outermost, then indicator, then
    measure: the row order of the results). ``headline``: in the printed summary; ``changes``:
    changes between rounds are reported; ``compared``: the left-behind analysis may test it
    against the nation; ``ranked``: robustness may rank subgroups by it.
    """

    name: str
    label: str
    share_of: str
    formula: str
    numerator: str
    denominator: str
    count: str
    family: str
    per_k: bool = True
    per_indicator: bool = False
    observed_denominator: bool = False
    indicator_weighted: bool = False
    headline: bool = False
    changes: bool = True
    compared: bool = False
    ranked: bool = False
    reweighted_numerator: str = ""
    note: str = ""


MEASURES: tuple[Measure, ...] = (
    Measure("H", "incidence (headcount ratio)", "persons", "Σ s·poor / Σ s",
            "wp|{k}", "w", "n", "headline", headline=True, compared=True, ranked=True,
            note="incidence"),
    Measure("A", "intensity", "the poor (persons with c ≥ k)", "Σ s·c·poor / Σ s·poor",
            "wcp|{k}", "wp|{k}", "np|{k}", "headline", headline=True,
            note="intensity among the poor (a domain mean over the poor)"),
    Measure("M0", "adjusted headcount ratio", "persons", "Σ s·c·poor / Σ s",
            "wcp|{k}", "w", "n", "headline", headline=True, compared=True, ranked=True,
            note="= H × A"),
    Measure("hd", "uncensored headcount ratio", "persons (observed in j)", "Σ s·g_j / Σ s",
            "wg|{j}", "w", "n", "uncensored", per_k=False, per_indicator=True,
            observed_denominator=True, note="uncensored headcount ratio (no k)"),
    Measure("hdk", "censored headcount ratio", "persons (observed in j)", "Σ s·g_j·poor / Σ s",
            "wgp|{j}|{k}", "w", "n", "censored", per_indicator=True,
            observed_denominator=True, compared=True, note="censored headcount ratio"),
    Measure("actb", "absolute contribution", "persons", "w_j·hdk_j",
            "wgp|{j}|{k}", "w", "n", "contribution", per_indicator=True,
            indicator_weighted=True, changes=False, reweighted_numerator="wvgp|{j}|{k}",
            note="absolute contribution; Σ_j actb = M0"),
    Measure("pctb", "percentage contribution", "M0 (a share of it)", "actb_j / M0",
            "wgp|{j}|{k}", "wcp|{k}", "n", "contribution", per_indicator=True,
            indicator_weighted=True, changes=False, reweighted_numerator="wvgp|{j}|{k}",
            note="percentage contribution, reported as a **share** (Σ_j pctb = 1), as mpitbR does"),
)  # fmt: skip

#: the measures by name
MEASURE: dict[str, Measure] = {m.name: m for m in MEASURES}


def measure_names() -> tuple[str, ...]:
    """Every measure's name, in the order of the results."""
    return tuple(m.name for m in MEASURES)


def headline() -> tuple[str, ...]:
    """The measures of the printed summary (H, A, M0)."""
    return tuple(m.name for m in MEASURES if m.headline)


def with_changes() -> tuple[str, ...]:
    """The measures whose changes between rounds are reported."""
    return tuple(m.name for m in MEASURES if m.changes)


def compared() -> tuple[str, ...]:
    """The measures the left-behind analysis can compare with the nation."""
    return tuple(m.name for m in MEASURES if m.compared)


def ranked() -> tuple[str, ...]:
    """The measures robustness can rank subgroups by."""
    return tuple(m.name for m in MEASURES if m.ranked)


#: the sums over the persons observed in an indicator (denominators with missing values)
OBSERVED_SUMS = ("wo|{j}", "no|{j}")


@dataclass(frozen=True)
class Ratio:
    """One measure at one k and indicator: estimate = y_scale·Σy / Σx over the domain."""

    measure: str
    k: float
    indicator: str
    y: str
    x: str
    count: str
    y_scale: float = 1.0


def catalog(
    indicators: Sequence[str],
    weights: Sequence[float],
    ks: Sequence[float],
    has_missing: bool,
    reweighted: bool,
    measures: Sequence[str] | None = None,
) -> list[Ratio]:
    """Every ratio of the registry (or of ``measures``) for these indicators and cutoffs.

    Rows come family by family; within one, k outermost, then the indicator, then the measure.

    >>> [(r.measure, r.y, r.x) for r in catalog(["a"], [1.0], [33.0], False, False, ["H", "hd"])]
    [('H', 'wp|33.0', 'w'), ('hd', 'wg|a', 'w')]
    """
    wanted = set(measure_names() if measures is None else measures)
    unknown = sorted(wanted - set(MEASURE))
    if unknown:
        msg = f"Unknown AF measure(s) {unknown}; expected among {list(measure_names())}."
        raise ValueError(msg)
    nan = float("nan")
    out: list[Ratio] = []
    families = list(dict.fromkeys(m.family for m in MEASURES))
    for family in families:
        members = [m for m in MEASURES if m.family == family and m.name in wanted]
        if not members:
            continue
        per_k = members[0].per_k
        per_indicator = members[0].per_indicator
        for k in ks if per_k else [nan]:
            for j, name in enumerate(indicators) if per_indicator else [(-1, "")]:
                for m in members:
                    out.append(_ratio(m, k, j, name, weights, has_missing, reweighted))
    return out


def _ratio(
    m: Measure,
    k: float,
    j: int,
    name: str,
    weights: Sequence[float],
    has_missing: bool,
    reweighted: bool,
) -> Ratio:
    y, scale = m.numerator, 1.0
    if m.indicator_weighted:
        y, scale = (m.reweighted_numerator, 1.0) if reweighted else (y, float(weights[j]))
    x, count = m.denominator, m.count
    if m.observed_denominator and has_missing:
        x, count = OBSERVED_SUMS
    return Ratio(
        m.name,
        k,
        name,
        y.format(k=k, j=name),
        x.format(k=k, j=name),
        count.format(k=k, j=name),
        scale,
    )
