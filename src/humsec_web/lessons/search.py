"""Full-text search of lessons: SQLite FTS5 (BM25 ranking) or PostgreSQL full-text search.

The user's words are never spliced into SQL: on SQLite each word becomes a quoted FTS5 string
passed as a query parameter; on PostgreSQL Django builds ``websearch_to_tsquery`` from a parameter.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import connection

FTS_TABLE = "lessons_fts"
_WORD = re.compile(r"\w+", re.UNICODE)


def fts5_query(text: str) -> str:
    """Words of ``text`` as an FTS5 query: each a quoted prefix term, all required.

    >>> fts5_query('water "AND" kiosks* -- ; drop')
    '"water"* "AND"* "kiosks"* "drop"*'
    >>> fts5_query("  ")
    ''
    """
    return " ".join(f'"{w}"*' for w in _WORD.findall(text)[:20])


def ensure_index() -> None:
    """Create the SQLite FTS5 table if missing and fill it when it is out of step."""
    if connection.vendor != "sqlite":
        return
    from humsec_web.lessons.models import Lesson

    with connection.cursor() as cur:
        cur.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS lessons_fts USING fts5("
            "title, body, tokenize = 'porter unicode61 remove_diacritics 2')"
        )
        cur.execute("SELECT count(*) FROM lessons_fts")
        if cur.fetchone()[0] != Lesson.objects.count():
            cur.execute("DELETE FROM lessons_fts")
            for lesson in Lesson.objects.all():
                _insert(cur, lesson)


def _insert(cur: Any, lesson: Any) -> None:
    cur.execute(
        "INSERT INTO lessons_fts(rowid, title, body) VALUES (%s, %s, %s)",
        [lesson.pk, lesson.title, lesson.text()],
    )


def index_lesson(lesson: Any) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cur:
        cur.execute("DELETE FROM lessons_fts WHERE rowid = %s", [lesson.pk])
        _insert(cur, lesson)


def unindex_lesson(pk: int) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cur:
        cur.execute("DELETE FROM lessons_fts WHERE rowid = %s", [pk])


def search(lessons: Any, text: str, limit: int = 50) -> list[Any]:
    """The lessons (of the given queryset) that match ``text``, best first."""
    if not _WORD.search(text):
        return []
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = (
            SearchVector("title", weight="A")
            + SearchVector("theme", weight="B")
            + SearchVector("context", "what_worked", "evidence", weight="C")
        )
        query = SearchQuery(text, search_type="websearch", config="english")
        return list(
            lessons.annotate(rank=SearchRank(vector, query))
            .filter(rank__gt=0)
            .order_by("-rank", "-id")[:limit]
        )
    with connection.cursor() as cur:
        cur.execute(
            "SELECT rowid FROM lessons_fts WHERE lessons_fts MATCH %s "
            "ORDER BY bm25(lessons_fts, 5.0, 1.0) LIMIT %s",
            [fts5_query(text), limit * 4],
        )
        ranked = [row[0] for row in cur.fetchall()]
    found = lessons.in_bulk(ranked)  # only those the user may see
    return [found[pk] for pk in ranked if pk in found][:limit]
