"""Sobol' indices (Jansen estimators, bootstrap intervals) against R and the Ishigami function's
analytic values, and the convergence warning (issue 21, defect 2).

tests/golden/index_sobol/ishigami_jansen.R made ishigami_jansen.csv (R 4.2.2, boot 1.3-28.1) on a
deterministic design that is rebuilt here bit for bit: point estimates must agree to 1e-10; the
bootstrap intervals use different resamples (R's and numpy's generators), so their bounds must
agree within a fifth of R's interval width.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from humsec.cli.main import app
from humsec.index.model import IndexModel
from humsec.index.sobol import jansen_indices, sobol_convergence_notes
from humsec.index.uncertainty import Factors, index_sensitivity

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "index_sobol" / "ishigami_jansen.csv"
# Ishigami (a = 7, b = 0.1): Sobol' 1990 / Saltelli et al. 2008, Global Sensitivity Analysis, 4.5
ANALYTIC_FIRST = [0.3139, 0.4424, 0.0]
ANALYTIC_TOTAL = [0.5576, 0.4424, 0.2437]


def _weyl(p: int, n: int) -> np.ndarray:
    return ((np.arange(1, n + 1) * np.sqrt(p)) % 1) * 2 * np.pi - np.pi


def _ishigami(x: np.ndarray) -> np.ndarray:
    return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])


def _ishigami_table(n: int = 2000) -> pd.DataFrame:
    A = np.column_stack([_weyl(p, n) for p in (2, 3, 5)])
    B = np.column_stack([_weyl(p, n) for p in (7, 11, 13)])
    y_ab = np.column_stack([_ishigami(np.where(np.arange(3) == i, B, A)) for i in range(3)])
    return jansen_indices(
        _ishigami(A), _ishigami(B), y_ab, ["x1", "x2", "x3"], nboot=500, conf=0.95, seed=1
    )


def test_jansen_point_estimates_equal_r_soboljansen():
    ref = pd.read_csv(GOLDEN)
    assert len(ref) == 3
    ours = _ishigami_table()
    for col in ("first_order", "total_effect"):
        np.testing.assert_allclose(ours[col], ref[col], rtol=0, atol=1e-10)


def test_bootstrap_intervals_agree_with_r_and_cover_the_analytic_values():
    ref = pd.read_csv(GOLDEN)
    ours = _ishigami_table()
    for kind in ("first_order", "total_effect"):
        width = (ref[f"{kind}_high"] - ref[f"{kind}_low"]).to_numpy()
        for side in ("low", "high"):
            diff = np.abs(ours[f"{kind}_{side}"] - ref[f"{kind}_{side}"]).to_numpy()
            assert (diff < 0.2 * width).all(), (kind, side, diff, width)
    assert (ours["first_order_low"] <= ANALYTIC_FIRST).all()
    assert (ours["first_order_high"] >= ANALYTIC_FIRST).all()
    assert (ours["total_effect_low"] <= ANALYTIC_TOTAL).all()
    assert (ours["total_effect_high"] >= ANALYTIC_TOTAL).all()


def test_small_samples_are_flagged_as_not_converged():
    small = _ishigami_table(60)
    notes = sobol_convergence_notes(small)
    assert notes and "not converged" in notes[0]
    assert sobol_convergence_notes(_ishigami_table(20000)) == []


def test_a_first_order_above_its_total_effect_is_flagged():
    table = pd.DataFrame(
        {
            "factor": ["w"],
            "first_order": [0.8],
            "first_order_low": [0.75],
            "first_order_high": [0.85],
            "total_effect": [0.32],
            "total_effect_low": [0.3],
            "total_effect_high": [0.34],
        }
    )
    assert any("above the total effect" in n for n in sobol_convergence_notes(table))


MODEL = IndexModel.from_dict(
    {
        "root": "R",
        "unit": "u",
        "nodes": {
            "R": {"op": "arithmetic", "children": ["H", "V"]},
            "H": {"op": "arithmetic", "children": ["a", "b"]},
            "V": {"op": "arithmetic", "children": ["c", "d"]},
        },
    }
)
_rng = np.random.default_rng(0)
DATA = pd.DataFrame(
    {"u": [f"u{i}" for i in range(30)], **{c: _rng.uniform(0, 10, 30) for c in "abcd"}}
)


def test_index_sensitivity_reports_intervals():
    f = Factors(weight_noise=0.3, operators={"H": ["arithmetic", "geometric"]})
    s = index_sensitivity(MODEL, DATA, factors=f, n=64, seed=4)
    assert list(s.columns) == [
        "factor",
        "first_order",
        "first_order_low",
        "first_order_high",
        "total_effect",
        "total_effect_low",
        "total_effect_high",
        "n",
    ]
    assert (s["n"] == 64).all()
    assert (s["first_order_low"] <= s["first_order_high"]).all()
    assert (s["total_effect_low"] <= s["total_effect_high"]).all()


def test_cli_warns_when_the_sensitivity_indices_have_not_converged(tmp_path):
    data = tmp_path / "d.csv"
    DATA.to_csv(data, index=False)
    model = tmp_path / "m.yaml"
    model.write_text(
        "root: R\nunit: u\nnodes:\n  R: {op: arithmetic, children: [H, V]}\n"
        "  H: {op: arithmetic, children: [a, b]}\n  V: {op: arithmetic, children: [c, d]}\n"
    )
    res = CliRunner().invoke(
        app, ["index", str(model), str(data), "--uncertainty", "80", "--seed", "1"]
    )
    assert res.exit_code == 0, res.output
    assert "not converged" in res.output
    assert "first_order_low" in res.output


@pytest.mark.parametrize("nboot", [0])
def test_no_bootstrap_gives_missing_bounds(nboot):
    t = jansen_indices(
        np.array([1.0, 2, 3, 4]), np.array([2.0, 1, 4, 3]), np.ones((4, 1)), ["x"], nboot=nboot
    )
    assert np.isnan(t["first_order_low"]).all() and np.isfinite(t["first_order"]).all()
