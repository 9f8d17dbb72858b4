"""Interlinkages of threats: hand-computed values, independent cross-checks, identities (hypothesis)."""

from __future__ import annotations

from pathlib import Path

import hypothesis
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.stats import contingency

import humsec
from humsec.af.interlinkages import (
    area_correlations,
    cluster_threats,
    co_deprivation,
    pair_gradients,
    pair_measures,
)
from tests.conftest import SHARED

#: the R reference (kept beside the multiple-needs reference that reads its survey file)
REFERENCE = Path(__file__).parents[1] / "analysis" / "interlinkage_se_reference"

# Five persons, three indicators, weights summing to 10 (worked by hand below).
TINY = pd.DataFrame(
    {
        "x": [1, 1, 0, 0, 1],
        "y": [1, 0, 1, 0, 1],
        "z": [0, 1, 0, 0, 1],
        "w": [1.0, 2.0, 1.0, 4.0, 2.0],
    }
)
TINY_SPEC = {
    "dimensions": {"a": ["x"], "b": ["y"], "c": ["z"]},
    "k": [50],
    "design": {"weight": "w"},
}


def _row(frame: pd.DataFrame, version: str, a: str, b: str) -> pd.Series:
    rows = frame[
        (frame["version"] == version) & (frame["indicator_a"] == a) & (frame["indicator_b"] == b)
    ]
    assert len(rows) == 1
    return rows.iloc[0]


def test_tiny_weighted_table_by_hand():
    r = co_deprivation(TINY_SPEC, TINY)
    f = r.to_frame()
    xy = _row(f, "uncensored", "x", "y")
    # H_x = (1+2+2)/10, H_y = (1+1+2)/10, both x and y: persons 1 and 5 = (1+2)/10
    assert xy["h_a"] == pytest.approx(0.5)
    assert xy["h_b"] == pytest.approx(0.4)
    assert xy["joint"] == pytest.approx(0.3)
    assert xy["p_b_given_a"] == pytest.approx(0.6)
    assert xy["p_a_given_b"] == pytest.approx(0.75)
    # φ = (0.3 − 0.5·0.4)/√(0.5·0.5·0.4·0.6)
    assert xy["phi"] == pytest.approx(0.1 / np.sqrt(0.06))
    assert xy["r0"] == pytest.approx(0.75)
    assert xy["n"] == 5 and xy["n_joint"] == 2
    assert xy["row_id"] == "il:uncensored:t:x~y"
    # censored at k = 50 (poor = 2+ of 3 equally weighted): persons 1, 2, 5 are poor
    cxy = _row(f, "censored", "x", "y")
    assert cxy["h_a"] == pytest.approx(0.5)  # x: persons 1, 2, 5
    assert cxy["h_b"] == pytest.approx(0.3)  # y: persons 1, 5 (person 3 is not poor)
    assert cxy["joint"] == pytest.approx(0.3)
    assert cxy["r0"] == pytest.approx(1.0)
    assert cxy["row_id"] == "il:censored50:t:x~y"
    cyz = _row(f, "censored", "y", "z")
    assert cyz["joint"] == pytest.approx(0.2)  # person 5 only
    assert cyz["r0"] == pytest.approx(0.2 / 0.3)


def test_cramers_v_matches_scipy_contingency_association():
    r = co_deprivation(TINY_SPEC, TINY, censored=False).to_frame()
    for row in r.itertuples():
        a, b = TINY[row.indicator_a], TINY[row.indicator_b]
        table = np.array(
            [[TINY["w"][(a == i) & (b == j)].sum() for j in (1, 0)] for i in (1, 0)]
        ).astype(np.int64)  # the weights are whole numbers: weighted counts
        expected = contingency.association(table, method="cramer")  # χ² without correction
        assert row.cramers_v == pytest.approx(expected, abs=1e-12)


def test_matrix_and_clusters():
    r = co_deprivation(TINY_SPEC, TINY, censored=False)
    m = r.matrix("p_b_given_a")
    assert m.loc["x", "y"] == pytest.approx(0.6)  # P(y | x)
    assert m.loc["y", "x"] == pytest.approx(0.75)
    assert (np.diag(m) == 1).all()
    joint = r.matrix("joint")
    assert joint.loc["x", "x"] == pytest.approx(0.5)
    clusters = r.clusters(min_association=0.3)
    assert set(clusters.columns) >= {"indicator", "dimension", "cluster", "order"}


def test_cluster_threats_groups_strongly_linked():
    names = list("abcd")
    m = pd.DataFrame(
        [[1, 0.9, 0.1, 0.0], [0.9, 1, 0.2, 0.1], [0.1, 0.2, 1, 0.7], [0.0, 0.1, 0.7, 1]],
        index=names,
        columns=names,
    )
    out = cluster_threats(m, min_association=0.5)
    assert out["cluster"].tolist() == [1, 1, 2, 2]
    # a low threshold merges everything
    assert cluster_threats(m, min_association=0.0)["cluster"].nunique() == 1


def test_design_se_matches_the_af_engine_on_syn_cdta(syn_cdta, syn_spec):
    """The joint rate of (elct, ckfl) is the headcount of the product indicator; P(ckfl | elct) is the
    headcount of ckfl in the domain elct = 1. The AF engine (a separate, compiled code path) gives
    both with their design SEs."""
    r = co_deprivation(syn_spec, syn_cdta, censored=False).to_frame()
    row = r[
        (r["time"] == "1") & (r["indicator_a"] == "d_elct") & (r["indicator_b"] == "d_ckfl")
    ].iloc[0]
    df = syn_cdta.dropna(subset=list(syn_spec.indicator_names)).copy()
    df["both"] = df["d_elct"] * df["d_ckfl"]
    spec = {
        "dimensions": {"a": ["both"], "b": ["d_ckfl"]},
        "k": [50],
        "design": {"weight": "weight", "strata": "stratum", "psu": "psu"},
        "time": {"round": "t", "year": "year"},
    }
    af = humsec.AlkireFoster(spec).fit(df, over=["d_elct"]).to_frame()
    hd = af[(af["measure"] == "hd") & (af["time"].astype(str) == "1")]
    both = hd[(hd["indicator"] == "both") & (hd["over"] == "national")].iloc[0]
    assert row["joint"] == pytest.approx(both["estimate"], abs=1e-12)
    assert row["joint_se"] == pytest.approx(both["se"], rel=1e-9)
    cond = hd[
        (hd["indicator"] == "d_ckfl") & (hd["over"] == "d_elct") & (hd["group"].astype(str) == "1")
    ].iloc[0]
    assert row["p_b_given_a"] == pytest.approx(cond["estimate"], abs=1e-12)
    assert row["p_b_given_a_se"] == pytest.approx(cond["se"], rel=1e-9)


def test_reweight_policy_uses_persons_observed_in_both():
    df = TINY.copy()
    df["x"] = df["x"].astype(float)
    df.loc[0, "x"] = np.nan
    # x shares its dimension with z, so person 1 (x missing) stays under 'reweight'
    spec = {**TINY_SPEC, "dimensions": {"a": ["x", "z"], "b": ["y"]}, "missing": "reweight"}
    f = co_deprivation(spec, df, censored=False).to_frame()
    xy = _row(f, "uncensored", "x", "y")
    # persons 2-5 (weights 2, 1, 4, 2 = 9): x in 2, 5 (4/9); y in 3, 5 (3/9); both: 5 (2/9)
    assert xy["h_a"] == pytest.approx(4 / 9)
    assert xy["h_b"] == pytest.approx(3 / 9)
    assert xy["joint"] == pytest.approx(2 / 9)
    assert xy["n"] == 4
    zy = _row(f, "uncensored", "z", "y")
    assert zy["n"] == 5


@st.composite
def surveys(draw):
    n = draw(st.integers(3, 30))
    J = draw(st.integers(2, 4))
    g = draw(st.lists(st.lists(st.integers(0, 1), min_size=J, max_size=J), min_size=n, max_size=n))
    w = draw(st.lists(st.floats(0.1, 10.0), min_size=n, max_size=n))
    df = pd.DataFrame(g, columns=[f"i{j}" for j in range(J)])
    df["w"] = w
    k = draw(st.sampled_from([10.0, 34.0, 50.0, 100.0]))
    spec = {
        "dimensions": {f"d{j}": [f"i{j}"] for j in range(J)},
        "k": [k],
        "design": {"weight": "w"},
    }
    return spec, df


@settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(surveys())
def test_identities(case):
    spec, df = case
    f = co_deprivation(spec, df).to_frame()
    r0 = f["r0"].dropna()
    assert ((r0 >= 0) & (r0 <= 1)).all()
    v = f["cramers_v"].dropna()
    assert ((v >= 0) & (v <= 1 + 1e-12)).all()
    ok = f["h_a"] > 0
    assert np.allclose(f.loc[ok, "p_b_given_a"] * f.loc[ok, "h_a"], f.loc[ok, "joint"], atol=1e-12)
    ok = f["h_b"] > 0
    assert np.allclose(f.loc[ok, "p_a_given_b"] * f.loc[ok, "h_b"], f.loc[ok, "joint"], atol=1e-12)
    assert (f["joint"] <= np.minimum(f["h_a"], f["h_b"]) + 1e-12).all()
    # symmetry: reversing the indicator order gives the same V and R0 for each pair
    rev = dict(reversed(list(spec["dimensions"].items())))
    g = co_deprivation({**spec, "dimensions": rev}, df).to_frame()
    key = ["version", "indicator_a", "indicator_b"]
    g = g.rename(columns={"indicator_a": "indicator_b", "indicator_b": "indicator_a"})
    both = f.merge(g, on=key, suffixes=("", "_rev"))
    assert len(both) == len(f)
    assert np.allclose(both["cramers_v"], both["cramers_v_rev"], equal_nan=True, atol=1e-12)
    assert np.allclose(both["r0"], both["r0_rev"], equal_nan=True, atol=1e-12)


@given(st.floats(0, 1), st.floats(0, 1), st.floats(0, 1))
@settings(max_examples=200, deadline=None, database=None)
def test_pair_measures_bounds(u, v, t):
    h_a, h_b = u, v
    # any feasible joint: max(0, h_a + h_b − 1) ≤ J ≤ min(h_a, h_b)
    low, high = max(0.0, h_a + h_b - 1), min(h_a, h_b)
    # h_a + h_b − 1 is rounded (1 + 1e-12 − 1 ≠ 1e-12): keep the joint feasible exactly
    joint = min(low + t * (high - low), high)
    m = pair_measures(np.array([joint]), np.array([h_a]), np.array([h_b]))
    for name in ("r0", "cramers_v", "p_b_given_a", "p_a_given_b"):
        value = m[name][0]
        assert np.isnan(value) or -1e-12 <= value <= 1 + 1e-12


# ------------------------------------------------------------------------------ area data
def test_area_correlations_by_hand():
    t = pd.DataFrame(
        {
            "area": ["a", "b", "c", "d"] * 2,
            "year": [2010] * 4 + [2015] * 4,
            "x": [1, 2, 3, 4, 2, 2, 5, 4],
            "y": [2, 4, 5, None, 1, 5, 5, 9],
        }
    )
    r = area_correlations(t, area="area", year="year", indicators=["x", "y"])
    f = r.to_frame()
    row = f[
        (f["kind"] == "across_areas") & (f["year"] == "2010") & (f["method"] == "pearson")
    ].iloc[0]
    assert row["n_areas"] == 3  # d has no y in 2010
    assert row["r"] == pytest.approx(np.corrcoef([1, 2, 3], [2, 4, 5])[0, 1])
    ch = f[(f["kind"] == "change") & (f["method"] == "pearson")].iloc[0]
    # changes: x (1, 0, 2, 0), y (−1, 1, 0, NaN) → areas a, b, c
    assert ch["year"] == "2010→2015" and ch["n_areas"] == 3
    assert ch["r"] == pytest.approx(np.corrcoef([1, 0, 2], [-1, 1, 0])[0, 1])
    sp = f[
        (f["kind"] == "across_areas") & (f["year"] == "2015") & (f["method"] == "spearman")
    ].iloc[0]
    assert sp["r"] == pytest.approx(
        pd.Series([2, 2, 5, 4]).corr(pd.Series([1, 5, 5, 9]), method="spearman")
    )
    assert r.matrix("pearson", year="2015").loc["x", "y"] == pytest.approx(
        np.corrcoef([2, 2, 5, 4], [1, 5, 5, 9])[0, 1]
    )


def test_area_correlations_bad_input():
    t = pd.DataFrame({"area": ["a", "b", "a"], "x": [1, 2, 3], "y": ["1", "oops", "2"]})
    with pytest.raises(humsec.ColumnNotFoundError, match="'yy'"):
        area_correlations(t, area="area", indicators=["x", "yy"])
    with pytest.raises(humsec.DataError, match=r"Column 'y'.*oops.*row 2"):
        area_correlations(t, area="area", indicators=["x", "y"])
    t["y"] = [1, 2, 3]
    with pytest.raises(humsec.DataError, match="duplicates at rows 1, 3"):
        area_correlations(t, area="area", indicators=["x", "y"])


MPI = SHARED / "mpi_subnational" / "hdx_hapi_poverty_rate_global.csv.gz"


@pytest.mark.skipif(not MPI.exists(), reason="shared real data not present")
def test_area_correlations_on_kenya_subnational_mpi():
    """OPHI subnational MPI for Kenya's 8 former provinces, 2008/09 and 2014 (real data)."""
    raw = pd.read_csv(MPI, skiprows=[1])
    ken = raw[(raw["location_code"] == "KEN") & raw["provider_admin1_name"].notna()]
    ken = ken[ken["reference_period_start"].str[:4].isin(["2008", "2014"])].copy()
    ken["year"] = ken["reference_period_start"].str[:4]
    cols = [
        "headcount_ratio",
        "intensity_of_deprivation",
        "in_severe_poverty",
        "vulnerable_to_poverty",
    ]
    r = area_correlations(ken, area="provider_admin1_name", year="year", indicators=cols)
    f = r.to_frame()
    hi = f[(f["kind"] == "across_areas") & (f["year"] == "2014") & (f["method"] == "pearson")]
    h_sev = hi[
        (hi["indicator_a"] == "headcount_ratio") & (hi["indicator_b"] == "in_severe_poverty")
    ].iloc[0]
    y14 = ken[ken["year"] == "2014"]
    assert h_sev["n_areas"] == 8
    assert h_sev["r"] == pytest.approx(
        np.corrcoef(y14["headcount_ratio"], y14["in_severe_poverty"])[0, 1]
    )
    assert h_sev["r"] > 0.9  # severe poverty is where poverty is
    change = f[(f["kind"] == "change") & (f["method"] == "spearman")]
    assert (change["n_areas"] == 8).all()


def test_charts_render_offline_to_svg():
    from humsec.core.charts import to_svg
    from humsec.review.charts import threat_heatmap, threat_network

    r = co_deprivation(TINY_SPEC, TINY)
    m = r.matrix("cramers_v")
    svg = to_svg(threat_heatmap(m, title="Cramér's V", order=["z", "x", "y"]))
    assert svg.startswith("<svg") and "Cramér" in svg
    heads = {"x": 0.5, "y": 0.4, "z": 0.4}
    net = threat_network(
        r.matrix("r0"), title="R0", min_strength=0.5, node_size=heads, node_group=r.dimensions
    )
    spec = net.to_dict()
    edges = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "rule")
    data = spec["datasets"][edges["data"]["name"]]
    # R0: x~y 0.75, x~z 1.0 (z ⊂ x), y~z 0.5 → all three links, widest for x~z
    assert sorted((d["a"], d["b"], round(d["strength"], 3)) for d in data) == [
        ("x", "y", 0.75),
        ("x", "z", 1.0),
        ("y", "z", 0.5),
    ]
    assert to_svg(net).startswith("<svg")


def test_network_links_skip_suppressed_cells_without_warnings():
    """A suppressed (NaN) direction leaves the other; two suppressed directions leave no link."""
    import warnings

    from humsec.review.charts import threat_network

    m = pd.DataFrame(
        [[np.nan, np.nan, 0.6], [0.8, np.nan, np.nan], [np.nan, np.nan, np.nan]],
        index=list("abc"),
        columns=list("abc"),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        spec = threat_network(m, title="R0", min_strength=0.5).to_dict()
    edges = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "rule")
    data = spec["datasets"][edges["data"]["name"]]
    assert sorted((d["a"], d["b"], d["strength"]) for d in data) == [
        ("a", "b", 0.8),
        ("a", "c", 0.6),
    ]


@settings(max_examples=200, deadline=None)
@given(st.floats(0.05, 0.95), st.floats(0.05, 0.95), st.floats(0.01, 0.99))
def test_delta_method_gradients_match_finite_differences(h_a, h_b, share):
    """φ and R0 gradients (for their SEs) against central differences of :func:`pair_measures`.

    Away from the kinks: |φ| = 1 and R0 = 1 are caps (joint rate at its bounds), and R0 switches
    marginal where H_a = H_b.
    """
    lo, hi = max(0.0, h_a + h_b - 1), min(h_a, h_b)  # a feasible joint rate, inside its bounds
    joint = lo + share * (hi - lo)
    hypothesis.assume(abs(h_a - h_b) > 1e-3)
    theta = np.array([joint, h_a, h_b])
    grads = pair_gradients(*(np.array([v]) for v in theta))
    eps = 1e-7
    for name in ("phi", "r0"):
        for i in range(3):
            up, down = theta.copy(), theta.copy()
            up[i] += eps
            down[i] -= eps
            numeric = (
                pair_measures(*(np.array([v]) for v in up))[name][0]
                - pair_measures(*(np.array([v]) for v in down))[name][0]
            ) / (2 * eps)
            assert grads[name][i][0] == pytest.approx(numeric, rel=1e-4, abs=1e-4)


def test_phi_and_r0_ses_match_r_survey_svycontrast(syn_cdta, syn_spec):
    """φ, R0 and their delta-method SEs against R ``survey``'s ``svycontrast`` (script and numbers in
    ``tests/analysis/interlinkage_se_reference/``). R used complete cases, so the same rows go in here."""
    ref = pd.read_csv(REFERENCE / "reference.csv")
    complete = syn_cdta.dropna(subset=list(syn_spec.indicator_names))
    r = co_deprivation(syn_spec, complete, censored=False).to_frame()
    r = r[r["version"] == "uncensored"].assign(round=lambda f: f["time"].astype(int))
    both = ref.merge(r, on=["round", "indicator_a", "indicator_b"], suffixes=("_r", ""))
    assert len(both) == len(ref) == 90
    for col in ("joint", "h_a", "h_b", "phi", "r0"):
        np.testing.assert_allclose(both[col], both[f"{col}_r"], rtol=1e-12, atol=1e-15)
    for col in ("joint_se", "phi_se", "r0_se"):
        np.testing.assert_allclose(both[col], both[f"{col}_r"], rtol=1e-12)
    assert (both["phi"].abs() > 0).all()  # away from the kink V's SE is φ's
    np.testing.assert_array_equal(both["cramers_v_se"], both["phi_se"])


def test_cramers_v_has_no_se_at_phi_zero():
    """V = |φ| has a kink at φ = 0: no delta-method SE there (φ keeps its own)."""
    df = pd.DataFrame(
        {"a": [1, 1, 0, 0] * 3, "b": [1, 0, 1, 0] * 3, "w": 1.0, "psu": range(12), "s": 1}
    )
    spec = {
        "dimensions": {"x": ["a"], "y": ["b"]},
        "k": [50],
        "design": {"weight": "w", "psu": "psu", "strata": "s"},
    }
    row = _row(co_deprivation(spec, df, censored=False).to_frame(), "uncensored", "a", "b")
    assert row["phi"] == 0 and row["cramers_v"] == 0
    assert row["phi_se"] > 0 and np.isnan(row["cramers_v_se"])


@pytest.mark.parametrize(
    ("a", "b"), [("d_nutr", "d_satt"), ("d_nutr", "d_cm"), ("d_satt", "d_elct")]
)
def test_reweight_ses_are_those_of_the_pairs_own_complete_cases(syn_cdta, syn_spec, a, b):
    """Under ``reweight`` a pair's population is the persons observed in both: every estimate and SE
    equals that of a survey cut to those persons (d_nutr and d_satt are missing for different people)."""
    import dataclasses

    full = co_deprivation(
        dataclasses.replace(syn_spec, missing="reweight"), syn_cdta, censored=False
    )
    alone = {
        "dimensions": {"first": [a], "second": [b]},
        "k": [50],
        "design": {"weight": "weight", "strata": "stratum", "psu": "psu"},
        "time": {"round": "t", "year": "year"},
    }
    cut = co_deprivation(alone, syn_cdta.dropna(subset=[a, b]), censored=False)
    cols = ["h_a", "h_b", "joint", "joint_se", "p_b_given_a_se", "phi", "phi_se", "r0", "r0_se"]  # fmt: skip
    for t in ("1", "2"):
        got, want = (
            _row(f[f["time"] == t], "uncensored", a, b) for f in (full.to_frame(), cut.to_frame())
        )
        assert (
            got["n"]
            == want["n"]
            == syn_cdta[syn_cdta["t"] == int(t)][[a, b]].notna().all(axis=1).sum()
        )
        np.testing.assert_allclose(got[cols].astype(float), want[cols].astype(float), rtol=1e-12)


def test_ses_on_real_data_match_r_survey():
    """R survey's apiclus1 (real school data, a one-stage cluster sample without strata), read from a
    file with cutoffs in the spec; uncensored and censored at k = 40 (``make_reference_apiclus1.R``)."""
    folder = Path(__file__).parents[1] / "response" / "multiple_needs_reference" / "apiclus1"
    ref = pd.read_csv(
        REFERENCE / "reference_apiclus1.csv"
    )
    got = co_deprivation(folder / "spec.yaml", folder / "apiclus1.csv.gz").to_frame()
    both = ref.merge(got, on=["version", "indicator_a", "indicator_b"], suffixes=("_r", ""))
    assert len(both) == len(ref) == 20
    for col in ("joint", "phi", "r0"):
        np.testing.assert_allclose(both[col], both[f"{col}_r"], rtol=1e-12, atol=1e-15)
    for col in ("joint_se", "phi_se", "r0_se"):  # R0 = 1 (d_sch within d_awd) has SE 0 both ways
        np.testing.assert_allclose(both[col], both[f"{col}_r"], rtol=1e-9, atol=1e-15)
