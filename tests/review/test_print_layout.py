"""The printed review (A4, WeasyPrint) leaves no page almost blank (issue 21, defect 9: page 2 of the
demo PDF held one line, the end of the survey note, because every section was forced onto a new page).

The report's own template is laid out for print with summaries and sections of many lengths; every
page but the last must be at least a third full (a tall chart that does not fit may leave the rest of
a page empty, never more).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from humsec.core.disclosure import DisclosureRules
from humsec.review.base import Review, Section
from humsec.review.html import render_review_html
from humsec.review.publish import publish
from humsec.review.spec import ReviewSpec, SurveyPart

MIN_FILL = 1 / 3
SENTENCE = (
    "In the latest survey round of the survey, a share of people are multidimensionally insecure, "
    "deprived in at least a third of the weighted indicators, with the interval given in the table."
)


def _review(n_facts: int, n_rows: int) -> Review:
    spec = ReviewSpec(title="Layout", source=Path("review.yaml"), country="Kenya")
    spec.survey = SurveyPart(
        name="s", spec_path=Path("s.yaml"), data_path=Path("s.csv"), over=("region",), k=33.0,
        left_behind={}, note=" ".join([SENTENCE] * 3),
    )  # fmt: skip
    table = publish(
        "t", "A table", pd.DataFrame({"row_id": [f"r{i}" for i in range(n_rows)],
                                      "estimate": 0.2, "se": 0.01, "n": 500}),
        "estimates", DisclosureRules(), formats={"estimate": "f3", "n": "int"},
    )  # fmt: skip
    sections = [
        Section(sid, title, paragraphs=[SENTENCE] * (2 + i), tables=[table] if i % 2 else [])
        for i, (sid, title) in enumerate(
            [("profile", "Profile"), ("maps", "Maps"), ("left-behind", "Left behind"),
             ("interlinkages", "Interlinked threats")]
        )
    ]  # fmt: skip
    versions = {"humsec": "test"}
    return Review(spec, [SENTENCE] * n_facts, sections, [], versions, [table])


def _fills(page: str) -> list[float]:
    """How full each printed page is: the lowest line, row or chart, as a share of the text area."""
    import weasyprint

    def boxes(box: Any) -> list[Any]:
        return [box, *(b for c in getattr(box, "children", None) or [] for b in boxes(c))]

    out = []
    for p in weasyprint.HTML(string=page).render().pages:
        pb = p._page_box
        top, bottom = pb.margin_top, pb.margin_height() - pb.margin_bottom
        ends = [
            b.position_y + b.margin_height()
            for b in boxes(pb)
            if type(b).__name__ in ("LineBox", "TableRowBox")
            or type(b).__name__.endswith("ReplacedBox")
            if b.position_y < bottom - 1  # not the page-number footer
        ]
        out.append((max(ends) - top) / (bottom - top) if ends else 0.0)
    return out


@pytest.mark.parametrize(("n_facts", "n_rows"), [(12, 8), (9, 30)])
def test_no_page_is_almost_blank(n_facts: int, n_rows: int) -> None:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        pytest.skip(f"WeasyPrint cannot run here: {exc}")
    fills = _fills(render_review_html(_review(n_facts, n_rows)))
    assert len(fills) >= 2  # the layout has several pages, or the test proves little
    blank = [(i + 1, round(f, 2)) for i, f in enumerate(fills[:-1]) if f < MIN_FILL]
    assert not blank, f"pages almost blank (page, share filled): {blank} of {len(fills)}"
