"""Start-up and speed of `humsec af` (issue 22): what is imported, how the process exits, how
Parquet is read. Not timing tests: each checks the mechanism the timings in docs/af_speed.md
rest on (pandas, numba and scipy together took about 1 s of a 1.15 s `humsec version`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

HEAVY = ("pandas", "numba", "altair", "scipy", "pyarrow", "polars", "matplotlib", "sklearn")


def _modules_after(code: str) -> set[str]:
    """Top-level packages of sys.modules after running ``code`` in a fresh interpreter."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_importing_the_cli_loads_no_heavy_engine() -> None:
    loaded = _modules_after("import humsec.cli.main")
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_importing_humsec_loads_no_heavy_engine() -> None:
    loaded = _modules_after("import humsec")
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


@pytest.mark.parametrize("argv", [["--help"], ["version"], ["af", "--help"]])
def test_help_and_version_load_no_heavy_engine(argv: list[str]) -> None:
    code = (
        "import sys\n"
        f"sys.argv = ['humsec', *{argv!r}]\n"
        "from humsec.cli.main import app\n"
        "try:\n"
        "    app()\n"
        "except SystemExit as exc:\n"
        "    assert exc.code in (0, None), exc.code\n"
    )
    loaded = _modules_after(code)
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_public_names_still_resolve_lazily() -> None:
    import humsec

    for name in humsec.__all__:
        assert getattr(humsec, name) is not None, name
    from humsec import AlkireFoster, datasets

    assert AlkireFoster.__module__ == "humsec.af.engine"
    assert callable(datasets.load_syn_cdta)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        humsec.nope  # noqa: B018


@pytest.mark.parametrize("package", ["humsec.af", "humsec.hazard", "humsec.sae", "humsec.voice"])
def test_every_public_name_of_a_lazy_package_resolves(package: str) -> None:
    """Names published under another name (``INDICATORS as EBP_INDICATORS``) included."""
    import importlib

    module = importlib.import_module(package)
    for name in module.__all__:
        assert getattr(module, name) is not None, (package, name)
        assert name in dir(module), (package, name)


def test_the_cli_skips_the_final_heap_teardown() -> None:
    """Python's final collection of a heap with numba, pandas and scipy took 0.8-3 s after
    `humsec af` had finished; the CLI freezes the heap at exit, so an object kept alive only by
    a reference cycle is no longer collected (its finaliser does not run)."""
    code = (
        "import humsec.cli.main\n"
        "class Noisy:\n"
        "    def __del__(self):\n"
        "        print('collected at exit', flush=True)\n"
        "keep = Noisy()\n"
        "keep.me = keep\n"  # a cycle: only the final collection would free it
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert "collected at exit" not in done.stdout


def test_parquet_is_decoded_through_a_memory_map(tmp_path: Any, monkeypatch: Any) -> None:
    """Buffered reads decoded 50M persons 1.3-1.5x slower than a memory map (docs/af_speed.md)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from humsec.core.survey import read_survey

    path = tmp_path / "s.parquet"
    pq.write_table(pa.table({"d": [0, 1, 1], "w": [1.0, 2.0, 3.0]}), path)
    seen: list[dict[str, Any]] = []
    real = pq.read_table

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(pq, "read_table", spy)
    table = read_survey(path, columns=["d", "w"], arrow=True)
    assert table.frame.column("w").to_pylist() == [1.0, 2.0, 3.0]
    assert seen and seen[0].get("memory_map") is True
