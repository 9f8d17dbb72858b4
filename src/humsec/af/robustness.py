"""Robustness of AF results to the poverty cutoff k and to the weights (OPHI's rank robustness).

For every pair of subgroups, a comparison is *robust* if one group is poorer than the other at every
k and under every weighting tried, and *significantly robust* if the difference is also significant
(two-sided, at ``level``) at each of them, using the design-based covariance between the two
subgroups (domains of the same design). The share of robust pairwise comparisons is what OPHI reports.

>>> import humsec
>>> from humsec.af.robustness import robustness_analysis
>>> r = robustness_analysis(humsec.datasets.syn_cdta_spec(), humsec.datasets.load_syn_cdta(),
...                         over="area", k_values=[20, 33, 50])
>>> # areas 0 and 1 swap order as k changes, so their comparison is not robust
>>> r.pairs[["group_a", "group_b", "order", "poorer"]].to_dict("records")[0]
{'group_a': '0', 'group_b': '1', 'order': 'changes', 'poorer': ''}
>>> print(r.dominance("1").to_string())  # row vs column in round 1: '~' the order changes
   0  1
0  .  ~
1  ~  .

The pairwise dominance table (``pairs``, one row per pair and round) says for each pair whether
``group_a`` is poorer at every specification (``order == "a_poorer"``), ``group_b`` is
(``"b_poorer"``), or the order changes (``"changes"``; a tie counts as a change), and the same
judged on significant differences (``significant_order``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from humsec.af.api import moments, prepare
from humsec.af.measures import ranked
from humsec.af.spec import AFSpec
from humsec.core.errors import HumsecError, ParameterError
from humsec.core.inference import domain_covariance
from humsec.core.progress import current
from humsec.core.result import ResultBase
from humsec.core.write import write_all

__all__ = ["ORDERS", "RobustnessResult", "robustness_analysis"]


# The closed list of verdicts on a pair (columns ``order`` and ``significant_order``), declared once.
ORDERS = {
    "a_poorer": "group_a poorer at every specification",
    "b_poorer": "group_b poorer at every specification",
    "changes": "the order changes (or ties) across specifications",
}
# Cells of the printed dominance matrix, row group vs column group.
_SYMBOLS = {
    ">>": "row poorer at every specification, significantly each time",
    ">": "row poorer at every specification",
    "<<": "row less poor at every specification, significantly each time",
    "<": "row less poor at every specification",
    "~": "the order changes",
}


@dataclass
class RobustnessResult(ResultBase):
    """Estimates across specifications, the pairwise dominance table, and the shares of robust pairs."""

    tables = ("estimates", "pairs")

    estimates: pd.DataFrame  # weighting, k, time, group, estimate, se
    pairs: pd.DataFrame  # time, group_a, group_b, n_specs, ..., order, significant_order, poorer
    measure: str
    notes: list[str] = field(default_factory=list)

    def _frame(self, table: str) -> pd.DataFrame:
        return (self.estimates if table == "estimates" else self.pairs).copy()

    @property
    def share_robust(self) -> float:
        return float(self.pairs["robust"].mean()) if len(self.pairs) else float("nan")

    @property
    def share_significant_robust(self) -> float:
        return float(self.pairs["significant_robust"].mean()) if len(self.pairs) else float("nan")

    def dominance(self, time: str = "") -> pd.DataFrame:
        """The pairs of one round as a group × group matrix of the symbols in ``_SYMBOLS``."""
        pairs = self.pairs[self.pairs["time"] == str(time)]
        groups = list(dict.fromkeys([*pairs["group_a"], *pairs["group_b"]]))
        matrix = pd.DataFrame(".", index=groups, columns=groups)
        for row in pairs.itertuples(index=False):
            a_vs_b = _symbol(str(row.order), str(row.significant_order))
            matrix.loc[row.group_a, row.group_b] = a_vs_b
            matrix.loc[row.group_b, row.group_a] = a_vs_b.translate(str.maketrans("<>", "><"))
        return matrix

    def summary(self) -> str:
        specs = self.estimates.groupby(["weighting", "k"]).ngroups
        ks = ", ".join(f"{k:g}" for k in sorted(set(self.estimates["k"])))
        weightings = ", ".join(dict.fromkeys(self.estimates["weighting"]))
        lines = [
            f"Rank robustness of {self.measure} across {specs} specifications "
            f"(k = {ks}; weightings: {weightings}): {len(self.pairs)} pairwise comparisons, "
            f"{int(self.pairs['robust'].sum())} ({100 * self.share_robust:.1f}%) robust, "
            f"{int(self.pairs['significant_robust'].sum())} "
            f"({100 * self.share_significant_robust:.1f}%) significantly robust.",
            "Dominance, row vs column: "
            + "; ".join(f"{sym} {text}" for sym, text in _SYMBOLS.items())
            + ".",
        ]
        for time in dict.fromkeys(self.pairs["time"]):
            if time != "":
                lines.append(f"round {time}:")
            lines.append(self.dominance(time).to_string())
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def to_csv(self, path: str | Path) -> list[Path]:
        """Write the estimates to ``path`` and the dominance table beside it (``NAME_pairs.csv``):
        both or neither."""
        return write_all(self.writers(path))

    def writers(self, path: str | Path) -> list[tuple[Path, Callable[[Path], Any]]]:
        """What ``--out path`` writes, as ``(target, write(tmp))`` pairs for
        :func:`humsec.core.write.write_all`: ``.csv`` (two files) or ``.xlsx`` (one workbook)."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".xlsx":
            return [(path, self._write_excel)]
        if suffix != ".csv":
            msg = (
                f"Cannot write {path}: unknown suffix {path.suffix!r}; expected '.csv' or '.xlsx'."
            )
            raise HumsecError(msg)
        pairs_path = path.with_name(path.stem + "_pairs.csv")
        return [
            (path, lambda tmp: self.estimates.to_csv(tmp, index=False)),
            (pairs_path, lambda tmp: self.pairs.to_csv(tmp, index=False)),
        ]

    def to_excel(self, path: str | Path) -> list[Path]:
        """Write one workbook: sheets ``estimates``, ``pairs`` (the dominance table) and ``dominance``."""
        path = Path(path)
        return write_all([(path, self._write_excel)])

    def _write_excel(self, tmp: Path) -> None:

        with pd.ExcelWriter(tmp, engine="xlsxwriter") as xl:
            self.estimates.to_excel(xl, sheet_name="estimates", index=False)
            self.pairs.to_excel(xl, sheet_name="pairs", index=False)
            matrices = [
                self.dominance(t).rename_axis("group").reset_index().assign(time=t)
                for t in dict.fromkeys(self.pairs["time"])
            ]
            if matrices:
                pd.concat(matrices).to_excel(xl, sheet_name="dominance", index=False)


def _symbol(order: str, significant_order: str) -> str:
    if order == "a_poorer":
        return ">>" if significant_order == "a_poorer" else ">"
    if order == "b_poorer":
        return "<<" if significant_order == "b_poorer" else "<"
    return "~"


def _verdict(a_count: int, b_count: int, n: int) -> str:
    if n and a_count == n:
        return "a_poorer"
    if n and b_count == n:
        return "b_poorer"
    return "changes"


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
    """Estimate ``measure`` by subgroup of ``over`` for every k and weighting; compare all pairs.

    ``weightings`` map every indicator of the specification to a positive weight (weights summing
    to 1, as in a specification); ``level`` is in (0, 1).
    """
    allowed = ranked()
    if measure not in allowed:
        shown = " or ".join(repr(m) for m in allowed)
        raise ParameterError(
            f"The 'measure' of a robustness analysis must be {shown}. Got {measure!r} instead."
        )
    if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < level < 1:
        raise ParameterError(
            f"The 'level' of a robustness analysis must be a number in (0, 1). Got {level!r} instead."
        )
    source, labels = None, None
    if isinstance(data, (str, Path)):
        from humsec.af.inputs import read_data

        columns = [*spec.columns(), *(c.strip() for c in over.split("*"))]
        table = read_data(data, list(dict.fromkeys(columns)))
        data, source, labels = table.frame, str(table.path), table.value_labels
    specs = [
        (label, AFSpec.from_dict({**s.to_dict(), "k": list(k_values)}))
        for label, s in [("nominal", spec)]
        + [(f"weighting {i + 1}", _weighted(spec, w, i + 1)) for i, w in enumerate(weightings)]
    ]
    z = special.ndtri(0.5 + level / 2)
    rows = []
    diffs: dict[tuple[str, str, str], list[tuple[float, float]]] = {}
    # one part per weighting and k (a design covariance each): minutes on a large survey, so shown
    # to a command that asks (humsec.core.progress), silent otherwise
    n_k = len(specs[0][1].k)
    title = f"robustness: {len(specs)} weighting(s) × {n_k} k value(s)"
    notes: list[str] = []
    with current().task(title, total=len(specs) * n_k) as step:
        for label, s in specs:
            survey = prepare(s, data, [over], value_labels=labels, source=source)
            if not notes:  # the same persons for every specification: said once
                notes = [f"dropped {d.count:,}: {d.reason}" for d in survey.dropped] + list(survey.notes)
            sums = moments(survey)
            n_rounds = sums.n_rounds
            part = sums.grouping(0)
            # the nominal weights' ratios (the measures ranked take no missing-data denominators)
            catalog = sums.ratios([measure])
            R, U = part.linearize(catalog)
            factors = sums.factors
            G = part.n_groups
            for ri, ratio in enumerate(catalog):
                cov = domain_covariance(
                    U[:, ri], part.pair_psu, part.pair_dom, part.n_dom, survey.psu_stratum, factors
                )
                step.advance(f"{label}, k = {ratio.k:g}")
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
        # higher M0 (or H) is poorer; significant: the two-sided CI of the difference excludes 0
        a_sig, b_sig = int((d - z * se_d > 0).sum()), int((d + z * se_d < 0).sum())
        order = _verdict(int((d > 0).sum()), int((d < 0).sum()), len(d))
        significant_order = _verdict(a_sig, b_sig, len(d))
        poorer = {"a_poorer": a_label, "b_poorer": b_label}.get(order, "")
        pair_rows.append(
            (
                time_label,
                a_label,
                b_label,
                len(d),
                int((d > 0).sum()),
                int((d < 0).sum()),
                a_sig,
                b_sig,
                float(d.min()),
                float(d.max()),
                order,
                significant_order,
                poorer,
                order != "changes",
                significant_order != "changes",
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
            "a_significant",
            "b_significant",
            "diff_min",
            "diff_max",
            "order",
            "significant_order",
            "poorer",
            "robust",
            "significant_robust",
        ],
    )
    return RobustnessResult(estimates, pairs, measure, notes)


def _weighted(spec: AFSpec, weights: Mapping[str, float], number: int) -> AFSpec:
    """The specification with a weighting's indicator weights; every problem named at once."""
    from humsec.core.errors import SpecError

    names = spec.indicator_names
    problems = [
        (f"weighting {number}.{name}", "missing: give a weight for every indicator")
        for name in names
        if name not in weights
    ]
    problems += [
        (
            f"weighting {number}.{key}",
            f"not an indicator of the specification; known: {list(names)}",
        )
        for key in weights
        if key not in names
    ]
    problems += [
        (f"weighting {number}.{name}", f"expected a positive number, got {weights[name]!r}")
        for name in names
        if name in weights and not _positive(weights[name])
    ]
    if problems:
        raise SpecError(problems)
    try:
        return spec.with_weights(weights)
    except SpecError as exc:
        raise SpecError([(f"weighting {number}.{f}", p) for f, p in exc.problems]) from None


def _positive(value: Any) -> bool:
    return (
        isinstance(value, (int, float, np.number))
        and not isinstance(value, bool)
        and bool(np.isfinite(value))
        and bool(value > 0)
    )
