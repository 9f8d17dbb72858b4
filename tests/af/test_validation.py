"""Bad specifications and bad data: one clear error naming the field / column / rows; never a number."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import humsec
from humsec.core.errors import ColumnNotFoundError, DataError, DesignError, SpecError


def small(n=12, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "a": rng.integers(0, 2, n),
            "b": rng.integers(0, 2, n),
            "c": rng.integers(0, 2, n),
            "w": rng.uniform(0.5, 2, n),
            "s": np.repeat([1, 2], n // 2),
            "p": np.repeat(np.arange(4), n // 4),
        }
    )


SPEC = {
    "dimensions": {"d1": ["a", "b"], "d2": ["c"]},
    "k": [50],
    "design": {"weight": "w", "strata": "s", "psu": "p"},
}


def test_spec_lists_every_problem_at_once():
    with pytest.raises(SpecError) as err:
        humsec.AFSpec.from_dict(
            {
                "dimensions": {"d1": [], "d2": ["c", {"column": 3}]},
                "k": [0, 120],
                "design": {"weight": 5, "lonely_psu": "x"},
                "colour": 1,
            }
        )
    fields = [f for f, _ in err.value.problems]
    assert {"dimensions.d1", "k", "design.weight", "design.lonely_psu", "colour"} <= set(fields)
    assert len(err.value.problems) >= 6
    assert "Got 120 instead" in str(err.value)


def test_weights_must_sum_to_one():
    with pytest.raises(SpecError, match=r"sum to 0\.9"):
        humsec.AFSpec.from_dict({**SPEC, "weights": {"a": 0.3, "b": 0.3, "c": 0.3}})
    with pytest.raises(SpecError, match=r"weights\.c: missing"):
        humsec.AFSpec.from_dict({**SPEC, "weights": {"a": 0.5, "b": 0.5}})
    spec = humsec.AFSpec.from_dict({**SPEC, "weights": {"a": 0.2, "b": 0.3, "c": 0.5}})
    assert spec.indicator_weights() == {"a": 0.2, "b": 0.3, "c": 0.5}


def test_dimension_weights_and_nested_equal_default():
    spec = humsec.AFSpec.from_dict(
        {
            "dimensions": {
                "d1": {"weight": 0.6, "indicators": ["a", "b"]},
                "d2": {"weight": 0.4, "indicators": ["c"]},
            }
        }
    )
    assert spec.indicator_weights() == pytest.approx({"a": 0.3, "b": 0.3, "c": 0.4})
    assert humsec.AFSpec.from_dict(SPEC).indicator_weights() == pytest.approx(
        {"a": 0.25, "b": 0.25, "c": 0.5}
    )


def test_spec_file_errors_name_the_file(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("dimensions: {d1: [a]}\nk: [150]\n")
    with pytest.raises(SpecError, match=r"s\.yaml"):
        humsec.AFSpec.from_file(path)
    path.write_text("dimensions: [\n")
    with pytest.raises(SpecError, match="cannot parse"):
        humsec.AFSpec.from_file(path)


def test_json_spec_round_trips(tmp_path):
    import json

    path = tmp_path / "s.json"
    path.write_text(json.dumps(SPEC))
    spec = humsec.AFSpec.from_file(path)
    assert humsec.AFSpec.from_dict(spec.to_dict()) == spec


def test_unknown_columns_suggest_nearest():
    df = small().rename(columns={"b": "bb"})
    with pytest.raises(ColumnNotFoundError, match="did you mean 'bb'"):
        humsec.AlkireFoster(SPEC).fit(df)


def test_non_binary_deprivation_names_column_and_rows():
    df = small()
    df.loc[[2, 3], "a"] = 7
    with pytest.raises(DataError, match=r"'a'.*found 7 at rows 3, 4"):
        humsec.AlkireFoster(SPEC).fit(df)


@pytest.mark.parametrize("bad", [0.0, -1.0, np.nan])
def test_bad_weights(bad):
    df = small()
    df["w"] = df["w"].astype(float)
    df.loc[5, "w"] = bad
    with pytest.raises(DesignError, match=r"'w'.*row 6"):
        humsec.AlkireFoster(SPEC).fit(df)


def test_psus_not_nested_in_strata():
    df = small()
    df.loc[0, "s"] = 2  # PSU 0 now spans both strata
    with pytest.raises(DesignError, match="not nested in strata"):
        humsec.AlkireFoster(SPEC).fit(df)


def test_nest_true_numbers_psus_within_strata():
    df = small()
    df["p"] = np.tile(np.repeat([1, 2], 3), 2)  # PSU ids 1, 2 reused in each stratum
    with pytest.raises(DesignError):
        humsec.AlkireFoster(SPEC).fit(df)
    nested = {**SPEC, "design": {**SPEC["design"], "nest": True}}
    res = humsec.AlkireFoster(nested).fit(df)
    assert res.provenance.design["n_psu"] == 4


def test_single_psu_strata_fail_by_default_and_rules_apply():
    df = small()
    df.loc[df["s"] == 2, "p"] = 9  # stratum 2 has one PSU
    with pytest.raises(DesignError, match="single PSU"):
        humsec.AlkireFoster(SPEC).fit(df)
    se = {
        rule: humsec.AlkireFoster(SPEC, lonely_psu=rule)
        .fit(df)
        .se()[("H", 50.0, "", "national", "", "")]
        for rule in ("certainty", "remove", "adjust")
    }
    assert se["certainty"] == se["remove"]
    assert se["adjust"] >= se["certainty"]


@pytest.mark.parametrize(
    ("param", "value", "message"),
    [
        ("level", 1.5, "The 'level' parameter of AlkireFoster must be a number in (0, 1). Got 1.5 instead."),
        ("variance", "jackknife", "The 'variance' parameter of AlkireFoster must be one of"),
        ("k", [0], "must be None or a list of numbers in (0, 100] (percent). Got [0] instead."),
        ("lonely_psu", "drop", "The 'lonely_psu' parameter of AlkireFoster must be None or one of"),
    ],
)
def test_invalid_parameters(param, value, message):
    with pytest.raises(humsec.HumsecError) as err:
        humsec.AlkireFoster(SPEC, **{param: value}).fit(small())
    assert message in str(err.value)


def test_estimator_repr_clone_and_params():
    af = humsec.AlkireFoster(SPEC, level=0.9)
    assert "level=0.9" in repr(af)
    clone = af.clone()
    assert clone.get_params() == af.get_params() and clone is not af
    with pytest.raises(humsec.HumsecError, match="Unknown parameter"):
        af.set_params(kk=1)


def test_missing_policy_reweight_matches_hand_worked_example():
    # d1 = {a, b} (weight 1/2, 1/4 each), d2 = {c} (1/2). Person 2 misses b: a carries d1's 1/2.
    df = pd.DataFrame({"a": [1, 1, 0, 0], "b": [0, None, 1, 0], "c": [0, 0, 1, 0]})
    spec = {"dimensions": {"d1": ["a", "b"], "d2": ["c"]}, "k": [50]}
    drop = humsec.AlkireFoster(spec).fit(df)
    assert drop.provenance.n_used == 3 and drop.provenance.dropped[0][1] == 1
    assert drop.estimate("H", 50) == pytest.approx(1 / 3)  # scores 0.25, 0.75, 0 -> one poor of 3
    rew = humsec.AlkireFoster(spec, missing="reweight").fit(df)
    # scores: 0.25, 0.5 (a carries 1/2), 0.75, 0 -> poor: persons 2 and 3
    assert rew.provenance.n_used == 4
    assert rew.estimate("H", 50) == pytest.approx(0.5)
    assert rew.estimate("M0", 50) == pytest.approx((0.5 + 0.75) / 4)
    assert rew.estimate("hd", indicator="b") == pytest.approx(1 / 3)  # among the 3 who report b
    actb = sum(rew.estimate("actb", 50, indicator=i) for i in "abc")
    assert actb == pytest.approx(rew.estimate("M0", 50))


def test_reweight_drops_persons_with_a_whole_dimension_missing():
    df = pd.DataFrame({"a": [1, None, 0], "b": [0, None, 1], "c": [1, 0, 0]})
    res = humsec.AlkireFoster(
        {"dimensions": {"d1": ["a", "b"], "d2": ["c"]}, "k": [50]}, missing="reweight"
    ).fit(df)
    assert res.provenance.dropped == [("no observed indicator in dimension 'd1'", 1)]


def test_bootstrap_se_close_to_linearised(syn_cdta, syn_spec):
    lin = humsec.AlkireFoster(syn_spec, k=[33]).fit(syn_cdta)
    boot = humsec.AlkireFoster(syn_spec, k=[33], variance="bootstrap", replicates=400, seed=1).fit(
        syn_cdta
    )
    a = lin.se()[("M0", 33.0, "", "national", "", "1")]
    b = boot.se()[("M0", 33.0, "", "national", "", "1")]
    assert b == pytest.approx(a, rel=0.15)  # Monte Carlo error of 400 replicates is ~3.5%
    assert boot.estimate("M0", 33, time=1) == lin.estimate("M0", 33, time=1)
    ch = boot.to_frame("changes").query(
        "measure == 'M0' and over == 'national' and change == 'abs'"
    )
    assert (ch["se"] > 0).all()


def test_missing_group_values_are_reported_not_lost():
    df = small().astype({"s": float})
    df["g"] = ["x", "y", None] * 4
    res = humsec.AlkireFoster(SPEC).fit(df, over=["g"])
    assert any("missing value of 'g'" in n for n in res.provenance.notes)
    assert res.provenance.n_used == 12


def test_crossed_groups():
    df = small()
    df["g"] = ["x", "y"] * 6
    df["h"] = ["u", "u", "v", "v"] * 3
    lv = humsec.AlkireFoster(SPEC).fit(df, over=["g*h"]).to_frame("levels")
    assert set(lv.loc[lv["over"] == "g*h", "group"]) == {"x × u", "x × v", "y × u", "y × v"}


def test_design_errors_name_input_rows_after_dropping_missing():
    df = small().astype({"s": float, "a": float})
    df.loc[1, "a"] = np.nan  # dropped (missing indicator): later rows must keep their input numbers
    df.loc[7, "s"] = np.nan
    with pytest.raises(DesignError, match=r"Stratum column 's' is missing at row 8\b"):
        humsec.AlkireFoster(SPEC).fit(df)
