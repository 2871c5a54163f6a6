"""Typed views of stored documents: what a store returns about pages, passages, searches, entities.

Frozen and JSON-ready: ``to_json()`` gives the exact object (keys in order) the CLI and the HTTP API print.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

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
