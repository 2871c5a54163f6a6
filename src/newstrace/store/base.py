"""The store boundary: what every backend (SQLite, PostgreSQL) offers, and the typed views it returns.

Nothing outside ``newstrace.store`` speaks SQL or holds a connection: ingest, the copy index, stories, the
CLI and the web app call the methods of :class:`Store` and get frozen views back. Each view that the CLI
or the HTTP API prints has ``to_json()``, whose output (keys and their order) is the JSON those print, so
a backend only has to fill the views for both to answer byte for byte the same.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from ..errors import StoreBusy, StoreError
from ..model import Document

__all__ = [
    "BODY_KINDS",
    "CopiedPassage",
    "CopyCheckpoint",
    "CopyOf",
    "DocumentInfo",
    "EntityMention",
    "EntityQuote",
    "EntityView",
    "ErrorView",
    "EventSource",
    "OutletQuotes",
    "PassageView",
    "PendingPage",
    "ProvenanceView",
    "PutResult",
    "QueryInterrupted",
    "SearchHit",
    "StatementQuote",
    "StatementView",
    "Store",
    "StoreBusy",
    "StoreError",
    "StoreLocked",
    "StoreMissing",
    "StoreReadOnly",
    "StoryAssignment",
    "StoryEvent",
    "StoryMember",
    "StorySummary",
    "StoryView",
    "TimelineEntry",
    "as_json",
    "body_text",
    "content_hash",
    "search_title",
]

BODY_KINDS = ("body", "section_heading")  # the layers a page's searchable body is made of


def content_hash(doc: Document) -> str:
    """What makes two versions of a page the same: its text and its metadata."""
    h = hashlib.sha256()
    for part in (doc.text, doc.url, doc.outlet, doc.title, doc.published, doc.format):
        h.update((part or "").encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


def body_text(doc: Document) -> str:
    """The searchable body of a page: its body layers only (comments and boilerplate do not match)."""
    return "\n\n".join(doc.text[x.start : x.end] for x in doc.layers if x.kind in BODY_KINDS)


def search_title(doc: Document) -> str:
    """The title a page is searched by: its own, else its headline's text."""
    if doc.title:
        return doc.title
    return next((doc.text[x.start : x.end] for x in doc.layers if x.kind == "headline"), "")


class StoreMissing(StoreError, FileNotFoundError):
    """No store at the place given (a reader asked for one that was never made)."""


class StoreReadOnly(StoreError):
    """A store that can be read but not written here (its file or folder is read-only)."""


class QueryInterrupted(StoreError):
    """A read stopped because the request's time budget ran out (the web app answers 503)."""


class StoreLocked(StoreError):
    """A read met a store locked by a writer's schema change for longer than the busy timeout."""


# ------------------------------------------------------------------------------------------ writing


@dataclass(frozen=True)
class PutResult:
    doc_id: str
    status: str  # "added" | "unchanged" | "revised"
    revision: int


@dataclass(frozen=True)
class PassageView:
    """A passage of ``doc_id`` copied from ``other_id`` (as stored: found when ``doc_id`` was added)."""

    doc_id: str
    start: int
    end: int
    other_id: str
    other_start: int
    other_end: int
    similarity: float
    kind: str  # "copy" | "quote" …

    def to_json(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "start": self.start,
            "end": self.end,
            "other_id": self.other_id,
            "other_start": self.other_start,
            "other_end": self.other_end,
            "similarity": self.similarity,
            "kind": self.kind,
        }


@dataclass(frozen=True)
class CopyCheckpoint:
    """The copy index as last saved: its bytes, the last document (seq) it holds, and the revisions
    made to the documents it holds when it was saved and now (they differ: it is stale)."""

    blob: bytes
    seq: int
    revisions_saved: int
    revisions_now: int


# ------------------------------------------------------------------------------------------ reading


@dataclass(frozen=True)
class DocumentInfo:
    """A stored page's metadata (no text, no annotations)."""

    seq: int  # ingest order
    id: str
    revision: int
    url: str | None
    outlet: str | None
    title: str | None
    published: str | None
    source: str | None = None
    format: str | None = None
    ingested_at: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "id": self.id,
            "revision": self.revision,
            "url": self.url,
            "outlet": self.outlet,
            "title": self.title,
            "published": self.published,
            "source": self.source,
            "format": self.format,
            "ingested_at": self.ingested_at,
        }


@dataclass(frozen=True)
class SearchHit:
    doc_id: str
    kind: str  # "body" | "quote"
    title: str | None
    outlet: str | None
    published: str | None
    snippet: str
    score: float
    speaker: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "kind": self.kind,
            "title": self.title,
            "outlet": self.outlet,
            "published": self.published,
            "snippet": self.snippet,
            "score": self.score,
            "speaker": self.speaker,
        }


@dataclass(frozen=True)
class ErrorView:
    """An input that could not be read or analysed, as recorded by ingest."""

    source: str
    reason: str
    first_seen: float
    last_seen: float

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "reason": self.reason,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
        }


@dataclass(frozen=True)
class CopiedPassage:
    """Provenance: a passage of the page copied from an older one (``origin_*``)."""

    start: int
    end: int
    origin_id: str
    origin_start: int
    origin_end: int
    similarity: float
    kind: str

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "origin_id": self.origin_id,
            "origin_start": self.origin_start,
            "origin_end": self.origin_end,
            "similarity": self.similarity,
            "kind": self.kind,
        }


@dataclass(frozen=True)
class CopyOf:
    """Provenance: a passage of a later page (``doc_id``) copied from this one (``origin_*``)."""

    doc_id: str
    start: int
    end: int
    origin_start: int
    origin_end: int
    similarity: float
    kind: str

    def to_json(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "start": self.start,
            "end": self.end,
            "origin_start": self.origin_start,
            "origin_end": self.origin_end,
            "similarity": self.similarity,
            "kind": self.kind,
        }


@dataclass(frozen=True)
class ProvenanceView:
    """Where a page's passages came from and where its own went (the CLI's and the API's shape)."""

    id: str
    copied: tuple[CopiedPassage, ...]
    copies: tuple[CopyOf, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "copied": [p.to_json() for p in self.copied],
            "copies": [p.to_json() for p in self.copies],
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> ProvenanceView:
        return cls(
            str(d["id"]),
            tuple(
                CopiedPassage(int(p["start"]), int(p["end"]), str(p["origin_id"]), int(p["origin_start"]),
                              int(p["origin_end"]), float(p["similarity"]), str(p["kind"]))
                for p in d.get("copied") or ()
            ),
            tuple(
                CopyOf(str(p["doc_id"]), int(p["start"]), int(p["end"]), int(p["origin_start"]),
                       int(p["origin_end"]), float(p["similarity"]), str(p["kind"]))
                for p in d.get("copies") or ()
            ),
        )


# ------------------------------------------------------------------------------------------ entities


@dataclass(frozen=True)
class EntityQuote:
    doc_id: str
    start: int
    end: int
    text: str
    speaker: str | None
    cue: str | None
    outlet: str | None
    title: str | None
    published: str | None
    credited: str | None  # the outlet credited for the body section holding the quote, else the page's

    def to_json(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "speaker": self.speaker,
            "cue": self.cue,
            "outlet": self.outlet,
            "title": self.title,
            "published": self.published,
            "credited": self.credited,
        }


@dataclass(frozen=True)
class EntityMention:
    """A page naming the entity (``mentions`` times)."""

    doc_id: str
    name: str
    type: str
    mentions: int
    outlet: str | None
    title: str | None
    published: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "name": self.name,
            "type": self.type,
            "mentions": self.mentions,
            "outlet": self.outlet,
            "title": self.title,
            "published": self.published,
        }


@dataclass(frozen=True)
class OutletQuotes:
    outlet: str | None
    quotes: int

    def to_json(self) -> dict[str, Any]:
        return {"outlet": self.outlet, "quotes": self.quotes}


@dataclass(frozen=True)
class EntityView:
    """Everything stored about one referent (a canonical name key): its quotes, pages naming it."""

    id: str
    names: tuple[str, ...]
    types: tuple[str, ...]
    quote_count: int
    quotes: tuple[EntityQuote, ...]
    quotes_by_outlet: tuple[OutletQuotes, ...]
    quotes_by_outlet_scanned: int
    mentioned_in: int
    documents: tuple[EntityMention, ...]
    limit: int
    offset: int

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "names": list(self.names),
            "types": list(self.types),
            "quote_count": self.quote_count,
            "quotes": [q.to_json() for q in self.quotes],
            "quotes_by_outlet": [o.to_json() for o in self.quotes_by_outlet],
            "quotes_by_outlet_scanned": self.quotes_by_outlet_scanned,
            "mentioned_in": self.mentioned_in,
            "documents": [d.to_json() for d in self.documents],
            "limit": self.limit,
            "offset": self.offset,
        }


# ------------------------------------------------------------------------------------------- stories


@dataclass(frozen=True)
class PendingPage:
    """A stored page not yet in a story: its ingest position, hash and date (``data``: the page's JSON,
    given only when the stored date is missing or short, for the clusterer to find a date in it)."""

    seq: int
    doc_id: str
    content_hash: str
    published: str | None
    data: Mapping[str, Any] | None


@dataclass(frozen=True)
class StoryAssignment:
    """A page's place in a story as the clusterer gave it (written by ``save_story_assignments``)."""

    doc_id: str
    story_id: str
    thread: int
    position: int
    date: str | None
    title: str | None
    content_hash: str
    explanation: str  # JSON: the entities, terms and time gap that tied the page, the score


@dataclass(frozen=True)
class StoryMember:
    """A page of a story as stored: its assignment and its current content hash (None: no longer stored)."""

    doc_id: str
    date: str | None
    title: str | None
    content_hash: str | None
    explanation: Mapping[str, Any]


@dataclass(frozen=True)
class EventSource:
    doc_id: str
    start: int
    end: int

    def to_json(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class StoryEvent:
    """One event however many pages report it: the first report's words and offsets, every report's
    offsets in ``sources``."""

    doc_id: str
    actor: str | None
    action: str
    target: str | None
    place: str | None
    date: str | None
    starting: str | None
    start: int
    end: int
    sources: tuple[EventSource, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "actor": self.actor,
            "action": self.action,
            "target": self.target,
            "place": self.place,
            "date": self.date,
            "starting": self.starting,
            "start": self.start,
            "end": self.end,
            "sources": [s.to_json() for s in self.sources],
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> StoryEvent:
        return cls(
            str(d["doc_id"]), d.get("actor"), str(d.get("action") or ""), d.get("target"), d.get("place"),
            d.get("date"), d.get("starting"), int(d["start"]), int(d["end"]),
            tuple(
                EventSource(str(s["doc_id"]), int(s["start"]), int(s["end"])) for s in d.get("sources") or ()
            ),
        )


@dataclass(frozen=True)
class StatementQuote:
    doc_id: str
    start: int
    end: int
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class StatementView:
    """One utterance and every quote (across the story's pages) that reports it."""

    id: str
    speaker: str | None
    quotes: tuple[StatementQuote, ...]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "speaker": self.speaker, "quotes": [q.to_json() for q in self.quotes]}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> StatementView:
        return cls(
            str(d["id"]),
            d.get("speaker"),
            tuple(
                StatementQuote(str(q["doc_id"]), int(q["start"]), int(q["end"]), str(q.get("text") or ""))
                for q in d.get("quotes") or ()
            ),
        )


@dataclass(frozen=True)
class TimelineEntry:
    """A page (``kind == "document"``) or an event (``"event"``: with its offsets and report count)."""

    date: str | None
    kind: str
    doc_id: str
    text: str
    start: int | None = None
    end: int | None = None
    reports: int | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"date": self.date, "kind": self.kind, "doc_id": self.doc_id, "text": self.text}
        if self.kind == "event":
            out.update(start=self.start, end=self.end, reports=self.reports)
        return out

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> TimelineEntry:
        return cls(d.get("date"), str(d["kind"]), str(d["doc_id"]), str(d.get("text") or ""),
                   d.get("start"), d.get("end"), d.get("reports"))


@dataclass(frozen=True)
class StorySummary:
    """A story in brief (``newstrace stories --brief``, the index page): its pages and outlets."""

    id: str
    title: str | None
    documents: tuple[str, ...]
    outlets: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "documents": list(self.documents),
                "outlets": list(self.outlets)}


@dataclass(frozen=True)
class StoryView:
    """A story page as ``update_stories`` computed and stored it: read, never computed, by readers.

    ``comparison`` (outlets, copies, reports and their omissions) and ``assignments`` (why each page is
    in the story) are JSON objects as the stories package made them.
    """

    id: str
    title: str | None
    documents: tuple[str, ...]
    outlets: tuple[str, ...]
    events: tuple[StoryEvent, ...]
    statements: tuple[StatementView, ...]
    timeline: tuple[TimelineEntry, ...]
    comparison: Mapping[str, Any]
    assignments: Mapping[str, Mapping[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "documents": list(self.documents),
            "outlets": list(self.outlets),
            "events": [e.to_json() for e in self.events],
            "statements": [s.to_json() for s in self.statements],
            "timeline": [t.to_json() for t in self.timeline],
            "comparison": dict(self.comparison),
            "assignments": {k: dict(v) for k, v in self.assignments.items()},
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> StoryView:
        return cls(
            str(d["id"]),
            d.get("title"),
            tuple(str(x) for x in d.get("documents") or ()),
            tuple(str(x) for x in d.get("outlets") or ()),
            tuple(StoryEvent.from_json(e) for e in d.get("events") or ()),
            tuple(StatementView.from_json(s) for s in d.get("statements") or ()),
            tuple(TimelineEntry.from_json(t) for t in d.get("timeline") or ()),
            dict(d.get("comparison") or {}),
            {str(k): dict(v) for k, v in (d.get("assignments") or {}).items()},
        )


# --------------------------------------------------------------------------------------- the protocol


@runtime_checkable
class Store(Protocol):
    """A newstrace store. ``open_store(db)`` picks the backend from ``db`` (a path: SQLite).

    Writers: one process at a time (a second is refused with ``StoreBusy``); every ``put`` is one
    transaction, so a run killed at any moment leaves whole documents only. Readers never block the
    writer. Every fault is a one-line ``StoreError`` naming the store and what to do.
    """

    path: str  # what the store was opened from (a file path or a URL), for messages and caches
    readonly: bool

    def close(self) -> None: ...
    def __enter__(self) -> Store: ...
    def __exit__(self, *exc: object) -> None: ...

    # ---- metadata
    def get_meta(self, key: str) -> str | None: ...
    def set_meta(self, key: str, value: str) -> None: ...

    # ---- documents: writing (ingest)
    def has(self, doc_id: str, digest: str) -> bool: ...
    def put(
        self, doc: Document, passages: Sequence[PassageView] = (), *, digest: str | None = None
    ) -> PutResult: ...
    def replace_passages(self, doc_id: str, passages: Sequence[PassageView]) -> None: ...
    def record_error(self, source: str, reason: str) -> None: ...
    def rename_errors(
        self, prefix: str, source: Callable[[str], str], reason: Callable[[str], str]
    ) -> None: ...

    # ---- the copy index's checkpoint (derived data kept in the store)
    def copy_checkpoint(self) -> CopyCheckpoint | None: ...
    def save_copy_checkpoint(self, blob: bytes, seq: int) -> None: ...
    def version(self) -> tuple[int, int]: ...  # (last seq, revisions): changes with every write

    # ---- documents: reading
    def count(self) -> int: ...
    def error_count(self) -> int: ...
    def get(self, doc_id: str) -> dict[str, Any] | None: ...  # the stored ``newstrace.document/1`` JSON
    def document(self, doc_id: str) -> Document | None: ...
    def text(self, doc_id: str) -> str | None: ...
    def info(self, doc_id: str) -> DocumentInfo | None: ...
    def infos(self, ids: Sequence[str]) -> dict[str, DocumentInfo]: ...
    def recent_documents(self, limit: int, offset: int = 0) -> list[DocumentInfo]: ...
    def ids(self) -> list[str]: ...
    def dump(self) -> dict[str, list[tuple[Any, ...]]]: ...  # content without timestamps, to compare stores
    def iter_documents(self, after_seq: int = 0) -> Iterator[tuple[int, dict[str, Any]]]: ...
    def search(
        self,
        query: str,
        *,
        speaker: str | None = None,
        outlet: str | None = None,
        since: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> list[SearchHit]: ...
    def errors(self, limit: int | None = None, offset: int = 0) -> list[ErrorView]: ...
    def passages(self, doc_id: str, limit: int = 5000) -> list[PassageView]: ...
    def provenance(self, doc_id: str) -> ProvenanceView: ...
    def body_outlet(self, doc_id: str, pos: int) -> str | None: ...
    def entity(
        self, key: str, key_of: Callable[[str], str], limit: int, offset: int
    ) -> EntityView | None: ...

    # ---- stories: writing (the clusterer in ``newstrace.stories`` decides, the store keeps)
    def stories_state(self) -> bytes | None: ...
    def stories_assigned(self) -> int: ...
    def stories_stale(self) -> bool: ...  # a page changed or went away after it was assigned
    def reset_stories(self) -> None: ...
    def pending_for_stories(self) -> list[PendingPage]: ...
    def copy_links(self, doc_id: str) -> list[str]: ...
    def save_story_assignments(
        self,
        rows: Sequence[StoryAssignment],
        moved: Sequence[tuple[str, str, int]],  # (story, page, thread) of pages that moved
        touched: Sequence[str],
        state: bytes,
    ) -> None: ...
    def story_members(self, story_id: str) -> list[StoryMember]: ...
    def story_copies(self, ids: Sequence[str]) -> list[tuple[str, str, int]]: ...  # (doc, origin, chars)
    def cached_events(self, doc_id: str) -> tuple[str, list[dict[str, Any]]] | None: ...  # (hash, events)
    def save_events(self, doc_id: str, digest: str, events: Sequence[Mapping[str, Any]]) -> None: ...
    def cached_statements(self, story_id: str) -> tuple[str, list[dict[str, Any]]] | None: ...
    def save_story_view(self, view: StoryView, statements_signature: str) -> None: ...
    def stories_to_render(self) -> list[tuple[str, str | None]]: ...  # (id, title) without a stored page

    # ---- stories: reading
    def stories_available(self) -> bool: ...  # False: stories were never computed for this store
    def unassigned(self) -> int | None: ...
    def story_of(self, doc_id: str) -> str | None: ...
    def story(self, story_id: str) -> StoryView | None: ...
    def stories(self, limit: int = 100, offset: int = 0) -> list[StoryView]: ...
    def story_summaries(self, limit: int = 100, offset: int = 0) -> list[StorySummary]: ...
    def iter_stories(self) -> Iterator[StoryView]: ...
    def iter_story_summaries(self) -> Iterator[StorySummary]: ...


def as_json(views: Sequence[Any]) -> list[dict[str, Any]]:
    """Views (anything with ``to_json``) as the JSON list the CLI and the API print."""
    return [v.to_json() for v in views]
