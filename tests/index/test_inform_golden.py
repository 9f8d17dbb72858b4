"""INFORM 2020 and 2025: the built-in models against the published tables (../shared/data/inform).

Every published aggregate (11 per country, 191 countries) must be reproducible from its published
children: the published children are rounded to one decimal, so the recomputed value is bracketed by
the operator applied to children − 0.05 and + 0.05 (all INFORM operators are monotone), and the
published aggregate, itself rounded, must lie within that bracket widened by 0.05.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from humsec.datasets import index_model
from humsec.index.composite import CompositeIndex, round_half_up
from humsec.index.operators import aggregate
from tests.golden._data import reference_dir, reference_path

# the published tables, committed in tests/golden/inform (../shared/data/inform as fallback)
SHEETS = reference_dir("inform/inform_risk_2025_v070_sheets")
FILES = {
    "inform-2020": reference_path("inform/inform_gri_2020_v040.csv"),
    "inform-2025": SHEETS / "INFORM_Risk_2025_a_z.csv",
}


def published(name: str) -> pd.DataFrame:
    df = pd.read_csv(FILES[name], encoding="latin-1", na_values=["x"])
    return df[df["ISO3"].astype(str).str.fullmatch(r"[A-Z]{3}")].reset_index(drop=True)


@pytest.mark.parametrize("name", ["inform-2020", "inform-2025"])
def test_every_published_aggregate_is_reproduced_within_rounding(name):
    model = index_model(name)
    pub = published(name)
    assert len(pub) == 191
    checked = 0
    for node_name in model.order:
        node = model.nodes[node_name]
        x = pub[list(node.children)].to_numpy(float)
        w = np.ones(len(node.children)) if node.weights is None else np.asarray(node.weights)
        lo = aggregate(node.op, np.clip(x - 0.05, 0, 10), w, node.params)
        hi = aggregate(node.op, np.clip(x + 0.05, 0, 10), w, node.params)
        y = pub[node_name].to_numpy(float)
        ok = (y >= lo - 0.05 - 1e-9) & (y <= hi + 0.05 + 1e-9)
        assert ok.all(), (node_name, pub.loc[~ok, "ISO3"].tolist())
        checked += len(y)
    assert checked == 11 * 191


@pytest.mark.parametrize("name", ["inform-2020", "inform-2025"])
def test_ranks_and_classes_match_the_published_index(name):
    """Ranks (1 = highest, ties share the smaller rank) and classes from the published INFORM RISK."""
    pub = published(name)
    model = index_model(name)
    risk_only = pd.DataFrame({"ISO3": pub["ISO3"], "INFORM RISK": pub["INFORM RISK"]})
    # evaluate the classes and ranks on the published index values
    res = CompositeIndex(model).fit(pub)
    res.scores["INFORM RISK"] = risk_only["INFORM RISK"].to_numpy()
    assert (res.ranks()["INFORM RISK"].to_numpy() == pub["Rank"].to_numpy()).all()
    assert (res.classes()["INFORM RISK"].to_numpy() == pub["RISK CLASS"].to_numpy()).all()


@pytest.mark.parametrize("name", ["inform-2020", "inform-2025"])
def test_full_recomputation_from_components(name):
    """From the published components (leaves) up, rounding every node to one decimal as the tables
    do: the index agrees with the published one within 0.1 for every country (rounding of the
    published components is all that separates them)."""
    pub = published(name)
    res = CompositeIndex(name, round_nodes=1).fit(FILES[name])
    ours = res.scores["INFORM RISK"].reindex(pub["ISO3"]).to_numpy()
    diff = np.abs(ours - pub["INFORM RISK"].to_numpy())
    assert np.nanmax(diff) <= 0.1 + 1e-9
    assert (diff < 1e-9).mean() > 0.8
    unrounded = (
        CompositeIndex(name).fit(FILES[name]).scores["INFORM RISK"].reindex(pub["ISO3"]).to_numpy()
    )
    np.testing.assert_allclose(round_half_up(unrounded, 1), unrounded.round(1), atol=0.1 + 1e-9)


def test_year_on_year_comparison_2020_to_2025():
    """Same leaves in both editions where the names match; compare at the index level."""
    before = CompositeIndex("inform-2020").fit(FILES["inform-2020"])
    after = CompositeIndex("inform-2025").fit(FILES["inform-2025"])
    comp = after.compare(before)
    risk = comp[comp["node"] == "INFORM RISK"].set_index("unit")
    pub20 = published("inform-2020").set_index("ISO3")
    pub25 = published("inform-2025").set_index("ISO3")
    common = pub20.index.intersection(pub25.index)
    assert len(common) >= 185
    np.testing.assert_allclose(
        risk.loc[common, "change"],
        risk.loc[common, "score_after"] - risk.loc[common, "score_before"],
    )
    # the recomputed change tracks the published change within the two tables' rounding
    published_change = pub25.loc[common, "INFORM RISK"] - pub20.loc[common, "INFORM RISK"]
    assert np.nanmax(np.abs(risk.loc[common, "change"] - published_change)) < 0.25
    assert (
        risk.loc[common, "places_up"]
        == risk.loc[common, "rank_before"] - risk.loc[common, "rank_after"]
    ).all()
