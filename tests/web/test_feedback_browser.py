"""The feedback log end to end in real headless Chromium (Debian's /usr/bin/chromium driven by
Playwright) against ``humsec serve --demo`` with a coding framework loaded by the management command:
a focal point records feedback, a sensitive complaint disappears from their view, the administrator
(designated) opens it, and the summary counts it without naming it. Skips, saying why, when Chromium
or Playwright is missing."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.web._browser import requires_chromium, sign_in
from tests.web._serve import running_server, server_env

pytestmark = requires_chromium
FRAMEWORK = (
    '{"types": [{"name": "Complaint", "categories": ['
    '{"name": "Aid quality", "codes": [{"code_id": "c1", "name": "Food spoiled", "sensitive": false}]},'
    '{"name": "Staff conduct", "codes": [{"code_id": "c2", "name": "Sexual exploitation or abuse",'
    ' "sensitive": true}]}]}]}'
)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    data = tmp_path_factory.mktemp("serve-feedback")
    with running_server(data, wait_s=180) as (url, _):
        framework = data / "framework.json"
        framework.write_text(FRAMEWORK, encoding="utf-8")
        loaded = subprocess.run(
            [sys.executable, "-m", "humsec_web", "load_feedback_codes", str(framework)],
            env=server_env(data), capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert loaded.returncode == 0, loaded.stderr
        assert "2 codes (2 categories, 1 sensitive) loaded" in loaded.stdout
        yield url


def _record(page: Any, code: str, description: str) -> None:
    page.get_by_role("link", name="Record feedback").click()
    page.get_by_label("Country").select_option("COD")
    page.get_by_label("Date received").fill("2025-05-02")
    page.get_by_label("Channel").select_option("hotline")
    page.get_by_label("Area").fill("Goma")
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("Theme (code)").select_option(label=code)
    page.get_by_label("Description").fill(description)
    page.get_by_role("button", name="Save").click()


def test_focal_point_records_and_sensitive_item_goes_to_designated_staff(page):
    sign_in(page, "focal_wvi")
    page.get_by_role("link", name="Feedback").click()
    _record(page, "Complaint › Aid quality › Food spoiled", "The flour was wet.")
    assert page.get_by_text("Feedback recorded.").is_visible()
    assert page.get_by_text("The flour was wet.").is_visible()
    page.get_by_role("link", name="All feedback").click()
    _record(
        page,
        "Complaint › Staff conduct › Sexual exploitation or abuse",
        "A volunteer asked for sex.",
    )
    assert page.get_by_text("only designated staff can open it now").is_visible()
    assert page.locator("#hidden-sensitive").is_visible()
    assert page.get_by_text("Staff conduct").count() == 0
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "admin")  # administrators are designated
    page.goto("/feedback/")
    assert page.locator("tr", has_text="Staff conduct").get_by_text("sensitive").is_visible()
    page.locator("tr", has_text="Staff conduct").get_by_role("link").click()
    assert page.get_by_text("A volunteer asked for sex.").is_visible()
    assert page.get_by_text("Sensitive: visible only to designated staff").is_visible()
    page.get_by_role("link", name="Follow up").click()
    page.get_by_label("Status").select_option("closed")
    page.get_by_label("Date closed").fill("2025-05-03")
    page.get_by_label("Referral").fill("PSEA focal point")
    page.get_by_role("button", name="Save").click()
    assert page.locator("#item-status").inner_text() == "closed (closed 2025-05-03)"

    page.goto("/feedback/summary/")
    table = page.locator("#summary").inner_text()
    assert "sensitive (not listed)" in table and "Staff conduct" not in table
    assert "Aid quality" in table
