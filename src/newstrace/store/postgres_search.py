"""Full-text search on PostgreSQL: ``tsvector`` columns with GIN indexes, ranked, with snippets.

The user's query means what it means on SQLite (``sqlite.fts_query``): bare words are all required,
"quoted phrases" must appear as phrases, operators are plain words. Pages and quotes are ranked by
BM25 as FTS5 ranks them (``postgres_bm25``), so the scores of body and quote hits share one scale and
the best pages agree with SQLite's; the snippet (``ts_headline``, matches in ``[...]``) is made for the
returned hits only, since it re-parses the body.
"""

from __future__ import annotations

import re
from typing import Any

from . import postgres_bm25 as bm25
from .base import SearchHit
from .postgres_connection import PgConnection
from .postgres_schema import TS_CONFIG

HEADLINE = "StartSel=[, StopSel=], MaxWords=24, MinWords=12, ShortWord=2, MaxFragments=1"


def tsquery(text: str) -> tuple[str, list[str]]:
    """The SQL of a ``tsquery`` for the user's words and its parameters ("" when nothing to find)."""
    parts: list[str] = []
    params: list[str] = []
    bare: list[str] = []
    for i, part in enumerate(text.split('"')):
        words = re.findall(r"\w+", part)
        if not words:
            continue
        if i % 2 == 1:
            parts.append(f"phraseto_tsquery('{TS_CONFIG}', ?)")
            params.append(" ".join(words))
        else:
            bare.extend(words)
    if bare:
        parts.insert(0, f"plainto_tsquery('{TS_CONFIG}', ?)")
        params.insert(0, " ".join(bare))
    return " && ".join(parts), params


def search(
    con: PgConnection,
    query: str,
    *,
    speaker: str | None,
    outlet: str | None,
    since: str | None,
    limit: int,
    offset: int,
) -> list[SearchHit]:
    """Ranked matches in body text and quotes, as ``Store.search`` returns them."""
    q_sql, q_params = tsquery(query)
    if not q_sql and not speaker:
        return []
    limit = max(1, min(int(limit), 200))
    want = limit + offset
    filters = ""
    params: list[Any] = []
    if outlet:
        filters += " AND (d.outlet = ? COLLATE NOCASE OR EXISTS (SELECT 1 FROM layers l WHERE "
        filters += "l.doc_id = d.id AND l.kind = 'body' AND l.outlet = ? COLLATE NOCASE))"
        params += [outlet, outlet]
    if since:
        filters += " AND d.published >= ?"
        params.append(since)
    asked = bm25.query(con, *_terms(query)) if q_sql else None
    body = bm25.terms(con, bm25.BODY, asked) if asked and speaker is None else None
    hits: list[SearchHit] = []
    if speaker is None and body is not None:
        t, stats = body
        lat1, p1, s1, ps1 = bm25.ranked(bm25.BODY, "f", t, stats)
        lat2, s2, p2 = bm25.rescored("c", t, stats)
        tfs = ", ".join(f"t.tf{i}" for i in range(len(t.queries)))
        rows = con.execute(
            f"WITH q AS (SELECT {q_sql} AS q), first AS ("
            f"  SELECT f.doc_id, d.seq, f.tsv, {tfs}, {s1} "
            f"  FROM body_fts f CROSS JOIN q JOIN documents d ON d.id = f.doc_id {lat1} "
            f"  WHERE f.tsv @@ q.q{filters} ORDER BY s1 DESC, d.seq LIMIT ?), "
            f"best AS (SELECT c.doc_id, c.seq, {s2} FROM first c {lat2} ORDER BY score DESC, c.seq LIMIT ?) "
            "SELECT b.doc_id, d.title, d.outlet, d.published, "
            f"ts_headline('{TS_CONFIG}', f.body, q.q, '{HEADLINE}') AS snip, b.score "
            "FROM best b CROSS JOIN q JOIN documents d ON d.id = b.doc_id "
            "JOIN body_fts f ON f.doc_id = b.doc_id "
            "ORDER BY b.score DESC, b.seq",
            [*q_params, *ps1, *p1, *params, max(bm25.RESCORE, want), *p2, want],
        ).fetchall()
        hits += [
            SearchHit(r["doc_id"], "body", r["title"], r["outlet"], r["published"], _snippet(r["snip"]),
                      float(r["score"]))
            for r in rows
        ]
    quotes = bm25.terms(con, bm25.QUOTES, asked) if asked else None
    if q_sql and quotes is None:
        return sorted(hits, key=lambda h: -h.score)[offset : offset + limit]
    qparams: list[Any] = []
    who = ""
    if speaker:
        who = " AND qt.speaker = ? COLLATE NOCASE"
        qparams.append(speaker)
    cols = "qt.doc_id, qt.text, qt.speaker, d.title, d.outlet, d.published"
    if quotes is None:  # the speaker's quotes, unranked
        rows = con.execute(
            f"SELECT {cols}, 0.0 AS score FROM quotes qt JOIN documents d ON d.id = qt.doc_id "
            f"WHERE TRUE{who}{filters} ORDER BY qt.rowid LIMIT ?",
            [*qparams, *params, want],
        ).fetchall()
    else:
        t, stats = quotes
        lat1, p1, s1, ps1 = bm25.ranked(bm25.QUOTES, "qt", t, stats)
        lat2, s2, p2 = bm25.rescored("c", t, stats)
        tfs = ", ".join(f"t.tf{i}" for i in range(len(t.queries)))
        rows = con.execute(
            f"WITH q AS (SELECT {q_sql} AS q), first AS ("
            f"  SELECT qt.rowid, qt.tsv, {tfs}, {s1} FROM quotes qt CROSS JOIN q "
            f"  JOIN documents d ON d.id = qt.doc_id {lat1} "
            f"  WHERE qt.tsv @@ q.q{who}{filters} ORDER BY s1 DESC, qt.rowid LIMIT ?), "
            f"best AS (SELECT c.rowid, {s2} FROM first c {lat2} ORDER BY score DESC, c.rowid LIMIT ?) "
            f"SELECT {cols}, b.score FROM best b JOIN quotes qt ON qt.rowid = b.rowid "
            "JOIN documents d ON d.id = qt.doc_id ORDER BY b.score DESC, b.rowid",
            [*q_params, *ps1, *p1, *qparams, *params, max(bm25.RESCORE, want), *p2, want],
        ).fetchall()
    hits += [
        SearchHit(r["doc_id"], "quote", r["title"], r["outlet"], r["published"], r["text"],
                  float(r["score"]), r["speaker"])
        for r in rows
    ]
    hits.sort(key=lambda h: -h.score)
    return hits[offset : offset + limit]


def _terms(text: str) -> tuple[list[str], list[str]]:
    """The bare words and the phrases of the user's query, as ``tsquery`` reads them."""
    words: list[str] = []
    phrases: list[str] = []
    for i, part in enumerate(text.split('"')):
        found = re.findall(r"\w+", part)
        if i % 2 == 1 and found:
            phrases.append(" ".join(found))
        else:
            words.extend(found)
    return words, phrases


def _snippet(text: str | None) -> str:
    """ts_headline's fragment on one line, with the ellipses FTS5's snippets carry."""
    return " … " + " ".join((text or "").split()) + " … "
