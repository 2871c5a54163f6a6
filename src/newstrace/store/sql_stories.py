"""A SQL store's story tables (both backends): assignments, the clusterer's state, and stored story pages.

The clusterer (``newstrace.stories``) decides; this keeps. Its state is saved (``blobs``) in the same
transaction as the rows it produced, so an interrupted update leaves a consistent store. A story whose
pages changed loses its stored page (``story_views``) in that transaction, and the update renders it
again; readers only ever read what is stored.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .base import PendingPage, StoryAssignment, StoryMember, StorySummary, StoryView, TimelineEntry
from .sql_documents import rollback
from .sqlite_schema import STORY_TABLES

STATE_KEY = "stories_state"
_ORDER = "ORDER BY last_date IS NULL, last_date DESC, size DESC, id"


class SqlStories:
    """Story tables (mixed into each store)."""

    con: Any  # a sql_documents.Connection
    BLOB_TABLE: str
    readonly: bool
    _story_tables: set[str] | None = None

    # ------------------------------------------------------------------------------------- tables

    def _table_names(self) -> set[str]:
        raise NotImplementedError

    def _stories_ddl(self) -> str:
        raise NotImplementedError

    def _has(self, table: str) -> bool:
        if self._story_tables is None or table not in self._story_tables:
            # looked up again until found: a writer may make the tables while this store is open
            self._story_tables = self._table_names() & set(STORY_TABLES)
        return table in self._story_tables

    def _ensure_stories(self) -> None:
        if not all(self._has(t) for t in STORY_TABLES):
            self.con.executescript(self._stories_ddl())
            self._story_tables = None

    def stories_available(self) -> bool:
        return self._has("story_documents")

    # ------------------------------------------------------------------------------------- writing

    def stories_state(self) -> bytes | None:
        row = self.con.execute(f"SELECT value FROM {self.BLOB_TABLE} WHERE key = ?", (STATE_KEY,)).fetchone()
        return None if row is None else bytes(row[0])

    def stories_assigned(self) -> int:
        self._ensure_stories()
        return int(self.con.execute("SELECT COUNT(*) FROM story_documents").fetchone()[0])

    def stories_stale(self) -> bool:
        """True when a page changed or went away after it was assigned (its features are stale)."""
        self._ensure_stories()
        row = self.con.execute(
            "SELECT 1 FROM story_documents s JOIN documents d ON d.id = s.doc_id "
            "WHERE d.content_hash != s.content_hash LIMIT 1"
        ).fetchone()
        gone = self.con.execute(
            "SELECT 1 FROM story_documents s LEFT JOIN documents d ON d.id = s.doc_id "
            "WHERE d.id IS NULL LIMIT 1"
        ).fetchone()
        return row is not None or gone is not None

    def reset_stories(self) -> None:
        """Forget every assignment, story and stored story page, and the clusterer's state."""
        self._ensure_stories()
        con = self.con
        con.execute("BEGIN IMMEDIATE")
        try:
            for t in ("story_documents", "stories", "story_statements", "story_views"):
                con.execute(f"DELETE FROM {t}")
            con.execute(f"DELETE FROM {self.BLOB_TABLE} WHERE key = ?", (STATE_KEY,))
            con.execute("COMMIT")
        except BaseException:
            rollback(con)
            raise

    def pending_for_stories(self) -> list[PendingPage]:
        """Stored pages in no story yet, in ingest order (with their JSON when their date is short)."""
        self._ensure_stories()
        rows = self.con.execute(
            "SELECT d.seq, d.id, d.content_hash, d.published, "
            "CASE WHEN d.published IS NULL OR length(d.published) < 10 THEN d.json END "
            "FROM documents d LEFT JOIN story_documents s ON s.doc_id = d.id "
            "WHERE s.doc_id IS NULL ORDER BY d.seq"
        )
        return [
            PendingPage(int(seq), str(doc_id), str(digest), published,
                        None if data is None else json.loads(data))
            for seq, doc_id, digest, published, data in rows
        ]

    def copy_links(self, doc_id: str) -> list[str]:
        """The pages ``doc_id`` copied from or was copied by."""
        rows = self.con.execute(
            "SELECT other_id FROM passages WHERE doc_id = ? AND kind = 'copy' "
            "UNION SELECT doc_id FROM passages WHERE other_id = ? AND kind = 'copy'",
            (doc_id, doc_id),
        )
        return sorted({str(r[0]) for r in rows if r[0] != doc_id})

    def save_story_assignments(
        self,
        rows: Sequence[StoryAssignment],
        moved: Sequence[tuple[str, str, int]],
        touched: Sequence[str],
        state: bytes,
    ) -> None:
        """In one transaction: the pages assigned since the last save, the pages that moved (to which
        story, in which thread), the summary rows of the stories touched (their stored pages dropped,
        to be rendered again) and the clusterer's state."""
        self._ensure_stories()
        con = self.con
        con.execute("BEGIN IMMEDIATE")
        try:
            con.executemany(
                "INSERT OR REPLACE INTO story_documents(doc_id, story_id, thread, position, date, title, "
                "content_hash, explanation) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(r.doc_id, r.story_id, r.thread, r.position, r.date, r.title, r.content_hash, r.explanation)
                 for r in rows],
            )
            con.executemany(
                "UPDATE story_documents SET story_id = ?, thread = ? WHERE doc_id = ?",
                [(s, thread, d) for s, d, thread in moved],
            )
            for sid in touched:
                self._write_story(sid)
            con.execute(
                f"INSERT OR REPLACE INTO {self.BLOB_TABLE}(key, value) VALUES (?, ?)", (STATE_KEY, state)
            )
            con.execute("COMMIT")
        except BaseException:
            rollback(con)
            raise

    def _write_story(self, sid: str) -> None:
        con = self.con
        con.execute("DELETE FROM story_views WHERE story_id = ?", (sid,))
        row = con.execute(
            "SELECT COUNT(*), MIN(date), MAX(date) FROM story_documents WHERE story_id = ?", (sid,)
        ).fetchone()
        if not row[0]:
            con.execute("DELETE FROM stories WHERE id = ?", (sid,))
            con.execute("DELETE FROM story_statements WHERE story_id = ?", (sid,))
            return
        title = con.execute(
            "SELECT title FROM story_documents WHERE story_id = ? AND title IS NOT NULL AND title != '' "
            "ORDER BY date IS NULL, date, position LIMIT 1",
            (sid,),
        ).fetchone()
        con.execute(
            "INSERT OR REPLACE INTO stories(id, title, size, first_date, last_date, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (sid, title[0] if title else None, int(row[0]), row[1], row[2], time.time()),
        )

    def story_members(self, story_id: str) -> list[StoryMember]:
        """A story's pages in date then assignment order, with their current content hash."""
        if not self.stories_available():
            return []
        rows = self.con.execute(
            "SELECT s.doc_id, s.date, s.title, d.content_hash, s.explanation FROM story_documents s "
            "LEFT JOIN documents d ON d.id = s.doc_id WHERE s.story_id = ? "
            "ORDER BY s.date IS NULL, s.date, s.position",
            (story_id,),
        ).fetchall()
        return [StoryMember(str(r[0]), r[1], r[2], r[3], json.loads(r[4])) for r in rows]

    def story_copies(self, ids: Sequence[str]) -> list[tuple[str, str, int]]:
        """(page, page it copied from, characters copied) for the pages ``ids``."""
        out = []
        for doc_id in ids:
            rows = self.con.execute(
                "SELECT other_id, SUM(\"end\" - start) FROM passages WHERE doc_id = ? AND kind = 'copy' "
                "GROUP BY other_id",
                (doc_id,),
            )
            out += [(doc_id, str(o), int(n)) for o, n in rows if o != doc_id]
        return out

    def cached_events(self, doc_id: str) -> tuple[str, list[dict[str, Any]]] | None:
        if not self._has("story_events"):
            return None
        row = self.con.execute(
            "SELECT content_hash, json FROM story_events WHERE doc_id = ?", (doc_id,)
        ).fetchone()
        return None if row is None else (str(row[0]), list(json.loads(row[1])))

    def save_events(self, doc_id: str, digest: str, events: Sequence[Mapping[str, Any]]) -> None:
        self._ensure_stories()
        self.con.execute(
            "INSERT OR REPLACE INTO story_events(doc_id, content_hash, json) VALUES (?, ?, ?)",
            (doc_id, digest, json.dumps(list(events), ensure_ascii=False)),
        )

    def cached_statements(self, story_id: str) -> tuple[str, list[dict[str, Any]]] | None:
        if not self._has("story_statements"):
            return None
        row = self.con.execute(
            "SELECT signature, json FROM story_statements WHERE story_id = ?", (story_id,)
        ).fetchone()
        return None if row is None else (str(row[0]), list(json.loads(row[1])))

    def save_story_view(self, view: StoryView, statements_signature: str) -> None:
        """Store a story page as rendered (and its statements, keyed by the pages they came from)."""
        self._ensure_stories()
        con = self.con
        con.execute("BEGIN IMMEDIATE")
        try:
            con.execute(
                "INSERT OR REPLACE INTO story_statements(story_id, signature, json) VALUES (?, ?, ?)",
                (view.id, statements_signature,
                 json.dumps([s.to_json() for s in view.statements], ensure_ascii=False)),
            )
            con.execute(
                "INSERT OR REPLACE INTO story_views(story_id, json) VALUES (?, ?)",
                (view.id, json.dumps(view.to_json(), ensure_ascii=False)),
            )
            con.execute("COMMIT")
        except BaseException:
            rollback(con)
            raise

    def stories_to_render(self) -> list[tuple[str, str | None]]:
        """(id, title) of the stories without a stored page (new, changed, or stored by an older
        release), in listing order."""
        self._ensure_stories()
        rows = self.con.execute(
            "SELECT id, title FROM stories LEFT JOIN story_views v ON v.story_id = stories.id "
            f"WHERE v.story_id IS NULL {_ORDER}"
        ).fetchall()
        return [(str(r[0]), r[1]) for r in rows]

    # ------------------------------------------------------------------------------------- reading

    def story_of(self, doc_id: str) -> str | None:
        """The story a stored page is in (None when it is not assigned yet)."""
        if not self.stories_available():
            return None
        row = self.con.execute("SELECT story_id FROM story_documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return None if row is None else str(row[0])

    def unassigned(self) -> int | None:
        """How many stored pages are in no story yet (None: stories were never computed here)."""
        if not self.stories_available():
            return None
        docs = int(self.con.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
        assigned = int(self.con.execute("SELECT COUNT(*) FROM story_documents").fetchone()[0])
        return max(0, docs - assigned)

    def _listed(self, limit: int | None, offset: int) -> list[tuple[str, str | None]]:
        if not self._has("stories"):
            return []
        start = max(0, int(offset))
        if limit is None:  # every story (no LIMIT: its "all" is spelled differently by each database)
            rows = self.con.execute(f"SELECT id, title FROM stories {_ORDER}").fetchall()[start:]
        else:
            rows = self.con.execute(
                f"SELECT id, title FROM stories {_ORDER} LIMIT ? OFFSET ?", (max(0, int(limit)), start)
            ).fetchall()
        return [(str(r[0]), r[1]) for r in rows]

    def story(self, story_id: str) -> StoryView | None:
        """One story page as stored."""
        if not self._has("stories"):
            return None
        row = self.con.execute("SELECT id, title FROM stories WHERE id = ?", (story_id,)).fetchone()
        return None if row is None else self._view(str(row[0]), row[1])

    def stories(self, limit: int = 100, offset: int = 0) -> list[StoryView]:
        """Story pages, most recent first (undated ones after, larger first)."""
        return [self._view(sid, title) for sid, title in self._listed(limit, offset)]

    def iter_stories(self) -> Iterator[StoryView]:
        for sid, title in self._listed(None, 0):
            yield self._view(sid, title)

    def story_summaries(self, limit: int = 100, offset: int = 0) -> list[StorySummary]:
        return [self._summary(sid, title) for sid, title in self._listed(limit, offset)]

    def iter_story_summaries(self) -> Iterator[StorySummary]:
        for sid, title in self._listed(None, 0):
            yield self._summary(sid, title)

    def _member_ids(self, sid: str) -> list[str]:
        rows = self.con.execute(
            "SELECT doc_id FROM story_documents WHERE story_id = ? ORDER BY date IS NULL, date, position",
            (sid,),
        )
        return [str(r[0]) for r in rows]

    def _summary(self, sid: str, title: str | None) -> StorySummary:
        ids = self._member_ids(sid)
        outlets = (
            self.con.execute(
                f"SELECT DISTINCT outlet FROM documents WHERE id IN ({','.join('?' * len(ids))}) "
                "AND outlet IS NOT NULL",
                ids,
            ).fetchall()
            if ids
            else []
        )
        return StorySummary(sid, title, tuple(ids), tuple(sorted(str(o[0]) for o in outlets)))

    def _view(self, sid: str, title: str | None) -> StoryView:
        if self._has("story_views"):
            row = self.con.execute("SELECT json FROM story_views WHERE story_id = ?", (sid,)).fetchone()
            if row is not None:
                return StoryView.from_json(json.loads(row[0]))
        # Not rendered yet (stored by an older release, or an update was interrupted): what is stored,
        # pages and why they are here; the next `newstrace stories` renders the rest.
        members = self.story_members(sid)
        summary = self._summary(sid, title)
        return StoryView(
            id=sid,
            title=title,
            documents=summary.documents,
            outlets=summary.outlets,
            events=(),
            statements=(),
            timeline=tuple(TimelineEntry(m.date, "document", m.doc_id, m.title or "") for m in members),
            comparison={},
            assignments={m.doc_id: m.explanation for m in members},
        )
