"""IATI ``result`` XML: export then import gives the same results, indicators, baselines, targets,
actuals, intervals and disaggregation; files that are not IATI, unsafe XML, and results that break
the entry rules are refused with nothing saved.

No IATI schema (XSD) or published IATI example is in the repository or ../shared, so the export is
checked here structurally against the standard's element order for ``iati-activity`` (2.03) and
read back by the importer; see docs/results.md."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from humsec_web.core.models import Organisation
from humsec_web.results import entry, iati
from humsec_web.results.models import Actual, Indicator, Logframe, Result, Target
from tests.web.results_world import results_world

pytestmark = pytest.mark.django_db

# iati-activity children in the order of the 2.03 schema (the ones the export writes)
SCHEMA_ORDER = ["iati-identifier", "reporting-org", "title", "description", "participating-org", "activity-status",
                "activity-date", "recipient-country", "result"]  # fmt: skip


def _exported(client) -> tuple[bytes, object]:  # type: ignore[no-untyped-def]
    rw = results_world()
    hsu = User.objects.get(username="hsu")
    entry.review_actual(rw.reported, hsu, approve=True)  # 2025 with its sex disaggregation
    # a share indicator with a CI, to check the percentage scaling and the interval's round trip
    share = Indicator.objects.create(
        result=rw.outcome, name="Share of poor households", unit="proportion", direction="decrease",
        frequency="annual", baseline_period="2023", baseline_value=0.42, means_of_verification="survey",
        reporting_organisation=rw.open_lf.organisation,
    )  # fmt: skip
    entry.record_target(share, period="2025", value=0.3, unit="proportion")
    a = entry.record_actual(share, None, period="2025", value=0.35, unit="proportion", ci_low=0.31, ci_high=0.39, ci_level=0.9)
    entry.review_actual(a, hsu, approve=True)
    r = client.get(f"/results/{rw.open_lf.pk}/export.xml")
    assert r.status_code == 200 and r["Content-Type"] == "application/xml"
    return r.content, rw


def test_export_follows_the_iati_activity_layout(client, world):
    data, _ = _exported(client)
    root = ET.fromstring(data)
    assert root.tag == "iati-activities" and root.get("version") == "2.03"
    activity = root.find("iati-activity")
    tags = [child.tag for child in activity]
    assert tags == sorted(tags, key=SCHEMA_ORDER.index)  # schema order
    assert [r.get("type") for r in activity.findall("result")] == ["3", "2"]  # impact (goal), then outcome
    share = next(i for i in activity.iter("indicator") if i.findtext("title/narrative") == "Share of poor households")
    assert share.get("measure") == "2" and share.get("ascending") == "0"
    assert share.find("baseline").get("value") == "42"  # a proportion is sent as a percentage
    period = share.find("period")
    assert (period.find("period-start").get("iso-date"), period.find("period-end").get("iso-date")) == ("2025-01-01", "2025-12-31")
    assert period.find("target").get("value") == "30" and period.find("actual").get("value") == "35"
    assert period.findtext("actual/comment/narrative") == "90% confidence interval: 31 to 39"
    people = next(i for i in activity.iter("indicator") if i.findtext("title/narrative") == "People reached")
    actuals = people.findall("period/actual")
    assert [(a.get("value"), a.find("dimension").get("value") if a.find("dimension") is not None else None) for a in actuals] == [
        ("400", None), ("700", None), ("380", "female"), ("320", "male")]


def test_export_then_import_gives_the_same_numbers(client, world):
    data, rw = _exported(client)
    wvi = rw.open_lf.organisation
    fresh = Logframe.objects.create(title="Imported", organisation=wvi, country="COD")
    client.force_login(User.objects.get(username="focal_wvi"))
    r = client.post(f"/results/{fresh.pk}/iati-import/", {"file": SimpleUploadedFile("act.xml", data)}, follow=True)
    assert "Imported from act.xml: 2 results, 2 indicators, 2 targets, 3 actuals" in r.content.decode()
    assert [(x.level, x.title, x.parent.title if x.parent else None) for x in fresh.results.all()] == [
        ("goal", "People live free from want", None), ("outcome", "Households reach services", "People live free from want")]
    people = Indicator.objects.get(result__logframe=fresh, name="People reached")
    assert (people.unit, people.frequency, people.baseline_period, people.direction) == ("count", "annual", "2023", "increase")
    got = {(a.period, a.value) for a in people.actuals.all()}
    assert got == {("2024", 400.0), ("2025", 700.0)}
    parts = sorted((p.category, p.value) for p in people.actuals.get(period="2025").parts.all())
    assert parts == [("female", 380.0), ("male", 320.0)]
    share = Indicator.objects.get(result__logframe=fresh, name="Share of poor households")
    assert share.unit == "percent" and share.baseline_value == 42 and share.targets.get().value == 30
    a = share.actuals.get()
    assert (a.value, a.ci_low, a.ci_high, a.ci_level, a.status, a.source) == (35, 31, 39, 0.9, "reported", "iati")


def _import(data: bytes, lf: Logframe) -> iati.ImportSummary:
    return iati.import_results(data, "in.xml", lf, None)


BILLION_LAUGHS = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>
<iati-activities version="2.03"><iati-activity><iati-identifier>&lol2;</iati-identifier></iati-activity></iati-activities>"""
XXE = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
<iati-activities version="2.03"><iati-activity><iati-identifier>&e;</iati-identifier></iati-activity></iati-activities>"""


def _activity(results: str, ident: str = "XM-1") -> bytes:
    return f'<iati-activities version="2.03"><iati-activity><iati-identifier>{ident}</iati-identifier>{results}</iati-activity></iati-activities>'.encode()


INDICATOR = ('<indicator measure="1" ascending="1"><title><narrative>Kits</narrative></title>'
             '<baseline year="2020" iso-date="2020-01-01" value="0"/>{periods}</indicator>')  # fmt: skip
PERIOD = '<period><period-start iso-date="{s}"/><period-end iso-date="{e}"/>{body}</period>'


@pytest.mark.parametrize(("data", "message"), [
    (b"not xml at all", "is not well-formed XML"),
    (b"<activities/>", "its root element is <activities>, expected <iati-activities>"),
    (BILLION_LAUGHS, "is not well-formed XML that may be read safely"),
    (XXE, "is not well-formed XML that may be read safely"),
    (_activity('<result type="9"><title><narrative>R</narrative></title></result>'), "result 1 ('R'): type '9'"),
    (_activity('<result type="3"><title><narrative>G</narrative></title>'
               '<indicator measure="5"><title><narrative>Q</narrative></title></indicator></result>'), "measure '5'"),
    (_activity('<result type="3"><title><narrative>G</narrative></title>' + INDICATOR.format(
        periods=PERIOD.format(s="2021-01-01", e="2021-12-31", body='<actual value="5"/>')
        + PERIOD.format(s="2019-01-01", e="2019-12-31", body='<actual value="3"/>')) + "</result>"),
     "indicator 1 ('Kits'), period 2: The actual is for 2019, before the baseline (2020)."),
    (_activity('<result type="3"><title><narrative>G</narrative></title>' + INDICATOR.format(
        periods=PERIOD.format(s="2021-01-01", e="2021-06-30", body='<actual value="5"/>')) + "</result>"),
     "periods of 181 days; the platform takes years, quarters or months"),
    (_activity('<result type="1"><title><narrative>O</narrative></title></result>'), "an output must follow its outcome"),
    (_activity("") + b"", "has no iati-activity 'XM-OTHER'"),
])
def test_bad_iati_files_are_refused_and_nothing_is_saved(world, data, message):
    rw = results_world()
    lf = Logframe.objects.create(title="Target", organisation=rw.open_lf.organisation, country="COD",
                                 iati_identifier="XM-OTHER" if "XM-OTHER" in message else "XM-1")  # fmt: skip
    before = (Result.objects.count(), Indicator.objects.count(), Target.objects.count(), Actual.objects.count())
    with pytest.raises(iati.IATIError) as caught:
        _import(data, lf)
    assert message in str(caught.value) and "in.xml" in str(caught.value)
    assert (Result.objects.count(), Indicator.objects.count(), Target.objects.count(), Actual.objects.count()) == before


def test_import_errors_reach_the_page_and_leave_the_logframe_unchanged(client, world):
    rw = results_world()
    client.force_login(User.objects.get(username="focal_wvi"))
    r = client.post(f"/results/{rw.open_lf.pk}/iati-import/", {"file": SimpleUploadedFile("x.xml", b"<x/>")}, follow=True)
    assert "Nothing was imported: x.xml is not an IATI activity file" in r.content.decode()
    oim = Organisation.objects.get(acronym="OIM")
    other = Logframe.objects.create(title="OIM", organisation=oim, country="COD")
    r = client.post(f"/results/{other.pk}/iati-import/", {"file": SimpleUploadedFile("x.xml", b"<x/>")})
    assert r.status_code == 403  # organisations import into their own logframes only
