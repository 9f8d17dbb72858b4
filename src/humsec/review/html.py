"""The review as one self-contained HTML file (inline SVG charts, inline CSS, no script, no external
request) and, from the same HTML, a PDF (WeasyPrint).

Tables show each row's id (the anchor the executive summary links to); suppressed cells read
"suppressed" and flagged values stand in parentheses (the DHS convention), with the reason in the
row's SDC column.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from humsec.core.errors import HumsecError
from humsec.core.i18n import N_, Translator, active_translator, translator, using
from humsec.review.build import fmt_value, row_anchor

if TYPE_CHECKING:
    from humsec.review.build import Review
    from humsec.review.publish import Published

__all__ = ["render_review_html", "sdc_words", "table_html", "weasyprint_module", "write_pdf"]

#: the words of a table's SDC column, shown in the report's language (the CSV keeps the codes)
_SDC_MARKS = {"ok": "", "flag": N_("flag"), "suppressed": N_("suppressed"), "secondary": N_("secondary")}
_SUPPRESSED, _NOT_AVAILABLE = N_("suppressed"), N_("n.a.")


def sdc_words(reason: str, tr: Translator) -> str:
    """A row's disclosure-control reason (:func:`humsec.core.disclosure.apply_disclosure_control`
    writes them in English, as the CSV keeps them) in the report's language.

    >>> sdc_words("complement of a suppressed cell (measure, k)", translator("fr"))
    'complément d’une cellule supprimée (measure, k)'
    """
    if reason == "published aggregate":
        return tr.gettext(N_("published aggregate"))
    complement = re.fullmatch(r"complement of a suppressed cell \((.*)\)", reason)
    if complement:
        return str(tr.text(N_("complement of a suppressed cell (%(keys)s)").fill(keys=complement.group(1))))
    return reason  # "n < 50", "CV 0.35 > 0.3": symbols and numbers


def table_html(pub: Published, max_rows: int = 60) -> str:
    """One published table as HTML (row ids as anchors, suppressed and flagged cells marked), its
    words in the active translator's language (:func:`humsec.core.i18n.using`)."""
    tr = active_translator()
    f = pub.frame
    cols = pub.columns or {c: c for c in f.columns if c not in ("sdc_status", "sdc_reason")}
    cols = {c: h for c, h in cols.items() if c in f.columns}
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in cols.values()) + '<th scope="col">SDC</th>'
    body = []
    for _, row in f.head(max_rows).iterrows():
        status = str(row.get("sdc_status", "ok"))
        hidden = status in ("suppressed", "secondary")
        cells = []
        for c in cols:
            v = row[c]
            if c == "row_id":
                shown = re.sub(r"([:~|=+])", r"\1<wbr>", html.escape(str(v)))  # break at separators
                cells.append(f'<td class="rid"><code>{shown}</code></td>')
                continue
            how = pub.formats.get(c)
            if how is not None and hidden:
                cells.append(f'<td class="sup">{html.escape(tr.gettext(_SUPPRESSED))}</td>')
            elif how is not None:
                text = fmt_value(v, how) or tr.gettext(_NOT_AVAILABLE)  # a missing value is said, never a blank cell
                cells.append(f'<td class="n">{"(" + text + ")" if status == "flag" and text else text}</td>')
            else:
                text = html.escape(pub.display(c, v) if c in pub.labels else "" if pd.isna(v) else str(v))
                text = re.sub(r"([_.;/:~])(?=\S)", r"\1<wbr>", text)  # long names may wrap
                cells.append(f"<td>{text}</td>")
        reason = sdc_words(str(row.get("sdc_reason", "")), tr)
        mark = tr.text(_SDC_MARKS.get(status, status))
        title = f' title="{html.escape(reason)}"' if reason else ""
        cells.append(f'<td class="sdc"{title}>{html.escape(mark)}{" · " + html.escape(reason) if reason and status != "ok" else ""}</td>')
        body.append(f'<tr id="{row_anchor(str(row["row_id"]))}">' + "".join(cells) + "</tr>")
    more = len(f) - max_rows
    foot = (
        '<p class="small">'
        + html.escape(tr.text(N_("%(n)s more row(s) in %(file)s").fill(n=more, file=f"tables/{pub.key}.csv")))
        + "</p>"
        if more > 0
        else ""
    )
    return f'<table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>{foot}'


def template_environment(tr: Translator) -> Environment:
    """The review's Jinja templates, their strings translated by ``tr`` (``{{ _("…") }}``)."""
    env = Environment(
        loader=PackageLoader("humsec.review", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(tr.gettext, tr.ngettext, newstyle=True)  # type: ignore[attr-defined]
    return env


def render_review_html(review: Review, tr: Translator | None = None) -> str:
    """The whole report (Jinja template ``review.html.j2``) in the language of ``tr`` (default:
    the review file's ``language``); strings without a translation stay English, listed in
    ``tr.missing``."""
    tr = tr or translator(review.spec.language)
    with using(tr):
        return _render(review, tr)


def _render(review: Review, tr: Translator) -> str:
    env = template_environment(tr)
    template = env.get_template("review.html.j2")
    sections = [
        {
            "id": s.id,
            "title": s.title,
            "paragraphs": [Markup(p) for p in s.paragraphs],
            "figures": [(c, Markup(svg)) for c, svg in s.figures],
            "tables": [(t.title, t.note, Markup(table_html(t))) for t in s.tables],
            "notes": s.notes,
            "skipped": s.skipped,
        }
        for s in review.sections
    ]
    rules = review.spec.rules
    return template.render(
        lang=tr.code,
        dir=tr.direction,
        text=tr.text,  # words marked for translation where they were made (N_)
        title=review.spec.title,
        country=review.spec.country,
        summary=[Markup(s) for s in review.summary],
        sections=sections,
        sources=review.sources,
        versions=review.versions,
        rules=rules,
        survey=review.spec.survey,
        boundaries=review.spec.boundaries_label,
        builtin_boundaries=review.spec.builtin_boundaries,
        spec=review.spec,  # which parts the review has: Methods names only the methods it used
        tables=[(t.key, t.title, len(t.frame), t.counts()) for t in review.tables],
    )


def weasyprint_module() -> Any:
    """WeasyPrint, or a clear error saying what to install."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the pango library is missing
        raise HumsecError(
            f"Cannot write the PDF: WeasyPrint is not usable ({exc}). Install it with pip and the "
            "Debian packages libpango-1.0-0 and libpangoft2-1.0-0 (make install does both)."
        ) from None
    return weasyprint


def write_pdf(page: str, path: Path) -> None:
    """Print the HTML page to PDF with WeasyPrint (no network: every asset is inline)."""
    weasyprint = weasyprint_module()

    def no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
        raise HumsecError(f"the report refers to an external resource {url!r}; it must be self-contained")

    weasyprint.HTML(string=page, url_fetcher=no_fetch).write_pdf(path)
