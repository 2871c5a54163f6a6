"""Full-text search on PostgreSQL: ``tsvector`` columns with GIN indexes, ranked, with snippets.

The user's query means what it means on SQLite (``sqlite.fts_query``): bare words are all required,
"quoted phrases" must appear as phrases, operators are plain words. Pages are ranked by ``ts_rank``
normalised by length (FTS5 ranks by BM25; the top pages agree, which the store tests check), and the
snippet (``ts_headline``, matches in ``[...]``) is made for the returned hits only, since it re-parses
the body.
"""

from __future__ import annotations

import re
from typing import Any

from .base import SearchHit
from .postgres_connection import PgConnection
from .postgres_schema import TS_CONFIG

HEADLINE = "StartSel=[, StopSel=], MaxWords=24, MinWords=12, ShortWord=2, MaxFragments=1"
RANK_NORMALISATION = 1  # divide by 1 + log(length): long pages do not win by length alone


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
    hits: list[SearchHit] = []
    if speaker is None and q_sql:
        rows = con.execute(
            f"WITH q AS (SELECT {q_sql} AS q), best AS ("
            f"  SELECT f.doc_id, f.body, ts_rank(f.tsv, q.q, {RANK_NORMALISATION}) AS score "
            "  FROM body_fts f CROSS JOIN q JOIN documents d ON d.id = f.doc_id "
            f"  WHERE f.tsv @@ q.q{filters} ORDER BY score DESC, d.seq LIMIT ?) "
            f"SELECT b.doc_id, d.title, d.outlet, d.published, "
            f"ts_headline('{TS_CONFIG}', b.body, q.q, '{HEADLINE}') AS snip, b.score "
            "FROM best b CROSS JOIN q JOIN documents d ON d.id = b.doc_id ORDER BY b.score DESC, d.seq",
            [*q_params, *params, want],
        ).fetchall()
        hits += [
            SearchHit(r["doc_id"], "body", r["title"], r["outlet"], r["published"], _snippet(r["snip"]),
                      float(r["score"]))
            for r in rows
        ]
    where = "TRUE"
    qparams: list[Any] = []
    score = "0.0"
    if q_sql:
        where = "qt.tsv @@ q.q"
        score = f"ts_rank(qt.tsv, q.q, {RANK_NORMALISATION})"
    if speaker:
        where += " AND qt.speaker = ? COLLATE NOCASE"
        qparams.append(speaker)
    rows = con.execute(
        f"WITH q AS (SELECT {q_sql or 'NULL::tsquery'} AS q) "
        f"SELECT qt.doc_id, qt.text, qt.speaker, d.title, d.outlet, d.published, {score} AS score "
        "FROM quotes qt CROSS JOIN q JOIN documents d ON d.id = qt.doc_id "
        f"WHERE {where}{filters} ORDER BY score DESC, qt.rowid LIMIT ?",
        [*q_params, *qparams, *params, want],
    ).fetchall()
    hits += [
        SearchHit(r["doc_id"], "quote", r["title"], r["outlet"], r["published"], r["text"],
                  float(r["score"]), r["speaker"])
        for r in rows
    ]
    hits.sort(key=lambda h: -h.score)
    return hits[offset : offset + limit]


def _snippet(text: str | None) -> str:
    """ts_headline's fragment on one line, with the ellipses FTS5's snippets carry."""
    return " … " + " ".join((text or "").split()) + " … "
