"""Writing outputs safely: to a temporary file beside the target, then moved in place.

An error half-way (or a crash) never leaves a half-written table behind.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "out" / "t.txt"
>>> _ = write_atomic(p, lambda tmp: tmp.write_text("ok"))
>>> p.read_text()
'ok'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from humsec.core.errors import DataError

__all__ = ["write_all", "write_atomic"]


def write_atomic(path: str | Path, write: Callable[[Path], Any]) -> Path:
    """Call ``write(tmp)`` on a temporary path beside ``path``, then move it to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{path.suffix}")
    try:
        write(tmp)
        tmp.replace(path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def write_all(writers: Sequence[tuple[str | Path, Callable[[Path], Any]]]) -> list[Path]:
    """Write every output or none: each ``write(tmp)`` to a temporary file beside its target, and
    only when all have succeeded are they moved in place. A target that cannot be written (no
    folder, no permission, a file where a folder should be) is a ``DataError`` naming it, and no
    output is left behind, not even the ones before it.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> (d / "blocker").write_text("a file, not a folder")
    20
    >>> write_all([(d / "a.txt", lambda t: t.write_text("a")),
    ...            (d / "blocker" / "b.txt", lambda t: t.write_text("b"))])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    humsec.core.errors.DataError: Cannot write .../blocker/b.txt: ...
    >>> (d / "a.txt").exists()
    False
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for target, write in writers:
            path = Path(target)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_name(f".{path.name}.tmp{path.suffix}")
                staged.append((tmp, path))
                write(tmp)
            except OSError as exc:
                where = f" ({exc.filename})" if exc.filename not in (None, str(path)) else ""
                raise DataError(f"Cannot write {path}: {exc.strerror or exc}{where}.") from exc
        for tmp, path in staged:
            tmp.replace(path)
        return [path for _, path in staged]
    finally:
        for tmp, _ in staged:
            if tmp.exists():
                tmp.unlink()
