"""The SQLite store's tables and connections.

Documents, their searchable rows (FTS5) and copied passages are made with the store; the story tables
are derived data, made by the first stories update (``STORIES_DDL``) and remade by ``--rebuild``.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

SCHEMA_VERSION = 2  # 1: the first release; 2: binary values in ``blobs`` (were in ``meta``)

DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS blobs (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,      -- ingest order: the tie-breaker for "who was first"
    id TEXT NOT NULL UNIQUE,
    revision INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    url TEXT, outlet TEXT, title TEXT, published TEXT, source TEXT, format TEXT,
    ingested_at REAL NOT NULL,
    json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_outlet ON documents(outlet);
CREATE INDEX IF NOT EXISTS documents_published ON documents(published);
CREATE TABLE IF NOT EXISTS revisions (
    id TEXT NOT NULL, revision INTEGER NOT NULL, content_hash TEXT NOT NULL,
    ingested_at REAL NOT NULL, json TEXT NOT NULL,
    PRIMARY KEY (id, revision)
);
CREATE TABLE IF NOT EXISTS layers (
    doc_id TEXT NOT NULL, kind TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    outlet TEXT, author TEXT, comment INTEGER
);
CREATE INDEX IF NOT EXISTS layers_doc ON layers(doc_id);
CREATE TABLE IF NOT EXISTS quotes (
    rowid INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL,
    speaker TEXT, speaker_entity TEXT, cue TEXT
);
CREATE INDEX IF NOT EXISTS quotes_doc ON quotes(doc_id);
CREATE INDEX IF NOT EXISTS quotes_speaker ON quotes(speaker COLLATE NOCASE);
CREATE TABLE IF NOT EXISTS entities (
    doc_id TEXT NOT NULL, entity_id TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
    mentions INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS entities_doc ON entities(doc_id);
CREATE INDEX IF NOT EXISTS entities_name ON entities(name COLLATE NOCASE);
CREATE VIRTUAL TABLE IF NOT EXISTS body_fts USING fts5(
    doc_id UNINDEXED, title, body, tokenize = 'porter unicode61'
);
CREATE VIRTUAL TABLE IF NOT EXISTS quotes_fts USING fts5(
    doc_id UNINDEXED, quote_id UNINDEXED, text, speaker, tokenize = 'porter unicode61'
);
CREATE TABLE IF NOT EXISTS passages (
    doc_id TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    other_id TEXT NOT NULL, other_start INTEGER NOT NULL, other_end INTEGER NOT NULL,
    similarity REAL NOT NULL, kind TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS passages_doc ON passages(doc_id);
CREATE INDEX IF NOT EXISTS passages_other ON passages(other_id);
CREATE TABLE IF NOT EXISTS errors (
    source TEXT PRIMARY KEY, reason TEXT NOT NULL, first_seen REAL NOT NULL, last_seen REAL NOT NULL
);
"""

# Stories (derived data). ``story_views``: each story page as the stories update computed it (events,
# statements, comparison), so that reading a story never computes; a story without a row there is
# rendered by the next update. ``story_events`` / ``story_statements``: per-page events parsed for
# pages stored without them, and a story's linked quotes, keyed by what they were computed from.
STORIES_DDL = """
CREATE TABLE IF NOT EXISTS stories (
    id TEXT PRIMARY KEY, title TEXT, size INTEGER NOT NULL, first_date TEXT, last_date TEXT,
    updated_at REAL NOT NULL
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
STORY_TABLES = ("stories", "story_documents", "story_events", "story_statements", "story_views")


def connect(path: str | Path, readonly: bool) -> sqlite3.Connection:
    if readonly:
        # In a folder nobody can write, no writer can be at work either, and SQLite could not make the
        # WAL's shared-memory file a reader needs: open the file as immutable then.
        folder = Path(path).resolve().parent
        flags = "mode=ro" if os.access(folder, os.W_OK) else "mode=ro&immutable=1"
        uri = f"file:{Path(path).resolve()}?{flags}"
        con = sqlite3.connect(uri, uri=True, timeout=30, check_same_thread=False)
    else:
        con = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
    con.execute("PRAGMA busy_timeout=30000")
    con.row_factory = sqlite3.Row
    return con


# What takes a store of each older version to the next (run in order, inside the transaction that
# also runs ``DDL``, so the new tables exist).
MIGRATIONS: dict[int, str] = {
    1: "INSERT OR REPLACE INTO blobs(key, value) SELECT key, value FROM meta "
       "WHERE key IN ('reuse_index', 'stories_state');\n"
       "DELETE FROM meta WHERE key IN ('reuse_index', 'stories_state');",
}


def migrations(version: int | None) -> str:
    """The statements that take a store at ``version`` (None: a new one) to ``SCHEMA_VERSION``."""
    if version is None:
        return ""
    return "\n".join(MIGRATIONS[v] for v in range(version, SCHEMA_VERSION))


def tables(con: sqlite3.Connection) -> set[str]:
    return {str(r[0]) for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
