"""Lessons library: full-text search (SQLite FTS5 or PostgreSQL), semantic search with the
offline all-MiniLM-L6-v2 model, similar lessons, and the TF-IDF fallback when the model is absent."""

from __future__ import annotations

import numpy as np
import pytest

from humsec_web.lessons import semantic

pytestmark = pytest.mark.django_db


def _titles(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [r["lesson"]["title"] for r in response.json()["results"]]


def test_full_text_search_ranks_and_stems(client):
    found = _titles(client.get("/api/lessons/search/", {"q": "flooding"}))
    # "flooding" matches "floods"/"flood" by stemming, in the Bangladesh and Paraguay lessons
    assert set(found) == {
        "Early-warning messages in local languages reduced flood losses",
        "Shelter repairs with local builders after floods",
    }
    page = client.get("/lessons/", {"q": "savings groups"})
    assert b"Drought-tolerant seed and savings groups" in page.content


def test_full_text_search_shows_only_what_the_user_may_see(as_role):
    anon = as_role("anonymous")
    assert _titles(anon.get("/api/lessons/search/", {"q": "draft"})) == []
    hsu = as_role("hsu")
    assert "Draft lesson" in _titles(hsu.get("/api/lessons/search/", {"q": "draft"}))


@pytest.mark.skipif(not semantic.available(), reason="offline model package not installed")
def test_semantic_search_finds_meaning_not_words(client):
    r = client.get("/api/lessons/search/", {"q": "clean drinking water for villages", "mode": "semantic"})
    body = r.json()
    assert body["method"].startswith("semantic (all-MiniLM-L6-v2")
    assert body["results"][0]["lesson"]["title"] == "Community water committees keep rural kiosks running"
    # no lesson shares the words "birth certificates", yet the legal identity lesson is found
    r = client.get("/api/lessons/search/", {"q": "birth certificates and documents", "mode": "semantic"})
    assert _titles(r)[0] == "Legal identity for stateless and undocumented people"


@pytest.mark.skipif(not semantic.available(), reason="offline model package not installed")
def test_embeddings_are_unit_length_and_stored():
    from humsec_web.lessons.models import Lesson

    vectors = semantic.embed(["water kiosks", "water kiosks", "election observers"])
    assert vectors.shape == (3, semantic.DIM)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    assert vectors[0] @ vectors[1] == pytest.approx(1, abs=1e-5)
    assert vectors[0] @ vectors[2] < 0.5
    lessons = list(Lesson.objects.all())
    semantic.rank("water", lessons)
    assert all(Lesson.objects.get(pk=x.pk).embedding for x in lessons)


def test_similar_lessons_on_each_page(client, world):
    page = client.get(f"/lessons/{world.lesson.pk}/").content.decode()
    assert "Similar lessons" in page and "Similarity: " in page
    similar = client.get(f"/api/lessons/{world.lesson.pk}/similar/").json()
    assert world.lesson.title not in [r["lesson"]["title"] for r in similar["results"]]
    assert len(similar["results"]) >= 1


def test_fallback_is_reported_when_the_model_is_absent(client, monkeypatch):
    monkeypatch.setattr(semantic, "available", lambda: False)
    r = client.get("/api/lessons/search/", {"q": "drought seed harvest", "mode": "semantic"}).json()
    assert r["method"].startswith("word overlap (TF-IDF) — fallback")
    assert r["results"][0]["lesson"]["title"] == "Drought-tolerant seed and savings groups for smallholders"
    page = client.get("/lessons/", {"q": "drought", "mode": "semantic"}).content.decode()
    assert "fallback" in page
