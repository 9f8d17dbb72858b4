"""Issue 21, defect 5: sector names merged on the IASC global cluster list, overlapping categories
kept apart, changes across missing years labelled, trend lines broken at missing years."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from humsec.core import codelists
from humsec.response import export as response_export
from humsec.response.gaps import response_gaps
from humsec.response.money import funding_trends, read_flows, trend_chart

# new names are looked up when a test runs, so each test fails on its own on older code
SECTOR_ALIASES = getattr(codelists, "SECTOR_ALIASES", {"wash": ("wash",)})


def area_totals(table):
    return response_export.area_totals(table)


def match_sector(name):
    return codelists.match_sector(name)


def harmonise_sectors(names):
    return codelists.harmonise_sectors(names)


SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
FTS = SHARED / "fts"
UKR = SHARED / "ukr_hno_hrp_2023"

# every spelling of WASH and of the refugee response in the Kenya FTS cluster file, by hand
WASH = {
    "WASH",
    "WASH COVID-19",
    "WATER & SANITATION",
    "WATER, SANITATION & HYGIENE",
    "WATER, SANITATION AND HYGIENE",
    "Water Sanitation and Hygiene (WASH)",
    "Water, sanitation and hygiene",
}
REFUGEES = {
    "MULTI-SECTOR ASSISTANCE FOR REFUGEES",
    "MULTI-SECTOR ASSISTANCE TO REFUGEES",
    "Multi-Sector (refugees)",
    "Refugee Response",
    "Refugees Multi-Sector COVID-19",
    "Multisector",
}


def test_the_code_list_is_declared_once():
    sectors = codelists.SECTORS
    assert set(SECTOR_ALIASES) <= set(sectors)
    assert {kind for _, kind in sectors.values()} <= set(codelists.SECTOR_KINDS)
    leads = Path(codelists.__file__).parents[1] / "datasets" / "data" / "cluster_leads.yaml"
    assert set(yaml.safe_load(leads.read_text())) <= set(sectors)  # the leads use the same keys
    for key, (name, _) in sectors.items():
        assert match_sector(name).key == key  # a sector's own name finds it


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from([(k, a) for k, names in SECTOR_ALIASES.items() for a in names]),
    st.lists(st.booleans(), min_size=60, max_size=60),
    st.sampled_from(["", " ", "  ", " COVID-19"]),
)
def test_case_spacing_and_qualifiers_never_change_the_sector(pair, upper, suffix):
    key, alias = pair
    written = "".join(c.upper() if u else c for c, u in zip(alias, upper, strict=False))
    written += alias[len(upper) :]
    assert match_sector(" " + written + suffix).key == key


@pytest.mark.skipif(not FTS.exists(), reason="../shared not present")
def test_real_kenya_fts_41_names_become_one_per_sector():
    path = FTS / "fts_requirements_funding_cluster_ken.csv"
    raw = pd.read_csv(path, skiprows=[1])
    raw["cluster"] = raw["cluster"].str.strip()
    assert raw["cluster"].nunique() == 55
    out, report = funding_trends(path, by_sector=True)
    assert out["sector"].nunique() == 21  # before: 41 (only case and spacing were merged)
    wash = out[out["sector"] == "WASH"]
    expected = raw[raw["cluster"].isin(WASH)].groupby("year")["funding"].sum()
    assert wash["year"].tolist() == expected.index.tolist()  # 2006 ... 2023, one series
    np.testing.assert_allclose(
        wash["funding_usd"].fillna(0) + wash["funding_outside_appeals_usd"], expected.to_numpy()
    )
    refugees = out[out["sector"] == "Multi-sector (refugee response)"]
    expected = raw[raw["cluster"].isin(REFUGEES)].groupby("year")["funding"].sum()
    inside_and_outside = refugees["funding_usd"].fillna(0) + refugees["funding_outside_appeals_usd"]
    np.testing.assert_allclose(inside_and_outside, expected.to_numpy())
    # merging never creates or loses money
    total = out["funding_usd"].fillna(0) + out["funding_outside_appeals_usd"]
    assert np.isclose(total.sum(), raw["funding"].sum())
    assert any("merged into" in r for r in report)
    assert any("overlapping categories kept as their own sector" in r for r in report)


@pytest.mark.skipif(not FTS.exists(), reason="../shared not present")
def test_real_fts_flows_typo_merges_with_multi_sector():
    flows, _ = read_flows(FTS / "fts_incoming_funding_ken.csv")
    assert "Multi-secctor" not in set(flows["sector"])
    raw = pd.read_csv(FTS / "fts_incoming_funding_ken.csv")
    expected = 0.0  # a flow tagged with n sectors gives each 1/n of its amount
    for clusters, amount in zip(raw["destGlobalClusters"], raw["amountUSD"], strict=True):
        names = [c.strip() for c in str(clusters).split(",")]
        expected += amount * sum(n in ("Multi-sector", "Multi-secctor") for n in names) / len(names)
    assert np.isclose(
        flows.loc[flows["sector"] == "Multi-sector (refugee response)", "amount_usd"].sum(),
        expected,
    )


def test_change_across_missing_years_is_labelled_and_annualised():
    t = pd.DataFrame(
        {"id": [1, 2, 3], "year": [2012, 2013, 2017], "requirements": [1.0, 1.0, 1.0],
         "funding": [50.0, 100.0, 200.0]}
    )  # fmt: skip
    out, report = funding_trends(t)
    row = out.set_index("year").loc[2017]
    assert row["previous_year"] == 2013
    assert row["change_pct"] == pytest.approx(100.0)  # over the four years, not year-on-year
    assert row["change_pct_per_year"] == pytest.approx(100 * (2 ** (1 / 4) - 1))
    assert out.set_index("year").loc[2013, "change_pct_per_year"] == pytest.approx(100.0)
    assert any("2013-2017" in r for r in report)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(2000, 2030), st.floats(1, 1e9)), min_size=2, max_size=12,
        unique_by=lambda r: r[0],
    )
)  # fmt: skip
def test_annual_rate_compounds_to_the_whole_change(rows):
    t = pd.DataFrame(rows, columns=["year", "funding"]).assign(requirements=1.0)
    out, _ = funding_trends(t)
    out = out.dropna(subset=["previous_year"])
    span = out["year"] - out["previous_year"].astype(int)
    growth = (1 + out["change_pct_per_year"] / 100) ** span
    np.testing.assert_allclose(growth, 1 + out["change_pct"] / 100, rtol=1e-6)
    same = span == 1
    np.testing.assert_allclose(
        out.loc[same, "change_pct_per_year"], out.loc[same, "change_pct"], rtol=1e-9
    )


def test_trend_lines_break_where_years_are_missing():
    t = pd.DataFrame(
        {"year": [2012, 2013, 2017, 2018], "requirements": [1.0, 2.0, 3.0, 4.0],
         "funding": [1.0, 1.0, 2.0, 2.0]}
    )  # fmt: skip
    out, _ = funding_trends(t)
    spec = trend_chart(out).to_dict()
    assert spec["encoding"]["detail"]["field"] == "run"
    assert spec["encoding"]["x"]["type"] == "quantitative"  # 2013 and 2017 are 4 years apart
    values = next(iter(spec["datasets"].values()))
    runs = {(v["series"], v["year"]): v["run"] for v in values}
    assert runs[("requirements", 2012)] == runs[("requirements", 2013)]
    assert runs[("requirements", 2013)] != runs[("requirements", 2017)]
    assert runs[("requirements", 2017)] == runs[("requirements", 2018)]


def test_overlapping_categories_are_kept_apart_and_not_added_to_totals():
    needs = pd.DataFrame(
        {
            "area": ["A"] * 5,
            "sector": ["Health", "WASH", "Intersectoral", "Protection", "Protection - GBV"],
            "people_in_need": [100, 80, 120, 50, 30],
        }
    )
    acts = pd.DataFrame({"a": ["A"], "s": ["Santé"], "o": ["X"], "r": [40]})
    t = response_gaps(acts, needs, columns={"area": "a", "sector": "s", "org": "o", "reached": "r"})
    kinds = dict(zip(t.table["sector_key"], t.table["sector_kind"], strict=True))
    assert kinds == {
        "health": "cluster",
        "wash": "cluster",
        "intersectoral": "overlapping",
        "protection": "cluster",
        "protection+gbv": "area of responsibility",
    }
    total = area_totals(t.table).set_index("area").loc["A"]
    assert total["people_in_need"] == 100 + 80 + 50
    assert total["gap_score"] == (100 - 40) + 80 + 50


def test_combined_names_are_their_own_overlapping_category():
    mapping, report = harmonise_sectors(["Shelter and CCM", "Shelter", "CCCM"])
    assert mapping == {"Shelter and CCM": "cccm & shelter", "Shelter": "shelter", "CCCM": "cccm"}
    assert "['cccm & shelter']" in report[0]


@pytest.mark.skipif(not UKR.exists(), reason="../shared not present")
def test_real_ukraine_intersectoral_pin_is_not_added_to_the_clusters():
    needs = UKR / "ukr_2023_pin_targeted_by_oblast_cluster.csv.gz"
    raw = pd.read_csv(needs, skiprows=[1])
    acts = pd.DataFrame({"a": ["UA63"], "s": ["Shelter & NFIs"], "o": ["X"]})
    res = response_gaps(acts, needs, columns={"area": "a", "sector": "s", "org": "o"})
    kharkiv = res.table[res.table["area"] == "UA63"].set_index("sector_key")
    assert "shelter" in kharkiv.index and "shelter & nfis" not in kharkiv.index
    assert kharkiv.loc["intersectoral", "sector_kind"] == "overlapping"
    rows = raw[(raw["oblast_pcode"] == "UA63") & raw["pin"].notna()]
    added = rows[~rows["cluster"].isin(["Intersectoral", "Child Protection",
                                        "Gender-based Violence", "Mine Action"])]  # fmt: skip
    total = area_totals(res.table).set_index("area").loc["UA63", "people_in_need"]
    assert total == added["pin"].sum()
    assert not math.isclose(total, rows["pin"].sum())


def test_a_row_listing_several_sectors_counts_in_each():
    acts = pd.DataFrame(
        {
            "a": ["A", "A", "B"],
            "s": ["Health;Protection", "(No corresponding humanitarian cluster);WASH", "n/a"],
            "o": ["X", "Y", "Z"],
            "r": [10, 20, 30],
        }
    )
    needs = pd.DataFrame({"area": ["A"], "sector": ["WASH"], "people_in_need": [100]})
    res = response_gaps(
        acts, needs, columns={"area": "a", "sector": "s", "org": "o", "reached": "r"}
    )
    reached = dict(zip(res.table["sector_key"], res.table["people_reached"], strict=True))
    assert reached == {"health": 10, "protection": 10, "wash": 20}
    assert "2 activity row(s) list several sectors ('A; B'): counted in each" in res.report
    assert "1 activity row(s) marked as having no sector" in res.report  # row 3 only


IATI = SHARED / "iati3w_somalia" / "somalia_iati_3w_flat.csv.gz"


@pytest.mark.skipif(not IATI.exists(), reason="../shared not present")
def test_real_iati_somalia_sector_lists_are_split():
    from humsec.response.gaps import load_activities

    acts, report = load_activities(IATI)
    raw = pd.read_csv(IATI, skiprows=[1], dtype=str)
    marker = raw["humanitarian_cluster"].str.fullmatch(r"\(No corresponding humanitarian cluster\)")
    usable = raw["admin1"].notna() & raw["humanitarian_cluster"].notna() & ~marker.fillna(False)
    assert acts.index.nunique() == usable.sum() == 171
    assert not acts["sector"].str.contains(";").any()
    assert set(acts["sector"]) <= set(codelists.SECTORS)  # every cluster name is on the list
    assert f"{len(raw) - 171} activity row(s) without an area or a sector left out" in report
