"""What every file reader checks first: that the file holds something to read.

A 0-byte file (a failed download, an export cut short) otherwise ends in a parser's own error
(``csv.Error: Could not determine delimiter``, pandas' ``EmptyDataError``) as a traceback.

>>> import tempfile, pathlib
>>> empty = pathlib.Path(tempfile.mkdtemp()) / "needs.csv"
>>> _ = empty.write_bytes(b"")
>>> require_content(empty)
Traceback (most recent call last):
humsec.exceptions.DataError: needs.csv is empty (0 bytes): expected a table with a header row.
"""

from __future__ import annotations

import gzip
from pathlib import Path

from humsec.exceptions import DataError


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
