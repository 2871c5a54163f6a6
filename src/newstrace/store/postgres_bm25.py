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

n (matches per lexeme, from the GIN index), N and the average lengths are cached per store state.
A "quoted phrase" counts as its lexemes. On a 10,000-page corpus the best page is FTS5's for ~93% of
queries (``benchmarks/search_agreement.py``); what differs is tokenising and stemming.
"""

from __future__ import annotations

import math
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
    """The query's lexemes (as ``tsquery`` text), how often each was asked, and their idf."""

    queries: list[str]
    idf: list[float]


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
    lexemes: list[tuple[str, int]]


def query(con: PgConnection, words: str) -> Query:
    """``words`` as lexemes, with what the cached statistics are keyed by, in one round trip."""
    row = con.execute(
        "SELECT (SELECT oid FROM pg_database WHERE datname = current_database()), "
        "(SELECT max(seq) FROM documents), (SELECT count(*) FROM revisions), "
        "(SELECT max(rowid) FROM quotes), "
        "ARRAY(SELECT array_to_tsvector(ARRAY[u.lexeme])::text FROM unnest(to_tsvector("
        f"'{TS_CONFIG}', ?)) u ORDER BY u.lexeme), "
        "ARRAY(SELECT cardinality(u.positions) FROM unnest(to_tsvector("
        f"'{TS_CONFIG}', ?)) u ORDER BY u.lexeme)",
        [words, words],
    ).fetchone()
    assert row is not None
    info = con.raw.info
    db = (info.host, info.port, info.dbname, row[0])
    return Query(db, (row[1], row[2], row[3]), list(zip(row[4], row[5], strict=True)))


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
    db, state, lexemes = asked.db, asked.state, asked.lexemes
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
    missing = [q for q, _ in lexemes if q not in df]
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
    idf = [times * idf_of(stats.rows, df[q]) for q, times in lexemes]
    return Terms([q for q, _ in lexemes], idf), stats


def idf_of(rows: int, hits: int) -> float:
    """FTS5's idf: log((N - n + 0.5) / (n + 0.5)), a tiny positive value for very common terms."""
    value = math.log((rows - hits + 0.5) / (hits + 0.5))
    return value if value > 0 else IDF_FLOOR


def ranked(table: Table, alias: str, t: Terms, stats: Stats) -> tuple[str, list[Any], str, list[Any]]:
    """SQL for step 1 over the matches: a LATERAL of tf and its parameters, the score over it and its
    parameters (``t.tf0..`` and ``s1`` name the columns it makes). The length here is the text's size
    in bytes, which costs no decompression; step 2 counts tokens for the best."""
    cols = [f"ts_rank({UNIT}, {alias}.tsv, ?::tsquery, 0) AS r{i}" for i in range(len(t.queries))]
    lateral = f"CROSS JOIN LATERAL (SELECT {', '.join(cols)} OFFSET 0) r"
    tfs = ", ".join(f"round(1 / ({ZETA2} * (1 - r.r{i})) - 0.5) AS tf{i}" for i in range(len(t.queries)))
    lateral += f" CROSS JOIN LATERAL (SELECT {tfs} OFFSET 0) t"
    score, sparams = _score("t", table.size.format(a=alias), stats.avg_size, t)
    return lateral, list(t.queries), f"{score} AS s1", sparams


def rescored(alias: str, t: Terms, stats: Stats) -> tuple[str, str, list[Any]]:
    """SQL for step 2 over step 1's best rows (which carry ``tf0..``): a LATERAL of the exact length
    (no parameters), the score and its parameters."""
    lateral = (f"CROSS JOIN LATERAL (SELECT max(u.positions[cardinality(u.positions)]) AS dl "
               f"FROM unnest({alias}.tsv) u) x")
    score, params = _score(alias, "x.dl", stats.avg_tokens, t)
    return lateral, f"{score} AS score", params


def _score(alias: str, dl: str, avg: float, t: Terms) -> tuple[str, list[Any]]:
    norm = f"{K1} * ({1 - B} + {B} * coalesce({dl}, 0) / ?::float8)"
    parts = []
    params: list[Any] = []
    for i, idf in enumerate(t.idf):
        parts.append(f"?::float8 * {alias}.tf{i} * {K1 + 1} / ({alias}.tf{i} + {norm})")
        params += [idf, avg]
    return "(" + " + ".join(parts) + ")", params
