"""A story's page, computed when the story changes and stored: events, statements, comparison.

Readers (the CLI, the web app) only read what is stored here; this is the one place a story page is
computed, so embedding (statements) and parsing (events of pages stored without them) happen in the
stories update, never on a read.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from tqdm import tqdm

from ..analysis.events import extract_events
from ..model import Document, Event
from ..store import (
    EventSource,
    StatementQuote,
    StatementView,
    Store,
    StoryEvent,
    StoryMember,
    StoryView,
    TimelineEntry,
)
from .compare import Copy, Page, compare
from .features import content_text, terms
from .statements import QuoteRef, Statement, link_quotes

__all__ = ["render_stories", "render_story"]

log = logging.getLogger(__name__)


def render_stories(store: Store, *, progress: bool = False) -> int:
    """Render and store every story without a stored page (new or changed since, or stored by an older
    release); returns how many were rendered."""
    todo = store.stories_to_render()
    for sid, title in tqdm(todo, unit="story", desc="story pages", disable=not progress or not todo):
        view, signature = render_story(store, sid, title)
        store.save_story_view(view, signature)
    return len(todo)


def render_story(store: Store, sid: str, title: str | None) -> tuple[StoryView, str]:
    """The story page of ``sid`` from its stored pages, and the signature of the pages its statements
    were linked from (statements already linked for the same pages are reused)."""
    members = store.story_members(sid)
    loaded = [(store.get(m.doc_id), m) for m in members]
    pages = [(d, m) for d, m in loaded if d is not None]
    datas = [d for d, _ in pages]
    events = [e for d, m in pages for e in _events(store, d, m)]
    signature, statements = _statements(store, sid, pages)
    ids = [m.doc_id for m in members]
    copies = [Copy(d, o, n) for d, o, n in store.story_copies(ids)]
    comparison = compare([_page(d) for d in datas], copies, statements)
    merged = _merge_events(events)
    timeline = [TimelineEntry(m.date, "document", m.doc_id, m.title or "") for m in members]
    timeline += [
        TimelineEntry(ev.date, "event", ev.doc_id, _summary(ev), ev.start, ev.end, len(ev.sources))
        for ev in merged
    ]
    timeline.sort(key=lambda t: (t.date is None, t.date or "", t.kind != "document"))
    view = StoryView(
        id=sid,
        title=title,
        documents=tuple(ids),
        outlets=tuple(o["outlet"] for o in comparison["outlets"]),
        events=tuple(merged),
        statements=tuple(
            StatementView(
                s.id, s.speaker, tuple(StatementQuote(q.doc_id, q.start, q.end, q.text) for q in s.quotes)
            )
            for s in statements
        ),
        timeline=tuple(timeline),
        comparison=comparison,
        # why each page is in the story (as assigned: the entities, terms and time gap that tied it)
        assignments={m.doc_id: m.explanation for m in members},
    )
    return view, signature


def _events(store: Store, data: Mapping[str, Any], member: StoryMember) -> list[tuple[str, Event]]:
    """(page id, event) of a stored page: from its analysis, or (a page stored before events were part
    of the analysis) from its parse, kept in the store by the page's content hash."""
    doc_id = str(data["id"])
    if "events" in data:
        return [(doc_id, e) for e in Event.many_from_json(data["events"])]
    digest = member.content_hash or ""
    cached = store.cached_events(doc_id)
    if cached is not None and cached[0] == digest:
        return [(doc_id, e) for e in Event.many_from_json(cached[1])]
    try:
        evs = extract_events(Document.from_json(data))
    except Exception as e:  # one odd parse must not take a story down
        log.warning("events of %s failed: %s: %s", doc_id, type(e).__name__, e)
        evs = []
    if not store.readonly:
        store.save_events(doc_id, digest, [e.to_json() for e in evs])
    return [(doc_id, e) for e in evs]


def _merge_events(events: Sequence[tuple[str, Event]]) -> list[StoryEvent]:
    """One record per event however many pages report it, first report's evidence first, every
    report's offsets in ``sources``.

    Outlets word one event differently ("order to start withdrawal of forces from Syria" / "issue order
    to begin withdrawal of Russian forces from Syria"): two reports are one event when they have the
    same day and actor, no conflicting start day or place, and what was done (action and target, as
    stemmed content words) mostly agrees: at least two words, three quarters of the shorter's.
    """
    rows: list[tuple[str, Event, list[EventSource], str | None, str | None]] = []  # first, sources, ...
    words: list[set[str]] = []
    by_key: dict[tuple[str | None, str], list[int]] = {}
    for doc_id, e in events:
        w = set(terms(f"{e.action} {e.target or ''}"))
        key = (e.date, (e.actor or "").lower())
        hit = None
        for i in by_key.get(key, ()):
            _, _, _, starting, place = rows[i]
            if starting and e.starting and starting != e.starting:
                continue
            if place and e.place and place != e.place:
                continue
            common = len(w & words[i])
            if w == words[i] or (common >= 2 and common >= 0.75 * min(len(w), len(words[i]))):
                hit = i
                break
        if hit is None:
            hit = len(rows)
            rows.append((doc_id, e, [], e.starting, e.place))
            words.append(w)
            by_key.setdefault(key, []).append(hit)
        first, ev, sources, starting, place = rows[hit]
        sources.append(EventSource(doc_id, e.start, e.end))
        rows[hit] = (first, ev, sources, starting or e.starting, place or e.place)
    return [
        StoryEvent(first, ev.actor, ev.action, ev.target, place, ev.date, starting, ev.start, ev.end,
                   tuple(sources))
        for first, ev, sources, starting, place in rows
    ]


def _summary(ev: StoryEvent) -> str:
    text = " ".join(str(w) for w in (ev.actor, ev.action, ev.target) if w)
    return f"{text} ({ev.place})" if ev.place else text


def _quotes(data: Mapping[str, Any]) -> list[QuoteRef]:
    comments = [(x["start"], x["end"]) for x in data.get("layers") or () if x["kind"] in ("comment",)]
    out = []
    for q in data.get("quotes") or ():
        if any(s <= q["start"] < e for s, e in comments):
            continue  # readers quoting someone: not the story's reporting
        out.append(QuoteRef(data["id"], int(q["start"]), int(q["end"]), q.get("text", ""), q.get("speaker")))
    return out


def _statements(
    store: Store, sid: str, pages: Sequence[tuple[Mapping[str, Any], StoryMember]]
) -> tuple[str, list[Statement]]:
    sig = hashlib.sha1(
        "\n".join(f"{d['id']}:{m.content_hash or ''}" for d, m in pages).encode("utf-8", "surrogatepass")
    ).hexdigest()
    cached = store.cached_statements(sid)
    if cached is not None and cached[0] == sig:
        return sig, [
            Statement(
                s["id"],
                s["speaker"],
                tuple(
                    QuoteRef(q["doc_id"], q["start"], q["end"], q["text"], s["speaker"]) for q in s["quotes"]
                ),
            )
            for s in cached[1]
        ]
    quotes = [q for d, _ in pages for q in _quotes(d)]
    return sig, link_quotes(quotes)


def _page(data: Mapping[str, Any]) -> Page:
    _, _, spans = content_text(data)
    body = [
        (int(x["start"]), int(x["end"]), x.get("outlet"))
        for x in data.get("layers") or ()
        if x["kind"] == "body"
    ]
    if not data.get("layers"):
        body = [(0, len(data.get("text") or ""), None)]
    ents = [
        (
            str(e["name"]),
            str(e["type"]),
            [int(m["start"]) for m in e.get("mentions") or () if any(s <= m["start"] < t for s, t in spans)],
        )
        for e in data.get("entities") or ()
    ]
    return Page(str(data["id"]), data.get("outlet"), data.get("url"), body, ents)
