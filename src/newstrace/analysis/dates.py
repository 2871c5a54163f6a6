"""Dates: every day a page names, normalised to "YYYY-MM-DD" against the page's own date.

News writes most dates relative to the day of the story ("on Monday", "from tomorrow", "September 30",
"September 30 last year"), so each is resolved against an *anchor*: the page's ``published`` date, else
the first credit or dateline that carries a date, else the most recent full date stated near the top.

The rules are those of news style: a bare weekday or month-day is the most recent one on or before the
anchor ("the minister said on Monday"); a cue word ("starting Tuesday", "from March 15", "until Friday") or a
future verb ("will meet on Tuesday") lets it be the nearest one, and so the coming one; "last"/"next"
and "last year"/"next year" say so themselves. Durations ("25 years"), bare months and years, holidays
and vague spans ("the last week") get no value, so no mention: a mention always has a day.

Candidates come from one compiled regex over the text; spaCy's DATE spans that the regex did not
cover are handed to dateparser (cached, lazily imported), and only when they look like a calendar
date (a month name or a numeric date), so the slow parser sees a few strings per page at most.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from ..model import DateMention, Document
from ..pipeline import stage
from .nlp import SentenceIndex
from .shown_dates import find_shown_date

__all__ = ["anchor_date", "find_date_mentions", "find_dates", "normalise", "page_date", "shown_date"]

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}  # fmt: skip

# full names take no period, abbreviations may: "the 3rd of May." keeps its full stop out of the date
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER|"
    r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec|JAN|FEB|MAR|APR|JUN|JUL|AUG|SEPT|SEP|OCT|NOV|DEC)"
    r"\.?)"
)
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_WD_ANY = rf"(?:{_WD}|Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\.?"
_S = r"[^\S\n]+"
_ORD = r"(?:st|nd|rd|th)?"
_RELYEAR = rf"(?:{_S}(?:of{_S})?(?P<{{g}}>last|this|next|previous|the{_S}previous|the{_S}following){_S}year)?"

_DATE_RX = re.compile(
    # every form opens a word with a digit, a capital or one of a few words: this test rejects most
    # positions at once, before the alternatives are tried one by one
    r"\b(?=[\dA-Z]|(?i:the|last|next|this|coming|past|previous|today|tonight|tomorrow|yesterday|day|a\s|one|"
    r"two|three|four|five|six|seven|eight|nine|ten))(?:"
    + "|".join(
        [
            r"(?P<iso>(?<![\d-])(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})(?![\d-]))",
            r"(?P<num>(?<![\d/.])(?P<n1>\d{1,2})(?P<sep>[/.])(?P<n2>\d{1,2})(?P=sep)(?P<ny>\d{4})(?![\d/]))",
            rf"(?P<md>(?:{_WD_ANY},?{_S})?(?:the{_S})?(?P<m1>{_MONTH}){_S}(?P<d1>\d{{1,2}}){_ORD}(?![\d:])"
            rf"(?:(?:,?{_S}|{_S}?,{_S}?)(?P<y1>\d{{4}})(?!\d))?" + _RELYEAR.format(g="r1") + ")",
            rf"(?P<dm>(?:{_WD_ANY},?{_S})?(?:the{_S})?(?P<d2>\d{{1,2}}){_ORD}{_S}(?:of{_S})?(?P<m2>{_MONTH})(?![\w])"
            rf"(?:,?{_S}(?P<y2>\d{{4}})(?!\d))?" + _RELYEAR.format(g="r2") + ")",
            rf"(?P<wk>(?:(?P<wmod>(?i:last|next|this{_S}coming|this|coming|past|previous)){_S})?(?P<wd>{_WD})(?!\w)"
            rf"(?:{_S}(?P<part>morning|afternoon|evening|night))?)",
            rf"(?P<rel>(?i:(?:the{_S})?day{_S}(?:before{_S}yesterday|after{_S}tomorrow)|today|tonight|tomorrow|"
            rf"yesterday))(?![\w-])",
            rf"(?P<ago>(?P<n>\d{{1,3}}|(?i:a|one|two|three|four|five|six|seven|eight|nine|ten)){_S}(?i:days?)"
            rf"{_S}(?P<dir>(?i:ago|from{_S}now)))",
        ]
    )
    + ")"
)
_WORDNUM = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
            "nine": 9, "ten": 10}  # fmt: skip
# a cue before a date lets it lie in the near future: "starting Tuesday", "from March 15", "until Friday"
_CUE = re.compile(
    r"\b(?:starting|start|starts|beginning|begins|from|until|till|through|by|as[^\S\n]+of|effective)"
    r"(?:[^\S\n]+(?:on|from|at))?[^\S\n]+(?:the[^\S\n]+)?$",
    re.I,
)
# a capitalised word before a weekday or "Today" makes it a name: "Good Friday", "Russia Today"
_CAP_BEFORE = re.compile(r"([A-Z][\w'’-]*)[^\S\n]+$")
_TEMPORAL = frozenset(
    {"on", "last", "next", "this", "since", "by", "until", "till", "from", "early", "late", "earlier",
     "later", "every", "each", "through", "before", "after", "and", "or", "but", "the", "coming", "past",
     "previous", "starting", "beginning", "as", "of"}
)  # fmt: skip
_SENTENCE_START = re.compile(r"(?:^|[.!?…:;\"“”'‘’\[(—–-]\s*|\n\s*)$")
_LOOKS_LIKE_DATE = re.compile(
    rf"\b{_MONTH}(?!\w)|\b\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}\b|\b\d{{4}}[/.]\d{{1,2}}[/.]\d{{1,2}}\b", re.I
)
_DURATION = re.compile(
    r"\b(?:years?|months?|weeks?|days?|hours?|minutes?|decades?|centuries)\b(?!\s+ago)", re.I
)


def _iso(s: str | None) -> date | None:
    if not s or len(s) < 10:
        return None
    try:
        return date.fromisoformat(s[:10])
    except ValueError:
        return None


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _month(s: str) -> int:
    return _MONTHS[s[:3].lower()]


def _full_dates(text: str) -> Iterator[date]:
    for m in _DATE_RX.finditer(text):
        if m.group("iso") or m.group("num") or m.group("y1") or m.group("y2"):
            v = _absolute(m)
            if v is not None:
                yield v


def _absolute(m: re.Match[str]) -> date | None:
    if m.group("iso"):
        return _safe(int(m.group("iy")), int(m.group("im")), int(m.group("id")))
    if m.group("num"):
        a, b, y = int(m.group("n1")), int(m.group("n2")), int(m.group("ny"))
        if m.group("sep") == "/" and a <= 12:  # US order: 3/14/2016
            return _safe(y, a, b)
        return _safe(y, b, a)  # 14/03/2016, 14.03.2016
    if m.group("y1"):
        return _safe(int(m.group("y1")), _month(m.group("m1")), int(m.group("d1")))
    if m.group("y2"):
        return _safe(int(m.group("y2")), _month(m.group("m2")), int(m.group("d2")))
    return None


def anchor_date(doc: Document, top: int = 3000) -> date | None:
    """The page's own date: published, else a credit's or dateline's, else the latest date near the top."""
    d = _iso(doc.published)
    if d is not None:
        return d
    for c in doc.credits:
        d = _iso(c.date)
        if d is not None:
            return d
    head = doc.text[: max(top, len(doc.text) // 10)]
    found = [x for x in _full_dates(head) if 1900 <= x.year <= 2100]
    return max(found) if found else None


def _on_or_before(anchor: date, weekday: int) -> date:
    return anchor - timedelta(days=(anchor.weekday() - weekday) % 7)


def _on_or_after(anchor: date, weekday: int) -> date:
    return anchor + timedelta(days=(weekday - anchor.weekday()) % 7)


def _year_choice(anchor: date, month: int, day: int, mode: str) -> date | None:
    """The month-day on or before the anchor ("past"), on or after it ("future"), or the nearer ("near")."""
    this_year = _safe(anchor.year, month, day)
    prev = this_year if this_year and this_year <= anchor else _safe(anchor.year - 1, month, day)
    nxt = this_year if this_year and this_year >= anchor else _safe(anchor.year + 1, month, day)
    if mode == "future" or prev is None:
        return nxt
    if mode == "near" and nxt is not None and (nxt - anchor) <= (anchor - prev):
        return nxt
    return prev


def normalise(m: re.Match[str], anchor: date | None, mode: str = "past") -> date | None:
    """The day a match of the date pattern names; ``mode`` is "past", "near" or "future" (module doc)."""
    v = _absolute(m)
    if v is not None or m.group("iso") or m.group("num") or m.group("y1") or m.group("y2"):
        return v
    if anchor is None:
        return None
    if m.group("md") or m.group("dm"):
        month = _month(m.group("m1") or m.group("m2"))
        day = int(m.group("d1") or m.group("d2"))
        rel = (m.group("r1") or m.group("r2") or "").split()[-1:] or [""]
        shift = {"last": -1, "previous": -1, "this": 0, "next": 1, "following": 1}.get(rel[0].lower())
        if shift is not None:
            return _safe(anchor.year + shift, month, day)
        return _year_choice(anchor, month, day, mode)
    if m.group("wk"):
        wd = _WEEKDAYS[m.group("wd").lower()]
        mod = " ".join((m.group("wmod") or "").lower().split())
        if mod in ("last", "past", "previous"):
            return _on_or_before(anchor - timedelta(days=1), wd)
        if mod in ("next", "this coming", "coming"):
            return _on_or_after(anchor + timedelta(days=1), wd)
        before, after = _on_or_before(anchor, wd), _on_or_after(anchor, wd)
        if mode == "future" or (mode == "near" or mod == "this") and (after - anchor) <= (anchor - before):
            return after
        return before
    if m.group("rel"):
        word = " ".join(m.group("rel").lower().split())
        offset = {"today": 0, "tonight": 0, "tomorrow": 1, "yesterday": -1}.get(word)
        if offset is None:
            offset = -2 if "yesterday" in word else 2
        return anchor + timedelta(days=offset)
    if m.group("ago"):
        n = m.group("n").lower()
        days = int(n) if n.isdigit() else _WORDNUM[n]
        return anchor + timedelta(days=-days if m.group("dir").lower() == "ago" else days)
    return None


def _is_name(text: str, start: int) -> bool:
    """A capitalised word before a weekday or "Today" makes it a name ("Good Friday", "Russia Today")."""
    m = _CAP_BEFORE.search(text, max(0, start - 30), start)
    if m is None or m.group(1).lower() in _TEMPORAL:
        return False
    return not _SENTENCE_START.search(text, max(0, m.start() - 3), m.start())


_WILL = frozenset({"will", "'ll", "’ll", "shall", "wo"})
_AHEAD = frozenset({"upcoming", "scheduled", "slated", "forthcoming"})


def _tense(parse: Any, start: int, end: int) -> str | None:
    """ "future" when the date hangs on a verb with "will"/"shall" ("will meet on Tuesday"); "near" when
    its sentence looks ahead elsewhere ("said on Monday it will …"); else None."""
    if parse is None:
        return None
    span = parse.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    tok = span.root
    for _ in range(6):
        if tok.pos_ in ("VERB", "AUX") or tok.head is tok:
            break
        tok = tok.head
    for _ in range(3):  # "will be allowed to expire on …": climb open complements and conjuncts
        if any(ch.dep_ == "aux" and ch.lower_ in _WILL for ch in tok.children):
            return "future"
        if tok.dep_ not in ("xcomp", "conj") or tok.head is tok:
            break
        tok = tok.head
    sent = SentenceIndex.of_doc(parse).of(span.root)
    if any((t.tag_ == "MD" and t.lower_ in _WILL) or t.lower_ in _AHEAD for t in sent):
        return "near"
    return None


# "MOSCOW, ", "HEMPSTEAD, N.Y., ": a date in a dateline is the story's own day, before or after the anchor
_DATELINE = re.compile(r"(?:^|\n)[^\S\n]*[A-Z][A-Z .'’-]+(?:,[^\S\n]*[A-Z][\w.]*\.?)*,[^\S\n]*$")


def _mode(text: str, parse: Any, start: int, end: int) -> str:
    tense = _tense(parse, start, end)
    if tense == "future":
        return "future"
    if tense == "near" or _CUE.search(text, max(0, start - 30), start):
        return "near"
    if _DATELINE.search(text, max(0, start - 40), start):
        return "near"
    return "past"


@lru_cache(maxsize=4096)
def _dateparser(s: str, anchor: date | None) -> date | None:
    try:
        import dateparser  # type: ignore[import-untyped,unused-ignore]
    except ImportError:  # optional: the regex rules cover the common forms
        return None
    settings: dict[str, Any] = {"PREFER_DATES_FROM": "past", "REQUIRE_PARTS": ["day", "month"]}
    if anchor is not None:
        settings["RELATIVE_BASE"] = datetime(anchor.year, anchor.month, anchor.day)
    elif not re.search(r"\d{4}", s):
        return None
    try:
        got = dateparser.parse(s, languages=["en"], settings=settings)
    except Exception:  # noqa: BLE001 - a parser failure on odd text is no date, not a crash
        return None
    return got.date() if got is not None else None


_TRIM_DATE = re.compile(r"^(?:(?:the|on|by|of|from|until|since|in)[^\S\n]+)+", re.I)


def _spacy_leftovers(
    doc: Document, taken: Sequence[tuple[int, int]], anchor: date | None
) -> list[DateMention]:
    parse = doc.parse
    if parse is None:
        return []
    out = []
    for ent in parse.ents:
        if ent.label_ != "DATE":
            continue
        s, e = ent.start_char, ent.end_char
        if any(a < e and s < b for a, b in taken):
            continue
        piece = doc.text[s:e]
        if not _LOOKS_LIKE_DATE.search(piece) or _DURATION.search(piece):
            continue
        lead = _TRIM_DATE.match(piece)
        if lead:
            s += lead.end()
            piece = doc.text[s:e]
        v = _dateparser(piece, anchor)
        if v is not None:
            out.append(DateMention(s, e, piece, v.isoformat()))
    return out


def find_date_mentions(doc: Document, anchor: date | None) -> list[DateMention]:
    """Every dated expression of ``doc`` with its day, against ``anchor``."""
    text = doc.text
    out: list[DateMention] = []
    for m in _DATE_RX.finditer(text):
        s, e = m.span()
        if m.group("md") or m.group("dm"):
            mon = m.group("m1") or m.group("m2")
            if not mon[0].isupper():
                continue
        if m.group("wk") and not m.group("wmod") and _is_name(text, s):
            continue
        if m.group("rel") and m.group("rel")[0].isupper() and _is_name(text, s):
            continue
        mode = "past"
        if not (m.group("iso") or m.group("num") or m.group("y1") or m.group("y2") or m.group("rel")):
            mode = _mode(text, doc.parse, s, e)
        v = normalise(m, anchor, mode)
        if v is None:
            continue
        out.append(DateMention(s, e, text[s:e], v.isoformat()))
    taken = [(d.start, d.end) for d in out]
    out.extend(_spacy_leftovers(doc, taken, anchor))
    out.sort(key=lambda d: d.start)
    return out


@stage("dates", needs={"parse", "credits"}, adds={"dates"})
def find_dates(doc: Document) -> Document:
    """Normalise the page's date expressions against its own date."""
    return doc.with_annotations("dates", dates=tuple(find_date_mentions(doc, anchor_date(doc))))


_HEAD_KINDS = frozenset({"headline", "subheadline", "dateline", "byline"})
YEAR = re.compile(r"(?<!\d)(?:1[89]|20)\d\d(?!\d)")  # a four-digit year (1800–2099) standing alone


def page_date(doc: Document | Mapping[str, Any]) -> str | None:
    """The day a page reports from: its ``published`` date, else a credit's, else a dated dateline.

    Works on a ``Document`` or its stored JSON, so stories can date pages without rebuilding them.
    """
    if isinstance(doc, Document):
        pub = doc.published
        credits = [c.date for c in doc.credits]
        heads = [(x.start, x.end) for x in doc.layers if x.kind in _HEAD_KINDS]
        dates = [(m.start, m.text, m.value) for m in doc.dates]
    else:
        pub = doc.get("published")
        credits = [c.get("date") for c in doc.get("credits") or []]
        heads = [(x["start"], x["end"]) for x in doc.get("layers") or [] if x["kind"] in _HEAD_KINDS]
        dates = [(m["start"], m.get("text", ""), m.get("value")) for m in doc.get("dates") or []]
    if pub and re.match(r"\d{4}-\d\d-\d\d", pub):
        return str(pub[:10])
    for c in credits:
        if c:
            return str(c)
    for start, text, value in dates:
        if value and YEAR.search(text or "") and any(s <= start < e for s, e in heads):
            return str(value)
    return None



def shown_date(s: str) -> str | None:
    """The day a short date line shows ("August 5, 2019 at 4:43 pm", "2. April 2014 um 8:29 Uhr"), as
    "YYYY-MM-DD", or None: only full dates with a year (see ``shown_dates``)."""
    if len(s) > 120 or len(s.split()) > 16:
        return None  # a sentence that names a day, not a date line
    found = find_shown_date(s)
    return found.day if found is not None else None
