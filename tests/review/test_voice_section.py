"""The review's "What people say" section (issue 17, item 4): perception indicators of the REACH MSNA 2024
dummy (tests/golden/voice_msna: the export's columns, MIT; the form from ../shared) by area, published
through the review's disclosure control; its numbers are PerceptionIndicators' on the same files (whose
own numbers are checked against R survey in tests/voice/test_indicators_golden.py); a small cell is
suppressed; a bad voice block is one SpecError naming the field; an AF measure set beside it gives the
perceived vs measured table and chart."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from humsec.cli.main import app
from humsec.core.errors import SpecError
from humsec.datasets import data_path
from humsec.review.spec import load_review

runner = CliRunner()
ROOT = Path(__file__).parents[2]
DATA = ROOT / "tests" / "golden" / "voice_msna" / "msna_subset.csv"
FORM = (
    ROOT.parent
    / "shared"
    / "data"
    / "reach_msna2024_tool_dummy"
    / "REACH_2024_MSNA-kobo-tool_draft_v11.xlsx"
)
INDICATORS = """indicators:
  received_aid:
    question: aap_received_assistance_12m
    positive: ["yes"]
    missing: [dnk, pnta]
    label: Received humanitarian assistance in the last 12 months
  no_shelter:
    question: snfi_shelter_type
    positive: [none]
    missing: [pnta]
    direction: higher_is_worse
    label: Has no shelter
"""


@pytest.fixture(autouse=True)
def _form() -> None:
    if not FORM.exists():
        pytest.skip("../shared/data/reach_msna2024_tool_dummy is absent")


def _review(
    folder: Path,
    *,
    voice: str = "",
    disclosure: str = "{min_n: 38, flag_n: 50, max_cv: 0.5, flag_cv: 0.3}",
    extra: str = "",
) -> Path:
    (folder / "ind.yaml").write_text(INDICATORS, encoding="utf-8")
    block = (
        voice
        or f"""  name: MSNA 2024 dummy
  form: {FORM}
  data: {DATA}
  indicators: ind.yaml
  over: stratum
  weight: weight
  strata: stratum
  psu: cluster_id
  nest: true
"""
    )
    path = folder / "review.yaml"
    path.write_text(
        f"title: What people say\nboundaries: KEN-adm1\ndisclosure: {disclosure}\n{extra}voice:\n{block}",
        encoding="utf-8",
    )
    return path


def _expected(over: str = "stratum", **design: object) -> pd.DataFrame:
    from humsec.voice import PerceptionIndicators, PerceptionSpec, read_export, read_form

    spec = PerceptionSpec.from_dict(
        __import__("yaml").load(INDICATORS, Loader=__import__("yaml").SafeLoader)
    )
    export = read_export(DATA, read_form(FORM))
    return PerceptionIndicators(spec, over=[over], **design).fit(export).to_frame()  # type: ignore[arg-type]


def test_published_numbers_are_perception_indicators_and_small_cells_are_suppressed(
    tmp_path: Path,
) -> None:
    res = runner.invoke(
        app, ["review", str(_review(tmp_path)), "--out", str(tmp_path / "out"), "--no-pdf"]
    )
    assert res.exit_code == 0, res.output
    table = pd.read_csv(
        tmp_path / "out" / "tables" / "voice_indicators.csv", keep_default_na=False, na_values=[""]
    )
    want = _expected(weight="weight", strata="stratum", psu="cluster_id", nest=True)
    want["group"] = want["group"].fillna("").astype(str)
    table["group"] = table["group"].fillna("").astype(str)
    merged = want.merge(table, on=["name", "over", "group"], suffixes=("_want", ""))
    assert len(merged) == len(want) == 8  # 2 indicators x (national + 3 strata)
    ok = merged["sdc_status"].isin(["ok", "flag"])
    for col in ("estimate", "se", "ci_low", "ci_high", "n"):
        np.testing.assert_allclose(
            merged.loc[ok, col], merged.loc[ok, f"{col}_want"], rtol=0, atol=1e-12
        )
    # received_aid in PCODE21 is answered by 37 people (< min_n 38): suppressed, and a second cell of
    # its strata with it, so that the national value cannot give it back; no_shelter is published whole
    small = merged[merged["n_want"] < 38]
    assert small[["name", "group"]].values.tolist() == [["received_aid", "PCODE21"]]
    assert (small["sdc_status"] == "suppressed").all()
    assert small["estimate"].isna().all() and small["se"].isna().all()
    aid = merged[(merged["name"] == "received_aid") & (merged["over"] == "stratum")]
    assert (aid["sdc_status"] == "secondary").sum() == 1
    assert merged.loc[merged["name"] == "no_shelter", "sdc_status"].isin(["ok", "flag"]).all()
    page = (tmp_path / "out" / "review.html").read_text(encoding="utf-8")
    assert '<h2 id="voice">What people say</h2>' in page
    # the finding cites published rows, and a suppressed value appears nowhere in the page
    nat = merged[(merged["name"] == "no_shelter") & (merged["over"] == "national")].iloc[0]
    assert 'data-row="voice:no_shelter:national"' in page
    assert f"{100 * nat['estimate']:.1f}%" in page
    for value in small["estimate_want"]:
        assert f"{value:.3f}" not in page


def test_a_bad_voice_block_is_one_spec_error_naming_the_fields(tmp_path: Path) -> None:
    voice = f"""  form: {FORM}
  data: {DATA}
  indicators: ind.yaml
  over: district
  weight: wgt
  colour: blue
"""
    with pytest.raises(SpecError) as err:
        load_review(_review(tmp_path, voice=voice))
    fields = [where for where, _ in err.value.problems]
    assert fields == ["voice", "voice.over", "voice.weight"]
    assert "district" in str(err.value) and "msna_subset.csv" in str(err.value)
    res = runner.invoke(
        app, ["review", str(tmp_path / "review.yaml"), "--out", str(tmp_path / "out"), "--no-pdf"]
    )
    assert res.exit_code == 2 and not (tmp_path / "out").exists()


def test_an_indicator_on_a_question_the_form_lacks_is_named(tmp_path: Path) -> None:
    path = _review(tmp_path)
    (tmp_path / "ind.yaml").write_text(
        INDICATORS.replace("aap_received_assistance_12m", "aap_received_help"), encoding="utf-8"
    )
    with pytest.raises(
        SpecError,
        match=r"indicators\.received_aid: question 'aap_received_help' is not in the form",
    ):
        load_review(path)


@pytest.mark.slow
def test_perceived_vs_measured_against_the_survey_sections_af_measure(tmp_path: Path) -> None:
    # the AF survey: a sample of syn_cdta (both rounds: the survey section expects a change), its regions
    # grouped into the 4 clusters of the MSNA dummy
    micro = pd.read_csv(data_path("syn_cdta.csv.gz")).sample(4000, random_state=1)
    micro["cluster"] = "cluster_" + (micro["region"] % 4 + 1).astype(str)
    micro.to_csv(tmp_path / "af.csv", index=False)
    survey = """survey:
  name: syn_cdta by cluster
  spec: humsec:syn_cdta_spec.yaml
  data: af.csv
  over: [cluster]
  k: 33
  left_behind: {by: [cluster], depth: 1, measures: [M0], min_n: 50}
"""
    voice = f"""  form: {FORM}
  data: {DATA}
  indicators: ind.yaml
  over: cluster_id
  weight: weight
  compare: {{indicator: no_shelter, measure: M0, over: cluster}}
"""
    review = _review(
        tmp_path,
        voice=voice,
        disclosure="{min_n: 5, flag_n: 10, max_cv: 5, flag_cv: 5}",
        extra=survey,
    )
    res = runner.invoke(app, ["review", str(review), "--out", str(tmp_path / "out"), "--no-pdf"])
    assert res.exit_code == 0, res.output
    tables = tmp_path / "out" / "tables"
    got = pd.read_csv(tables / "voice_vs_measured.csv").set_index("group")
    perceived = pd.read_csv(tables / "voice_indicators.csv")
    perceived = perceived[(perceived["name"] == "no_shelter") & (perceived["over"] == "cluster_id")]
    af = pd.read_csv(tables / "af_results.csv", keep_default_na=False, na_values=[""])
    af = af[(af["measure"] == "M0") & (af["over"] == "cluster") & (af["k"] == 33) & af["indicator"].isna()
            & af["change"].isna() & (af["time"] == af["time"].max())]  # fmt: skip
    assert len(af) == len(perceived) == 4  # the latest round's level rows
    assert sorted(got.index) == [f"cluster_{i}" for i in range(1, 5)]
    np.testing.assert_allclose(
        got.loc[list(perceived["group"]), "perceived"], perceived["estimate"], atol=1e-12
    )
    np.testing.assert_allclose(got.loc[list(af["group"]), "measured"], af["estimate"], atol=1e-12)
    r = pd.read_csv(tables / "voice_vs_measured_r.csv").iloc[0]
    p, m = got["perceived"], got["measured"]
    assert r["r"] == pytest.approx(float(np.corrcoef(p, m)[0, 1]), abs=1e-12)
    # Fisher-z interval by hand: tanh(atanh r -/+ 1.959964 / sqrt(4 - 3))
    assert r["ci_low"] == pytest.approx(np.tanh(np.arctanh(r["r"]) - 1.959963984540054), abs=1e-12)
    assert r["ci_high"] == pytest.approx(np.tanh(np.arctanh(r["r"]) + 1.959963984540054), abs=1e-12)
    page = (tmp_path / "out" / "review.html").read_text(encoding="utf-8")
    assert 'data-row="vc:no_shelter:r"' in page and "vs AF M0" in page


def test_a_comparison_needs_the_survey_and_a_known_indicator(tmp_path: Path) -> None:
    voice = f"""  form: {FORM}
  data: {DATA}
  indicators: ind.yaml
  over: stratum
  compare: {{indicator: feels_unsafe, measure: M0, over: region}}
"""
    with pytest.raises(SpecError) as err:
        load_review(_review(tmp_path, voice=voice))
    assert [where for where, _ in err.value.problems] == [
        "voice.compare",
        "voice.compare.indicator",
    ]
    assert "'feels_unsafe' is neither an indicator nor an index" in str(err.value)
