"""Objects of national ownership and data sharing that access tests address by role (no tests here).

Built inside each test's transaction on top of the session's demo world (``conftest.World``):
government counterparts of COD and KEN, COD review versions at each step of the workflow (copies
of the built version 1, so no second build), outlooks, and one dataset of each sensitivity class.
The shipped Kenya census behind the published KEN review is declared public here (it is: KNBS's
published county table), so that review keeps being readable by everyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

COUNTERPART_USERS = {"counterpart": "gov_cod"}  # the role -> the user the access table signs in as


@dataclass
class OwnershipWorld:
    gov_cod: Any
    gov_ken: Any
    cod_draft: Any  # version 1 of the COD review: built, draft
    cod_shared: Any  # version 2: shared for comment, one open comment by gov_cod
    cod_signed: Any  # version 3: signed off by gov_cod, not published
    comment: Any  # gov_cod's open comment on cod_shared
    outlook_draft: Any  # COD
    outlook_shared: Any  # COD, shared for comment
    outlook_published: Any  # KEN, published
    public_ds: Any  # uploaded by focal_wvi
    restricted_ds: Any  # about COD, uploaded by focal_wvi
    confidential_ds: Any  # about COD, uploaded by focal_wvi
    strict_ds: Any  # about COD, uploaded by focal_oim, granted to nobody


def make_counterpart(username: str, country: str) -> Any:
    from django.contrib.auth.models import User

    from humsec_web.reviews.models import Counterpart

    user, _ = User.objects.get_or_create(username=username, defaults={"email": f"{username}@gov.example"})
    user.set_password("humsec-demo")
    user.save()
    Counterpart.objects.get_or_create(
        user=user, defaults={"country": country, "institution": "Ministry of Planning", "position": "Director"}
    )
    return user


def copy_version(version: Any, number: int) -> Any:
    """A built copy of ``version`` as version ``number`` (same stored report and files)."""
    from humsec_web.reviews.models import ReviewFile, ReviewVersion

    copy = ReviewVersion.objects.create(
        review=version.review, number=number, state="done", log=version.log, report_html=version.report_html.name,
        tables_zip=version.tables_zip.name, outline=version.outline, table_classes=version.table_classes,
        report_sensitivity=version.report_sensitivity, created_by=version.created_by, with_pdf=False,
    )  # fmt: skip
    for f in version.files.all():
        ReviewFile.objects.create(version=copy, kind=f.kind, name=f.name, file=f.file.name, size=f.size,
                                  sha256=f.sha256, dataset=f.dataset)  # fmt: skip
    return copy


def at_state(obj: Any, state: str, **fields: Any) -> Any:
    from humsec_web.reviews.publication import publication_of

    pub = publication_of(obj)
    for k, v in {"state": state, **fields}.items():
        setattr(pub, k, v)
    pub.save()
    return pub


def dataset(name: str, sensitivity: str, uploader: str, country: str = "COD") -> Any:
    from django.contrib.auth.models import User
    from django.core.files.base import ContentFile

    from humsec_web.sharing.models import Dataset

    d = Dataset(name=name, size=8, sha256="0" * 64, sensitivity=sensitivity, owner="Test owner",
                licence="agreement", terms="For the tests.", country=country,
                uploaded_by=User.objects.get(username=uploader))  # fmt: skip
    d.file.save(name, ContentFile(b"a,b\n1,2\n"), save=True)
    return d


def build_ownership_world(world: Any) -> OwnershipWorld:
    from django.contrib.auth.models import User
    from django.utils import timezone

    from humsec_web.reviews.classify import reclassify
    from humsec_web.reviews.models import Comment, Outlook

    gov_cod, gov_ken = make_counterpart("gov_cod", "COD"), make_counterpart("gov_ken", "KEN")
    for f in world.ken_version.files.filter(kind="data"):
        f.dataset.sensitivity = "public"
        f.dataset.save()
    reclassify(world.ken_version)
    shared, signed = copy_version(world.cod_version, 2), copy_version(world.cod_version, 3)
    pub = at_state(shared, "shared", shared_at=timezone.now())
    comment = Comment.objects.create(publication=pub, section="whole", section_title="The whole report",
                                     author=gov_cod, body="Please check the Ituri figures.")  # fmt: skip
    at_state(signed, "signed_off", signed_off_by=gov_cod, signer_name="A. Mbuyi", signed_off_at=timezone.now())
    team = User.objects.get(username="country_cod")
    outlooks = [
        Outlook.objects.create(country=c, title=f"{c} outlook {s}", period="2027-01 to 2027-03",
                               summary="Fatalities are forecast to rise in two provinces.", created_by=team)
        for c, s in (("COD", "draft"), ("COD", "shared"), ("KEN", "published"))
    ]  # fmt: skip
    at_state(outlooks[0], "draft")
    at_state(outlooks[1], "shared", shared_at=timezone.now())
    at_state(outlooks[2], "published", published_at=timezone.now())
    return OwnershipWorld(
        gov_cod=gov_cod, gov_ken=gov_ken, cod_draft=world.cod_version, cod_shared=shared, cod_signed=signed,
        comment=comment, outlook_draft=outlooks[0], outlook_shared=outlooks[1], outlook_published=outlooks[2],
        public_ds=dataset("open.csv", "public", "focal_wvi"),
        restricted_ds=dataset("restricted.csv", "restricted", "focal_wvi"),
        confidential_ds=dataset("confidential.csv", "confidential", "focal_wvi"),
        strict_ds=dataset("strict.csv", "strictly_confidential", "focal_oim"),
    )  # fmt: skip


@pytest.fixture(name="own")
def own_fixture(world) -> OwnershipWorld:  # type: ignore[no-untyped-def]
    """The ownership world as the fixture ``own`` (import ``own_fixture`` to use it)."""
    return build_ownership_world(world)
