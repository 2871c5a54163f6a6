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
from .bylines import strip_lead
from .shown_dates import find_shown_date, strip_joiners
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
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b")  # "@ 13:04", "um 11:07"
_PINGBACK = re.compile(r"^(?:pingback|trackback)\b", re.I)
_MAX_NAME_WORDS = 5  # a writer's name or handle
_MAX_HEAD_WORDS = 16  # a head line: name, date, time, "Reply", "Permalink"
_MAX_TAIL_WORDS = 8  # after the date: the time, "said:", "[ reply ]", "Permalink"
_MAX_HEAD_GAP = 60  # lines between two heads of one section
_INDENT_SLACK = 2  # a comment's text may sit a little left of its head (a renderer's list indent)


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


def _signature(s: str) -> bool:
    """A comment's signature line: "Comment by Name — 17.07, 2011 @ 13:04", "Posted by X on DATE"."""
    t = tl.strip_marker(s).strip()
    return tl.words(t) <= _MAX_HEAD_WORDS and tl.anywhere("comment_signature").match(t) is not None \
        and (tl.has_date(t) or _CLOCK.search(t) is not None or find_shown_date(t) is not None)


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
        # "Comment by Name — 17.07, 2011 @ 13:04" under each item: the writer signs after the text
        ends = [*chain[1:], min(n, chain[-1] + _MAX_HEAD_GAP // 4)]
        signed = sum(any(_signature(units[j].text) for j in range(i + 1, end)) for i, end in zip(chain, ends,
                                                                                                strict=True))
        if closed is not None and closed > first and 2 * said >= len(chain) or marked >= 2 or signed >= 2:
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
    if not html:
        heads, _ = _section_heads(units, lo, hi)
        if heads:
            return _thread_by_heads(units, lo, hi, heads)
    replies = sum(1 for u in units[lo:hi] if _reply_button(u.text) or _marked(u))
    if not html and replies < 2 and marked_comment_zone(units, lo) is None:
        for u in units[lo:hi]:  # a header with nothing that shows comments under it ("0 Comments")
            u.kind = "comments_closed" if COMMENTS_CLOSED.match(u.text) else "boilerplate"
        return []
    comments: list[Comment] = []
    spans: dict[int, list[int]] = {}  # comment id -> [start, end]
    # open comments, innermost last: (indent or depth, comment id, opened by a bullet)
    stack: list[tuple[int, int, bool]] = []
    last_group: int | None = None
    top_indent: int | None = None  # indent of numbered items, when the section numbers its comments
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
        # A bullet's own paragraphs may sit at the bullet's indent; a numbered item's sit deeper.
        while stack and (stack[-1][0] > u.indent or (stack[-1][0] == u.indent and not stack[-1][2])):
            stack.pop()
        if stack and stack[-1][1] == len(comments) and not ended:
            continue_last(u)
        elif top_indent is None and _says_something(u.text) and (html or replies >= 2):
            # Header-led sections: every paragraph that is not a continuation is a comment (in text,
            # when "Reply" buttons or "Name says:" show that comments are there).
            open_comment(u, u.indent, None, stack[-1][1] if stack else None, False)
        else:
            u.kind = "boilerplate"
    return [
        Comment(c.id, c.parent, c.number, c.author, spans[c.id][0], spans[c.id][1]) for c in comments
    ]


def _reply_button(s: str) -> bool:
    """A comment's own button line ("Reply", "Antworten", "Like Report")."""
    t = tl.strip_marker(s).strip()
    return tl.words(t) <= 3 and tl.whole("comment_ui").match(t) is not None


def _says_something(s: str) -> bool:
    """A comment's paragraph (not a footer link): a sentence, or several words."""
    return tl.words(s) >= 6 or bool(tl.SENTENCE_END.search(s)) or bool(re.search(r"[^\w\s.,;:'\"()-]$", s))


def _name_like(s: str) -> bool:
    """A writer's name or handle alone on a line: a few words, no sentence, no furniture, no date."""
    t = s.strip(" ·|-–—,/@")
    n = tl.words(t)
    return (1 <= n <= _MAX_NAME_WORDS and not t.endswith(":") and not tl.SENTENCE_END.search(t)
            and not _furniture(t) and not tl.has_date(t) and not is_comments_header(t)
            and not tl.is_related_header(t))


def _stamp(s: str) -> bool:
    """A line that is a time stamp ("August 8, 2018 at 3:17 pm", "2 days ago at 07:52 am")."""
    t = tl.strip_marker(s).strip()
    if tl.words(t) > 12 or tl.SENTENCE_END.search(t.rstrip(".")):
        return False
    found = find_shown_date(t)
    if found is not None:
        return tl.words(t[: found.start]) <= 2 and tl.words(t[found.end :]) <= _MAX_TAIL_WORDS
    return tl.has_date(t)


def _head_name(text: str) -> str | None:
    """The writer in a one-line comment head ("Mary Berg 19. Juni 2019 um 11:07", "jdoe / 22.04.2020")."""
    t = tl.strip_marker(text).strip()
    if tl.words(t) > _MAX_HEAD_WORDS:
        return None
    found = find_shown_date(t)
    if found is None or tl.words(t[found.end :]) > _MAX_TAIL_WORDS:
        return None
    name = strip_lead(strip_joiners(" " + t[: found.start])).strip(" :·|-–—,/@")
    return name if _name_like(name) else None


def _is_head(units: Sequence[Unit], i: int) -> bool:
    """A comment's head: "name says:", a name and a full date on one line, or a name over a stamp."""
    u = units[i]
    t = tl.strip_marker(u.text).strip()
    if _PINGBACK.match(t) or u.text.startswith(("—", "–")) or "(@" in t:
        return False  # (a pingback; a post quoted from a social network: "— Name (@name) May 3, 2019")
    if (_marked(u) and tl.words(t) <= 12) or _head_name(t) is not None:
        return True
    return i + 1 < len(units) and _name_like(t) and _stamp(units[i + 1].text)


def _head_author(units: Sequence[Unit], i: int) -> str | None:
    t = tl.strip_marker(units[i].text).strip()
    return _author(t) or _head_name(t) or (t.strip(" :·|-–—,/@") if _name_like(t) else None)


def _comment_text(s: str) -> bool:
    """A line of a comment's text: a sentence, a long line, or a short exclamation ("Danke!")."""
    n = tl.words(s)
    return tl.is_prose(s) or tl.is_sentence(s) or n >= 15 or (
        1 <= n <= 4 and tl.SENTENCE_END.search(s) is not None and not tl.is_furniture(s)
    )


def _heads(units: Sequence[Unit], lo: int, hi: int) -> list[int]:
    """The comment heads in ``units[lo:hi]``: heads with a comment's text after them (teaser cards and
    link lists show names and dates too, over headlines), in the first run of heads close together."""
    found = [i for i in range(lo, hi) if _is_head(units, i)]
    if sum(tl.has_marker(units[i].text) for i in found) >= 2:
        # heads that are list items: an unmarked one is a quote inside a comment
        found = [i for i in found if tl.has_marker(units[i].text)]
    said = []
    for k, i in enumerate(found):
        nxt = found[k + 1] if k + 1 < len(found) else min(hi, i + _MAX_HEAD_GAP)
        window = [units[j].text for j in range(i + 1, nxt)]
        if any(_comment_text(t) and not _furniture(t) for t in window) \
                and not any(map(tl.is_read_more, window)):
            said.append(i)  # (a teaser card ends in "Continue reading")
    for k in range(1, len(said)):
        if said[k] - said[k - 1] > _MAX_HEAD_GAP:
            said = said[:k]
            break
    # (heads between them stay heads: a comment may open with a quote of another one's head)
    return [i for i in found if said and said[0] <= i <= said[-1]]


def _names_comments(s: str) -> bool:
    """A short line that names a comment section ("33 LESER-KOMMENTARE", "45 Gedanken zu …")."""
    return tl.words(s) <= 14 and tl.anywhere("comment_words").search(s) is not None and not tl.is_share(s) \
        and not tl.is_nav_like(s)


def _section_heads(units: Sequence[Unit], lo: int, hi: int) -> tuple[list[int], int | None]:
    """The heads of a comment section in ``units[lo:hi]`` and where the section starts, when the page
    shows that they are comments: a line naming comments above the first head, two "Reply" buttons
    among them, or two "Name says:" heads. Teaser cards show names and dates over text too."""
    heads = _heads(units, lo, hi)
    if not heads:
        return [], None
    first = heads[0]
    named = next((k for k in range(first - 1, max(lo - 1, first - 11), -1) if _names_comments(units[k].text)),
                 None)
    end = min(hi, heads[-1] + _MAX_HEAD_GAP // 4)
    replies = sum(1 for u in units[first:end] if _reply_button(u.text))
    said = sum(1 for i in heads if _marked(units[i]))
    if named is not None:
        return heads, named
    if len(heads) >= 2 and (replies >= 2 or said >= 2):
        return heads, _header_before(units, first)
    return [], None


def head_comment_zone(units: Sequence[Unit], lo: int, min_heads: int = 1) -> int | None:
    """A comment section shown by at least ``min_heads`` heads from ``lo`` on (see ``_section_heads``)."""
    heads, zone = _section_heads(units, lo, len(units))
    return zone if len(heads) >= min_heads else None


def _thread_by_heads(units: list[Unit], lo: int, hi: int, heads: Sequence[int]) -> list[Comment]:
    """One comment per head: the head and the lines after it up to the next head, a button, a header,
    or a line set further left than the heads (the page's furniture). Deeper heads answer the head
    above them."""
    comments: list[Comment] = []
    spans: dict[int, list[int]] = {}
    stack: list[tuple[int, int]] = []  # (indent, comment id), innermost last
    floor = min(units[i].indent for i in heads)
    at = set(heads)
    open_ = False
    for i in range(lo, hi):
        u = units[i]
        if i in at:
            while stack and stack[-1][0] >= u.indent - 1:
                stack.pop()
            cid = len(comments) + 1
            numbered = _NUMBERED.match(u.text)  # (sections that number their top-level comments)
            number = numbered.group(1) if numbered else None
            comments.append(Comment(cid, stack[-1][1] if stack else None, number, _head_author(units, i),
                                    u.start, u.end))
            spans[cid] = [u.start, u.end]
            stack.append((u.indent, cid))
            u.kind, u.comment, open_ = "comment", cid, True
            continue
        if COMMENTS_CLOSED.match(u.text):
            u.kind, open_ = "comments_closed", False
            continue
        t = u.text
        if open_ and u.indent >= floor - _INDENT_SLACK and not _furniture(t) and not is_comments_header(t) \
                and not tl.is_related_header(t) and not _PINGBACK.match(tl.strip_marker(t)):
            cid = len(comments)
            spans[cid][1] = u.end
            u.kind, u.comment = "comment", cid
        else:
            u.kind, open_ = "boilerplate", False
    return [Comment(c.id, c.parent, c.number, c.author, spans[c.id][0], spans[c.id][1]) for c in comments]


def _furniture(s: str) -> bool:
    """Buttons and footers inside or after a text comment section (never a comment of their own)."""
    return tl.is_comment_ui(s) or tl.is_furniture(s) or tl.is_nav_like(s) or (
        tl.words(s) <= 12 and tl.is_boilerplate(s)
    )
