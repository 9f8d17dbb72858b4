"""What every file reader checks first: that the file holds something to read.

A 0-byte file (a failed download, an export cut short) otherwise ends in a parser's own error
(``csv.Error: Could not determine delimiter``, pandas' ``EmptyDataError``) as a traceback.

>>> import tempfile, pathlib
>>> empty = pathlib.Path(tempfile.mkdtemp()) / "needs.csv"
>>> _ = empty.write_bytes(b"")
>>> require_content(empty)
Traceback (most recent call last):
humsec.core.errors.DataError: needs.csv is empty (0 bytes): expected a table with a header row.

Every YAML or JSON file humsec reads (specifications, models, rules, name maps, GeoJSON) goes
through :func:`read_config`, so a missing file, a folder, an empty file, a wrong encoding and a
syntax error read the same in every command: the file, the line and what was expected.

>>> bad = pathlib.Path(tempfile.mkdtemp()) / "rules.yaml"
>>> _ = bad.write_text("rules:\\n  - name: dry\\n   when: [\\n")
>>> read_config(bad, what="a trigger rule file")
Traceback (most recent call last):
humsec.core.errors.SpecError: 1 problem(s) in the specification in rules.yaml:
  - file: cannot parse as YAML (line 3, column 4): expected a trigger rule file
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from humsec.core.errors import DataError, SpecError


def require_content(path: str | Path) -> None:
    """Raise ``DataError`` naming ``path`` when it is empty or holds only blank space (gzip read through)."""
    p = Path(path)
    if p.is_dir():
        raise DataError(f"{p} is a folder: expected a table file.")
    opener = gzip.open if p.name.lower().endswith(".gz") else open
    with opener(p, "rb") as fh:
        head = fh.read(4096)
    if not head.strip():
        size = "0 bytes" if not head else "only blank space"
        raise DataError(f"{p.name} is empty ({size}): expected a table with a header row.")


def csv_parser_message(path: Any, exc: Exception) -> str:
    """A pandas CSV parser error as one sentence naming the file and the line.

    >>> csv_parser_message(Path("a.csv"), ValueError("Expected 2 fields in line 3, saw 3"))
    'a.csv, line 3: 3 fields where the header has 2; expected one value per column (a stray separator, or a text with the separator that is not quoted?).'
    """
    import re

    name = Path(str(getattr(path, "name", path))).name
    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
    if found is None:
        return f"{name} cannot be read as a table: {str(exc).strip()}."
    expected, line, saw = found.groups()
    return (
        f"{name}, line {line}: {saw} fields where the header has {expected}; expected one "
        "value per column (a stray separator, or a text with the separator that is not quoted?)."
    )


def read_config(path: str | Path, *, what: str = "a YAML or JSON file", json_only: bool = False) -> Any:
    """Parse a YAML (``.yaml``/``.yml``) or JSON (``.json``, ``.geojson``; ``.gz`` read through)
    file; one clear error otherwise.

    ``what`` names the expected content in messages ("an AF specification"). JSON is read as JSON
    (its error positions are exact); anything else as YAML, which also reads JSON.
    """
    p = Path(path)
    if p.is_dir():
        raise SpecError([("file", f"is a folder: expected {what}")], source=p.name)
    try:
        raw = p.read_bytes()
        if p.suffix.lower() == ".gz":  # boundaries ship gzipped; the format is the inner suffix
            raw = gzip.decompress(raw)
    except FileNotFoundError:
        raise SpecError([("file", f"no such file: {p}")], source=str(p)) from None
    except OSError as exc:
        reason = exc.strerror or f"not a gzip file ({exc})"
        raise SpecError([("file", f"cannot be read ({reason})")], source=str(p)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        msg = f"is not UTF-8 text (byte {exc.start}): expected {what}; save it as UTF-8"
        raise SpecError([("file", msg)], source=p.name) from None
    if not text.strip():
        raise SpecError([("file", f"is empty: expected {what}")], source=p.name)
    inner = Path(p.name[: -len(".gz")]) if p.suffix.lower() == ".gz" else p
    if json_only or inner.suffix.lower() in (".json", ".geojson"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            msg = f"cannot parse as JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}; expected {what}"
            raise SpecError([("file", msg)], source=p.name) from None
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        msg = f"cannot parse as YAML{where}: expected {what}"
        raise SpecError([("file", msg)], source=p.name) from None
