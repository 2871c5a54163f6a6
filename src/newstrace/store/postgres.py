"""The shared store: PostgreSQL, for a team that shares a corpus or a web app that many people read.

The documents', pages' and stories' queries are shared with SQLite (``sql_documents``, ``sql_read``,
``sql_stories``, through ``PgConnection``); what is PostgreSQL's own is here: connecting (errors that
name the server, never its password), the writer's advisory lock, making and checking the schema, and
search on ``tsvector`` columns (``postgres_search``).
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator, Sequence
from typing import Any

import psycopg

from ..errors import StoreError
from ..model import Document
from . import postgres_lock as lock
from .base import SearchHit
from .postgres_connection import PgConnection, connect, shown_url
from .postgres_schema import COLLATION, DDL, SCHEMA_VERSION, STORIES_DDL
from .postgres_search import search as pg_search
from .sql_documents import SqlDocuments
from .sql_read import SqlReads
from .sql_stories import SqlStories

STREAM_ROWS = 1000  # rows a server-side cursor hands over at a time
_cursors = itertools.count()


class PostgresStore(SqlDocuments, SqlReads, SqlStories):
    """A newstrace store in one PostgreSQL database."""

    SNAPSHOT = "BEGIN ISOLATION LEVEL REPEATABLE READ"
    con: PgConnection

    def __init__(self, url: str, *, readonly: bool = False, check: bool = True) -> None:
        """Open the store in the database ``url`` names. A writer takes the store's advisory lock first
        (``StoreBusy``: another process writes it) and makes or migrates the schema; a reader needs a
        store made already. ``check`` is SQLite's page check: the server keeps its own pages whole."""
        del check
        self.url = url
        self.path = shown_url(url)
        self.readonly = readonly
        self._lock: str | None = None
        if not readonly:
            self._lock = lock.acquire(url, self.path)
        try:
            self.con = PgConnection(connect(url, readonly=readonly))
            self._open()
        except psycopg.Error as e:
            self._abandon()
            raise StoreError(f"{self.path}: {' '.join(str(e).split())}") from None
        except BaseException:
            self._abandon()
            raise

    def _open(self) -> None:
        version = self._schema_version()
        if version is not None and version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: made by a newer newstrace (schema {version}; this one: {SCHEMA_VERSION}); "
                "upgrade newstrace to use it"
            )
        if self.readonly:
            if version is None:
                raise StoreError(
                    f"{self.path}: not a newstrace store (no such table: meta); ingest into it first or "
                    "give another --db"
                )
            return
        # One transaction: a reader sees either no store yet, or the whole schema with its version.
        with self._write() as con:
            con.executescript(COLLATION + DDL)
            con.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )

    def _schema_version(self) -> int | None:
        if "meta" not in self._table_names():
            return None
        row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return None if row is None else int(row[0])

    def _abandon(self) -> None:
        con = getattr(self, "con", None)
        if con is not None:
            con.close()
        if self._lock is not None:
            lock.release(self._lock)
            self._lock = None

    def close(self) -> None:
        self._abandon()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --------------------------------------------------------------------------- backend hooks

    def _insert_quotes(self, doc: Document) -> None:
        self.con.executemany(
            'INSERT INTO quotes(doc_id, start, "end", text, speaker, speaker_entity, cue) '
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(doc.id, q.start, q.end, q.text, q.speaker, q.speaker_entity, q.cue) for q in doc.quotes],
        )

    def _pipeline(self) -> contextlib.AbstractContextManager[Any]:
        return self.con.raw.pipeline()

    def _columns(self, table: str) -> list[str]:
        rows = self.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = ? ORDER BY ordinal_position",
            (table,),
        ).fetchall()
        return [str(r[0]) for r in rows]

    def _table_names(self) -> set[str]:
        rows = self.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        ).fetchall()
        return {str(r[0]) for r in rows}

    def _stories_ddl(self) -> str:
        return STORIES_DDL

    def _stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        """Rows through a server-side cursor, ``STREAM_ROWS`` at a time (a client-side cursor would hold
        a whole table in memory)."""
        from .postgres_connection import translate

        raw = self.con.raw
        with raw.transaction(), raw.cursor(name=f"newstrace_stream_{next(_cursors)}") as cur:
            cur.itersize = STREAM_ROWS
            cur.execute(translate(sql), tuple(params))
            yield from (tuple(r) for r in cur)

    def rebuild_search(self) -> None:
        """Nothing to do: the searchable columns are computed by the server from the rows."""

    def reset_sequences(self) -> None:
        """Let new rows follow rows copied in with their own ingest positions and row ids."""
        for table, column in (("documents", "seq"), ("quotes", "rowid"), ("layers", "rowid"),
                              ("entities", "rowid")):
            self.con.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                f"COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)"
            )

    # ----------------------------------------------------------------------------------------- search

    def search(
        self,
        query: str,
        *,
        speaker: str | None = None,
        outlet: str | None = None,
        since: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> list[SearchHit]:
        """Ranked matches in body text and quotes, with a snippet around the match."""
        with self.snapshot():
            return pg_search(self.con, query, speaker=speaker, outlet=outlet, since=since, limit=limit,
                             offset=offset)
