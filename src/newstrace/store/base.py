"""The store boundary: what every backend (SQLite, PostgreSQL) offers, and the typed views it returns
(defined in ``views`` and ``story_views``, re-exported here).

Nothing outside ``newstrace.store`` speaks SQL or holds a connection: ingest, the copy index, stories, the
CLI and the web app call the methods of :class:`Store` and get frozen views back. Each view that the CLI
or the HTTP API prints has ``to_json()``, whose output (keys and their order) is the JSON those print, so
a backend only has to fill the views for both to answer byte for byte the same.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from ..errors import StoreBusy, StoreError
from ..model import Document
from .story_views import (
    EventSource,
    PendingPage,
    StatementQuote,
    StatementView,
    StoryAssignment,
    StoryEvent,
    StoryMember,
    StorySummary,
    StoryView,
    TimelineEntry,
)
from .views import (
    CopiedPassage,
    CopyCheckpoint,
    CopyOf,
    DocumentInfo,
    EntityMention,
    EntityQuote,
    EntityView,
    ErrorView,
    OutletQuotes,
    PassageView,
    ProvenanceView,
    PutResult,
    SearchHit,
)

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
    def stored_hash(self, doc_id: str) -> str | None: ...
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
