"""Strategies knowledge base: validation with clear errors, and evidence-citing proposals."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

import humsec
from humsec.af.interlinkages import co_deprivation
from humsec.af.left_behind import left_behind
from humsec.review.strategies import load_strategies, propose_responses


def test_shipped_knowledge_base_is_valid_and_covers_the_global_mpi():
    kb = load_strategies()
    assert len(kb.threats) >= 10
    for t in kb.threats:
        assert t.protection and t.empowerment and t.entities
        assert all(e in kb.entities for e in t.entities)
    mpi = [
        "d_nutr",
        "d_cm",
        "d_satt",
        "d_educ",
        "d_elct",
        "d_sani",
        "d_wtr",
        "d_hsg",
        "d_ckfl",
        "d_asst",
    ]
    assert all(kb.match(i) is not None for i in mpi)
    assert kb.match("fatalities_per_100k") == "conflict"
    assert kb.match("x1", "drought exposure") == "disasters"
    assert kb.match("unrelated") is None


def _write(tmp_path, data):
    path = tmp_path / "kb.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_invalid_entries_are_named(tmp_path):
    with open(load_strategies().source, encoding="utf-8") as fh:
        good = yaml.safe_load(fh)
    bad = dict(good)
    bad["threats"] = [dict(t) for t in good["threats"]]
    bad["threats"][1]["entities"] = ["WHO", "UNKNOWN_AGENCY"]
    bad["threats"][2]["protection"] = []
    bad["threats"][3]["id"] = bad["threats"][0]["id"]
    bad["threats"][4]["colour"] = "red"
    with pytest.raises(humsec.SpecError) as err:
        load_strategies(_write(tmp_path, bad))
    msg = str(err.value)
    assert "threats[1] (id 'health').entities: unknown entity ['UNKNOWN_AGENCY']" in msg
    assert "threats[2] (id 'education').protection: must not be empty" in msg
    assert "threats[3] (id 'food').id: duplicate id" in msg
    assert "threats[4] (id 'housing_energy').colour: unknown field" in msg
    assert str(tmp_path / "kb.yaml") in msg
    with pytest.raises(humsec.SpecError, match="no such file"):
        load_strategies(tmp_path / "missing.yaml")


def test_proposals_cite_existing_rows_and_combine_mandates():
    # two threats strongly linked in the data: food (x) and water (y); z is unrelated noise
    rng = pd.Series(range(400))
    df = pd.DataFrame(
        {
            "food_gap": (rng % 4 == 0).astype(int),
            "water_gap": ((rng % 4 == 0) | (rng % 7 == 0)).astype(int),
            "noise": (rng % 3 == 0).astype(int),
            "region": ["north" if i % 4 == 0 else "south" for i in range(400)],
        }
    )
    spec = {"dimensions": {"d1": ["food_gap"], "d2": ["water_gap"], "d3": ["noise"]}, "k": [60]}
    kb = load_strategies()
    links = co_deprivation(spec, df)
    lb = left_behind(spec, df, by=["region"], measures=["M0", "hdk"])
    plan = propose_responses(
        kb, links, lb, mapping={"noise": "conflict"}, version="uncensored", top=2
    )
    frame = plan.to_frame()
    first = plan.proposals[0]
    assert first.threats == ("food", "water_sanitation")
    assert first.row_id == "rs:food+water_sanitation" == frame.loc[0, "row_id"]
    food, water = kb.threat("food"), kb.threat("water_sanitation")
    assert set(first.protection) == set(food.protection) | set(water.protection)
    assert set(first.lead_entities) == set(food.entities) & set(water.entities)
    assert first.target_groups == ("region = north",)
    known = set(links.to_frame()["row_id"]) | set(lb.to_frame()["row_id"])
    known |= set(lb.to_frame("bottlenecks")["row_id"])
    assert all(e in known for p in plan.proposals for e in p.evidence)
    assert "il:uncensored:t:food_gap~water_gap" in first.evidence
    assert "lb:hdk:k60:food_gap:t:region=north" in first.evidence
    with pytest.raises(humsec.HumsecError, match="No threat 'nope'"):
        propose_responses(kb, links, mapping={"noise": "nope"})
