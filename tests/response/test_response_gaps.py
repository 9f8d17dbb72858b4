"""Who does what where: gaps against needs, on hand-computed tables and real 3W/needs files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from humsec.cli.main import app
from humsec.core.errors import ColumnNotFoundError, HumsecError
from humsec.response.gaps import canonical_sector, response_gaps

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
HOA = SHARED / "hoa_drought_pin_target_2022"
COLS = {"area": "adm1", "sector": "cluster", "org": "partner", "reached": "reached"}


def acts(**extra):
    df = pd.DataFrame(
        {
            "adm1": ["A", "A", "A", "B", "C"],
            "cluster": ["Santé", "Health", "Health", "EHA", "Education"],
            "partner": ["X", "Y", "X", "Z", "Z"],
            "reached": [100, 300, 50, 10, 5],
        }
    )
    return df.assign(**extra)


NEEDS = pd.DataFrame(
    {
        "area": ["A", "B", "B"],
        "sector": ["Health", "WASH", "Health"],
        "people_in_need": [1000, 40, 500],
    }
)


def test_hand_computed_coverage_orgs_and_gap():
    t = response_gaps(acts(), NEEDS, columns=COLS).table.set_index(["area", "sector_key"])
    assert t.loc[("A", "health"), "people_reached"] == 300  # the largest single activity (max rule)
    assert t.loc[("A", "health"), "n_orgs"] == 2
    assert t.loc[("A", "health"), "coverage"] == pytest.approx(0.3)
    assert t.loc[("A", "health"), "gap_score"] == pytest.approx(700)
    assert t.loc[("B", "wash"), "coverage"] == pytest.approx(0.25)  # EHA (French) meets WASH
    assert t.loc[("B", "health"), "n_orgs"] == 0 and t.loc[("B", "health"), "people_reached"] == 0
    assert t.loc[("B", "health"), "gap_score"] == 500
    assert t.loc[("C", "education"), "gap_score"] == 0  # activity without a recorded need
    assert len(t) == 4  # every area × sector of the needs or the activities
    s = response_gaps(acts(), NEEDS, columns=COLS, reach="sum").table.set_index(
        ["area", "sector_key"]
    )
    assert s.loc[("A", "health"), "people_reached"] == 450  # the upper bound


@settings(max_examples=60, deadline=None)
@given(
    pin=st.lists(st.integers(1, 10_000), min_size=2, max_size=8),
    reached=st.lists(st.integers(0, 12_000), min_size=2, max_size=8),
)
def test_gap_score_never_lower_with_more_need_and_less_coverage(pin, reached):
    n = min(len(pin), len(reached))
    areas = [f"a{i}" for i in range(n)]
    needs = pd.DataFrame({"area": areas, "sector": "Health", "people_in_need": pin[:n]})
    activities = pd.DataFrame(
        {"adm1": areas, "cluster": "Health", "partner": "X", "reached": reached[:n]}
    )
    t = response_gaps(activities, needs, columns=COLS).table
    for _, i in t.iterrows():
        for _, j in t.iterrows():
            if i["people_in_need"] >= j["people_in_need"] and i["coverage"] <= j["coverage"]:
                assert i["gap_score"] >= j["gap_score"] - 1e-9


def test_hxl_tags_find_the_columns_and_duplicates_are_dropped(tmp_path):
    path = tmp_path / "3w.csv"
    path.write_text(
        "Province,Cluster,Partner,Reached\n#adm1+code,#sector,#org+impl,#reached\n"
        'A,Santé,X,100\nA,Santé,X,100\nA,"Health",Y,300\n',
        encoding="utf-8",
    )
    res = response_gaps(path, NEEDS)
    assert "1 exact duplicate activity row(s) dropped" in res.report
    row = res.table.set_index(["area", "sector_key"]).loc[("A", "health")]
    assert row["people_reached"] == 300 and row["n_orgs"] == 2


def test_bad_input_is_clear():
    with pytest.raises(ColumnNotFoundError, match="did you mean 'partner'"):
        response_gaps(acts(), NEEDS, columns={**COLS, "org": "partnr"})
    with pytest.raises(
        HumsecError,
        match=r"Column 'reached' must hold numbers; found \['lots'\] at row 2 ",
    ):
        response_gaps(acts(reached=[1, "lots", 3, 4, 5]), NEEDS, columns=COLS)
    with pytest.raises(HumsecError, match="has no column for \\['org'\\]"):
        response_gaps(
            acts().drop(columns="partner"),
            NEEDS,
            columns={k: v for k, v in COLS.items() if k != "org"},
        )
    res = response_gaps(acts(adm1=["A", "A", "A", "BB", "C"]), NEEDS, columns=COLS)
    assert any("not in the needs table: BB (did you mean B?)" in r for r in res.report)


def test_sector_names_in_two_languages():
    assert canonical_sector("Sécurité alimentaire") == canonical_sector("Food Security") == "food"
    assert (
        canonical_sector("Abris/AME") == "shelter"
        and canonical_sector("Unknown Thing") == "unknown thing"
    )
    assert canonical_sector("Relèvement", {"relevement": "early recovery"}) == "early recovery"


@pytest.mark.skipif(not HOA.exists(), reason="../shared not present")
def test_real_presence_3w_against_wide_hxl_needs(tmp_path):
    """Ethiopia: the August 2025 3W (presence only) against 2022 drought needs per woreda (HXL)."""
    res = response_gaps(
        HOA / "eth_3w_operational_presence_august_2025.csv.gz",
        HOA / "eth_ethiopia_drought_affected_targeted_reached_by_cluster_2022.csv.gz",
        columns={"area": "WoredaPcod", "sector": "Cluster", "org": "Implementing Partner Name"},
    )
    t = res.table
    assert t["area"].str.fullmatch(r"ET\d{6}").all()  # woreda level chosen by overlap with the 3W
    assert {"wash", "health", "food", "nutrition", "protection"} <= set(t["sector_key"])
    assert any("presence-only" in r for r in res.report)
    unknown = t[(t["n_orgs"] > 0) & (t["people_in_need"] > 0)]
    assert (
        unknown["coverage"].isna().all()
    )  # reach unknown where organisations work: no invented coverage
    nobody = t[(t["n_orgs"] == 0) & (t["people_in_need"] > 0)]
    np.testing.assert_allclose(nobody["gap_score"], nobody["people_in_need"])


@pytest.mark.skipif(not (SHARED / "cod_3w_2025_05").exists(), reason="../shared not present")
def test_real_drc_4w_in_french_with_cli(tmp_path):
    needs = tmp_path / "needs.csv"
    pd.DataFrame(
        {
            "area": ["CD54", "CD61"],
            "sector": ["Santé", "Sécurité Alimentaire"],
            "people_in_need": [500_000, 800_000],
        }
    ).to_csv(needs, index=False)
    out = tmp_path / "gaps.csv"
    cols = "area=Code Province,sector=CLUSTER (Choisir dans la liste déroulante) Pour les projets humanitaires uniquement,org=Nom organization,reached=NOMBRE BENEFICIAIRES DIRECTS (indiquer nombre de personnes)"
    res = CliRunner().invoke(
        app,
        [
            "response",
            "gaps",
            str(SHARED / "cod_3w_2025_05" / "cod_3w_extrait_mai_2025.csv.gz"),
            str(needs),
            "--columns",
            cols,
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "390 exact duplicate activity row(s) dropped" in res.output
    table = pd.read_csv(out)
    assert {
        "area",
        "sector",
        "people_in_need",
        "people_reached",
        "coverage",
        "n_orgs",
        "gap_score",
    } <= set(table.columns)
    ituri_health = table[(table["area"] == "CD54") & (table["sector_key"] == "health")]
    assert len(ituri_health) == 1 and ituri_health["n_orgs"].iloc[0] > 0


def test_overlap_duplication_and_pairs(tmp_path):
    from humsec.response.overlap import response_overlap

    df = pd.DataFrame(
        {
            "area": ["A", "A", "A", "A", "B", "B", "C"],
            "sector": ["Santé", "Health", "Health", "WASH", "Health", "WASH", "WASH"],
            "org": ["X", "Y", "Z", "X", "X", "Y", "Z"],
        }
    )
    res = response_overlap(df, min_orgs=3)
    assert res.duplication[["area", "sector_key", "n_orgs"]].to_dict("records") == [
        {"area": "A", "sector_key": "health", "n_orgs": 3}
    ]
    pairs = res.pairs.set_index(["org_a", "org_b"])
    # X: {A-health, A-wash, B-health}; Y: {A-health, B-wash}; shared {A-health}; union 4 cells
    assert pairs.loc[("X", "Y"), "shared_cells"] == 1
    assert pairs.loc[("X", "Y"), "jaccard"] == pytest.approx(1 / 4)
    assert ("Y", "Z") in pairs.index and pairs.loc[("Y", "Z"), "shared_cells"] == 1
    out = tmp_path / "overlap.csv"
    src = tmp_path / "3w.csv"
    df.to_csv(src, index=False)
    r = CliRunner().invoke(app, ["response", "overlap", str(src), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "overlap_pairs.csv").exists()


def test_drc_cluster_names_meet_hxl_needs_attributes():
    # the DRC 4W's French clusters and HDX needs' #inneed+<attribute> meet on one key
    assert canonical_sector("Protection: Protection de l'enfant") == canonical_sector(
        "protection+child"
    )
    assert canonical_sector("Protection: Violences basées sur le genre") == canonical_sector(
        "protection+gbv"
    )
    assert canonical_sector("Eau, Assainissement et Hygiène") == canonical_sector("wash")
    assert canonical_sector("Protection générale") == "protection"


def test_exports_hxl_excel_geojson(tmp_path):
    import json

    acts_path, needs_path = tmp_path / "a.csv", tmp_path / "n.csv"
    acts().to_csv(acts_path, index=False)
    NEEDS.to_csv(needs_path, index=False)
    geo = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"adm1_pcode": code},
                "geometry": {"type": "Point", "coordinates": [0, i]},
            }
            for i, code in enumerate(["A", "B"])
        ],
    }
    (tmp_path / "b.geojson").write_text(json.dumps(geo))
    out, xlsx, gj = tmp_path / "g.csv", tmp_path / "g.xlsx", tmp_path / "g.geojson"
    res = CliRunner().invoke(
        app,
        [
            "response",
            "gaps",
            str(acts_path),
            str(needs_path),
            "--columns",
            "area=adm1,sector=cluster,org=partner,reached=reached",
            "--out",
            str(out),
            "--hxl",
            "--excel",
            str(xlsx),
            "--geojson",
            str(gj),
            "--boundaries",
            str(tmp_path / "b.geojson"),
        ],
    )
    assert res.exit_code == 0, res.output
    lines = out.read_text().splitlines()
    assert lines[1].startswith("#adm1+code,#adm1+name,#sector")  # HXL tag row under the header
    assert set(pd.read_excel(xlsx, sheet_name=None)) == {"gaps", "report", "needs not used"}
    features = {
        f["properties"]["adm1_pcode"]: f["properties"]
        for f in json.loads(gj.read_text())["features"]
    }
    assert features["A"]["gap_health"] == pytest.approx(700)
    assert features["B"]["gap_score"] == pytest.approx(30 + 500)
    assert "areas without a boundary: ['C']" in res.output


def test_money_flows_split_currency_and_funding_per_person(tmp_path):
    from humsec.response.money import funding_per_person_in_need, read_flows, sankey_html

    flows = pd.DataFrame(
        {
            "srcOrganization": ["Donor A", "Donor A", "Donor B"],
            "destOrganization": ["Agency X", "Agency Y", "Agency X"],
            "destGlobalClusters": ["Health,WASH", "Health", "Food Security"],
            "amountUSD": [100.0, None, 30.0],
            "originalAmount": [None, 90.0, None],
            "originalCurrency": [None, "EUR", None],
            "exchangeRate": [None, 0.9, None],
        }
    )
    f, report = read_flows(flows)
    by = f.groupby("sector")["amount_usd"].sum()
    assert by["Health"] == pytest.approx(50 + 100)  # half of 100, plus EUR 90 at 0.9 EUR per USD
    assert by["WASH"] == pytest.approx(50)
    assert report == ["1 flow(s) tagged with several sectors split equally between them"]
    needs = pd.DataFrame(
        {"sector": ["Santé", "EHA", "Sécurité alimentaire"], "people_in_need": [300, 25, 0]}
    )
    per = funding_per_person_in_need(f, needs).set_index("key")
    assert per.loc["health", "usd_per_person_in_need"] == pytest.approx(0.5)
    assert per.loc["wash", "usd_per_person_in_need"] == pytest.approx(2.0)
    page = sankey_html(f)
    assert "Agency X" in page and "cdn.plot.ly" not in page.split("<body>")[0]
    bad = flows.assign(amountUSD=[100.0, None, 30.0], exchangeRate=[None, None, None])
    with pytest.raises(
        HumsecError,
        match=r"no USD amount and no exchange rate at row 2 \(currencies \['EUR'\]\)",
    ):
        read_flows(bad)


@pytest.mark.skipif(not (SHARED / "fts").exists(), reason="../shared not present")
def test_money_cli_on_real_fts_flows(tmp_path):
    html, out = tmp_path / "sankey.html", tmp_path / "money.csv"
    res = CliRunner().invoke(
        app,
        [
            "response",
            "money",
            str(SHARED / "fts" / "fts_incoming_funding_ken.csv"),
            "--out",
            str(out),
            "--html",
            str(html),
        ],
    )
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out)
    total = pd.read_csv(SHARED / "fts" / "fts_incoming_funding_ken.csv")["amountUSD"].sum()
    assert table["amount_usd"].sum() == pytest.approx(
        total
    )  # splitting never creates or loses money
    assert "Germany, Government of" in html.read_text()


def test_multi_organisation_cells_and_no_sector_markers():
    from humsec.response.overlap import response_overlap

    df = pd.DataFrame(
        {
            "area": ["A", "A", "B"],
            "sector": ["Health", "(No corresponding humanitarian cluster)", "Health"],
            "org": ["X; Y", "Z", "Y|X"],
        }
    )
    res = response_overlap(df, min_orgs=2)
    assert res.duplication[["area", "n_orgs", "orgs"]].to_dict("records") == [
        {"area": "A", "n_orgs": 2, "orgs": "X; Y"},
        {"area": "B", "n_orgs": 2, "orgs": "X; Y"},
    ]
    assert "1 activity row(s) marked as having no sector" in res.report
    assert res.pairs.set_index(["org_a", "org_b"]).loc[("X", "Y"), "jaccard"] == 1.0


@pytest.mark.skipif(not (SHARED / "iati3w_somalia").exists(), reason="../shared not present")
def test_real_iati_3w_somalia_hxl_names():
    from humsec.response.overlap import response_overlap

    res = response_overlap(SHARED / "iati3w_somalia" / "somalia_iati_3w_flat.csv.gz", min_orgs=5)
    assert len(res.duplication) > 0  # #adm1+name and #org+impl found from the HXL tags
    assert res.duplication["area"].str.match(r"^[a-z-]+$").all()


IATI_XML = """<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03">
 <iati-activity default-currency="EUR">
  <iati-identifier>XM-DAC-1-A</iati-identifier>
  <title><narrative>Water and health in Bay</narrative></title>
  <participating-org role="1" ref="XM-D"><narrative>Donor D</narrative></participating-org>
  <participating-org role="4"><narrative>NGO N</narrative></participating-org>
  <participating-org role="4"><narrative>NGO M</narrative></participating-org>
  <recipient-country code="SO"/>
  <location><name><narrative>Baidoa</narrative></name><administrative vocabulary="G1" level="1" code="SO-BY"/></location>
  <sector vocabulary="10" code="WASH"/><sector vocabulary="10" code="Health"/>
  <sector vocabulary="1" code="14030"/>
  <activity-date type="1" iso-date="2024-01-01"/><activity-date type="2" iso-date="2024-02-01"/>
  <budget><value currency="EUR" value-date="2024-01-01">1000</value></budget>
  <transaction><transaction-type code="3"/><transaction-date iso-date="2024-03-01"/><value value-date="2024-03-01">400</value>
   <receiver-org><narrative>NGO N</narrative></receiver-org></transaction>
 </iati-activity>
 <iati-activity default-currency="USD">
  <iati-identifier>XM-DAC-1-B</iati-identifier>
  <participating-org role="4"><narrative>NGO N</narrative></participating-org>
  <recipient-country code="SO"/>
  <location><administrative vocabulary="G1" level="1" code="SO-BY"/></location>
  <sector vocabulary="10" code="WASH"/>
  <budget><value>250</value></budget>
 </iati-activity>
</iati-activities>
"""


def test_iati_xml_to_3w_and_on_to_overlap(tmp_path):
    from humsec.response.iati import read_iati_xml
    from humsec.response.overlap import response_overlap

    path = tmp_path / "activities.xml"
    path.write_text(IATI_XML, encoding="utf-8")
    acts_, tx, report = read_iati_xml(path)
    assert report == []  # every activity has a sector; no mixed-currency budget
    a = acts_[acts_["activity"] == "XM-DAC-1-A"]
    assert sorted(a["sector"]) == [
        "Health",
        "WASH",
    ]  # humanitarian clusters (vocabulary 10) preferred
    assert set(a["area"]) == {"SO-BY"} and set(a["org"]) == {"NGO N; NGO M"}
    assert a["start"].iloc[0] == "2024-02-01"  # actual start over planned
    assert (
        a["value_usd"].isna().all() and a["budget"].iloc[0] == "EUR 1,000"
    )  # never converted without a rate
    assert acts_.loc[acts_["activity"] == "XM-DAC-1-B", "value_usd"].iloc[0] == 250
    assert tx[["type", "currency", "value", "receiver"]].to_dict("records") == [
        {"type": "disbursement", "currency": "EUR", "value": 400.0, "receiver": "NGO N"}
    ]
    out = tmp_path / "3w.csv"
    res = CliRunner().invoke(app, ["response", "iati", str(path), "--out", str(out)])
    assert res.exit_code == 0, res.output
    overlap = response_overlap(out, min_orgs=2)  # the HXL-tagged 3W is read as any 3W
    cells = overlap.duplication.set_index("sector_key")
    assert cells.loc["wash", "orgs"] == "NGO M; NGO N"
    bad = tmp_path / "bad.xml"
    bad.write_text("<other/>")
    r = CliRunner().invoke(app, ["response", "iati", str(bad), "--out", str(tmp_path / "x.csv")])
    assert r.exit_code == 2 and "Expected an <iati-activities> document" in r.output


def test_money_non_numeric_amount_names_column_and_row(tmp_path):
    from humsec.core.errors import DataError
    from humsec.response.money import read_flows

    path = tmp_path / "flows.csv"
    path.write_text(
        "srcOrganization,destOrganization,destGlobalClusters,amountUSD\nA,B,Health,10\nA,B,Health,lots\n"
    )
    with pytest.raises(
        DataError,
        match=r"Column 'amountUSD' of .*flows\.csv must hold numbers; found \['lots'\] at row 2",
    ):
        read_flows(path)


def test_money_cli_needs_with_text_figures_is_an_error_naming_the_row(tmp_path):
    # '1,200' and '-' are read as 4W tables write them; 'lots' was silently a missing value before
    flows = tmp_path / "flows.csv"
    pd.DataFrame(
        {"srcOrganization": ["D"], "destOrganization": ["X"], "destGlobalClusters": ["Health"],
         "amountUSD": [100.0]}
    ).to_csv(flows, index=False)  # fmt: skip
    needs = tmp_path / "needs.csv"
    needs.write_text("sector,people_in_need\nHealth,\"1,200\"\nWASH,-\nFood Security,lots\n")
    out = tmp_path / "money.csv"
    args = ["response", "money", str(flows), "--needs", str(needs), "--out", str(out)]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 2
    assert "people_in_need" in res.output and "lots" in res.output and "row 3" in res.output
    assert not out.exists()
    needs.write_text("sector,people_in_need\nHealth,\"1,200\"\nWASH,-\n")
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out).set_index("key")
    assert table.loc["health", "people_in_need"] == 1200
