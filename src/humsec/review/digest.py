"""What the shorter outputs of a review carry: its findings, one map, one chart, the top strategies.

The brief (``brief.pdf``) and the slides (``slides.pptx``) are built from this digest, and the
digest only from the built :class:`~humsec.review.base.Review`: the same sentences as the executive
summary, with the same citations (``data-row``) of the same published tables, so that a number in
the brief or on a slide is the number of the report's row it links to. Nothing is recomputed.

>>> html_runs('H fell to <a class="num" href="#row-x" data-row="af:H">12.5%</a>.')
[('H fell to ', None), ('12.5%', 'af:H'), ('.', None)]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from humsec.review.base import Review

__all__ = ["Digest", "Finding", "digest_review", "html_runs"]

#: sections whose figures are maps (the brief shows the first of them)
MAP_SECTIONS = ("maps", "districts")
#: the sections a chart for the brief is taken from, in order of preference
CHART_SECTIONS = ("profile", "left-behind", "interlinkages", "index", "outlook", "hazard", "responses", "voice")


@dataclass(frozen=True)
class Finding:
    """One sentence of the executive summary, with the section that states it and its figure."""

    html: str  # the sentence as in the report (cite() links with data-row)
    section: str  # the section's title
    section_id: str
    figure: tuple[str, str] | None  # (caption, SVG) of that section's first figure


@dataclass(frozen=True)
class Digest:
    title: str
    country: str
    findings: list[Finding]
    map: tuple[str, str] | None  # (caption, SVG)
    chart: tuple[str, str] | None
    strategies: list[dict[str, str]] = field(default_factory=list)  # top rows, with their row id
    more_strategies: int = 0  # recommended strategies the digest leaves out
    map_section: str = "Map"  # the title of the section the map comes from

    def rows(self) -> list[str]:
        """Every row id the findings cite, in order."""
        return [rid for f in self.findings for _, rid in html_runs(f.html) if rid]


def digest_review(review: Review, top_strategies: int = 3) -> Digest:
    """The digest of a built review: every summary finding, the first map, the first chart of the
    preferred sections, and the first ``top_strategies`` recommended strategies."""
    by_id = {s.id: s for s in review.sections}
    findings = []
    for sentence in review.summary:
        home = next((s for s in review.sections if sentence in s.paragraphs), None)
        findings.append(
            Finding(
                html=sentence,
                section=home.title if home else "Summary",
                section_id=home.id if home else "summary",
                figure=home.figures[0] if home and home.figures else None,
            )
        )
    map_home = next((by_id[s] for s in MAP_SECTIONS if s in by_id and by_id[s].figures), None)
    the_map = map_home.figures[0] if map_home else None
    chart = next((by_id[s].figures[0] for s in CHART_SECTIONS if s in by_id and by_id[s].figures), None)
    strategies: list[dict[str, str]] = []
    more = 0
    table = next((t for t in review.tables if t.key == "strategies"), None)
    if table is not None and len(table.frame):
        shown = table.frame.head(top_strategies)
        for _, row in shown.iterrows():
            strategies.append(  # as the report shows them: lead entities by their labels (HCR in French)
                {k: table.display(k, row.get(k)) if k in table.labels else "" if pd.isna(row.get(k)) else str(row.get(k))
                 for k in ("row_id", "name_a", "name_b", "protection", "empowerment", "lead_entities", "target_groups")}
            )  # fmt: skip
        more = len(table.frame) - len(shown)
    return Digest(review.spec.title, review.spec.country, findings, the_map, chart, strategies, more,
                  map_home.title if map_home else "Map")  # fmt: skip


class _Runs(HTMLParser):
    """Text runs of a sentence, each with the row id its link cites (None for plain text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.runs: list[tuple[str, str | None]] = []
        self._row: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":  # a cited number carries its row id; other links (evidence rows) are text
            self._row.append(dict(attrs).get("data-row"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._row:
            self._row.pop()

    def handle_data(self, data: str) -> None:
        row = self._row[-1] if self._row else None
        if self.runs and self.runs[-1][1] == row:
            self.runs[-1] = (self.runs[-1][0] + data, row)
        else:
            self.runs.append((data, row))


def html_runs(sentence: str) -> list[tuple[str, str | None]]:
    """A sentence of the report as (text, cited row id or None) runs."""
    parser = _Runs()
    parser.feed(sentence)
    parser.close()
    return parser.runs

