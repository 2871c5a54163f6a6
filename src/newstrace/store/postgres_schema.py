"""The PostgreSQL store's tables, connections and writer lock.

The tables are SQLite's, column for column, so that one set of queries (``sql_*`` modules) serves both;
what differs is here: identity columns for ingest order, ``BYTEA`` for the copy index and stories state
(``blobs``), and full-text search as ``tsvector`` columns with GIN indexes in place of FTS5 tables
(English stemming, as FTS5's porter tokenizer does). A text column cannot hold NUL, so values written
to text columns pass through ``no_nul`` (the document's JSON escapes it and keeps the text exact).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Sequence
from typing import Any

SCHEMA_VERSION = 2
TS_CONFIG = "english"
MAX_TS_CHARS = 400_000  # text indexed per page: a tsvector holds at most 1 MB

DDL = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS blobs (key TEXT PRIMARY KEY, value BYTEA NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    revision INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    url TEXT, outlet TEXT, title TEXT, published TEXT, source TEXT, format TEXT,
    ingested_at DOUBLE PRECISION NOT NULL,
    json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_outlet ON documents(lower(outlet));
CREATE INDEX IF NOT EXISTS documents_published ON documents(published);
CREATE TABLE IF NOT EXISTS revisions (
    id TEXT NOT NULL, revision INTEGER NOT NULL, content_hash TEXT NOT NULL,
    ingested_at DOUBLE PRECISION NOT NULL, json TEXT NOT NULL,
    PRIMARY KEY (id, revision)
);
CREATE TABLE IF NOT EXISTS layers (
    rowid BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    doc_id TEXT NOT NULL, kind TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    outlet TEXT, author TEXT, comment INTEGER
);
CREATE INDEX IF NOT EXISTS layers_doc ON layers(doc_id);
CREATE TABLE IF NOT EXISTS quotes (
    rowid BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    doc_id TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL,
    speaker TEXT, speaker_entity TEXT, cue TEXT,
    tsv tsvector GENERATED ALWAYS AS (
        to_tsvector('{TS_CONFIG}', left(text, {MAX_TS_CHARS}) || ' ' || coalesce(speaker, ''))
    ) STORED
);
CREATE INDEX IF NOT EXISTS quotes_doc ON quotes(doc_id);
CREATE INDEX IF NOT EXISTS quotes_speaker ON quotes(lower(speaker));
CREATE INDEX IF NOT EXISTS quotes_tsv ON quotes USING GIN (tsv);
CREATE TABLE IF NOT EXISTS entities (
    rowid BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    doc_id TEXT NOT NULL, entity_id TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
    mentions INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS entities_doc ON entities(doc_id);
CREATE INDEX IF NOT EXISTS entities_name ON entities(lower(name));
CREATE TABLE IF NOT EXISTS body_fts (
    doc_id TEXT PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL,
    tsv tsvector GENERATED ALWAYS AS (
        to_tsvector('{TS_CONFIG}', title || ' ' || left(body, {MAX_TS_CHARS}))
    ) STORED
);
CREATE INDEX IF NOT EXISTS body_fts_tsv ON body_fts USING GIN (tsv);
CREATE TABLE IF NOT EXISTS passages (
    doc_id TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    other_id TEXT NOT NULL, other_start INTEGER NOT NULL, other_end INTEGER NOT NULL,
    similarity DOUBLE PRECISION NOT NULL, kind TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS passages_doc ON passages(doc_id);
CREATE INDEX IF NOT EXISTS passages_other ON passages(other_id);
CREATE TABLE IF NOT EXISTS errors (
    source TEXT PRIMARY KEY, reason TEXT NOT NULL, first_seen DOUBLE PRECISION NOT NULL,
    last_seen DOUBLE PRECISION NOT NULL
);
"""

STORIES_DDL = """
CREATE TABLE IF NOT EXISTS stories (
    id TEXT PRIMARY KEY, title TEXT, size INTEGER NOT NULL, first_date TEXT, last_date TEXT,
    updated_at DOUBLE PRECISION NOT NULL
);
CREATE INDEX IF NOT EXISTS stories_last_date ON stories(last_date);
CREATE TABLE IF NOT EXISTS story_documents (
    doc_id TEXT PRIMARY KEY, story_id TEXT NOT NULL, thread INTEGER NOT NULL, position INTEGER NOT NULL,
    date TEXT, title TEXT, content_hash TEXT NOT NULL, explanation TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS story_documents_story ON story_documents(story_id);
CREATE TABLE IF NOT EXISTS story_events (
    doc_id TEXT PRIMARY KEY, content_hash TEXT NOT NULL, json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS story_statements (
    story_id TEXT PRIMARY KEY, signature TEXT NOT NULL, json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS story_views (
    story_id TEXT PRIMARY KEY, json TEXT NOT NULL
);
"""


def writer_lock_key(url: str) -> int:
    """The advisory lock one writer of a database holds (a 32-bit key, the same for every client)."""
    del url  # one store per database: the key names newstrace's writer, not the database
    return zlib.crc32(b"newstrace writer") & 0x7FFFFFFF


def no_nul(value: Any) -> Any:
    """A value for a text column: NUL (which PostgreSQL text cannot hold) as U+FFFD, one for one."""
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "\ufffd")
    return value


_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"])*\"|\?|%")


def to_pyformat(sql: str) -> str:
    """SQLite's ``?`` placeholders as psycopg's ``%s`` (and a literal ``%`` doubled), outside quotes."""

    def sub(m: re.Match[str]) -> str:
        tok = m.group(0)
        if tok == "?":
            return "%s"
        if tok == "%":
            return "%%"
        return tok

    return _TOKENS.sub(sub, sql)


class Row(tuple[Any, ...]):
    """A result row read by position, by column name or unpacked, as ``sqlite3.Row`` is."""

    _index: dict[str, int]

    def __new__(cls, values: Sequence[Any], index: dict[str, int]) -> Row:
        row = super().__new__(cls, values)
        row._index = index
        return row

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._index)


def row_factory(cursor: Any) -> Callable[[Sequence[Any]], Row]:
    """psycopg's row factory for ``Row``."""
    names = [c.name for c in cursor.description or ()]
    index = {n: i for i, n in enumerate(names)}
    return lambda values: Row(values, index)
