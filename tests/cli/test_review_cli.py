"""`humsec review`: the report on a small review file, as a user runs it.

Checked: the HTML is built and self-contained, the PDF too (when WeasyPrint can run), disclosure
control is applied in what is published, no microdata row reaches the report, every number of the
executive summary links to a row shown in the report, a bad review file gives one error listing
every problem before anything is computed, the early-warning section is optional, and every table
fits the printed A4 page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import humsec
from humsec.cli.main import app
from humsec.review.build import row_anchor

runner = CliRunner()
SENTINEL = "PERSON-SENTINEL-"
MIN_N = 200  # strict on purpose: some region x round cells (about 150-450 persons) are suppressed


def _small_review(folder: Path, *, extra: str = "") -> Path:
    micro = humsec.datasets.load_syn_cdta()
    micro = micro[micro["region"].isin(["1", "2", "3", "4"])].copy()
    micro["person_id"] = [
        f"{SENTINEL}{i:06d}" for i in range(len(micro))
    ]  # never used by the review
    micro.to_csv(folder / "survey.csv", index=False)
    pd.DataFrame(
        {
            "code": ["KE001", "KE002", "KE003", "KE023"],
            "county": ["Mombasa", "Kwale", "Kilifi", "Turkana"],
            "poverty": [27.1, 47.4, 46.4, 79.4],
            "water": [55.6, 56.2, 71.0, 40.0],
        }
    ).to_csv(folder / "counties.csv", index=False)
    pd.DataFrame(
        {
            "code": ["KE001", "KE002", "KE001", "KE002"],
            "date": ["Jul 2019", "Jul 2019", "Feb 2022", "Feb 2022"],
            "p3": [0.10, 0.20, 0.15, 0.35],
            "pop": [1000, 2000, 1000, 2000],
        }
    ).to_csv(folder / "ipc.csv", index=False)
    spec = humsec.datasets.data_path("syn_cdta_spec.yaml")
    text = f"""\
title: Test review
country: Kenya
boundaries: KEN-adm1
disclosure: {{min_n: {MIN_N}, flag_n: 400, max_cv: 0.3, flag_cv: 0.15}}
survey:
  name: test survey
  spec: {spec}
  data: survey.csv
  over: [region]
  k: 33
  left_behind: {{by: [region, area], depth: 1, measures: [M0, H], min_n: 50}}
  note: a synthetic survey
area_data:
  - {{id: c, file: counties.csv, area: code, name: county, indicators: {{poverty: Poverty (%), water: Water (%)}}}}
  - {{id: ipc, file: ipc.csv, area: code, time: date, population: pop, indicators: {{p3: Phase 3+}}}}
maps:
  - {{indicator: c.poverty, title: Poverty (%)}}
area_links: {{indicators: [c.poverty, c.water]}}
index:
  name: Test index
  model:
    root: R
    nodes:
      R: {{op: arithmetic, children: [c.poverty, c.water]}}
    indicators:
      c.poverty: {{direction: 1, normalise: minmax, range: [0, 10]}}
      c.water: {{direction: -1, normalise: minmax, range: [0, 10]}}
trends: {{indicator: ipc.p3}}
early_warning: {{data: 'humsec:ucdp_country_month', units: [Kenya], horizon: 3, model: hist_12}}
strategies: {{top: 2}}
{extra}"""
    path = folder / "review.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("review")
    review = _small_review(folder)
    res = runner.invoke(app, ["review", str(review), "--out", str(folder / "out"), "--no-pdf"])
    assert res.exit_code == 0, res.output
    return folder / "out"


def test_builds_a_self_contained_html_with_every_section(built: Path) -> None:
    page = (built / "review.html").read_text(encoding="utf-8")
    for title in ("Executive summary", "The multidimensional profile", "Maps", "Who is left behind",
                  "Interlinked threats", "Area risk index and trends", "Early-warning outlook",
                  "Recommended strategies", "Data sources, methods and versions"):  # fmt: skip
        assert title in page
    assert page.count("<svg") >= 6  # real charts, inline
    # offline: nothing is fetched (the only URLs are the SVG namespace names, which are not requests)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<script" not in page and "<link" not in page and "@import" not in page
    # data hashes of every input
    assert re.search(r"<code[^>]*>[0-9a-f]{64}</code>", page)


def test_disclosure_control_is_applied_to_what_is_published(built: Path) -> None:
    af = pd.read_csv(built / "tables" / "af_results.csv")
    hidden = af["sdc_status"].isin(["suppressed", "secondary"])
    assert hidden.any() and (~hidden).any()
    counts = ["n", "n_t0", "n_t1"]  # levels: n; changes: both rounds' counts
    assert af.loc[hidden, ["estimate", "se", "ci_low", "ci_high", *counts]].isna().all().all()
    size = af[counts].min(axis=1)  # a change is judged by its smaller round
    assert (size[af["sdc_status"].isin(["ok", "flag"])] >= MIN_N).all()
    assert (af.loc[af["sdc_status"].eq("ok"), "change"].fillna("") == "abs").any()
    for name in ("left_behind", "interlinkages"):
        t = pd.read_csv(built / "tables" / f"{name}.csv")
        n = "n_joint" if name == "interlinkages" else "n"
        assert (t.loc[t["sdc_status"].isin(["ok", "flag"]), n] >= MIN_N).all()
    # a suppressed cell is shown as such in the report, never with its value
    page = (built / "review.html").read_text(encoding="utf-8")
    raw = humsec.AlkireFoster(humsec.datasets.syn_cdta_spec()).fit(
        pd.read_csv(built.parent / "survey.csv", dtype={"region": str, "area": str}),
        over=["region"],
    )
    national = af[af["over"].eq("national") & af["sdc_status"].eq("ok")]
    assert len(national)
    small = raw.tidy()
    small = small[(small["over"] == "region") & (small["n"] < MIN_N)]
    assert len(small)  # the fixture has small cells, or the test proves nothing
    for rid in af.loc[hidden, "row_id"]:
        row = re.search(rf'<tr id="{row_anchor(rid)}">(.*?)</tr>', page)
        if row:  # shown in a table: blanked
            assert "suppressed" in row.group(1) and not re.search(r"\d\.\d{3}", row.group(1))


def test_no_microdata_reach_the_report(built: Path) -> None:
    page = (built / "review.html").read_text(encoding="utf-8")
    assert SENTINEL not in page
    n_persons = len(pd.read_csv(built.parent / "survey.csv"))
    for csv in (built / "tables").glob("*.csv"):
        t = pd.read_csv(csv)
        assert not any(c.startswith("d_") for c in t.columns), (
            csv.name
        )  # no person-level indicators
        assert SENTINEL not in csv.read_text(encoding="utf-8")
        assert len(t) < n_persons


def test_every_number_of_the_summary_is_traceable(built: Path) -> None:
    page = (built / "review.html").read_text(encoding="utf-8")
    summary = page.split('id="summary"', 1)[1].split("</ul>", 1)[0]
    cited = re.findall(r'<a class="num" href="#([^"]+)" data-row="([^"]+)"', summary)
    assert len(cited) >= 8
    anchors = set(re.findall(r'<tr id="([^"]+)"', page))
    for anchor, row_id in cited:
        assert anchor == row_anchor(row_id)
        assert anchor in anchors, f"{row_id} is cited but shown in no table"
    # no measured number outside a link (decimals, percentages, thousands)
    bare = re.sub(r"<a [^>]*>.*?</a>", "", summary)
    bare = re.sub(r"<[^>]+>", "", bare)
    assert not re.findall(r"\d+\.\d+|\d+%|\d{1,3}(?:,\d{3})+", bare), bare
    # and each cited value is the one in the published table
    tables = pd.concat(
        [pd.read_csv(p) for p in (built / "tables").glob("*.csv")], ignore_index=True
    )
    h = re.search(r'data-row="(af:H:k33:t2:national)"[^>]*>([\d.]+)%', summary)
    assert h is not None
    value = tables.loc[tables["row_id"] == h.group(1), "estimate"].iloc[0]
    assert f"{100 * value:.1f}" == h.group(2)


def test_early_warning_outlook_is_drawn(built: Path) -> None:
    page = (built / "review.html").read_text(encoding="utf-8")
    assert "Early-warning outlook" in page and 'id="row-ew_3aKenya"' in page
    outlook = pd.read_csv(built / "tables" / "outlook.csv")
    assert outlook["unit"].tolist() == ["Kenya"] and outlook["model"].tolist() == ["hist_12"]


def test_early_warning_block_is_checked_first(tmp_path: Path) -> None:
    review = _small_review(tmp_path)
    review.write_text(review.read_text().replace("units: [Kenya]", "units: [Kenia]"))
    res = runner.invoke(app, ["review", str(review), "--out", str(tmp_path / "out"), "--no-pdf"])
    assert res.exit_code == 2 and "Kenia (did you mean Kenya?)" in res.output
    assert not (tmp_path / "out").exists()


def test_pdf(tmp_path: Path) -> None:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        pytest.skip(f"WeasyPrint cannot run here: {exc}")
    review = _small_review(tmp_path)
    text = review.read_text().split("survey:")[0]  # area data only: a fast build
    text += review.read_text().split("area_data:", 1)[1].join(["area_data:", ""])
    review.write_text(text.replace("strategies: {top: 2}\n", ""))
    res = runner.invoke(app, ["review", str(review), "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    pdf = (tmp_path / "out" / "review.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000


def test_bad_review_file_lists_every_problem_before_any_work(tmp_path: Path) -> None:
    review = _small_review(tmp_path)
    pd.DataFrame(
        {"code": ["KE001", "KE999", "XX1"], "county": ["a", "b", "c"], "poverty": [1, 2, 3]}
    ).to_csv(
        tmp_path / "counties.csv", index=False
    )  # no 'water' column, two codes without boundaries
    text = review.read_text()
    text = text.replace("data: survey.csv", "data: nowhere.csv")
    text = text.replace("{indicator: c.poverty, title: Poverty (%)}", "{indicator: c.povrty}")
    review.write_text(text + "surprise: 1\n")
    out = tmp_path / "out"
    res = runner.invoke(app, ["review", str(review), "--out", str(out)])
    assert res.exit_code == 2
    message = res.output
    for expected in (
        "survey.data: file not found",
        "area_data[0] (c).indicators: Column(s) not found",
        "'water'",
        "area_data[0] (c).area: 2 area(s) without boundaries in KEN-adm1: ['KE999', 'XX1']",
        "maps[0].indicator",
        "'povrty' (did you mean 'poverty'?)",
        "surprise: unknown section",
    ):
        assert expected in message, message
    assert not out.exists()  # nothing computed, nothing written


def test_demo_review_file_is_valid_and_needs_no_shared_data() -> None:
    from humsec.review.spec import load_review

    path = Path(__file__).parents[2] / "examples" / "demo-review.yaml"
    spec = load_review(path)
    assert spec.survey is not None and len(spec.areas) == 4 and spec.responses is not None
    for _, p in spec.inputs():
        assert "shared" not in p.parts


def test_every_table_fits_the_printed_page(tmp_path: Path) -> None:
    """Lay the page out for print (A4) and check no table, cell or chart runs past the right margin."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        pytest.skip(f"WeasyPrint cannot run here: {exc}")
    review = _small_review(tmp_path)  # looser disclosure rules: the wide strategies table is filled
    review.write_text(
        review.read_text().replace(f"min_n: {MIN_N}, flag_n: 400", "min_n: 30, flag_n: 60")
    )
    res = runner.invoke(app, ["review", str(review), "--out", str(tmp_path / "out"), "--no-pdf"])
    assert res.exit_code == 0, res.output
    page = (tmp_path / "out" / "review.html").read_text(encoding="utf-8")
    assert 'id="row-rs_3a' in page  # a strategies row is there, or the test proves little
    doc = weasyprint.HTML(string=page).render()

    def boxes(box: object) -> list[object]:
        return [box, *(b for c in getattr(box, "children", None) or [] for b in boxes(c))]

    over, kinds = [], set()
    for number, page_box in enumerate((p._page_box for p in doc.pages), start=1):
        right = page_box.margin_width() - page_box.margin_right
        for b in boxes(page_box):
            kind = type(b).__name__  # tables and cells, and the charts (inline SVG: replaced boxes)
            kinds.add(kind)
            if kind in ("TableBox", "TableCellBox") or kind.endswith("ReplacedBox"):
                excess = b.position_x + b.margin_width() - right
                if excess > 1:
                    over.append((number, b.element_tag, round(excess)))
    assert not over, over[:5]
    assert any(kind.endswith("ReplacedBox") for kind in kinds), "no chart was laid out"
