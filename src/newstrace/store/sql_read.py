"""A SQL store's reads for the pages (both backends): lists, provenance, entity pages.

All SQL is parameterised and every list is bounded by a limit the caller has already checked.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .base import (
    CopiedPassage,
    CopyOf,
    DocumentInfo,
    EntityMention,
    EntityQuote,
    EntityView,
    ErrorView,
    OutletQuotes,
    PassageView,
    ProvenanceView,
)

_CHUNK = 500  # ids per IN (...) query, well under SQLite's variable limit
SUMMARY_SCAN = 5000  # quotes counted for an entity's per-outlet summary (the latest ones)
SUMMARY_CACHE = 512  # entity summaries kept (per store state)


@dataclass
class EntityCache:
    """Names by canonical key, and per-outlet quote counts, per store state (shared by threads)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    names: tuple[tuple[int, int], dict[str, tuple[list[str], list[str]]]] | None = None
    summaries: dict[tuple[str, tuple[int, int]], tuple[OutletQuotes, ...]] = field(default_factory=dict)


def _passage(r: Any) -> PassageView:
    return PassageView(str(r["doc_id"]), int(r["start"]), int(r["end"]), str(r["other_id"]),
                       int(r["other_start"]), int(r["other_end"]), float(r["similarity"]), str(r["kind"]))


class SqlReads:
    """Read queries beyond documents and search (mixed into each store)."""

    con: Any  # a sql_documents.Connection
    _entities: EntityCache | None = None

    def version(self) -> tuple[int, int]:
        raise NotImplementedError

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return list(self.con.execute(sql, tuple(params)))

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.con.execute(sql, tuple(params)).fetchone()
        return None if row is None else row[0]

    def recent_documents(self, limit: int, offset: int = 0) -> list[DocumentInfo]:
        return [
            DocumentInfo(int(r["seq"]), str(r["id"]), int(r["revision"]), r["url"], r["outlet"], r["title"],
                         r["published"])
            for r in self._rows(
                "SELECT seq, id, revision, url, outlet, title, published FROM documents "
                "ORDER BY seq DESC LIMIT ? OFFSET ?",
                (limit, offset),
            )
        ]

    def infos(self, ids: Sequence[str]) -> dict[str, DocumentInfo]:
        """The metadata of the stored ones among ``ids``."""
        wanted = list(dict.fromkeys(ids))
        out: dict[str, DocumentInfo] = {}
        for i in range(0, len(wanted), _CHUNK):
            part = wanted[i : i + _CHUNK]
            marks = ",".join("?" * len(part))
            for r in self._rows(
                "SELECT seq, id, revision, url, outlet, title, published FROM documents "
                f"WHERE id IN ({marks})",
                part,
            ):
                out[str(r["id"])] = DocumentInfo(int(r["seq"]), str(r["id"]), int(r["revision"]), r["url"],
                                                 r["outlet"], r["title"], r["published"])
        return out

    def errors(self, limit: int | None = None, offset: int = 0) -> list[ErrorView]:
        sql = "SELECT source, reason, first_seen, last_seen FROM errors ORDER BY first_seen, source"
        if limit is None:  # every error (no LIMIT: its "all" is spelled differently by each database)
            rows = self._rows(sql)[offset:]
        else:
            rows = self._rows(sql + " LIMIT ? OFFSET ?", (limit, offset))
        return [ErrorView(str(r[0]), str(r[1]), float(r[2]), float(r[3])) for r in rows]

    def passages(self, doc_id: str, limit: int = 5000) -> list[PassageView]:
        """Stored passages of ``doc_id`` in both directions (copied into it, copied out of it)."""
        return [
            _passage(r)
            for r in self._rows(
                'SELECT doc_id, start, "end", other_id, other_start, other_end, similarity, kind '
                "FROM passages WHERE doc_id = ? UNION ALL "
                'SELECT doc_id, start, "end", other_id, other_start, other_end, similarity, kind '
                "FROM passages WHERE other_id = ? AND doc_id != ? LIMIT ?",
                (doc_id, doc_id, doc_id, limit),
            )
        ]

    def provenance(self, doc_id: str) -> ProvenanceView:
        """Where ``doc_id``'s passages came from and where its own went, from the passages ingest stored.

        Each stored passage carries its first origin as found when its page was ingested; reading them
        costs two indexed queries, where rebuilding the copy index would cost seconds per request.
        """
        copied = self._rows(
            'SELECT start, "end", other_id, other_start, other_end, similarity, kind FROM passages '
            'WHERE doc_id = ? ORDER BY start, "end"',
            (doc_id,),
        )
        copies = self._rows(
            'SELECT p.doc_id, p.start, p."end", p.other_start, p.other_end, p.similarity, p.kind '
            "FROM passages p LEFT JOIN documents d ON d.id = p.doc_id "
            'WHERE p.other_id = ? AND p.doc_id != ? ORDER BY d.seq, p.start, p."end"',
            (doc_id, doc_id),
        )
        return ProvenanceView(
            doc_id,
            tuple(CopiedPassage(int(r[0]), int(r[1]), str(r[2]), int(r[3]), int(r[4]), float(r[5]), str(r[6]))
                  for r in copied),
            tuple(CopyOf(str(r[0]), int(r[1]), int(r[2]), int(r[3]), int(r[4]), float(r[5]), str(r[6]))
                  for r in copies),
        )

    def body_outlet(self, doc_id: str, pos: int) -> str | None:
        """The outlet credited for the body section holding ``pos`` (a republished wire story's owner)."""
        value = self._one(
            "SELECT outlet FROM layers WHERE doc_id = ? AND kind = 'body' AND start <= ? AND \"end\" > ? "
            "AND outlet IS NOT NULL LIMIT 1",
            (doc_id, pos, pos),
        )
        return None if value is None else str(value)

    # ----------------------------------------------------------------------------------- entities

    def _cache(self) -> EntityCache:
        if self._entities is None:
            self._entities = EntityCache()
        return self._entities

    def _names_for(self, key: str, key_of: Callable[[str], str]) -> tuple[list[str], list[str]]:
        """(speaker names, entity names) whose canonical key is ``key``.

        Built once per store state from the distinct names (an index scan), then answered from memory:
        the store keeps names, not keys, and one key may stand for several spellings.
        """
        cache = self._cache()
        version = self.version()
        cached = cache.names
        if cached is None or cached[0] != version:
            table: dict[str, tuple[list[str], list[str]]] = {}
            for (name,) in self.con.execute(
                "SELECT DISTINCT speaker COLLATE NOCASE FROM quotes WHERE speaker IS NOT NULL"
            ):
                table.setdefault(key_of(name), ([], []))[0].append(name)
            for (name,) in self.con.execute("SELECT DISTINCT name COLLATE NOCASE FROM entities"):
                table.setdefault(key_of(name), ([], []))[1].append(name)
            cached = (version, table)
            cache.names = cached
        return cached[1].get(key, ([], []))

    def entity(
        self, key: str, key_of: Callable[[str], str], limit: int, offset: int
    ) -> EntityView | None:
        """Everything stored about the referent ``key`` (names whose ``key_of`` is ``key``): its quotes
        across outlets, pages naming it.

        Costs stay bounded for people quoted thousands of times: pages walk the speaker index in storage
        order (newest first, no sort of all quotes), and the per-outlet summary counts the latest
        ``SUMMARY_SCAN`` quotes once per store state.
        """
        speakers, names = self._names_for(key, key_of)
        if not speakers and not names:
            return None
        quotes: list[EntityQuote] = []
        by_outlet: tuple[OutletQuotes, ...] = ()
        total = 0
        if speakers:
            marks = ",".join("?" * len(speakers))
            where = f"q.speaker COLLATE NOCASE IN ({marks})"
            total = int(self._one(f"SELECT COUNT(*) FROM quotes q WHERE {where}", speakers) or 0)
            for r in self._rows(
                'SELECT q.doc_id, q.start, q."end", q.text, q.speaker, q.cue, d.outlet, d.title, d.published '
                f"FROM quotes q JOIN documents d ON d.id = q.doc_id WHERE {where} "
                "ORDER BY q.rowid DESC LIMIT ? OFFSET ?",
                [*speakers, limit, offset],
            ):
                credited = self.body_outlet(str(r["doc_id"]), int(r["start"])) or r["outlet"]
                quotes.append(EntityQuote(str(r["doc_id"]), int(r["start"]), int(r["end"]), str(r["text"]),
                                          r["speaker"], r["cue"], r["outlet"], r["title"], r["published"],
                                          credited))
            by_outlet = self._by_outlet(key, speakers)
        documents: list[EntityMention] = []
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
                documents.append(EntityMention(str(r[0]), str(r[1]), str(r[2]), int(r[3]), r[4], r[5], r[6]))
                types[str(r[2])] = types.get(str(r[2]), 0) + 1
        documents.sort(key=lambda m: -m.mentions)
        return EntityView(
            id=key,
            names=tuple(sorted(set(speakers) | set(names))),
            types=tuple(sorted(types, key=lambda t: -types[t])),
            quote_count=total,
            quotes=tuple(quotes),
            quotes_by_outlet=by_outlet,
            quotes_by_outlet_scanned=min(total, SUMMARY_SCAN),
            mentioned_in=mentioned_in,
            documents=tuple(documents[:limit]),
            limit=limit,
            offset=offset,
        )

    def _by_outlet(self, key: str, speakers: list[str]) -> tuple[OutletQuotes, ...]:
        cache = self._cache()
        version = self.version()
        cached = cache.summaries.get((key, version))
        if cached is not None:
            return cached
        marks = ",".join("?" * len(speakers))
        rows = tuple(
            OutletQuotes(r[0], int(r[1]))
            for r in self._rows(
                "SELECT d.outlet AS outlet, COUNT(*) AS quotes FROM quotes q JOIN documents d "
                "ON d.id = q.doc_id WHERE q.rowid IN (SELECT rowid FROM quotes WHERE speaker COLLATE NOCASE "
                f"IN ({marks}) ORDER BY rowid DESC LIMIT ?) GROUP BY d.outlet ORDER BY quotes DESC, d.outlet "
                "LIMIT 100",
                [*speakers, SUMMARY_SCAN],
            )
        )
        with cache.lock:
            cache.summaries[(key, version)] = rows
            while len(cache.summaries) > SUMMARY_CACHE:
                cache.summaries.pop(next(iter(cache.summaries)))
        return rows
