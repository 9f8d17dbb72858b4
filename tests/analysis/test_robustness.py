"""Robustness across k and weightings: dominance counts and the design covariance between groups."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import humsec
from humsec.analysis.robustness import parse_k_values, robustness_analysis
from humsec.cli.main import app
from humsec.datasets import data_path
from humsec.inference import StratumFactors, domain_covariance, group_sum, stratified_variance
from humsec.measure._af_estimates import Partition, ratio_catalog
from humsec.measure._cells import build_cells
from humsec.tables.survey_table import prepare_survey


def test_domain_covariance_diagonal_and_difference(syn_cdta, syn_spec):
    survey = prepare_survey(syn_cdta, syn_spec, ["region"])
    cells = build_cells(survey, syn_spec.k)
    part = Partition.from_cells(cells, "region", cells.groups[0], survey.over[0].labels, 2)
    cat = [
        r
        for r in ratio_catalog(survey.indicators, survey.indicator_weights, syn_spec.k, True, False)
        if r.measure == "M0"
    ]
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


def test_parse_k_values_and_errors():
    assert parse_k_values("10:30:10") == [10.0, 20.0, 30.0]
    assert parse_k_values("20,33") == [20.0, 33.0]
    with pytest.raises(humsec.HumsecError, match="start:stop:step"):
        parse_k_values("a:b")


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
    assert out.exists()


@pytest.mark.parametrize("rule", ["certainty", "adjust"])
def test_compiled_moments_equal_the_numpy_reference(syn_cdta, syn_spec, rule):
    """The engine's one-pass kernel against the plain numpy linearisation, levels and changes."""
    df = syn_cdta[
        ~(
            (syn_cdta["stratum"] == 101)
            & (syn_cdta["psu"] != syn_cdta.loc[syn_cdta["stratum"] == 101, "psu"].min())
        )
    ]
    survey = prepare_survey(df, AFSpecWith(syn_spec, rule), ["region"])
    cells = build_cells(survey, syn_spec.k)
    part = Partition.from_cells(cells, "region", cells.groups[0], survey.over[0].labels, 2)
    cat = ratio_catalog(survey.indicators, survey.indicator_weights, syn_spec.k, False, False)
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
