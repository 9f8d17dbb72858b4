"""The parts every section of the review shares: numbers cited with a link to their result row,
sections, the review, and the builder's state (published tables, the executive summary)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from humsec.core.errors import DataError
from humsec.core.i18n import Translator, active_translator, translator
from humsec.review.publish import Published
from humsec.review.spec import AreaDataset, ReviewSpec, read_table


# ---------------------------------------------------------------------------- citations
def row_anchor(row_id: str) -> str:
    """An HTML id for a row id (``il:censored33:t2:a~b`` → ``row-il_3acensored33...``)."""
    return "row-" + re.sub(r"[^A-Za-z0-9_-]", lambda m: f"_{ord(m.group()):x}", row_id)


def fmt_value(value: Any, how: str) -> str:
    """Format one number: ``pct`` (share 0–1 as %), ``pp`` (a change of a share 0–1, in signed
    percentage points), ``pct100`` (already %), ``int``, ``f2``, ``f3``; in the language of the
    active translator (:func:`humsec.core.i18n.using`; English outside one). A missing value is ''.

    >>> fmt_value(0.1234, "pct"), fmt_value(-0.012, "pp"), fmt_value(float("nan"), "f3")
    ('12.3%', '−1.2 pp', '')
    """
    if value is None or (isinstance(value, float) and not np.isfinite(value)) or pd.isna(value):
        return ""
    return active_translator().number(float(value), how)


def cite(value: Any, row_id: str, how: str = "f3") -> str:
    """A number in running text, linked to its result row (HTML)."""
    text = html.escape(fmt_value(value, how))
    rid = html.escape(row_id)
    return (
        f'<a class="num" href="#{row_anchor(row_id)}" data-row="{rid}" title="row {rid}">{text}</a>'
    )


# ---------------------------------------------------------------------------- structure
@dataclass
class Section:
    id: str
    title: str
    paragraphs: list[str] = field(default_factory=list)  # HTML (escaped text and cite() links)
    figures: list[tuple[str, str]] = field(default_factory=list)  # caption, SVG
    tables: list[Published] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # plain text
    skipped: str = ""  # why the section is not there


@dataclass
class Review:
    spec: ReviewSpec
    summary: list[str]  # HTML sentences of the executive summary
    sections: list[Section]
    sources: list[dict[str, str]]
    versions: dict[str, str]
    tables: list[Published]

    def cited_rows(self) -> list[str]:
        return re.findall(r'data-row="([^"]+)"', " ".join(self.summary))


#: cells that mean "no value" in published statistics (World Bank '..', UN 'n.a.', Excel '#N/A')
MISSING_CELLS = frozenset({"", "na", "n/a", "n.a.", "n.a", "nan", "null", "none", "..", "-", "–", "—", "#n/a"})


def indicator_numbers(
    values: pd.Series, column: str, source: str, rows: list[int]
) -> tuple[pd.Series, str]:
    """An area file's indicator column as numbers, and a note on the cells marked missing.

    A cell that is neither a number nor a missing marker (:data:`MISSING_CELLS`) is an error
    naming the file, column and line: a review never publishes a value it could not read as blank.

    >>> s, note = indicator_numbers(pd.Series(["1.5", "n.a.", " 2 "]), "rate", "f.csv", [2, 3, 4])
    >>> s.tolist()[0], note
    (1.5, "f.csv, column 'rate': 1 cell(s) marked missing ('n.a.'), published as n.a.")
    """
    if pd.api.types.is_numeric_dtype(values):
        numbers = values.astype(float)
        marked = values.isna()
    else:
        text = values.astype("string").str.strip()
        marked = text.isna() | text.str.lower().isin(MISSING_CELLS).fillna(True)
        numbers = pd.to_numeric(text.mask(marked), errors="coerce").astype(float)
        bad = numbers.isna() & ~marked
        if bad.any():
            at = [rows[i] for i in np.flatnonzero(bad.to_numpy())[:5]]
            found = sorted({str(v) for v in values[bad].head(5)})
            msg = (
                f"{source}, column {column!r}: expected numbers (or a missing marker such as "
                f"'n.a.' or an empty cell); found {found} at line(s) {at}."
            )
            raise DataError(msg)
    infinite = np.isinf(numbers.to_numpy())
    if infinite.any():
        at = [rows[i] for i in np.flatnonzero(infinite)[:5]]
        raise DataError(f"{source}, column {column!r}: expected finite numbers; found inf at line(s) {at}.")
    if not marked.any():
        return numbers, ""
    shown = {"empty" if pd.isna(v) or not str(v).strip() else repr(str(v).strip()) for v in values[marked]}
    markers = ", ".join(sorted(shown))
    note = f"{source}, column {column!r}: {int(marked.sum())} cell(s) marked missing ({markers}), published as n.a."
    return numbers, note


def esc(text: Any) -> str:
    return html.escape(str(text))


# ---------------------------------------------------------------------------- the builder's state
class BuilderBase:
    """What the section builders share: the review file, the sections, the executive summary
    (``facts``) and every published table."""

    def __init__(self, spec: ReviewSpec, tr: Translator | None = None) -> None:
        self.spec = spec
        self.tr = tr or translator(spec.language)  # the language of the report's sentences
        self.rules = spec.rules
        self.sections: dict[str, Section] = {}
        self.facts: list[str] = []
        self.published: list[Published] = []
        self.links: Any = None  # published InterlinkageResult
        self.lb: Any = None  # published LeftBehindResult
        self.geo: dict[str, Any] | None = None
        self.names: dict[str, str] = {}
        # cells an area file marks as missing ('n.a.', '..'), per data set and column: said in
        # the maps section, so that a blank cell of a published table is never unexplained
        self.missing_notes: dict[tuple[str, str], str] = {}

    def phrase(self, message: str, **values: Any) -> str:
        """A sentence of the report in its language: ``message`` (English, with ``%(name)s``
        placeholders; marked for extraction by its caller's ``_()``-style keyword) translated, then
        the values put in (already HTML: cited numbers, escaped names)."""
        return self.tr.gettext(message) % values

    def headings(self, columns: dict[str, str]) -> dict[str, str]:
        """A table's column headings in the report's language: those marked with ``N_()``
        translated, the others (a data file's own labels, round names) as they are."""
        return self.tr.texts(columns)

    def svg(self, chart: Any) -> str:
        """A chart drawn for the report's language: its numbers and dates formatted for it, and
        mirrored for a right-to-left language (:func:`humsec.core.charts.to_svg`)."""
        from humsec.core.charts import to_svg

        return to_svg(chart, language=self.tr.code)

    def joined(self, items: list[str]) -> str:
        """Items joined by the language's "and" (``a and b and c``)."""
        out = items[0]
        for item in items[1:]:
            out = self.phrase("%(first)s and %(next)s", first=out, next=item)
        return out

    def section(self, sid: str, title: str) -> Section:
        return self.sections.setdefault(sid, Section(sid, title))

    def state(self, section: Section, sentence: str) -> None:
        """A finding: written in its section and repeated in the executive summary."""
        section.paragraphs.append(sentence)
        self.facts.append(sentence)

    def add(self, section: Section, table: Published) -> Published:
        section.tables.append(table)
        self.published.append(table)
        return table

    def area_frame(self, ds: AreaDataset, latest: bool = True) -> pd.DataFrame:
        """One data set's table: filtered, area codes as text, one row per area (latest time)."""
        t = read_table(ds.path, ds.skiprows)
        for col, value in ds.filter.items():
            t = t[t[col].astype(str) == str(value)]
        t = t.copy()
        # the review file's boundaries.names turn the table's names into the boundaries' key
        t["area"] = t[ds.area].astype(str).str.strip().replace(self.spec.area_names)
        if ds.time:
            t["time"] = t[ds.time].astype(str)
            t["_order"] = pd.to_datetime(t["time"], errors="coerce", format="mixed")
            t = t.sort_values(["_order", "area"])
            if latest:
                t = t[t["time"] == t["time"].iloc[-1]]
        t["area_name"] = t[ds.name].astype(str) if ds.name else t["area"].map(self.names)
        suffix = t["time"].str.replace(" ", "") if ds.time else ""
        t["row_id"] = f"area:{ds.id}:" + t["area"] + (":" + suffix if ds.time else "")
        keep = [
            "row_id",
            "area",
            "area_name",
            *(["time"] if ds.time else []),
            *([ds.population] if ds.population else []),
            *ds.indicators,
        ]
        out = t[list(dict.fromkeys(keep))].reset_index(drop=True)
        rows = (t.index.to_numpy() + 2 + len(ds.skiprows)).tolist()  # file lines (header is 1)
        for col in ds.indicators:
            out[col], note = indicator_numbers(out[col], col, ds.path.name, rows)
            if note:
                self.missing_notes[(ds.id, col)] = note
        return out
