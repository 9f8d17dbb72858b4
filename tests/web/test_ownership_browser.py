"""National ownership and sharing terms end to end in Debian's headless Chromium (Playwright)
against a real ``humsec serve --demo``.

1. Review sign-off: an administrator designates a government counterpart of the DR Congo in the
   admin; the country team builds a review version (its data file declared restricted) and shares
   it for comment; a public visitor cannot read it; the counterpart comments on a section, the
   team answers, the counterpart signs it off in their name with a condition; publishing without
   confirming the condition is refused and nothing is published; the team confirms it and
   publishes; the audit trail shows every step; the public sees the published version but not its
   report, which inherits the restricted class of its census table; a network member reads it.
2. Datasets: a focal point uploads a confidential file about the DR Congo; another organisation's
   focal point is refused the download (the page says why); the DR Congo country team downloads
   it; the uploader sees both attempts in the access log.

Skips, saying why, when Chromium or Playwright is missing (as test_browser.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web._browser import requires_chromium, sign_in
from tests.web._serve import running_server

pytestmark = requires_chromium
GOV_PASSWORD = "Gov-cod-pass-2026!"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with running_server(tmp_path_factory.mktemp("serve-ownership"), wait_s=180) as (url, _):
        yield url


def sign_out(page: Any) -> None:
    page.goto("/")  # the platform's header (admin and error pages have their own)
    page.get_by_role("button", name="Sign out").click()


def designate_counterpart(page: Any) -> None:
    """The administrator creates the user gov_cod and designates them counterpart of COD."""
    sign_in(page, "admin")
    page.goto("/admin/auth/user/add/")
    page.locator("#id_username").fill("gov_cod")
    page.locator("#id_password1").fill(GOV_PASSWORD)
    page.locator("#id_password2").fill(GOV_PASSWORD)
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/auth/user/*/change/**")
    page.goto("/admin/reviews/counterpart/add/")
    page.locator("#id_user").select_option(label="gov_cod")
    page.locator("#id_country").select_option(value="COD")
    page.locator("#id_institution").fill("Ministère du Plan")
    page.locator("#id_position").fill("Directeur des études")
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/reviews/counterpart/")
    sign_out(page)


def test_review_is_commented_signed_off_by_the_counterpart_and_then_published(page, tmp_path):
    from humsec.datasets import data_path

    designate_counterpart(page)
    review = Path(__file__).with_name("data") / "review_small.yaml"
    census = tmp_path / "census.csv"
    census.write_bytes(data_path("ken_census2019_county.csv").read_bytes())

    sign_in(page, "country_cod")
    page.goto("/reviews/new/")
    page.locator("#id_title").fill("DRC review (sign-off)")
    page.locator("#id_review_file").set_input_files(str(review))
    page.locator("#id_data_files").set_input_files(str(census))
    page.locator("#id_sensitivity").select_option(value="restricted")
    page.locator("#id_owner").fill("Institut National de la Statistique")
    page.locator("#id_licence").select_option(value="agreement")
    page.locator("#id_terms").fill("For the country review only; not to be shared further.")
    page.locator("#id_with_pdf").uncheck()
    page.get_by_role("button", name="Upload and build").click()
    page.wait_for_selector("#version-state:has-text('Report built')", timeout=240000)  # a background build: 20 s alone, over 90 s on a loaded machine
    version_url = page.url
    assert page.locator("#publication-state").inner_text() == "Draft"
    assert page.get_by_role("button", name="Publish this version").count() == 0  # not before sign-off
    page.get_by_role("link", name="comments, sign-off and audit trail").click()
    publication_url = page.url
    page.get_by_role("button", name="Share for comment").click()
    assert page.locator("#publication-state").inner_text() == "Shared for comment"
    sign_out(page)

    # nothing is public before sign-off
    page.goto(version_url)
    assert "/accounts/login/" in page.url

    sign_in(page, "gov_cod", GOV_PASSWORD)
    page.goto(publication_url)
    page.get_by_label("Section").select_option(label="Executive summary")
    page.get_by_label("Comment").fill("Please state the census year in the summary.")
    page.get_by_role("button", name="Post the comment").click()
    assert page.locator(".comment").filter(has_text="census year").locator(".status").inner_text() == "open"
    # signing off with an open comment is refused, and the state stays
    page.get_by_label("Your name").fill("Marie Kabila")
    page.get_by_label("I sign this off for publication on behalf of my government").check()
    page.get_by_role("button", name="Sign off").click()
    assert "neither resolved nor answered" in page.locator("body").inner_text()
    assert page.locator("#publication-state").inner_text() == "Shared for comment"
    sign_out(page)

    sign_in(page, "country_cod")
    page.goto(publication_url)
    page.locator(".comment").filter(has_text="census year").get_by_label("Answer").fill(
        "Done: the summary now says 2019."
    )
    page.get_by_role("button", name="Answer", exact=True).click()
    assert page.locator(".comment").filter(has_text="census year").locator(".status").first.inner_text() == "answered"
    sign_out(page)

    sign_in(page, "gov_cod", GOV_PASSWORD)
    page.goto(publication_url)
    page.get_by_label("Your name").fill("Marie Kabila")
    page.get_by_label("Position").fill("Directrice des études")
    page.get_by_label("Conditions (optional)").fill("Publish after the national validation workshop.")
    page.get_by_label("I sign this off for publication on behalf of my government").check()
    page.get_by_role("button", name="Sign off").click()
    assert page.locator("#publication-state").inner_text() == "Signed off"
    sign_off = page.locator("#sign-off").inner_text()
    assert "Marie Kabila" in sign_off and "national validation workshop" in sign_off
    sign_out(page)

    sign_in(page, "country_cod")
    page.goto(publication_url)
    page.get_by_role("button", name="Publish", exact=True).click()  # the condition not confirmed
    assert "confirm they are met" in page.locator("body").inner_text()
    assert page.locator("#publication-state").inner_text() == "Signed off"
    page.get_by_label("The conditions of the sign-off are met").check()
    page.get_by_label("How they were met / note").fill("Validated at the workshop of 3 December.")
    page.get_by_role("button", name="Publish", exact=True).click()
    assert page.locator("#publication-state").inner_text() == "Published"
    audit = page.locator("#audit").inner_text()
    for step in ("share", "sign off", "publish", "Marie Kabila", "workshop of 3 December"):
        assert step in audit, (step, audit)
    sign_out(page)

    # published: the page is public, but the report holds a table made from the restricted census
    # (an aggregate, not cleared by disclosure control), so it is restricted too
    page.goto(version_url)
    assert page.locator("#publication-state").inner_text() == "Published"
    assert page.locator("#report-class").inner_text() == "restricted"
    assert "not cleared" in page.locator("#report-refused").inner_text()
    sign_in(page, "reviewer1")  # a network member is cleared for restricted data
    page.goto(version_url)
    page.get_by_role("link", name="Read the report").click()
    assert page.get_by_role("heading", name="Kenya county services (platform test)").first.is_visible()


def test_confidential_download_is_refused_beyond_its_class_and_a_permitted_one_is_logged(page, tmp_path):
    data = tmp_path / "ituri_protection.csv"
    data.write_text("area,incidents\nIrumu,12\nDjugu,30\n", encoding="utf-8")
    sign_in(page, "focal_wvi")
    page.goto("/datasets/new/")
    page.locator("#id_file").set_input_files(str(data))
    page.locator("#id_country").select_option(value="COD")
    page.locator("#id_sensitivity").select_option(value="confidential")
    page.locator("#id_owner").fill("World Vision International")
    page.locator("#id_licence").select_option(value="agreement")
    page.locator("#id_terms").fill("Protection monitoring; the country team and the HSU only.")
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url("**/datasets/*/")
    dataset_url = page.url
    sign_out(page)

    sign_in(page, "focal_oim")  # another organisation: not cleared for confidential data
    page.goto(dataset_url)
    assert page.get_by_role("link", name="Download").count() == 0
    response = page.goto(dataset_url + "download/")
    assert response.status == 403
    assert "confidential data" in page.locator("body").inner_text()
    sign_out(page)

    sign_in(page, "country_cod")  # the country team of the data's country: cleared
    page.goto(dataset_url)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download").click()
    assert Path(info.value.path()).read_text(encoding="utf-8").startswith("area,incidents")
    sign_out(page)

    sign_in(page, "focal_wvi")  # the uploader reads the access log
    page.goto(dataset_url)
    log = page.locator("#access-log").inner_text()
    assert "focal_oim" in log and "refused" in log
    assert "country_cod" in log and "allowed" in log


def test_an_outlooks_alerts_table_is_listed_for_its_team_and_the_published_ones_for_everyone(page, tmp_path):
    """3. Alerts: the country team of the DR Congo writes an outlook with the alerts CSV of
    ``humsec warn triggers --alerts``; its fired areas show on the outlook and on /alerts/ for
    the team; a visitor sees only the published Kenya outlook's alerts (the demo's)."""
    table = tmp_path / "alerts.csv"
    table.write_text(
        "country,area_id,area,rule,status,since,values,as_of\n"
        "CD,CD54,Ituri,projected_25,fired,2022-02,projected_p3plus_share=0.41,2022-05\n"
        "CD,CD61,Nord-Kivu,projected_25,not fired,,projected_p3plus_share=0.18,2022-05\n",
        encoding="utf-8",
    )
    sign_in(page, "country_cod")
    page.goto("/outlooks/new/")
    page.locator("#id_title").fill("Eastern provinces outlook")
    page.locator("#id_country").select_option(value="COD")
    page.locator("#id_period").fill("2022-05 to 2022-09")
    page.locator("#id_summary").fill("Projected food insecurity in Ituri.")
    page.locator("#id_alerts_table").set_input_files(str(table))
    page.get_by_role("button", name="Save the draft").click()
    page.wait_for_url("**/outlooks/*/")
    assert page.locator("tr.alert-fired td").first.inner_text().startswith("Ituri")
    assert page.locator("tr.alert-not-fired").count() == 1
    page.get_by_role("link", name="Alerts").click()
    assert page.locator("#alerts-COD tr.alert-fired").count() == 1
    sign_out(page)

    page.goto("/alerts/")
    assert page.locator("#alerts-COD").count() == 0  # a draft
    fired = page.locator("#alerts-KEN tr.alert-fired td:first-child").all_inner_texts()
    assert len(fired) == 8 and any(t.startswith("Turkana") for t in fired)
