"""Related-article lists on a text page: runs of headline lines after the article.

A rendered page keeps a "Related" box as a header line and the linked headlines of other articles,
one per line, often with a bullet, a date or a one-line teaser between them. Headlines read unlike the
article's prose (no sentence end, four to twenty-five words) and unlike menus (items of one to three
words). Three such lines in a row after the article, or two under a related header, make a list.
Only units the earlier steps left as body or boilerplate change kind.
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


def mark_related_runs(units: Sequence[Unit], lo: int, hi: int) -> None:
    """Mark the related-article lists among ``units[lo:hi]`` (the part of the page after the article)."""
    i = lo
    while i < hi:
        u = units[i]
        header = u.kind in _OPEN and tl.is_related_header(u.text)
        start = i + 1 if header else i
        j, items, gaps, last_item = start, 0, 0, start - 1
        while j < hi and units[j].kind in _OPEN:
            if _is_item(units[j].text):
                items, gaps, last_item = items + 1, 0, j
            elif tl.words(units[j].text) <= _GAP_WORDS and gaps < _MAX_GAPS and items:
                gaps += 1
            else:
                break
            j += 1
        if items >= (_MIN_ITEMS_UNDER_HEADER if header else _MIN_ITEMS):
            for k in range(i, last_item + 1):
                units[k].kind = "related"
            i = last_item + 1
        else:
            i += 1
