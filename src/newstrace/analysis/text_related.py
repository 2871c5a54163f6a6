"""Related-article lists on a text page: runs of headline lines after the article.

A rendered page keeps a "Related" box as a header line and the linked headlines of other articles,
one per line, often with a bullet, a date or a one-line teaser between them. Headlines read unlike the
article's prose (no sentence end, four to twenty-five words) and unlike menus (items of one to three
words). Three such lines in a row after the article, or two under a related header, make a list.
Lists under a "Most read", "Trending" or "Recent posts" header rank the whole site, not this article:
they are boilerplate. Only units the earlier steps left as body or boilerplate change kind.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import text_lines as tl
from .units import Unit

_HEADLINE_WORDS = (4, 25)
_MIN_ITEMS = 3
_MIN_ITEMS_UNDER_HEADER = 2
_GAP_WORDS = 6  # dates, sources, "Read more" between items
_MAX_GAPS = 2
_OPEN = ("body", "boilerplate", None)
_BETWEEN = ("dateline",)  # a date under each linked headline ("22 August 2019")
_BOX_KINDS = ("body", "section_heading", "subheadline", None)


def _is_item(text: str) -> bool:
    """A line that reads as the headline of another article."""
    t = tl.strip_marker(text)
    n = tl.words(t)
    return (
        _HEADLINE_WORDS[0] <= n <= _HEADLINE_WORDS[1]
        and (not tl.SENTENCE_END.search(t) or t.rstrip().endswith("?"))
        and not tl.is_boilerplate(t)
        and not tl.is_nav_like(t)
        and not tl.is_share(t)
    )


def _is_popular_header(text: str) -> bool:
    """ "Most read", "Trending", "Recent posts": a site-wide list, not links chosen for this article."""
    return tl.whole("popular_headers").match(tl.strip_marker(text).strip()) is not None


def mark_related_runs(units: Sequence[Unit], lo: int, hi: int) -> None:
    """Mark the related-article lists among ``units[lo:hi]`` (the part of the page after the article)."""
    i = lo
    while i < hi:
        u = units[i]
        popular = u.kind in _OPEN and _is_popular_header(u.text)
        header = popular or (u.kind in _OPEN and tl.is_related_header(u.text))
        start = i + 1 if header else i
        j, items, gaps, last_item = start, 0, 0, start - 1
        while j < hi and (units[j].kind in _OPEN or units[j].kind in _BETWEEN and items):
            if popular and (tl.is_related_header(units[j].text) or _is_popular_header(units[j].text)):
                break  # (the next box's header)
            if _is_item(units[j].text):
                items, gaps, last_item = items + 1, 0, j
            elif units[j].kind in _BETWEEN and items:
                pass
            elif tl.words(units[j].text) <= _GAP_WORDS and gaps < _MAX_GAPS and items:
                gaps += 1
            else:
                break
            j += 1
        if items >= (_MIN_ITEMS_UNDER_HEADER if header else _MIN_ITEMS):
            for k in range(i, last_item + 1):
                units[k].kind = "boilerplate" if popular else "related"
            i = last_item + 1
        else:
            i += 1


def mark_related_boxes(units: Sequence[Unit], lo: int, hi: int) -> None:
    """Related-link boxes inside the article (``units[lo:hi]``): a related header ("Related", "Don't
    miss", "Read more") and the headline lines right under it, up to the first line that is not one."""
    for i in range(lo, hi):
        if units[i].kind not in _BOX_KINDS or not tl.is_related_header(units[i].text):
            continue
        j = i + 1
        while j < hi and units[j].kind in _BOX_KINDS and _is_item(units[j].text) \
                and not tl.is_related_header(units[j].text):
            j += 1
        if j > i + 1:
            for k in range(i, j):
                units[k].kind = "related"
