"""Where the golden reference files are: the copy committed in the repo first, ../shared second.

The reference tables behind the README's headline claims (the INFORM editions, mpitbR's output on
syn_cdta) are committed under ``tests/golden/<name>/`` so that their tests run in a fresh clone.
Large text is committed gzipped (``<file>.gz``); callers get a plain, decompressed file (or folder)
in a per-process cache folder, because the code under test takes plain paths and folders.

>>> reference_path("inform/inform_gri_2020_v040.csv").name
'inform_gri_2020_v040.csv'
>>> (reference_dir("inform/inform_risk_2025_v070_sheets") / "INFORM_Risk_2025_a_z.csv").is_file()
True
"""

from __future__ import annotations

import atexit
import gzip
import shutil
import tempfile
from functools import cache
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent
SHARED = GOLDEN.parents[2] / "shared" / "data"


@cache
def _cache_root() -> Path:
    root = Path(tempfile.mkdtemp(prefix="humsec-golden-"))
    atexit.register(shutil.rmtree, root, True)
    return root


def _plain_copy(gz: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(gz, "rb") as src, target.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    return target


@cache
def reference_path(rel: str, shared_rel: str | None = None) -> Path:
    """A plain file for ``rel`` (relative to tests/golden): the repo copy, else ../shared/data.

    ``shared_rel`` names the file under ../shared/data where it differs from ``rel``. Raises
    FileNotFoundError naming both places when neither holds it (a committed copy went missing).
    """
    plain = GOLDEN / rel
    if plain.is_file():
        return plain
    gz = plain.with_name(plain.name + ".gz")
    if gz.is_file():
        return _plain_copy(gz, _cache_root() / rel)
    shared = SHARED / (shared_rel or rel)
    if shared.is_file():
        return shared
    raise FileNotFoundError(f"golden reference {rel!r}: neither {plain}[.gz] nor {shared} exists")


@cache
def reference_dir(rel: str, shared_rel: str | None = None) -> Path:
    """A folder of plain files for ``rel``: the repo copy (``.gz`` members decompressed), else ../shared."""
    folder = GOLDEN / rel
    if folder.is_dir():
        for member in folder.glob("*.gz"):
            reference_path(f"{rel}/{member.name[: -len('.gz')]}")
        plain = [p for p in folder.iterdir() if p.is_file() and p.suffix != ".gz"]
        target = _cache_root() / rel
        target.mkdir(parents=True, exist_ok=True)
        for p in plain:
            shutil.copy2(p, target / p.name)
        return target
    shared = SHARED / (shared_rel or rel)
    if shared.is_dir():
        return shared
    raise FileNotFoundError(
        f"golden reference folder {rel!r}: neither {folder} nor {shared} exists"
    )
