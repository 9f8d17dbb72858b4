"""Review bookkeeping (issue 21, defect 9): a user's boundary file is cited by its name (never "shipped
with humsec"), Methods names only the methods the review used, area names that do not match the
boundaries get suggestions and a name map (``boundaries: {names: ...}``), and country names are
suggested by ISO 3166 code (``DR Congo`` -> the Democratic Republic of the Congo, not ``Congo``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from humsec.cli.main import app
from humsec.core.errors import SpecError
from humsec.datasets.places import country_iso3, load_boundaries, suggest_names
from humsec.review.spec import load_review

runner = CliRunner()

# areas keyed by county NAME, as a user's table often is; two spelt otherwise than the boundaries
COUNTIES = {
    "Mombasa": (27.1, 55.6),
    "Kwale": (47.4, 56.2),
    "Kilifi": (46.4, 71.0),
    "Turkana": (79.4, 40.0),
    "Tharaka Nithi": (20.5, 60.0),  # boundaries: 'Tharaka-Nithi'
    "Muranga": (25.1, 65.0),  # boundaries: 'Murang`a'
    "Newtown": (30.0, 50.0),  # no feature at all
}


def _area_review(folder: Path, boundaries: str) -> Path:
    geo = load_boundaries("KEN-adm1")
    (folder / "my_counties.geojson").write_text(json.dumps(geo), encoding="utf-8")
    pd.DataFrame(
        {
            "county": list(COUNTIES),
            "poverty": [v[0] for v in COUNTIES.values()],
            "water": [v[1] for v in COUNTIES.values()],
        }
    ).to_csv(folder / "counties.csv", index=False)
    path = folder / "review.yaml"
    path.write_text(
        f"""title: Names
country: Kenya
boundaries: {boundaries}
area_data:
  - {{id: c, file: counties.csv, area: county, name: county, indicators: {{poverty: Poverty (%), water: Water (%)}}}}
maps: [{{indicator: c.poverty, title: Poverty (%)}}]
area_links: {{indicators: [c.poverty, c.water]}}
""",
        encoding="utf-8",
    )
    return path


def test_unmatched_area_names_get_suggestions_and_the_mapping_option(tmp_path: Path) -> None:
    review = _area_review(tmp_path, "{file: my_counties.geojson, key: adm1_name}")
    with pytest.raises(SpecError) as err:
        load_review(review)
    message = str(err.value)
    assert "3 area(s) without boundaries in my_counties.geojson" in message
    assert "'Tharaka Nithi' (did you mean 'Tharaka-Nithi'?)" in message
    assert "'Muranga' (did you mean 'Murang`a'?)" in message
    assert "boundaries: {names: {" in message  # the remedy is named
    assert str(tmp_path) not in message.split("\n", 1)[1]  # a user's file is named by its name


def test_name_map_is_checked(tmp_path: Path) -> None:
    review = _area_review(
        tmp_path,
        "{file: my_counties.geojson, key: adm1_name, names: {Muranga: Muranga_}, colour: red}",
    )
    with pytest.raises(SpecError) as err:
        load_review(review)
    message = str(err.value)
    assert "boundaries.names: 1 name(s) mapped to no feature" in message
    assert "'Muranga_' (did you mean 'Murang`a'?)" in message
    assert "boundaries: unknown key(s) ['colour']" in message


@pytest.fixture(scope="module")
def mapped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("names")
    review = _area_review(
        folder,
        "{file: my_counties.geojson, key: adm1_name, "
        "names: {Tharaka Nithi: Tharaka-Nithi, Muranga: Murang`a, Newtown: null}}",
    )
    res = runner.invoke(app, ["review", str(review), "--out", str(folder / "out"), "--no-pdf"])
    assert res.exit_code == 0, res.output
    return folder / "out"


def test_name_map_joins_the_areas_to_the_boundaries(mapped: Path) -> None:
    area = pd.read_csv(mapped / "tables" / "area_c.csv")
    assert {"Tharaka-Nithi", "Murang`a", "Newtown"} <= set(area["area"])
    row = area[area["area"] == "Tharaka-Nithi"].iloc[0]
    assert row["poverty"] == 20.5 and row["area_name"] == "Tharaka Nithi"
    page = (mapped / "review.html").read_text(encoding="utf-8")
    assert "1 area(s) of &#39;c&#39; have no boundary feature and are left off the maps" in page


def test_user_boundaries_are_cited_by_file_name_not_as_shipped(mapped: Path) -> None:
    page = (mapped / "review.html").read_text(encoding="utf-8")
    assert "shipped with humsec" not in page
    assert "Boundaries: <code>my_counties.geojson</code>" in page
    assert "<td>boundaries</td><td><code>my_counties.geojson</code>" in page  # with its sha256


def test_methods_name_only_what_the_review_used(mapped: Path) -> None:
    methods = (mapped / "review.html").read_text(encoding="utf-8").split("<h3>Methods</h3>", 1)[1]
    methods = methods.split("</ul>", 1)[0]
    for absent in ("Alkire-Foster", "Who is left behind", "Strategies", "docs/af.md", "Responses"):
        assert absent not in methods
    assert "Spearman correlations of area indicators" in methods


def test_builtin_boundaries_are_called_shipped(tmp_path: Path) -> None:
    spec = load_review(_area_review(tmp_path, "{name: KEN-adm1, key: adm1_name, names: "
                                              "{Tharaka Nithi: Tharaka-Nithi, Muranga: Murang`a, Newtown: null}}"))  # fmt: skip
    assert spec.builtin_boundaries and spec.boundaries_label == "KEN-adm1"
    assert all(what != "boundaries" for what, _ in spec.inputs())


@pytest.mark.parametrize(
    ("name", "iso3"),
    [("DR Congo", "COD"), ("DRC", "COD"), ("DR Congo (Zaire)", "COD"), ("Congo", "COG"),
     ("Democratic Republic of the Congo", "COD"), ("Côte d’Ivoire", "CIV"), ("Kenya", "KEN"),
     ("Myanmar (Burma)", "MMR"), ("Tanzania", "TZA"), ("Kampala", None)],
)  # fmt: skip
def test_country_names_resolve_to_iso3(name: str, iso3: str | None) -> None:
    assert country_iso3(name) == iso3


def test_country_suggestions_use_the_iso_code_not_the_spelling() -> None:
    ucdp = ["Congo", "DR Congo (Zaire)", "Kenya", "Myanmar (Burma)", "Uganda"]
    assert suggest_names("DR Congo", ucdp) == ["DR Congo (Zaire)"]
    assert suggest_names("Democratic Republic of the Congo", ucdp) == ["DR Congo (Zaire)"]
    assert suggest_names("Burma", ucdp) == ["Myanmar (Burma)"]
    assert suggest_names("Kenia", ucdp) == ["Kenya"]  # not a country name: the nearest spelling
    assert suggest_names("Luwero", ["Luweero", "Lwengo"]) == ["Luweero"]
