"""BM25 on PostgreSQL, as SQLite's FTS5 ranks: the same pages come first on both backends.

FTS5's ``bm25()``: for each query term, idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl)),
k1 = 1.2, b = 0.75, idf = log((N - n + 0.5) / (n + 0.5)) (1e-6 when not positive), tf summed over the
indexed columns, dl the row's tokens. ``ts_rank`` is not that (``ts_rank(tsv, q, 1)`` picks FTS5's best
page for ~41% of queries), so the matches are rescored here, in two steps on the server:

1. every match, cheaply: tf of a lexeme from ``ts_rank`` with unit weights and no normalisation (for a
   one-lexeme query it is sum(1/j², j = 1..tf) / (pi²/6), which gives tf back exactly), and the length
   as the text's size in bytes (read from the stored value's header): no ``unnest`` per match;
2. the best few (``RESCORE`` or the page wanted, if more): dl as the last position in the ``tsvector``,
   which counts stop words as FTS5's token count does (positions, unlike lexemes, skip none).

n (matching rows per term, from the GIN index), N and the average lengths are cached per store state.
A "quoted phrase" is one term, as in FTS5: its rows for n, its occurrences for tf (counted in step 2).
On a 10,000-page corpus the best page is FTS5's for ~93% of queries (``benchmarks/search_agreement.py``);
what differs is tokenising and stemming.
"""

from __future__ import annotations

import math
import re
import threading
import time
from dataclasses import dataclass
from typing import Any

from .postgres_connection import PgConnection
from .postgres_schema import TS_CONFIG

K1 = 1.2
B = 0.75
IDF_FLOOR = 1e-6  # FTS5's idf for a term in half the rows or more
RESCORE = 40  # matches rescored with the exact length (step 2); the best ten were within 30 measured
SAMPLE_ROWS = 4000  # rows read for the average lengths of a larger table (a block sample)
STALE_SECONDS = 60.0  # averages kept this long while the row count moves by less than 1%
UNIT = "'{1,1,1,1}'::float4[]"  # ts_rank's weights: every position counts 1
ZETA2 = 1.64493406685  # pi²/6, which ts_rank divides a term's sum by


@dataclass(frozen=True)
class Table:
    """A searchable table: its name, its row key and the order ties are broken in."""

    name: str
    key: str
    size: str  # the row's indexed text in bytes, read without decompressing it (step 1's length)


BODY = Table("body_fts", "doc_id", "octet_length({a}.title) + octet_length({a}.body)")
QUOTES = Table("quotes", "rowid", "octet_length({a}.text) + octet_length(coalesce({a}.speaker, ''))")


@dataclass(frozen=True)
class Stats:
    """N and the average lengths (tokens with stop words; bytes of text) of a table."""

    rows: int
    avg_tokens: float
    avg_size: float
    made: float


@dataclass(frozen=True)
class Terms:
    """The query's terms as FTS5 counts them (each bare word, each phrase) as ``tsquery`` text, their
    idf, and for a phrase its lexemes with their offsets from the first (None: one lexeme)."""

    queries: list[str]
    idf: list[float]
    phrases: list[list[tuple[str, int]] | None]


_PHRASE = re.compile(r"\s*('(?:[^']|'')*')\s*(?:<(-|\d+)>|$)")


def phrase(text: str) -> list[tuple[str, int]] | None:
    """A ``phraseto_tsquery`` text (``'a' <-> 'b' <2> 'c'``) as lexemes and offsets; None for one lexeme
    or a form this does not read (then the phrase's tf is step 1's estimate)."""
    out: list[tuple[str, int]] = []
    at = 0
    pos = 0
    while pos < len(text):
        m = _PHRASE.match(text, pos)
        if m is None or m.end() == pos:
            return None
        out.append((m.group(1)[1:-1].replace("''", "'"), at))
        at += 1 if m.group(2) in (None, "-") else int(m.group(2))
        pos = m.end()
    return out if len(out) > 1 else None


class _Cache:
    """Stats and document frequencies per database and store state (shared by a pool's connections)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.state: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self.stats: dict[tuple[Any, ...], Stats] = {}
        self.df: dict[tuple[Any, ...], dict[str, int]] = {}


_CACHE = _Cache()


@dataclass(frozen=True)
class Query:
    """The database's identity, the store's state, and the lexemes of the words with how often each."""

    db: tuple[Any, ...]
    state: tuple[Any, ...]
    terms: list[str]


def query(con: PgConnection, words: list[str], phrases: list[str]) -> Query:
    """The terms of bare ``words`` and ``phrases`` (``tsquery`` texts; stop words have none), with what
    the cached statistics are keyed by, in one round trip."""
    row = con.execute(
        "SELECT (SELECT oid FROM pg_database WHERE datname = current_database()), "
        "(SELECT max(seq) FROM documents), (SELECT count(*) FROM revisions), "
        "(SELECT max(rowid) FROM quotes), "
        "ARRAY(SELECT array_to_tsvector(ARRAY[u.lexeme])::text FROM unnest(?::text[]) WITH ORDINALITY "
        f"x(w, i), unnest(to_tsvector('{TS_CONFIG}', x.w)) u ORDER BY x.i, u.lexeme), "
        f"ARRAY(SELECT phraseto_tsquery('{TS_CONFIG}', x.w)::text FROM unnest(?::text[]) WITH ORDINALITY "
        "x(w, i) ORDER BY x.i)",
        [words, phrases],
    ).fetchone()
    assert row is not None
    info = con.raw.info
    db = (info.host, info.port, info.dbname, row[0])
    return Query(db, (row[1], row[2], row[3]), [*row[4], *(p for p in row[5] if p)])


def _rows(con: PgConnection, table: Table) -> int:
    row = con.execute(f"SELECT count(*) FROM {table.name}").fetchone()
    return int(row[0]) if row is not None else 0


def _stats(con: PgConnection, table: Table, rows: int) -> Stats:
    """N and the average lengths: exact on a small table, from a repeatable block sample on a large one."""
    sample = ""
    if rows > SAMPLE_ROWS:
        sample = f" TABLESAMPLE SYSTEM ({100.0 * SAMPLE_ROWS / rows:.4f}) REPEATABLE (1)"
    size = table.size.format(a="t")
    avg = con.execute(
        f"SELECT avg(s.tokens), avg({size}) FROM {table.name} AS t{sample}, LATERAL (SELECT "
        "max(u.positions[cardinality(u.positions)]) AS tokens FROM unnest(t.tsv) u) s"
    ).fetchone()
    assert avg is not None
    return Stats(rows, float(avg[0] or 1.0), float(avg[1] or 1.0), time.monotonic())


def terms(con: PgConnection, table: Table, asked: Query) -> tuple[Terms, Stats] | None:
    """The query's lexemes with their idf in ``table``, and the table's stats (None: no lexeme)."""
    db, state, lexemes = asked.db, asked.state, asked.terms
    if not lexemes:
        return None
    key = (db, table.name)
    with _CACHE.lock:
        fresh = _CACHE.state.get(key) == state
        stats = _CACHE.stats.get(key)
        df = _CACHE.df.get(key, {}) if fresh else {}
    if not fresh or stats is None:
        rows = _rows(con, table)
        # While pages are being added the averages hardly move: kept a while, not recomputed per search.
        keep = (stats is not None and rows > SAMPLE_ROWS and abs(rows - stats.rows) < 0.01 * stats.rows
                and time.monotonic() - stats.made < STALE_SECONDS)
        if keep and stats is not None:
            stats = Stats(rows, stats.avg_tokens, stats.avg_size, stats.made)
        else:
            stats = _stats(con, table, rows)
    missing = sorted({q for q in lexemes if q not in df})
    if missing:
        found = con.execute(
            f"SELECT x.q, (SELECT count(*) FROM {table.name} WHERE tsv @@ x.q::tsquery) "
            "FROM unnest(?::text[]) AS x(q)",
            [missing],
        ).fetchall()
        df = {**df, **{str(q): int(n) for q, n in found}}
    with _CACHE.lock:
        _CACHE.state[key] = state
        _CACHE.stats[key] = stats
        _CACHE.df[key] = df if len(df) < 10_000 else {}
    idf = [idf_of(stats.rows, df[q]) for q in lexemes]
    return Terms(list(lexemes), idf, [phrase(q) for q in lexemes]), stats


def idf_of(rows: int, hits: int) -> float:
    """FTS5's idf: log((N - n + 0.5) / (n + 0.5)), a tiny positive value for very common terms."""
    value = math.log((rows - hits + 0.5) / (hits + 0.5))
    return value if value > 0 else IDF_FLOOR


def ranked(table: Table, alias: str, t: Terms, stats: Stats) -> tuple[str, list[Any], str, list[Any]]:
    """SQL for step 1 over the matches: a LATERAL of tf and its parameters, the score over it and its
    parameters (``t.tf0..`` and ``s1`` name the columns it makes). The length here is the text's size
    in bytes, which costs no decompression; step 2 counts tokens for the best."""
    one = [i for i, words in enumerate(t.phrases) if words is None]
    cols = [f"ts_rank({UNIT}, {alias}.tsv, ?::tsquery, 0) AS r{i}" for i in one] or ["1 AS r"]
    lateral = f"CROSS JOIN LATERAL (SELECT {', '.join(cols)} OFFSET 0) r"
    # a phrase is there at least once in every match: step 2 counts it
    tfs = ", ".join(f"round(1 / greatest({ZETA2} * (1 - r.r{i}), 1e-9) - 0.5)::float8 AS tf{i}"
                    if i in one else f"1.0::float8 AS tf{i}" for i in range(len(t.queries)))
    lateral += f" CROSS JOIN LATERAL (SELECT {tfs} OFFSET 0) t"
    tf: list[tuple[str, list[Any]]] = [(f"t.tf{i}", []) for i in range(len(t.queries))]
    score, sparams = _score(tf, table.size.format(a=alias), stats.avg_size, t)
    return lateral, [t.queries[i] for i in one], f"{score} AS s1", sparams


def rescored(alias: str, t: Terms, stats: Stats) -> tuple[str, str, list[Any]]:
    """SQL for step 2 over step 1's best rows (which carry ``tf0..``): a LATERAL of the exact length
    (no parameters), the score and its parameters. A phrase's tf is counted here: the places where
    its lexemes stand at their offsets."""
    lateral = (f"CROSS JOIN LATERAL (SELECT max(u.positions[cardinality(u.positions)]) AS dl "
               f"FROM unnest({alias}.tsv) u) x")
    tf: list[tuple[str, list[Any]]] = []
    for i, words in enumerate(t.phrases):
        if words is None:
            tf.append((f"{alias}.tf{i}", []))
            continue
        at = f"(SELECT u.positions FROM unnest({alias}.tsv) u WHERE u.lexeme = ?)::int[]"
        rest = " AND ".join(f"p + ?::int = ANY({at})" for _ in words[1:])
        params: list[Any] = [words[0][0]]
        for lexeme, offset in words[1:]:
            params += [offset, lexeme]
        tf.append((f"(SELECT count(*) FROM unnest({at}) p WHERE {rest})::float8", params))
    score, sparams = _score(tf, "x.dl", stats.avg_tokens, t)
    return lateral, f"{score} AS score", sparams


def _score(tf: list[tuple[str, list[Any]]], dl: str, avg: float, t: Terms) -> tuple[str, list[Any]]:
    """The BM25 sum over the terms, given each term's tf (SQL and its parameters) and the length."""
    norm = f"{K1} * ({1 - B} + {B} * coalesce({dl}, 0) / ?::float8)"
    parts = []
    params: list[Any] = []
    for idf, (expr, p) in zip(t.idf, tf, strict=True):
        parts.append(f"?::float8 * {expr} * {K1 + 1} / ({expr} + {norm})")
        params += [idf, *p, *p, avg]
    return "(" + " + ".join(parts) + ")", params
