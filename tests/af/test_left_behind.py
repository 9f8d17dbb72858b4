"""Who is left behind: group − national SEs against R `survey`, FDR control, bottleneck identities."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import humsec
from humsec.af.left_behind import left_behind

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "left_behind" / "reference_gaps.csv"


def test_gaps_and_their_se_match_r_survey(syn_cdta, syn_spec):
    """R computes each gap as svycontrast(yg/ing − y/one) over svytotal: the delta method on the
    covariance of four totals, not humsec's joint domain linearisation (make_reference.R)."""
    ref = pd.read_csv(GOLDEN, dtype={"group": str})
    lb = left_behind(
        syn_spec, syn_cdta, by=["area", "region"], k=[33], measures=["M0", "H", "hdk"],
        indicators=["d_elct"], min_n=2,
    )  # fmt: skip
    g = lb.to_frame()
    g = g[g["time"] == "1"].copy()
    g["measure_key"] = g["measure"]
    ref["measure_key"] = ref["measure"]
    both = ref.merge(g, on=["over", "group", "measure_key"], suffixes=("_r", ""))
    assert len(both) == len(ref) == 180
    for col in ("estimate", "national", "gap"):
        np.testing.assert_allclose(both[col], both[f"{col}_r"], rtol=0, atol=1e-12)
    for col in ("se", "national_se", "gap_se"):
        np.testing.assert_allclose(both[col], both[f"{col}_r"], rtol=1e-9)
    assert (both["n"] == both["n_r"]).all()
    # the covariance matters: treating group and nation as independent overstates the SE
    naive = np.sqrt(both["se"] ** 2 + both["national_se"] ** 2)
    assert (naive > both["gap_se"]).all()


def _simulated(rng: np.random.Generator, n_per_group: int = 100) -> tuple[pd.DataFrame, set[str]]:
    """20 groups: 10 at the national rate 0.3 (null), 5 above (0.45), 5 below (0.15)."""
    rates = [0.3] * 10 + [0.45] * 5 + [0.15] * 5
    group = np.repeat([f"g{i:02d}" for i in range(20)], n_per_group)
    p = np.repeat(rates, n_per_group)
    df = pd.DataFrame({"x": (rng.random(len(p)) < p).astype(np.int8), "grp": group})
    truly_above = {f"g{i:02d}" for i in range(10, 15)}
    return df, truly_above


def test_false_discovery_rate_is_controlled_on_simulated_data():
    spec = {"dimensions": {"a": ["x"]}, "k": [100]}  # H = share deprived in x
    rng = np.random.default_rng(20240601)
    level = 0.1
    fdp_bh, fdp_raw, power = [], [], []
    for _ in range(50):
        df, truth = _simulated(rng)
        g = left_behind(
            spec, df, by=["grp"], depth=1, measures=["H"], min_n=30, fdr=level
        ).to_frame()
        found = set(g.loc[g["left_behind"], "group"])
        fdp_bh.append(len(found - truth) / max(len(found), 1))
        power.append(len(found & truth) / len(truth))
        raw = set(g.loc[g["p_value"] <= level, "group"])
        fdp_raw.append(len(raw - truth) / max(len(raw), 1))
    assert np.mean(fdp_bh) <= level
    assert np.mean(power) > 0.6  # the test finds most of the truly left-behind groups
    assert np.mean(fdp_raw) > np.mean(fdp_bh)  # unadjusted p-values would not control it


def test_min_n_depth_and_ranks(syn_cdta, syn_spec):
    lb = left_behind(syn_spec, syn_cdta, by=["area", "region"], depth=2, k=[33], min_n=200)
    g = lb.to_frame()
    assert set(g["over"]) == {"area", "region", "area*region"}
    assert not g.loc[g["n"] < 200, "tested"].any()
    assert g.loc[g["n"] >= 200, "tested"].all()
    assert g.loc[~g["tested"], "q_value"].isna().all()
    # affected = population × H of the same group
    h = g[g["measure"] == "H"]
    np.testing.assert_allclose(h["affected"], h["population"] * h["estimate"])
    assert "tested" in lb.summary()


def test_ranks_and_bottlenecks_of_a_planted_gap():
    """A group deprived more often in x (not y) is found, and x is its bottleneck."""
    rng = np.random.default_rng(7)
    n = 3000
    grp = rng.choice(["a", "b", "c"], n)
    x = rng.random(n) < np.where(grp == "a", 0.6, 0.2)
    y = rng.random(n) < 0.3
    df = pd.DataFrame(
        {"x": x.astype(int), "y": y.astype(int), "grp": grp, "sex": rng.choice(["f", "m"], n)}
    )
    spec = {"dimensions": {"d1": ["x"], "d2": ["y"]}, "k": [50]}
    lb = left_behind(spec, df, by=["grp", "sex"], measures=["M0", "H", "hdk"])
    found = lb.found()
    m0 = found[(found["measure"] == "M0")]
    assert "lb:M0:k50:t:grp=a" in set(m0["row_id"])
    top = m0.sort_values("rank_severity").iloc[0]
    assert top["group"].startswith("a")
    bn = lb.bottlenecks("lb:M0:k50:t:grp=a")
    assert bn.iloc[0]["indicator"] == "x"
    assert bn["share_of_gap"].sum() == pytest.approx(1.0)
    assert bn.iloc[0]["hdk_group"] > bn.iloc[0]["hdk_national"]


def test_bad_input():
    df = pd.DataFrame({"x": [0, 1] * 10, "y": [1, 0] * 10, "g": ["a", "b"] * 10})
    spec = {"dimensions": {"d1": ["x"], "d2": ["y"]}, "k": [50]}
    with pytest.raises(humsec.ColumnNotFoundError, match="'gg'"):
        left_behind(spec, df, by=["gg"])
    with pytest.raises(humsec.HumsecError, match="'measures'"):
        left_behind(spec, df, by=["g"], measures=["A"])
    with pytest.raises(humsec.HumsecError, match="Unknown indicator"):
        left_behind(spec, df, by=["g"], measures=["hdk"], indicators=["z"])
    with pytest.raises(humsec.HumsecError, match="'by'"):
        left_behind(spec, df, by="g")


@st.composite
def surveys(draw):
    n = draw(st.integers(20, 60))
    rows = draw(
        st.lists(
            st.tuples(
                st.integers(0, 1), st.integers(0, 1), st.integers(0, 1),
                st.sampled_from("ab"), st.sampled_from("uvw"), st.floats(0.5, 5.0),
            ),
            min_size=n, max_size=n,
        )
    )  # fmt: skip
    df = pd.DataFrame(rows, columns=["x", "y", "z", "g", "h", "w"])
    df["psu"] = np.arange(n) // 2
    df["stratum"] = np.arange(n) // 2 % 3
    df["psu"] = df["psu"] * 3 + df["stratum"]  # PSUs nested in strata, 2+ per stratum
    k = draw(st.sampled_from([20.0, 50.0, 100.0]))
    spec = {
        "dimensions": {"d1": ["x", "y"], "d2": ["z"]},
        "k": [k],
        "design": {"weight": "w", "strata": "stratum", "psu": "psu"},
    }
    return spec, df


@settings(
    max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(surveys())
def test_identities(case):
    spec, df = case
    lb = left_behind(spec, df, by=["g", "h"], measures=["M0", "H"], min_n=2)
    g = lb.to_frame()
    np.testing.assert_allclose(g["gap"], g["estimate"] - g["national"], atol=1e-12)
    # Cauchy-Schwarz: sd(g − nat) ≤ sd(g) + sd(nat)
    assert (g["gap_se"] <= g["se"] + g["national_se"] + 1e-12).all()
    bn = lb.to_frame("bottlenecks")
    sums = bn.groupby("parent_id")["contribution"].sum()
    gaps = g.set_index("row_id").loc[sums.index, "gap"]
    np.testing.assert_allclose(sums.to_numpy(), gaps.to_numpy(), atol=1e-12)
    q = g.loc[g["tested"], "q_value"]
    assert ((q >= g.loc[g["tested"], "p_value"] - 1e-15) & (q <= 1)).all()


def test_chart_shows_long_group_names_whole():
    """Vega-Lite cuts axis labels at 180 px by default; a group's name must be shown whole."""
    import re

    from humsec.core.charts import to_svg
    from humsec.review.charts import left_behind_chart

    long = "Elgeyo-Marakwet and Tharaka-Nithi combined stratum"
    groups = pd.DataFrame(
        {
            "measure": "M0", "k": 33.0, "tested": True, "over": ["region of residence", "area"],
            "group": [long, "urban"], "time": ["2", ""], "left_behind": [True, False],
            "estimate": [0.3, 0.2], "ci_low": [0.25, 0.15], "ci_high": [0.35, 0.25],
            "q_value": [0.01, 0.5], "national": 0.22,
        }
    )  # fmt: skip
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", to_svg(left_behind_chart(groups, measure="M0", k=33, title="M0")))
    assert f"region of residence = {long} (2)" in labels
    assert not any("…" in label for label in labels)
