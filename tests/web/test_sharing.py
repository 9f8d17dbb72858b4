"""Datasets and sharing terms: every uploaded data file gets a class, owner, licence and terms;
downloads and API reads are checked and logged; a review's published tables inherit the strictest
class of their inputs unless disclosure control cleared them."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.web.conftest import REVIEW_YAML, census_csv
from tests.web.ownership_world import own_fixture  # noqa: F401 (the fixture `own`)

ROLES = ["administrator", "hsu", "focal_point", "country_team", "reviewer", "counterpart", "public", "anonymous"]


class FakeUser:
    """A user as the clearance rule sees it (role, country, id), without the database."""

    def __init__(self, role: str, country: str, pk: int) -> None:
        self.role, self.country, self.pk = role, country, pk
        self.is_authenticated = role != "anonymous"


@given(
    role=st.sampled_from(ROLES), country=st.sampled_from(["COD", "KEN", ""]),
    data_country=st.sampled_from(["COD", "KEN", ""]), uploader=st.booleans(), granted=st.booleans(),
)  # fmt: skip
@settings(max_examples=40, deadline=None)
def test_clearance_is_monotone_in_the_class(role, country, data_country, uploader, granted):
    """Cleared for a class means cleared for every lower class; public is everyone's, strictly
    confidential only the uploader's and the grantees'."""
    from humsec_web import permissions
    from humsec_web.sharing.access import cleared
    from humsec_web.sharing.classes import CODES

    user = FakeUser(role, country, 7)
    kw = {"country": data_country, "uploader_id": 7 if uploader else 1, "grantee_ids": [7] if granted else []}
    with pytest.MonkeyPatch.context() as mp:  # the rule sees the fake role and country
        mp.setattr(permissions, "role_of", lambda u: u.role)
        mp.setattr(permissions, "country_of", lambda u: u.country)
        ok = [cleared(user, code, **kw) for code in CODES]
    assert ok[0] is True
    assert all(ok[i] >= ok[i + 1] for i in range(len(ok) - 1)), ok
    assert ok[3] == ((uploader or granted) and role != "anonymous")


def test_refused_download_is_logged_with_a_clear_reason_and_a_permitted_one_too(as_role, own):
    from humsec_web.sharing.models import AccessLog

    reviewer = as_role("reviewer")
    r = reviewer.get(f"/datasets/{own.confidential_ds.pk}/download/")
    assert r.status_code == 403
    text = r.content.decode()
    assert "confidential.csv is confidential data" in text and "Ask its owner" in text
    row = AccessLog.objects.filter(dataset=own.confidential_ds).latest("at")
    assert (row.allowed, row.role, row.via, row.user.username) == (False, "reviewer", "page", "reviewer1")
    team = as_role("country_team")
    r = team.get(f"/datasets/{own.confidential_ds.pk}/download/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"a,b\n1,2\n"
    row = AccessLog.objects.filter(dataset=own.confidential_ds).latest("at")
    assert (row.allowed, row.role, row.user.username) == (True, "country_team", "country_cod")
    # the uploader reads the log on the dataset's page; the country team does not
    assert b"access-log" not in team.get(f"/datasets/{own.confidential_ds.pk}/").content
    assert b"access-log" in as_role("focal_point").get(f"/datasets/{own.confidential_ds.pk}/").content


def test_api_reads_and_downloads_are_checked_and_logged(as_role, own):
    from humsec_web.sharing.models import AccessLog

    api = as_role("reviewer")
    meta = api.get(f"/api/datasets/{own.confidential_ds.pk}/").json()
    assert meta["sensitivity"] == "confidential" and meta["cleared"] is False and meta["owner"] == "Test owner"
    r = api.get(meta["download_url"])
    assert r.status_code == 403 and "confidential" in r.json()["error"]["message"]
    vias = list(AccessLog.objects.filter(dataset=own.confidential_ds).values_list("via", "allowed"))
    assert ("api", True) in vias and ("api_download", False) in vias
    # strictly confidential data of someone else are not even listed
    ids = {d["id"] for d in api.get("/api/datasets/?limit=200").json()["results"]}
    assert own.strict_ds.pk not in ids and own.restricted_ds.pk in ids


def test_dataset_upload_asks_for_terms_and_stores_them(as_role, own):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from humsec_web.sharing.models import Dataset

    focal = as_role("focal_point")
    before = Dataset.objects.count()
    r = focal.post("/datasets/new/", {"file": SimpleUploadedFile("needs.csv", b"area,pin\nIturi,10\n"),
                                      "sensitivity": "restricted", "owner": "WVI", "licence": "agreement"})  # fmt: skip
    assert r.status_code == 200 and b"need their terms of use" in r.content
    assert Dataset.objects.count() == before  # nothing stored
    r = focal.post("/datasets/new/", {"file": SimpleUploadedFile("needs.csv", b"area,pin\nIturi,10\n"),
                                      "sensitivity": "strictly_confidential", "owner": "WVI", "licence": "agreement",
                                      "terms": "Protection monitoring; WVI staff only.", "country": "COD",
                                      "grantees": "focal_oim"})  # fmt: skip
    assert r.status_code == 302
    d = Dataset.objects.get(name="needs.csv")
    assert (d.sensitivity, d.owner, d.licence, d.country) == ("strictly_confidential", "WVI", "agreement", "COD")
    assert [u.username for u in d.grantees.all()] == ["focal_oim"]
    assert as_role("hsu").get(f"/datasets/{d.pk}/download/").status_code == 403  # not the HSU either
    r = focal.post("/datasets/new/", {"file": SimpleUploadedFile("x.exe", b"MZ\x90"), "sensitivity": "public",
                                      "owner": "X", "licence": "cc-by-4.0", "grantees": "nobody_here"})  # fmt: skip
    assert b"No active user named nobody_here" in r.content and b"not accepted" in r.content


def _upload(review, user, sensitivity):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    from humsec_web.reviews.versions import new_version
    from humsec_web.sharing.store import Terms

    return new_version(
        review, user, review_upload=SimpleUploadedFile("review.yaml", REVIEW_YAML.read_bytes()),
        data_uploads=[SimpleUploadedFile("census.csv", census_csv())], with_pdf=False,
        terms=Terms(sensitivity, "KNBS", "agreement", "Research use."),
    )  # fmt: skip


def _zip_names(content: bytes) -> list[str]:
    return sorted(zipfile.ZipFile(io.BytesIO(content)).namelist())


def test_published_tables_inherit_the_strictest_class_unless_cleared(as_role, own, django_capture_on_commit_callbacks):
    """Hand-worked: the small review reads one file, census.csv; its area table (an aggregate, no
    disclosure control test) inherits census.csv's class; the report shows it, so it does too."""
    from django.contrib.auth.models import User

    from humsec_web.reviews import publication
    from humsec_web.reviews.models import CountryReview

    team = User.objects.get(username="country_cod")
    review = CountryReview.objects.create(title="COD confidential census", country="COD", created_by=team)
    with django_capture_on_commit_callbacks(execute=True):  # the build runs once the upload commits
        version = _upload(review, team, "confidential")
    version.refresh_from_db()
    assert version.state == "done", version.log
    by_key = {t["key"]: t for t in version.table_classes}
    assert by_key["area_census"]["inputs"] == ["census.csv"]
    assert by_key["area_census"]["sensitivity"] == "confidential" and not by_key["area_census"]["cleared"]
    for t in version.table_classes:
        # every table: public when disclosure control cleared it or when it is made only from data
        # shipped with humsec (no uploaded input), else the class of census.csv
        expected = "public" if t["kind"] in ("estimates", "counts") or not t["inputs"] else "confidential"
        assert t["sensitivity"] == expected, t
        assert t["inputs"] in ([], ["census.csv"]), t
    assert version.report_sensitivity == "confidential"
    assert "report sensitivity: confidential" in version.log
    # signed off and published: the text is public, but the confidential report and tables are not
    pub = publication.publication_of(version)
    publication.move(pub.pk, team, "share")
    publication.move(pub.pk, own.gov_cod, "sign_off", signer_name="A. Mbuyi")
    publication.move(pub.pk, team, "publish")
    visitor = as_role("public")
    assert visitor.get(f"/reviews/versions/{version.pk}/").status_code == 200
    r = visitor.get(f"/reviews/versions/{version.pk}/report/")
    assert r.status_code == 403 and b"confidential data" in r.content
    cleared_keys = [t["key"] for t in version.table_classes if t["sensitivity"] == "public"]
    r = visitor.get(f"/reviews/versions/{version.pk}/tables.zip")
    if cleared_keys:
        assert r.status_code == 200
        names = _zip_names(r.content)
        assert "tables/area_census.csv" not in names and "tables/LEFT_OUT.txt" in names
    else:
        assert r.status_code == 403
    # the counterpart of COD is cleared for COD's confidential data: the whole zip
    counterpart = as_role("public")
    counterpart.force_login(own.gov_cod)
    assert counterpart.get(f"/reviews/versions/{version.pk}/report/").status_code == 200
    names = _zip_names(counterpart.get(f"/reviews/versions/{version.pk}/tables.zip").content)
    assert "tables/area_census.csv" in names and "tables/LEFT_OUT.txt" not in names


def test_public_inputs_make_a_public_report(own, django_capture_on_commit_callbacks):
    from django.contrib.auth.models import User

    from humsec_web.reviews.models import CountryReview

    hsu = User.objects.get(username="hsu")
    review = CountryReview.objects.create(title="KEN public census", country="KEN", created_by=hsu)
    with django_capture_on_commit_callbacks(execute=True):
        version = _upload(review, hsu, "public")
    version.refresh_from_db()
    assert version.report_sensitivity == "public"
    f = version.files.get(name="census.csv")
    assert f.dataset.sensitivity == "public" and f.dataset.owner == "KNBS" and f.dataset.country == "KEN"
    # a new version that keeps the file keeps its terms (the same dataset)
    from humsec_web.reviews.versions import new_version

    v2 = new_version(review, hsu, base=version, with_pdf=False)
    assert v2.files.get(name="census.csv").dataset_id == f.dataset_id


def test_review_upload_without_terms_for_its_data_is_refused_and_nothing_is_stored(as_role, own):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from humsec_web.reviews.models import CountryReview
    from humsec_web.sharing.models import Dataset

    team = as_role("country_team")
    n_reviews, n_data = CountryReview.objects.count(), Dataset.objects.count()
    r = team.post("/reviews/new/", {
        "title": "No terms", "country": "COD", "review_file": SimpleUploadedFile("review.yaml", REVIEW_YAML.read_bytes()),
        "data_files": SimpleUploadedFile("census.csv", census_csv()), "sensitivity": "confidential",
    })  # fmt: skip
    assert r.status_code == 200
    text = r.content.decode()
    assert "Choose the licence" in text and "Name the owner" in text
    assert (CountryReview.objects.count(), Dataset.objects.count()) == (n_reviews, n_data)
    # the API says the same, field by field
    r = team.post(f"/api/reviews/{own.cod_draft.review_id}/versions/", {
        "data_files": [SimpleUploadedFile("census.csv", census_csv())], "sensitivity": "secret",
    })  # fmt: skip
    assert r.status_code == 400
    fields = r.json()["error"]["fields"]
    assert "sensitivity" in fields and "owner" in fields


def test_review_input_download_is_checked_against_its_class_and_logged(as_role, own):
    from humsec_web.sharing.models import AccessLog

    item = own.cod_shared.files.get(name="census.csv")
    item.dataset.sensitivity = "strictly_confidential"
    item.dataset.save()
    r = as_role("hsu").get(f"/reviews/files/{item.pk}/")
    assert r.status_code == 403 and b"strictly confidential" in r.content
    r = as_role("country_team").get(f"/reviews/files/{item.pk}/")  # country_cod uploaded it
    assert r.status_code == 200
    rows = AccessLog.objects.filter(dataset=item.dataset, via="review_input").order_by("at")
    assert [(x.role, x.allowed) for x in rows] == [("hsu", False), ("country_team", True)]


def test_reclassifying_a_dataset_reclassifies_the_versions_built_from_it(as_role, own):
    """A census raised from public to confidential after the build: the published KEN report built
    from it becomes confidential at once, and the public is refused it."""
    from humsec_web.reviews.models import ReviewVersion

    version = ReviewVersion.objects.filter(review__country="KEN", state="done").exclude(report_sensitivity="").first()
    assert version is not None and version.report_sensitivity == "public"  # ownership_world declared it public
    data = version.files.get(kind="data").dataset
    assert as_role("public").get(f"/reviews/versions/{version.pk}/report/").status_code == 200
    data.sensitivity = "confidential"
    data.save()
    version.refresh_from_db()
    assert version.report_sensitivity == "confidential"
    area = [t for t in version.table_classes if t["inputs"] and not t["cleared"]]
    assert area and all(t["sensitivity"] == "confidential" for t in area)
    r = as_role("public").get(f"/reviews/versions/{version.pk}/report/")
    assert r.status_code == 403 and b"confidential data" in r.content
    data.description = "only the description changes"
    data.save()  # the class is the same: nothing recomputed, nothing changed
    version.refresh_from_db()
    assert version.report_sensitivity == "confidential"
