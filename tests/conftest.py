from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run (derived from each test's name), so a CI run
# never fails on a draw that the last one did not make; `make explore` draws new ones
# (HYPOTHESIS_PROFILE=explore), to look for what the fixed draws miss.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

# reference-generating scripts beside the golden numbers are not tests
collect_ignore_glob = ["golden/*/*.py"]

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"

#: test folders that need an optional extra: folder under tests/ -> (module it imports, extra).
#: Without it the folder is not collected (its conftest imports the module) and the run says
#: which extra to install, instead of failing on ImportError.
NEEDS_EXTRA = {"web": ("django", "web")}
_NOT_COLLECTED: list[str] = []


def missing_extra(folder: Path) -> str | None:
    """The reason ``folder`` cannot run here (naming the extra to install), or None."""
    for name, (module, extra) in NEEDS_EXTRA.items():
        needing = ROOT / "tests" / name
        inside = folder == needing or needing in folder.parents
        if inside and importlib.util.find_spec(module) is None:
            return f"tests/{name} needs the '{extra}' extra: pip install -e '.[{extra}]'"
    return None


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    reason = missing_extra(collection_path)
    if reason is None:
        return None
    if reason not in _NOT_COLLECTED:
        _NOT_COLLECTED.append(reason)
    return True


def pytest_terminal_summary(terminalreporter) -> None:
    for reason in _NOT_COLLECTED:
        terminalreporter.write_line(f"SKIPPED (not collected) {reason}", yellow=True)


@pytest.fixture(scope="session")
def syn_cdta():
    import humsec

    return humsec.datasets.load_syn_cdta()


@pytest.fixture(scope="session")
def syn_spec():
    import humsec

    return humsec.datasets.syn_cdta_spec()


@pytest.fixture(scope="session")
def syn_result(syn_cdta, syn_spec):
    import humsec

    return humsec.AlkireFoster(syn_spec).fit(syn_cdta, over=["area", "region"])
