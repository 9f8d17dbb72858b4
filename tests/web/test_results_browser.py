"""Results entry and validation end to end in Debian's headless Chromium (Playwright) against a
real ``humsec serve --demo``: a focal point builds a logframe, sets a target, has a bad actual
refused (and keeps what was typed), reports one whose disaggregation does not add up (kept and
flagged); the HSU validates it; the public then sees it, with the chart. Skips, saying why, when
Chromium or Playwright is missing (as test_browser.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.web._browser import requires_chromium, sign_in
from tests.web._serve import running_server

pytestmark = requires_chromium


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with running_server(tmp_path_factory.mktemp("serve-results"), wait_s=180) as (url, _):
        yield url


def test_results_entered_refused_flagged_validated_and_published(page):
    sign_in(page, "focal_wvi")
    page.get_by_role("link", name="Results", exact=True).click()
    page.get_by_role("link", name="New logframe").click()
    page.get_by_label("Title").fill("Safe water in Ituri (browser)")
    page.get_by_label("Country").select_option("COD")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Logframe created").is_visible()
    page.get_by_label("Level").select_option("goal")
    page.get_by_label("Title").fill("Fewer water-borne diseases")
    page.get_by_role("button", name="Add the result").click()
    page.get_by_label("Level").select_option("outcome")
    page.get_by_label("Parent").select_option(label="Goal (impact): Fewer water-borne diseases")
    page.get_by_label("Title").fill("Households use safe water")
    page.get_by_role("button", name="Add the result").click()
    assert page.get_by_role("heading", name="Outcome: Households use safe water").is_visible()
    page.get_by_role("link", name="Add an indicator").click()
    page.get_by_label("Result").select_option(label="Outcome: Households use safe water")
    page.get_by_label("Name").fill("People with safe water")
    page.get_by_label("Unit").select_option("people")
    page.get_by_label("Baseline period").fill("2024")
    page.get_by_label("Baseline value").fill("0")
    page.get_by_label("Means of verification").fill("Water committee registers")
    page.get_by_label("Disaggregations").fill("sex")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_role("heading", name="People with safe water").is_visible()
    indicator_url = page.url
    page.get_by_role("link", name="Set a target").click()
    page.get_by_label("Period").fill("2025")
    page.get_by_label("Value").fill("1000")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Target for 2025 saved.").is_visible()
    # an actual for a period before the baseline: refused, with the reason, and what was typed kept
    page.get_by_role("link", name="Report an actual").click()
    page.get_by_label("Period").fill("2023")
    page.get_by_label("Value").fill("640")
    page.get_by_label("Disaggregation").fill("sex, female, 300\nsex, male, 300")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("The actual is for 2023, before the baseline (2024).").is_visible()
    assert page.get_by_label("Value").input_value() == "640"
    page.get_by_label("Period").fill("2025")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("awaits validation by the Human Security Unit").is_visible()
    assert page.get_by_text("Kept, but check: The sex disaggregation adds up to 600, not the total 640").is_visible()
    page.get_by_role("button", name="Sign out").click()
    page.goto(indicator_url)  # the public does not see an actual before validation
    assert not page.locator("#progress").get_by_text("640", exact=True).count()
    sign_in(page, "hsu")
    page.goto(indicator_url)
    page.get_by_label("Decision").select_option("validate")
    page.get_by_role("button", name="Record the review").click()
    assert page.get_by_text("validated: it is now public").is_visible()
    page.get_by_role("button", name="Sign out").click()
    page.goto(indicator_url)
    assert page.locator("#progress").get_by_text("640", exact=True).is_visible()
    assert page.locator("figure.chart svg").count() == 1
    # 2025 is the target's own period: 640 < 1000, off track
    assert page.locator("#track-status").inner_text() == "off track"
    page.goto("/results/portfolio/")
    row = page.locator("#results-portfolio tr", has_text="People with safe water")
    assert re.search(r"640\s*\(2025\)", row.inner_text())


def test_results_pages_fit_a_phone_and_label_their_inputs(browser, server):
    context = browser.new_context(base_url=server, viewport={"width": 360, "height": 740})
    page = context.new_page()
    sign_in(page, "focal_wvi")
    for path in ["/results/", "/results/portfolio/", "/results/new/"]:
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1, path
        unlabeled = page.evaluate(
            """[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                 .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
                 .map(e => e.name)"""
        )
        assert unlabeled == [], (path, unlabeled)
    context.close()
