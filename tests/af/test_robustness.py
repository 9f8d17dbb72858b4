"""Robustness across k and weightings: dominance counts and the design covariance between groups."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import humsec
from humsec.af import moments, prepare
from humsec.af.robustness import ORDERS, robustness_analysis
from humsec.cli.main import app
from humsec.core.inference import StratumFactors, domain_covariance, group_sum, stratified_variance
from humsec.datasets import data_path


def test_domain_covariance_diagonal_and_difference(syn_cdta, syn_spec):
    survey = prepare(syn_spec, syn_cdta, ["region"])
    sums = moments(survey)
    part = sums.grouping(0)
    cat = sums.ratios(["M0"])
    R, U = part.linearize(cat)
    f = StratumFactors.from_design(survey.psu_stratum, "fail")
    cov = domain_covariance(
        U[:, 0], part.pair_psu, part.pair_dom, part.n_dom, survey.psu_stratum, f
    )
    var = stratified_variance(U, part.pair_psu, part.pair_dom, part.n_dom, survey.psu_stratum, f)[
        :, 0
    ]
    np.testing.assert_allclose(np.diag(cov), var, rtol=1e-12)
    # the variance of a difference of two domains, computed independently from combined PSU totals
    a, b = 0, 1
    sel = (part.pair_dom == a) | (part.pair_dom == b)
    coef = np.where(part.pair_dom[sel] == a, 1.0, -1.0)
    psus, inv = np.unique(part.pair_psu[sel], return_inverse=True)
    Ud = group_sum(inv, (U[sel, 0] * coef)[:, None], len(psus))
    vd = stratified_variance(Ud, psus, np.zeros(len(psus), dtype=int), 1, survey.psu_stratum, f)[
        0, 0
    ]
    assert cov[a, a] + cov[b, b] - 2 * cov[a, b] == pytest.approx(vd, rel=1e-10)
    # the linearised estimates agree with the engine's
    res = humsec.AlkireFoster(syn_spec).fit(syn_cdta, over=["region"])
    assert R[0, 0] == pytest.approx(
        res.estimate("M0", 20, over="region", group="1", time=1), abs=1e-15
    )


def test_dominance_counts_are_consistent(syn_cdta, syn_spec):
    r = robustness_analysis(syn_spec, syn_cdta, over="region", k_values=[20, 33, 40])
    est = r.estimates
    assert len(est) == 3 * 2 * 20
    pairs = r.pairs
    assert len(pairs) == 2 * 20 * 19 // 2
    assert ((pairs["a_higher"] + pairs["b_higher"]) <= pairs["n_specs"]).all()
    robust = (pairs["a_higher"] == pairs["n_specs"]) | (pairs["b_higher"] == pairs["n_specs"])
    assert (pairs["robust"] == robust).all()
    assert (~pairs["significant_robust"] | pairs["robust"]).all()
    # a hand check of one pair from the estimates table
    one = pairs.iloc[0]
    sub = est[(est["time"] == one["time"]) & est["group"].isin([one["group_a"], one["group_b"]])]
    wide = sub.pivot_table(index="k", columns="group", values="estimate")
    assert int((wide[one["group_a"]] > wide[one["group_b"]]).sum()) == one["a_higher"]
    assert 0 <= r.share_significant_robust <= r.share_robust <= 1


def test_alternative_weightings(syn_cdta, syn_spec):
    equal = dict.fromkeys(syn_spec.indicator_names, 0.1)
    r = robustness_analysis(syn_spec, syn_cdta, over="area", k_values=[33], weightings=[equal])
    assert set(r.estimates["weighting"]) == {"nominal", "weighting 1"}
    nominal = r.estimates.query("weighting == 'nominal' and time == '1' and group == '0'")[
        "estimate"
    ].iloc[0]
    direct = (
        humsec.AlkireFoster(syn_spec, k=[33])
        .fit(syn_cdta, over=["area"])
        .estimate("M0", 33, over="area", group="0", time=1)
    )
    assert nominal == pytest.approx(direct, abs=1e-15)


def test_robustness_cli(tmp_path, syn_cdta):
    data = tmp_path / "s.csv"
    syn_cdta.to_csv(data, index=False)
    weights = tmp_path / "w.yaml"
    weights.write_text(
        "\n".join(f"{i}: 0.1" for i in humsec.datasets.syn_cdta_spec().indicator_names)
    )
    out = tmp_path / "robust.csv"
    res = CliRunner().invoke(
        app,
        [
            "robustness",
            str(data_path("syn_cdta_spec.yaml")),
            str(data),
            "--over",
            "region",
            "--k",
            "20:40:10",
            "--weights",
            str(weights),
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "pairwise comparisons" in res.output
    estimates = pd.read_csv(out)
    assert sorted(set(estimates["k"])) == [20, 30, 40]
    pairs = pd.read_csv(tmp_path / "robust_pairs.csv", dtype={"group_a": str, "group_b": str})
    assert len(pairs) == 2 * 20 * 19 // 2 and set(pairs["order"]) <= set(ORDERS)
    # the printed summary's counts and matrix are those of the written table
    n_robust = int((pairs["order"] != "changes").sum())
    assert f"{len(pairs)} pairwise comparisons, {n_robust} (" in res.output
    one = pairs.iloc[0]
    symbol = {"a_poorer": ">", "b_poorer": "<", "changes": "~"}[one["order"]]
    matrix_row = next(line for line in res.output.splitlines() if line.startswith("1 "))
    assert matrix_row.split()[2][0] == symbol  # row 1, column 2 of round 1 ('.' is the diagonal)
    assert f"wrote {tmp_path / 'robust_pairs.csv'}" in " ".join(res.output.split())
    xlsx = tmp_path / "robust.xlsx"
    res = CliRunner().invoke(
        app,
        ["robustness", str(data_path("syn_cdta_spec.yaml")), str(data), "--over", "area",
         "--k", "20", "33", "--out", str(xlsx)],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    sheets = pd.read_excel(xlsx, sheet_name=None)
    assert {"estimates", "pairs", "dominance"} <= set(sheets)
    assert len(sheets["pairs"]) == 2 and sorted(set(sheets["estimates"]["k"])) == [20, 33]


@pytest.mark.parametrize("rule", ["certainty", "adjust"])
def test_compiled_moments_equal_the_numpy_reference(syn_cdta, syn_spec, rule):
    """The engine's one-pass kernel against the plain numpy linearisation, levels and changes."""
    df = syn_cdta[
        ~(
            (syn_cdta["stratum"] == 101)
            & (syn_cdta["psu"] != syn_cdta.loc[syn_cdta["stratum"] == 101, "psu"].min())
        )
    ]
    survey = prepare(AFSpecWith(syn_spec, rule), df, ["region"])
    sums = moments(survey)
    part = sums.grouping(0)
    cat = sums.ratios()
    f = StratumFactors.from_design(survey.psu_stratum, rule)
    R, V, cov = part.moments(cat, survey.psu_stratum, f, (0, 1))
    R2, U = part.linearize(cat)
    V2 = stratified_variance(U, part.pair_psu, part.pair_dom, part.n_dom, survey.psu_stratum, f)
    np.testing.assert_allclose(R, R2, rtol=1e-13, equal_nan=True)
    np.testing.assert_allclose(V, V2, rtol=1e-9, atol=1e-18)
    # covariance between rounds, per group: Var(b1 − b0) from combined PSU totals
    G = part.n_groups
    t = part.pair_dom // G
    key = part.pair_psu * G + part.pair_dom % G
    keys, inv = np.unique(key, return_inverse=True)
    Ud = group_sum(inv, U * np.where(t == 1, 1.0, -1.0)[:, None], len(keys))
    Vd = stratified_variance(Ud, keys // G, keys % G, G, survey.psu_stratum, f)
    np.testing.assert_allclose(V[:G] + V[G:] - 2 * cov, Vd, rtol=1e-8, atol=1e-18)


def AFSpecWith(spec, rule):
    raw = spec.to_dict()
    raw["design"]["lonely_psu"] = rule
    return humsec.AFSpec.from_dict(raw)


def test_robustness_errors_name_the_file(tmp_path, syn_spec):
    path = tmp_path / "survey.csv"
    pd.DataFrame({"a": [1], "b": [2]}).to_csv(path, index=False)
    with pytest.raises(humsec.ColumnNotFoundError, match=r"survey\.csv"):
        robustness_analysis(syn_spec, path, over="region", k_values=[33])


# A hand-worked example: four equally weighted indicators (one per dimension), three groups of four
# persons, each group alone in its stratum (so the covariance between groups is 0), every person
# weighted 1; the four-person pattern is repeated in `copies` pairs of PSUs (persons 1-2, 3-4).
HAND_PATTERNS = {
    # scores 1/4, 1/4, 1/4, 1/2: M0(25) = 1.25/4 = 0.3125, M0(50) = 0.5/4 = 0.125
    "A": [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [1, 1, 0, 0]],
    # scores 1/2, 1/2, 1/2, 0: M0(25) = M0(50) = 1.5/4 = 0.375
    "B": [[1, 1, 0, 0], [0, 0, 1, 1], [1, 0, 1, 0], [0, 0, 0, 0]],
    # scores 1, 0, 0, 0: M0(25) = M0(50) = 0.25
    "C": [[1, 1, 1, 1], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]],
}
HAND_M0 = {("A", 25): 0.3125, ("A", 50): 0.125, ("B", 25): 0.375, ("B", 50): 0.375,
           ("C", 25): 0.25, ("C", 50): 0.25}  # fmt: skip


def _hand_survey(copies: int) -> pd.DataFrame:
    rows = []
    for s, (group, pattern) in enumerate(HAND_PATTERNS.items()):
        for c in range(copies):
            for person, deprived in enumerate(pattern):
                psu = 1000 * s + 2 * c + person // 2
                rows.append([group, s, psu, 1.0, *deprived])
    return pd.DataFrame(rows, columns=["group", "stratum", "psu", "w", "i1", "i2", "i3", "i4"])


def _hand_se(frame: pd.DataFrame, group: str, k: float) -> float:
    """V(M0) = n/(n-1) Σ_p (U_p - mean U)², U_p = (Y_p - M0·X_p)/X, in the group's own stratum."""
    g = frame[frame["group"] == group]
    score = g[["i1", "i2", "i3", "i4"]].to_numpy().sum(axis=1) / 4
    y = pd.Series(score * (score >= k / 100), index=g.index)
    per_psu = pd.DataFrame({"y": y, "x": 1.0, "psu": g["psu"]}).groupby("psu").sum()
    m0 = per_psu["y"].sum() / per_psu["x"].sum()
    u = (per_psu["y"] - m0 * per_psu["x"]) / per_psu["x"].sum()
    n = len(u)
    return float(np.sqrt(n / (n - 1) * ((u - u.mean()) ** 2).sum()))


@pytest.mark.parametrize(
    ("copies", "significant"),
    [
        # 5 copies: A-B and B-C are ordered the same way at both k, but not significantly
        (5, {("A", "B"): "changes", ("A", "C"): "changes", ("B", "C"): "changes"}),
        # 20 copies: the same differences with SEs about half as large are significant
        (20, {("A", "B"): "b_poorer", ("A", "C"): "changes", ("B", "C"): "a_poorer"}),
    ],
)
def test_dominance_table_by_hand(copies, significant):
    spec = humsec.AFSpec.from_dict(
        {
            "dimensions": {f"d{j}": [f"i{j}"] for j in range(1, 5)},
            "k": [25, 50],
            "design": {"weight": "w", "strata": "stratum", "psu": "psu"},
        }
    )
    frame = _hand_survey(copies)
    r = robustness_analysis(spec, frame, over="group", k_values=[25, 50])
    for row in r.estimates.itertuples():
        assert row.estimate == pytest.approx(HAND_M0[(row.group, row.k)], abs=1e-12)
        assert row.se == pytest.approx(_hand_se(frame, row.group, row.k), rel=1e-10)
    pairs = r.pairs.set_index(["group_a", "group_b"])
    # A-B: B poorer at 25 (0.375 > 0.3125) and 50 (0.375 > 0.125); A-C: A poorer at 25, C at 50;
    # B-C: B poorer at both (0.375 > 0.25)
    assert pairs["order"].to_dict() == {
        ("A", "B"): "b_poorer", ("A", "C"): "changes", ("B", "C"): "a_poorer"
    }  # fmt: skip
    assert pairs["poorer"].to_dict() == {("A", "B"): "B", ("A", "C"): "", ("B", "C"): "B"}
    assert pairs["significant_order"].to_dict() == significant
    # significance at every k from the hand SEs (groups in different strata: no covariance)
    z = 1.959963984540054
    for (a, b), row in pairs.iterrows():
        diffs = [HAND_M0[(a, k)] - HAND_M0[(b, k)] for k in (25, 50)]
        ses = [np.hypot(_hand_se(frame, a, k), _hand_se(frame, b, k)) for k in (25, 50)]
        assert row["a_significant"] == sum(d > z * s for d, s in zip(diffs, ses, strict=True))
        assert row["b_significant"] == sum(d < -z * s for d, s in zip(diffs, ses, strict=True))
        assert (row["diff_min"], row["diff_max"]) == pytest.approx((min(diffs), max(diffs)))
    assert r.share_robust == pytest.approx(2 / 3)
    assert r.share_significant_robust == pytest.approx(
        sum(v != "changes" for v in significant.values()) / 3
    )
    matrix = r.dominance()
    sig = copies == 20
    assert matrix.loc["B", "A"] == (">>" if sig else ">") and matrix.loc["A", "B"] == (
        "<<" if sig else "<"
    )
    assert matrix.loc["A", "C"] == "~" == matrix.loc["C", "A"]
    assert "3 pairwise comparisons, 2 (66.7%) robust" in r.summary()


def test_shares_are_what_the_dominance_table_says(syn_cdta, syn_spec):
    r = robustness_analysis(syn_spec, syn_cdta, over="region", k_values=[20, 33, 40])
    pairs = r.pairs
    assert r.share_robust == pytest.approx((pairs["order"] != "changes").mean())
    assert r.share_significant_robust == pytest.approx(
        (pairs["significant_order"] != "changes").mean()
    )
    assert set(pairs["order"]) <= set(ORDERS) and set(pairs["significant_order"]) <= set(ORDERS)
    # a pair significantly ordered is ordered the same way
    sig = pairs[pairs["significant_order"] != "changes"]
    assert (sig["significant_order"] == sig["order"]).all()
    for time in ("1", "2"):
        m = r.dominance(time)
        flipped = m.T.replace({">>": "<<", "<<": ">>", ">": "<", "<": ">"})
        assert (m == flipped).all().all()  # antisymmetric: A > B exactly when B < A
        cells = m.to_numpy()[np.triu_indices(len(m), 1)]
        sub = pairs[pairs["time"] == time]
        assert (cells != "~").sum() == (sub["order"] != "changes").sum()
        assert np.isin(cells, [">>", "<<"]).sum() == (sub["significant_order"] != "changes").sum()


def test_a_weighting_can_break_a_robust_order_by_hand():
    """With weights 0.4, 0.4, 0.1, 0.1 the scores become A: .4 .4 .1 .8, B: .8 .2 .5 0, C: 1 0 0 0,
    so at k = 25 M0 is A 1.6/4 = 0.4 > B 1.3/4 = 0.325 > C 0.25 and at k = 50 A 0.8/4 = 0.2,
    B 0.325, C 0.25: A-B (B poorer at both k with the nominal weights) now changes order; B-C holds."""
    spec = humsec.AFSpec.from_dict(
        {
            "dimensions": {f"d{j}": [f"i{j}"] for j in range(1, 5)},
            "k": [25, 50],
            "design": {"weight": "w", "strata": "stratum", "psu": "psu"},
        }
    )
    weighting = {"i1": 0.4, "i2": 0.4, "i3": 0.1, "i4": 0.1}
    r = robustness_analysis(
        spec, _hand_survey(20), over="group", k_values=[25, 50], weightings=[weighting]
    )
    weighted = r.estimates[r.estimates["weighting"] == "weighting 1"]
    by_hand = {("A", 25): 0.4, ("A", 50): 0.2, ("B", 25): 0.325, ("B", 50): 0.325,
               ("C", 25): 0.25, ("C", 50): 0.25}  # fmt: skip
    for row in weighted.itertuples():
        assert row.estimate == pytest.approx(by_hand[(row.group, row.k)], abs=1e-12)
    pairs = r.pairs.set_index(["group_a", "group_b"])
    assert pairs["n_specs"].eq(4).all()
    assert pairs["order"].to_dict() == {
        ("A", "B"): "changes", ("A", "C"): "changes", ("B", "C"): "a_poorer"
    }  # fmt: skip
    assert (pairs.loc[("A", "B"), "a_higher"], pairs.loc[("A", "B"), "b_higher"]) == (1, 3)
    assert r.share_robust == pytest.approx(1 / 3)
    assert "k = 25, 50; weightings: nominal, weighting 1" in r.summary()


def test_progress_per_weighting_and_k_shown_by_the_command_unless_quiet(tmp_path, syn_cdta, capsys):
    # issue 21: `humsec robustness --k 20 25 33 40` ran for minutes in silence
    import io

    from humsec.core.progress import Lines

    spec = humsec.datasets.syn_cdta_spec()
    weights = dict.fromkeys(spec.indicator_names, 0.1)
    stream = io.StringIO()
    with Lines(stream, every=0.0):
        robustness_analysis(spec, syn_cdta, over="area", k_values=[20, 33], weightings=[weights])
    lines = stream.getvalue().splitlines()
    title = "robustness: 2 weighting(s) × 2 k value(s)"
    assert lines[0] == f"{title}: 0/4" and lines[-1].startswith(f"{title}: done in")
    assert lines[1:-1] == [
        f"{title}: 1/4 nominal, k = 20",
        f"{title}: 2/4 nominal, k = 33",
        f"{title}: 3/4 weighting 1, k = 20",
        f"{title}: 4/4 weighting 1, k = 33",
    ]
    robustness_analysis(spec, syn_cdta, over="area", k_values=[20, 33])  # the library: silent
    assert capsys.readouterr().err == ""
    data = tmp_path / "s.csv"
    syn_cdta.to_csv(data, index=False)
    args = ["robustness", str(data_path("syn_cdta_spec.yaml")), str(data), "--over", "area",
            "--k", "20", "33"]  # fmt: skip
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "robustness: 1 weighting(s) × 2 k value(s): 0/2" in res.stderr
    assert "robustness: 1 weighting(s) × 2 k value(s): done in" in res.stderr
    assert "robustness:" not in res.stdout and "pairwise comparisons" in res.stdout
    res = CliRunner().invoke(app, [*args, "--quiet"])
    assert res.exit_code == 0, res.output
    assert "robustness:" not in res.stderr and "pairwise comparisons" in res.stdout
