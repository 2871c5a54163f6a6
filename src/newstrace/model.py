"""The stand-off document model: one normalised text, and typed spans that point into it.

Every annotation is a pair of character offsets into ``Document.text`` plus typed fields, so that any
claim newstrace makes can be shown as the exact characters it rests on. Stages never edit the text;
they return a new ``Document`` with more annotations (``dataclasses.replace``).
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

SCHEMA = "newstrace.document/1"

LayerKind = Literal[
    "headline",
    "subheadline",
    "byline",
    "dateline",
    "credit",
    "caption",
    "related",
    "editor_note",
    "section_heading",
    "body",
    "boilerplate",
    "comment",
    "comments_closed",
]
LAYER_KINDS: tuple[str, ...] = LayerKind.__args__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class OffsetMap:
    """Maps offsets in the normalised text back to offsets in the original input.

    Stored as runs: ``norm_starts[i]`` in the normalised text corresponds to ``orig_starts[i]`` in
    the original, and characters inside a run advance together. Characters produced by an edit
    (a folded whitespace run, a composed character) map to the start of what they replaced.
    """

    norm_starts: tuple[int, ...] = (0,)
    orig_starts: tuple[int, ...] = (0,)
    norm_length: int = 0
    orig_length: int = 0
    # True inside a run where norm and orig advance one to one; False where a run is a single edit.
    linear: tuple[bool, ...] = (True,)

    @classmethod
    def identity(cls, length: int) -> OffsetMap:
        return cls((0,), (0,), length, length, (True,))

    def to_original(self, offset: int) -> int:
        """Original offset of normalised ``offset`` (``offset == len(text)`` maps to the end)."""
        if offset >= self.norm_length:
            return self.orig_length
        i = bisect.bisect_right(self.norm_starts, offset) - 1
        delta = offset - self.norm_starts[i]
        return self.orig_starts[i] + (delta if self.linear[i] else 0)

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            o = self.to_original(start)
            return o, o
        # The end of a span is one past its last character: map the last character, then step past it.
        last = end - 1
        i = bisect.bisect_right(self.norm_starts, last) - 1
        if self.linear[i]:
            orig_end = self.to_original(last) + 1
        else:
            nxt = self.orig_starts[i + 1] if i + 1 < len(self.orig_starts) else self.orig_length
            orig_end = nxt
        return self.to_original(start), orig_end


@dataclass(frozen=True, slots=True)
class Block:
    """A structural unit a reader found (a paragraph, heading, caption, list item, comment …).

    Readers that know the page's structure (HTML) fill ``tag`` and ``region``; the plain-text reader
    leaves blocks empty and the anatomy stage infers everything from the text.
    """

    start: int
    end: int
    tag: str  # html tag name or a reader's own name: "h1", "p", "li", "figcaption", "title" …
    region: str | None = None  # "main", "comments", "nav", "header", "footer", "aside", "related", "caption"
    depth: int = 0  # nesting depth inside a comment thread (0 = top level)
    main: bool = False  # the extractor judged this block part of the article's main text
    source_line: int | None = None  # line in the original input where the block starts
    group: int | None = None  # blocks of one comment (or one figure …) share a group number


@dataclass(frozen=True, slots=True)
class Layer:
    kind: str
    start: int
    end: int
    outlet: str | None = None
    author: str | None = None
    comment: int | None = None


@dataclass(frozen=True, slots=True)
class Comment:
    id: int
    parent: int | None
    number: str | None
    author: str | None
    start: int
    end: int
    date: str | None = None  # the day the page shows for the comment, "YYYY-MM-DD"


@dataclass(frozen=True, slots=True)
class Credit:
    outlet: str
    start: int
    end: int
    place: str | None = None
    date: str | None = None


@dataclass(frozen=True, slots=True)
class Quote:
    start: int
    end: int
    text: str
    speaker: str | None = None
    speaker_entity: str | None = None
    cue: str | None = None


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Entity:
    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    mentions: tuple[Mention, ...] = ()
    # Places (and organisations or groups tied to one country): ISO 3166-1 alpha-2 code and coordinates,
    # where the shipped gazetteer knows them. Written to JSON only when set.
    country: str | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True, slots=True)
class DateMention:
    start: int
    end: int
    text: str
    value: str


@dataclass(frozen=True, slots=True)
class Event:
    """One reported event: who did what to whom, where and when, with the sentence that reports it."""

    actor: str | None
    action: str
    target: str | None
    place: str | None
    date: str | None  # ISO day the event happened (or was reported from)
    starting: str | None  # ISO day it starts, when the sentence gives one ("starting from tomorrow")
    start: int
    end: int

    def summary(self) -> str:
        """How a timeline names it: actor action target (place)."""
        text = " ".join(p for p in (self.actor or "", self.action, self.target or "") if p)
        return f"{text} ({self.place})" if self.place else text

    def to_json(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "action": self.action,
            "target": self.target,
            "place": self.place,
            "date": self.date,
            "starting": self.starting,
            "start": self.start,
            "end": self.end,
        }

    @classmethod
    def from_json(cls, e: Mapping[str, Any]) -> Event:
        """An event record of the document JSON (``events``) as an ``Event``."""
        return cls(
            e.get("actor"),
            str(e.get("action") or ""),
            e.get("target"),
            e.get("place"),
            e.get("date"),
            e.get("starting"),
            int(e["start"]),
            int(e["end"]),
        )

    @classmethod
    def many_from_json(cls, rows: Iterable[Mapping[str, Any]]) -> tuple[Event, ...]:
        return tuple(cls.from_json(e) for e in rows)


@dataclass(frozen=True, slots=True)
class Document:
    """A page: its normalised text, where it came from, and every annotation added so far."""

    id: str
    text: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = None
    source: str | None = None  # path or record the page was read from (for error messages and audit)
    format: str | None = None  # "text", "html", "jsonl", "warc"
    offsets: OffsetMap = field(default_factory=OffsetMap)
    blocks: tuple[Block, ...] = ()
    layers: tuple[Layer, ...] = ()
    comments: tuple[Comment, ...] = ()
    credits: tuple[Credit, ...] = ()
    quotes: tuple[Quote, ...] = ()
    entities: tuple[Entity, ...] = ()
    dates: tuple[DateMention, ...] = ()
    events: tuple[Event, ...] = ()
    # Names of the annotations present, so a pipeline can check a stage's needs before it runs.
    annotated: frozenset[str] = frozenset()
    # The linguistic parse (a spaCy ``Doc`` over ``text``), shared by the stages that need one.
    # Not part of the JSON: everything derived from it is stored as stand-off spans.
    parse: Any = field(default=None, compare=False, repr=False)

    def with_annotations(self, name: str, **fields: Any) -> Document:
        """A copy with ``fields`` set and ``name`` recorded as present."""
        return replace(self, annotated=self.annotated | {name}, **fields)

    def article_text(self) -> str:
        """The article as its reader reads it: the body paragraphs and their section headings, in page
        order, one per paragraph (no headline, captions, related links, comments or furniture)."""
        return "\n\n".join(
            self.text[x.start : x.end] for x in self.layers if x.kind in ("body", "section_heading")
        )

    def slice(self, start: int, end: int) -> str:
        return self.text[start:end]

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Document:
        """The ``Document`` a ``newstrace.document/1`` JSON object describes (as stored): the one way
        back from storage, annotations included, offsets unchanged, no analysis run again. A page
        stored before events were part of the analysis has no ``events`` and is not marked as having
        them."""
        return cls(
            id=str(d["id"]),
            text=str(d.get("text") or ""),
            url=d.get("url"),
            outlet=d.get("outlet"),
            title=d.get("title"),
            published=d.get("published"),
            layers=tuple(
                Layer(x["kind"], x["start"], x["end"], x.get("outlet"), x.get("author"), x.get("comment"))
                for x in d.get("layers") or ()
            ),
            comments=tuple(
                Comment(
                    c["id"], c.get("parent"), c.get("number"), c.get("author"),
                    c["start"], c["end"], c.get("date"),
                )
                for c in d.get("comments") or ()
            ),
            credits=tuple(
                Credit(c["outlet"], c["start"], c["end"], c.get("place"), c.get("date"))
                for c in d.get("credits") or ()
            ),
            quotes=tuple(
                Quote(
                    q["start"], q["end"], q.get("text", ""), q.get("speaker"), q.get("speaker_entity"),
                    q.get("cue"),
                )
                for q in d.get("quotes") or ()
            ),
            entities=tuple(
                Entity(
                    e["id"],
                    e["name"],
                    e["type"],
                    tuple(e.get("aliases") or ()),
                    tuple(Mention(m["start"], m["end"]) for m in e.get("mentions") or ()),
                    e.get("country"),
                    e.get("lat"),
                    e.get("lon"),
                )
                for e in d.get("entities") or ()
            ),
            dates=tuple(
                DateMention(m["start"], m["end"], m.get("text", ""), m["value"]) for m in d.get("dates") or ()
            ),
            events=Event.many_from_json(d.get("events") or ()),
            annotated=frozenset({"text", "layers", "credits", "quotes", "entities", "dates"})
            | ({"events"} if "events" in d else frozenset()),
        )

    def to_json(self) -> dict[str, Any]:
        """The ``newstrace.document/1`` JSON object."""
        fields = self._json_fields()
        return {key: list(value) if isinstance(value, Iterator) else value for key, value in fields}

    def json_chunks(self) -> Iterator[str]:
        """``json.dumps(self.to_json(), ensure_ascii=False)`` in pieces, one list item at a time: a long
        page is written out without a dict per mention and one string for its whole JSON in memory."""
        encode = json.JSONEncoder(ensure_ascii=False).encode
        yield "{"
        for i, (key, value) in enumerate(self._json_fields()):
            yield (", " if i else "") + encode(key) + ": "
            if isinstance(value, Iterator):
                yield "["
                for j, item in enumerate(value):
                    yield (", " if j else "") + encode(item)
                yield "]"
            else:
                yield encode(value)
        yield "}"

    def _json_fields(self) -> list[tuple[str, Any]]:
        """The JSON object's fields in order; lists as iterators, built as they are read."""
        return [
            ("schema", SCHEMA),
            ("id", self.id),
            ("url", self.url),
            ("outlet", self.outlet),
            ("title", self.title),
            ("published", self.published),
            ("text", self.text),
            ("layers", (
                {
                    "kind": x.kind,
                    "start": x.start,
                    "end": x.end,
                    "outlet": x.outlet,
                    "author": x.author,
                    "comment": x.comment,
                }
                for x in self.layers
            )),
            ("comments", (
                {
                    "id": c.id,
                    "parent": c.parent,
                    "number": c.number,
                    "author": c.author,
                    "start": c.start,
                    "end": c.end,
                    "date": c.date,
                }
                for c in self.comments
            )),
            ("credits", (
                {"outlet": c.outlet, "start": c.start, "end": c.end, "place": c.place, "date": c.date}
                for c in self.credits
            )),
            ("quotes", (
                {
                    "start": q.start,
                    "end": q.end,
                    "text": q.text,
                    "speaker": q.speaker,
                    "speaker_entity": q.speaker_entity,
                    "cue": q.cue,
                }
                for q in self.quotes
            )),
            ("entities", (_entity_json(e) for e in self.entities)),
            ("dates", (
                {"start": d.start, "end": d.end, "text": d.text, "value": d.value} for d in self.dates
            )),
            ("events", (e.to_json() for e in self.events)),
        ]


def _entity_json(e: Entity) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": e.id,
        "name": e.name,
        "type": e.type,
        "aliases": list(e.aliases),
        "mentions": [{"start": m.start, "end": m.end} for m in e.mentions],
    }
    for key in ("country", "lat", "lon"):
        value = getattr(e, key)
        if value is not None:
            out[key] = value
    return out


def spans_in(layers: Sequence[Layer], kind: str) -> list[Layer]:
    return [x for x in layers if x.kind == kind]
