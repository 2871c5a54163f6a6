"""Reader comments: where the comment section starts and which comment answers which.

Text pages show comments by markers (a "3 Comments" header, numbered items, "X says:", "Reply"
buttons, "Comments are closed.") and by indentation; HTML pages by the region and depth the reader
found. A numbered list alone is not a comment section (articles and "most read" boxes number things
too): it needs a header before it, "closed" after it, or comment markers on its items.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..model import Comment
from . import text_lines as tl
from .units import Unit

COMMENTS_CLOSED = re.compile(
    r"^(?:comments?\s+(?:are|is)\s+(?:now\s+)?closed|comments?\s+closed|commenting\s+(?:is\s+)?"
    r"(?:closed|disabled)|comments?\s+for\s+this\s+\w+\s+(?:are|is)\s+(?:now\s+)?closed)\b",
    re.I,
)
_COMMENTS_HEADER = re.compile(
    r"^(?:\d+\s+)?(?:comments?|responses?|replies|reader comments|discussion|join the discussion|"
    r"leave a (?:reply|comment)|what do you think\??)\s*(?:\(\d+\))?\s*:?$",
    re.I,
)
COMMENT_AUTHOR = re.compile(
    r"^([A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}(?:\s*\([^()\n]{1,40}\))?)"
    r"\s+(?:on\s+[^\n]{4,40}?\s+)?(?:says|said|wrote|writes)\s*:",
    re.U,
)
# "jdoe42 says:", "Mary K. wrote on May 3, 2019 at 6:34 am:" – a comment's head line of its own.
_SAYS_LINE = re.compile(
    r"^(\S+(?:\s+\S+){0,3}?)\s+(?:says|said|wrote|writes|sagt|schreibt|disse|dice|dit)\b[^\n]{0,40}:$", re.I
)
# "34 responses to “Headline”", "12 thoughts on “Headline”"
_COUNT_HEADER = re.compile(r"^\d+\s+(?:comments?|responses?|replies|thoughts|reactions)\s+(?:to|on)\s", re.I)
_NUMBERED = tl.NUMBERED
_BULLET = tl.BULLET


def is_comments_header(s: str) -> bool:
    """ "3 Comments", "Leave a Reply": not a list item (menus and share bars list "Comments")."""
    if s.strip(" :").casefold() == "comment":  # a button, not a section
        return False
    return (
        _COMMENTS_HEADER.match(s) is not None
        or (_COUNT_HEADER.match(s) is not None and tl.words(s) <= 30)
        or (not tl.has_marker(s) and tl.is_comment_header(s))
    )


def _numbered_chain(units: Sequence[Unit], lo: int) -> list[int]:
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
            if mj and abs(units[j].indent - indent) <= 2 and int(mj.group(1)) == expected:
                chain.append(j)
                expected += 1
            elif units[j].indent < indent:
                break
        if len(chain) > len(best):
            best = chain
    return best


def _marked(u: Unit) -> bool:
    """A line that opens a comment: "Name says: …" or "name says:" alone."""
    t = u.text
    m = _NUMBERED.match(t) or _BULLET.match(t)
    rest = t[m.end() :] if m else t
    return COMMENT_AUTHOR.match(rest) is not None or _SAYS_LINE.match(rest) is not None


def _author(text: str) -> str | None:
    m = COMMENT_AUTHOR.match(text) or _SAYS_LINE.match(text)
    return m.group(1) if m else None


def _header_before(units: Sequence[Unit], i: int) -> int:
    """``i``, or the comment header just above it ("3 Comments", "Leave a Reply")."""
    for k in range(i - 1, max(-1, i - 4), -1):
        if is_comments_header(units[k].text):
            return k
    return i


def marked_comment_zone(units: Sequence[Unit], lo: int = 0) -> int | None:
    """The first unit of a comment section that shows itself, from ``lo`` on: "34 responses to …",
    numbered items closed by "Comments are closed." or opened by "Name says:", or such lines alone."""
    n = len(units)
    counted = next((i for i in range(lo, n) if _COUNT_HEADER.match(t := units[i].text) and tl.words(t) <= 30),
                   None)
    closed = next((i for i in range(lo, n) if COMMENTS_CLOSED.match(units[i].text)), None)
    found: list[int] = [] if counted is None or counted + 1 >= n else [counted]
    chain = _numbered_chain(units, lo)
    if len(chain) >= 3:
        first = chain[0]
        marked = sum(_marked(units[i]) for i in chain)
        # Numbered headings of an article are not comments: comments say something.
        said = sum(tl.is_prose(units[i].text) or tl.is_sentence(units[i].text) for i in chain)
        if closed is not None and closed > first and 2 * said >= len(chain) or marked >= 2:
            found.append(_header_before(units, first))
    marks = [i for i in range(lo, n) if _marked(units[i])]
    if len(marks) >= 2:
        found.append(_header_before(units, marks[0]))
    return min(found) if found else None


def header_comment_zone(units: Sequence[Unit], lo: int) -> int | None:
    """A comment section under a bare header ("Comments", "Leave a Reply") from ``lo`` on."""
    return next(
        (i for i in range(lo, len(units) - 1) if is_comments_header(units[i].text)), None
    )


def text_comment_zone(units: Sequence[Unit], lo: int = 0, header_lo: int = 0) -> int | None:
    """The first unit of a comment section shown by its text: marked comments from ``lo`` on, a bare
    header from ``header_lo`` on (whichever comes first), or None."""
    found = [z for z in (marked_comment_zone(units, lo), header_comment_zone(units, max(lo, header_lo)))
             if z is not None]
    return min(found) if found else None


def thread_comments(units: list[Unit], lo: int, hi: int, html: bool) -> list[Comment]:
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
    # Sections whose comments open with a head ("Name says:", or a name over a date): the lines up to
    # the next head follow it.
    heads = {i for i in range(lo, hi) if not html and _is_head(units, i)}
    by_heads = len(heads) >= 2
    closed = False  # "Comments are closed." ends a text section
    ended = False  # a line that says nothing after a comment (a footer): the comment has ended

    def open_comment(u: Unit, level: int, number: str | None, parent: int | None, bullet: bool) -> None:
        nonlocal ended
        ended = False
        cid = len(comments) + 1
        marker = _NUMBERED.match(u.text) or _BULLET.match(u.text)
        author = _author(u.text[marker.end() :] if marker else u.text)
        comments.append(Comment(cid, parent, number, author, u.start, u.end))
        spans[cid] = [u.start, u.end]
        stack.append((level, cid, bullet))
        u.kind, u.comment = "comment", cid

    def continue_last(u: Unit) -> None:
        cid = len(comments)
        spans[cid][1] = u.end
        u.kind, u.comment = "comment", cid

    for i in range(lo, hi):
        u = units[i]
        if COMMENTS_CLOSED.match(u.text):
            u.kind, closed = "comments_closed", not html
            continue
        if closed:
            u.kind = "boilerplate"
            continue
        if is_comments_header(u.text) and not comments:
            u.kind = "boilerplate"
            continue
        if html and u.block is not None:
            if u.block.region != "comments":
                continue
            if tl.is_comment_ui(u.text):
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
        if not html and top_indent is not None and u.indent < top_indent - 2:
            closed = True  # numbered comments sit deeper than the sidebars and footers after them
            u.kind = "boilerplate"
            continue
        if not html and _furniture(u.text):
            u.kind, ended = "boilerplate", True  # (a Reply button or a footer: the comment is over)
            continue
        numbered = _NUMBERED.match(u.text)
        bullet = _BULLET.match(u.text)
        # (renderers right-align numbers: "9." and "10." may start one column apart)
        if numbered and (top_indent is None and not comments or top_indent is not None
                         and abs(u.indent - top_indent) <= 2):
            top_indent = u.indent
            stack.clear()
            open_comment(u, u.indent, numbered.group(1), None, False)
            continue
        if bullet and (stack or top_indent is None):
            while stack and (stack[-1][0] > u.indent or (stack[-1][0] == u.indent and stack[-1][2])):
                stack.pop()
            open_comment(u, u.indent, None, stack[-1][1] if stack else None, True)
            continue
        if by_heads and top_indent is None:
            if i in heads and top_indent is None:
                stack.clear()
                open_comment(u, u.indent, None, None, False)
                ended = False
            elif comments and not ended and (_says_something(u.text) or tl.has_date(u.text)):
                continue_last(u)
            else:
                u.kind, ended = "boilerplate", True
            continue
        # A bullet's own paragraphs may sit at the bullet's indent; a numbered item's sit deeper.
        while stack and (stack[-1][0] > u.indent or (stack[-1][0] == u.indent and not stack[-1][2])):
            stack.pop()
        if stack and stack[-1][1] == len(comments) and not ended:
            continue_last(u)
        elif top_indent is None and _says_something(u.text):
            # Header-led sections: every paragraph that is not a continuation is a comment.
            open_comment(u, u.indent, None, stack[-1][1] if stack else None, False)
        else:
            u.kind = "boilerplate"
    return [
        Comment(c.id, c.parent, c.number, c.author, spans[c.id][0], spans[c.id][1]) for c in comments
    ]


def _says_something(s: str) -> bool:
    """A comment's paragraph (not a footer link): a sentence, or several words."""
    return tl.words(s) >= 6 or bool(tl.SENTENCE_END.search(s)) or bool(re.search(r"[^\w\s.,;:'\"()-]$", s))


def _is_head(units: Sequence[Unit], i: int) -> bool:
    """A comment's head: "name says:", or a short name line over a date line."""
    u = units[i]
    if _marked(u):
        return True
    t = tl.strip_marker(u.text)
    if tl.words(t) > 5 or tl.SENTENCE_END.search(t) or tl.has_date(t) or i + 1 >= len(units):
        return False
    nxt = tl.strip_marker(units[i + 1].text)
    return tl.has_date(nxt) and tl.words(nxt) <= 12 and not tl.SENTENCE_END.search(nxt.rstrip(".")) and \
        not _furniture(t)


def _furniture(s: str) -> bool:
    """Buttons and footers inside or after a text comment section (never a comment of their own)."""
    return tl.is_comment_ui(s) or tl.is_furniture(s) or tl.is_nav_like(s) or (
        tl.words(s) <= 12 and tl.is_boilerplate(s)
    )
