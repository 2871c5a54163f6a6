"""Stored page JSON (``newstrace.document/1``) back to a :class:`~newstrace.model.Document`.

The store keeps analysed pages as JSON; a page stored before events were part of the analysis needs
them from its parse, which only a ``Document`` can carry, so this rebuilds one (annotations included)
without re-running any analysis.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..model import Comment, Credit, DateMention, Document, Entity, Event, Layer, Mention, Quote


def document_from_json(d: Mapping[str, Any]) -> Document:
    """The ``Document`` a stored JSON object describes (offsets unchanged)."""
    return Document(
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
                q["start"],
                q["end"],
                q.get("text", ""),
                q.get("speaker"),
                q.get("speaker_entity"),
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
        events=events_from_json(d.get("events") or ()),
        annotated=frozenset({"text", "layers", "credits", "quotes", "entities", "dates"})
        | ({"events"} if "events" in d else frozenset()),
    )


def events_from_json(rows: Iterable[Mapping[str, Any]]) -> tuple[Event, ...]:
    """Stored event records (``newstrace.document/1`` ``events``) as :class:`~newstrace.model.Event`."""
    return tuple(
        Event(
            e.get("actor"),
            str(e.get("action") or ""),
            e.get("target"),
            e.get("place"),
            e.get("date"),
            e.get("starting"),
            int(e["start"]),
            int(e["end"]),
        )
        for e in rows
    )
