"""Robustness of AF results to the poverty cutoff k and to the weights (OPHI's rank robustness).

For every pair of subgroups, a comparison is *robust* if one group is poorer than the other at every
k and under every weighting tried, and *significantly robust* if the difference is also significant
(two-sided, at ``level``) at each of them, using the design-based covariance between the two
subgroups (domains of the same design). The share of robust pairwise comparisons is what OPHI reports.

>>> import humsec
>>> from humsec.analysis.robustness import robustness_analysis
>>> r = robustness_analysis(humsec.datasets.syn_cdta_spec(), humsec.datasets.load_syn_cdta(),
...                         over="area", k_values=[20, 33, 50])
>>> # areas 0 and 1 swap order as k changes, so their comparison is not robust
>>> r.pairs[["group_a", "group_b", "robust"]].to_dict("records")[0]
{'group_a': '0', 'group_b': '1', 'robust': False}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from humsec.exceptions import HumsecError
from humsec.inference import StratumFactors, domain_covariance
from humsec.measure._af_estimates import Partition, ratio_catalog
from humsec.measure._cells import build_cells
from humsec.tables.af_spec import AFSpec
from humsec.tables.survey_table import prepare_survey

__all__ = ["RobustnessResult", "parse_k_values", "robustness_analysis"]


@dataclass
class RobustnessResult:
    """Estimates across specifications, pairwise comparisons, and the shares of robust pairs."""

    estimates: pd.DataFrame  # weighting, k, time, group, estimate, se
    pairs: pd.DataFrame  # time, group_a, group_b, robust, significant_robust, ...
    measure: str

    @property
    def share_robust(self) -> float:
        return float(self.pairs["robust"].mean()) if len(self.pairs) else float("nan")

    @property
    def share_significant_robust(self) -> float:
        return float(self.pairs["significant_robust"].mean()) if len(self.pairs) else float("nan")

    def summary(self) -> str:
        n_specs = self.estimates.groupby(["weighting", "k"]).ngroups
        return (
            f"Rank robustness of {self.measure} across {n_specs} specifications "
            f"(k × weightings): {len(self.pairs)} pairwise comparisons, "
            f"{100 * self.share_robust:.1f}% robust, {100 * self.share_significant_robust:.1f}% "
            "significantly robust."
        )


def parse_k_values(text: str) -> list[float]:
    """``"20:50:10"`` → [20, 30, 40, 50]; ``"20,33"`` → [20, 33].

    >>> parse_k_values("20:50:10")
    [20.0, 30.0, 40.0, 50.0]
    """
    try:
        if ":" in text:
            start, stop, step = (float(x) for x in text.split(":"))
            return [float(v) for v in np.round(np.arange(start, stop + step / 2, step), 10)]
        return [float(x) for x in text.split(",")]
    except ValueError:
        raise HumsecError(
            f"Cannot read k values {text!r}; expected start:stop:step or a comma list."
        ) from None


def robustness_analysis(
    spec: AFSpec,
    data: Any,
    *,
    over: str,
    k_values: Sequence[float],
    weightings: Sequence[Mapping[str, float]] = (),
    measure: str = "M0",
    level: float = 0.95,
) -> RobustnessResult:
    """Estimate ``measure`` by subgroup of ``over`` for every k and weighting; compare all pairs."""
    if measure not in ("M0", "H"):
        raise HumsecError(
            f"The 'measure' of a robustness analysis must be 'M0' or 'H'. Got {measure!r} instead."
        )
    source, labels = None, None
    if isinstance(data, (str, Path)):
        from humsec.io.survey import read_survey

        table = read_survey(data)
        data, source, labels = table.frame, str(table.path), table.value_labels
    specs = [("nominal", spec)] + [
        (f"weighting {i + 1}", spec.with_weights(w)) for i, w in enumerate(weightings)
    ]
    z = special.ndtri(0.5 + level / 2)
    rows = []
    diffs: dict[tuple[str, str, str], list[tuple[float, float]]] = {}
    for label, s in specs:
        s = AFSpec.from_dict({**s.to_dict(), "k": list(k_values)})
        survey = prepare_survey(data, s, [over], value_labels=labels, source=source)
        cells = build_cells(survey, s.k)
        n_rounds = survey.rounds.n_groups if survey.rounds else 1
        part = Partition.from_cells(cells, over, cells.groups[0], survey.over[0].labels, n_rounds)
        catalog = [
            r
            for r in ratio_catalog(survey.indicators, survey.indicator_weights, s.k, False, False)
            if r.measure == measure
        ]
        R, U = part.linearize(catalog)
        factors = StratumFactors.from_design(survey.psu_stratum, s.design.lonely_psu)
        G = part.n_groups
        for ri, ratio in enumerate(catalog):
            cov = domain_covariance(
                U[:, ri], part.pair_psu, part.pair_dom, part.n_dom, survey.psu_stratum, factors
            )
            for t in range(n_rounds):
                time = survey.rounds.labels[t] if survey.rounds else ""
                for a in range(G):
                    da = t * G + a
                    rows.append(
                        (
                            label,
                            ratio.k,
                            time,
                            part.labels[a],
                            R[da, ri],
                            np.sqrt(max(cov[da, da], 0.0)),
                        )
                    )
                    for b in range(a + 1, G):
                        db = t * G + b
                        diff = R[da, ri] - R[db, ri]
                        se = np.sqrt(max(cov[da, da] + cov[db, db] - 2 * cov[da, db], 0.0))
                        diffs.setdefault((time, part.labels[a], part.labels[b]), []).append(
                            (diff, se)
                        )
    estimates = pd.DataFrame(rows, columns=["weighting", "k", "time", "group", "estimate", "se"])
    pair_rows = []
    for (time_label, a_label, b_label), values in diffs.items():
        d = np.array([v[0] for v in values])
        se_d = np.array([v[1] for v in values])
        robust = bool((d > 0).all() or (d < 0).all())
        significant = bool(((d - z * se_d > 0).all()) or ((d + z * se_d < 0).all()))
        pair_rows.append(
            (
                time_label,
                a_label,
                b_label,
                len(d),
                int((d > 0).sum()),
                int((d < 0).sum()),
                robust,
                significant,
            )
        )
    pairs = pd.DataFrame(
        pair_rows,
        columns=[
            "time",
            "group_a",
            "group_b",
            "n_specs",
            "a_higher",
            "b_higher",
            "robust",
            "significant_robust",
        ],
    )
    return RobustnessResult(estimates, pairs, measure)
