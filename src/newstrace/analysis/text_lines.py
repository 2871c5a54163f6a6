"""Line shapes of pages saved as plain text: what a line looks like, whatever the site.

A rendered page keeps no tags, so menus, share buttons, cookie notices, "Advertisement" labels and
related-link lists must be told from the article by shape (length, sentence punctuation, list markers)
and by a small generic vocabulary of page furniture (``data/anatomy_phrases.json``).
"""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from importlib import resources

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# Scripts written without spaces: each character carries about half a word of content.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
SENTENCE_END = re.compile(r"""[.!?…。！？]['"”’»)\]]*$""")
NUMBERED = re.compile(r"(\d{1,4})[.)]\s+(?=\S)")
BULLET = re.compile(r"[•◦▪‣●○■□➤►»›·\-–—*+]\s+(?=\S)")
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DATE = re.compile(
    rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}\b|\b\d{{1,2}}\.?\s+(?:{_MONTHS})\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b|"
    r"\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|\b\d+\s+(?:minutes?|hours?|days?|mins?|hrs?)\s+ago\b",
    re.I,
)
_MARKER = re.compile(r"^(?:[•◦▪‣●○■□➤►»›·\-–—*+]|\d{1,3}[.)])(?:\s+|$)")


@lru_cache(maxsize=1)
def phrases() -> dict[str, tuple[str, ...]]:
    """The vocabulary lists, by name."""
    raw = resources.files("newstrace").joinpath("data/anatomy_phrases.json").read_text(encoding="utf-8")
    data = json.loads(raw)
    return {k: tuple(v) for k, v in data.items() if isinstance(v, list)}


def _alternation(words: tuple[str, ...]) -> str:
    parts = []
    for w in sorted(words, key=len, reverse=True):
        prefix = w.endswith("*")
        body = re.escape(w.rstrip("*")).replace(r"\ ", r"\s+").replace("'", "['’]")
        tail = "" if prefix or not w[-1:].isalnum() else r"(?![^\W_])"
        parts.append(body + ("" if prefix else tail))
    return "|".join(parts)


@cache
def anywhere(name: str) -> re.Pattern[str]:
    """A phrase of list ``name`` anywhere in a line, at a word start."""
    return re.compile(rf"(?<![^\W_])(?:{_alternation(phrases()[name])})", re.I)


@cache
def whole(name: str) -> re.Pattern[str]:
    """A line of one to three phrases of list ``name`` (with counts, arrows or colons around them)."""
    alt = _alternation(phrases()[name])
    return re.compile(rf"^(?:[\W\d_]{{0,6}}(?:{alt})){{1,3}}[\W\d_]{{0,8}}$", re.I)


def words(s: str) -> int:
    """Word count; scripts without spaces count one word per two characters."""
    n = len(WORD.findall(s))
    cjk = len(_CJK.findall(s))
    return n + cjk // 2 if cjk else n


def strip_marker(s: str) -> str:
    """The line without its list marker ("* Home" -> "Home")."""
    m = _MARKER.match(s)
    return s[m.end() :] if m else s


def has_date(s: str) -> bool:
    return _DATE.search(s) is not None


def has_marker(s: str) -> bool:
    return _MARKER.match(s) is not None


_PUNCTUATION = re.compile(r"[^\W\d_][,.;:!?)”»。，、](?:\s|$)")


def is_prose(s: str) -> bool:
    """A sentence-like paragraph: enough words and sentence punctuation."""
    n = words(s)
    if n >= 12 and SENTENCE_END.search(s):
        return True
    # A long line without a sentence end is prose when punctuated (tag clouds and menus run on bare).
    return n >= 30 and _PUNCTUATION.search(s) is not None


def is_sentence(s: str) -> bool:
    """A short paragraph of the article ("He declined to comment.")."""
    return words(s) >= 5 and bool(SENTENCE_END.search(s)) and not s.rstrip().endswith("...")


def is_title_like(s: str) -> bool:
    n = words(s)
    return 1 <= n <= 30 and (not SENTENCE_END.search(s) or s.rstrip().endswith(("?", "!")) or n <= 12)


_SHARE_SPLIT = re.compile(r"[\s|/•·,;:()\[\]-]+")


def is_share(s: str) -> bool:
    """Share buttons: a line of network names, or a "share this" lead with little else."""
    t = strip_marker(s).strip()
    if len(t) > 160:
        return False
    if anywhere("share_lead").match(t) and words(t) <= 14:
        return True
    items = [x for x in _SHARE_SPLIT.split(t.casefold()) if x]
    if not items:
        return False
    share = set(phrases()["share"])
    hits = sum(1 for x in items if x in share)
    return hits >= 2 and hits >= 0.6 * len(items)


def is_furniture(s: str) -> bool:
    """A line of page-furniture words only ("Advertisement", "Share Close", "Menu", "Read more")."""
    t = s.strip()
    return len(t) <= 48 and (
        whole("furniture").match(t) is not None
        or whole("comment_ui").match(t) is not None
        or whole("related_headers").match(t) is not None
    )


_PICTURE = re.compile(r"^\(.{3,80}\)$|^\[.{3,80}\]$|/\s*(?:AP|AFP|Reuters|Getty)\b", re.I)


def is_picture_credit(s: str) -> bool:
    """A caption or picture credit: "(Reed Saxon / Associated Press)", "FILE PHOTO: …", "Image caption …"."""
    return words(s) <= 60 and (_PICTURE.search(s) is not None or anywhere("picture").search(s) is not None)


_READ_MORE = re.compile(
    r"^[\W_]*(?:read (?:the )?(?:full )?(?:more|story|article|post)|continue reading|keep reading|more)"
    r"[\W_]*$",
    re.I,
)


def is_read_more(s: str) -> bool:
    """A bare "Read more" link (no title after it): the end of a teaser."""
    return _READ_MORE.match(strip_marker(s).strip()) is not None


def is_boilerplate(s: str) -> bool:
    """Copyright, policy, subscription and cookie lines."""
    return anywhere("boilerplate").search(s) is not None or anywhere("site_policy").search(s) is not None


def is_cookie_notice(s: str) -> bool:
    found = {m.group().casefold() for m in anywhere("cookie_notice").finditer(s)}
    return len(found) >= 2 or (len(found) == 1 and words(s) <= 20 and "cookie" in next(iter(found)))


def is_newsletter(s: str) -> bool:
    return words(s) <= 40 and len({m.group().casefold() for m in anywhere("newsletter").finditer(s)}) >= 2


@lru_cache(maxsize=1)
def _related_lead() -> re.Pattern[str]:
    return re.compile(rf"^(?:{_alternation(phrases()['related_headers'])})\s*[:\-–—|»›>]", re.I)


RELATED_LEAD = _related_lead()  # "Read more: …", "Related —"


def is_related_header(s: str) -> bool:
    """ "Related stories", "More from …:", "Read more:" – a header over links, or a link's lead."""
    t = strip_marker(s).strip()
    if whole("related_headers").match(t):
        return True
    return RELATED_LEAD.match(t) is not None and words(t) <= 30


def is_comment_header(s: str) -> bool:
    t = s.strip()
    return len(t) <= 60 and whole("comment_headers").match(t) is not None


def is_comment_ui(s: str) -> bool:
    t = strip_marker(s).strip()
    return (len(t) <= 50 and whole("comment_ui").match(t) is not None) or (
        words(t) <= 40 and anywhere("comment_powered").search(t) is not None
    )


_SPLIT_NAV = re.compile(r"\s+[-|•·/]\s+|\s*\|\s*")


def is_nav_like(s: str) -> bool:
    """Menus, share bars and footers: several short items joined by separators, or share buttons."""
    if len(s) > 400:
        return False
    if is_share(s):
        return True
    parts = [p.strip() for p in _SPLIT_NAV.split(s) if p.strip()]
    if len(parts) < 3:
        return False
    return all(words(p) <= 5 and p[:1].isupper() for p in parts)
