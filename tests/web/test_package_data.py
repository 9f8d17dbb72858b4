"""The wheel carries the platform: every non-Python file under src/humsec_web (templates, static
files, demo data) matches a package-data pattern, and every folder with Python files (migrations
included) is a package that setuptools finds. (Checked by building the wheel and serving from it
once by hand: docs/platform.md, "The wheel".)"""

from __future__ import annotations

from fnmatch import fnmatch
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "src" / "humsec_web"


def _matches(relative: str, pattern: str) -> bool:
    # setuptools globs: '*' does not cross '/'
    parts, pattern_parts = relative.split("/"), pattern.split("/")
    return len(parts) == len(pattern_parts) and all(map(fnmatch, parts, pattern_parts))


def _files() -> list[Path]:
    return [p for p in WEB.rglob("*") if p.is_file() and "__pycache__" not in p.parts]


def test_every_data_file_is_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["humsec_web"]
    data = [p.relative_to(WEB).as_posix() for p in _files() if p.suffix != ".py"]
    assert any(d.startswith("templates/") for d in data) and any(d.startswith("static/") for d in data)
    missing = [d for d in data if not any(_matches(d, pat) for pat in patterns)]
    assert not missing, f"not in the wheel (add to [tool.setuptools.package-data]): {missing}"


def test_every_python_folder_is_a_package():
    folders = {p.parent for p in _files() if p.suffix == ".py"}
    assert any(f.name == "migrations" for f in folders)
    missing = sorted(str(f.relative_to(WEB)) for f in folders if not (f / "__init__.py").exists())
    assert not missing, f"folders without __init__.py are left out of the wheel: {missing}"
