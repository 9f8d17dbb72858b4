"""End-to-end in real headless Chromium (Debian's /usr/bin/chromium driven by Playwright) against
``humsec serve`` started on a free port with a fresh SQLite database and the demo content.

Skips, saying why, when Chromium or Playwright is missing (``make test`` installs both)."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web._browser import requires_chromium, sign_in
from tests.web._serve import running_server

pytestmark = requires_chromium


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with running_server(tmp_path_factory.mktemp("serve"), wait_s=180) as (url, _):  # a loaded 2-core machine
        # the first semantic search loads the sentence model: seconds, more on a busy machine;
        # load it here so that no browser step waits on it
        urllib.request.urlopen(url + "/lessons/?q=warm&mode=semantic", timeout=300).read()
        yield url


def test_focal_point_logs_an_activity(page):
    sign_in(page, "focal_wvi")
    page.get_by_role("link", name="Log an activity").click()
    page.get_by_label("Title").fill("Psychosocial support in schools")
    page.get_by_label("Country").select_option("COD")
    page.get_by_label("Admin areas").fill("Nord-Kivu, Goma")
    page.get_by_label("Sector").select_option("education")
    page.get_by_label("Principle").select_option("people_centred")
    page.get_by_label("Start date").fill("2025-02-01")
    page.get_by_label("End date").fill("2025-04-30")
    page.get_by_label("Budget (USD)").fill("40000")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Activity logged.").is_visible()
    assert page.get_by_role("heading", name="Psychosocial support in schools").is_visible()


def test_hsu_compiles_and_publishes_a_digest_that_the_public_then_reads(page):
    sign_in(page, "hsu")
    page.goto("/digests/new/")
    page.get_by_label("Title").fill("Digest Q2 2025")
    page.get_by_label("Period start").fill("2025-04-01")
    page.get_by_label("Period end").fill("2025-06-30")
    page.get_by_role("button", name="Compile").click()
    page.get_by_role("button", name="Publish this digest").click()
    assert page.get_by_text("Digest published").is_visible()
    url = page.url
    page.get_by_role("button", name="Sign out").click()
    page.goto(url)
    assert page.get_by_role("heading", name="Digest Q2 2025").is_visible()
    assert page.get_by_role("link", name="CSV").is_visible()


def test_anyone_searches_lessons(page):
    page.goto("/lessons/")
    page.get_by_label("Search").fill("warnings before rivers rise")
    page.get_by_label("Meaning (semantic)").check()
    page.get_by_role("button", name="Search").click()
    first = page.locator("ol.results li a").first
    assert first.inner_text() == "Early-warning messages in local languages reduced flood losses"
    assert page.locator("#similarity-method").is_visible()
    first.click()
    assert page.get_by_role("heading", name="Similar lessons").is_visible()


def test_proposal_submitted_appraised_and_approved(page):
    sign_in(page, "focal_wvi")
    page.goto("/proposals/new/")
    page.get_by_label("Title").fill("Safe schools in Ituri")
    page.get_by_label("Country").select_option("COD")
    page.get_by_label("Sector").select_option("education")
    page.get_by_label("Summary").fill("Education and protection together.")
    page.get_by_label("Budget requested (USD)").fill("450000")
    page.get_by_label("Duration months").fill("24")
    page.get_by_label("OIM").check()
    page.get_by_role("button", name="Submit").click()
    assert page.get_by_text("Proposal submitted.").is_visible()
    url = page.url
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "hsu")
    page.goto(url)
    page.get_by_role("button", name="Start the review").click()
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "reviewer1")
    page.goto(url)
    page.get_by_role("link", name="Appraise this proposal").click()
    for select in page.locator("main select").all():  # the appraisal form (the footer holds the language form)
        select.select_option("4")
    page.get_by_label("Overall comment").fill("Strong local partnership.")
    page.get_by_role("button", name="Record my appraisal").click()
    assert page.get_by_text("4.00 / 5").first.is_visible()
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "hsu")
    page.goto(url)
    page.get_by_label("Decision").select_option("approve")
    page.get_by_label("Reason").fill("Meets the criteria.")
    page.get_by_role("button", name="Record the decision").click()
    assert page.locator("#proposal-status").inner_text() == "Approved"
    page.get_by_role("button", name="Sign out").click()
    page.goto("/portfolio/")
    assert page.get_by_role("cell", name="Safe schools in Ituri").is_visible()
    # the bundled Leaflet drew the world and filled the countries that have projects (the view
    # opens on them, so they are visible)
    page.wait_for_selector('#map path.leaflet-interactive[fill="#0b4f8a"]')
    assert page.locator("#map path.leaflet-interactive").count() > 200


def test_country_team_builds_a_review_that_stays_private_until_signed_off(page, tmp_path):
    """The build as the country team sees it; sharing, sign-off and publication are in
    test_ownership_browser.py."""
    from humsec.datasets import data_path

    review = Path(__file__).with_name("data") / "review_small.yaml"
    census = tmp_path / "census.csv"
    census.write_bytes(data_path("ken_census2019_county.csv").read_bytes())
    sign_in(page, "country_cod")
    page.goto("/reviews/")
    page.get_by_role("link", name="Start a country review").click()
    page.locator("#id_title").fill("DRC review (browser)")
    page.locator("#id_review_file").set_input_files(str(review))
    page.locator("#id_data_files").set_input_files(str(census))
    page.locator("#id_sensitivity").select_option(value="public")
    page.locator("#id_owner").fill("KNBS")
    page.locator("#id_licence").select_option(value="cc-by-4.0")
    page.locator("#id_with_pdf").uncheck()
    page.get_by_role("button", name="Upload and build").click()
    # built in the server's background thread; the page refreshes itself until done
    page.wait_for_selector("#version-state:has-text('Report built')", timeout=60000)
    assert "Turkana" in page.locator("#build-log").inner_text()
    page.get_by_role("link", name="Read the report").click()
    assert page.get_by_role("heading", name="Kenya county services (platform test)").first.is_visible()
    assert page.locator("svg").count() > 0  # the report's charts and map
    page.go_back()
    assert page.get_by_role("button", name="Publish this version").count() == 0  # not before sign-off
    url = page.url
    page.get_by_role("button", name="Sign out").click()
    page.goto(url)
    assert "/accounts/login/" in page.url  # a draft is not public


def test_forum_reply_is_posted_escaped(page):
    sign_in(page, "focal_wvi")
    page.goto("/forum/")
    page.get_by_role("link", name="Human security approach").click()
    page.get_by_role("link", name="Measuring empowerment outcomes").click()
    page.get_by_label("Your reply").fill("<b>bold?</b> We use the community scorecard.")
    page.get_by_role("button", name="Reply").click()
    assert page.get_by_text("Reply posted").is_visible()
    assert page.get_by_text("<b>bold?</b> We use the community scorecard.").is_visible()
    assert page.locator("article.post b").count() == 0


def test_role_restrictions(page):
    sign_in(page, "visitor")
    assert page.get_by_role("link", name="Activities").count() == 0
    response = page.goto("/activities/")
    assert response.status == 403 and page.get_by_role("heading", name="Not allowed").is_visible()
    page.get_by_role("button", name="Sign out").click()
    page.goto("/proposals/")
    assert "/accounts/login/" in page.url


def test_phone_layout_keyboard_and_labels(browser, server):
    context = browser.new_context(base_url=server, viewport={"width": 360, "height": 740})
    page = context.new_page()
    for path in ["/", "/lessons/", "/portfolio/", "/digests/", "/accounts/login/"]:
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (path, overflow)
        unlabeled = page.evaluate(
            """[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                 .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
                 .map(e => e.name)"""
        )
        assert unlabeled == [], (path, unlabeled)
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    context.close()


@pytest.mark.parametrize(("lang", "lessons", "reviews", "sign_in_text"), [
    ("en", "Lessons learned", "Country Human Security Reviews", "Sign in"),
    ("fr", "Enseignements tirés", "Examens de la sécurité humaine par pays", "Se connecter"),
    ("es", "Lecciones aprendidas", "Exámenes de la seguridad humana por país", "Iniciar sesión"),
    ("ar", "الدروس المستفادة", "الاستعراضات القطرية للأمن البشري", "تسجيل الدخول"),
])  # fmt: skip
def test_main_pages_in_the_browsers_language(browser, server, lang, lessons, reviews, sign_in_text):  # type: ignore[no-untyped-def]
    """A browser set to the language (its Accept-Language) gets the main pages in it; Arabic lays
    the page out right to left; the footer's choice switches the language and keeps it."""
    context = browser.new_context(base_url=server, locale=lang)
    page = context.new_page()
    page.set_default_timeout(30000)
    try:
        page.goto("/")
        assert page.get_by_role("heading", name=lessons).is_visible()
        direction = "rtl" if lang == "ar" else "ltr"
        assert page.evaluate("() => getComputedStyle(document.body).direction") == direction
        assert page.evaluate("() => document.documentElement.lang") == lang
        page.goto("/reviews/")
        assert page.get_by_role("heading", name=reviews).is_visible()
        page.goto("/accounts/login/")
        assert page.get_by_role("button", name=sign_in_text).is_visible()
        if lang == "ar":  # the navigation runs from the right: its first link right of its last
            page.goto("/")
            links = page.locator("header nav li")
            first, last = links.first.bounding_box(), links.last.bounding_box()
            assert first["x"] > last["x"]
        other = "en" if lang != "en" else "fr"
        page.goto("/alerts/")
        page.locator("#language").select_option(other)
        page.locator("form.language button").click()
        page.wait_for_url("**/alerts/")
        assert page.evaluate("() => document.documentElement.lang") == other
        page.goto("/")
        assert page.evaluate("() => document.documentElement.lang") == other  # kept (cookie)
    finally:
        context.close()
