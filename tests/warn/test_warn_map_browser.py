"""The early-warning map as a user sees it: the page of ``humsec warn alerts`` on real UCDP events,
rendered in headless Chromium (Debian's /usr/bin/chromium driven by Playwright, as tests/web does),
its map cut out of a screenshot and its pixels counted.

A map drawn from rings wound the RFC 7946 way is one colour edge to edge (d3-geo fills the globe
outside each area); a right map shows several colours and leaves the sea and the frame white.
Skips, saying why, without Chromium, Playwright, Pillow or ../shared/data."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from humsec.cli.main import app

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
EVENTS = SHARED / "ucdp_ged191_mmr_bgd" / "ged191_mmr_bgd_events.csv.gz"
BGD_DIVISIONS = SHARED / "boundaries" / "bgd_division_adm1.geojson"
ADMIN0 = SHARED / "boundaries" / "ne_admin0_humsec11.geojson"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM} (Debian package chromium)"
    ),
    pytest.mark.skipif(not EVENTS.exists(), reason="needs ../shared/data/ucdp_ged191_mmr_bgd"),
]

# the union of the boxes of every drawn area, in page pixels
_AREAS_BOX = """() => {
  const paths = [...document.querySelectorAll('figure[aria-label="map"] .mark-shape.role-mark path')];
  const boxes = paths.map(p => p.getBoundingClientRect()).filter(b => b.width > 0 && b.height > 0);
  if (!boxes.length) return null;
  const x0 = Math.min(...boxes.map(b => b.left)), y0 = Math.min(...boxes.map(b => b.top));
  const x1 = Math.max(...boxes.map(b => b.right)), y1 = Math.max(...boxes.map(b => b.bottom));
  return {x: x0 + window.scrollX, y: y0 + window.scrollY, width: x1 - x0, height: y1 - y0};
}"""


def _alerts_page(tmp_path: Path, unit: str, boundaries: str) -> tuple[Path, str]:
    html = tmp_path / f"alerts_{unit}.html"
    result = CliRunner().invoke(
        app,
        [
            "warn",
            "alerts",
            str(EVENTS),
            "--unit",
            unit,
            "--boundaries",
            boundaries,
            "--model",
            "hist_12",
            "--out",
            str(tmp_path / f"alerts_{unit}.csv"),
            "--html",
            str(html),
        ],
    )
    assert result.exit_code == 0, result.output
    return html, result.output


def _map_pixels(html: Path, shot: Path) -> tuple[float, Counter]:
    """(share of the map's box that is painted, pixel count of each painted colour)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    image = pytest.importorskip("PIL.Image")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.goto(html.as_uri())
            box = page.evaluate(_AREAS_BOX)
            assert box is not None, "the page has no map"
            page.screenshot(path=str(shot), clip=box, full_page=True)
        finally:
            browser.close()
    picture = image.open(shot).convert("RGB")
    counts = picture.getcolors(maxcolors=picture.width * picture.height) or []
    painted = Counter({c: n for n, c in counts if min(c) < 245})  # white: sea, frame, borders
    return sum(painted.values()) / (picture.width * picture.height), painted


@pytest.mark.skipif(not BGD_DIVISIONS.exists(), reason="needs ../shared/data/boundaries")
def test_admin1_map_shows_the_divisions_not_a_square(tmp_path):
    html, output = _alerts_page(tmp_path, "admin1", f"Bangladesh={BGD_DIVISIONS}")
    share, painted = _map_pixels(html, tmp_path / "map_admin1.png")
    colours = [c for c, n in painted.items() if n >= 0.01 * sum(painted.values())]
    # 8 divisions, 5 different peak probabilities with hist_12: several colours, land inside sea
    print(f"admin-1 map: {share:.0%} painted, {len(colours)} colours")
    assert len(colours) >= 3, painted.most_common(5)
    assert 0.2 < share < 0.85, share
    # Myanmar's 14 units have events but no polygon here: named, not silently dropped
    assert "14 unit(s) have no polygon" in output
    assert "14 unit(s) have no polygon" in html.read_text(encoding="utf-8")


@pytest.mark.skipif(not ADMIN0.exists(), reason="needs ../shared/data/boundaries")
def test_country_map_from_admin0_outlines(tmp_path):
    html, output = _alerts_page(tmp_path, "country", str(ADMIN0))
    share, _ = _map_pixels(html, tmp_path / "map_country.png")
    print(f"country map: {share:.0%} painted")
    assert 0.2 < share < 0.85, share  # Bangladesh's outline, not the frame
    assert "1 unit(s) have no polygon and are not on the map: Myanmar (Burma)" in output
