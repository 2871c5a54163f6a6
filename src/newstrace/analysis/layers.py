"""Page anatomy: which part of a page is headline, caption, editor's note, body, boilerplate or comment.

Scraped pages arrive as flat text (where only line shapes, indentation, repetition and vocabulary are
left) or as HTML (where the reader also marks each block's tag and region). Both are cut into *units*
(a line, or a block) and every unit gets exactly one kind, so the layers tile the page. Credits found by
the credits stage decide which outlet each body section belongs to.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..model import Block, Comment, Credit, Document, Layer
from ..pipeline import stage
from .credits import parse_credit, parse_dateline

# ---------------------------------------------------------------------------------------------------
# Line shapes and vocabulary (generic: nothing here names a site, a person or a story)

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_SENTENCE_END = re.compile(r"""[.!?…]['"”’)\]]*$""")
_NUMBERED = re.compile(r"(\d{1,4})[.)]\s+(?=\S)")
_BULLET = re.compile(r"[•◦▪‣●○■□➤►»›·\-–—*]\s+(?=\S)")
_EDITOR_NOTE = re.compile(
    r"""^[\[(]?\s*(?:editor['’]?s?['’]?|ed\.|publisher['’]?s?['’]?|author['’]?s?['’]?)\s*note\b"""
    r"""|^\[?\s*update\s*:""",
    re.I,
)
_SIGNATURE = re.compile(
    r"""(?:(?<=[a-z])|(?<=[.!?…"”’]\s)|(?<=[.!?…"”’])|(?<=[-–—~]\s)|(?<=\n))"""
    r"""([A-Z][a-z]+(?:\s+[A-Z]\.)*(?:\s+[A-Z][a-z'’-]+){1,2})\s*[\])]?\s*$"""
)
_BYLINE = re.compile(
    r"^(?:by|written by|words by|author:|reporting by|story by)\s+([A-Z][^\n,|;]{1,80})", re.I
)
# A reporter's name alone on a line in capitals, as wire pages print bylines ("JANIE HAR").
_UPPER_NAME = re.compile(r"^[A-Z][A-Z'’.-]+(?:\s+[A-Z]\.?)?(?:\s+[A-Z][A-Z'’-]+){1,2}$")
_COMMENTS_CLOSED = re.compile(
    r"^(?:comments?\s+(?:are|is)\s+(?:now\s+)?closed|comments?\s+closed|commenting\s+(?:is\s+)?"
    r"(?:closed|disabled)|comments?\s+for\s+this\s+\w+\s+(?:are|is)\s+(?:now\s+)?closed)\b",
    re.I,
)
_COMMENTS_HEADER = re.compile(
    r"^(?:\d+\s+)?(?:comments?|responses?|replies|reader comments|discussion|join the discussion|"
    r"leave a (?:reply|comment)|what do you think\??)\s*(?:\(\d+\))?\s*:?$",
    re.I,
)
_COMMENT_UI = re.compile(
    r"^(?:view|show|load|hide|see|read)\s+(?:all\s+|more\s+|\d+\s+)?(?:comments?|replies|responses)\b.{0,20}$|"
    r"^(?:reply|report|flag|like|share|post (?:a )?comment|add (?:a )?comment|sign in|log in|"
    r"leave a (?:reply|comment)|cancel reply)\b.{0,30}$",
    re.I,
)
_COMMENT_AUTHOR = re.compile(
    r"^([A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}(?:\s*\([^()\n]{1,40}\))?)"
    r"\s+(?:on\s+[^\n]{4,40}?\s+)?(?:says|said|wrote|writes)\s*:",
    re.U,
)
_RELATED = re.compile(
    r"^(?:read more|read also|also read|related(?: articles?| stories| coverage)?|see also|more on this|"
    r"recommended|you may also like|more from|watch|listen)\b\s*[:\-–—|]",
    re.I,
)
# Anchored on a word boundary (or ©) so the engine skips most positions fast: it runs on every unit.
_BOILERPLATE = re.compile(
    r"©|\b(?:copyright|all rights reserved|rights reserved|disclaimer|terms of (?:use|service)|"
    r"privacy policy|cookies?\b|subscribe\b|newsletter|sign up\b|log ?in\b|follow us|share this|share on|"
    r"comment policy|"
    r"policy notice|advertis|sponsored|content herein|owned by (?:the )?authors?|"
    r"views (?:of|expressed)|opinions expressed|expressed opinions|not necessarily (?:reflect|the views)|"
    r"responsibility of|reproduction|republish|click here|read full|tags?:|filed under|categories:|"
    r"skip to\b|main menu\b)",
    re.I,
)
_PHOTO = re.compile(r"\b(?:photo|image|picture|getty|shutterstock|file photo|video)\b", re.I)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE_TOKEN = re.compile(
    rf"\b(?:{_MONTH}|\d{{1,4}}|mon|tue|wed|thu|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday|am|pm|a|p|m|gmt|utc|edt|est|et|pt|ct|pdt|cdt|bst|cet|cest|msk|published|first|last|"
    r"updated|posted|on|at|"
    r"modified|date|time|st|nd|rd|th)\b",
    re.I,
)
_HAS_DATE = re.compile(rf"\b{_MONTH}\s+\d{{1,2}}\b|\b\d{{1,2}}\s+{_MONTH}|\b\d{{4}}-\d{{2}}-\d{{2}}\b", re.I)


def _words(s: str) -> int:
    return len(_WORD.findall(s))


def _is_prose(s: str) -> bool:
    """A sentence-like paragraph: enough words and sentence punctuation."""
    n = _words(s)
    return (n >= 12 and bool(_SENTENCE_END.search(s))) or n >= 30


def _is_title_like(s: str) -> bool:
    n = _words(s)
    return 1 <= n <= 30 and (not _SENTENCE_END.search(s) or s.rstrip().endswith(("?", "!")) or n <= 12)


def _byline_author(s: str) -> str:
    """The person in a byline, without the outlet or role that may follow ("Jane Doe, Associated Press")."""
    name = re.split(r",|\s+(?:for|of|at)\s+|\s+[-–—|]\s+", s.strip(), maxsplit=1)[0]
    return name.strip()


def _is_date_line(s: str) -> bool:
    """A line that is mostly a date stamp ("– First published … March 14, 2016", "Updated 10:32 GMT")."""
    if len(s) > 160 or not _HAS_DATE.search(s):
        return False
    words = _WORD.findall(s)
    if not words or len(words) > 14:
        return False
    rest = [w for w in words if not _DATE_TOKEN.fullmatch(w)]
    return len(rest) <= 1


def _tag(u: _Unit) -> str | None:
    return u.block.tag if u.block is not None else None


def _in_main(u: _Unit) -> bool:
    return u.block is not None and u.block.main


_SHARE = re.compile(
    r"(?:\b(?:facebook|twitter|linkedin|reddit|pinterest|whatsapp|telegram|email|e-mail|print|share|tweet|"
    r"flipboard|copy link|comments?)\b[\W_]*){3,}",
    re.I,
)


def _is_nav_like(s: str) -> bool:
    """Menus, share bars and footers: several short items joined by separators, or share buttons."""
    if len(s) > 400:
        return False
    m = _SHARE.search(s)
    if m is not None and m.end() - m.start() >= 0.6 * len(s):
        return True
    parts = [p.strip() for p in re.split(r"\s+[-|•·/]\s+|\s*\|\s*", s) if p.strip()]
    if len(parts) < 3:
        return False
    return all(_words(p) <= 5 and p[:1].isupper() for p in parts)


# ---------------------------------------------------------------------------------------------------
# Units


@dataclass
class _Unit:
    start: int
    end: int
    text: str
    indent: int = 0
    gap: int = 1  # blank lines before the unit (text input)
    block: Block | None = None
    kind: str | None = None
    outlet: str | None = None
    author: str | None = None
    comment: int | None = None
    split: tuple[int, str, str | None] | None = None  # (offset, kind of the head, outlet of the head)


def _units_from_text(text: str) -> list[_Unit]:
    units: list[_Unit] = []
    prev_end = 0
    for m in re.finditer(r"[^\n]+", text):
        line = m.group()
        stripped = line.strip()
        if not stripped:
            continue
        indent = len(line) - len(line.lstrip())
        start = m.start() + indent
        end = start + len(stripped)
        gap = max(0, text.count("\n", prev_end, start) - 1) if units else 1
        units.append(_Unit(start, end, stripped, indent, gap))
        prev_end = end
    return units


def _units_from_blocks(text: str, blocks: Sequence[Block]) -> list[_Unit]:
    units: list[_Unit] = []
    for b in blocks:
        raw = text[b.start : b.end]
        stripped = raw.strip()
        if not stripped:
            continue
        start = b.start + (len(raw) - len(raw.lstrip()))
        units.append(_Unit(start, start + len(stripped), stripped, 0, 1, b))
    return units


# ---------------------------------------------------------------------------------------------------
# Comment threads


def _numbered_chain(units: Sequence[_Unit], lo: int) -> list[int]:
    """Indices of the longest run of list items numbered 1, 2, 3 … at one indent from ``lo`` on."""
    best: list[int] = []
    for i in range(lo, len(units)):
        m = _NUMBERED.match(units[i].text)
        if not m or m.group(1) != "1":
            continue
        chain = [i]
        expected = 2
        indent = units[i].indent
        for j in range(i + 1, len(units)):
            mj = _NUMBERED.match(units[j].text)
            if mj and units[j].indent == indent and int(mj.group(1)) == expected:
                chain.append(j)
                expected += 1
            elif units[j].indent < indent:
                break
        if len(chain) > len(best):
            best = chain
    return best


def _comment_zone(units: Sequence[_Unit], html: bool) -> int | None:
    """Index of the first unit of the reader-comment section, or None."""
    if html:
        for i, u in enumerate(units):
            if u.block is not None and u.block.region == "comments":
                return i
        return None
    header = next((i for i, u in enumerate(units) if _COMMENTS_HEADER.match(u.text)), None)
    closed = next((i for i, u in enumerate(units) if _COMMENTS_CLOSED.match(u.text)), None)
    chain = _numbered_chain(units, 0 if header is None else header)
    if chain:
        first = chain[0]
        strong = len(chain) >= 3 and (units[first].indent > 0 or closed is not None and closed > first)
        if strong or header is not None and len(chain) >= 2:
            if header is not None and header < first:
                return header
            return first
    if header is not None and header + 1 < len(units):
        return header
    return None


def _thread_comments(units: list[_Unit], lo: int, hi: int, html: bool) -> list[Comment]:
    """Give every unit in ``units[lo:hi]`` to a comment; return the comments with their parents.

    Text pages thread by markers and indentation: a numbered item opens a top-level comment, a bullet
    opens a reply to the comment it hangs under, and an unmarked paragraph indented deeper than the
    comment just opened continues it. HTML pages thread by the depth the reader found.
    """
    comments: list[Comment] = []
    spans: dict[int, list[int]] = {}  # comment id -> [start, end]
    # open comments, innermost last: (indent or depth, comment id, opened by a bullet)
    stack: list[tuple[int, int, bool]] = []
    last_group: int | None = None
    top_indent: int | None = None  # indent of numbered items, when the section numbers its comments

    def open_comment(u: _Unit, level: int, number: str | None, parent: int | None, bullet: bool) -> None:
        cid = len(comments) + 1
        marker = _NUMBERED.match(u.text) or _BULLET.match(u.text)
        author_m = _COMMENT_AUTHOR.match(u.text[marker.end() :] if marker else u.text)
        comments.append(Comment(cid, parent, number, author_m.group(1) if author_m else None, u.start, u.end))
        spans[cid] = [u.start, u.end]
        stack.append((level, cid, bullet))
        u.kind, u.comment = "comment", cid

    def continue_last(u: _Unit) -> None:
        cid = len(comments)
        spans[cid][1] = u.end
        u.kind, u.comment = "comment", cid

    for i in range(lo, hi):
        u = units[i]
        if _COMMENTS_CLOSED.match(u.text):
            u.kind = "comments_closed"
            continue
        if _COMMENTS_HEADER.match(u.text) and not comments:
            u.kind = "boilerplate"
            continue
        if html and u.block is not None:
            if u.block.region != "comments":
                continue
            if _COMMENT_UI.match(u.text):
                u.kind = "boilerplate"
                continue
            level = u.block.depth
            if u.block.group is not None and u.block.group == last_group and comments:
                continue_last(u)
                continue
            last_group = u.block.group
            while stack and stack[-1][0] >= level:
                stack.pop()
            open_comment(u, level, None, stack[-1][1] if stack else None, False)
            continue
        numbered = _NUMBERED.match(u.text)
        bullet = _BULLET.match(u.text)
        if numbered and (top_indent is None and not comments or u.indent == top_indent):
            top_indent = u.indent
            stack.clear()
            open_comment(u, u.indent, numbered.group(1), None, False)
            continue
        if bullet and (stack or top_indent is None):
            while stack and (stack[-1][0] > u.indent or (stack[-1][0] == u.indent and stack[-1][2])):
                stack.pop()
            open_comment(u, u.indent, None, stack[-1][1] if stack else None, True)
            continue
        while stack and stack[-1][0] >= u.indent:
            stack.pop()
        if stack and stack[-1][1] == len(comments):
            continue_last(u)
        elif top_indent is None:
            # Header-led sections: every paragraph that is not a continuation is a comment.
            open_comment(u, u.indent, None, stack[-1][1] if stack else None, False)
        else:
            u.kind = "boilerplate"
    return [
        Comment(c.id, c.parent, c.number, c.author, spans[c.id][0], spans[c.id][1]) for c in comments
    ]


# ---------------------------------------------------------------------------------------------------
# The stage


def _credit_for(u: _Unit, credits: Sequence[Credit]) -> Credit | None:
    for c in credits:
        if u.start <= c.start < u.end or c.start <= u.start < c.end:
            return c
    return None


def _mark_editor_notes(units: list[_Unit], hi: int) -> None:
    i = 0
    while i < hi:
        u = units[i]
        if u.kind is None and _EDITOR_NOTE.match(u.text):
            j = i
            if u.text.startswith(("[", "(")):
                close = "]" if u.text.startswith("[") else ")"
                while j < hi and j - i < 12 and not units[j].text.rstrip().endswith(close):
                    j += 1
                if j >= hi or j - i >= 12:
                    j = i
            sig = _SIGNATURE.search(units[j].text)
            author = sig.group(1) if sig else None
            for k in range(i, j + 1):
                units[k].kind, units[k].author = "editor_note", author
            i = j + 1
        else:
            i += 1


def _mark_repeats(units: list[_Unit], lo: int, hi: int) -> None:
    """Caption debris (truncated repeats) and duplicated related links (exact repeats)."""
    i = lo
    while i < hi:
        j = i
        while (
            j + 1 < hi
            and units[j + 1].kind is None
            and units[j].kind is None
            and units[j + 1].gap == 0
            and units[j + 1].text.startswith(units[j].text)
            and _words(units[j + 1].text) <= 40
        ):
            j += 1
        if j > i:
            exact = all(units[k].text == units[i].text for k in range(i, j + 1))
            title = _words(units[i].text) >= 4 and (
                not _SENTENCE_END.search(units[i].text) or units[i].text.endswith(("?", "!"))
            )
            kind = "related" if exact and title else "caption"
            for k in range(i, j + 1):
                units[k].kind = kind
            i = j + 1
        else:
            i += 1


def _find_headline(units: list[_Unit], title: str | None, html: bool) -> int | None:
    """The headline: the first ``h1`` (HTML), the line that repeats the given title, or the first line."""
    free = [i for i, u in enumerate(units) if u.kind is None]
    if not free:
        return None
    if html:
        headings = [i for i in free if _tag(units[i]) in ("h1", "h2", "h3")]
        if title and headings:
            # Blogs put the site's name in h1: prefer the heading the page's title repeats.
            folded = " ".join(title.split()).casefold()
            scored = [(len(units[i].text), i) for i in headings
                      if len(units[i].text) >= 8 and " ".join(units[i].text.split()).casefold() in folded]
            if scored:
                return max(scored)[1]
        h1 = [i for i in headings if _tag(units[i]) == "h1"]
        if h1:
            return h1[0]
    if title:
        wanted = " ".join(title.split()).casefold()
        for i in free:
            text = " ".join(units[i].text.split()).casefold()
            same = text == wanted or (len(text) > 12 and wanted.startswith(text))
            if text and same and _tag(units[i]) != "title":
                return i
    first = free[0]
    if not html and _is_title_like(units[first].text):
        return first
    return None


def _apply_hints(units: list[_Unit]) -> None:
    """Kinds the HTML structure already tells."""
    for u in units:
        b = u.block
        if b is None or u.kind is not None:
            continue
        if b.tag == "title":
            u.kind = "boilerplate"
        elif b.region == "caption" or b.tag == "figcaption":
            u.kind = "caption"
        elif b.region == "byline":
            bm = _BYLINE.match(u.text)
            u.kind, u.author = "byline", _byline_author(bm.group(1) if bm else u.text)
        elif b.region == "related":
            u.kind = "related"
        elif b.region in ("nav", "footer", "aside"):
            u.kind = "boilerplate"
        elif b.main and not (_is_date_line(u.text) or _RELATED.match(u.text) or _EDITOR_NOTE.match(u.text)):
            u.kind = "section_heading" if b.tag in ("h2", "h3", "h4", "h5", "h6") else "body"


@stage("layers", needs={"text", "blocks", "credits"}, adds={"layers", "comments"})
def assign_layers(doc: Document) -> Document:
    """Tile the page with layers and thread its comments."""
    text = doc.text
    html = bool(doc.blocks)
    units = _units_from_blocks(text, doc.blocks) if html else _units_from_text(text)
    if not units:
        return doc.with_annotations("layers", layers=(), comments=())
    n = len(units)

    # 1. Reader comments at the end of the page.
    zone = _comment_zone(units, html)
    hi = n if zone is None else zone
    comments = _thread_comments(units, zone, n, html) if zone is not None else []
    for u in units[hi:]:
        if u.kind is None:  # page furniture after the comments (share buttons, footers)
            u.kind = "body" if _in_main(u) else "boilerplate"
    for u in units[:hi]:
        if _COMMENTS_CLOSED.match(u.text):
            u.kind = "comments_closed"

    has_main = html and any(u.block is not None and u.block.main for u in units[:hi])
    if html:
        _apply_hints(units[:hi])

    # 2. Credits: whole credit lines, and credited datelines at the head of a paragraph.
    credits = [c for c in doc.credits if zone is None or c.start < units[zone].start]
    for u in units[:hi]:
        c = _credit_for(u, credits)
        if c is not None and u.kind == "byline":
            u.outlet = c.outlet
            continue
        if c is None or u.kind not in (None, "body"):
            continue
        match = parse_credit(u.text)
        if (match is not None and match.kind == "photo") or (_PHOTO.search(u.text) and not _is_prose(u.text)):
            u.kind = "caption"
            continue
        if match is not None and match.kind == "byline" and not _is_prose(u.text):
            bm = _BYLINE.match(u.text)
            u.kind, u.outlet = "byline", c.outlet
            u.author = _byline_author(bm.group(1)) if bm else None
            continue
        head = text[u.start : c.start].strip()
        tail = text[c.end : u.end].strip()
        if not head and (not tail or _words(tail) <= 2):
            u.kind, u.outlet = "credit", c.outlet
        elif not head:
            u.kind, u.split = "body", (c.end, "credit", c.outlet)
            u.outlet = c.outlet
        elif not tail or _words(tail) <= 2:
            u.kind, u.split = "credit", (c.start, "body", None)
            u.outlet = c.outlet

    # 3. Editor's notes, headline, and the header zone before the first prose paragraph.
    _mark_editor_notes(units, hi)
    headline = _find_headline(units[:hi], doc.title, html)
    if headline is not None:
        units[headline].kind = "headline"
        # A heading right under the headline, before any prose, is its subheadline (HTML: the
        # extractor may have counted it into the main text as a section heading).
        nxt = headline + 1
        if nxt < hi and _tag(units[nxt]) in ("h2", "h3", "h4", "p") and _is_title_like(units[nxt].text) \
                and not _is_prose(units[nxt].text) and units[nxt].kind in (None, "section_heading"):
            units[nxt].kind = "subheadline"
    main_idx = [i for i in range(hi) if _in_main(units[i])]
    if has_main:
        body_start = main_idx[0]
    else:
        body_start = next(
            (i for i in range(hi) if units[i].kind in (None, "body") and _is_prose(units[i].text)), hi
        )
    _mark_repeats(units, 0, hi)

    # 4. The trailer between the last body paragraph and the comments: disclaimers and footers.
    body_end = main_idx[-1] + 1 if has_main else hi
    for i in range(hi - 1 if not has_main else -1, body_start - 1, -1):
        u = units[i]
        if u.kind in ("credit", "comments_closed", "caption", "related"):
            continue
        if u.kind not in (None, "body"):
            continue
        if u.kind is None and _RELATED.match(u.text):
            u.kind = "related"
            continue
        if _BOILERPLATE.search(u.text) or _is_nav_like(u.text) or not _is_prose(u.text):
            if u.kind is None or not has_main:
                u.kind = "boilerplate"
            continue
        body_end = i + 1
        break

    # 5. Everything else, by position and shape.
    seen_subheadline = False
    for i in range(hi):
        u = units[i]
        if u.kind is not None:
            continue
        t = u.text
        if _COMMENTS_CLOSED.match(t):
            u.kind = "comments_closed"
        elif _RELATED.match(t):
            u.kind = "related"
        elif _is_date_line(t):
            u.kind = "dateline"
        elif (bm := _BYLINE.match(t)) and _words(t) <= 12:
            u.kind, u.author = "byline", _byline_author(bm.group(1))
        elif i < body_start and _UPPER_NAME.match(t):
            u.kind, u.author = "byline", t.title()
        elif (_words(t) <= 12 and _BOILERPLATE.search(t)) or _is_nav_like(t):
            u.kind = "boilerplate"
        elif i < body_start:
            after_headline = headline is None or i > headline
            if _is_title_like(t) and not seen_subheadline and after_headline:
                u.kind, seen_subheadline = "subheadline", True
            elif _is_title_like(t) and after_headline:
                u.kind = "caption"
            elif not after_headline:
                u.kind = "boilerplate"
            else:
                u.kind = "body"
        elif i >= body_end:
            u.kind = "boilerplate"
        elif (
            _is_title_like(t)
            and not _SENTENCE_END.search(t)
            and _words(t) <= 14
            and (u.gap >= 1 or html)
            and i + 1 < hi
            and _is_prose(units[i + 1].text)
        ):
            u.kind = "section_heading"
        else:
            u.kind = "body"
        if has_main and u.kind in ("body", "section_heading", "caption") and not _in_main(u):
            # The extractor judged this block not part of the article.
            u.kind = "boilerplate"
    for u in units[:hi]:
        if u.kind == "body" and u.split is None and (d := parse_dateline(u.text)) is not None:
            end = d[2]
            if 0 < end < len(u.text) and _words(u.text[end:]) >= 3:
                u.split = (u.start + end, "dateline", None)

    # 6. Outlets: a credit speaks for the body that follows it; a trailing credit for the body before it.
    _attribute_outlets(units[:hi], doc.outlet)

    layers = _to_layers(units, text)
    return doc.with_annotations("layers", layers=tuple(layers), comments=tuple(comments))


def _attribute_outlets(units: list[_Unit], default: str | None) -> None:
    current: str | None = None
    pending: list[_Unit] = []  # body units with no credit before them
    for u in units:
        head_credit = u.split is not None and u.split[1] == "credit"
        if u.kind == "credit" or (u.kind == "byline" and u.outlet) or head_credit:
            outlet = u.split[2] if head_credit and u.split is not None else u.outlet
            if current is None and pending:
                for p in pending:
                    p.outlet = outlet
                pending = []
            current = outlet
            if u.kind in ("credit", "byline"):
                continue
        if u.kind in ("body", "section_heading"):
            if current is not None:
                u.outlet = current
            else:
                pending.append(u)
        elif u.kind not in ("credit",):
            u.outlet = None
    for p in pending:
        p.outlet = default


def _trim(p: Layer, t: str) -> Layer | None:
    """Shrink a layer to its non-space characters (split points may leave a space at either end)."""
    start, end = p.start, p.end
    while start < end and t[start].isspace():
        start += 1
    while end > start and t[end - 1].isspace():
        end -= 1
    if start >= end:
        return None
    return Layer(p.kind, start, end, p.outlet, p.author, p.comment)


def _to_layers(units: list[_Unit], text: str) -> list[Layer]:
    pieces: list[Layer] = []
    for u in units:
        kind = u.kind or "body"
        if u.split is not None:
            at, head_kind, head_outlet = u.split
            if head_kind == "body":
                # "... — Reuters": body first, credit after
                pieces.append(Layer("body", u.start, at, u.outlet, None, None))
                pieces.append(Layer("credit", at, u.end, u.outlet, None, None))
            else:
                pieces.append(Layer(head_kind, u.start, at, head_outlet, None, None))
                pieces.append(Layer(kind, at, u.end, u.outlet, u.author, u.comment))
        else:
            pieces.append(Layer(kind, u.start, u.end, u.outlet, u.author, u.comment))
    merged: list[Layer] = []
    for p in pieces:
        trimmed = _trim(p, text)
        if trimmed is None:
            continue
        p = trimmed
        if (
            merged
            and merged[-1].kind == p.kind
            and p.kind not in ("headline", "credit")
            and merged[-1].outlet == p.outlet
            and merged[-1].author == p.author
            and merged[-1].comment == p.comment
        ):
            last = merged[-1]
            merged[-1] = Layer(last.kind, last.start, p.end, last.outlet, last.author, last.comment)
        else:
            merged.append(p)
    return merged
