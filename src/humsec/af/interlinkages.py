"""Interlinkages of threats: which deprivations occur together, and how strongly.

From **microdata** (:func:`co_deprivation`), with the AF specification's own deprivation cutoffs, design
weights and missing-data policy, for every pair of indicators (a, b) and survey round:

- joint rate ``J_ab = Σ s·g_a·g_b / Σ s`` (s = sampling weights, g = 0/1 deprivations);
- conditional probabilities ``P(b | a) = J_ab / H_a`` and ``P(a | b) = J_ab / H_b``;
- Cramér's V of the weighted 2 × 2 table, ``|φ|`` with
  ``φ = (J_ab − H_a·H_b) / √(H_a(1 − H_a)·H_b(1 − H_b))``;
- OPHI's redundancy measure ``R0 = J_ab / min(H_a, H_b)`` (Alkire et al. 2015, §7.3): the share of
  the less frequent deprivation that co-occurs with the other (1 = one is a subset of the other).

*Uncensored* versions use every person's deprivations; *censored* versions (one per k) use
``g·poor``, the deprivations of the multidimensionally insecure only. Under the ``reweight`` missing
policy a pair is computed over the persons observed in both indicators (H_a, H_b in a row are those
of that population, so ``P(b|a)·H_a = J_ab`` holds in every row). Joint rates, conditional
probabilities, φ (and V = |φ|) and R0 carry Taylor-linearised design SEs (strata, PSUs; rounds are
domains); those of φ and R0 by the delta method on (J_ab, H_a, H_b), as R's ``svycontrast``.

From **area data** (:func:`area_correlations`): Pearson and Spearman correlations of indicators
across areas (per year), and of their within-area changes between the first and last years.

:func:`cluster_threats` groups indicators whose association is high (average-linkage hierarchical
clustering on the distance 1 − association).

>>> import humsec
>>> r = co_deprivation(humsec.datasets.syn_cdta_spec(), humsec.datasets.load_syn_cdta(), k=[33])
>>> row = r.to_frame().query("version == 'uncensored' and time == '1' and indicator_a == 'd_elct' "
...                          "and indicator_b == 'd_ckfl'").iloc[0]
>>> row["row_id"], round(float(row["r0"]), 3), round(float(row["cramers_v"]), 3)
('il:uncensored:t1:d_elct~d_ckfl', 0.381, 0.014)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.cluster import hierarchy
from scipy.spatial.distance import squareform

from humsec.af.api import poor, prepare
from humsec.af.spec import AFSpec
from humsec.core.errors import ColumnNotFoundError, DataError, HumsecError, describe_rows
from humsec.core.inference import group_sum, ratio_variance
from humsec.core.result import ResultBase

__all__ = [
    "AreaCorrelationResult",
    "InterlinkageResult",
    "area_correlations",
    "cluster_threats",
    "co_deprivation",
    "pair_measures",
]

#: |φ| at or below this is φ = 0, where V = |φ| has no derivative (and no delta-method SE)
PHI_KINK = 1e-12
#: measures of a pair that are symmetric (the matrix is filled both ways)
SYMMETRIC = ("joint", "cramers_v", "phi", "r0")


# ---------------------------------------------------------------------------- the pair algebra
def pair_gradients(
    joint: np.ndarray, h_a: np.ndarray, h_b: np.ndarray
) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """∂/∂(J_ab, H_a, H_b) of φ and of R0 (for the delta-method SEs); NaN where undefined.

    R0 = J_ab / min(H_a, H_b) is differentiated through the smaller marginal (H_a on a tie).

    >>> g = pair_gradients(np.array([0.2]), np.array([0.4]), np.array([0.25]))
    >>> [round(float(x[0]), 4) for x in g["r0"]]
    [4.0, 0.0, -3.2]
    """
    joint, h_a, h_b = (np.asarray(x, dtype=np.float64) for x in (joint, h_a, h_b))
    with np.errstate(divide="ignore", invalid="ignore"):
        root = np.sqrt(h_a * (1 - h_a) * h_b * (1 - h_b))
        root = np.where(root > 0, root, np.nan)
        phi = (joint - h_a * h_b) / root
        # d log √(h(1 − h)) / dh = (1 − 2h) / (2h(1 − h))
        d_a = -h_b / root - phi * (1 - 2 * h_a) / (2 * h_a * (1 - h_a))
        d_b = -h_a / root - phi * (1 - 2 * h_b) / (2 * h_b * (1 - h_b))
        a_low = h_a <= h_b
        low = np.where(a_low, h_a, h_b)
        low = np.where(low > 0, low, np.nan)
        d_low = -joint / low**2
    zero = np.zeros_like(joint)
    return {
        "phi": (1 / root, d_a, d_b),
        "r0": (1 / low, np.where(a_low, d_low, zero), np.where(a_low, zero, d_low)),
    }


def pair_measures(joint: np.ndarray, h_a: np.ndarray, h_b: np.ndarray) -> dict[str, np.ndarray]:
    """Conditional probabilities, φ, Cramér's V and R0 from the joint rate and the two marginals.

    Undefined values (a marginal of 0, or of 1 for φ) are NaN.

    >>> m = pair_measures(np.array([0.2]), np.array([0.4]), np.array([0.25]))
    >>> {k: round(float(v[0]), 4) for k, v in m.items()}
    {'p_b_given_a': 0.5, 'p_a_given_b': 0.8, 'phi': 0.4714, 'cramers_v': 0.4714, 'r0': 0.8}
    """
    joint, h_a, h_b = (np.asarray(x, dtype=np.float64) for x in (joint, h_a, h_b))
    with np.errstate(divide="ignore", invalid="ignore"):
        p_b_a = np.where(h_a > 0, joint / h_a, np.nan)
        p_a_b = np.where(h_b > 0, joint / h_b, np.nan)
        spread = h_a * (1 - h_a) * h_b * (1 - h_b)
        phi = np.where(spread > 0, (joint - h_a * h_b) / np.sqrt(spread), np.nan)
        low = np.minimum(h_a, h_b)
        r0 = np.where(low > 0, joint / low, np.nan)
    phi = np.clip(phi, -1.0, 1.0)  # rounding can overshoot ±1 for identical indicators
    return {
        "p_b_given_a": p_b_a,
        "p_a_given_b": p_a_b,
        "phi": phi,
        "cramers_v": np.abs(phi),
        "r0": np.minimum(r0, 1.0),
    }


# ---------------------------------------------------------------------------- results
@dataclass
class InterlinkageResult(ResultBase):
    """Co-deprivation of every pair of indicators, per version (uncensored / censored at k) and round.

    ``pairs`` has one row per unordered pair (a before b in the specification's order) with the stable
    ``row_id`` ``il:<version>[<k>]:t<round>:<a>~<b>``.
    """

    tables = ("pairs",)

    pairs: pd.DataFrame
    dimensions: dict[str, str]
    notes: list[str] = field(default_factory=list)

    def to_frame(self, table: str | None = "pairs", *, backend: str | None = None) -> Any:
        """The tidy pair table (a copy)."""
        return super().to_frame(table, backend=backend)

    def _frame(self, table: str) -> pd.DataFrame:
        return self.pairs.copy()

    def summary(self) -> str:
        """How many pairs, versions and rounds, and the most associated pair of each."""
        n_ind = len(set(self.pairs["indicator_a"]) | set(self.pairs["indicator_b"]))
        lines = [
            f"Interlinkages of {n_ind} indicators: {len(self.pairs)} pair rows "
            f"({', '.join(_version_tag(v, k) for v, k in self.versions())}; "
            f"rounds: {', '.join(str(t) or '(one)' for t in dict.fromkeys(self.pairs['time']))})."
        ]
        for (version, k, time), rows in self.pairs.groupby(["version", "k", "time"], dropna=False):
            if rows["cramers_v"].notna().any():
                top = rows.iloc[int(np.nanargmax(rows["cramers_v"].to_numpy(dtype=float)))]
                lines.append(
                    f"  {_version_tag(str(version), float(str(k)))}, round {time or '(one)'}: "
                    f"strongest pair {top['indicator_a']} ~ {top['indicator_b']} "
                    f"(Cramér's V {top['cramers_v']:.3f}, R0 {top['r0']:.3f})"
                )
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def select(
        self, version: str = "uncensored", k: float | None = None, time: str | None = None
    ) -> pd.DataFrame:
        """The pair rows of one version (censored: ``k``, default the first) and round (default the
        latest)."""
        return _select(self.pairs, version, k, time)

    def versions(self) -> list[tuple[str, float]]:
        keys = self.pairs[["version", "k"]].drop_duplicates()
        return [(str(v), float(k)) for v, k in keys.itertuples(index=False)]

    def matrix(
        self,
        measure: str = "cramers_v",
        *,
        version: str = "uncensored",
        k: float | None = None,
        time: str | None = None,
    ) -> pd.DataFrame:
        """Square indicator × indicator matrix of one measure.

        For ``p_b_given_a`` the cell (row i, column j) is P(deprived in j | deprived in i). The diagonal
        is 1 for the association measures and the headcount for ``joint``.
        """
        rows = _select(self.pairs, version, k, time)
        names = list(dict.fromkeys([*rows["indicator_a"], *rows["indicator_b"]]))
        out = pd.DataFrame(np.nan, index=names, columns=names)
        if measure in SYMMETRIC:
            for a, b, v in zip(
                rows["indicator_a"], rows["indicator_b"], rows[measure], strict=True
            ):
                out.loc[a, b] = out.loc[b, a] = v
        elif measure == "p_b_given_a":
            for a, b, p_ba, p_ab in zip(
                rows["indicator_a"],
                rows["indicator_b"],
                rows["p_b_given_a"],
                rows["p_a_given_b"],
                strict=True,
            ):
                out.loc[a, b], out.loc[b, a] = p_ba, p_ab
        else:
            msg = f"Unknown interlinkage measure {measure!r}; expected one of {[*SYMMETRIC, 'p_b_given_a']}."
            raise HumsecError(msg)
        for name in names:
            if measure == "joint":
                own = rows.loc[rows["indicator_a"] == name, "h_a"]
                own = own if len(own) else rows.loc[rows["indicator_b"] == name, "h_b"]
                out.loc[name, name] = float(own.iloc[0])
            else:
                out.loc[name, name] = 1.0
        return out

    def clusters(
        self,
        measure: str = "cramers_v",
        *,
        version: str = "uncensored",
        k: float | None = None,
        time: str | None = None,
        min_association: float = 0.2,
    ) -> pd.DataFrame:
        """Clusters of co-occurring deprivations (see :func:`cluster_threats`)."""
        m = self.matrix(measure, version=version, k=k, time=time)
        out = cluster_threats(m, min_association=min_association)
        out.insert(1, "dimension", out["indicator"].map(self.dimensions))
        return out


def _version_tag(version: str, k: float) -> str:
    return version if version == "uncensored" else f"{version} at k = {k:g}"


@dataclass
class AreaCorrelationResult(ResultBase):
    """Correlations of area indicators: ``kind`` is ``across_areas`` (one year) or ``change``
    (within-area change from the first to the last year). Stable ``row_id``
    ``ac:<kind>:<method>:<year>:<a>~<b>``."""

    tables = ("pairs",)

    pairs: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def to_frame(self, table: str | None = "pairs", *, backend: str | None = None) -> Any:
        """The pair table (a copy)."""
        return super().to_frame(table, backend=backend)

    def _frame(self, table: str) -> pd.DataFrame:
        return self.pairs.copy()

    def summary(self) -> str:
        """How many correlations of which kinds, and the strongest of each kind and method."""
        lines = [f"Area correlations: {len(self.pairs)} pair rows."]
        for (kind, method), rows in self.pairs.groupby(["kind", "method"], sort=False):
            if rows["r"].notna().any():
                top = rows.iloc[int(np.nanargmax(np.abs(rows["r"].to_numpy(dtype=float))))]
                lines.append(
                    f"  {kind}, {method}: strongest {top['indicator_a']} ~ {top['indicator_b']} "
                    f"(r {top['r']:.3f}, {top['year']}, {int(top['n_areas'])} areas)"
                )
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def matrix(
        self, method: str = "pearson", *, kind: str = "across_areas", year: str | None = None
    ) -> pd.DataFrame:
        """Square matrix of correlations (diagonal 1) for one method, kind and year."""
        rows = self.pairs[(self.pairs["method"] == method) & (self.pairs["kind"] == kind)]
        if year is None and len(rows):
            year = str(rows["year"].iloc[-1])
        rows = rows[rows["year"] == year]
        if rows.empty:
            msg = f"No {kind} {method} correlations for year {year!r}."
            raise HumsecError(msg)
        names = list(dict.fromkeys([*rows["indicator_a"], *rows["indicator_b"]]))
        out = pd.DataFrame(np.eye(len(names)), index=names, columns=names)
        for a, b, r in zip(rows["indicator_a"], rows["indicator_b"], rows["r"], strict=True):
            out.loc[a, b] = out.loc[b, a] = r
        return out


def _select(pairs: pd.DataFrame, version: str, k: float | None, time: str | None) -> pd.DataFrame:
    rows = pairs[pairs["version"] == version]
    if version == "censored":
        ks = sorted(rows["k"].unique())
        k = ks[0] if k is None and ks else k
        rows = rows[np.isclose(rows["k"], float(k if k is not None else np.nan))]
    if time is None and len(rows):
        time = str(rows["time"].iloc[-1])  # the latest round
    rows = rows[rows["time"] == time]
    if rows.empty:
        msg = f"No interlinkage rows for version {version!r}, k {k!r}, round {time!r}."
        raise HumsecError(msg)
    return rows


# ---------------------------------------------------------------------------- microdata
def co_deprivation(
    spec: AFSpec | Mapping[str, Any] | str | Path,
    data: Any,
    *,
    k: Sequence[float] | None = None,
    censored: bool = True,
    value_labels: Mapping[str, Mapping[Any, str]] | None = None,
    source: str | None = None,
) -> InterlinkageResult:
    """Joint rates, conditional probabilities, Cramér's V and R0 of every pair of the spec's indicators.

    ``k`` (percent) overrides the specification's cutoffs for the censored versions; ``censored=False``
    gives the uncensored version only.
    """
    survey = prepare(spec, data, k=k, value_labels=value_labels, source=source)
    spec = survey.spec
    names = survey.indicators
    J = len(names)
    if J < 2:
        raise HumsecError("Interlinkages need at least two indicators in the specification.")
    G = survey.deprivations.astype(np.float64)
    seen = np.ones_like(G) if survey.observed is None else survey.observed.astype(np.float64)
    s = survey.weight
    psu = survey.cells.psu[survey.cells.ids]
    rnd = survey.cells.round[survey.cells.ids]
    labels = survey.rounds.labels if survey.rounds else ("",)
    versions: list[tuple[str, float, np.ndarray]] = [("uncensored", float("nan"), G)]
    if censored:
        score = survey.score
        for kv in spec.k:
            is_poor = poor(score, kv).astype(np.float64)
            versions.append(("censored", float(kv), G * is_poor[:, None]))
    frames = []
    for version, kv, D in versions:
        for t, label in enumerate(labels):
            take = rnd == t
            frames.append(
                _pair_rows(
                    D[take], seen[take], s[take], psu[take], survey.psu_stratum,
                    spec.design.lonely_psu, names, version, kv, label,
                )
            )  # fmt: skip
    pairs = pd.concat(frames, ignore_index=True)
    pairs.insert(4, "dimension_a", pairs["indicator_a"].map(spec.indicator_dimension()))
    pairs.insert(6, "dimension_b", pairs["indicator_b"].map(spec.indicator_dimension()))
    notes = [f"{d.count} person(s) dropped: {d.reason}" for d in survey.dropped]
    if survey.observed is not None:
        notes.append("missing indicator values: each pair uses the persons observed in both")
    return InterlinkageResult(pairs, spec.indicator_dimension(), notes)


def _pair_rows(
    D: np.ndarray,
    seen: np.ndarray,
    s: np.ndarray,
    psu: np.ndarray,
    psu_stratum: np.ndarray,
    lonely_psu: str,
    names: tuple[str, ...],
    version: str,
    k: float,
    time: str,
) -> pd.DataFrame:
    """One round, one version: the pair table with linearised SEs of every measure."""
    J = len(names)
    O = seen  # noqa: E741  (o_ij = 1 if indicator j of person i is observed)
    DO = D * O
    sO = s[:, None] * O
    den = O.T @ sO  # Σ s·o_a·o_b
    joint = DO.T @ (s[:, None] * DO) / den
    marg = DO.T @ sO / den  # [a, b]: H_a among those observed in a and b
    n_pair = O.T @ O
    n_joint = (DO > 0).astype(np.float64).T @ (DO > 0).astype(np.float64)
    # per-PSU totals for the SEs (one domain: this round)
    codes, psu_ids = pd.factorize(psu)
    Pn = len(psu_ids)
    se_joint = np.full((J, J), np.nan)
    se_cond = np.full((J, J), np.nan)  # [a, b]: SE of P(b | a)
    se_delta = {m: np.full((J, J), np.nan) for m in ("phi", "r0")}
    pair_psu = np.asarray(psu_ids, dtype=np.int64)
    pair_dom = np.zeros(Pn, dtype=np.int64)
    design = (pair_psu, pair_dom, 1, psu_stratum, lonely_psu)
    for a in range(J):
        Y = group_sum(codes, s[:, None] * DO[:, [a]] * DO, Pn)
        X = group_sum(codes, s[:, None] * O[:, [a]] * O, Pn)
        Xa = group_sum(codes, s[:, None] * DO[:, [a]] * O, Pn)
        Xb = group_sum(codes, s[:, None] * O[:, [a]] * DO, Pn)
        _, var = ratio_variance(Y, X, *design)
        se_joint[a] = np.sqrt(var[0])
        _, var_c = ratio_variance(Y, Xa, *design)
        se_cond[a] = np.where(Xa.sum(axis=0) > 0, np.sqrt(var_c[0]), np.nan)
        # delta method: the linearised totals of f(J, H_a, H_b), all three ratios over X
        residuals = (Y - joint[a] * X, Xa - marg[a] * X, Xb - marg[:, a] * X)
        for m, grads in pair_gradients(joint[a], marg[a], marg[:, a]).items():
            T = sum(np.nan_to_num(g) * r for g, r in zip(grads, residuals, strict=True))
            _, var_m = ratio_variance(np.asarray(T), X, *design)
            defined = np.isfinite(grads[0]) & np.isfinite(grads[1]) & np.isfinite(grads[2])
            se_delta[m][a] = np.where(defined, np.sqrt(var_m[0]), np.nan)
    ia, ib = np.triu_indices(J, 1)
    h_a, h_b = marg[ia, ib], marg[ib, ia]
    measures = pair_measures(joint[ia, ib], h_a, h_b)
    vtag = version if version == "uncensored" else f"{version}{k:g}"
    return pd.DataFrame(
        {
            "row_id": [
                f"il:{vtag}:t{time}:{names[a]}~{names[b]}" for a, b in zip(ia, ib, strict=True)
            ],
            "version": version,
            "k": k,
            "time": time,
            "indicator_a": [names[a] for a in ia],
            "indicator_b": [names[b] for b in ib],
            "h_a": h_a,
            "h_b": h_b,
            "joint": joint[ia, ib],
            "joint_se": se_joint[ia, ib],
            "p_b_given_a": measures["p_b_given_a"],
            "p_b_given_a_se": se_cond[ia, ib],
            "p_a_given_b": measures["p_a_given_b"],
            "p_a_given_b_se": se_cond[ib, ia],
            "phi": measures["phi"],
            "phi_se": se_delta["phi"][ia, ib],
            "cramers_v": measures["cramers_v"],
            # V = |φ|: φ's SE, except at φ = 0 where V has a kink (no derivative)
            "cramers_v_se": np.where(
                np.abs(measures["phi"]) > PHI_KINK, se_delta["phi"][ia, ib], np.nan
            ),
            "r0": measures["r0"],
            "r0_se": se_delta["r0"][ia, ib],
            "n": n_pair[ia, ib].astype(np.int64),
            "n_joint": n_joint[ia, ib].astype(np.int64),
        }
    )


# ---------------------------------------------------------------------------- area data
def area_correlations(
    table: pd.DataFrame,
    *,
    area: str,
    indicators: Sequence[str],
    year: str | None = None,
    methods: Sequence[str] = ("pearson", "spearman"),
    source: str | None = None,
) -> AreaCorrelationResult:
    """Correlations of area indicators across areas (per year) and of their within-area changes.

    ``table`` is wide: one row per area (× year when ``year`` names a column), one column per
    indicator. Pairs use the areas where both values are present (``n_areas``); p-values are those of
    :func:`scipy.stats.pearsonr` / :func:`scipy.stats.spearmanr`. Changes are last year − first year of
    the table, per area with both years present.

    >>> t = pd.DataFrame({"area": list("abcd"), "x": [1, 2, 3, 4], "y": [2, 4, 5, 9]})
    >>> r = area_correlations(t, area="area", indicators=["x", "y"])
    >>> r.to_frame()[["method", "r", "n_areas"]].round(3).to_dict("records")
    [{'method': 'pearson', 'r': 0.965, 'n_areas': 4}, {'method': 'spearman', 'r': 1.0, 'n_areas': 4}]
    """
    where = f" of {source}" if source else ""
    needed = [area, *([year] if year else []), *indicators]
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise ColumnNotFoundError(missing, [str(c) for c in table.columns], source)
    if len(indicators) < 2:
        raise HumsecError("Area correlations need at least two indicator columns.")
    for m in methods:
        if m not in ("pearson", "spearman"):
            raise HumsecError(
                f"Unknown correlation method {m!r}; expected 'pearson' or 'spearman'."
            )
    values = {}
    for name in indicators:
        col = pd.to_numeric(table[name], errors="coerce")
        bad = col.isna() & table[name].notna()
        if bad.any():
            found = sorted({str(v) for v in table.loc[bad, name]})[:5]
            rows = describe_rows(np.flatnonzero(bad.to_numpy()))
            raise DataError(f"Column {name!r}{where} must hold numbers; found {found} at {rows}.")
        values[name] = col
    wide = pd.DataFrame(values)
    wide.insert(0, "_area", table[area].astype(str).to_numpy())
    wide.insert(1, "_year", table[year].astype(str).to_numpy() if year else "")
    dup = wide.duplicated(["_area", "_year"], keep=False)
    if dup.any():
        what = "area and year" if year else "area"
        raise DataError(
            f"Each {what} must appear once in the area table{where}; duplicates at "
            f"{describe_rows(np.flatnonzero(dup.to_numpy()))}."
        )
    years = sorted(wide["_year"].unique(), key=_year_key)
    frames = [
        _correlation_rows(wide[wide["_year"] == y].set_index("_area")[list(indicators)], methods, "across_areas", y)
        for y in years
    ]  # fmt: skip
    notes = []
    if len(years) >= 2:
        first = wide[wide["_year"] == years[0]].set_index("_area")[list(indicators)]
        last = wide[wide["_year"] == years[-1]].set_index("_area")[list(indicators)]
        change = (last - first).dropna(how="all")
        frames.append(_correlation_rows(change, methods, "change", f"{years[0]}→{years[-1]}"))
        notes.append(f"changes: {len(change)} area(s) observed in {years[0]} and {years[-1]}")
    return AreaCorrelationResult(pd.concat(frames, ignore_index=True), notes)


def _correlation_rows(
    wide: pd.DataFrame, methods: Sequence[str], kind: str, year: str
) -> pd.DataFrame:
    rows = []
    cols = list(wide.columns)
    for method in methods:
        for i, a in enumerate(cols):
            for b in cols[i + 1 :]:
                both = wide[[a, b]].dropna()
                n = len(both)
                r = p = float("nan")
                if n >= 3 and both[a].nunique() > 1 and both[b].nunique() > 1:
                    fn = stats.pearsonr if method == "pearson" else stats.spearmanr
                    res = fn(both[a], both[b])
                    r, p = float(res[0]), float(res[1])
                rows.append(
                    (f"ac:{kind}:{method}:{year}:{a}~{b}", kind, method, year, a, b, r, p, n)
                )
    return pd.DataFrame(
        rows,
        columns=[
            "row_id",
            "kind",
            "method",
            "year",
            "indicator_a",
            "indicator_b",
            "r",
            "p_value",
            "n_areas",
        ],
    )


def _year_key(value: str) -> tuple[int, float, str]:
    try:
        return (0, float(value), value)
    except ValueError:
        return (1, 0.0, value)


# ---------------------------------------------------------------------------- clusters
def cluster_threats(
    association: pd.DataFrame, *, min_association: float = 0.2, method: str = "average"
) -> pd.DataFrame:
    """Clusters of co-occurring threats from a square association matrix (e.g. Cramér's V or r).

    Hierarchical clustering (``scipy.cluster.hierarchy``, ``method`` linkage) on the distance
    ``1 − association``; clusters are cut where the linkage distance exceeds ``1 − min_association``,
    so with average linkage the members of a cluster have a mean association ≥ ``min_association``.
    ``order`` is the dendrogram's leaf order (a good order for heat maps). Missing associations count
    as 0.

    >>> m = pd.DataFrame([[1, .8, .1], [.8, 1, .05], [.1, .05, 1]], index=list("abc"), columns=list("abc"))
    >>> cluster_threats(m, min_association=0.5)[["indicator", "cluster", "size"]].to_dict("list")
    {'indicator': ['a', 'b', 'c'], 'cluster': [1, 1, 2], 'size': [2, 2, 1]}
    """
    if list(association.index) != list(association.columns):
        raise HumsecError("An association matrix must have the same labels on rows and columns.")
    names = list(association.index)
    if len(names) < 2:
        return pd.DataFrame(
            {
                "indicator": names,
                "cluster": [1] * len(names),
                "size": [1] * len(names),
                "order": [0] * len(names),
            }
        )
    a = association.to_numpy(dtype=np.float64).copy()
    a = np.nan_to_num((a + a.T) / 2, nan=0.0)
    dist = np.clip(1.0 - a, 0.0, 2.0)
    np.fill_diagonal(dist, 0.0)
    tree = hierarchy.linkage(squareform(dist, checks=False), method=method)
    raw = hierarchy.fcluster(tree, t=1.0 - min_association, criterion="distance")
    order = hierarchy.leaves_list(tree)
    # number clusters by their first member in the matrix order, so ids are stable
    first: dict[int, int] = {}
    for c in raw:
        first.setdefault(int(c), len(first) + 1)
    cluster = [first[int(c)] for c in raw]
    position = np.empty(len(names), dtype=np.int64)
    position[order] = np.arange(len(names))
    out = pd.DataFrame({"indicator": names, "cluster": cluster, "order": position})
    out["size"] = out.groupby("cluster")["indicator"].transform("size")
    return out[["indicator", "cluster", "size", "order"]]
