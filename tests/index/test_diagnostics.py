"""Coherence diagnostics of composite indices."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from humsec.index.composite import CompositeIndex
from humsec.index.diagnostics import index_diagnostics
from humsec.index.model import IndexModel


def test_flags_and_pca_on_a_hand_built_case():
    rng = np.random.default_rng(0)
    n = 200
    base = rng.normal(size=n)
    d = pd.DataFrame(
        {
            "u": [f"u{i}" for i in range(n)],
            "a": base,
            "b": base * 2 + 0.01 * rng.normal(size=n),  # redundant with a
            "c": -base + rng.normal(size=n),  # conflicting with a and b
            "e": rng.normal(size=n),
            "f": rng.normal(size=n),  # independent pair
        }
    )
    m = IndexModel.from_dict(
        {
            "root": "R",
            "unit": "u",
            "nodes": {
                "R": {"children": ["X", "Y"]},
                "X": {"children": ["a", "b", "c"]},
                "Y": {"children": ["e", "f"]},
            },
        }
    )
    diag = index_diagnostics(CompositeIndex(m).fit(d))
    pairs = diag.pairs.set_index(["child_a", "child_b"])
    assert pairs.loc[("a", "b"), "flag"] == "redundant"
    assert pairs.loc[("a", "c"), "flag"] == "conflicting"
    assert pairs.loc[("a", "b"), "r"] == pytest.approx(np.corrcoef(d["a"], d["b"])[0, 1])
    nodes = diag.nodes.set_index("node")
    assert nodes.loc["Y", "pc1_share"] == pytest.approx(
        0.5, abs=0.1
    )  # independent: no dominant axis
    assert nodes.loc["X", "pc1_share"] > 0.8
    assert nodes.loc["X", "n_units_complete"] == n


SHARED = (
    Path(__file__).resolve().parents[3] / "shared" / "data" / "inform" / "inform_gri_2020_v040.csv"
)


@pytest.mark.skipif(not SHARED.exists(), reason="../shared not present")
def test_inform_2020_dimensions_are_coherent_with_the_index():
    diag = index_diagnostics(CompositeIndex("inform-2020").fit(SHARED))
    top = diag.parents[diag.parents["node"] == "INFORM RISK"].set_index("child")
    assert (top["r"] > 0.6).all()  # each dimension clearly drives the index
    assert (top["flag"] == "").all()
    assert diag.nodes.set_index("node").loc["INFORM RISK", "n_units_complete"] == 191
