"""`humsec index coinr-asem` honours every option of `humsec index` (issue 21, defect 2): it used to
ignore --uncertainty, --html, --round and --boundaries silently."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from humsec.cli.main import app
from humsec.index.coinr_asem import build_coinr_asem

ASEM = resources.files("humsec.datasets") / "coinr_asem" / "ASEM_iData.csv"


def _square(x: float) -> list[list[list[float]]]:
    return [[[x, 0.0], [x + 1, 0.0], [x + 1, 1.0], [x, 1.0], [x, 0.0]]]


def test_scores_still_equal_the_construction_pipeline(tmp_path):
    out = tmp_path / "asem.csv"
    res = CliRunner().invoke(app, ["index", "coinr-asem", str(ASEM), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "imputed cells 65; Winsorised points 35" in res.output
    table = pd.read_csv(out).pivot(index="unit", columns="node", values="score")
    expected = build_coinr_asem().scores
    assert table.shape == expected.shape == (51, 11)
    np.testing.assert_allclose(table[expected.columns].loc[expected.index], expected, atol=1e-9)


def test_uncertainty_round_html_and_boundaries_work(tmp_path):
    geo = tmp_path / "two.geojson"
    features = [
        {
            "type": "Feature",
            "properties": {"iso_a3": code},
            "geometry": {"type": "Polygon", "coordinates": _square(i)},
        }
        for i, code in enumerate(["CHE", "NLD"])
    ]
    geo.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    out, page = tmp_path / "asem.csv", tmp_path / "asem.html"
    args = [
        "index",
        "coinr-asem",
        str(ASEM),
        "--out",
        str(out),
        "--round",
        "1",
        "--uncertainty",
        "40",
        "--seed",
        "1",
        "--html",
        str(page),
        "--boundaries",
        str(geo),
    ]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out)
    assert {"score_low", "score_high", "rank_low", "rank_high"} <= set(table.columns)
    np.testing.assert_allclose(table["score"], table["score"].round(1), atol=1e-9)
    # bounds on COINr's 0-100 scale
    assert table["score_low"].between(0, 100).all() and table["score_high"].between(0, 100).all()
    assert (tmp_path / "asem_sensitivity.csv").exists()
    html = page.read_text(encoding="utf-8")
    assert "<svg" in html and "Map" in html and "Sensitivity" in html


def test_bad_asem_data_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"country": ["A"], "x": [1.0]}).to_csv(bad, index=False)
    res = CliRunner().invoke(app, ["index", "coinr-asem", str(bad)])
    assert res.exit_code != 0
    assert "uCode" in res.output
