"""Property-based tests (hypothesis) of the Alkire-Foster engine: the AF axioms and identities.

Random small surveys (5-60 persons, 2-6 indicators in 1-3 dimensions, 0/1 deprivations, positive
sampling weights, optional strata/PSUs with at least two PSUs per stratum, a grouping column with 2-4
groups) are fitted with :class:`humsec.AlkireFoster` and checked against

- the AF identities (M0 = H·A, M0 = Σ w_j·hdk_j, Σ pctb = 1, subgroup decomposability),
- the AF axioms (replication invariance, symmetry, dimensional monotonicity, monotonicity in k,
  union / intersection limits, scale invariance of the sampling weights),
- a small independent numpy reference implementation of every estimate and of the Taylor-linearised
  SE (strata, PSUs with replacement, domains of one design, as R ``survey``),
- the classic SRS formula of the SE of a proportion (= R ``svymean`` with ``svydesign(id=~1)``).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import humsec

SETTINGS = settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
TOL = 1e-10  # estimates: sums of at most 60 terms, all of order 1
SCORE_TOL = 1e-12  # the engine's identification tolerance (poor if c >= k/100 - 1e-12 and c > 0)

IND_NAMES = tuple(f"i{j}" for j in range(6))
GROUP_LABELS = ("north", "south", "east", "west")
DESIGN_MODES = ("none", "weight", "strata", "psu", "full")
K_LIST = (1.0, 10.0, 20.0, 25.0, 100 / 3, 33.3, 40.0, 50.0, 60.0, 200 / 3, 75.0, 80.0, 99.9, 100.0)
LEVEL_MEASURES = ("H", "A", "M0", "hd", "hdk", "actb", "pctb")


# ---------------------------------------------------------------------------------------------
# the random survey
@dataclass
class Case:
    df: pd.DataFrame
    dims: dict[str, list[str]]
    indicators: list[str]  # in the specification's order
    weights: np.ndarray  # expected indicator weights, same order
    explicit: bool  # explicit indicator weights in the spec (else nested equal weights)
    ks: list[float]
    mode: str
    weighted: bool
    groups: list[str]  # labels present in the data
    design: dict[str, str] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.df)

    def spec_dict(
        self, ks: list[float] | None = None, design: dict[str, str] | None = None
    ) -> dict[str, Any]:
        out: dict[str, Any] = {
            "dimensions": {d: list(v) for d, v in self.dims.items()},
            "k": list(self.ks if ks is None else ks),
            "design": dict(self.design if design is None else design),
        }
        if self.explicit:
            out["weights"] = {
                name: float(w) for name, w in zip(self.indicators, self.weights, strict=True)
            }
        return out

    def fit(
        self, df: Any = None, ks: list[float] | None = None, design: dict[str, str] | None = None
    ) -> humsec.AFResult:
        spec = humsec.AFSpec.from_dict(self.spec_dict(ks, design))
        return humsec.AlkireFoster(spec).fit(self.df if df is None else df, over=["g"])


def _k_strategy(weights: np.ndarray, below_100: bool) -> st.SearchStrategy[float]:
    """k from a list, any float in (0, 100], or exactly at an attainable score (the tolerance edge)."""
    J = len(weights)
    at_score = st.lists(st.integers(0, J - 1), min_size=1, max_size=J, unique=True).map(
        lambda subset: min(100.0, 100.0 * float(sum(weights[j] for j in subset)))
    )
    any_k = st.floats(min_value=0.0, max_value=100.0, exclude_min=True, allow_nan=False)
    strategy = st.one_of(st.sampled_from(K_LIST), any_k, at_score)
    if below_100:
        strategy = strategy.filter(lambda k: k < 100.0)
    return strategy


@st.composite
def af_cases(
    draw: st.DrawFn,
    n_k: tuple[int, int] = (1, 3),
    modes: tuple[str, ...] = DESIGN_MODES,
    below_100: bool = False,
    max_n: int = 60,
) -> Case:
    # dimensions and indicators
    n_dim = draw(st.integers(1, 3))
    J = draw(st.integers(max(2, n_dim), 6))
    extra = draw(st.lists(st.integers(0, n_dim - 1), min_size=J - n_dim, max_size=J - n_dim))
    sizes = [1 + extra.count(d) for d in range(n_dim)]
    names = list(draw(st.permutations(IND_NAMES[:J])))
    dims: dict[str, list[str]] = {}
    start = 0
    for d, size in enumerate(sizes):
        dims[f"dim{d}"] = names[start : start + size]
        start += size
    indicators = [name for members in dims.values() for name in members]
    explicit = draw(st.booleans())
    if explicit:
        raw = np.array(draw(st.lists(st.floats(0.05, 1.0), min_size=J, max_size=J)))
        weights = raw / raw.sum()
    else:  # nested equal weights: equal across dimensions, equal within
        weights = np.array(
            [1.0 / n_dim / len(members) for members in dims.values() for _ in members]
        )

    # persons, design, groups
    n = draw(st.integers(5, max_n))
    mode = draw(st.sampled_from(modes))
    data: dict[str, Any] = {}
    # one bitmask per indicator: bit i = person i deprived (shrinks towards nobody deprived);
    # inverting some masks spreads the prevalence over (0, 1)
    full = 2**n - 1
    masks = [draw(st.integers(0, full)) ^ (full if draw(st.booleans()) else 0) for _ in range(J)]
    G = np.array([[(m >> i) & 1 for m in masks] for i in range(n)], dtype=np.int64)
    for j, name in enumerate(indicators):
        data[name] = G[:, j]
    design: dict[str, str] = {}
    weighted = mode in ("weight", "full") or (mode in ("strata", "psu") and draw(st.booleans()))
    if weighted:
        data["w"] = draw(st.lists(st.floats(0.1, 10.0), min_size=n, max_size=n))
        design["weight"] = "w"
    if mode == "strata":  # each person is their own PSU; >= 2 persons per stratum
        n_strata = draw(st.integers(1, min(3, n // 2)))
        rest = draw(
            st.lists(
                st.integers(0, n_strata - 1), min_size=n - 2 * n_strata, max_size=n - 2 * n_strata
            )
        )
        data["s"] = [h + 1 for h in [*(i // 2 for i in range(2 * n_strata)), *rest]]
        design["strata"] = "s"
    elif mode in ("psu", "full"):
        n_strata = draw(st.integers(1, min(3, n // 2))) if mode == "full" else 1
        n_psu = draw(st.integers(2 * n_strata, min(n, 12)))
        psu_rest = draw(
            st.lists(
                st.integers(0, n_strata - 1),
                min_size=n_psu - 2 * n_strata,
                max_size=n_psu - 2 * n_strata,
            )
        )
        psu_stratum = [*(p // 2 for p in range(2 * n_strata)), *psu_rest]
        person_rest = draw(
            st.lists(st.integers(0, n_psu - 1), min_size=n - n_psu, max_size=n - n_psu)
        )
        psu = np.array([*range(n_psu), *person_rest])
        data["p"] = 10 * psu + 3  # arbitrary integer ids, unique across strata
        design["psu"] = "p"
        if mode == "full":
            data["s"] = [psu_stratum[p] + 1 for p in psu]
            design["strata"] = "s"
    n_groups = draw(st.integers(2, 4))
    rest = draw(
        st.lists(st.integers(0, n_groups - 1), min_size=n - n_groups, max_size=n - n_groups)
    )
    data["g"] = [GROUP_LABELS[c] for c in [*range(n_groups), *rest]]
    ks = draw(
        st.lists(_k_strategy(weights, below_100), min_size=n_k[0], max_size=n_k[1], unique=True)
    )
    return Case(
        df=pd.DataFrame(data),
        dims=dims,
        indicators=indicators,
        weights=weights,
        explicit=explicit,
        ks=ks,
        mode=mode,
        weighted=weighted,
        groups=list(GROUP_LABELS[:n_groups]),
        design=design,
    )


# ---------------------------------------------------------------------------------------------
# helpers: reading results by key
def rows(res: humsec.AFResult, table: str = "levels") -> dict[tuple[Any, ...], Any]:
    """(measure, k or None, indicator, over, group) -> row, exact k (no np.isclose matching)."""
    frame = res.to_frame(table, backend="pandas")
    out: dict[tuple[Any, ...], Any] = {}
    for r in frame.itertuples(index=False):
        key = (
            r.measure,
            None if pd.isna(r.k) else float(r.k),
            getattr(r, "indicator", ""),
            r.over,
            r.group,
        )
        assert key not in out, f"duplicate row {key}"
        out[key] = r
    return out


def domains(case: Case) -> list[tuple[str, str]]:
    return [("national", "")] + [("g", label) for label in case.groups]


def est(
    table: dict[tuple[Any, ...], Any],
    measure: str,
    k: float | None,
    indicator: str = "",
    over: str = "national",
    group: str = "",
) -> float:
    return float(table[(measure, k, indicator, over, group)].estimate)


def levels_frame(res: humsec.AFResult, table: str = "levels") -> pd.DataFrame:
    frame = res.to_frame(table, backend="pandas").copy()
    frame["kk"] = frame["k"].fillna(-1.0)
    keys = ["measure", "kk", "over", "group"] + (
        ["indicator"] if "indicator" in frame.columns else []
    )
    return frame.sort_values(keys).reset_index(drop=True)


def assert_same_results(
    a: humsec.AFResult,
    b: humsec.AFResult,
    se: bool = True,
    tables: tuple[str, ...] = ("levels", "shares"),
) -> None:
    """Same rows, same estimates (and SEs: compared as variances, which carry the rounding)."""
    for table in tables:
        fa, fb = levels_frame(a, table), levels_frame(b, table)
        key_cols = [
            c for c in ("measure", "kk", "indicator", "over", "group", "n") if c in fa.columns
        ]
        pd.testing.assert_frame_equal(fa[key_cols], fb[key_cols])
        np.testing.assert_allclose(
            fb["estimate"], fa["estimate"], rtol=1e-9, atol=TOL, equal_nan=True
        )
        if se:
            np.testing.assert_allclose(
                fb["se"] ** 2, fa["se"] ** 2, rtol=1e-8, atol=1e-13, equal_nan=True
            )


# ---------------------------------------------------------------------------------------------
# the independent reference implementation
def design_arrays(
    case: Case, df: pd.DataFrame | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(deprivations n×J, sampling weights, PSU codes, stratum codes) per person."""
    df = case.df if df is None else df
    n = len(df)
    G = df[case.indicators].to_numpy(dtype=np.float64)
    w = df["w"].to_numpy(dtype=np.float64) if "weight" in case.design else np.ones(n)
    psu = pd.factorize(df["p"])[0] if "psu" in case.design else np.arange(n)
    strata = pd.factorize(df["s"])[0] if "strata" in case.design else np.zeros(n, dtype=np.int64)
    return G, w, psu, strata


def ref_ratio(
    y: np.ndarray, x: np.ndarray, psu: np.ndarray, strata: np.ndarray
) -> tuple[float, float]:
    """Ratio Σy/Σx and its linearised SE: V = Σ_h n_h/(n_h−1) Σ_{p∈h} (U_p − Ū_h)², U_p = Σ_{i∈p} (y_i − R x_i)/X.

    y and x are zero outside the domain; n_h counts every PSU of stratum h (domain estimation).
    """
    X = x.sum()
    R = y.sum() / X
    u = (y - R * x) / X
    n_psu = psu.max() + 1
    U = np.bincount(psu, weights=u, minlength=n_psu)
    psu_stratum = np.zeros(n_psu, dtype=np.int64)
    psu_stratum[psu] = strata
    var = 0.0
    for h in np.unique(psu_stratum):
        Uh = U[psu_stratum == h]
        var += len(Uh) / (len(Uh) - 1) * float(((Uh - Uh.mean()) ** 2).sum())
    return float(R), math.sqrt(var)


def reference(
    case: Case, ks: list[float] | None = None, df: pd.DataFrame | None = None
) -> dict[tuple[Any, ...], tuple[float, float, int]]:
    """(measure, k, indicator, over, group) -> (estimate, se, n) from the AF formulas, person by person."""
    df = case.df if df is None else df
    ks = case.ks if ks is None else ks
    G, w, psu, strata = design_arrays(case, df)
    wj = case.weights
    score = np.array([sum(wj[j] * G[i, j] for j in range(len(wj))) for i in range(len(w))])
    assert (score >= 0).all()
    group = df["g"].to_numpy()
    out: dict[tuple[Any, ...], tuple[float, float, int]] = {}

    def put(
        key: tuple[Any, ...], y: np.ndarray, x: np.ndarray, dom: np.ndarray, count: int
    ) -> None:
        if x[dom].sum() == 0:  # 0/0 (A, pctb where nobody is poor): NaN, the row is kept
            out[key] = (math.nan, math.nan, count)
            return
        r, se = ref_ratio(y * dom, x * dom, psu, strata)
        out[key] = (r, se, count)

    for over, label in domains(case):
        dom = np.ones(len(w), dtype=bool) if over == "national" else group == label
        n_dom = int(dom.sum())
        for j, name in enumerate(case.indicators):
            put(("hd", None, name, over, label), w * G[:, j], w, dom, n_dom)
        for k in ks:
            poor = (score >= k / 100 - SCORE_TOL) & (score > 0)
            put(("H", k, "", over, label), w * poor, w, dom, n_dom)
            put(("A", k, "", over, label), w * score * poor, w * poor, dom, int((dom & poor).sum()))
            put(("M0", k, "", over, label), w * score * poor, w, dom, n_dom)
            for j, name in enumerate(case.indicators):
                put(("hdk", k, name, over, label), w * G[:, j] * poor, w, dom, n_dom)
                put(("actb", k, name, over, label), wj[j] * w * G[:, j] * poor, w, dom, n_dom)
                put(
                    ("pctb", k, name, over, label),
                    wj[j] * w * G[:, j] * poor,
                    w * score * poor,
                    dom,
                    n_dom,
                )
    return out


def brute_force_A(case: Case, k: float, label: str | None = None) -> float:
    """A by a loop over persons: the weighted mean deprivation score of the poor."""
    G, w, _, _ = design_arrays(case)
    num = den = 0.0
    for i in range(case.n):
        if label is not None and case.df["g"].iloc[i] != label:
            continue
        c = 0.0
        for j in range(len(case.indicators)):
            c += case.weights[j] * G[i, j]
        if c > 0 and c >= k / 100 - SCORE_TOL:
            num += w[i] * c
            den += w[i]
    return num / den if den > 0 else math.nan


def poor_mask(case: Case, k: float, df: pd.DataFrame | None = None) -> np.ndarray:
    G, _, _, _ = design_arrays(case, df)
    score = G @ case.weights
    return (score >= k / 100 - SCORE_TOL) & (score > 0)


# ---------------------------------------------------------------------------------------------
# 0. the specification's indicator weights
@SETTINGS
@given(case=af_cases(n_k=(1, 1), max_n=5))
def test_indicator_weights_nested_equal_or_explicit(case: Case) -> None:
    spec = humsec.AFSpec.from_dict(case.spec_dict())
    got = spec.indicator_weights()
    assert list(got) == case.indicators
    np.testing.assert_allclose(
        [got[name] for name in case.indicators], case.weights, rtol=0, atol=1e-15
    )
    assert abs(sum(got.values()) - 1) < 1e-12


# 1. M0 = H × A
@SETTINGS
@given(case=af_cases())
def test_m0_equals_h_times_a(case: Case) -> None:
    t = rows(case.fit())
    for over, group in domains(case):
        for k in case.ks:
            h, m0 = est(t, "H", k, over=over, group=group), est(t, "M0", k, over=over, group=group)
            if h > 0:
                a = est(t, "A", k, over=over, group=group)
                assert m0 == pytest.approx(h * a, rel=1e-12, abs=1e-14)
                assert 0 < a <= 1 + 1e-12
            else:
                assert m0 == 0.0
            assert 0 <= m0 <= h + 1e-12  # c <= 1 up to the rounding of Σ w_j
            assert h <= 1 + 1e-12


# 1b. nobody poor: A is NaN (0/0), as pctb is, and the A row is kept with n = 0
def test_a_is_nan_when_nobody_is_poor() -> None:
    df = pd.DataFrame({"a": [0, 1, 0, 0], "b": [0, 0, 0, 0], "g": ["x", "x", "y", "y"]})
    spec = humsec.AFSpec.from_dict({"dimensions": {"d1": ["a"], "d2": ["b"]}, "k": [100]})
    res = humsec.AlkireFoster(spec).fit(df, over=["g"])
    assert res.estimate("H", 100) == 0.0
    assert res.estimate("M0", 100) == 0.0
    assert math.isnan(res.estimate("pctb", 100, indicator="a"))
    for over, group in (("national", ""), ("g", "x"), ("g", "y")):
        assert math.isnan(res.estimate("A", 100, over=over, group=group))
    t = rows(res)
    assert t[("A", 100.0, "", "national", "")].n == 0


# 1c. AFResult.estimate finds the row of the k asked for, even beside a close k
def test_estimate_selects_exact_k() -> None:
    df = pd.DataFrame({"a": [1, 0, 1], "b": [0, 0, 1]})
    spec = humsec.AFSpec.from_dict({"dimensions": {"d": ["a", "b"]}, "k": [20, 20.0001]})
    res = humsec.AlkireFoster(spec).fit(df)
    assert res.estimate("H", 20) == pytest.approx(2 / 3)


# 2. 0 <= hdk_j <= hd_j <= 1
@SETTINGS
@given(case=af_cases())
def test_censored_headcount_below_uncensored(case: Case) -> None:
    t = rows(case.fit())
    for over, group in domains(case):
        for name in case.indicators:
            hd = est(t, "hd", None, name, over, group)
            assert 0 <= hd <= 1
            for k in case.ks:
                hdk = est(t, "hdk", k, name, over, group)
                assert 0 <= hdk <= hd + 1e-15


# 3. M0 = Σ_j w_j hdk_j = Σ_j actb_j
@SETTINGS
@given(case=af_cases())
def test_m0_is_weighted_sum_of_censored_headcounts(case: Case) -> None:
    t = rows(case.fit())
    for over, group in domains(case):
        for k in case.ks:
            M0 = est(t, "M0", k, over=over, group=group)
            hdk = np.array([est(t, "hdk", k, name, over, group) for name in case.indicators])
            actb = np.array([est(t, "actb", k, name, over, group) for name in case.indicators])
            assert float(case.weights @ hdk) == pytest.approx(M0, abs=TOL)
            assert float(actb.sum()) == pytest.approx(M0, abs=TOL)
            np.testing.assert_allclose(actb, case.weights * hdk, rtol=0, atol=TOL)


# 4. Σ_j pctb_j = 1 (a share, not a percentage)
@SETTINGS
@given(case=af_cases())
def test_percentage_contributions_sum_to_one(case: Case) -> None:
    t = rows(case.fit())
    for over, group in domains(case):
        for k in case.ks:
            M0 = est(t, "M0", k, over=over, group=group)
            pctb = np.array([est(t, "pctb", k, name, over, group) for name in case.indicators])
            if M0 > 0:
                assert float(pctb.sum()) == pytest.approx(1.0, abs=TOL)
                assert (pctb >= 0).all()
                assert (pctb <= 1 + TOL).all()
            else:
                assert np.isnan(pctb).all()


# 5. subgroup decomposability
@SETTINGS
@given(case=af_cases())
def test_subgroup_decomposability(case: Case) -> None:
    res = case.fit()
    t, s = rows(res), rows(res, "shares")
    _, w, _, _ = design_arrays(case)
    group = case.df["g"].to_numpy()
    own_share = {label: float(w[group == label].sum() / w.sum()) for label in case.groups}
    table_share = {
        label: float(s[("popshare", None, "", "g", label)].estimate) for label in case.groups
    }
    for label in case.groups:
        assert table_share[label] == pytest.approx(own_share[label], abs=TOL)
    assert sum(table_share.values()) == pytest.approx(1.0, abs=TOL)
    for k in case.ks:
        M0 = est(t, "M0", k)
        M0_g = {label: est(t, "M0", k, over="g", group=label) for label in case.groups}
        assert sum(table_share[g] * M0_g[g] for g in case.groups) == pytest.approx(M0, abs=TOL)
        assert sum(own_share[g] * M0_g[g] for g in case.groups) == pytest.approx(M0, abs=TOL)
        contrib = {
            label: float(s[("contrib", k, "", "g", label)].estimate) for label in case.groups
        }
        if M0 > 0:
            assert sum(contrib.values()) == pytest.approx(1.0, abs=TOL)
            for g in case.groups:
                assert contrib[g] == pytest.approx(own_share[g] * M0_g[g] / M0, abs=TOL)


# 6. replication invariance
@SETTINGS
@given(case=af_cases(max_n=40), fresh_psus=st.booleans())
def test_replication_invariance(case: Case, fresh_psus: bool) -> None:
    copy = case.df.copy()
    if fresh_psus and "p" in copy.columns:
        copy["p"] = copy["p"] + 10_000  # the copies form new PSUs (same strata)
    doubled = pd.concat([case.df, copy], ignore_index=True)
    a, b = rows(case.fit()), rows(case.fit(doubled))
    assert set(a) == set(b)
    for key, row in a.items():
        if key[0] in LEVEL_MEASURES:
            assert b[key].estimate == pytest.approx(row.estimate, abs=TOL, nan_ok=True), key
            assert b[key].n == 2 * row.n


# 7. symmetry (anonymity): row order does not matter, SEs included
@SETTINGS
@given(case=af_cases(), data=st.data())
def test_row_permutation_symmetry(case: Case, data: st.DataObject) -> None:
    order = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1))).permutation(case.n)
    shuffled = case.df.iloc[order].reset_index(drop=True)
    assert_same_results(case.fit(), case.fit(shuffled), se=True)


# 8. dimensional monotonicity
@SETTINGS
@given(case=af_cases(n_k=(1, 1), below_100=True), data=st.data())
def test_dimensional_monotonicity_strict_for_a_poor_person(case: Case, data: st.DataObject) -> None:
    k = case.ks[0]
    poor = poor_mask(case, k)
    G, w, _, _ = design_arrays(case)
    candidates = [
        (i, j)
        for i in range(case.n)
        for j in range(len(case.indicators))
        if poor[i] and G[i, j] == 0
    ]
    assume(candidates)
    i, j = data.draw(st.sampled_from(candidates))
    worse = case.df.copy()
    worse.loc[i, case.indicators[j]] = 1
    before, after = rows(case.fit()), rows(case.fit(worse))
    assert poor_mask(case, k, worse)[i]  # still poor
    m0_before, m0_after = est(before, "M0", k), est(after, "M0", k)
    assert m0_after > m0_before
    assert m0_after - m0_before == pytest.approx(w[i] * case.weights[j] / w.sum(), abs=1e-12)
    assert est(after, "H", k) == pytest.approx(est(before, "H", k), abs=1e-15)
    assert est(after, "A", k) > est(before, "A", k)


@SETTINGS
@given(case=af_cases(), data=st.data())
def test_dimensional_monotonicity_weak(case: Case, data: st.DataObject) -> None:
    G, _, _, _ = design_arrays(case)
    candidates = [
        (i, j) for i in range(case.n) for j in range(len(case.indicators)) if G[i, j] == 0
    ]
    assume(candidates)
    i, j = data.draw(st.sampled_from(candidates))
    worse = case.df.copy()
    worse.loc[i, case.indicators[j]] = 1
    before, after = rows(case.fit()), rows(case.fit(worse))
    for k in case.ks:
        for over, group in domains(case):
            assert (
                est(after, "M0", k, over=over, group=group)
                >= est(before, "M0", k, over=over, group=group) - 1e-15
            )
            assert (
                est(after, "H", k, over=over, group=group)
                >= est(before, "H", k, over=over, group=group) - 1e-15
            )


# 9. monotonicity in k
@SETTINGS
@given(case=af_cases(n_k=(2, 5)))
def test_headcount_and_m0_non_increasing_in_k(case: Case) -> None:
    t = rows(case.fit())
    ks = sorted(case.ks)
    for over, group in domains(case):
        h = [est(t, "H", k, over=over, group=group) for k in ks]
        m0 = [est(t, "M0", k, over=over, group=group) for k in ks]
        assert all(a >= b - 1e-15 for a, b in itertools.pairwise(h)), (ks, h)
        assert all(a >= b - 1e-15 for a, b in itertools.pairwise(m0)), (ks, m0)


# 10. union (k <= min w_j) and intersection (k = 100) approaches
@SETTINGS
@given(case=af_cases(n_k=(1, 1)), data=st.data())
def test_union_and_intersection_limits(case: Case, data: st.DataObject) -> None:
    k_min = 100.0 * float(case.weights.min())
    k_union = data.draw(st.one_of(st.just(k_min), st.floats(0.0, k_min, exclude_min=True)))
    assume(k_union < 100.0)
    t = rows(case.fit(ks=[k_union, 100.0]))
    G, w, _, _ = design_arrays(case)
    group = case.df["g"].to_numpy()
    for over, label in domains(case):
        dom = np.ones(case.n, dtype=bool) if over == "national" else group == label
        union = float((w * dom * (G.sum(axis=1) >= 1)).sum() / (w * dom).sum())
        inter = float((w * dom * (G.sum(axis=1) == G.shape[1])).sum() / (w * dom).sum())
        assert est(t, "H", k_union, over=over, group=label) == pytest.approx(union, abs=TOL)
        assert est(t, "H", 100.0, over=over, group=label) == pytest.approx(inter, abs=TOL)
        assert est(t, "M0", 100.0, over=over, group=label) == pytest.approx(inter, abs=TOL)  # A = 1
        for name in case.indicators:  # union: every deprivation counts (censored = uncensored)
            assert est(t, "hdk", k_union, name, over, label) == pytest.approx(
                est(t, "hd", None, name, over, label), abs=TOL
            )


def test_tiny_k_does_not_make_the_non_deprived_poor() -> None:
    df = pd.DataFrame({"a": [1, 0, 0, 0], "b": [0, 0, 0, 0]})
    spec = humsec.AFSpec.from_dict({"dimensions": {"d1": ["a"], "d2": ["b"]}, "k": [1e-12]})
    res = humsec.AlkireFoster(spec).fit(df)
    # k/100 lies within the 1e-12 tolerance of 0, yet a person without deprivation is never poor:
    # H is the union headcount (deprived in at least one indicator)
    assert res.estimate("H", 1e-12) == pytest.approx(0.25)
    assert res.estimate("A", 1e-12) == pytest.approx(0.5)


# 11. every estimate (and SE, n, df) against the independent reference implementation
@SETTINGS
@given(case=af_cases())
def test_estimates_match_reference_implementation(case: Case) -> None:
    res = case.fit()
    t = rows(res)
    ref = reference(case)
    assert set(ref) == set(t)  # every measure of every domain, A included where nobody is poor
    _, _, psu, strata = design_arrays(case)
    n_psu, n_strata = len(np.unique(psu)), len(np.unique(strata))
    for key, (r, se, count) in ref.items():
        row = t[key]
        assert row.n == count, key
        assert row.df == n_psu - n_strata
        if math.isnan(r):
            assert math.isnan(row.estimate), key
            continue
        assert row.estimate == pytest.approx(r, abs=TOL), key
        assert row.se**2 == pytest.approx(se**2, rel=1e-8, abs=1e-13), key
        assert row.ci_low - 1e-12 <= row.estimate <= row.ci_high + 1e-12, key
    for k in case.ks:  # A by a plain loop over persons
        for over, label in domains(case):
            a = brute_force_A(case, k, None if over == "national" else label)
            if not math.isnan(a):
                assert est(t, "A", k, over=over, group=label) == pytest.approx(a, abs=TOL)


@SETTINGS
@given(case=af_cases())
def test_shares_match_reference_implementation(case: Case) -> None:
    s = rows(case.fit(), "shares")
    G, w, psu, strata = design_arrays(case)
    score = G @ case.weights
    group = case.df["g"].to_numpy()
    for label in case.groups:
        dom = group == label
        r, se = ref_ratio(w * dom, w, psu, strata)
        row = s[("popshare", None, "", "g", label)]
        assert row.estimate == pytest.approx(r, abs=TOL)
        assert row.se**2 == pytest.approx(se**2, rel=1e-8, abs=1e-13)
        for k in case.ks:
            poor = (score >= k / 100 - SCORE_TOL) & (score > 0)
            row = s[("contrib", k, "", "g", label)]
            if not poor.any():
                assert math.isnan(row.estimate)
                continue
            r, se = ref_ratio(w * score * poor * dom, w * score * poor, psu, strata)
            assert row.estimate == pytest.approx(r, abs=TOL)
            assert row.se**2 == pytest.approx(se**2, rel=1e-8, abs=1e-13)


# 12. scale invariance of the sampling weights (estimates and SEs)
@SETTINGS
@given(case=af_cases(), factor=st.floats(1e-3, 1e3))
def test_sampling_weight_scale_invariance(case: Case, factor: float) -> None:
    scaled = case.df.copy()
    if case.weighted:
        scaled["w"] = scaled["w"] * factor
        design = case.design
    else:  # a constant weight column is the same as no weights
        scaled["w"] = factor
        design = {**case.design, "weight": "w"}
    assert_same_results(case.fit(), case.fit(scaled, design=design), se=True)


# 13. SEs: non-negative; SRS formula without a design
@SETTINGS
@given(case=af_cases())
def test_standard_errors_non_negative(case: Case) -> None:
    res = case.fit()
    for table in ("levels", "shares"):
        frame = res.to_frame(table, backend="pandas")
        finite = np.isfinite(frame["estimate"])
        assert (frame.loc[finite, "se"] >= 0).all()
        assert np.isfinite(frame.loc[finite, "se"]).all()


@SETTINGS
@given(case=af_cases(modes=("none",)))
def test_se_of_headcount_is_srs_formula_without_design(case: Case) -> None:
    t = rows(case.fit())
    n = case.n
    G, _, _, _ = design_arrays(case)
    for k in case.ks:
        y = poor_mask(case, k).astype(np.float64)
        p = y.mean()
        expected = math.sqrt(((y - p) ** 2).sum() / (n * (n - 1)))
        assert expected == pytest.approx(math.sqrt(p * (1 - p) / (n - 1)), abs=1e-12)
        row = t[("H", k, "", "national", "")]
        assert row.estimate == pytest.approx(p, abs=1e-12)
        assert abs(row.se - expected) <= 1e-12
        assert row.df == n - 1
    for j, name in enumerate(case.indicators):  # hd is a proportion too
        y = G[:, j]
        expected = math.sqrt(((y - y.mean()) ** 2).sum() / (n * (n - 1)))
        assert abs(t[("hd", None, name, "national", "")].se - expected) <= 1e-12


def test_srs_se_equals_r_svymean() -> None:
    """R 4.2.2, survey 4.1.1: ``svymean(~y, svydesign(id=~1, data=data.frame(y=y)))``
    gives 0.58333333333333326 and SE 0.14864709750264077 (var = n/(n−1)·Σ((y_i − ȳ)/n)²)."""
    y = [1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0]
    df = pd.DataFrame({"y": y, "z": y})
    spec = humsec.AFSpec.from_dict({"dimensions": {"d": ["y", "z"]}, "k": [100]})
    res = humsec.AlkireFoster(spec).fit(df)
    t = rows(res)
    assert t[("H", 100.0, "", "national", "")].estimate == pytest.approx(
        0.58333333333333326, abs=1e-15
    )
    assert abs(t[("H", 100.0, "", "national", "")].se - 0.14864709750264077) <= 1e-12
    assert abs(t[("hd", None, "y", "national", "")].se - 0.14864709750264077) <= 1e-12


# pandas vs Polars input
@SETTINGS
@given(case=af_cases())
def test_polars_input_gives_identical_results(case: Case) -> None:
    pl = pytest.importorskip("polars")
    res_pd = case.fit()
    res_pl = case.fit(pl.from_pandas(case.df))
    assert isinstance(res_pl.to_frame("levels"), pl.DataFrame)
    for table in ("levels", "shares"):
        a = res_pd.to_frame(table, backend="pandas")
        b = res_pl.to_frame(table, backend="pandas")
        pd.testing.assert_frame_equal(a, b, check_exact=True)
