"""The names in a byline: "By Jane Doe and John Roe, Associated Press" -> "Jane Doe, John Roe".

Byline blocks carry more than names: a lead word ("By", "Von", "Por"), roles, dates, follow buttons,
an author box's biography. The names are the capitalised words after the lead, up to a stop word,
a date or a separator; two names may be joined ("and", "und", "/", ","). The words live in
``data/byline_words.json``.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

from .outlets import lookup
from .shown_dates import months

_MAX_NAME_WORDS = 5
_MAX_NAMES = 4


@cache
def _raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("newstrace").joinpath("data/byline_words.json").read_text("utf-8")
    )
    return data


def strip_lead(text: str) -> str:
    """The text without the word a byline opens with ("By", "Von:", "Par", "Published by")."""
    return _words()[0].sub("", text.strip(), count=1)


@cache
def _date_start() -> re.Pattern[str]:
    """Where a date starts: a month name before a number (months may also be first names: "April")."""
    names = sorted(months(), key=len, reverse=True)
    return re.compile(r"(?:^|\s)(?:" + "|".join(re.escape(m) for m in names) + r")\.?\s*\d", re.I)


@cache
def _not_names() -> frozenset[str]:
    return frozenset(_raw()["not_names"])


@cache
def _badge() -> re.Pattern[str]:
    badges = sorted(_raw()["badges"], key=len, reverse=True)
    return re.compile(r"(?:\s+(?:" + "|".join(re.escape(b) for b in badges) + r"))+\s*$", re.I)


def strip_badge(name: str) -> str:
    """A commenter's name without the badge a site prints after it ("Martina Berg Autor")."""
    return _badge().sub("", name)


@cache
def _words() -> tuple[re.Pattern[str], re.Pattern[str], frozenset[str], re.Pattern[str]]:
    raw = _raw()
    lead = sorted(raw["lead"], key=len, reverse=True)
    lead_rx = re.compile(r"^\s*(?:" + "|".join(re.escape(w) for w in lead) + r")(?=[\s:]|$)[\s:]*", re.I)
    words = "|".join(re.escape(w) for w in raw["joiners"] if w[0].isalpha())
    marks = "|".join(re.escape(w) for w in raw["joiners"] if not w[0].isalpha())
    joiner_rx = re.compile(rf"\s*(?:{marks})\s*|\s+(?:{words})\s+", re.I)
    stop_rx = re.compile(r"(?:^|\s)(?:" + "|".join(re.escape(w) for w in raw["stop"]) + r")\b", re.I)
    return lead_rx, joiner_rx, frozenset(raw["particles"]), stop_rx


# A name word: capitalised (any script with case), or an initial; "@handle" is no name.
_NAME_WORD = re.compile(r"^(?:[^\W\d_][^\W\d_'’.-]*(?:[-'’][^\W\d_]+)*\.?|[^\W\d_]\.)$")
_HANDLE = re.compile(r"^([\w.-]{2,30})(?:\s|$)")
_CUT = re.compile(r"\s*(?:\||·|•|—|–|\s-\s|\n|\(|@|\d).*$", re.S)


def byline_names(text: str) -> str | None:
    """The names a byline shows, joined by ", ", or None when it shows no name."""
    lead_rx, joiner_rx, particles, stop_rx = _words()
    stripped = text.strip()
    flat = lead_rx.sub("", stripped, count=1)
    led = len(flat) < len(stripped)
    if (date := _date_start().search(flat)) is not None:
        flat = flat[: date.start()]  # "Nov. 19, 2019 8:03 am ET": a month before a number
    flat = " ".join(_CUT.sub("", flat).split())
    if (m := stop_rx.search(flat)) is not None:
        flat = flat[: m.start()]
    names: list[str] = []
    for part in joiner_rx.split(flat):
        name = _name(part, particles)
        if name is None:
            break
        if lookup(name) is not None or name.split()[0].casefold() in _not_names():
            continue  # "…, Associated Press": an outlet, not a person
        if name not in names:
            names.append(name)
        if len(names) == _MAX_NAMES:
            break
    handle = _HANDLE.match(flat) if not names and led else None
    if handle is not None and handle.group(1).casefold() not in _not_names():
        return handle.group(1)  # "by jdadmin"
    return ", ".join(names) or None


def _name(part: str, particles: frozenset[str]) -> str | None:
    """The person's name a part starts with (capitalised words, particles inside), or None."""
    toks = part.split()
    kept: list[str] = []
    for t in toks:
        if not _NAME_WORD.match(t) or (len(t) == 1 and t.isalpha()):
            break
        capital = t[0].isupper() or t[0].lower() == t[0].upper()
        if not capital and t not in particles:
            break
        kept.append(t)
        if len(kept) == _MAX_NAME_WORDS:
            break
    while kept and kept[-1] in particles:
        kept.pop()
    if len(kept) == 1 and len(toks) > 1 and toks[1][:1].islower() and toks[1] not in particles:
        return None  # "How to get …", "Get author RSS feed": a sentence, not a name
    if not kept or (len(kept) == 1 and len(toks) > 1 and len(kept[0]) < 3):
        return None
    name = " ".join(kept)
    if name.isupper() and len(name) > 3:
        name = name.title()  # "MORITZ GATHMANN"
    return name
