"""The two-page brief of a review (``brief.pdf``): key findings with their numbers, one map, one
chart and the top strategies, for decision makers.

Built from the review's :class:`~humsec.review.digest.Digest`: the findings are the executive
summary's sentences, their numbers the same links to the same rows (pointing into ``review.html``
beside the brief). The brief must fit two A4 pages: when every finding does not fit, the last
findings give way (the brief then says how many more the full report holds), never the map,
the chart or the strategies.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from humsec.core.i18n import Translator, translator
from humsec.review.base import row_anchor
from humsec.review.html import template_environment

if TYPE_CHECKING:
    from humsec.review.digest import Digest

__all__ = ["BRIEF_PAGES", "brief_pages", "render_brief_html", "write_brief_pdf"]

#: the most pages a brief may take
BRIEF_PAGES = 2


def render_brief_html(digest: Digest, findings: int | None = None, tr: Translator | None = None) -> str:
    """The brief as one self-contained HTML page (its first ``findings`` findings; all by default),
    in the language of ``tr`` (default English).

    Cited numbers link to ``review.html#row-…``, the report beside it.
    """
    tr = tr or translator("en")
    env = template_environment(tr)
    shown = digest.findings if findings is None else digest.findings[:findings]
    figures = [f for f in (digest.map, digest.chart) if f is not None]
    return env.get_template("brief.html.j2").render(
        lang=tr.code,
        dir=tr.direction,
        title=digest.title,
        country=digest.country,
        findings=[
            {"html": Markup(f.html.replace('href="#row-', 'href="review.html#row-')), "section": f.section}
            for f in shown
        ],
        more=len(digest.findings) - len(shown),
        figures=[(caption, Markup(svg)) for caption, svg in figures],
        strategies=[{**s, "anchor": row_anchor(s["row_id"])} for s in digest.strategies],
        more_strategies=digest.more_strategies,
    )


def _document(page: str) -> Any:
    from humsec.review.html import weasyprint_module

    weasyprint = weasyprint_module()
    return weasyprint.HTML(string=page, url_fetcher=_no_fetch).render()


def _no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    from humsec.core.errors import HumsecError

    raise HumsecError(f"the brief refers to an external resource {url!r}; it must be self-contained")


def brief_pages(page: str) -> int:
    """How many A4 pages the brief's HTML prints on."""
    return len(_document(page).pages)


def fit_brief(digest: Digest, tr: Translator | None = None) -> tuple[str, Any]:
    """The brief's HTML with as many findings as fit :data:`BRIEF_PAGES` pages, and its document."""
    count = len(digest.findings)
    while True:
        page = render_brief_html(digest, count, tr)
        document = _document(page)
        if len(document.pages) <= BRIEF_PAGES or count == 0:
            return page, document
        count -= 1


def write_brief_pdf(digest: Digest, path: Path, tr: Translator | None = None) -> str:
    """Print the brief to ``path`` (PDF, at most two pages when the map, chart and strategies fit);
    returns the HTML that was printed."""
    page, document = fit_brief(digest, tr)
    document.write_pdf(path)
    return page
