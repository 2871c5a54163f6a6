"""HTML pages: the whole visible text as typed blocks, and which of them are the article body.

The HTML reader keeps everything a reader sees (headline, captions, comments, even menus) so that the
anatomy stage can label every part of the page, and marks the blocks its own main-text extractor judges
to be the article body. ``extract_main_text`` is the same judgement, returned as plain text, so that the
article-extraction benchmark measures exactly what ``read_html`` marks.

The work is split by idea: ``charset`` decodes bytes, ``dom`` parses and cuts the page into blocks
(names from ``html_vocabulary``), ``main_text`` judges the body (its container and how far it grows;
``main_parts`` adds the parts outside it and drops furniture; ``block_kinds`` holds what both read off
a block), ``regions`` names each block's page part, ``page_meta`` reads title, URL, date and JSON-LD
body; this module joins the blocks into one normalised text with character-exact offsets.
"""

from __future__ import annotations

import bisect

from ..errors import InputError
from ..model import Block, Document, OffsetMap
from ..normalize import normalize_text
from .charset import decode_html
from .dom import parse
from .main_text import extract_main_text, read_body
from .page_meta import htmldate, metadata, page_title, url_date
from .regions import article_ancestors, block_region, comment_part, related_lists, site_wide_lists

__all__ = ["decode_html", "extract_main_text", "read_html"]


def _span_map(offsets: OffsetMap, raw_start: int, raw_end: int) -> tuple[int, int]:
    """Normalised ``(start, end)`` of the raw span ``[raw_start, raw_end)`` (the inverse of the map)."""
    return _inverse(offsets, raw_start), _inverse(offsets, raw_end)


def _inverse(offsets: OffsetMap, orig: int) -> int:
    """Smallest normalised offset whose original position is at or after ``orig``."""
    if orig >= offsets.orig_length:
        return offsets.norm_length
    runs = offsets.orig_starts
    i = bisect.bisect_right(runs, orig) - 1
    if i < 0:
        return 0
    norm = offsets.norm_starts[i]
    run_end = offsets.norm_starts[i + 1] if i + 1 < len(runs) else offsets.norm_length
    if offsets.linear[i]:
        return min(norm + (orig - runs[i]), run_end)
    return norm if orig == runs[i] else run_end


def read_html(html: str | bytes, *, doc_id: str, source: str, url: str | None = None) -> Document:
    """Read an HTML page: its whole visible text as typed blocks, normalised, with the body marked.

    Raises ``InputError`` only for a page with no readable text at all (empty, or markup only).
    """
    if isinstance(html, bytes):
        html = decode_html(html, source)
    root = parse(html, source)
    meta = metadata(root)
    reading = read_body(root, page_title(root))  # exactly what extract_main_text judges
    segs, judged = reading.segs, reading.judged
    above = article_ancestors(judged)

    pieces: list[str] = []
    raw: list[tuple[int, int, str, str | None, int, bool, int | None, int | None]] = []
    groups: dict[int, int] = {}
    pos = 0

    def put(
        text: str, tag: str, region: str | None, depth: int, main: bool, line: int | None, group: int | None
    ) -> None:
        nonlocal pos
        if pieces:
            pieces.append("\n\n")
            pos += 2
        pieces.append(text)
        number = None if group is None else groups.setdefault(group, len(groups))
        raw.append((pos, pos + len(text), tag, region, depth, main, line, number))
        pos += len(text)

    if meta.tab_title:
        title_el = root.find(".//title")
        line = title_el.sourceline if title_el is not None else None
        put(meta.tab_title, "title", None, 0, False, line, None)
    related = related_lists(segs, judged, url or meta.url)
    placed = [block_region(s, judged, above, related) for s in segs]
    regions = site_wide_lists(segs, [r for r, _, _ in placed])
    for s, (_, depth, group), region in zip(segs, placed, regions, strict=True):
        tag = (comment_part(s) or s.tag) if region == "comments" else s.tag
        put(s.text, tag, region, depth, judged.main[s.index], s.line, group)
    if reading.appended is not None:
        put(reading.appended, "articleBody", "main", 0, True, None, None)
    if not raw and (meta.title or meta.description):
        # nothing visible, but the page names itself: a document of its title and description
        if meta.title:
            put(meta.title, "title", None, 0, False, None, None)
        if meta.description:
            put(meta.description, "description", None, 0, False, None, None)
    if not raw:
        raise InputError(source, "no visible text")
    joined = "".join(pieces)
    text, offsets = normalize_text(joined)
    blocks: list[Block] = []
    for start, end, tag, region, depth, main, line, group in raw:
        a, b = _span_map(offsets, start, end)
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            blocks.append(Block(a, b, tag, region, depth, main, line, group))
    if not blocks:
        raise InputError(source, "no visible text")
    h1 = next((segs[i].text for i in range(len(segs)) if segs[i].tag == "h1"), None)
    published = meta.published or url_date(url or meta.url) or meta.first_time or htmldate(html)
    return Document(
        id=doc_id,
        text=text,
        url=url or meta.url,
        outlet=None,
        title=meta.title or h1,
        published=published,
        source=source,
        format="html",
        offsets=offsets,
        blocks=tuple(blocks),
        annotated=frozenset({"text", "blocks"}),
    )
