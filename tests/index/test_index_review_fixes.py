"""Review findings on `humsec index` (issue 21 defects 2 and 6, follow-up): bad option values are
one clear error (exit 2, nothing written), --round rounds the interval bounds too, the map names
the units it cannot draw, and the operator-direction figures docs/index.md quotes."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from humsec.cli.main import app

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
INFORM_2025 = DATA / "inform" / "inform_risk_2025_v070_sheets" / "INFORM_Risk_2025_a_z.csv"
NE_11 = DATA / "boundaries" / "ne_admin0_humsec11.geojson"


def _toy(tmp_path: Path) -> tuple[Path, Path]:
    model = tmp_path / "m.yaml"
    model.write_text(
        "name: Toy\nroot: R\nunit: u\nnodes:\n  R:\n    op: arithmetic\n    children: [a, b]\n",
        encoding="utf-8",
    )
    rng = np.random.default_rng(3)
    data = tmp_path / "d.csv"
    pd.DataFrame(
        {"u": ["AAA", "BBB", "CCC", "DDD"], "a": rng.random(4) * 10, "b": rng.random(4) * 10}
    ).to_csv(data, index=False)
    return model, data


def _geo(path: Path, codes: list[str], key: str = "iso_a3") -> Path:
    sq = [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]]
    feats = [
        {
            "type": "Feature",
            "properties": {key: c},
            "geometry": {"type": "Polygon", "coordinates": sq},
        }
        for c in codes
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--uncertainty", "5", "--weight-noise", "2"], "[0, 1)"),
        (["--uncertainty", "-5"], "--uncertainty"),
        (["--round", "-1"], "--round"),
        (["--uncertainty", "5", "--vary-normalise", "foo"], "foo"),
        (["--uncertainty", "5", "--vary-impute", "bar"], "bar"),
        (["--html", "HTML", "--boundaries", "NOTGEO"], "GeoJSON"),
        (["--html", "HTML", "--boundaries", "GEO", "--boundary-key", "foo"], "iso_a3"),
    ],
)
def test_bad_option_values_exit_2_with_one_clear_line_and_write_nothing(tmp_path, extra, expected):
    model, data = _toy(tmp_path)
    notgeo = tmp_path / "file.csv"
    notgeo.write_text("a,b\n1,2\n", encoding="utf-8")
    geo = _geo(tmp_path / "g.geojson", ["AAA"])
    page, out = tmp_path / "x.html", tmp_path / "out.csv"
    subst = {"HTML": str(page), "NOTGEO": str(notgeo), "GEO": str(geo)}
    args = ["index", str(model), str(data), "--out", str(out), *[subst.get(a, a) for a in extra]]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 2, res.output
    assert expected in res.output, res.output
    assert isinstance(res.exception, SystemExit), res.exception  # no traceback
    assert len(res.output.strip().splitlines()) == 1, res.output
    assert not out.exists() and not page.exists()


def test_round_rounds_the_interval_bounds_like_the_scores(tmp_path):
    model, data = _toy(tmp_path)
    out = tmp_path / "out.csv"
    args = ["index", str(model), str(data), "--out", str(out), "--round", "2"]
    res = CliRunner().invoke(app, [*args, "--uncertainty", "30", "--seed", "1"])
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out)
    for col in ["score", "score_low", "score_high"]:
        np.testing.assert_allclose(table[col], table[col].round(2), atol=1e-12, err_msg=col)


def test_map_names_the_units_without_a_polygon(tmp_path):
    model, data = _toy(tmp_path)
    geo = _geo(tmp_path / "g.geojson", ["AAA", "CCC", "ZZZ"])
    page = tmp_path / "x.html"
    res = CliRunner().invoke(
        app, ["index", str(model), str(data), "--html", str(page), "--boundaries", str(geo)]
    )
    assert res.exit_code == 0, res.output
    line = "the map draws 2 of 4 units: 2 have no polygon in the boundaries (BBB, DDD)"
    assert line in res.output
    assert line in page.read_text(encoding="utf-8")


@pytest.mark.skipif(not (INFORM_2025.exists() and NE_11.exists()), reason="../shared absent")
def test_inform_2025_on_the_11_country_boundaries_says_180_are_not_drawn(tmp_path):
    page = tmp_path / "x.html"
    args = ["index", "inform-2025", str(INFORM_2025), "--html", str(page)]
    res = CliRunner().invoke(app, [*args, "--boundaries", str(NE_11)])
    assert res.exit_code == 0, res.output
    assert "the map draws 11 of 191 units: 180 have no polygon" in res.output
    assert "180 have no polygon" in page.read_text(encoding="utf-8")


def test_asem_note_does_not_mention_inform_or():
    from humsec.datasets import index_model
    from humsec.index.model import IndexModel
    from humsec.index.uncertainty import uncertainty_notes

    iv = pd.DataFrame(
        {"unit": ["x"], "node": ["R"], "score": [5.0], "score_low": [1.0], "score_high": [4.0]}
    )
    plain = IndexModel.from_dict({"root": "R", "unit": "u", "nodes": {"R": {"children": ["a"]}}})
    (note,) = uncertainty_notes(iv, None, "R", plain)
    assert "geometric mean" in note and "INFORM" not in note
    (note,) = uncertainty_notes(iv, None, "R", index_model("inform-2025"))
    assert "INFORM's 'or'" in note


@pytest.mark.skipif(not INFORM_2025.exists(), reason="../shared/data/inform absent")
def test_inform_2025_operator_directions_quoted_in_docs():
    """docs/index.md: swapping one node's operator (all else nominal) lowers INFORM RISK in 17 of
    the 18 cases; the root's own geometric mean replaced by the arithmetic mean raises it for all
    191 countries."""
    from humsec.datasets import index_model
    from humsec.index.composite import CompositeIndex, evaluate_tree
    from humsec.index.uncertainty import Factors, _operator_alternatives, index_scale

    model = index_model("inform-2025")
    nominal = CompositeIndex(model).fit(INFORM_2025)
    ops = {
        n: list(dict.fromkeys([nd.op, "arithmetic", "geometric"])) for n, nd in model.nodes.items()
    }
    alts = _operator_alternatives(model, Factors(operators=ops), index_scale(model, nominal))
    leaves = {c: nominal.leaves[c].to_numpy() for c in nominal.leaves.columns}
    base = evaluate_tree(model, leaves)[model.root]
    moves: Counter[str] = Counter()
    for node, chosen in alts.items():
        for name, op in zip(ops[node], chosen, strict=True):
            if name == model.nodes[node].op:
                continue
            d = evaluate_tree(model, leaves, ops={node: op})[model.root] - base
            up, down = (d > 1e-9).sum(), (d < -1e-9).sum()
            moves["up" if up and not down else "down" if down and not up else "mixed"] += 1
            if node == model.root:
                assert (model.nodes[node].op, name, up) == ("geometric", "arithmetic", 191)
    assert moves == Counter({"down": 17, "up": 1})
