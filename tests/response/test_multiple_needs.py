"""People with several unmet needs at once: R `survey` reference, identities, joint programmes, CLI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import humsec
from humsec.cli.main import app
from humsec.core.errors import DataError, HumsecError
from humsec.response.joint import joint_programmes
from humsec.response.multiple import (
    add_multiple_needs,
    multiple_needs,
    parse_sectors,
    unmet_sectors,
)

REFERENCE = Path(__file__).parent / "multiple_needs_reference"
SECTORS = {"d_cm": "Health", "d_nutr": "Nutrition", "d_wtr": "WASH", "d_sani": "WASH",
           "d_satt": "Education", "d_educ": "Education"}  # fmt: skip


def _unmet() -> dict[str, list[str]]:
    u = pd.read_csv(REFERENCE / "unmet.csv", dtype=str)
    return {region: list(part["sector_key"]) for region, part in u.groupby("region")}


@pytest.mark.parametrize("weights", ["w1", "w2"])
def test_shares_and_ses_match_r_survey(syn_cdta, syn_spec, weights):
    """Every region × round × min_sectors × censored of the R reference (make_reference.R): the
    estimate, its design SE and n; w2 has unequal weights (the shipped survey's are all 1)."""
    ref = pd.read_csv(REFERENCE / "reference.csv", dtype={"region": str})
    ref = ref[ref["weights"] == weights]
    data = syn_cdta.copy()
    if weights == "w2":
        data["weight"] = 1 + (data["psu"] % 7) / 2
    sets = _unmet()
    checked = 0
    for (t, m, censored), want in ref.groupby(["round", "min_sectors", "censored"]):
        got = multiple_needs(
            syn_spec, data, over="region", k=33, sectors=SECTORS, unmet=sets,
            min_sectors=int(m), censored=bool(censored), time=t,
        ).table.set_index("group")  # fmt: skip
        want = want.set_index("region")
        assert sorted(got.index) == sorted(want.index)
        got = got.loc[want.index]
        np.testing.assert_array_equal(got["n"], want["n"])
        short = got["n_sectors"] < m  # nobody can have m of fewer sectors: no estimate, not 0
        assert got.loc[short, "share"].isna().all()
        assert (want.loc[short, "estimate"] == 0).all()
        np.testing.assert_allclose(
            got.loc[~short, "share"], want.loc[~short, "estimate"], rtol=1e-12, atol=1e-15
        )
        np.testing.assert_allclose(
            got.loc[~short, "share_se"], want.loc[~short, "se"], rtol=1e-9, atol=1e-15
        )
        checked += int((~short).sum())
    assert checked == 240 - 2 * 2 * 6  # 6 regions have two unmet sectors: no m = 3 estimate


def test_by_hand_with_pcodes_missing_cells_and_notes():
    survey = pd.DataFrame(
        {
            "d_wtr": [1, 1, 0, 1, 1.0], "d_sani": [0, 1, 0, 0, np.nan], "d_cm": [1, 1, 0, 1, 1],
            "region": ["A", "A", "A", "B", "B"], "w": [1.0, 3.0, 2.0, 1.0, 1.0],
            "psu": [1, 2, 3, 4, 5], "stratum": [1, 1, 1, 1, 1],
        }
    )  # fmt: skip
    spec = {"dimensions": {"living": ["d_wtr", "d_sani"], "health": ["d_cm"]}, "k": [50],
            "design": {"weight": "w", "psu": "psu", "strata": "stratum"}, "missing": "reweight"}  # fmt: skip
    pop = pd.DataFrame({"area": ["A", "B"], "pcode": ["XX01", "XX02"], "population": [600, 20]})
    res = multiple_needs(
        spec, survey, over="region", k=50, population=pop,
        sectors={"d_wtr": "WASH", "d_sani": "WASH", "d_cm": "Health"},
        unmet={"XX01": ["WASH", "Health"], "XX02": ["Health", "Protection"], "XX99": ["WASH"]},
    )  # fmt: skip
    t = res.table.set_index("area")
    # A: persons 1 (w 1) and 2 (w 3) deprived in WASH and health, person 3 (w 2) in neither → 4/6
    assert t.loc["XX01", "share"] == pytest.approx(4 / 6)
    assert t.loc["XX01", "people"] == pytest.approx(400)
    assert t.loc["XX01", "sectors"] == "health; wash"
    # B: only health is measured among its unmet sectors: fewer than 2, so no estimate
    assert np.isnan(t.loc["XX02", "share"]) and t.loc["XX02", "n_sectors"] == 1
    notes = " | ".join(res.notes)
    assert "['XX99']" in notes and "['protection']" in notes
    assert "1 person(s) miss a sector indicator" in notes and "too low or too high" in notes
    uncensored = multiple_needs(
        spec, survey, over="region", k=50, sectors={"d_wtr": "WASH", "d_sani": "WASH", "d_cm": "Health"},
        censored=False, unmet={"A": ["WASH", "Health"]},
    )  # fmt: skip
    assert not any("miss a sector indicator" in n for n in uncensored.notes)  # the gap is in B
    uncensored = multiple_needs(
        spec, survey, over="region", k=50, sectors={"d_wtr": "WASH", "d_sani": "WASH", "d_cm": "Health"},
        censored=False,
    )  # fmt: skip
    assert any("lower bounds" in n for n in uncensored.notes)
    with pytest.raises(HumsecError, match="d_hsg"):
        multiple_needs(spec, survey, over="region", k=50, sectors={"d_hsg": "Shelter"})
    with pytest.raises(DataError, match="No population"):
        multiple_needs(
            spec, survey, over="region", k=50, sectors={"d_cm": "Health"}, population={"A": 5}
        )


@st.composite
def small_surveys(draw):
    n = draw(st.integers(8, 40))
    bits = st.lists(st.integers(0, 1), min_size=n, max_size=n)
    return pd.DataFrame(
        {
            "a": draw(bits), "b": draw(bits), "c": draw(bits),
            "region": draw(st.lists(st.sampled_from(["N", "S"]), min_size=n, max_size=n)),
            "w": draw(st.lists(st.floats(0.5, 5), min_size=n, max_size=n)),
            "psu": np.arange(n) // 2, "stratum": 1,
        }
    )  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_surveys(), st.sampled_from([20.0, 50.0, 100.0]))
def test_identities(frame, k):
    """Shares fall as min_sectors rises and censoring only removes people; with one sector of one
    indicator, min_sectors=1 is that indicator's (censored) headcount from the AF engine."""
    assume(frame["region"].nunique() == 2)
    spec = {"dimensions": {"x": ["a"], "y": ["b"], "z": ["c"]}, "k": [k],
            "design": {"weight": "w", "psu": "psu", "strata": "stratum", "lonely_psu": "adjust"}}  # fmt: skip
    sectors = {"a": "Health", "b": "WASH", "c": "Education"}
    share = {
        (m, c): multiple_needs(spec, frame, over="region", k=k, sectors=sectors, min_sectors=m, censored=c)
        .table.set_index("group")["share"]
        for m in (1, 2, 3) for c in (True, False)
    }  # fmt: skip
    for c in (True, False):
        assert (share[(1, c)] >= share[(2, c)] - 1e-12).all()
        assert (share[(2, c)] >= share[(3, c)] - 1e-12).all()
    for m in (1, 2, 3):
        assert (share[(m, True)] <= share[(m, False)] + 1e-12).all()
    af = humsec.AlkireFoster(spec).fit(frame, over=["region"]).to_frame()
    af = af[(af["over"] == "region") & (af["indicator"] == "a")].set_index("group")
    for measure, censored in (("hdk", True), ("hd", False)):
        one = multiple_needs(spec, frame, over="region", k=k, sectors={"a": "Health"}, min_sectors=1,
                             censored=censored).table.set_index("group")  # fmt: skip
        want = af[af["measure"] == measure]["estimate"]
        np.testing.assert_allclose(one["share"], want.loc[one.index], atol=1e-12)


def test_joint_programmes_gain_the_people_with_several_needs(syn_cdta, syn_spec):
    """Each suggestion gains its people with several unmet needs (with CI) right after the gap
    columns, estimated over the suggestion's own sectors."""
    sets = _unmet()
    rows = [(r, s) for r, keys in sets.items() for s in keys]
    gaps = pd.DataFrame(
        {
            "area": [r for r, _ in rows], "sector": [s.title() for _, s in rows], "sector_key": [s for _, s in rows],
            "people_in_need": 500.0, "coverage": 0.1, "n_orgs": 1, "gap_score": 450.0, "gap_rank": 1,
        }
    )  # fmt: skip
    joint = joint_programmes(gaps)
    assert set(unmet_sectors(joint)) == set(sets)
    multiple = multiple_needs(
        syn_spec, syn_cdta, over="region", k=33, sectors=SECTORS, unmet=unmet_sectors(joint),
        population=dict.fromkeys(sets, 10000),
    )  # fmt: skip
    both = add_multiple_needs(joint, multiple)
    assert (
        list(both.columns[: both.columns.get_loc("people_multiple_needs")])[-1]
        == "people_unreached_sum"
    )

    def as_set(column: str) -> list[set[str]]:
        return [set(v.split("; ")) for v in both[column]]

    assert as_set("multiple_needs_sectors") == as_set("sector_keys")
    assert len(both) == len(joint) and both["people_multiple_needs"].notna().all()
    assert (both["people_multiple_needs_low"] <= both["people_multiple_needs"]).all()
    assert (both["people_multiple_needs"] <= both["people_multiple_needs_high"]).all()
    assert (both["people_multiple_needs"] > 0).all()


def test_cli_joint_with_a_survey(tmp_path, syn_cdta, syn_spec):
    runner = CliRunner()
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(yaml.safe_dump(syn_spec.to_dict()))
    syn_cdta.to_csv(tmp_path / "survey.csv", index=False)
    regions = sorted(syn_cdta["region"].astype(str).unique())
    pd.DataFrame({"area": regions, "population": 10_000}).to_csv(tmp_path / "pop.csv", index=False)
    needs = pd.DataFrame({"area": np.repeat(regions, 2), "sector": ["WASH", "Health"] * len(regions),
                          "people_in_need": 1000})  # fmt: skip
    needs.to_csv(tmp_path / "needs.csv", index=False)
    pd.DataFrame({"area": [regions[0]], "sector": ["WASH"], "org": ["X"], "reached": [900]}).to_csv(
        tmp_path / "acts.csv", index=False
    )
    args = ["response", "joint", str(tmp_path / "acts.csv"), str(tmp_path / "needs.csv"), "--no-pcodes",
            "--columns", "area=area,sector=sector,org=org,reached=reached", "--out", str(tmp_path / "j.csv")]  # fmt: skip
    survey_args = ["--survey", str(tmp_path / "survey.csv"), "--spec", str(spec_file), "--over", "region",
                   "--k", "33", "--sectors", "d_wtr=WASH,d_sani=WASH,d_cm=Health",
                   "--population", str(tmp_path / "pop.csv")]  # fmt: skip
    res = runner.invoke(app, [*args, *survey_args])
    assert res.exit_code == 0, res.output
    out = pd.read_csv(tmp_path / "j.csv", dtype={"area": str}).set_index("area")
    assert "exact duplicate" not in res.output
    # WASH is met in the first region: one unmet sector there, no suggestion
    assert regions[0] not in out.index and len(out) == len(regions) - 1
    lib = multiple_needs(syn_spec, syn_cdta, over="region", k=33, sectors={"d_wtr": "WASH", "d_sani": "WASH",
                         "d_cm": "Health"}, population=dict.fromkeys(regions, 10000)).table.set_index("area")  # fmt: skip
    np.testing.assert_allclose(
        out["people_multiple_needs"], lib.loc[out.index, "people"], rtol=1e-12
    )
    assert "people in need in at least 2 of the area's unmet sectors" in res.output
    twice = pd.read_csv(tmp_path / "pop.csv")
    pd.concat([twice, twice.head(1)]).to_csv(tmp_path / "pop2.csv", index=False)
    again = runner.invoke(
        app, [*args[:-1], str(tmp_path / "j3.csv"), *survey_args[:-1], str(tmp_path / "pop2.csv")]
    )
    assert again.exit_code == 0 and "1 exact duplicate row(s) of pop2.csv dropped" in again.output
    args[-1] = str(tmp_path / "j2.csv")
    partial = runner.invoke(app, [*args, "--survey", str(tmp_path / "survey.csv")])
    assert partial.exit_code == 2, partial.output
    assert "--survey needs --spec, --over, --k, --sectors, --population" in partial.output
    stray = runner.invoke(app, [*args, "--k", "33", "--multiple-min", "3"])
    assert stray.exit_code == 2 and "--k, --multiple-min only apply with --survey" in stray.output
    bad = runner.invoke(
        app,
        [*args, *survey_args[:-2], "--population", str(tmp_path / "pop.csv"), "--sectors", "d_wtr"],
    )
    assert bad.exit_code == 2 and "expected indicator=sector" in bad.output
    assert not (tmp_path / "j2.csv").exists()


def test_real_survey_from_a_file_matches_r_survey():
    """R survey's apiclus1 (real California school data, a one-stage cluster sample): read from the
    gzipped CSV with its own column names (``sch.wide``) and Yes/No categories, cutoffs in the spec."""
    folder = REFERENCE / "apiclus1"
    ref = pd.read_csv(folder / "reference.csv")
    sectors = {"d_sch": "Education", "d_awd": "Education", "d_meal": "Food", "d_ell": "Protection"}
    for (m, censored), want in ref.groupby(["min_sectors", "censored"]):
        got = multiple_needs(
            folder / "spec.yaml", folder / "apiclus1.csv.gz", over="stype", k=40, sectors=sectors,
            min_sectors=int(m), censored=bool(censored),
        ).table.set_index("group")  # fmt: skip
        want = want.set_index("stype")
        assert got.loc[want.index, "sectors"].eq("education; food; protection").all()
        np.testing.assert_array_equal(got.loc[want.index, "n"], want["n"])
        np.testing.assert_allclose(
            got.loc[want.index, "share"], want["estimate"], rtol=1e-12, atol=1e-15
        )
        np.testing.assert_allclose(
            got.loc[want.index, "share_se"], want["se"], rtol=1e-9, atol=1e-15
        )


SMALL = {"dimensions": {"water": ["d_wtr"], "health": ["d_cm"]}, "k": [50],
         "design": {"weight": "w", "psu": "psu", "strata": "stratum"}}  # fmt: skip
TWO = {"d_wtr": "WASH", "d_cm": "Health"}


def _rounds_survey() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    n = 60
    d = pd.DataFrame(
        {
            "d_wtr": rng.integers(0, 2, n), "d_cm": rng.integers(0, 2, n), "region": ["A", "B"] * (n // 2),
            "w": 1.0, "psu": np.arange(n) // 2, "stratum": 1, "t": np.repeat([1, 2, 3], n // 3),
        }
    )  # fmt: skip
    d.loc[d["t"] == 3, ["d_wtr", "d_cm"]] = 1  # endline: everybody deprived in both
    return d


def test_the_latest_round_is_the_last_in_round_order_not_in_alphabetical_order():
    spec = {**SMALL, "time": {"round": "t"}}
    labels = {"t": {1: "baseline", 2: "midline", 3: "endline"}}

    def run(**kw):  # type: ignore[no-untyped-def]
        return multiple_needs(
            spec, _rounds_survey(), over="region", k=50, sectors=TWO, value_labels=labels, **kw
        )

    latest = run()
    assert set(latest.table["time"]) == {"endline"} and (latest.table["share"] == 1).all()
    mid = run(time="midline")
    assert set(mid.table["time"]) == {"midline"} and (mid.table["share"] < 1).all()
    with pytest.raises(HumsecError, match="rounds \\['baseline', 'midline', 'endline'\\]"):
        run(time="end")
    with pytest.raises(HumsecError, match="no rounds"):
        multiple_needs(SMALL, _rounds_survey(), over="region", k=50, sectors=TWO, time=1)


def test_needs_from_af_takes_the_last_round_in_the_engines_order():
    from humsec.response.needs import needs_from_af

    d = _rounds_survey()
    d["t"] = d["t"].map({1: 8, 2: 9, 3: 10})  # as text, "9" sorts after "10"
    af = humsec.AlkireFoster({**SMALL, "time": {"round": "t"}}).fit(d, over=["region"]).to_frame()
    needs = needs_from_af(af, {"A": 100, "B": 100}, over="region", k=50, sectors=TWO)
    assert (
        needs.loc[needs["sector"] == "multidimensional", "people_in_need"] == 100
    ).all()  # round 10


def test_an_area_without_persons_in_the_round_gets_a_row_and_a_note():
    d = _rounds_survey()
    d = d[~((d["region"] == "B") & (d["t"] == 3))]
    res = multiple_needs({**SMALL, "time": {"round": "t"}}, d, over="region", k=50, sectors=TWO)
    t = res.table.set_index("area")
    assert t.loc["B", "n"] == 0 and np.isnan(t.loc["B", "share"]) and t.loc["A", "share"] == 1
    assert any("nobody of ['B']" in n for n in res.notes)
    assert any("fewer than 30 persons" in n and "A (n = 10)" in n for n in res.notes)


def test_population_tables_are_checked():
    d = _rounds_survey()
    with pytest.raises(
        DataError, match=r"'area' of pop.csv must name each area once; \['A'\] repeat at rows 1, 3"
    ):
        multiple_needs(SMALL, d, over="region", k=50, sectors=TWO, population_source="pop.csv",
                       population=pd.DataFrame({"area": ["A", "B", "A"], "population": [1, 2, 3]}))  # fmt: skip
    with pytest.raises(DataError, match="'pcode' of"):
        multiple_needs(SMALL, d, over="region", k=50, sectors=TWO,
                       population=pd.DataFrame({"area": ["A", "B"], "pcode": ["P1", "P1"], "population": [1, 2]}))  # fmt: skip
    with pytest.raises(
        DataError, match=r"No population for the region group\(s\) \['B'\] in pop.csv"
    ):
        multiple_needs(
            SMALL,
            d,
            over="region",
            k=50,
            sectors=TWO,
            population={"A": 1},
            population_source="pop.csv",
        )
    numeric = d.assign(region=d["region"].map({"A": 1, "B": 2}))
    res = multiple_needs(
        SMALL, numeric, over="region", k=50, sectors=TWO, population={1: 10, 2: 20}
    )
    assert list(res.table["population"]) == [10, 20]


def test_joint_areas_named_or_p_coded_meet_the_survey():
    d = _rounds_survey()
    pop = pd.DataFrame({"area": ["A", "B"], "pcode": ["XX01", "XX02"], "population": [100, 200]})
    for names in (["A", "B"], ["XX01", "XX02"]):
        gaps = pd.DataFrame(
            {
                "area": np.repeat(names, 2), "sector": ["Health", "WASH"] * 2, "sector_key": ["health", "wash"] * 2,
                "people_in_need": 100.0, "coverage": 0.1, "n_orgs": 1, "gap_score": 90.0, "gap_rank": 1,
            }
        )  # fmt: skip
        joint = joint_programmes(gaps)
        res = multiple_needs(
            SMALL, d, over="region", k=50, sectors=TWO, population=pop, unmet=unmet_sectors(joint)
        )
        both = add_multiple_needs(joint, res)
        assert list(both["area"]) == names and both["people_multiple_needs"].notna().all()
    other = pd.DataFrame(
        {
            "area": ["P9"],
            "people": [1.0],
            "people_low": [1.0],
            "people_high": [1.0],
            "sectors": ["wash"],
        }
    )
    with pytest.raises(HumsecError, match="No area of the joint-programme table"):
        add_multiple_needs(joint, other)


def test_bad_arguments_get_clear_errors():
    d = _rounds_survey()
    with pytest.raises(HumsecError, match=r"\['d_wtr'\] are mapped to no sector name"):
        multiple_needs(SMALL, d, over="region", k=50, sectors={"d_wtr": " ", "d_cm": "Health"})
    with pytest.raises(HumsecError, match="integer"):
        multiple_needs(SMALL, d, over="region", k=50, sectors=TWO, min_sectors=True)
    res = multiple_needs(SMALL, d, over="region", k=50, sectors=TWO, min_sectors=np.int64(2))
    assert (res.table["min_sectors"] == 2).all()
    with pytest.raises(HumsecError, match="expected indicator=sector"):
        parse_sectors("d_wtr")
    assert (
        multiple_needs(SMALL, d, over="region", k=50, sectors=TWO, unmet={})
        .notes[-1]
        .startswith("no area")
    )
