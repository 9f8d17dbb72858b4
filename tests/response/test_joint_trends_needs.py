"""Joint programmes, funding trends, needs from AF results and gap maps: hand-computed tables,
real FTS files, and the CLI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from humsec.cli.main import app
from humsec.core.errors import DataError, SpecError
from humsec.core.maps import _rewind, _signed_area
from humsec.response.gaps import response_gaps
from humsec.response.joint import cluster_leads, joint_programmes
from humsec.response.money import funding_trends
from humsec.response.needs import needs_from_af

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
FTS = SHARED / "fts"
COLS = {"area": "adm1", "sector": "cluster", "org": "partner", "reached": "reached"}

ACTS = pd.DataFrame(
    {
        "adm1": ["A", "A", "A", "B", "B"],
        "cluster": ["Health", "WASH", "Nutrition", "Health", "WASH"],
        "partner": ["MSF", "MSF", "ACF", "X", "Y"],
        "reached": [100, 20, 900, 450, 400],
    }
)
NEEDS = pd.DataFrame(
    {
        "area": ["A", "A", "A", "A", "B", "B"],
        "sector": ["Health", "WASH", "Nutrition", "Education", "Health", "WASH"],
        "people_in_need": [1000, 500, 1000, 300, 500, 500],
    }
)


def test_joint_programme_by_hand():
    gaps = response_gaps(ACTS, NEEDS, columns=COLS)
    jp = joint_programmes(gaps.table, gaps.activities)
    # A: Health 10 % (gap 900), WASH 4 % (480), Education nobody (300); Nutrition 90 % is met.
    # B: Health 90 %, WASH 80 %: nothing unmet, no programme.
    assert list(jp["area"]) == ["A"]
    row = jp.iloc[0]
    assert row["sectors"] == "Health; WASH; Education"
    assert row["people_unreached"] == 900 and row["people_unreached_sum"] == 900 + 480 + 300
    assert row["lead_agencies"] == "Save the Children; UNICEF; WHO"  # education is co-led
    assert row["partners"] == "MSF" and row["conveners"] == "MSF"  # MSF in Health and WASH
    assert row["sectors_without_partner"] == "Education"
    ranks = gaps.table.set_index(["area", "sector"])["gap_rank"]
    assert row["evidence"] == "gap_rank " + ", ".join(
        str(ranks[("A", s)]) for s in ("Health", "WASH", "Education")
    )


def test_joint_thresholds_and_bad_leads(tmp_path):
    gaps = response_gaps(ACTS, NEEDS, columns=COLS)
    assert len(joint_programmes(gaps.table, gaps.activities, max_coverage=0.95)) == 2
    assert joint_programmes(gaps.table, gaps.activities, min_sectors=4).empty
    with pytest.raises(ValueError, match="max_coverage"):
        joint_programmes(gaps.table, max_coverage=0)
    bad = tmp_path / "leads.yaml"
    bad.write_text("health: WHO\n")
    with pytest.raises(SpecError, match="list of agency names"):
        cluster_leads(bad)
    assert cluster_leads()["protection+gbv"] == ["UNFPA"]


def test_trends_by_hand():
    t = pd.DataFrame(
        {
            "year": [2021, 2021, 2022, 2023, 2023],
            "cluster": ["Health", "WASH", "HEALTH", "Health", "Not specified"],
            "requirements": [100.0, 50.0, 200.0, 100.0, None],
            "funding": [40.0, 50.0, 100.0, 80.0, 30.0],
        }
    )
    by_year, report = funding_trends(t)
    assert by_year["funding_usd"].tolist() == [90.0, 100.0, 80.0]
    assert by_year["funding_outside_appeals_usd"].tolist() == [0.0, 0.0, 30.0]
    assert by_year["pct_funded"].round(6).tolist() == [60.0, 50.0, 80.0]
    assert by_year["change_usd"].tolist()[1:] == [10.0, 10.0]  # 90 → 100 → 110 (80 + 30)
    assert "1 row(s) with funding but no requirement" in report[0]
    by_sector, _ = funding_trends(t, by_sector=True)
    health = by_sector[by_sector["sector"] == "Health"]  # HEALTH and Health are one sector
    assert health["year"].tolist() == [2021, 2022, 2023]
    assert health["change_usd"].tolist()[1:] == [60.0, -20.0]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(2015, 2020), st.floats(0, 1e6), st.one_of(st.none(), st.floats(1, 1e6))
        ),
        min_size=1,
        max_size=25,
    )
)
def test_trends_keep_every_dollar(rows):
    """Funding inside and outside appeals adds up to the table's total, year by year."""
    t = pd.DataFrame(rows, columns=["year", "funding", "requirements"])
    t.insert(0, "id", range(len(t)))  # distinct appeals (exact duplicate rows would be dropped)
    out, _ = funding_trends(t)
    total = out["funding_usd"].fillna(0) + out["funding_outside_appeals_usd"]
    assert np.isclose(total.sum(), t["funding"].sum(), rtol=1e-9, atol=1e-6)
    assert sorted(out["year"]) == sorted(t["year"].unique())


@pytest.mark.skipif(not FTS.exists(), reason="shared data not present")
def test_real_fts_trends_add_up():
    raw = pd.read_csv(FTS / "fts_requirements_funding_ken.csv", skiprows=[1])
    out, _ = funding_trends(FTS / "fts_requirements_funding_ken.csv")
    total = out["funding_usd"].fillna(0) + out["funding_outside_appeals_usd"]
    assert np.isclose(total.sum(), raw["funding"].sum())
    y2022 = out.set_index("year").loc[2022]
    appeals = raw[(raw["year"] == 2022) & raw["requirements"].notna()]
    assert np.isclose(
        y2022["pct_funded"], 100 * appeals["funding"].sum() / appeals["requirements"].sum()
    )
    flows, report = funding_trends(FTS / "fts_incoming_funding_ken.csv")
    assert any("several countries" in r for r in report)
    assert np.isclose(
        flows["funding_usd"].sum(),
        pd.read_csv(FTS / "fts_incoming_funding_ken.csv")["amountUSD"].sum(),
    )


LEVELS = pd.DataFrame(
    {
        "measure": ["H", "H", "hdk", "hdk", "hdk", "hdk", "H"],
        "k": [33, 33, 33, 33, 33, 33, 20],
        "indicator": ["", "", "d_wtr", "d_sani", "d_wtr", "d_sani", ""],
        "over": ["region"] * 7,
        "group": ["1", "2", "1", "1", "2", "2", "1"],
        "estimate": [0.5, 0.25, 0.2, 0.3, 0.1, 0.05, 0.9],
        "ci_low": [0.4, 0.2, 0.1, 0.2, 0.05, 0.01, 0.8],
        "ci_high": [0.6, 0.3, 0.3, 0.4, 0.15, 0.09, 1.0],
    }
)
POP = pd.DataFrame({"area": ["1", "2"], "population": [1000, 4000], "pcode": ["KE001", "KE023"]})


def test_needs_from_af_by_hand():
    needs = needs_from_af(
        LEVELS, POP, over="region", k=33, sectors={"d_wtr": "WASH", "d_sani": "WASH"}
    )
    got = needs.set_index(["area", "sector"])["people_in_need"].to_dict()
    # H × pop; WASH = max(hdk water, hdk sanitation) × pop
    assert got == {
        ("KE001", "multidimensional"): 500.0,
        ("KE023", "multidimensional"): 1000.0,
        ("KE001", "WASH"): 300.0,
        ("KE023", "WASH"): 400.0,
    }
    wash1 = needs[(needs["area"] == "KE001") & (needs["sector"] == "WASH")].iloc[0]
    assert (wash1["people_in_need_low"], wash1["people_in_need_high"]) == (200.0, 400.0)


def test_needs_from_af_errors():
    with pytest.raises(DataError, match="k = 50"):
        needs_from_af(LEVELS, POP, over="region", k=50)
    with pytest.raises(DataError, match="over 'district'"):
        needs_from_af(LEVELS, POP, over="district", k=33)
    with pytest.raises(DataError, match=r"No population.*\['2'\]"):
        needs_from_af(LEVELS, POP.iloc[:1], over="region", k=33)
    with pytest.raises(DataError, match="d_cm"):
        needs_from_af(LEVELS, POP, over="region", k=33, sectors={"d_cm": "Health"})


def test_af_needs_feed_gaps_through_the_cli(tmp_path, syn_result):
    """humsec af → response needs → response gaps, on the bundled survey."""
    runner = CliRunner()
    levels = syn_result.tidy() if hasattr(syn_result, "tidy") else None
    if levels is None or "region" not in set(levels["over"]):
        import humsec

        spec = humsec.datasets.syn_cdta_spec()
        res = humsec.AlkireFoster(spec, over=["region"]).fit(humsec.datasets.load_syn_cdta())
        levels = res.tidy()
    levels.to_csv(tmp_path / "af.csv", index=False)
    regions = sorted(levels.loc[levels["over"] == "region", "group"].astype(str).unique())
    pd.DataFrame({"area": regions, "population": 10_000}).to_csv(tmp_path / "pop.csv", index=False)
    res = runner.invoke(
        app,
        [
            "response",
            "needs",
            str(tmp_path / "af.csv"),
            "--population",
            str(tmp_path / "pop.csv"),
            "--over",
            "region",
            "--k",
            "33",
            "--sectors",
            "d_wtr=WASH,d_sani=WASH",
            "--out",
            str(tmp_path / "needs.csv"),
            "--hxl",
        ],
    )
    assert res.exit_code == 0, res.output
    pd.DataFrame({"area": [regions[0]], "sector": ["WASH"], "org": ["X"], "reached": [100]}).to_csv(
        tmp_path / "acts.csv", index=False
    )
    out = tmp_path / "gaps.csv"
    res = runner.invoke(
        app,
        [
            "response",
            "gaps",
            str(tmp_path / "acts.csv"),
            str(tmp_path / "needs.csv"),
            "--columns",
            "area=area,sector=sector,org=org,reached=reached",
            "--no-pcodes",
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    gaps = pd.read_csv(out, dtype={"area": str}).set_index(["area", "sector"])
    needs = pd.read_csv(tmp_path / "needs.csv", skiprows=[1], dtype={"area": str})
    first = needs[(needs["area"] == regions[0]) & (needs["sector"] == "WASH")][
        "people_in_need"
    ].item()
    assert np.isclose(
        gaps.loc[(regions[0], "WASH"), "people_in_need"], first
    )  # #inneed, not its CI
    assert np.isclose(gaps.loc[(regions[0], "WASH"), "gap_score"], first - 100)


def test_rewound_rings_are_clockwise_outside():
    ccw = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]  # RFC 7946 exterior
    hole_cw = [[0.2, 0.2], [0.2, 0.8], [0.8, 0.8], [0.8, 0.2], [0.2, 0.2]]
    out = _rewind({"type": "Polygon", "coordinates": [ccw, hole_cw]})["coordinates"]
    assert _signed_area(out[0]) < 0 < _signed_area(out[1])
    multi = _rewind({"type": "MultiPolygon", "coordinates": [[ccw]]})["coordinates"]
    assert _signed_area(multi[0][0]) < 0


def test_cli_joint_trends_and_map(tmp_path):
    runner = CliRunner()
    ACTS.to_csv(tmp_path / "a.csv", index=False)
    NEEDS.to_csv(tmp_path / "n.csv", index=False)
    res = runner.invoke(
        app,
        [
            "response",
            "joint",
            str(tmp_path / "a.csv"),
            str(tmp_path / "n.csv"),
            "--columns",
            "area=adm1,sector=cluster,org=partner,reached=reached",
            "--out",
            str(tmp_path / "j.csv"),
        ],
    )
    assert res.exit_code == 0, res.output
    assert pd.read_csv(tmp_path / "j.csv")["area"].tolist() == ["A"]
    pd.DataFrame({"year": [2021, 2022], "requirements": [10, 20], "funding": [5, 5]}).to_csv(
        tmp_path / "t.csv", index=False
    )
    res = runner.invoke(
        app,
        [
            "response",
            "trends",
            str(tmp_path / "t.csv"),
            "--out",
            str(tmp_path / "o.csv"),
            "--chart",
            str(tmp_path / "t.png"),
        ],
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / "t.png").read_bytes()[:4] == b"\x89PNG"
    acts = pd.DataFrame(
        {
            "adm1": ["KE023", "KE001"],
            "cluster": ["Health"] * 2,
            "partner": ["X", "Y"],
            "reached": [5, 7],
        }
    )
    acts.to_csv(tmp_path / "k.csv", index=False)
    pd.DataFrame(
        {"area": ["KE023", "KE001"], "sector": ["Health"] * 2, "people_in_need": [50, 10]}
    ).to_csv(tmp_path / "kn.csv", index=False)
    res = runner.invoke(
        app,
        [
            "response",
            "gaps",
            str(tmp_path / "k.csv"),
            str(tmp_path / "kn.csv"),
            "--columns",
            "area=adm1,sector=cluster,org=partner,reached=reached",
            "--boundaries",
            "KEN-adm1",
            "--map",
            str(tmp_path / "m.png"),
        ],
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / "m.png").read_bytes()[:4] == b"\x89PNG"
    no_shapes = runner.invoke(
        app,
        [
            "response",
            "gaps",
            str(tmp_path / "k.csv"),
            str(tmp_path / "kn.csv"),
            "--columns",
            "area=adm1,sector=cluster,org=partner,reached=reached",
            "--map",
            str(tmp_path / "m2.png"),
        ],
    )
    assert no_shapes.exit_code == 2 and "--boundaries" in no_shapes.output


def test_bad_files_name_the_file_column_and_row(tmp_path):
    runner = CliRunner()
    (tmp_path / "xy.csv").write_text("x,y\n1,2\n")
    res = runner.invoke(
        app, ["response", "trends", str(tmp_path / "xy.csv"), "--out", str(tmp_path / "t.csv")]
    )
    assert res.exit_code == 2 and "xy.csv is neither an FTS requirements table" in res.output
    assert not (tmp_path / "t.csv").exists()
    LEVELS.to_csv(tmp_path / "af.csv", index=False)
    (tmp_path / "pop.csv").write_text("area,population\n1,1000\n2,-4\n")
    res = runner.invoke(
        app,
        ["response", "needs", str(tmp_path / "af.csv"), "--population", str(tmp_path / "pop.csv"),
         "--over", "region", "--k", "33", "--out", str(tmp_path / "n.csv")],
    )  # fmt: skip
    assert res.exit_code == 2 and "'population' of" in res.output and "pop.csv" in res.output
    assert "row 2" in res.output and not (tmp_path / "n.csv").exists()


def test_joint_programmes_never_count_an_overlapping_category_as_a_sector() -> None:
    # the intersectoral row holds people already counted in health and WASH: area B has one unmet
    # sector (health), not two, and gets no joint programme
    from humsec.response.joint import joint_programmes

    gaps = pd.DataFrame(
        {
            "area": ["A", "A", "B", "B"],
            "sector": ["Health", "WASH", "Health", "Intersectoral"],
            "sector_key": ["health", "wash", "health", "intersectoral"],
            "people_in_need": [100.0, 80.0, 50.0, 40.0],
            "coverage": [0.1, 0.2, 0.1, 0.0],
            "n_orgs": [1, 1, 1, 0],
            "gap_score": [90.0, 64.0, 45.0, 40.0],
            "gap_rank": [1, 2, 3, 4],
        }
    )
    out = joint_programmes(gaps)
    assert out["area"].tolist() == ["A"]
    assert "intersectoral" not in ";".join(out["sector_keys"])


def _chart_sectors_and_subtitle(spec: dict) -> tuple[set[str], str]:
    values = next(iter(spec["datasets"].values()))
    title = spec.get("title", {})
    return {v["sector"] for v in values}, title.get("subtitle", "") if isinstance(title, dict) else ""


def test_trend_chart_says_which_sectors_it_leaves_out(tmp_path):
    # issue 21: --by-sector --png (now --chart) drew the 12 largest sectors and said nothing of the others
    from humsec.response.money import trend_chart

    t = pd.DataFrame(
        {"year": [2020] * 3, "cluster": ["Health", "WASH", "Education"],
         "requirements": [9.0, 9.0, 9.0], "funding": [5.0, 9.0, 1.0]}
    )  # fmt: skip
    by_sector, _ = funding_trends(t, by_sector=True)
    drawn, subtitle = _chart_sectors_and_subtitle(trend_chart(by_sector, top=2).to_dict())
    assert drawn == {"Health", "WASH"}  # Education has the least funding
    assert subtitle == "2 of 3 sectors drawn, the largest by funding (appeals) over all years"
    drawn, subtitle = _chart_sectors_and_subtitle(trend_chart(by_sector).to_dict())
    assert drawn == {"Health", "WASH", "Education"} and subtitle == ""  # all drawn: nothing to say
    t.to_csv(tmp_path / "t.csv", index=False)
    args = ["response", "trends", str(tmp_path / "t.csv"), "--by-sector", "--chart", str(tmp_path / "t.png")]
    res = CliRunner().invoke(app, [*args, "--top", "2", "--out", str(tmp_path / "o.csv")])
    assert res.exit_code == 0, res.output
    assert (
        f"note: 2 of 3 sectors drawn, the largest by funding (appeals) over all years in {tmp_path / 't.png'}"
        f" (--top); all are in {tmp_path / 'o.csv'}"
    ) in " ".join(res.output.split())
    assert set(pd.read_csv(tmp_path / "o.csv")["sector"]) == {"Health", "WASH", "Education"}
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "sectors drawn" not in res.output


@pytest.mark.skipif(not FTS.exists(), reason="shared FTS data absent")
def test_real_fts_by_sector_chart_says_12_of_21_sectors_drawn():
    from humsec.response.money import trend_chart

    table, _ = funding_trends(FTS / "fts_requirements_funding_cluster_ken.csv", by_sector=True)
    assert table["sector"].nunique() == 21
    drawn, subtitle = _chart_sectors_and_subtitle(trend_chart(table).to_dict())
    assert len(drawn) == 12 and subtitle.startswith("12 of 21 sectors drawn")
    funding = table.groupby("sector")["funding_usd"].sum()
    assert funding[list(drawn)].min() >= funding.drop(list(drawn)).max()  # the largest are drawn
