"""Changes over time carry the unweighted counts of both rounds, and disclosure control judges them
on the smaller (issue 21, defect 1: every change row, national included, was suppressed as "n < 25"
because change rows had no ``n``).

Checked against the level rows of the same fit (a change's ``n_t0``/``n_t1`` are the ``n`` of the
same estimate in the first and last round), and end to end: a review of the two-round syn_cdta survey
publishes its national changes with their confidence intervals.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import humsec
from humsec.cli.main import app
from humsec.core.disclosure import DisclosureRules, apply_disclosure_control
from humsec.core.errors import HumsecError
from humsec.review.build import row_anchor

KEY = ["measure", "k", "indicator", "over", "group"]


@pytest.fixture(scope="module")
def result() -> humsec.AFResult:
    return humsec.AlkireFoster(humsec.datasets.syn_cdta_spec()).fit(
        humsec.datasets.load_syn_cdta(), over=["region"]
    )


def test_change_rows_carry_both_rounds_counts(result: humsec.AFResult) -> None:
    changes = result.to_frame("changes")
    levels = result.to_frame("levels")
    levels = levels.assign(time=levels["time"].astype(str))
    for col, when in (("n_t0", "from_time"), ("n_t1", "to_time")):
        merged = changes.assign(time=changes[when].astype(str)).merge(
            levels[[*KEY, "time", "n"]], on=[*KEY, "time"], how="left", validate="many_to_one"
        )
        assert merged["n"].notna().all()
        assert (merged[col] == merged["n"]).all(), col
    nat = changes[(changes["over"] == "national") & (changes["measure"] == "H")]
    assert (nat["n_t0"] > 7000).all() and (nat["n_t1"] > 7000).all()  # 15,000 persons, 2 rounds


def test_tidy_table_has_the_counts_of_change_rows(result: humsec.AFResult) -> None:
    tidy = result.tidy()
    ch = tidy[tidy["change"] != ""]
    lv = tidy[tidy["change"] == ""]
    assert ch["n"].isna().all() and ch[["n_t0", "n_t1"]].notna().all().all()
    assert lv["n"].notna().all() and lv[["n_t0", "n_t1"]].isna().all().all()


def test_disclosure_judges_a_change_on_its_smaller_round() -> None:
    t = pd.DataFrame(
        {
            "estimate": [0.30, -0.05, -0.05, -0.05],
            "se": [0.01, 0.005, 0.005, 0.005],
            "n": [400, None, None, None],
            "n_t0": [None, 900, 20, 40],
            "n_t1": [None, 800, 900, 900],
        }
    )
    out = apply_disclosure_control(t, DisclosureRules(), n=["n", "n_t0", "n_t1"])
    assert out["sdc_status"].tolist() == ["ok", "ok", "suppressed", "flag"]
    assert out["sdc_reason"].tolist() == ["", "", "n < 25", "n < 50"]
    assert out.loc[2, ["estimate", "n_t0", "n_t1"]].isna().all()  # counts of a hidden cell too
    # a row with no count at all is still not published
    none = apply_disclosure_control(t.assign(n_t0=None, n_t1=None), n=["n", "n_t0", "n_t1"])
    assert none["sdc_status"].tolist()[1:] == ["suppressed"] * 3


def test_a_precise_change_near_zero_is_published_not_called_unreliable() -> None:
    # -0.2 pp ± 0.5 pp on 900 persons: "no change" is a finding; its CV (2.5) says nothing of quality
    t = pd.DataFrame({"estimate": [-0.002, 0.30], "se": [0.005, 0.2], "n_t0": [900, 900], "n_t1": [800, 800]})
    plain = apply_disclosure_control(t, n=["n_t0", "n_t1"])
    assert plain["sdc_status"].tolist() == ["suppressed", "suppressed"]
    out = apply_disclosure_control(t, n=["n_t0", "n_t1"], cv_exempt=[True, False])
    assert out["sdc_status"].tolist() == ["ok", "suppressed"]  # the level row keeps the CV rule
    assert out.loc[0, "estimate"] == -0.002
    with pytest.raises(HumsecError, match="cv_exempt has 1 values for 2 rows"):
        apply_disclosure_control(t, n=["n_t0", "n_t1"], cv_exempt=[True])


def test_review_publishes_national_changes(tmp_path: Path) -> None:
    spec = humsec.datasets.data_path("syn_cdta_spec.yaml")
    data = humsec.datasets.data_path("syn_cdta.csv.gz")
    review = tmp_path / "review.yaml"
    review.write_text(
        f"title: Changes\nboundaries: KEN-adm1\nsurvey:\n  name: syn\n  spec: {spec}\n  data: {data}\n"
        "  over: [region]\n  k: 33\n  left_behind: {by: [region], depth: 1, measures: [H]}\n",
        encoding="utf-8",
    )
    res = CliRunner().invoke(
        app, ["review", str(review), "--out", str(tmp_path / "out"), "--no-pdf"]
    )
    assert res.exit_code == 0, res.output
    af = pd.read_csv(tmp_path / "out" / "tables" / "af_results.csv")
    nat = af[(af["over"] == "national") & (af["change"] == "abs") & (af["k"] == 33)]
    assert set(nat["measure"]) >= {"H", "A", "M0"}
    assert (nat["sdc_status"] == "ok").all(), nat[["row_id", "sdc_reason"]]
    assert nat[["estimate", "ci_low", "ci_high", "n_t0", "n_t1"]].notna().all().all()
    changes = af[af["change"] == "abs"]
    shown = changes[changes["sdc_status"].isin(["ok", "flag"])]
    assert (shown[["n_t0", "n_t1"]].min(axis=1) >= 25).all()
    # a change is never hidden for its CV (only for its counts, or as a secondary cell)
    assert not changes["sdc_reason"].astype(str).str.startswith("CV").any()
    page = (tmp_path / "out" / "review.html").read_text(encoding="utf-8")
    h = nat[nat["measure"] == "H"].iloc[0]
    row = re.search(rf'<tr id="{row_anchor(h["row_id"])}">(.*?)</tr>', page)
    assert row is not None and "suppressed" not in row.group(1)
    assert f"{h['ci_low']:.3f}" in row.group(1) and f"{h['ci_high']:.3f}" in row.group(1)
    # and the summary says whether insecurity fell, citing that row
    summary = page.split('id="summary"', 1)[1].split("</ul>", 1)[0]
    assert f'data-row="{h["row_id"]}"' in summary and "fell" in summary


def test_a_survey_of_one_round_is_profiled_without_changes(tmp_path: Path) -> None:
    """A single-round survey (most are) crashed the review with KeyError 'from_time'."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        humsec.datasets.data_path("syn_cdta_spec.yaml").read_text(encoding="utf-8").replace("time: {round: t, year: year}", ""),
        encoding="utf-8",
    )
    micro = pd.read_csv(humsec.datasets.data_path("syn_cdta.csv.gz"))
    micro[micro["t"] == 1].drop(columns=["t"]).to_csv(tmp_path / "one.csv", index=False)
    review = tmp_path / "review.yaml"
    review.write_text(
        f"title: One round\nboundaries: KEN-adm1\nsurvey:\n  name: syn\n  spec: {spec}\n  data: {tmp_path / 'one.csv'}\n"
        "  over: [region]\n  k: 33\n",
        encoding="utf-8",
    )
    res = CliRunner().invoke(app, ["review", str(review), "--out", str(tmp_path / "out"), "--no-pdf"])
    assert res.exit_code == 0, res.output
    af = pd.read_csv(tmp_path / "out" / "tables" / "af_results.csv")
    nat = af[(af["over"] == "national") & (af["measure"] == "H") & (af["k"] == 33)]
    assert len(nat) == 1 and af["change"].isna().all()
    assert nat["row_id"].item() == "af:H:k33:national"  # no round in the row id of a one-round survey
