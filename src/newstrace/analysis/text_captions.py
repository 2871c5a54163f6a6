"""Picture captions on a text page: lines that the page's own picture words mark as captions.

A rendered page keeps an image's caption as a line among the article's paragraphs, with the picture's
credit on it ("… (Image: Getty)", "Image caption …", "… • Crédits : Getty") or on a short line of its
own right under it ("Photo by …", "(Image: © NASA)"). Such lines are captions, not body; the credit
line alone is not a caption. Lines that earlier steps called captions only by position (between
headline and article) or by repetition, but that are menu items, counters or bare list markers, are
page furniture.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from . import text_lines as tl
from .captions import is_picture_credit
from .units import Unit

_MAX_CAPTION_WORDS = 60  # a caption is a sentence or two, not a paragraph run
_MAX_CREDIT_WORDS = 10  # "Photo by Jane Doe/Getty Images"
_MAX_OVER_CREDIT = 25  # a line over a credit longer than that is the article's paragraph
_MIN_CAPTION_WORDS = 3  # under that, a line under a credit is a name or a label, not a description
_MIN_LABEL_WORDS = 2  # a caption placed by position: one word is a label or a counter
_OPEN = ("body", "section_heading", "subheadline", "boilerplate", "caption")


@cache
def _credit_inside() -> re.Pattern[str]:
    """A picture credit inside or at the end of a caption line ("(Image: GETTY )", "• Crédits : Getty")."""
    leads = tl.phrases()["caption_credit"]
    alt = "|".join(re.escape(w) for w in sorted(leads, key=len, reverse=True))
    return re.compile(rf"(?:^|[\s(\[•|/])(?:{alt})\s*:", re.I)


@cache
def _caption_lead() -> re.Pattern[str]:
    """A line that says it is a caption ("Image caption …", "Bildunterschrift: …")."""
    alt = "|".join(re.escape(w) for w in sorted(tl.phrases()["caption_lead"], key=len, reverse=True))
    return re.compile(rf"^(?:{alt})\b\s*:?\s*\S", re.I)


# "… im Gebäude. © AdobeStock.com/Hermann", "… nach Augusta: Lee Elder. | © Andy Lyons": a description,
# then a copyright sign and the picture's owner (a footer's "Copyright © 2020 …" has no description).
_OWNED = re.compile(r"^(?P<head>.+?)[\s|/(]+©\s*\S")
_LOWER_BULLET = re.compile(r"^o\s+(?=[^\W\d_])")  # a third-level bullet as some renderers draw it


def _owned_picture(t: str) -> bool:
    m = _OWNED.match(t)
    return m is not None and tl.words(m.group("head")) >= _MIN_CAPTION_WORDS and not tl.is_boilerplate(
        m.group("head")
    )


def _credit_only(s: str) -> bool:
    """A short line that only credits a picture ("Photo by Jane Doe/Getty Images", "(Image: © NASA)")."""
    t = tl.strip_marker(s).strip()
    return tl.words(t) <= _MAX_CREDIT_WORDS and (
        is_picture_credit(t) or _credit_inside().match(t) is not None and tl.words(t) <= 6
    )


def _describes(s: str) -> bool:
    """Enough words to describe a picture, and no more than a caption holds."""
    return _MIN_CAPTION_WORDS <= tl.words(s) <= _MAX_CAPTION_WORDS and not tl.is_furniture(s) \
        and not tl.is_share(s) and not tl.is_nav_like(s)


def is_credited_caption(s: str) -> bool:
    """A caption with its credit on the same line, or a line that says it is a caption."""
    t = tl.strip_marker(s).strip()
    if not _describes(t) or _credit_only(t):
        return False
    return _caption_lead().match(t) is not None or _credit_inside().search(t) is not None or _owned_picture(t)


def _furniture_caption(s: str) -> bool:
    """A line called a caption that reads as page furniture: a marker, a menu item, a counter, a
    button, a handle, a date, a label over something else, or a credit alone."""
    t = tl.strip_marker(s).strip()
    n = tl.words(t)
    return n < _MIN_LABEL_WORDS or tl.is_furniture(t) or tl.is_share(t) or tl.is_nav_like(t) \
        or tl.is_comment_ui(t) or tl.is_comment_header(t) or tl.has_marker(s) \
        or _LOWER_BULLET.match(s) is not None or t.startswith("@") or t.endswith(":") \
        or (tl.has_date(t) and n <= 8) or _credit_only(t)


def _over_credit(units: Sequence[Unit], i: int, hi: int) -> bool:
    """Line ``i`` describes the picture whose credit is the next line (not the credit of a picture
    whose own caption follows the credit: "Image copyright X" / "Image caption …")."""
    if i + 1 >= hi or not _credit_only(units[i + 1].text) or _credit_only(units[i].text):
        return False
    if i + 2 < hi and _caption_lead().match(tl.strip_marker(units[i + 2].text).strip()):
        return False
    return _describes(units[i].text) and tl.words(units[i].text) <= _MAX_OVER_CREDIT


def mark_text_captions(units: Sequence[Unit], hi: int) -> None:
    """Captions among ``units[:hi]`` (the page before its comments), after the other layers are set."""
    for i in range(hi):
        u = units[i]
        if u.split is not None:
            continue
        if u.kind in _OPEN and (is_credited_caption(u.text) or _over_credit(units, i, hi)):
            u.kind = "caption"
        elif u.kind == "caption" and _furniture_caption(u.text):
            u.kind = "boilerplate"
