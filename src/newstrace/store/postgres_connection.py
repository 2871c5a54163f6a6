"""A psycopg connection that takes the SQL the shared queries are written in.

The queries of ``sql_documents``, ``sql_read`` and ``sql_stories`` are written once, in the SQL both
backends understand, with SQLite's spelling where the two differ in form only: ``?`` placeholders,
``INSERT OR REPLACE`` / ``INSERT OR IGNORE``, ``BEGIN IMMEDIATE``, ``COLLATE NOCASE`` (a case-insensitive
ICU collation named ``nocase`` on the server). This connection rewrites those forms for PostgreSQL
once per statement text (cached) and hands rows back as ``Row`` (by position, by name, unpacked),
so the shared code reads them as it reads ``sqlite3.Row``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import pq

from ..errors import StoreError
from .postgres_schema import no_nul, row_factory, to_pyformat

CONNECT_TIMEOUT = 10  # seconds: a server that does not answer is an error, not a hang


def shown_url(url: str) -> str:
    """``url`` as messages show it: without its password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def connect(url: str, *, readonly: bool, application: str = "newstrace") -> psycopg.Connection[Any]:
    """An autocommit connection (transactions are explicit), or a one-line ``StoreError``."""
    try:
        con = psycopg.connect(
            url, autocommit=True, connect_timeout=CONNECT_TIMEOUT, application_name=application
        )
    except psycopg.Error as e:
        reason = " ".join(str(e).split()).replace(url, shown_url(url))
        raise StoreError(f"{shown_url(url)}: cannot connect to the PostgreSQL server: {reason}") from None
    if readonly:
        con.execute("SET default_transaction_read_only = on")
    return con


# Each table's key, for INSERT OR REPLACE (an upsert on it).
KEYS: dict[str, tuple[str, ...]] = {
    "meta": ("key",),
    "blobs": ("key",),
    "revisions": ("id", "revision"),
    "errors": ("source",),
    "stories": ("id",),
    "story_documents": ("doc_id",),
    "story_events": ("doc_id",),
    "story_statements": ("story_id",),
    "story_views": ("story_id",),
}

_REPLACE = re.compile(r"^\s*INSERT OR REPLACE INTO (\w+)\s*\(([^)]*)\)", re.IGNORECASE)
_IGNORE = re.compile(r"^\s*INSERT OR IGNORE INTO ", re.IGNORECASE)
_PLAIN_INSERT = re.compile(
    r"^\s*INSERT INTO (\w+)\s*\(([^)]*)\)\s*VALUES\s*\((?:\s*\?\s*,?)+\)\s*$", re.IGNORECASE
)
_ARRAY_TYPES = {"text", "int4", "int8", "float8", "bytea", "bool"}  # column types sent as arrays


@lru_cache(maxsize=512)
def translate(sql: str) -> str:
    """SQLite's spelling of a shared statement as PostgreSQL's."""
    stripped = sql.strip().rstrip(";")
    if stripped.upper() == "BEGIN IMMEDIATE":
        return "BEGIN"
    m = _REPLACE.match(sql)
    if m:
        table = m.group(1)
        cols = [c.strip().strip('"') for c in m.group(2).split(",")]
        key = KEYS[table]
        rest = [c for c in cols if c not in key]
        sets = ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in rest)
        action = f"DO UPDATE SET {sets}" if rest else "DO NOTHING"
        sql = f"INSERT INTO {table}({m.group(2)}){sql[m.end():]} ON CONFLICT ({', '.join(key)}) {action}"
    elif _IGNORE.match(sql):
        sql = _IGNORE.sub("INSERT INTO ", sql) + " ON CONFLICT DO NOTHING"
    return to_pyformat(sql)


def _clean(params: Sequence[Any] | None) -> tuple[Any, ...]:
    return tuple(no_nul(p) for p in params or ())


class PgConnection:
    """The shared queries' view of one psycopg connection (autocommit; explicit BEGIN … COMMIT)."""

    def __init__(self, con: psycopg.Connection[Any]) -> None:
        self.raw = con
        self._column_types: dict[str, dict[str, str]] = {}

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> psycopg.Cursor[Any]:
        cur = self.raw.cursor(row_factory=row_factory)
        cur.execute(translate(sql), _clean(params) if params is not None else None)
        return cur

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Many rows of one statement. A plain ``INSERT INTO t(columns) VALUES (?, …)`` of several rows
        is sent as one statement over arrays (``SELECT … FROM unnest(…)``): one row's parse, plan and
        execution instead of one per row, which is what a page's layers cost most."""
        rows = [_clean(r) for r in rows]
        m = _PLAIN_INSERT.match(sql)
        if m and len(rows) > 1:
            table, names = m.group(1), [c.strip().strip('"') for c in m.group(2).split(",")]
            types = self._types(table)
            if all(n in types for n in names):
                arrays = [list(col) for col in zip(*rows, strict=True)]
                cols = ", ".join(f'"{n}"' for n in names)
                unnest = ", ".join(f"%s::{types[n]}[]" for n in names)
                self.raw.execute(f"INSERT INTO {table}({cols}) SELECT * FROM unnest({unnest})", arrays)
                return
        with self.raw.cursor() as cur:
            cur.executemany(translate(sql), rows)

    def _types(self, table: str) -> dict[str, str]:
        """Column name -> type name of ``table`` (looked up once per connection)."""
        if table not in self._column_types:
            found = self.raw.execute(
                "SELECT column_name, udt_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = %s",
                (table,),
            ).fetchall()
            self._column_types[table] = {str(n): str(t) for n, t in found if t in _ARRAY_TYPES}
        return self._column_types[table]

    def executescript(self, script: str) -> None:
        self.raw.execute(script)

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != pq.TransactionStatus.IDLE

    def close(self) -> None:
        self.raw.close()
