"""Which line of a text page is its headline.

A rendered page shows its headline once or twice among menus and teasers: after the section labels,
before the standfirst, byline and date, and often first as the page's title with the site's name
appended ("Headline | Site", the first line of many renderings) or cut short in a breadcrumb
("Headline…"). Each candidate line before the article earns points for these signs; the record's own
title, when it has one, outweighs them all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from . import text_lines as tl

_WINDOW = 120  # lines before the article's first paragraph that may hold the headline
CREDIT_NEXT = 2.0  # a byline or date follows within four lines
DISTANCE = 0.1  # per line of text between the candidate and the article
FIRST_LINE = 1.0  # scrapers often save the page's title as its first line
_SLUG_WORDS = 2  # a last path segment of that many words is the article's own slug
_NEAR = 15  # of which lines of text (not buttons, menus or dates)
_BYLINE_LEAD = re.compile(r"^(?:by|von|por|par|di|door|av|от)\s+\S", re.I)
_ELLIPSIS = re.compile(r"\s*(?:…|\.\.\.)$")
# "Tom Krisher, AP Auto Writer", "Meg Kinnard and Errin Haines, Associated Press", "Jane Doe | Reuters"
_NAME_CREDIT = re.compile(
    r"^[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,2}(?:\s*(?:,|and|&)\s*[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,2})*"
    r"\s*,\s*\S"
)
_URLISH = re.compile(r"https?://|www\.|\.\w{2,4}/")
# Menu items run together by a renderer: "HomeNewsBusiness", "Cloud SecurityCloud Storage".
_RUN_TOGETHER = re.compile(r"[a-z][A-Z][a-z]")


def _fold(s: str) -> str:
    return " ".join(tl.WORD.findall(s)).casefold()


def is_credit_line(s: str) -> bool:
    """A byline or date stamp (what follows a headline)."""
    t = tl.strip_marker(s)
    if _BYLINE_LEAD.match(t) and tl.words(t) <= 14:
        return True
    if _NAME_CREDIT.match(t) and tl.words(t) <= 10 and not tl.SENTENCE_END.search(t):
        return True
    return tl.words(t) <= 24 and tl.has_date(t) and not tl.SENTENCE_END.search(t)


def _candidate(s: str) -> bool:
    if tl.has_marker(s) or _URLISH.search(s) or s.rstrip().endswith((":", ",")):
        return False
    if len(_RUN_TOGETHER.findall(s)) >= 2:
        return False
    n = tl.words(s)
    if n < 2 or n > 30 or not tl.is_title_like(s):
        return False
    return not (
        tl.is_furniture(s) or tl.is_share(s) or tl.is_nav_like(s) or tl.is_boilerplate(s)
        or tl.is_related_header(s) or tl.is_comment_header(s) or tl.is_cookie_notice(s)
        or is_credit_line(s) or tl.is_picture_credit(s)
    )


def _furniture_line(s: str) -> bool:
    return (
        tl.has_marker(s) or tl.is_furniture(s) or tl.is_share(s) or tl.is_nav_like(s) or is_credit_line(s)
        or tl.is_boilerplate(s) or _URLISH.search(s) is not None or tl.words(s) <= 2
    )


_SITE_SEPARATOR = re.compile(r"\s*[|\-–—:·»/]")


def _site_titled(line: str, other: str) -> bool:
    """``other`` is ``line`` with a site's name after a separator ("Headline | Site", "Headline - Site")."""
    a, b = " ".join(line.split()).casefold(), " ".join(other.split()).casefold()
    return len(b) > len(a) and b.startswith(a) and _SITE_SEPARATOR.match(b, len(a)) is not None


def _case_points(s: str) -> float:
    """Headlines are set in title case more often than standfirsts; menus are short; banners shout."""
    ws = tl.WORD.findall(s)
    if len(ws) <= 3:
        return -0.7
    long = [w for w in ws if len(w) >= 4]
    upper = sum(w.isupper() for w in ws)
    if upper > len(ws) / 2:
        return -0.7
    if long and sum(w[0].isupper() for w in long) >= 0.6 * len(long):
        return 0.5
    return 0.0


def _title_match(s: str, title: str) -> float:
    """How well a line repeats the record's title (1 exact, less for a part of it)."""
    a, b = _fold(s), _fold(title)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    if b.startswith(a) or b.endswith(a) or a in b:
        return 0.6 + 0.4 * len(a) / len(b) if len(a) > 12 else 0.0
    return 0.0


def _slug_words(url: str | None) -> set[str]:
    """Words of the URL's slug, its last path segment of two words or more ("/music/music-news/doobie-
    brothers-tour/" -> doobie, brothers, tour: the folders before it name a section, not the article);
    all the path's words when the last segment is a number or one word."""
    if not url:
        return set()
    path = urlsplit(url if "//" in url else "//" + url).path
    segments = [re.findall(r"[^\W\d_]{2,}", seg) for seg in path.split("/") if seg]
    last = segments[-1] if segments else []
    chosen = last if len(last) >= _SLUG_WORDS else [w for seg in segments for w in seg]
    return {w.casefold() for w in chosen}


def _slug_points(s: str, slug: set[str]) -> float:
    """Many sites put the headline's words in the page's address."""
    ws = [w.casefold() for w in tl.WORD.findall(s) if len(w) >= 2 and not w.isdigit()]
    if not slug or len(ws) < 2:
        return 0.0
    share = sum(w in slug for w in ws) / len(ws)
    return 3.0 * share if share >= 0.4 else 0.0


def choose_headline(
    texts: Sequence[str], free: Sequence[bool], body_start: int, title: str | None, url: str | None = None
) -> int | None:
    """Index of the headline line among ``texts[:body_start + 2]`` (``free``: not yet given a kind)."""
    lo = max(0, body_start - _WINDOW)
    hi = min(len(texts), body_start + 2)
    folded = [_fold(t) for t in texts[:hi]]
    # How many lines of text (not buttons, menus, bylines or dates) lie between a line and the article.
    plain = [not _furniture_line(t) for t in texts[:hi]]
    between = [0] * hi
    for i in range(min(body_start, hi) - 2, -1, -1):
        between[i] = between[i + 1] + plain[i + 1]
    slug = _slug_words(url)
    best: tuple[float, int] | None = None
    for i in range(lo, hi):
        s = texts[i]
        if not free[i]:
            continue
        if title:
            m = _title_match(s, title)
            if m > 0:
                score = 10.0 * m - 0.01 * i
                if best is None or score > best[0]:
                    best = (score, i)
                continue
        if not _candidate(s):
            continue
        f = folded[i]
        # Repeated from the title line ("Headline | Site") or a truncated breadcrumb ("Headline…").
        repeated = len(s) >= 8 and any(
            j != i and (_site_titled(s, texts[j])
                        or (_ELLIPSIS.search(texts[j]) and len(folded[j]) > 8 and f.startswith(folded[j])))
            for j in range(hi)
        )
        if between[i] > _NEAR and not repeated:
            continue
        score = min(tl.words(s), 12) / 12 + (3.0 if repeated else 0.0)
        if any(j != i and _site_titled(texts[j], s) for j in range(hi)):
            score -= 3.0  # the page's title, whose headline part the page shows on a line of its own
        if any(is_credit_line(texts[k]) for k in range(i + 1, min(hi, i + 5))):
            score += CREDIT_NEXT
        if i == 0:
            score += FIRST_LINE
        score += _case_points(s) + _slug_points(s, slug)
        if any(j != i and folded[j] == f for j in range(hi)):
            score += 0.3
        if tl.SENTENCE_END.search(s) and not s.rstrip().endswith(("?", "!")):
            score -= 1.0  # a standfirst or a caption
        score -= DISTANCE * min(between[i], _NEAR)
        if best is None or score > best[0]:
            best = (score, i)
    if best is not None:
        return best[1]
    first = next((i for i in range(len(texts)) if free[i]), None)
    if first is not None and tl.is_title_like(texts[first]):
        return first
    return None
