"""An area file's cells marked missing ('n.a.', '..', empty) are said in the review and shown as
n.a. (issue 19: a review cell ``n.a.`` was published as a blank); any other text is an error naming
the file, column and line, and nothing is written."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from humsec.cli.main import app
from humsec.datasets.places import load_boundaries

runner = CliRunner()


def _review(folder: Path, poverty: list[str]) -> Path:
    geo = load_boundaries("KEN-adm1")
    names = [str(f["properties"]["adm1_name"]) for f in geo["features"]][: len(poverty)]
    (folder / "b.geojson").write_text(json.dumps(geo), encoding="utf-8")
    pd.DataFrame({"county": names, "poverty": poverty, "water": [50.0 + i for i in range(len(poverty))]}).to_csv(
        folder / "counties.csv", index=False
    )
    path = folder / "review.yaml"
    path.write_text(
        """title: Missing cells
country: Kenya
boundaries: {file: b.geojson, key: adm1_name}
area_data:
  - {id: c, file: counties.csv, area: county, name: county, indicators: {poverty: Poverty (%), water: Water (%)}}
maps: [{indicator: c.poverty, title: Poverty (%)}]
""",
        encoding="utf-8",
    )
    return path


def test_marked_cells_are_noted_and_shown_as_na(tmp_path: Path) -> None:
    review = _review(tmp_path, ["27.1", "n.a.", "46.4", "..", "20.5", "", "33.0", "41.2"])
    res = runner.invoke(app, ["review", str(review), "--out", str(tmp_path / "out"), "--no-pdf"])
    assert res.exit_code == 0, res.output
    table = pd.read_csv(tmp_path / "out" / "tables" / "area_c.csv")
    assert table["poverty"].isna().sum() == 3 and table["poverty"].notna().sum() == 5
    page = (tmp_path / "out" / "review.html").read_text(encoding="utf-8")
    assert "counties.csv, column &#39;poverty&#39;: 3 cell(s) marked missing (&#39;..&#39;, &#39;n.a.&#39;, empty), published as n.a." in page
    area_table = page.split('<tr id="row-area_3ac_3a', 1)[1].split("</table>", 1)[0]
    assert area_table.count('<td class="n">n.a.</td>') == 3


def test_a_cell_that_is_not_a_number_is_an_error_naming_file_column_and_line(tmp_path: Path) -> None:
    review = _review(tmp_path, ["27.1", "n.a.", "46,4%", "20.5"])
    res = runner.invoke(app, ["review", str(review), "--out", str(tmp_path / "out"), "--no-pdf"])
    assert res.exit_code == 2, res.output
    assert "counties.csv, column 'poverty': expected numbers" in res.output
    assert "['46,4%'] at line(s) [4]" in res.output
    assert not (tmp_path / "out").exists()


def test_a_pdf_that_cannot_be_printed_leaves_no_page_or_table(tmp_path: Path, monkeypatch) -> None:
    """Every output or none (issue 19): the PDF is the last output; its failure writes nothing."""
    import humsec.review.html as review_html
    from humsec.core.errors import HumsecError

    def broken(page: str, path: Path) -> None:
        raise HumsecError("the PDF engine is not installed")

    monkeypatch.setattr(review_html, "write_pdf", broken)
    review = _review(tmp_path, ["27.1", "30.2", "46.4", "20.5"])
    res = runner.invoke(app, ["review", str(review), "--out", str(tmp_path / "out")])
    assert res.exit_code == 2 and "the PDF engine is not installed" in res.output
    assert not (tmp_path / "out" / "review.html").exists()
    assert not list((tmp_path / "out").rglob("*.csv"))
