"""Statistical disclosure control: no small or unreliable cell passes (property tests)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import humsec
from humsec.core.disclosure import DisclosureRules, apply_disclosure_control

ROW = st.tuples(
    st.sampled_from(["x", "y"]),  # a margin key
    st.one_of(st.integers(0, 200), st.none()),  # n (None: unknown)
    st.floats(0, 1),  # estimate
    st.floats(0, 0.5),  # se
)


@settings(max_examples=200, deadline=None, database=None)
@given(
    st.lists(ROW, min_size=1, max_size=30),
    st.integers(1, 60),
    st.floats(0.05, 1.0),
    st.booleans(),
)
def test_no_small_or_unreliable_cell_passes(rows, min_n, max_cv, with_margins):
    t = pd.DataFrame(rows, columns=["set", "n", "estimate", "se"])
    t["ci_low"] = t["estimate"] - t["se"]
    t["label"] = [f"g{i}" for i in range(len(t))]
    rules = DisclosureRules(min_n=min_n, flag_n=min_n + 10, max_cv=max_cv, flag_cv=max_cv / 2)
    out = apply_disclosure_control(t, rules, margins=[["set"]] if with_margins else ())
    n = t["n"].fillna(0).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        cv = np.where(t["se"] > 0, t["se"] / t["estimate"].abs(), 0.0)
    must_hide = (n < min_n) | (np.nan_to_num(cv, nan=0.0, posinf=np.inf) > max_cv)
    hidden = out["sdc_status"].isin(["suppressed", "secondary"]).to_numpy()
    assert hidden[must_hide].all()
    for col in ("n", "estimate", "se", "ci_low"):
        assert out.loc[hidden, col].isna().all()
    # nothing else is lost: shown rows keep their values, labels are never blanked
    shown = ~hidden
    assert (out.loc[shown, "estimate"].to_numpy() == t.loc[shown, "estimate"].to_numpy()).all()
    assert (out["label"] == t["label"]).all()
    if with_margins:  # a set never holds exactly one hidden cell (it could be recovered)
        per_set = pd.Series(hidden).groupby(t["set"]).agg(["sum", "size"])
        assert not ((per_set["sum"] == 1) & (per_set["size"] > 1)).any()
    else:
        assert (hidden == must_hide).all()


def test_flags_secondary_and_flag_mode():
    t = pd.DataFrame(
        {
            "over": ["sex"] * 3,
            "group": ["f", "m", "other"],
            "estimate": [0.30, 0.20, 0.25],
            "se": [0.01, 0.06, 0.01],
            "n": [900, 40, 10],
        }
    )
    out = apply_disclosure_control(t, margins=[["over"]])
    # 'other' (n = 10) is suppressed; 'm' (n = 40, flagged, CV 0.3) is the smallest complement
    assert out["sdc_status"].tolist() == ["ok", "secondary", "suppressed"]
    assert out["estimate"].isna().tolist() == [False, True, True]
    flagged = apply_disclosure_control(t, action="flag")
    assert flagged["sdc_status"].tolist() == ["ok", "flag", "suppressed"]
    assert flagged["estimate"].notna().all()
    assert flagged.loc[1, "sdc_reason"] == "n < 50"


def test_left_behind_table_goes_through(syn_cdta, syn_spec):
    from humsec.af.left_behind import left_behind

    g = left_behind(syn_spec, syn_cdta, by=["area", "region"], k=[33], min_n=2).to_frame()
    out = apply_disclosure_control(g, DisclosureRules(min_n=200, flag_n=300))
    small = g["n"] < 200
    assert (
        small.any()
        and out.loc[small, ["estimate", "gap", "population", "affected"]].isna().all().all()
    )
    assert (
        out.loc[small, "row_id"] == g.loc[small, "row_id"]
    ).all()  # ids stay: rows are traceable
    assert (out["k"] == g["k"]).all()  # keys are not blanked


def test_bad_input():
    t = pd.DataFrame({"estimate": [0.1], "se": [0.01], "count": [5]})
    with pytest.raises(humsec.ColumnNotFoundError, match="'n'"):
        apply_disclosure_control(t)
    with pytest.raises(humsec.HumsecError, match="min_n"):
        DisclosureRules(min_n=50, flag_n=10)
    with pytest.raises(humsec.HumsecError, match="'action'"):
        apply_disclosure_control(t, n="count", action="hide")
