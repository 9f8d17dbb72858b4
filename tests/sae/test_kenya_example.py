"""The Kenya worked example of docs/sae.md runs and its numbers hold together."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sae_kenya_counties.py"


def test_kenya_example(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import pandas as pd

    spec = importlib.util.spec_from_file_location("sae_kenya_counties", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    data = module.county_table()
    assert len(data) == 47 and data["var_assumed"].gt(0).all()
    out = tmp_path / "ken.csv"
    import sys

    argv, sys.argv = sys.argv, ["x", "--out", str(out)]
    try:
        module.main()
    finally:
        sys.argv = argv
    printed = capsys.readouterr().out
    assert "47 areas with a direct estimate" in printed and "sigma2_u 0.00703565" in printed
    t = pd.read_csv(out).merge(data, left_on="area", right_on="adm1_name")
    w = t["population_total_2019"]
    assert float((t["estimate"] * w).sum() / w.sum()) == pytest.approx(0.361)
    assert t["gamma"].between(0.82, 0.90).all()
