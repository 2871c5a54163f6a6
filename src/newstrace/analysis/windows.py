"""The language-model stages over a long page, one window of text at a time, so memory is bounded.

spaCy's working memory grows with the text it is given at once, and a parse keeps a few hundred bytes per
token: parsing a 400 KB page whole peaked at 1.4 GB, a 5 MB one at over 20 GB. A page longer than one
window (``WINDOW_CHARS``, longer than nearly every news article, so ordinary pages are analysed whole and
unchanged) is cut at paragraph breaks; each window runs the stages as a page of its own, seeing the
layers, comments and credits that fall inside it, and is dropped, parse and all, before the next one.
Its annotations are shifted back into the page: quotes, dates and events joined in order; entities of the
same name and type in several windows made one, with every mention (quotes' ``speaker_entity`` follows).
What a window cannot see is the text before it: a pronoun opening a window does not reach a name in the
window before.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any, TypeVar

from ..model import Comment, Credit, DateMention, Document, Entity, Event, Layer, Mention, OffsetMap, Quote
from .nlp import chunks

WINDOW_CHARS = 100_000

_Span = TypeVar("_Span", Layer, Comment, Credit)


def windows(text: str, size: int = WINDOW_CHARS) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of consecutive windows of at most ``size`` characters, cut at paragraph breaks."""
    start = 0
    for piece in chunks(text, size):
        yield start, start + len(piece)
        start += len(piece)


def _clip(spans: Sequence[_Span], start: int, end: int) -> tuple[_Span, ...]:
    """The spans that overlap ``[start, end)``, cut to it and shifted to the window's offsets."""
    out = []
    for s in spans:
        a, b = max(s.start, start), min(s.end, end)
        if a < b:
            out.append(replace(s, start=a - start, end=b - start))
    return tuple(out)


def window_document(doc: Document, start: int, end: int) -> Document:
    """``doc``'s text from ``start`` to ``end`` as a page of its own, with the anatomy that falls in it."""
    text = doc.text[start:end]
    return replace(
        doc,
        text=text,
        offsets=OffsetMap.identity(len(text)),
        blocks=(),
        layers=_clip(doc.layers, start, end),
        comments=_clip(doc.comments, start, end),
        credits=_clip(doc.credits, start, end),
        quotes=(),
        entities=(),
        dates=(),
        events=(),
        parse=None,
    )


class _Merged:
    """The annotations of the windows seen so far, in the page's offsets."""

    def __init__(self) -> None:
        self.quotes: list[Quote] = []
        self.dates: list[DateMention] = []
        self.events: list[Event] = []
        self.entities: dict[tuple[str, str], Entity] = {}
        self.annotated: frozenset[str] = frozenset()

    def add(self, part: Document, at: int) -> None:
        ids: dict[str, str] = {}
        for e in part.entities:
            key = (e.name, e.type)
            mentions = tuple(Mention(m.start + at, m.end + at) for m in e.mentions)
            held = self.entities.get(key)
            if held is None:
                self.entities[key] = replace(e, id=f"e{len(self.entities) + 1}", mentions=mentions)
            else:
                new = tuple(a for a in e.aliases if a not in held.aliases and a != held.name)
                aliases = held.aliases + new
                self.entities[key] = replace(held, aliases=aliases, mentions=held.mentions + mentions)
            ids[e.id] = self.entities[key].id
        self.quotes += [
            replace(q, start=q.start + at, end=q.end + at,
                    speaker_entity=ids.get(q.speaker_entity, q.speaker_entity) if q.speaker_entity else None)
            for q in part.quotes
        ]
        self.dates += [replace(d, start=d.start + at, end=d.end + at) for d in part.dates]
        self.events += [replace(v, start=v.start + at, end=v.end + at) for v in part.events]
        self.annotated |= part.annotated


def _release() -> None:
    """Give a finished window's memory back: its parse is in reference cycles that only the collector
    frees, and glibc keeps freed heap pages unless asked to return them."""
    gc.collect()
    if _libc is not None:
        _libc.malloc_trim(0)


def _load_libc() -> Any:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim  # noqa: B018 - glibc only; elsewhere there is nothing to trim
    except (OSError, AttributeError):
        return None
    return libc


_libc = _load_libc()


def run_windowed(
    analyse: Callable[[Document], Document], doc: Document, size: int = WINDOW_CHARS
) -> Document:
    """``analyse(doc)`` on a page of at most ``size`` characters; window by window on a longer one."""
    if len(doc.text) <= size:
        return analyse(doc)
    merged = _Merged()
    for start, end in windows(doc.text, size):
        merged.add(analyse(window_document(doc, start, end)), start)
        _release()
    return replace(
        doc,
        quotes=tuple(merged.quotes),
        dates=tuple(merged.dates),
        events=tuple(merged.events),
        entities=tuple(merged.entities.values()),
        annotated=doc.annotated | merged.annotated,
        parse=None,
    )
