"""Write the demo review's brief and an outline of its slides into the docs.

    .venv/bin/humsec review examples/demo-review.yaml --out /tmp/demo-review
    .venv/bin/python benchmarks/review_audiences.py /tmp/demo-review --docs docs/review

Copies ``brief.pdf`` and writes ``slides.md``: per slide its title, its message as the slide
shows it (cited numbers in bold, with the row each links to) and the rows its notes list. The deck
itself (about 1 MB of chart images) is not committed: rebuild it with the first command.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from pptx import Presentation


def outline(deck_path: Path) -> str:
    deck = Presentation(str(deck_path))
    lines = [
        "# The demo review's slides (outline)",
        "",
        "Written by `benchmarks/review_audiences.py` from `slides.pptx` of `humsec review",
        "examples/demo-review.yaml`: every slide's title and message; numbers in bold, each followed",
        "by the row of the report it links to.",
        "",
    ]
    for number, slide in enumerate(deck.slides, start=1):
        title = slide.shapes.title.text if slide.shapes.title is not None else ""
        lines.append(f"## {number}. {title}")
        lines.append("")
        pictures = sum(shape.shape_type == 13 for shape in slide.shapes)
        notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
        cited = iter(notes.split("\n")[0].removeprefix("Rows cited: ").split(", "))  # in citation order
        for shape in slide.shapes:
            if shape == slide.shapes.title:
                continue
            if shape.has_text_frame:
                paragraphs = []
                for paragraph in shape.text_frame.paragraphs:
                    parts = [f"**{r.text}** [{next(cited)}]" if r.hyperlink.address else r.text for r in paragraph.runs]
                    paragraphs.append("".join(parts))
                text = " ".join(paragraphs).strip()
                if text:
                    lines.append(text.replace("\x0b", " "))
                    lines.append("")
            if shape.has_table:
                for i, row in enumerate(shape.table.rows):
                    lines.append("| " + " | ".join(c.text.replace("|", "/") for c in row.cells) + " |")
                    if i == 0:
                        lines.append("|" + "---|" * len(row.cells))
                lines.append("")
        if pictures:
            lines.append(f"*{pictures} chart image(s).*")
            lines.append("")
        if notes:
            lines.append("Notes: " + notes.replace("\n", " "))
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("review_out", type=Path, help="the --out folder of humsec review")
    parser.add_argument("--docs", type=Path, default=Path("docs/review"))
    args = parser.parse_args()
    args.docs.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(args.review_out / "brief.pdf", args.docs / "brief.pdf")
    (args.docs / "slides.md").write_text(outline(args.review_out / "slides.pptx"), encoding="utf-8")
    print(f"wrote {args.docs / 'brief.pdf'} and {args.docs / 'slides.md'}")


if __name__ == "__main__":
    main()
