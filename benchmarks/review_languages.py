"""Build the demo review in every language and put a screenshot of each into the docs.

    .venv/bin/python benchmarks/review_languages.py [--out /tmp/demo-review-languages] [--docs docs/review]

For each language of ``humsec.core.i18n.LANGUAGES``: ``humsec review examples/demo-review.yaml
--lang CODE`` (report, PDF, brief; no slides), then the top of ``review.html`` as the system
Chromium shows it (Playwright, 1000 × 900, JPEG) → ``docs/review/review-CODE.jpg``, and one line per
language in ``docs/review/languages.md``: the page's ``lang``/``dir`` and the pages of the two PDFs.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

from humsec.core.i18n import LANGUAGES

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def build(code: str, out: Path) -> None:
    humsec = Path(sys.executable).with_name("humsec")
    subprocess.run([str(humsec), "review", "examples/demo-review.yaml", "--out", str(out), "--lang", code,
                    "--no-slides", "-q"], check=True)  # fmt: skip


def pdf_pages(path: Path) -> int:
    """Pages of a PDF written by WeasyPrint: its page objects, inside its compressed streams."""
    pdf = path.read_bytes()
    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, flags=re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", b"\n".join(parts)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=Path("/tmp/demo-review-languages"))
    parser.add_argument("--docs", type=Path, default=Path("docs/review"))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    args.docs.mkdir(parents=True, exist_ok=True)
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for code, language in LANGUAGES.items():
            out = args.out / code
            build(code, out)
            page = browser.new_page(viewport={"width": 1000, "height": 900})
            page.goto((out / "review.html").resolve().as_uri())
            shot = args.docs / f"review-{code}.jpg"
            page.screenshot(path=str(shot), type="jpeg", quality=55)
            html_tag = page.evaluate("() => [document.documentElement.lang, document.documentElement.dir]")
            page.close()
            rows.append(
                f"| {language.name} ({language.native}) | `lang=\"{html_tag[0]}\" dir=\"{html_tag[1]}\"` | "
                f"{pdf_pages(out / 'review.pdf')} | {pdf_pages(out / 'brief.pdf')} | "
                f"[{shot.name}]({shot.name}) |"
            )
            print(f"{code}: {shot}")
        browser.close()
    text = [
        "# The demo review in each language",
        "",
        "Written by `benchmarks/review_languages.py`: `humsec review examples/demo-review.yaml --lang CODE`,",
        "then the top of `review.html` in the system Chromium (1000 × 900). Pages: of `review.pdf` and",
        "`brief.pdf` as WeasyPrint wrote them.",
        "",
        "| language | `<html>` | review.pdf pages | brief.pdf pages | screenshot |",
        "|---|---|---|---|---|",
        *rows,
        "",
    ]
    (args.docs / "languages.md").write_text("\n".join(text), encoding="utf-8")
    print(f"wrote {args.docs / 'languages.md'}")


if __name__ == "__main__":
    main()
