"""Page anatomy: which part of a page is headline, caption, editor's note, body, boilerplate or comment.

Scraped pages arrive as flat text (where only line shapes, indentation, repetition and vocabulary are
left) or as HTML (where the reader also marks each block's tag and region). Both are cut into *units*
(a line, or a block) and every unit gets exactly one kind, so the layers tile the page. Credits found by
the credits stage decide which outlet each body section belongs to.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..model import Comment, Credit, Document, Layer
from ..pipeline import stage
from . import text_lines as tl
from .bylines import byline_names, strip_lead
from .captions import is_picture_credit
from .credits import parse_credit, parse_dateline
from .headline import choose_html_headline
from .html_threads import shows_writer_or_time, thread_html_comments
from .shown_dates import name_and_date
from .text_body import text_zones
from .text_captions import mark_text_captions
from .text_headline import choose_headline
from .text_related import mark_related_boxes, mark_related_runs
from .threads import COMMENTS_CLOSED, text_comment_zone, thread_comments
from .units import Unit as _Unit
from .units import units_from_blocks, units_from_text

# ---------------------------------------------------------------------------------------------------
# Line shapes and vocabulary (generic: nothing here names a site, a person or a story)

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_SENTENCE_END = tl.SENTENCE_END
_EDITOR_NOTE = re.compile(
    r"""^[\[(]?\s*(?:editor['’]?s?['’]?|ed\.|publisher['’]?s?['’]?|author['’]?s?['’]?)\s*note\b"""
    r"""|^\[?\s*update\s*:""",
    re.I,
)
_SIGNATURE = re.compile(
    r"""(?:(?<=[a-z])|(?<=[.!?…"”’]\s)|(?<=[.!?…"”’])|(?<=[-–—~]\s)|(?<=\n))"""
    r"""([A-Z][a-z]+(?:\s+[A-Z]\.)*(?:\s+[A-Z][a-z'’-]+){1,2})\s*[\])]?\s*$"""
)
# A reporter's name alone on a line in capitals, as wire pages print bylines ("JANIE HAR").
_UPPER_NAME = re.compile(r"^[A-Z][A-Z'’.-]+(?:\s+[A-Z]\.?)?(?:\s+[A-Z][A-Z'’-]+){1,2}$")
_RELATED = tl.RELATED_LEAD
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


_words = tl.words
_is_prose = tl.is_prose
_is_title_like = tl.is_title_like


def _name_over_date(s: str) -> str | None:
    """The names of a short line that is a writer's name and the day ("Martina Berg 19. Juni 2019")."""
    if _words(s) > 10:
        return None
    head, day = name_and_date(" ".join(s.split()))
    return byline_names(head) if day is not None and head and _words(head) <= 4 else None


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


_is_nav_like = tl.is_nav_like


def _comment_zone(units: Sequence[_Unit], html: bool) -> int | None:
    """Index of the first unit of the reader-comment section, or None."""
    if html:
        # Comment counts and "Comments" links sit in page headers, above the article: the section
        # starts at the first comment block from the article's first body block on.
        start = next((i for i, u in enumerate(units) if u.block is not None and u.block.main), 0)
        for i in range(start, len(units)):
            b = units[i].block
            if b is not None and b.region == "comments":
                return i
    return None


def _unmarked_comment_section(units: Sequence[_Unit]) -> tuple[int, int] | None:
    """Where an HTML page shows comments its markup does not name ("12 Comments", "Mary says:" …):
    from a comment header or the first marked comment after the article's last body block, up to the
    next navigation, footer or link list. Needs two comment-like blocks, so that a lone "Comments"
    link is not a section, and two blocks that show a writer or a time ("Anna says:", a date)."""
    mains = [i for i, u in enumerate(units) if u.block is not None and u.block.main]
    if not mains:
        return None
    lo = mains[-1] + 1
    start = text_comment_zone(units, lo, lo)
    if start is None:
        return None
    end = next(
        (i for i in range(start + 1, len(units))
         if (b := units[i].block) is not None and b.region in ("nav", "footer", "related", "aside")),
        len(units),
    )
    substantive = sum(
        1 for u in units[start + 1 : end] if tl.words(u.text) >= 5 and not tl.is_comment_ui(u.text)
    )
    shown = sum(shows_writer_or_time(u.text) for u in units[start:end])
    return (start, end) if substantive >= 2 and shown >= 2 else None


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


def _text_headline(
    units: list[_Unit], title: str | None, span: tuple[int, int] | None, url: str | None
) -> int | None:
    """The headline of a text page: see ``text_headline``."""
    start = span[0] if span is not None else len(units)
    return choose_headline([u.text for u in units], [u.kind is None for u in units], start, title, url)


def _mark_html_headline(units: list[_Unit], hi: int, title: str | None, url: str | None) -> int | None:
    """The headline of an HTML page from its own titles (see ``headline``); marked before the hints."""
    titles = [title] if title else []
    titles += [u.text for u in units[:hi] if u.block is not None and u.block.tag == "title"][:1]
    choice = choose_html_headline([u.text for u in units], [u.block for u in units], titles, hi, url)
    if choice is None:
        return None
    u = units[choice.index]
    if choice.cut is None:
        u.kind = "headline"
    elif choice.head_is_site:
        u.kind, u.split = "headline", (u.start + choice.cut, "boilerplate", None)
    else:
        u.kind, u.split = "boilerplate", (u.start + choice.cut, "headline", None)
    return choice.index


_SHORT_FURNITURE_WORDS = 20
_MIN_SENTENCE_WORDS = 5


def _short_text_body(units: list[_Unit], hi: int, headline: int | None) -> None:
    """A text with no run of lines that reads as a page's article is an article alone (a record's
    text, a short report): its sentences after the headline are its body."""
    for i in range(0 if headline is None else headline + 1, hi):
        u = units[i]
        if u.kind in (None, "body", "boilerplate", "subheadline", "caption") and tl.is_sentence(u.text) \
                and _words(u.text) >= _MIN_SENTENCE_WORDS and not tl.is_boilerplate(u.text):
            u.kind = "body"


def _apply_hints(units: list[_Unit]) -> None:
    """Kinds the HTML structure already tells.

    A long byline-marked block after the article's last body block is an author box (a biography), and
    one that shows no name is a date or a role: neither is the byline.
    """
    mains = [i for i, u in enumerate(units) if u.block is not None and u.block.main]
    body_end = mains[-1] if mains else len(units)
    for i, u in enumerate(units):
        b = u.block
        if b is None or u.kind is not None:
            continue
        if b.tag == "title":
            u.kind = "boilerplate"
        elif b.region == "caption" or b.tag == "figcaption":
            u.kind = "boilerplate" if is_picture_credit(u.text) else "caption"
        elif b.region == "byline":
            # after the body only a short "Posted by …" line, not a box with a biography
            names = byline_names(u.text) if i < body_end or _words(u.text) <= 8 else None
            u.kind, u.author = ("byline", names) if names else ("boilerplate", None)
        elif b.region == "related":
            u.kind = "related"
        elif b.region in ("nav", "footer", "aside", "comments"):
            u.kind = "boilerplate"  # (comment blocks above the article: counts, "Comments" links)
        elif b.main and _words(u.text) <= _SHORT_FURNITURE_WORDS and (
            tl.is_boilerplate(u.text) or tl.is_newsletter(u.text) or tl.is_cookie_notice(u.text)
        ):
            u.kind = "boilerplate"  # a copyright line or a subscription pitch inside the article
        elif b.main and not (_is_date_line(u.text) or _RELATED.match(u.text) or _EDITOR_NOTE.match(u.text)):
            u.kind = "section_heading" if b.tag in ("h2", "h3", "h4", "h5", "h6") else "body"


@stage("layers", needs={"text", "blocks", "credits"}, adds={"layers", "comments"})
def assign_layers(doc: Document) -> Document:
    """Tile the page with layers and thread its comments."""
    text = doc.text
    html = bool(doc.blocks)
    units = units_from_blocks(text, doc.blocks) if html else units_from_text(text)
    if not units:
        return doc.with_annotations("layers", layers=(), comments=())
    n = len(units)

    # 1. Reader comments at the end of the page (text: after the run of lines that is the article).
    span: tuple[int, int] | None = None
    comments: list[Comment] = []
    if html:
        zone = _comment_zone(units, html)
        if zone is not None:
            comments = thread_html_comments(units, zone, n)
        elif (found := _unmarked_comment_section(units)) is not None:
            zone, end = found  # a section the markup does not name: threaded by its head lines
            comments = thread_html_comments(units, zone, end, marked=False)
            for u in units[zone:end]:
                if u.kind is None:
                    u.kind = "boilerplate"
    else:
        zone, span = text_zones(units)
        comments = thread_comments(units, zone, n, False) if zone is not None else []
    hi = n if zone is None else zone
    for u in units[hi:]:
        if u.kind is None:  # page furniture after the comments (share buttons, footers, link lists)
            region = u.block.region if u.block is not None else None
            u.kind = "related" if region == "related" else "body" if _in_main(u) else "boilerplate"
    for u in units[:hi]:
        if COMMENTS_CLOSED.match(u.text):
            u.kind = "comments_closed"

    has_main = html and any(u.block is not None and u.block.main for u in units[:hi])
    html_headline: int | None = None
    if html:
        html_headline = _mark_html_headline(units, hi, doc.title, doc.url)
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
            u.kind, u.outlet = "byline", c.outlet
            u.author = byline_names(u.text)  # the people; the agency is the outlet
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
    headline = html_headline if html else _text_headline(units[:hi], doc.title, span, doc.url)
    if headline is not None and not html:
        units[headline].kind = "headline"
    head_block = units[headline].block if headline is not None else None
    if head_block is not None and head_block.tag == "title":
        headline = None  # the <title> stands in for a headline the page does not show
    if headline is not None:
        # A heading right under the headline, before any prose, is its subheadline (HTML: the
        # extractor may have counted it into the main text as a section heading).
        nxt = headline + 1
        if nxt < hi and _tag(units[nxt]) in ("h2", "h3", "h4", "p") and _is_title_like(units[nxt].text) \
                and not _is_prose(units[nxt].text) and units[nxt].kind in (None, "section_heading"):
            units[nxt].kind = "subheadline"
    main_idx = [i for i in range(hi) if _in_main(units[i])]
    body_start = main_idx[0] if has_main else span[0] if span is not None else hi
    _mark_repeats(units, 0, hi)

    # 4. The trailer between the last body paragraph and the comments: disclaimers and footers.
    body_end = main_idx[-1] + 1 if has_main else hi
    last = -1 if has_main else (span[1] if span is not None else hi) - 1
    for i in range(last, body_start - 1, -1):
        u = units[i]
        if u.kind in ("credit", "comments_closed", "caption", "related"):
            continue
        if u.kind not in (None, "body"):
            continue
        if u.kind is None and _RELATED.match(u.text):
            u.kind = "related"
            continue
        if tl.is_boilerplate(u.text) or _is_nav_like(u.text) or not _is_prose(u.text):
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
        if COMMENTS_CLOSED.match(t):
            u.kind = "comments_closed"
        elif _RELATED.match(t):
            u.kind = "related"
        elif _is_date_line(t):
            u.kind = "dateline"
        elif _words(t) <= 16 and strip_lead(t) != t.strip() and (names := byline_names(t)):
            u.kind, u.author = "byline", names  # "By Jane Doe", "Von Tomas Spahn", "Posted by A on <date>"
        elif i < body_start and _UPPER_NAME.match(t):
            u.kind, u.author = "byline", t.title()
        elif i < body_start and (names := _name_over_date(t)):
            u.kind, u.author = "byline", names  # "Martina Berg 19. Juni 2019" above the article
        elif (_words(t) <= 12 and tl.is_boilerplate(t)) or _is_nav_like(t):
            u.kind = "boilerplate"
        elif i < body_start and not html and (tl.has_marker(t) or tl.is_furniture(t) or tl.is_share(t)):
            u.kind = "boilerplate"  # list items and buttons above the article: menus, "most read" boxes
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

    if not html and not any(u.kind == "body" for u in units[:hi]):
        _short_text_body(units, hi, headline)
    if not html:
        mark_text_captions(units, hi)
        mark_related_boxes(units, body_start, body_end)  # "Related" boxes inside the article …
        mark_related_runs(units, body_end, hi)  # the related-article lists after the article …
        mark_related_runs(units, hi, n)  # … and after its comments

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
