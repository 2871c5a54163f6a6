"""Documents in a SQL store, written once for both backends: one transaction per document.

Why this shape:
- *Idempotent*: a document is keyed by its id and the hash of its content; the same input twice changes
  nothing, a changed page under the same id becomes a new revision (older ones are kept).
- *Resumable*: each document (its JSON, its searchable rows, its copied passages) is written in one
  transaction, so a run killed at any moment leaves whole documents only; a rerun skips what is stored.
- *Readable while written*: readers (search, the web app) work during an ingest.
Everything else (the near-duplicate index, stories) is derived data that can be rebuilt from here.

The queries are in the SQL both SQLite and PostgreSQL understand (with SQLite's spelling where the two
differ in form only; ``postgres_connection`` rewrites those). What differs in substance is a hook the
backend fills: how quotes are made searchable, where binary values live, how tables are listed.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol

from ..model import Document
from .base import CopyCheckpoint, DocumentInfo, PassageView, PutResult, body_text, content_hash, search_title

INDEX_KEY = "reuse_index"
INDEX_SEQ_KEY = INDEX_KEY + "_seq"
REVISIONS_KEY = INDEX_KEY + "_revisions"  # revisions made to the pages a checkpoint holds, when saved
BLOB_KEYS = (INDEX_KEY, "stories_state")  # the binary values a store keeps

DUMP_TABLES = ("documents", "revisions", "layers", "quotes", "entities", "passages", "errors")
UNSTABLE_COLUMNS = ("ingested_at", "first_seen", "last_seen", "updated_at", "rowid", "seq", "tsv")
PAGE = 1000  # rows per query when a whole table is walked (no cursor held open across them)


class Cursor(Protocol):
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """What the shared queries need of a connection (``sqlite3.Connection``, ``PgConnection``)."""

    @property
    def in_transaction(self) -> bool: ...
    def execute(self, sql: str, params: Any = ..., /) -> Any: ...
    def executemany(self, sql: str, rows: Any, /) -> Any: ...
    def executescript(self, script: str, /) -> Any: ...


def rollback(con: Connection) -> None:
    """Roll back if a transaction is still open: SQLite ends one itself on some errors (a damaged page),
    and a second ROLLBACK would hide the real error behind "cannot rollback - no transaction is active"."""
    if con.in_transaction:
        con.execute("ROLLBACK")


def info_of(row: Any) -> DocumentInfo:
    keys = row.keys()
    return DocumentInfo(
        int(row["seq"]), str(row["id"]), int(row["revision"]) if "revision" in keys else 0, row["url"],
        row["outlet"], row["title"], row["published"],
        row["source"] if "source" in keys else None, row["format"] if "format" in keys else None,
        float(row["ingested_at"]) if "ingested_at" in keys else None,
    )


class SqlDocuments:
    """Documents, revisions, searchable rows, passages, errors and metadata (mixed into each store)."""

    con: Any  # a Connection
    path: str
    readonly: bool
    BLOB_TABLE = "blobs"  # binary values (the copy index, the clusterer's state): key, value
    FTS_TABLES: tuple[str, ...] = ("body_fts",)  # searchable rows keyed by doc_id
    SNAPSHOT = "BEGIN"  # starts a read transaction that sees one state of the store

    # ------------------------------------------------------------------------------ backend hooks

    def _insert_quotes(self, doc: Document) -> None:
        raise NotImplementedError

    def _columns(self, table: str) -> list[str]:
        raise NotImplementedError

    def _pipeline(self) -> contextlib.AbstractContextManager[Any]:
        """Statements whose results are not read, sent without waiting for each (a server backend
        saves a round trip per statement)."""
        return contextlib.nullcontext()

    def _table_names(self) -> set[str]:
        raise NotImplementedError

    def rebuild_search(self) -> None:
        """Remake searchable rows the backend does not derive itself (after rows were copied in)."""

    def reset_sequences(self) -> None:
        """Let new rows follow rows copied in with their own ingest positions and row ids."""

    # ---------------------------------------------------------------------------- transactions

    @contextlib.contextmanager
    def _write(self) -> Iterator[Any]:
        """One write transaction, rolled back on any error."""
        con = self.con
        con.execute("BEGIN IMMEDIATE")
        try:
            yield con
            con.execute("COMMIT")
        except BaseException:
            rollback(con)
            raise

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """One read transaction around several statements: they see one state of the store, and a
        writer changing the schema meanwhile cannot reach them halfway."""
        if self.con.in_transaction:
            yield
            return
        self.con.execute(self.SNAPSHOT)
        try:
            yield
        finally:
            if self.con.in_transaction:  # an interrupted statement may have ended it already
                self.con.execute("COMMIT")

    # ------------------------------------------------------------------------------------------ write

    def has(self, doc_id: str, digest: str) -> bool:
        return self.stored_hash(doc_id) == digest

    def stored_hash(self, doc_id: str) -> str | None:
        """The content hash ``doc_id`` is stored with (None: not stored)."""
        row = self.con.execute("SELECT content_hash FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return None if row is None else str(row[0])

    def put(
        self, doc: Document, passages: Sequence[PassageView] = (), *, digest: str | None = None
    ) -> PutResult:
        """Store ``doc`` (and the copied passages found for it) in one transaction.

        ``digest``: the content hash of the input as read (before analysis added anything); by default
        the hash of ``doc`` itself.
        """
        digest = digest or content_hash(doc)
        # Pipelined on a server backend: BEGIN and the lookup in one round trip, the rows and COMMIT in
        # the next.
        with self._pipeline(), self._write() as con:
            row = con.execute(
                "SELECT revision, content_hash, ingested_at, json FROM documents WHERE id = ?", (doc.id,)
            ).fetchone()
            if row is not None and row["content_hash"] == digest:
                return PutResult(doc.id, "unchanged", int(row["revision"]))
            return self._put(doc, passages, digest, row)

    def _put(self, doc: Document, passages: Sequence[PassageView], digest: str, row: Any) -> PutResult:
        """The rows of a new or changed document (``row``: its stored revision, if any)."""
        con = self.con
        revision = 1
        status = "added"
        if row is not None:
            revision = int(row["revision"]) + 1
            status = "revised"
            con.execute(
                "INSERT OR REPLACE INTO revisions(id, revision, content_hash, ingested_at, json) "
                "VALUES (?, ?, ?, ?, ?)",
                (doc.id, row["revision"], row["content_hash"], row["ingested_at"], row["json"]),
            )
            self._delete_rows(doc.id)
        self._insert(doc, digest, revision, update=row is not None)
        self._insert_passages(doc.id, passages)
        con.execute("DELETE FROM errors WHERE source = ?", (doc.source or doc.id,))
        return PutResult(doc.id, status, revision)

    def _delete_rows(self, doc_id: str) -> None:
        for table in ("layers", "quotes", "entities", "passages", *self.FTS_TABLES):
            self.con.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))

    def _insert(self, doc: Document, digest: str, revision: int, *, update: bool) -> None:
        con = self.con
        values = (revision, digest, doc.url, doc.outlet, doc.title, doc.published, doc.source, doc.format,
                  time.time(), "".join(doc.json_chunks()), doc.id)
        if update:
            # Keep the document's ingest position (seq): it decides who was first.
            con.execute(
                "UPDATE documents SET revision = ?, content_hash = ?, url = ?, outlet = ?, title = ?, "
                "published = ?, source = ?, format = ?, ingested_at = ?, json = ? WHERE id = ?",
                values,
            )
        else:
            con.execute(
                "INSERT INTO documents(revision, content_hash, url, outlet, title, published, source, "
                "format, ingested_at, json, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                values,
            )
        con.executemany(
            'INSERT INTO layers(doc_id, kind, start, "end", outlet, author, comment) '
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(doc.id, x.kind, x.start, x.end, x.outlet, x.author, x.comment) for x in doc.layers],
        )
        self._insert_quotes(doc)
        con.executemany(
            "INSERT INTO entities(doc_id, entity_id, name, type, mentions) VALUES (?, ?, ?, ?, ?)",
            [(doc.id, e.id, e.name, e.type, len(e.mentions)) for e in doc.entities],
        )
        con.execute(
            "INSERT INTO body_fts(doc_id, title, body) VALUES (?, ?, ?)",
            (doc.id, search_title(doc), body_text(doc)),
        )

    def _insert_passages(self, doc_id: str, passages: Sequence[PassageView]) -> None:
        self.con.executemany(
            'INSERT INTO passages(doc_id, start, "end", other_id, other_start, other_end, similarity, kind) '
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (doc_id, p.start, p.end, p.other_id, p.other_start, p.other_end, float(p.similarity), p.kind)
                for p in passages
            ],
        )

    def replace_passages(self, doc_id: str, passages: Sequence[PassageView]) -> None:
        """Set the passages found for ``doc_id`` (used when the index is rebuilt or caught up)."""
        with self._write() as con:
            con.execute("DELETE FROM passages WHERE doc_id = ?", (doc_id,))
            self._insert_passages(doc_id, passages)

    def record_error(self, source: str, reason: str) -> None:
        now = time.time()
        self.con.execute(
            "INSERT INTO errors(source, reason, first_seen, last_seen) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(source) DO UPDATE SET reason = excluded.reason, last_seen = excluded.last_seen",
            (source, reason, now, now),
        )

    def rename_errors(
        self, prefix: str, source: Callable[[str], str], reason: Callable[[str], str]
    ) -> None:
        """Rewrite the errors whose source starts with ``prefix`` (a temporary file's path, say) as the
        caller knows them: ``source(old source)``, ``reason(old reason)``."""
        rows = self.con.execute(
            "SELECT source, reason FROM errors WHERE substr(source, 1, ?) = ?", (len(prefix), prefix)
        ).fetchall()
        for old, why in rows:
            new = source(old)
            with self._write() as con:  # the renamed error replaces one already recorded under its name
                if new != old:
                    con.execute("DELETE FROM errors WHERE source = ?", (new,))
                con.execute(
                    "UPDATE errors SET source = ?, reason = ? WHERE source = ?", (new, reason(why), old)
                )

    def set_meta(self, key: str, value: str) -> None:
        self.con.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    def get_blob(self, key: str) -> bytes | None:
        row = self.con.execute(f"SELECT value FROM {self.BLOB_TABLE} WHERE key = ?", (key,)).fetchone()
        return None if row is None else bytes(row[0])

    def _set_blob(self, key: str, value: bytes) -> None:
        self.con.execute(f"INSERT OR REPLACE INTO {self.BLOB_TABLE}(key, value) VALUES (?, ?)", (key, value))

    # ------------------------------------------------------------------------------- the copy index

    def _revisions(self, upto: int) -> int:
        """Revisions made to the documents stored up to ``upto``: each keeps the one it replaced in the
        (small) revisions table, so counting costs nothing however large the store."""
        row = self.con.execute(
            "SELECT COUNT(*) FROM revisions r JOIN documents d ON d.id = r.id WHERE d.seq <= ?", (upto,)
        ).fetchone()
        return int(row[0])

    def copy_checkpoint(self) -> CopyCheckpoint | None:
        """The copy index as last saved, read in one snapshot with the documents it was saved with."""
        with self.snapshot():
            blob = self.get_blob(INDEX_KEY)
            seq = self.get_meta(INDEX_SEQ_KEY)
            if blob is None or seq is None:
                return None
            upto = int(seq)
            # A checkpoint saved before revisions were counted assumes there were none.
            saved = int(self.get_meta(REVISIONS_KEY) or 0)
            return CopyCheckpoint(blob, upto, saved, self._revisions(upto))

    def save_copy_checkpoint(self, blob: bytes, seq: int) -> None:
        with self._write():
            self._set_blob(INDEX_KEY, blob)
            self.set_meta(INDEX_SEQ_KEY, str(seq))
            self.set_meta(REVISIONS_KEY, str(self._revisions(seq)))

    def version(self) -> tuple[int, int]:
        """(last ingest position, revisions made): a new document raises the first, a revision the
        second (what in-memory caches of derived data are keyed by)."""
        row = self.con.execute(
            "SELECT COALESCE(MAX(seq), 0), COALESCE(SUM(revision), 0) FROM documents"
        ).fetchone()
        return int(row[0]), int(row[1])

    # ------------------------------------------------------------------------------------------- read

    def get_meta(self, key: str) -> str | None:
        row = self.con.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def count(self) -> int:
        return int(self.con.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    def error_count(self) -> int:
        return int(self.con.execute("SELECT COUNT(*) FROM errors").fetchone()[0])

    def get(self, doc_id: str) -> dict[str, Any] | None:
        row = self.con.execute("SELECT json FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def document(self, doc_id: str) -> Document | None:
        data = self.get(doc_id)
        return None if data is None else Document.from_json(data)

    def text(self, doc_id: str) -> str | None:
        """A stored document's text alone (the copy index reads old pages back to align new ones)."""
        data = self.get(doc_id)
        return None if data is None else str(data["text"])

    def info(self, doc_id: str) -> DocumentInfo | None:
        row = self.con.execute(
            "SELECT seq, id, revision, url, outlet, title, published, source, format, ingested_at "
            "FROM documents WHERE id = ?",
            (doc_id,),
        ).fetchone()
        return None if row is None else info_of(row)

    def iter_documents(self, after_seq: int = 0) -> Iterator[tuple[int, dict[str, Any]]]:
        """Stored documents in ingest order, from ``after_seq`` on (for rebuilding derived indexes),
        read a page of rows at a time so that memory stays flat however large the store."""
        last = after_seq
        while True:
            rows = self.con.execute(
                "SELECT seq, json FROM documents WHERE seq > ? ORDER BY seq LIMIT ?", (last, PAGE)
            ).fetchall()
            for seq, data in rows:
                yield int(seq), dict(json.loads(data))
            if len(rows) < PAGE:
                return
            last = int(rows[-1][0])

    def ids(self) -> list[str]:
        return [r[0] for r in self.con.execute("SELECT id FROM documents ORDER BY seq")]

    def dump(self, tables: Iterable[str] = DUMP_TABLES) -> dict[str, list[tuple[Any, ...]]]:
        """The store's content without timestamps or ingest positions, for comparing two stores (of
        either backend: numbers as floats where a backend may give back either)."""
        out: dict[str, list[tuple[Any, ...]]] = {}
        for t in tables:
            keep = [c for c in self._columns(t) if c not in UNSTABLE_COLUMNS]
            sel = ", ".join(f'"{c}"' for c in keep)
            rows = self.con.execute(f"SELECT {sel} FROM {t}").fetchall()
            out[t] = sorted(tuple(_comparable(v) for v in r) for r in rows)
        return out

    def _stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        """The rows of one query, fetched as they are read (backends override to hold few in memory)."""
        yield from (tuple(r) for r in self.con.execute(sql, tuple(params)))

    def table_rows(self, table: str, order: str) -> tuple[list[str], Iterator[tuple[Any, ...]]]:
        """A table's columns and its rows in ``order`` (a column list), streamed (for copying a store
        to another backend, and for export)."""
        columns = [c for c in self._columns(table) if c != "tsv"]
        sel = ", ".join(f'"{c}"' for c in columns)
        return columns, self._stream(f"SELECT {sel} FROM {table} ORDER BY {order}")

def _comparable(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, memoryview | bytearray):
        return bytes(value)
    return value
