"""The embedded store: SQLite in WAL mode with FTS5, one transaction per document.

Why this shape:
- *Idempotent*: a document is keyed by its id and the hash of its content; the same input twice changes
  nothing, a changed page under the same id becomes a new revision (older ones are kept).
- *Resumable*: each document (its JSON, its searchable rows, its copied passages) is written in one
  transaction, so a run killed at any moment leaves whole documents only; a rerun skips what is stored.
- *Readable while written*: WAL lets readers (search, the web app) work during an ingest.
Everything else (the near-duplicate index, stories) is derived data that can be rebuilt from here.
The web app's read queries are in ``sqlite_read``, the story tables in ``sqlite_stories``.
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..errors import StoreError
from ..model import Document
from . import sqlite_health as health
from . import sqlite_lock as lock
from .base import (
    CopyCheckpoint,
    DocumentInfo,
    PassageView,
    PutResult,
    SearchHit,
    body_text,
    content_hash,
    search_title,
)
from .sqlite_read import SqliteReads
from .sqlite_schema import DDL, SCHEMA_VERSION, connect, rollback
from .sqlite_stories import SqliteStories

INDEX_KEY = "reuse_index"
INDEX_SEQ_KEY = INDEX_KEY + "_seq"
REVISIONS_KEY = INDEX_KEY + "_revisions"  # revisions made to the pages a checkpoint holds, when saved

DUMP_TABLES = ("documents", "revisions", "layers", "quotes", "entities", "passages", "errors")


def fts_query(text: str) -> str:
    """A user's words as an FTS5 query: bare terms ANDed, "quoted phrases" kept, operators neutralised."""
    out: list[str] = []
    parts = text.split('"')
    for i, part in enumerate(parts):
        if i % 2 == 1:
            words = re.findall(r"\w+", part)
            if words:
                out.append('"' + " ".join(words) + '"')
        else:
            out.extend(f'"{w}"' for w in re.findall(r"\w+", part))
    return " ".join(out)


def info_of(row: sqlite3.Row) -> DocumentInfo:
    keys = row.keys()
    return DocumentInfo(
        int(row["seq"]), str(row["id"]), int(row["revision"]) if "revision" in keys else 0, row["url"],
        row["outlet"], row["title"], row["published"],
        row["source"] if "source" in keys else None, row["format"] if "format" in keys else None,
        float(row["ingested_at"]) if "ingested_at" in keys else None,
    )


class SqliteStore(SqliteReads, SqliteStories):
    """A newstrace store in one SQLite file."""

    def __init__(self, path: str | Path, *, readonly: bool = False, check: bool = True) -> None:
        """Open the store at ``path``; every fault is a one-line ``StoreError`` (``StoreBusy``: another
        process is writing it). A writer takes the store's lock first, then, with ``check``, refuses a
        damaged store (``quick_check``) so that nothing is ever written into one."""
        self.path = str(path)
        self.readonly = readonly
        self._lock: str | None = None
        health.before_open(path, readonly=readonly)
        if not readonly:
            # Checked once per hold of the lock: a writer nested in another (ingest inside the command
            # that took the lock) finds the store as the outer one checked it.
            check = check and not lock.held(path)
            self._lock = lock.acquire(path)
        try:
            self.con = connect(path, readonly)
            self._open(check)
        except sqlite3.Error as e:
            self._abandon()
            raise health.fault(path, e) from None
        except BaseException:
            self._abandon()
            raise

    def _open(self, check: bool) -> None:
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
        if check and version is not None:
            health.quick_check(self.con, self.path)
        # One transaction: a reader sees either no store yet or the whole schema with its version.
        self.con.executescript(
            f"BEGIN IMMEDIATE;\n{DDL}\nINSERT OR IGNORE INTO meta(key, value) "
            f"VALUES ('schema_version', '{SCHEMA_VERSION}');\nCOMMIT;"
        )

    def _schema_version(self) -> int | None:
        """The version a store records; None for a new (empty) file. Reading it is also the first
        touch of the file, where SQLite finds out that it is not a database at all."""
        has_meta = self.con.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
        ).fetchone()
        if has_meta is None:
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
        self.con.close()
        if self._lock is not None:
            lock.release(self._lock)
            self._lock = None

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
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
        writer changing the schema meanwhile (a first ingest, stories tables) cannot reach them
        halfway (FTS5 fails to reconnect its tables then: "vtable constructor failed")."""
        if self.con.in_transaction:
            yield
            return
        self.con.execute("BEGIN")
        try:
            yield
        finally:
            if self.con.in_transaction:  # an interrupted statement may have ended it already
                self.con.execute("COMMIT")

    # ------------------------------------------------------------------------------------------ write

    def has(self, doc_id: str, digest: str) -> bool:
        row = self.con.execute("SELECT content_hash FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return row is not None and row[0] == digest

    def put(
        self, doc: Document, passages: Sequence[PassageView] = (), *, digest: str | None = None
    ) -> PutResult:
        """Store ``doc`` (and the copied passages found for it) in one transaction.

        ``digest``: the content hash of the input as read (before analysis added anything); by default
        the hash of ``doc`` itself.
        """
        digest = digest or content_hash(doc)
        with self._write() as con:
            row = con.execute(
                "SELECT revision, content_hash, ingested_at, json FROM documents WHERE id = ?", (doc.id,)
            ).fetchone()
            if row is not None and row["content_hash"] == digest:
                return PutResult(doc.id, "unchanged", int(row["revision"]))
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
        for table in ("layers", "quotes", "entities", "passages"):
            self.con.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))
        self.con.execute("DELETE FROM body_fts WHERE doc_id = ?", (doc_id,))
        self.con.execute("DELETE FROM quotes_fts WHERE doc_id = ?", (doc_id,))

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
        for q in doc.quotes:
            cur = con.execute(
                'INSERT INTO quotes(doc_id, start, "end", text, speaker, speaker_entity, cue) '
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (doc.id, q.start, q.end, q.text, q.speaker, q.speaker_entity, q.cue),
            )
            con.execute(
                "INSERT INTO quotes_fts(doc_id, quote_id, text, speaker) VALUES (?, ?, ?, ?)",
                (doc.id, cur.lastrowid, q.text, q.speaker or ""),
            )
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
            self.con.execute(
                "UPDATE OR REPLACE errors SET source = ?, reason = ? WHERE source = ?",
                (source(old), reason(why), old),
            )

    def set_meta(self, key: str, value: str) -> None:
        self.con.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    # ------------------------------------------------------------------------------- the copy index

    def _revisions(self, upto: int) -> int:
        """Revisions made to the documents stored up to ``upto``: each keeps the one it replaced in the
        (small) revisions table, so counting costs nothing however large the store."""
        row = self.con.execute(
            "SELECT COUNT(*) FROM revisions r CROSS JOIN documents d ON d.id = r.id WHERE d.seq <= ?", (upto,)
        ).fetchone()
        return int(row[0])

    def copy_checkpoint(self) -> CopyCheckpoint | None:
        """The copy index as last saved, read in one snapshot with the documents it was saved with."""
        with self.snapshot():
            blob = self.con.execute("SELECT value FROM meta WHERE key = ?", (INDEX_KEY,)).fetchone()
            seq = self.get_meta(INDEX_SEQ_KEY)
            if blob is None or seq is None:
                return None
            upto = int(seq)
            # A checkpoint saved before revisions were counted assumes there were none.
            saved = int(self.get_meta(REVISIONS_KEY) or 0)
            return CopyCheckpoint(bytes(blob[0]), upto, saved, self._revisions(upto))

    def save_copy_checkpoint(self, blob: bytes, seq: int) -> None:
        with self._write() as con:
            con.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (INDEX_KEY, blob))
            con.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (INDEX_SEQ_KEY, str(seq)))
            con.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                (REVISIONS_KEY, str(self._revisions(seq))),
            )

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
        """A stored document's text alone (the copy index reads old pages back to align new ones).

        SQLite extracts it without building the rest of the JSON; a JSON holding an escaped NUL, which
        ``json_extract`` would cut short, is parsed whole.
        """
        row = self.con.execute(
            "SELECT json_extract(json, '$.text'), instr(json, '\\u0000') FROM documents WHERE id = ?",
            (doc_id,),
        ).fetchone()
        if row is None:
            return None
        if row[1]:
            data = self.get(doc_id)
            return None if data is None else str(data["text"])
        return str(row[0])

    def info(self, doc_id: str) -> DocumentInfo | None:
        row = self.con.execute(
            "SELECT seq, id, revision, url, outlet, title, published, source, format, ingested_at "
            "FROM documents WHERE id = ?",
            (doc_id,),
        ).fetchone()
        return None if row is None else info_of(row)

    def iter_documents(self, after_seq: int = 0) -> Iterator[tuple[int, dict[str, Any]]]:
        """Stored documents in ingest order, from ``after_seq`` on (for rebuilding derived indexes)."""
        cur = self.con.execute("SELECT seq, json FROM documents WHERE seq > ? ORDER BY seq", (after_seq,))
        for seq, data in cur:
            yield int(seq), dict(json.loads(data))

    def ids(self) -> list[str]:
        return [r[0] for r in self.con.execute("SELECT id FROM documents ORDER BY seq")]

    def dump(self, tables: Iterable[str] = DUMP_TABLES) -> dict[str, list[tuple[Any, ...]]]:
        """The store's content without timestamps or ingest positions, for comparing two stores."""
        out: dict[str, list[tuple[Any, ...]]] = {}
        for t in tables:
            cols = [r[1] for r in self.con.execute(f"PRAGMA table_info({t})")]
            keep = [c for c in cols if c not in ("ingested_at", "first_seen", "last_seen", "rowid", "seq")]
            sel = ", ".join(f'"{c}"' for c in keep)
            rows = self.con.execute(f"SELECT {sel} FROM {t}").fetchall()
            out[t] = sorted(tuple(r) for r in rows)
        return out

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
        """Ranked matches in body text and quotes (BM25), with a snippet around the match."""
        match = fts_query(query)
        if not match and not speaker:
            return []
        with self.snapshot():
            return self._search(match, speaker, outlet, since, limit, offset)

    def _body_hits(self, match: str, filters: str, params: list[Any], want: int) -> list[sqlite3.Row]:
        """The best ``want`` body matches with snippets.

        FTS5 ranks every match in C (``ORDER BY rank``); snippets and the join with documents are made
        for the best candidates only, so a very common word stays cheap on a large store.
        """
        cap = want if not filters else max(500, 20 * want)
        ranked = self.con.execute(
            "SELECT rowid FROM body_fts WHERE body_fts MATCH ? ORDER BY rank LIMIT ?", (match, cap)
        ).fetchall()
        one = (
            "SELECT f.doc_id, d.title, d.outlet, d.published, "
            "snippet(body_fts, 2, '[', ']', ' … ', 16) AS snip, bm25(body_fts) AS score "
            "FROM body_fts f JOIN documents d ON d.id = f.doc_id "
            f"WHERE body_fts MATCH ? AND f.rowid = ?{filters}"
        )
        rows: list[sqlite3.Row] = []
        for (rowid,) in ranked:
            row = self.con.execute(one, [match, rowid, *params]).fetchone()
            if row is not None:
                rows.append(row)
                if len(rows) >= want:
                    return rows
        if len(ranked) >= cap and filters:
            # The filters threw away too many of the best candidates: rank every filtered match.
            return self.con.execute(
                "SELECT f.doc_id, d.title, d.outlet, d.published, "
                "snippet(body_fts, 2, '[', ']', ' … ', 16) AS snip, bm25(body_fts) AS score "
                "FROM body_fts f JOIN documents d ON d.id = f.doc_id "
                f"WHERE body_fts MATCH ?{filters} ORDER BY score LIMIT ?",
                [match, *params, want],
            ).fetchall()
        return rows

    def _search(
        self,
        match: str,
        speaker: str | None,
        outlet: str | None,
        since: str | None,
        limit: int,
        offset: int,
    ) -> list[SearchHit]:
        limit = max(1, min(int(limit), 200))
        hits: list[SearchHit] = []
        filters = ""
        params: list[Any] = []
        if outlet:
            filters += " AND (d.outlet = ? COLLATE NOCASE OR EXISTS (SELECT 1 FROM layers l WHERE "
            filters += "l.doc_id = d.id AND l.kind = 'body' AND l.outlet = ? COLLATE NOCASE))"
            params += [outlet, outlet]
        if since:
            filters += " AND d.published >= ?"
            params.append(since)
        if speaker is None and match:
            rows = self._body_hits(match, filters, params, limit + offset)
            hits += [
                SearchHit(r["doc_id"], "body", r["title"], r["outlet"], r["published"], r["snip"],
                          -float(r["score"]))
                for r in rows
            ]
        qparams: list[Any] = []
        qwhere = "1"
        if match:
            qwhere = "quotes_fts MATCH ?"
            qparams.append(match)
        if speaker:
            qwhere += " AND q.speaker = ? COLLATE NOCASE"
            qparams.append(speaker)
        rows = self.con.execute(
            "SELECT q.doc_id, q.text, q.speaker, d.title, d.outlet, d.published, "
            + ("bm25(quotes_fts)" if match else "0.0")
            + " AS score FROM quotes_fts f JOIN quotes q ON q.rowid = f.quote_id "
            "JOIN documents d ON d.id = q.doc_id "
            f"WHERE {qwhere}{filters} ORDER BY score LIMIT ? OFFSET ?",
            [*qparams, *params, limit + offset, 0],
        ).fetchall()
        hits += [
            SearchHit(r["doc_id"], "quote", r["title"], r["outlet"], r["published"], r["text"],
                      -float(r["score"]), r["speaker"])
            for r in rows
        ]
        hits.sort(key=lambda h: -h.score)
        return hits[offset : offset + limit]
