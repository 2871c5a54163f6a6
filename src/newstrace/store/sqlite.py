"""The embedded store: SQLite in WAL mode with FTS5, one transaction per document.

The documents' queries are shared with PostgreSQL (``sql_documents``, ``sql_read``, ``sql_stories``);
what is SQLite's own is here: opening a file (its lock, its health, migrating an older schema), FTS5
search, and the hooks the shared queries leave to each backend. WAL lets readers (search, the web
app) work during an ingest.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

from ..errors import StoreError
from ..model import Document
from . import sqlite_health as health
from . import sqlite_lock as lock
from .base import SearchHit
from .sql_documents import INDEX_KEY, INDEX_SEQ_KEY, REVISIONS_KEY, SqlDocuments
from .sql_read import SqlReads
from .sql_stories import SqlStories
from .sqlite_schema import DDL, SCHEMA_VERSION, STORIES_DDL, connect, migrations, tables

__all__ = ["INDEX_KEY", "INDEX_SEQ_KEY", "REVISIONS_KEY", "SqliteStore", "fts_query"]


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


class SqliteStore(SqlDocuments, SqlReads, SqlStories):
    """A newstrace store in one SQLite file."""

    FTS_TABLES = ("body_fts", "quotes_fts")
    con: sqlite3.Connection

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
            if version is not None and version < 2:
                self.BLOB_TABLE = "meta"  # release 1 kept binary values in meta; read them there
            if version is None:
                raise StoreError(
                    f"{self.path}: not a newstrace store (no such table: meta); ingest into it first or "
                    "give another --db"
                )
            return
        if check and version is not None:
            health.quick_check(self.con, self.path)
        # One transaction: a reader sees either no store yet, or the whole schema with its version.
        steps = migrations(version)
        self.con.executescript(
            f"BEGIN IMMEDIATE;\n{DDL}\n{steps}\nINSERT OR REPLACE INTO meta(key, value) "
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

    # --------------------------------------------------------------------------- backend hooks

    def _insert_quotes(self, doc: Document) -> None:
        for q in doc.quotes:
            cur = self.con.execute(
                'INSERT INTO quotes(doc_id, start, "end", text, speaker, speaker_entity, cue) '
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (doc.id, q.start, q.end, q.text, q.speaker, q.speaker_entity, q.cue),
            )
            self.con.execute(
                "INSERT INTO quotes_fts(doc_id, quote_id, text, speaker) VALUES (?, ?, ?, ?)",
                (doc.id, cur.lastrowid, q.text, q.speaker or ""),
            )

    def _columns(self, table: str) -> list[str]:
        return [str(r[1]) for r in self.con.execute(f"PRAGMA table_info({table})")]

    def _table_names(self) -> set[str]:
        return tables(self.con)

    def _stories_ddl(self) -> str:
        return STORIES_DDL

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

    def rebuild_search(self) -> None:
        """Make the searchable quote rows from the quotes table (after rows were copied in whole)."""
        with self._write() as con:
            con.execute("DELETE FROM quotes_fts")
            con.execute(
                "INSERT INTO quotes_fts(doc_id, quote_id, text, speaker) "
                "SELECT doc_id, rowid, text, COALESCE(speaker, '') FROM quotes ORDER BY rowid"
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
