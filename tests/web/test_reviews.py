"""Country reviews: versions built by humsec's report builder, kept, published; inputs checked
(paths, types, sizes) before the library reads them; reports served sandboxed."""

from __future__ import annotations

import gzip
import io
import zipfile

import pandas as pd
import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from scipy import stats

from humsec_web.reviews.models import CountryReview, ReviewVersion
from humsec_web.reviews.versions import new_version
from tests.web.conftest import REVIEW_YAML, census_csv, review_uploads
from tests.web.ownership_world import own_fixture  # noqa: F401 (the fixture `own`)

pytestmark = pytest.mark.django_db
YAML = REVIEW_YAML.read_text(encoding="utf-8")


def _tables(version: ReviewVersion) -> dict[str, pd.DataFrame]:
    with version.tables_zip.open("rb") as fh, zipfile.ZipFile(io.BytesIO(fh.read())) as z:
        return {n.split("/")[-1]: pd.read_csv(z.open(n)) for n in z.namelist()}


def test_built_report_matches_the_uploaded_data(world):
    version = world.cod_version
    assert version.state == "done" and version.finished_at is not None
    source = pd.read_csv(io.BytesIO(census_csv()))
    tables = _tables(version)
    # the published county table holds the uploaded numbers, county by county
    area = tables["area_census.csv"].set_index("area")
    src = source.set_index("adm1_pcode")
    assert len(area) == 47
    pd.testing.assert_series_equal(
        area["pct_hh_open_defecation"], src.loc[area.index, "pct_hh_open_defecation"], check_names=False
    )
    # the correlation across counties equals scipy's Spearman on the same columns
    r = tables["area_correlations.csv"]["r"].iloc[0]
    expected = stats.spearmanr(source["pct_hh_open_defecation"], source["pct_hh_surface_water"]).statistic
    assert r == pytest.approx(expected, abs=1e-12)
    # the report names the county with the highest rate, as the data say
    top = source.loc[source["pct_hh_open_defecation"].idxmax(), "adm1_name"]
    page = version.report_html.open("rb").read().decode()
    assert "Kenya county services (platform test)" in page and top in page
    assert top in version.log and "report built" in version.log


def test_report_is_served_sandboxed_and_pdf_when_asked(as_role, world, own):
    # ``own`` declares the published KEN review's census public (KNBS's published table)
    client = as_role("public")
    response = client.get(f"/reviews/versions/{world.ken_version.pk}/report/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"Kenya county services" in b"".join(response.streaming_content)
    if world.ken_version.report_pdf:
        pdf = client.get(f"/reviews/versions/{world.ken_version.pk}/report.pdf")
        assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
        assert "attachment" in pdf["Content-Disposition"]


def test_each_upload_is_a_new_version_and_old_ones_stay(as_role, world, django_capture_on_commit_callbacks):
    client = as_role("country_team")
    review = world.cod_version.review
    old_report = world.cod_version.report_html.open("rb").read()
    changed = YAML.replace("platform test", "second version")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/reviews/{review.pk}/versions/new/",
            {"review_file": SimpleUploadedFile("review.yaml", changed.encode()), "keep_files": "on",
             "note": "new title"},
        )  # fmt: skip
    assert response.status_code == 302, response.content[:2000]
    v2 = review.versions.get(number=2)
    assert v2.state == "done", v2.log
    assert "second version" in v2.report_html.open("rb").read().decode()
    # the data file was kept from version 1 (same stored file, same hash), the review file replaced
    names = {f.name: f for f in v2.files.all()}
    assert set(names) == {"review.yaml", "census.csv"}
    assert names["census.csv"].sha256 == world.cod_version.files.get(name="census.csv").sha256
    # version 1 is unchanged and both are listed
    world.cod_version.refresh_from_db()
    assert world.cod_version.report_html.open("rb").read() == old_report
    page = client.get(f"/reviews/{review.pk}/").content.decode()
    assert f"/reviews/versions/{v2.pk}/" in page and f"/reviews/versions/{world.cod_version.pk}/" in page


def test_a_version_in_french_with_its_brief_and_slides(as_role, world, django_capture_on_commit_callbacks):
    """The version's language writes the report, brief and slides in it; the brief and slides are
    offered on the version page and read under the report's access rules; the tables are the
    same numbers as in the English version."""
    from pptx import Presentation

    from tests.web.conftest import pdf_usable

    client = as_role("country_team")
    review = world.cod_version.review
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/reviews/{review.pk}/versions/new/",
            {"keep_files": "on", "note": "en français", "language": "fr", **({"with_pdf": "on"} if pdf_usable() else {})},
        )  # fmt: skip
    assert response.status_code == 302, response.content[:2000]
    version = review.versions.get(number=2)
    assert version.state == "done" and version.language == "fr", version.log
    page = version.report_html.open("rb").read().decode()
    assert '<html lang="fr" dir="ltr">' in page and "Cartes : où l'insécurité se concentre" in page
    assert _tables(version).keys() == _tables(world.cod_version).keys()
    for name, table in _tables(version).items():
        pd.testing.assert_frame_equal(table, _tables(world.cod_version)[name])
    detail = client.get(f"/reviews/versions/{version.pk}/").content.decode()
    assert ">Français</dd>" in detail and f"/reviews/versions/{version.pk}/slides.pptx" in detail
    slides = client.get(f"/reviews/versions/{version.pk}/slides.pptx")
    assert slides.status_code == 200 and "attachment" in slides["Content-Disposition"]
    deck = Presentation(io.BytesIO(b"".join(slides.streaming_content)))
    assert "Cartes : où l'insécurité se concentre" in [s.shapes.title.text for s in deck.slides if s.shapes.title]
    if pdf_usable():
        brief = client.get(f"/reviews/versions/{version.pk}/brief.pdf")
        assert b"".join(brief.streaming_content).startswith(b"%PDF-")
    else:
        assert not version.brief_pdf
    # a reader not cleared for the report's class gets neither the brief nor the slides
    assert as_role("public").get(f"/reviews/versions/{version.pk}/slides.pptx").status_code in (302, 403)


def test_a_new_review_from_the_page(as_role, django_capture_on_commit_callbacks):
    client = as_role("country_team")
    # a country team starts reviews of its own country only
    page = client.get("/reviews/new/").content.decode()
    assert 'value="COD"' in page and 'value="KEN"' not in page
    form = {"title": "DRC review", "country": "COD", "review_file": SimpleUploadedFile("r.yml", YAML.encode()),
            "data_files": [SimpleUploadedFile("census.csv", census_csv())], "note": "first",
            "sensitivity": "public", "owner": "KNBS", "licence": "cc-by-4.0"}  # fmt: skip
    refused = client.post("/reviews/new/", {**form, "country": "KEN"})
    assert refused.status_code == 200 and "country" in refused.context["form"].errors
    form["review_file"].seek(0)
    form["data_files"][0].seek(0)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reviews/new/", form)
    assert response.status_code == 302
    version = CountryReview.objects.get(title="DRC review").versions.get()
    assert version.number == 1 and version.state == "done", version.log
    assert not version.report_pdf  # not asked for


@pytest.mark.parametrize(
    "path",
    ["../../secret_key", "/etc/passwd", "inputs/census.csv", "humsec:../secret", "..", "other.csv"],
)
def test_review_file_may_only_name_its_own_files(world, path):
    text = YAML.replace("file: census.csv", f"file: {path}")
    team = User.objects.get(username="country_cod")
    before = ReviewVersion.objects.count()
    with pytest.raises(ValidationError, match=r"area_data\[0\]\.file"):
        new_version(world.cod_version.review, team, **review_uploads(text))
    assert ReviewVersion.objects.count() == before


def test_early_warning_panel_must_be_the_shipped_one(world):
    text = YAML + "early_warning: {data: /etc/passwd}\n"
    with pytest.raises(ValidationError, match=r"early_warning\.data"):
        new_version(world.cod_version.review, None, **review_uploads(text))


@pytest.mark.parametrize(
    ("name", "content", "accepted"),
    [
        ("census.csv", b"a,b\n1,2\n", True),
        ("census.csv.gz", gzip.compress(b"a,b\n1,2\n"), True),
        ("tool.exe", b"MZ\x90\x00", False),
        ("census.csv", b"a,b\x00\n", False),  # NUL bytes: not text
        ("census.xlsx", b"not a zip", False),
        ("census.csv.gz", b"plain text", False),
        (".census.csv", b"a,b\n", False),  # names are plain (Django drops folders itself)
        ("my data.csv", b"a,b\n", False),
    ],
)
def test_data_files_are_limited_by_name_type_and_content(world, name, content, accepted):
    from humsec_web.reviews.inputs import validate_data_file

    upload = SimpleUploadedFile(name, content)
    if accepted:
        assert len(validate_data_file(upload)) == 64
    else:
        with pytest.raises(ValidationError):
            validate_data_file(upload)


def test_data_files_are_limited_in_size_and_unpacked_size(settings):
    from humsec_web.reviews.inputs import validate_data_file

    settings.MAX_DATASET_BYTES = 100
    with pytest.raises(ValidationError, match="over the limit"):
        validate_data_file(SimpleUploadedFile("big.csv", b"a\n" * 100))
    settings.MAX_DATASET_BYTES = 10**6
    settings.MAX_DATASET_UNPACKED_BYTES = 10**5
    bomb = gzip.compress(b"0" * 10**6)  # a few kB that unpack to 1 MB
    assert len(bomb) < 10**5
    with pytest.raises(ValidationError, match="unpacks to more"):
        validate_data_file(SimpleUploadedFile("bomb.csv.gz", bomb))


def test_a_failed_build_says_what_to_fix_without_server_paths(world, django_capture_on_commit_callbacks):
    text = YAML.replace("pct_hh_surface_water: Households", "pct_hh_no_such_column: Households")
    with django_capture_on_commit_callbacks(execute=True):
        version = new_version(world.cod_version.review, None, **review_uploads(text))
    version.refresh_from_db()
    assert version.state == "failed"
    assert "pct_hh_no_such_column" in version.log and "area_data[0]" in version.log
    assert "/tmp" not in version.log and "humsec-review-" not in version.log
    assert not version.report_html


def test_user_text_is_escaped_in_pages_and_report(as_role, world, django_capture_on_commit_callbacks):
    evil = "<script>alert(1)</script>"
    text = YAML.replace('"Kenya county services (platform test)"', f'"{evil}"')
    with django_capture_on_commit_callbacks(execute=True):
        version = new_version(world.cod_version.review, None, note=evil, **review_uploads(text))
    version.refresh_from_db()
    assert version.state == "done", version.log
    assert evil not in version.report_html.open("rb").read().decode()
    page = as_role("hsu").get(f"/reviews/versions/{version.pk}/").content.decode()
    assert evil not in page and "&lt;script&gt;" in page


def test_publishing_makes_a_version_public_once_signed_off(as_role, world, own):
    """Publishing is the last step of national ownership (test_ownership.py has the whole road):
    refused before the counterpart's sign-off, then the version and its review are public."""
    visitor = as_role("public")
    url = f"/reviews/versions/{world.cod_version.pk}/"
    assert visitor.get(url).status_code == 403
    team = as_role("country_team")
    assert team.post(url + "publish/").status_code == 403  # a draft: not signed off
    from humsec_web.reviews import publication

    pub = publication.publication_of(world.cod_version)
    publication.move(pub.pk, User.objects.get(username="country_cod"), "share")
    publication.move(pub.pk, own.gov_cod, "sign_off", signer_name="A. Mbuyi")
    assert as_role("country_team").post(url + "publish/").status_code == 302
    visitor = as_role("public")
    assert visitor.get(url).status_code == 200
    assert visitor.get(f"/reviews/{world.cod_version.review_id}/").status_code == 200
    # the inputs stay private
    item = world.cod_version.files.first()
    assert visitor.get(f"/reviews/files/{item.pk}/").status_code == 403


def test_api_upload_builds_a_version(client, world, django_capture_on_commit_callbacks):
    from rest_framework.authtoken.models import Token

    token = Token.objects.get_or_create(user=User.objects.get(username="country_cod"))[0].key
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    review = client.post("/api/reviews/", {"title": "API review", "country": "COD"}, **auth).json()
    assert client.post("/api/reviews/", {"title": "x", "country": "KEN"}, **auth).status_code == 400
    upload = review_uploads()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/reviews/{review['id']}/versions/",
            {"review_file": upload["review_upload"], "data_files": upload["data_uploads"], "with_pdf": "false",
             "sensitivity": "public", "owner": "KNBS", "licence": "cc-by-4.0"},
            **auth,
        )
    assert response.status_code == 201, response.content
    body = client.get(f"/api/review-versions/{response.json()['id']}/", **auth).json()
    assert body["number"] == 1 and body["state"] == "done" and body["report_url"]
    assert sorted(f["name"] for f in body["files"]) == ["census.csv", "review.yaml"]
    bad = client.post(f"/api/reviews/{review['id']}/versions/",
                      {"review_file": SimpleUploadedFile("r.yaml", b"title: t\narea_data:\n  - {file: /etc/passwd}\n")},
                      **auth)  # fmt: skip
    assert bad.status_code == 400 and "review_file" in bad.json()["error"]["fields"]
