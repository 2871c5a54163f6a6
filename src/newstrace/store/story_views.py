"""Typed views of stories: what the clusterer hands the store, and the story pages the store keeps.

Frozen and JSON-ready: ``to_json()`` gives the exact object (keys in order) the CLI and the HTTP API print,
``from_json`` reads a stored one back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

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
