"""Read-only queries the pages need beyond ``Store``'s own: lists, provenance, entity pages.

Every request thread gets its own read-only connection (SQLite connections are not meant to be shared
across threads mid-query; WAL lets them all read while an ingest writes). All SQL is parameterised and
every list is bounded by a limit the caller has already checked.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from ..corpus.store import Store

_CHUNK = 500  # ids per IN (...) query, well under SQLite's variable limit
SUMMARY_SCAN = 5000  # quotes counted for an entity's per-outlet summary (the latest ones)
SUMMARY_CACHE = 512  # entity summaries kept (per store state)
PROGRESS_EVERY = 1000  # SQLite VM steps between two checks of the request's time budget


class Reader:
    """Per-thread read-only ``Store`` connections to one store file, and the queries the app runs."""

    def __init__(self, db: str, entity_key: Callable[[str], str], budget: float = 5.0) -> None:
        self.db = db
        self._key = entity_key
        self.budget = budget
        self._local = threading.local()
        self._lock = threading.Lock()
        self._stores: list[Store] = []
        self._names: tuple[tuple[int, int], dict[str, tuple[list[str], list[str]]]] | None = None
        self._summaries: dict[tuple[str, tuple[int, int]], list[dict[str, Any]]] = {}

    def store(self) -> Store:
        s: Store | None = getattr(self._local, "store", None)
        if s is None:
            if not Path(self.db).exists():
                raise FileNotFoundError(f"{self.db}: no such store")
            s = Store(self.db, readonly=True)
            s.con.set_progress_handler(self._over_budget, PROGRESS_EVERY)
            self._local.store = s
            with self._lock:
                self._stores.append(s)
        return s

    def begin(self) -> None:
        """Start a request's budget: SQLite work past ``budget`` seconds is interrupted (a 503).

        FTS ranking cost grows with the number of matches (a very common word on a large store), so the
        budget, not the query text, is what bounds the cost of one request.
        """
        self._local.deadline = time.monotonic() + self.budget

    def _over_budget(self) -> int:
        deadline = getattr(self._local, "deadline", None)
        return 1 if deadline is not None and time.monotonic() > deadline else 0

    def close(self) -> None:
        with self._lock:
            for s in self._stores:
                with contextlib.suppress(sqlite3.ProgrammingError):  # closed already
                    s.close()
            self._stores.clear()
        self._local = threading.local()

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return [dict(r) for r in self.store().con.execute(sql, tuple(params))]

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.store().con.execute(sql, tuple(params)).fetchone()
        return None if row is None else row[0]

    # ---------------------------------------------------------------------------------- documents

    def counts(self) -> dict[str, int]:
        return {
            "documents": int(self._one("SELECT COUNT(*) FROM documents") or 0),
            "errors": int(self._one("SELECT COUNT(*) FROM errors") or 0),
        }

    def recent_documents(self, limit: int, offset: int) -> list[dict[str, Any]]:
        return self._rows(
            "SELECT id, outlet, title, published FROM documents ORDER BY seq DESC LIMIT ? OFFSET ?",
            (limit, offset),
        )

    def infos(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """id -> {"id", "outlet", "title", "published", "url", "seq"} for the stored ones among ``ids``."""
        wanted = list(dict.fromkeys(ids))
        out: dict[str, dict[str, Any]] = {}
        for i in range(0, len(wanted), _CHUNK):
            part = wanted[i : i + _CHUNK]
            marks = ",".join("?" * len(part))
            for r in self._rows(
                f"SELECT id, outlet, title, published, url, seq FROM documents WHERE id IN ({marks})", part
            ):
                out[r["id"]] = r
        return out

    def passages(self, doc_id: str, limit: int = 5000) -> list[dict[str, Any]]:
        """Stored passages of ``doc_id`` in both directions (copied into it, copied out of it)."""
        return self._rows(
            'SELECT doc_id, start, "end", other_id, other_start, other_end, similarity, kind FROM passages '
            "WHERE doc_id = ? UNION ALL "
            'SELECT doc_id, start, "end", other_id, other_start, other_end, similarity, kind FROM passages '
            "WHERE other_id = ? AND doc_id != ? LIMIT ?",
            (doc_id, doc_id, doc_id, limit),
        )

    def provenance(self, doc_id: str) -> dict[str, Any]:
        """``{"id", "copied", "copies"}`` (the CLI's shape) from the passages ingest stored.

        Each stored passage carries its first origin as found when its page was ingested; reading them
        costs two indexed queries, where rebuilding the copy index would cost seconds per request.
        """
        copied = self._rows(
            'SELECT start, "end", other_id AS origin_id, other_start AS origin_start, '
            "other_end AS origin_end, similarity, kind FROM passages WHERE doc_id = ? "
            'ORDER BY start, "end"',
            (doc_id,),
        )
        copies = self._rows(
            'SELECT p.doc_id, p.start, p."end", p.other_start AS origin_start, p.other_end AS origin_end, '
            "p.similarity, p.kind FROM passages p LEFT JOIN documents d ON d.id = p.doc_id "
            'WHERE p.other_id = ? AND p.doc_id != ? ORDER BY d.seq, p.start, p."end"',
            (doc_id, doc_id),
        )
        return {"id": doc_id, "copied": copied, "copies": copies}

    def body_outlet(self, doc_id: str, pos: int) -> str | None:
        """The outlet credited for the body section holding ``pos`` (a republished wire story's owner)."""
        value = self._one(
            "SELECT outlet FROM layers WHERE doc_id = ? AND kind = 'body' AND start <= ? AND \"end\" > ? "
            "AND outlet IS NOT NULL LIMIT 1",
            (doc_id, pos, pos),
        )
        return None if value is None else str(value)

    def errors(self, limit: int, offset: int) -> list[dict[str, Any]]:
        return self._rows(
            "SELECT source, reason, first_seen, last_seen FROM errors ORDER BY first_seen, source "
            "LIMIT ? OFFSET ?",
            (limit, offset),
        )

    # ----------------------------------------------------------------------------------- entities

    def _version(self) -> tuple[int, int]:
        return (
            int(self._one("SELECT COALESCE(MAX(seq), 0) FROM documents") or 0),
            int(self._one("SELECT COUNT(*) FROM revisions") or 0),
        )

    def names_for(self, key: str) -> tuple[list[str], list[str]]:
        """(speaker names, entity names) whose canonical key is ``key``.

        Built once per store state from the distinct names (an index scan), then answered from memory:
        the store keeps names, not keys, and one key may stand for several spellings.
        """
        version = self._version()
        cached = self._names
        if cached is None or cached[0] != version:
            table: dict[str, tuple[list[str], list[str]]] = {}
            con = self.store().con
            for (name,) in con.execute(
                "SELECT DISTINCT speaker COLLATE NOCASE FROM quotes WHERE speaker IS NOT NULL"
            ):
                table.setdefault(self._key(name), ([], []))[0].append(name)
            for (name,) in con.execute("SELECT DISTINCT name COLLATE NOCASE FROM entities"):
                table.setdefault(self._key(name), ([], []))[1].append(name)
            cached = (version, table)
            self._names = cached
        return cached[1].get(key, ([], []))

    def entity(self, key: str, limit: int, offset: int) -> dict[str, Any] | None:
        """Everything stored about the referent ``key``: its quotes across outlets, pages naming it.

        Costs stay bounded for people quoted thousands of times: pages walk the speaker index in storage
        order (newest first, no sort of all quotes), and the per-outlet summary counts the latest
        ``SUMMARY_SCAN`` quotes once per store state.
        """
        speakers, names = self.names_for(key)
        if not speakers and not names:
            return None
        quotes: list[dict[str, Any]] = []
        by_outlet: list[dict[str, Any]] = []
        total = 0
        if speakers:
            marks = ",".join("?" * len(speakers))
            where = f"q.speaker COLLATE NOCASE IN ({marks})"
            total = int(self._one(f"SELECT COUNT(*) FROM quotes q WHERE {where}", speakers) or 0)
            quotes = self._rows(
                'SELECT q.doc_id, q.start, q."end", q.text, q.speaker, q.cue, d.outlet, d.title, d.published '
                f"FROM quotes q JOIN documents d ON d.id = q.doc_id WHERE {where} "
                "ORDER BY q.rowid DESC LIMIT ? OFFSET ?",
                [*speakers, limit, offset],
            )
            for q in quotes:
                q["credited"] = self.body_outlet(q["doc_id"], q["start"]) or q["outlet"]
            by_outlet = self._by_outlet(key, speakers)
        documents: list[dict[str, Any]] = []
        mentioned_in = 0
        types: dict[str, int] = {}
        for name in names:
            mentioned_in += int(
                self._one("SELECT COUNT(*) FROM entities WHERE name = ? COLLATE NOCASE", (name,)) or 0
            )
            for r in self._rows(
                "SELECT e.doc_id, e.name, e.type, e.mentions, d.outlet, d.title, d.published FROM entities e "
                "JOIN documents d ON d.id = e.doc_id WHERE e.name = ? COLLATE NOCASE "
                "ORDER BY e.rowid DESC LIMIT ?",
                (name, limit),
            ):
                documents.append(r)
                types[r["type"]] = types.get(r["type"], 0) + 1
        documents.sort(key=lambda r: -int(r["mentions"]))
        return {
            "id": key,
            "names": sorted(set(speakers) | set(names)),
            "types": sorted(types, key=lambda t: -types[t]),
            "quote_count": total,
            "quotes": quotes,
            "quotes_by_outlet": by_outlet,
            "quotes_by_outlet_scanned": min(total, SUMMARY_SCAN),
            "mentioned_in": mentioned_in,
            "documents": documents[:limit],
            "limit": limit,
            "offset": offset,
        }

    def _by_outlet(self, key: str, speakers: list[str]) -> list[dict[str, Any]]:
        version = self._version()
        cached = self._summaries.get((key, version))
        if cached is not None:
            return cached
        marks = ",".join("?" * len(speakers))
        rows = self._rows(
            "SELECT d.outlet AS outlet, COUNT(*) AS quotes FROM quotes q JOIN documents d ON d.id = q.doc_id "
            f"WHERE q.rowid IN (SELECT rowid FROM quotes WHERE speaker COLLATE NOCASE IN ({marks}) "
            "ORDER BY rowid DESC LIMIT ?) GROUP BY d.outlet ORDER BY quotes DESC, d.outlet LIMIT 100",
            [*speakers, SUMMARY_SCAN],
        )
        with self._lock:
            self._summaries[(key, version)] = rows
            while len(self._summaries) > SUMMARY_CACHE:
                self._summaries.pop(next(iter(self._summaries)))
        return rows
