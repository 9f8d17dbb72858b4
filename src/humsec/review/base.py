"""The parts every section of the review shares: numbers cited with a link to their result row,
sections, the review, and the builder's state (published tables, the executive summary)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from humsec.review.publish import Published
from humsec.review.spec import AreaDataset, ReviewSpec, read_table


# ---------------------------------------------------------------------------- citations
def row_anchor(row_id: str) -> str:
    """An HTML id for a row id (``il:censored33:t2:a~b`` → ``row-il_3acensored33...``)."""
    return "row-" + re.sub(r"[^A-Za-z0-9_-]", lambda m: f"_{ord(m.group()):x}", row_id)


def fmt_value(value: Any, how: str) -> str:
    """Format one number: ``pct`` (share 0–1 as %), ``pp`` (a change of a share 0–1, in signed
    percentage points), ``pct100`` (already %), ``int``, ``f2``, ``f3``."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)) or pd.isna(value):
        return ""
    v = float(value)
    if how == "pct":
        return f"{100 * v:.1f}%"
    if how == "pp":
        return f"{100 * v:+.1f} pp".replace("-", "−")
    if how == "pct100":
        return f"{v:.1f}%"
    if how == "int":
        return f"{v:,.0f}"
    if how.startswith("f") and how[1:].isdigit():
        return f"{v:.{int(how[1:])}f}"
    return f"{v:g}"


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


def esc(text: Any) -> str:
    return html.escape(str(text))


# ---------------------------------------------------------------------------- the builder's state
class BuilderBase:
    """What the section builders share: the review file, the sections, the executive summary
    (``facts``) and every published table."""

    def __init__(self, spec: ReviewSpec) -> None:
        self.spec = spec
        self.rules = spec.rules
        self.sections: dict[str, Section] = {}
        self.facts: list[str] = []
        self.published: list[Published] = []
        self.links: Any = None  # published InterlinkageResult
        self.lb: Any = None  # published LeftBehindResult
        self.geo: dict[str, Any] | None = None
        self.names: dict[str, str] = {}

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
        for col in ds.indicators:
            out[col] = pd.to_numeric(out[col], errors="coerce")
        return out
