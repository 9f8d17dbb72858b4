"""What the built-in INFORM models reproduce, from which input, measured (issue 21, defect 6).

The figures in docs/index.md ("Built-in models") are these tests' numbers:

- each published aggregate from its own PUBLISHED children (one node at a time), rounded to one
  decimal: INFORM RISK 191/191 in both editions; all 11 aggregates 2033/2101 (2020) and 1984/2101
  (2025); the others differ by 0.1 because their children were rounded before publication;
- the whole tree from the published components (what `humsec index inform-20XX file --round 1`
  does): INFORM RISK 175/191 (2020) and 168/191 (2025), ranks 136/191 and 130/191; the CLI says so
  in a note (and the HTML page lists it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from humsec.cli.main import app
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

# (risk matched, ranks matched, all 11 aggregates matched) with --round 1, out of 191 / 191 / 2101
WHOLE_TREE = {"inform-2020": (175, 136, 1988), "inform-2025": (168, 130, 1902)}
FROM_PUBLISHED_CHILDREN = {"inform-2020": 2033, "inform-2025": 1984}


def _published(name: str) -> pd.DataFrame:
    df = pd.read_csv(FILES[name], encoding="latin-1", na_values=["x"])
    return df[df["ISO3"].astype(str).str.fullmatch(r"[A-Z]{3}")].reset_index(drop=True)


@pytest.mark.parametrize("name", ["inform-2020", "inform-2025"])
def test_each_aggregate_from_its_published_children(name):
    pub, model = _published(name), index_model(name)
    matched = compared = 0
    for node_name in model.order:
        node = model.nodes[node_name]
        w = np.ones(len(node.children)) if node.weights is None else np.asarray(node.weights)
        ours = round_half_up(
            aggregate(node.op, pub[list(node.children)].to_numpy(float), w, node.params), 1
        )
        theirs = pub[node_name].to_numpy(float)
        both = ~np.isnan(ours) & ~np.isnan(theirs)
        hits = int((np.abs(ours - theirs) < 1e-6)[both].sum())
        if node_name == model.root:
            assert (hits, int(both.sum())) == (191, 191)
        matched += hits
        compared += int(both.sum())
    assert compared == 2101
    assert matched == FROM_PUBLISHED_CHILDREN[name]


@pytest.mark.parametrize("name", ["inform-2020", "inform-2025"])
def test_whole_tree_agreement_is_measured_and_reported(name):
    res = CompositeIndex(name, round_nodes=1).fit(FILES[name])
    agree = res.agreement().set_index("node")
    risk, ranks, everything = WHOLE_TREE[name]
    assert agree.loc["INFORM RISK", ["matched", "compared"]].tolist() == [risk, 191]
    assert agree.loc["rank of INFORM RISK", ["matched", "compared"]].tolist() == [ranks, 191]
    scores = agree.drop(index="rank of INFORM RISK")
    assert len(scores) == 11 and (scores["decimals"] == 1).all()
    assert (scores["matched"].sum(), scores["compared"].sum()) == (everything, 2101)
    # independent check of the rank count: published ranks against ours
    pub = _published(name).set_index("ISO3")
    ours = res.ranks()["INFORM RISK"].reindex(pub.index)
    assert int((ours.to_numpy() == pub["Rank"].to_numpy()).sum()) == ranks


@pytest.mark.parametrize("name", ["inform-2020", "inform-2025"])
def test_cli_and_html_tell_the_user_the_share_matched(name, tmp_path):
    page = tmp_path / "p.html"
    res = CliRunner().invoke(
        app, ["index", name, str(FILES[name]), "--round", "1", "--html", str(page)]
    )
    assert res.exit_code == 0, res.output
    risk, ranks, _ = WHOLE_TREE[name]
    assert f"INFORM RISK: {risk} of 191" in res.output
    assert f"rank of INFORM RISK: {ranks} of 191" in res.output
    assert f"INFORM RISK: {risk} of 191" in page.read_text(encoding="utf-8")


def test_no_published_columns_no_note():
    from humsec.index.model import IndexModel

    m = IndexModel.from_dict({"root": "R", "unit": "u", "nodes": {"R": {"children": ["a", "b"]}}})
    res = CompositeIndex(m).fit(pd.DataFrame({"u": ["x"], "a": [1.0], "b": [2.0]}))
    assert res.agreement().empty and res.notes == []
