"""The article's parts outside its container: the teaser under the headline, sections built like
the container, containers that score nearly as well, and the furniture phrases dropped inside."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

from .block_kinds import NEVER_MAIN_TAGS, NOT_MAIN_CATS, SENTENCE_ENDS, excluded, excluded_frame, weighted_len
from .dom import Frame, Seg


@cache
def _furniture() -> tuple[re.Pattern[str], int]:
    """The furniture phrases of ``data/main_text_phrases.json`` as one regex, and the word limit."""
    raw = json.loads(resources.files("newstrace").joinpath("data/main_text_phrases.json").read_text("utf-8"))
    phrases = sorted(
        {p for key in ("related", "prompts", "labels", "reading_time") for p in raw[key]},
        key=len,
        reverse=True,
    )
    alts = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)
    return re.compile(rf"(?:{alts})(?![^\W\d_])"), int(raw["max_words"])


@cache
def _credit() -> tuple[re.Pattern[str], int]:
    """A picture credit closing a block ("… (Foto: dpa)", "Photo: Jane Doe"), and the longest such block."""
    raw = json.loads(resources.files("newstrace").joinpath("data/main_text_phrases.json").read_text("utf-8"))
    words = "|".join(re.escape(w) for w in sorted(raw["credit_words"], key=len, reverse=True))
    tail = rf"(?:^|[\s(\[|/,;–-])(?:{words})\s*:\s*(?:(?![.!?]\s).){{1,60}}$"
    return re.compile(tail, re.I), int(raw["credit_max_chars"])


_BULLETS = " \t»›>•·-–—|*#(["


def drop_furniture(segs: list[Seg], main: list[bool]) -> None:
    """Short body blocks that are page furniture: related-box lead-ins, share and rating prompts, tags,
    and picture captions left in the text (a copyright sign, or a closing "Foto: …" credit)."""
    rx, max_words = _furniture()
    credit, credit_chars = _credit()
    for i, m in enumerate(main):
        if not m:
            continue
        t = segs[i].text
        prompt = len(t) < 120 and len(t.split()) <= max_words and rx.match(t.lower().lstrip(_BULLETS))
        caption = len(t) < credit_chars and ("©" in t or credit.search(t.rstrip(" )]")) is not None)
        if prompt or caption:
            main[i] = False


_LEAD_IN_WORDS = 4


def drop_lead_ins(segs: list[Seg], main: list[bool]) -> None:
    """A short line that announces what follows ("Weitere Informationen:", "Contact:") when what follows
    is not body text (a link list, a box): it belongs to that furniture, not to the article."""
    for i, m in enumerate(main):
        if not m:
            continue
        t = segs[i].text.rstrip()
        if (
            t.endswith(":")
            and len(t.split()) <= _LEAD_IN_WORDS
            and len(t) < 40
            and (i + 1 == len(main) or not main[i + 1])
        ):
            main[i] = False


_SECOND_SHARE = 0.5


def add_seconds(
    segs: list[Seg],
    scored: list[tuple[float, Frame]],
    best_score: float,
    scope: Frame,
    lo: int,
    hi: int,
    good: list[float],
    main: list[bool],
) -> None:
    """Other containers that score nearly as well as the winner: parts of a page cut into sections."""
    taken: list[tuple[int, int]] = [(lo, hi)]
    mine: set[int] = set()
    g: Frame | None = scored[0][1]
    while g is not None:
        mine.add(id(g))
        g = g.parent
    for sc, f in scored[1:]:
        if sc < _SECOND_SHARE * best_score:
            break
        if any(a <= f.first <= b or a <= f.last <= b or (f.first <= a and b <= f.last) for a, b in taken):
            continue
        if _named_apart(segs[f.first], f, mine) or f.articles >= 2 or _other_article(f, mine):
            continue
        taken.append((f.first, f.last))
        for i in range(f.first, f.last + 1):
            t = segs[i]
            if t.tag in NEVER_MAIN_TAGS or t.link_chars > 0.8 * len(t.text) or excluded(t, f) is not None:
                continue
            main[i] = True


def _named_apart(seg: Seg, f: Frame, mine: set[int]) -> bool:
    """Whether ``f`` or an ancestor of it that does not hold the winner is named as not the article
    (names on the winner's own wrappers, such as a page-wide "aside" layout column, do not count)."""
    for g in seg.frames:
        if id(g) not in mine and g.cat is not None and g.cat in NOT_MAIN_CATS:
            return True
        if g is f:
            break
    return False


def _other_article(f: Frame, mine: set[int]) -> bool:
    """Whether ``f`` sits in an ``<article>`` that does not hold the winner (another post's teaser)."""
    g: Frame | None = f
    while g is not None and id(g) not in mine:
        if g.tag == "article":
            return True
        g = g.parent
    return False


_LEAD_GAP = 8
_LEAD_CHARS = 80
_LEAD_LEVELS = 2
_PAGE_TAGS = frozenset({"body", "html"})


def add_lead(segs: list[Seg], best: Frame, head: int, lo: int, good: list[float], main: list[bool]) -> None:
    """The teaser paragraph before the body container (a standfirst, an intro box).

    Prose a few blocks after the headline, inside the element that holds both headline and body (an
    article, not the page); and, when the headline is not just above, prose a few blocks before the
    body inside the container's grandparent.
    """
    if 0 <= head < lo:
        heads = {id(f) for f in segs[head].frames}
        common: Frame | None = best
        while common is not None and id(common) not in heads:
            common = common.parent
        if common is not None and common.tag not in _PAGE_TAGS:
            _take_prose(segs, range(head + 1, min(lo, head + 1 + _LEAD_GAP)), common, good, main)
        elif lo - head <= _LEAD_GAP:
            # the headline's own box (a page-wide "hero") holds the teaser: prose beside the headline
            within = _beside(segs[head], segs[lo])
            if within is not None:
                _take_prose(segs, range(head + 1, lo), within, good, main)
    if head < 0 or lo - head > _LEAD_GAP:
        near = best
        for _ in range(_LEAD_LEVELS):
            if near.parent is not None and near.parent.tag not in _PAGE_TAGS:
                near = near.parent
        if near is not best:
            _take_prose(segs, range(max(lo - _LEAD_GAP, head + 1, near.first), lo), near, good, main)


def _beside(head: Seg, body: Seg) -> Frame | None:
    """The innermost element that holds the headline but not the body's first block, or None."""
    body_frames = {id(f) for f in body.frames}
    inner: Frame | None = None
    for f in reversed(head.frames):
        if id(f) in body_frames:
            break
        inner = f
    return inner


def _take_prose(segs: list[Seg], blocks: range, within: Frame, good: list[float], main: list[bool]) -> None:
    for i in blocks:
        s = segs[i]
        if (
            good[i] >= 1.0
            and weighted_len(s.text) >= _LEAD_CHARS
            and s.text.rstrip().endswith(SENTENCE_ENDS)
            and s.tag not in NEVER_MAIN_TAGS
            and excluded(s, within) is None
        ):
            main[i] = True


_INTRO_LEVELS = 3
_INTRO_CHARS = 100
_INTRO_HEADER_SEGS = 12


def add_intro(segs: list[Seg], best: Frame, head: int, lo: int, main: list[bool]) -> None:
    """The article's intro in its own header: a sentence or two of prose just before the body.

    Article templates put the teaser (standfirst) in a small header beside the headline, byline and
    date; names like "header" or "intro-header" put it out of the body, and a long ``<h2>`` teaser
    never scores as a paragraph. Taken: prose (sentences, few links) in the few blocks before the body,
    inside the container's near ancestors, and outside any named part but such a small header.
    """
    near = best
    for _ in range(_INTRO_LEVELS):
        if near.parent is None or near.parent.tag in _PAGE_TAGS:
            break
        near = near.parent
    if 0 <= head < near.first:
        heads = {id(f) for f in segs[head].frames}
        up: Frame | None = near
        while up is not None and id(up) not in heads:
            up = up.parent
        if up is not None and up.tag not in _PAGE_TAGS:
            near = up  # the element holding headline and body (the headline's header is the article's)
    start = max(lo - _LEAD_GAP, near.first, head + 1)
    for i in range(start, lo):
        s = segs[i]
        t = s.text
        if (
            main[i]
            or s.tag in NEVER_MAIN_TAGS
            or weighted_len(t) < _INTRO_CHARS
            or s.link_chars > 0.2 * len(t)
            or not t.rstrip().endswith(SENTENCE_ENDS)
        ):
            continue
        ex = excluded_frame(s, near)
        small_header = ex is not None and ex.cat == "header" and ex.last - ex.first < _INTRO_HEADER_SEGS
        if ex is None or (small_header and excluded(s, ex) is None):
            main[i] = True


_TWIN_LEVELS = 2


def add_twins(segs: list[Seg], best: Frame, lo: int, hi: int, good: list[float], main: list[bool]) -> None:
    """Take in the article's other parts: elements built like its container (same tags and names on
    the container and the levels above it), holding paragraphs, elsewhere on the page.

    Pages that cut an article into sections, tabs or "chunks" repeat one template per part; the walk
    of ``_extend`` stops at the first ad or box between them.
    """
    depth = len(segs[best.first].frames) - 1
    while depth >= 0 and segs[best.first].frames[depth] is not best:
        depth -= 1
    if depth < _TWIN_LEVELS:
        return
    chain = segs[best.first].frames[depth - _TWIN_LEVELS + 1 : depth + 1]
    shape = [(f.tag, f.sig) for f in chain]
    if not any(sig for _, sig in shape):
        return  # anonymous <div>s match everything
    seen: set[int] = {id(best)}
    above = {id(g) for g in segs[best.first].frames[:depth]}
    for s in segs:
        if (lo <= s.index <= hi) or good[s.index] < 1.0 or len(s.frames) <= depth:
            continue
        f = s.frames[depth]
        if id(f) in seen:
            continue
        seen.add(id(f))
        fr = s.frames[depth - _TWIN_LEVELS + 1 : depth + 1]
        if [(g.tag, g.sig) for g in fr] != shape or f.link_chars > 0.3 * f.chars:
            continue
        if any(
            g.cat is not None and g.cat in NOT_MAIN_CATS and id(g) not in above for g in s.frames[: depth + 1]
        ):
            continue  # (names the article's own wrappers wear do not count)
        for i in range(f.first, f.last + 1):
            t = segs[i]
            if t.tag in NEVER_MAIN_TAGS or t.link_chars > 0.8 * len(t.text) or excluded(t, f) is not None:
                continue
            main[i] = True
