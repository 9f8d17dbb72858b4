from __future__ import annotations

from pathlib import Path

import pytest

# reference-generating scripts beside the golden numbers are not tests
collect_ignore_glob = ["golden/*/*.py"]

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"


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
