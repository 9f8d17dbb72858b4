"""Library messages never name CLI flags (issue 19): a Python user who calls ``tune(years=3)`` is
told about ``years``, not ``--years``. The CLI modules (``*/cli.py``, ``humsec/cli/``) translate a
parameter to its option where they need to. Docstrings may show command lines and are not checked."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import humsec

FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
SRC = Path(humsec.__file__).parent


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and body:
            first = body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def flags_in_library_strings() -> list[str]:
    hits = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        if path.name == "cli.py" or rel.parts[0] == "cli":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
                hits += [f"{rel}:{node.lineno}: {flag}" for flag in FLAG.findall(node.value)]
    return hits


def test_library_strings_name_no_cli_flag() -> None:
    assert flags_in_library_strings() == []


def test_the_check_finds_a_flag() -> None:
    tree = ast.parse('def f():\n    """Run humsec x --k 33."""\n    raise ValueError("use --k 33")\n')
    docs = _docstrings(tree)
    found = [FLAG.findall(n.value) for n in ast.walk(tree) if isinstance(n, ast.Constant) and id(n) not in docs]
    assert found == [["--k"]]
