"""Where the article runs on a text page: the stretch of lines densest in prose.

A rendered page is menus, teasers and footers around one article. Every line gets a value (prose
earns its length, menu items, buttons and notices cost) and the article is the run of lines with the
greatest total (a maximum-sum segment), so short interruptions inside it ("Advertisement", a pull
quote, a "Read more" link) stay in while the lists around it stay out.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import text_lines as tl
from .threads import head_comment_zone, header_comment_zone, marked_comment_zone
from .units import Unit

PROSE_CAP = 80  # one very long line should not outweigh the article
ITEM_COST = 8.0  # a list item, menu entry or button
SHORT_COST = 2.5  # any other short line (a heading, a label)
DATE_COST = 25.0  # a date stamp alone on a line (teaser cards and comments show them)
MANY_HEADS = 3  # comment heads that show a section anywhere after the first paragraph (a byline is one)
ARTICLE_ABOVE = 150.0  # … when an article of some weight stands above them
PROSE_OFFSET = 15.0  # what a paragraph must outweigh to count (teasers are short paragraphs)


def line_value(s: str, marked: bool) -> float:
    """What a line adds to the article (positive) or costs it (negative)."""
    n = tl.words(s)
    if tl.is_furniture(s) or tl.is_share(s) or tl.is_comment_ui(s) or tl.is_cookie_notice(s):
        return -ITEM_COST
    if tl.is_nav_like(s) or tl.is_newsletter(s) or (n <= 12 and tl.is_boilerplate(s)):
        return -ITEM_COST
    if tl.is_prose(s):
        if tl.is_boilerplate(s):
            return -ITEM_COST
        return float(min(n, PROSE_CAP)) - PROSE_OFFSET
    if tl.is_sentence(s):
        return n / 2
    if marked:
        return -ITEM_COST
    if n <= 12 and tl.has_date(s):
        return -DATE_COST
    return -SHORT_COST


def _teaser(before: str, after: str) -> bool:
    """A paragraph between a headline or date and a bare "Read more": another article's card."""
    if not tl.is_read_more(after):
        return False
    t = tl.strip_marker(before)
    return (tl.has_date(t) and tl.words(t) <= 12) or (tl.is_title_like(t) and not tl.SENTENCE_END.search(t))


def body_span(units: Sequence[Unit], lo: int, hi: int) -> tuple[int, int] | None:
    """The half-open index range ``[start, end)`` of the best run of lines in ``units[lo:hi]``."""
    best = 0.0
    best_span: tuple[int, int] | None = None
    run = 0.0
    run_start = lo
    values = [line_value(u.text, tl.has_marker(u.text)) for u in units[lo:hi]]
    for k in range(1, len(values) - 1):
        if _teaser(units[lo + k - 1].text, units[lo + k + 1].text):
            values[k] = -ITEM_COST
    for i in range(lo, hi):
        v = values[i - lo]
        if run <= 0:
            run, run_start = 0.0, i
        run += v
        if run > best:
            best, best_span = run, (run_start, i + 1)
    return best_span


def _weight(units: Sequence[Unit], span: tuple[int, int] | None) -> float:
    if span is None:
        return 0.0
    return sum(line_value(u.text, tl.has_marker(u.text)) for u in units[span[0] : span[1]])


def text_zones(units: Sequence[Unit]) -> tuple[int | None, tuple[int, int] | None]:
    """The first unit of the comment section and the article's span.

    A section that shows itself ("34 responses to …", numbered "Name says:" items, "Comments are
    closed.") is found first, after some prose; the article is looked for above it. A bare "Comments"
    header counts only past the middle of the article (by weight): comment counts and "Comment"
    buttons sit in share bars above it.
    """
    n = len(units)
    first_prose = next((i for i, u in enumerate(units) if tl.is_prose(u.text)), n)
    zone = marked_comment_zone(units, first_prose + 1)
    early = head_comment_zone(units, first_prose + 1, MANY_HEADS)
    if early is not None and (zone is None or early < zone) \
            and _weight(units, body_span(units, 0, early)) >= ARTICLE_ABOVE:
        zone = early  # (a list article outweighed by its comments: found by the heads, not by weight)
    span = body_span(units, 0, n if zone is None else zone)
    if span is None:
        return zone, None
    values = [max(0.0, line_value(u.text, tl.has_marker(u.text))) for u in units[span[0] : span[1]]]
    total, run, mid = sum(values), 0.0, span[0]
    for k, v in enumerate(values):
        run += v
        if run >= total / 2:
            mid = span[0] + k + 1
            break
    for found in (header_comment_zone(units, mid), head_comment_zone(units, mid)):
        if found is not None and (zone is None or found < zone):
            zone = found
            if span is not None and zone < span[1]:
                span = body_span(units, 0, zone)
    return zone, span
