"""Reader comments of an HTML page, threaded by its markup.

The reader marks every block of the comment section (``region == "comments"``), groups the blocks of
one comment (``group``), gives its nesting level (``depth``) and tags the blocks that name a comment's
writer and time (``comment-author``, ``comment-date``). A block of the section outside every comment
(the "12 thoughts on …" header, the reply form, "Load more") is furniture, not a comment, whenever the
section has comment items at all. Sections without item markup are cut at the blocks that show a
writer or a time ("Anna Berg – May 3, 2019 at 6:34 am"), each opening a comment.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..model import Comment
from . import text_lines as tl
from .bylines import strip_badge, strip_lead
from .dates import shown_date
from .shown_dates import months, name_and_date, strip_joiners, weekdays
from .threads import COMMENT_AUTHOR, COMMENTS_CLOSED, is_comments_header
from .units import Unit

# "Mary says:", "Mary sagt:", "Mary wrote on 3 May:": the name is what comes before the verb.
_SAYS = re.compile(
    r"^(.{1,60}?)\s+(?:says|said|wrote|writes|sagt|schreibt|meint|dit|dice|disse|zegt)\b.{0,40}:?\s*$", re.I
)
_FORM_TAGS = frozenset({"label", "button", "input", "textarea", "legend", "option"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_MAX_AUTHOR_WORDS = 6


def _author_name(text: str) -> str | None:
    """The writer's name from a comment head ("Michael says:", "Par Bruno Gobin", "Martina Berg Autor")."""
    t = " ".join(text.split())
    m = _SAYS.match(t)
    name = strip_badge(strip_lead(m.group(1) if m else t).strip(" :·|-–—,"))
    if not name or len(name.split()) > _MAX_AUTHOR_WORDS:
        return None
    return name


def shows_writer_or_time(text: str) -> bool:
    """A block that says who wrote a comment or when ("Anna says:", "May 3, 2019 at 6:34 am")."""
    flat = " ".join(text.split())
    if COMMENT_AUTHOR.match(flat) is not None or (tl.words(flat) <= 10 and _SAYS.match(flat) is not None):
        return True
    return tl.words(flat) <= 12 and shown_date(flat) is not None


def _name_before_time(text: str) -> str | None:
    """The writer in a date line that shows no full date: its own first line ("Karol\n1 ano atrás"),
    else the words before the first number, month or weekday ("carlos Le 9 janvier à 13:06")."""
    lines = [x.strip() for x in text.splitlines() if x.strip()]
    if len(lines) > 1 and 1 <= tl.words(lines[0]) <= 4 and not any(ch.isdigit() for ch in lines[0]):
        return lines[0]
    calendar = months() | weekdays()
    toks = text.split()
    for i, t in enumerate(toks):
        if t[:1].isdigit() or t.rstrip(".,").casefold() in calendar:
            head = strip_joiners(" ".join(toks[:i]))
            return head if 1 <= tl.words(head) <= 4 else None
    return None


def thread_html_comments(units: list[Unit], lo: int, hi: int, *, marked: bool = True) -> list[Comment]:
    """Give the comment blocks of ``units[lo:hi]`` to comments (other blocks are left unassigned).

    ``marked``: only blocks the reader put in the comment region; else every block of the span (a
    section the markup does not name, found by its text).
    """
    section = [
        u for u in units[lo:hi] if u.block is not None and (u.block.region == "comments" or not marked)
    ]
    itemised = any(u.block is not None and u.block.group is not None for u in section)
    if not itemised and sum(shows_writer_or_time(u.text) for u in section) < 2:
        # No comment items and no "X says:" or dates: a reply form, "No comments yet", a notice.
        for u in section:
            u.kind = "comments_closed" if COMMENTS_CLOSED.match(u.text) else "boilerplate"
        return []
    comments: list[Comment] = []
    stack: list[tuple[int, int]] = []  # open comments, innermost last: (depth, id)
    last_group: int | None = None
    by_heads = not itemised  # no item markup: a block showing a writer or a time opens a comment
    prev_head = False
    for u in section:
        b = u.block
        assert b is not None
        if COMMENTS_CLOSED.match(u.text):
            u.kind = "comments_closed"
            continue
        if by_heads:
            head = shows_writer_or_time(u.text)
            if not comments and not head:
                u.kind = "boilerplate"  # before the first head: the section's title, its counter
                continue
            if comments and (not head or prev_head) and not tl.is_comment_ui(u.text):
                c = comments[-1]
                comments[-1] = _with_head(replace(c, end=u.end), u) if head else replace(c, end=u.end)
                u.kind, u.comment = "comment", c.id
                prev_head = head
                continue
            prev_head = head
        furniture = (
            b.tag in ("comment-actions", "comment-linkback")
            or tl.is_comment_ui(u.text)
            or b.tag in _FORM_TAGS
            or (itemised and b.group is None)
            or (not comments and b.group is None and (is_comments_header(u.text) or b.tag in _HEADINGS))
        )
        if furniture:
            u.kind = "boilerplate"
            last_group = None
            continue
        if comments and b.group is not None and b.group == last_group:
            c = comments[-1]
            comments[-1] = _with_part(replace(c, end=u.end), u)
            u.kind, u.comment = "comment", c.id
            continue
        last_group = b.group
        while stack and stack[-1][0] >= b.depth:
            stack.pop()
        cid = len(comments) + 1
        parent = stack[-1][1] if stack else None
        opened = Comment(cid, parent, None, None, u.start, u.end)
        comments.append(_with_head(opened, u) if by_heads else _with_part(opened, u))
        stack.append((b.depth, cid))
        u.kind, u.comment = "comment", cid
    return comments


def _with_head(c: Comment, u: Unit) -> Comment:
    """The comment with the writer and day a head line shows ("bollwerk 17 September 2020 15:03")."""
    flat = " ".join(u.text.split())
    if c.author is None and (m := COMMENT_AUTHOR.match(flat)) is not None:
        return replace(c, author=m.group(1))
    name, day = name_and_date(flat)
    if c.author is None and day is not None and name:
        c = replace(c, author=_author_name(name))
    elif c.author is None and _SAYS.match(flat) and tl.words(flat) <= 10:
        c = replace(c, author=_author_name(flat))
    return c if c.date is not None or day is None else replace(c, date=day)


def _with_part(c: Comment, u: Unit) -> Comment:
    """The comment with the writer or the day this block shows, if it shows one and none is known."""
    tag = u.block.tag if u.block is not None else None
    if tag == "comment-author" and c.author is None:
        flat = " ".join(u.text.split())
        name, day = name_and_date(flat)
        c = replace(c, author=_author_name(name))
        return c if c.date is not None else replace(c, date=day)
    if tag == "comment-date" and (c.date is None or c.author is None):
        # "gabriel sempéré Le 11 septembre 2018", "Karol\n1 ano atrás": some sites put the writer
        # in the date line
        name, day = name_and_date(" ".join(u.text.split()))
        if c.author is None and (writer := name if day is not None else _name_before_time(u.text)):
            c = replace(c, author=_author_name(writer))
        return c if c.date is not None else replace(c, date=day)
    if c.author is None and c.start == u.start:
        flat = " ".join(u.text.split())
        if (m := COMMENT_AUTHOR.match(flat)) is not None:  # "Anna says: Our street …"
            return replace(c, author=m.group(1))
        if tl.words(flat) <= 10 and _SAYS.match(flat):
            return replace(c, author=_author_name(flat))
        if tl.words(flat) <= 16:  # a head line opening the item: "Par Bruno Gobin, le 15 mai 2019 à 08h07"
            name, day = name_and_date(flat)
            if day is not None:
                return replace(c, author=_author_name(name) if name else None, date=c.date or day)
    return c
