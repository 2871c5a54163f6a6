"""Credit lines and credited datelines: which outlet a page says wrote (part of) it.

Republished copy keeps the marks of its origin: a credited dateline ("WASHINGTON (AP) —",
"MOSCOW, March 14. /TASS/."), a source line ("… from Russia Today, Moscow", "Source: RT"), a byline
naming an agency, a trailing "— Reuters", Reuters' "(Reporting by …; Editing by …)", a copyright
notice, a photo credit. Each is found as exact character offsets so the credit can be shown as evidence,
and the outlet is named by its registry id.

Everything here is anchored at line starts or ends, or bounded to short lines, so that a page is read in
one linear pass and an outlet merely mentioned in a sentence ("told The Associated Press") is no credit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import NamedTuple

from ..model import Credit, Document
from ..pipeline import stage
from .outlets import Outlet, by_domain, find_outlets, lookup

__all__ = [
    "CreditMatch",
    "find_credit_matches",
    "find_credits",
    "is_photo_credit",
    "parse_credit",
    "parse_credits",
    "parse_dateline",
    "resolve_date",
]


class CreditMatch(NamedTuple):
    """A credit found in one line; ``start``/``end`` are offsets into that line (or text, see callers)."""

    outlet: str  # registry id
    place: str | None
    date_text: str | None
    start: int
    end: int
    kind: str  # dateline | source | byline | trailer | reporting | contributor | copyright | origin | photo


# ---------------------------------------------------------------------------------------------------
# Building blocks

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = (
    r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?"
    r"|Sept?(?:ember|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
# A date as datelines write it: "March 14", "Sept. 26", "Jan 5, 2016", "14 March 2016", "2016-03-14".
_DATE = (
    rf"(?:{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?(?![\w])|{_DAY}\s+{_MONTH}(?:,?\s+{_YEAR})?(?![\w])"
    rf"|{_YEAR}-[01]\d-[0-3]\d)"
)
_NOT_MONTH = rf"(?!{_MONTH}\s+\d)"
# Place names in datelines: "WASHINGTON", "ST. LOUIS", "RIO DE JANEIRO", "New York", "HEMPSTEAD, N.Y.".
_CAPWORD = r"[A-Z][A-Za-z\u00C0-\u024F.'’\-]*"
_LINKWORD = r"(?:de|del|da|do|dos|du|la|le|les|el|al|am|an|of|upon|sur|on|en)"
_PLACE_PART = rf"{_NOT_MONTH}{_CAPWORD}(?:[ ](?:{_CAPWORD}|{_LINKWORD}(?=[ ][A-Z])))" + "{0,4}"
_PLACE = rf"{_PLACE_PART}(?:,[ ]{_PLACE_PART}){{0,2}}"
_DASH = r"(?:—|–|-{1,3}|‒|―)"

# "WASHINGTON (AP) —", "BEIJING, Jan. 5 (Xinhua) --", "MOSCOW, March 14. /TASS/.", "(CNN)The …".
_DATELINE_CREDIT = re.compile(
    rf"(?P<place>{_PLACE})?(?:\s*,\s*(?P<date>{_DATE}))?\.?\s*"
    r"(?:\((?P<paren>[^()/\n]{1,60})\)|/(?P<slash>[^/\n]{1,40})/)"
)
_SEP = re.compile(rf"\s*(?:{_DASH}|:|_(?=\s))|\.(?=\s|$)")  # " _ " is the dash of old wire copy
# "WASHINGTON —", "NEW YORK, March 3 --", "Moscow, March 14 —": a dateline naming no outlet.
_DATELINE_PLAIN = re.compile(
    rf"(?P<place>{_PLACE})(?:\s*,\s*(?P<date>{_DATE}))?\s*(?P<sep>{_DASH}|:)(?=\s|$)"
)

_SOURCE_LINE = re.compile(
    r"(?P<lead>[.…·•*\s]*(?:[—–-]{1,2}\s*)?)"
    r"(?:(?:[Ss]tory|[Aa]rticle|[Rr]eport|[Tt]ext|[Cc]ontent|[Nn]ews)\s+)?"
    r"(?P<cue>from|via|sources?|courtesy(?:\s+of)?|credit|reprinted\s+from|republished\s+from"
    r"|reposted\s+from|distributed\s+by|provided\s+by)\b\s*[:\-–—]?\s*(?P<rest>\S.*)",
    re.IGNORECASE,
)
_TRAILER = re.compile(rf"(?P<lead>{_DASH}\s*)(?P<name>[^\s—–].{{0,60}}?)\s*\.?$")
_END_TRAILER = re.compile(
    rf"(?<=[.!?”\"’)])\s+(?:{_DASH}\s*(?P<a>[A-Z][^—–\n]{{0,40}}?)|\((?P<b>[A-Z][^()\n]{{0,40}})\))\s*\.?$"
)
_END_VIA = re.compile(
    r"\((?:[Vv]ia|[Ss]ource:?|[Ff]rom|[Cc]ourtesy(?:\s+of)?)\s+(?P<name>[^()\n]{1,60})\)\s*\.?$"
    rf"|(?<=[.!?”\"’])\s+(?:{_DASH}\s*)?[Vv]ia\s+(?P<name2>[A-Z][^()\n]{{0,60}}?)\s*\.?$"
)
_BYLINE = re.compile(r"(?:By|BY|by)\s+(?P<rest>\S.{1,200})$")
_ROLE = re.compile(
    r"(?:\s+(?:[A-Z][a-z]+|[A-Z]+))*?\s*(?:[Ww]riters?|WRITERS?|[Cc]orrespondents?|CORRESPONDENTS?|[Rr]eporters?"
    r"|REPORTERS?|[Ss]taff|STAFF|[Ee]ditors?|[Jj]ournalists?|[Cc]olumnists?|[Pp]hotographers?|[Bb]ureau"
    r"|[Aa]nalysts?|[Ww]riters? and [Ee]ditors)\.?$"
)
_REPORTING = re.compile(
    r"\(?\s*(?:[Aa]dditional\s+)?(?:[Rr]eporting|[Ww]riting|[Ee]diting|[Cc]ompiled|[Rr]eported)"
    r"\s+by\b(?P<body>[^()\n]{2,600})\)?\s*\.?\s*$"
)
_CONTRIB = re.compile(
    r"\bcontribut(?:ed|es|ing)\b(?:\s+(?:to\s+(?:this|the)\s+(?:report|story|article)|reporting|this\s+report"
    r"|from\b[^.]{0,60}))?\s*\.?\s*$",
)
_CONTRIB_LEAD = re.compile(r"(?:Contributing|CONTRIBUTING)\s*:")
_COPYRIGHT = re.compile(r"(?:Copyright|COPYRIGHT|©|\([Cc]\))")
_COPY_LEAD = re.compile(rf"[\s©]*(?:{_YEAR}(?:\s*[-–]\s*{_YEAR})?)?[\s,©]*(?:by\s+)?")
_COPY_TAIL = re.compile(
    rf"(?:\s*,?\s*{_YEAR}\b)?(?:\s*/\s*[A-Z][\w.'’\- ]{{0,40}})?"
    r"(?:\s*[.,]?\s*(?:All|ALL)\s+[Rr]ights\s+[Rr]eserved\.?|\.(?=\s|$))?"
)
_COPY_NAME = re.compile(r"(?:[Tt]he\s+)?[A-Z][\w&'’\-]*(?:[ ][A-Z][\w&'’\-]*){0,4}")
_ORIGIN = re.compile(
    r"(?:(?:This|The)\s+(?:article|story|post|piece|report|interview|column|item|op-ed|essay)\s+"
    r"(?:was\s+|is\s+|has\s+been\s+|first\s+|originally\s+)*"
    r"(?:originally|first)\s+(?:appeared|published|posted|ran)\s+(?:on|in|at|by|with)"
    r"|(?:Originally|First)\s+(?:appeared|published|posted)\s+(?:on|in|at|by)"
    r"|(?:Republished|Reprinted|Reposted)\s+(?:with\s+permission\s+)?(?:from|of|by|courtesy\s+of))"
    r"\s+(?P<rest>\S[^\n]{0,200})"
)
_PHOTO_MARK = re.compile(
    r"(?:[Pp]hotos?|PHOTOS?|[Ii]mages?|IMAGES?|[Pp]ictures?|[Pp]hotograph|[Vv]ideo|VIDEO|[Ff]ile\s+[Pp]hoto)"
    r"(?:\s+[Cc]redits?)?\s*(?::|by\b)\s*(?P<rest>[^()\n]{1,100}?)\s*\)?\.?$"
)
_PHOTO_WORD = re.compile(
    r"\s*(?:AP\s+)?(?:[Pp]hotos?|PHOTOS?|[Ii]mages?|IMAGES?|[Pp]ictures?|[Ff]ile\s+[Pp]hoto|[Cc]redit)\b"
)
_PAREN = re.compile(r"\((?P<body>[^()\n]{2,120})\)")
_SLASH_CHUNKS = re.compile(
    r"\(?(?P<chunk>[A-Z][\w.'’\-]*(?:[ ][A-Z][\w.'’\-]*){0,4}"
    r"(?:\s*/\s*[A-Z][\w.'’\-]*(?:[ ][A-Z][\w.'’\-]*){0,4}){1,3})\s*\.?\)?\.?$"
)
_LIST_SPLIT = re.compile(r"\s*(?:[,;|]|\band\b|&|\s/\s)\s*")
_FULL_DATE = re.compile(
    rf"\b(?:{_MONTH}\s+{_DAY},?\s+{_YEAR}|{_DAY}\s+{_MONTH},?\s+{_YEAR}|{_YEAR}-[01]\d-[0-3]\d)\b"
)

_MAX_SHORT = 200  # a line this short may be a credit line as a whole
_LONG_TAIL = 600  # only this much of a line's end is searched for trailing credits


def _outlet(name: str) -> Outlet | None:
    """Registry outlet for a candidate name, trying the name, then its first words ("Reuters Health")."""
    name = name.strip().rstrip(".").strip()
    if not name or len(name) > 80:
        return None
    hit = lookup(name)
    if hit is not None:
        return hit
    words = name.split()
    for n in range(min(len(words) - 1, 3), 0, -1):
        hit = lookup(" ".join(words[:n]))
        if hit is not None:
            return hit
    return None


def _looks_like_place(s: str) -> bool:
    return bool(re.fullmatch(_PLACE, s.strip().rstrip(".")))


def _strip_span(line: str, start: int, end: int) -> tuple[int, int]:
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    return start, end


# ---------------------------------------------------------------------------------------------------
# Line parsers

def _dateline_credit(line: str, lead: int) -> CreditMatch | None:
    m = _DATELINE_CREDIT.match(line, lead)
    if m is None:
        return None
    name = m.group("paren") or m.group("slash")
    if re.search(r"\b(?:Photo|PHOTO|Image|Video|File)\b", name):
        return None
    o = _outlet(name)
    if o is None:
        return None
    place, when = m.group("place"), m.group("date")
    end = m.end()
    sep = _SEP.match(line, end)
    if sep is not None:
        end = sep.end()
    elif line.startswith(tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ“\"‘'"), end):
        pass  # "(CNN)The president …": the credit runs straight into the text
    elif m.group("slash") is not None and place is not None:
        pass
    elif (place is not None and (place.split()[0].isupper() or when is not None)
          and re.match(r"\s+[A-Z“\"‘']", line[end:end + 3])):
        pass  # "WASHINGTON (AP) The …": the dash got lost on the way
    else:
        return None
    if m.group("slash") is not None and place is None:
        return None
    if place is None and when is None and sep is not None and sep.group().strip() == ".":
        return None
    start, end = _strip_span(line, m.start(), end)
    return CreditMatch(o.id, place.strip() if place else None, when, start, end, "dateline")


def _source_line(line: str, lead: int) -> list[CreditMatch]:
    """Whole lines such as "… from Russia Today, Moscow", "Source: RT, TASS", "Via UPI"."""
    m = _SOURCE_LINE.match(line, lead)
    if m is None or len(line) - lead > _MAX_SHORT:
        return []
    rest = m.group("rest").strip()
    pieces = [p for p in _LIST_SPLIT.split(rest.rstrip(".")) if p.strip()]
    outlets: list[Outlet] = []
    place: str | None = None
    for k, raw in enumerate(pieces):
        piece = raw.strip()
        o = by_domain(piece) if re.match(r"(?:https?://|www\.)", piece) else lookup(piece)
        if o is not None:
            outlets.append(o)
        elif k == len(pieces) - 1 and outlets and _looks_like_place(piece):
            place = piece
        else:
            return []
    if not outlets:
        return []
    start, end = _strip_span(line, lead, len(line))
    return [CreditMatch(o.id, place, None, start, end, "source") for o in _unique(outlets)]


def _unique(outlets: list[Outlet]) -> list[Outlet]:
    seen: dict[str, Outlet] = {}
    for o in outlets:
        seen.setdefault(o.id, o)
    return list(seen.values())


def _trailer(line: str, lead: int) -> CreditMatch | None:
    """A line that is only "— Reuters", "-- The Associated Press", "—AP"."""
    m = _TRAILER.match(line, lead)
    if m is None:
        return None
    o = lookup(m.group("name").strip().rstrip("."))
    if o is None:
        return None
    start, end = _strip_span(line, lead, len(line))
    return CreditMatch(o.id, None, None, start, end, "trailer")


def _end_trailer(line: str, lead: int) -> CreditMatch | None:
    """A paragraph ending "… he said. — AP", "… he said. (Reuters)" or "… (via UPI)"."""
    tail = max(lead, len(line) - 80)
    for pattern, groups in ((_END_TRAILER, ("a", "b")), (_END_VIA, ("name", "name2"))):
        m = pattern.search(line, tail)
        if m is None:
            continue
        name = m.group(groups[0]) or m.group(groups[1]) or ""
        o = lookup(name.strip().rstrip("."))
        if o is not None:
            start, end = _strip_span(line, m.start(), m.end())
            return CreditMatch(o.id, None, None, start, end, "trailer")
    return None


def _byline(line: str, lead: int) -> list[CreditMatch]:
    """ "By Jane Doe, Associated Press", "By JANE DOE Associated Press", "By Reuters Staff"."""
    m = _BYLINE.match(line, lead)
    if m is None:
        return []
    rest = m.group("rest").rstrip().rstrip(".")
    rest_start = m.start("rest")
    whole = _outlet_with_role(rest)
    if whole is not None:
        found = [whole]
    else:
        found = []
        for om in find_outlets(line, rest_start, rest_start + len(rest)):
            after = line[om.end:rest_start + len(rest)]
            before = line[rest_start:om.start].rstrip()
            tail_ok = not after.strip() or bool(_ROLE.fullmatch(after)) or bool(
                re.fullmatch(r"\s*[,|/–—-]\s*" + _PLACE + r"\s*", after))
            head_ok = (not before or before.endswith((",", "|", "/", "—", "–", "-", " of", " for"))
                       or before.isupper() or re.search(r"[A-Z][\w.'’]*$", before) is not None)
            if tail_ok and head_ok:
                found.append(om.outlet)
    if not found:
        return []
    start, end = _strip_span(line, lead, len(line))
    return [CreditMatch(o.id, None, None, start, end, "byline") for o in _unique(found)]


def _outlet_with_role(s: str) -> Outlet | None:
    """ "Reuters Staff", "The Associated Press", "AP Diplomatic Writer" -> the outlet, else None."""
    o = lookup(s)
    if o is not None:
        return o
    for om in find_outlets(s):
        if (om.start == 0 or s[:om.start].strip().lower() == "the") and _ROLE.fullmatch(s[om.end:]):
            return om.outlet
        break
    return None


def _reporting(line: str, lead: int) -> CreditMatch | None:
    """Reuters' signature "(Reporting by …; Editing by …)", alone or ending a paragraph."""
    start_at = max(lead, len(line) - _LONG_TAIL)
    idx = line.rfind("(", start_at)
    candidates = [idx] if idx >= 0 else []
    candidates.append(lead)
    for pos in candidates:
        m = _REPORTING.match(line, pos)
        if m is None:
            continue
        body = m.group(0)
        signature = (";" in body or re.search(r"[Ee]diting by|[Ww]riting by|[Aa]dditional reporting", body))
        if not signature:
            continue
        start, end = _strip_span(line, m.start(), m.end())
        return CreditMatch("Reuters", None, None, start, end, "reporting")
    return None


def _contributor(line: str, lead: int) -> list[CreditMatch]:
    """ "Associated Press writer Jane Doe contributed to this report." / "Contributing: …, AP"."""
    if len(line) - lead > 400:
        return []
    if _CONTRIB.search(line, lead) is None and _CONTRIB_LEAD.match(line, lead) is None:
        return []
    found: list[Outlet] = []
    for om in find_outlets(line, lead):
        after = line[om.end:om.end + 40]
        before = line[max(lead, om.start - 12):om.start]
        if (re.match(r"\s*(?:'s\s+)?(?:[A-Z][a-z]+\s+)*(?:writers?|reporters?|correspondents?|staff|"
                     r"photographers?|journalists?|editors?)\b", after, re.IGNORECASE)
                or re.search(r"(?:\bof|\bfrom|\bfor|,)\s*$", before)):
            found.append(om.outlet)
    if not found:
        return []
    start, end = _strip_span(line, lead, len(line))
    return [CreditMatch(o.id, None, None, start, end, "contributor") for o in _unique(found)]


def _copyrights(line: str, lead: int) -> list[CreditMatch]:
    """ "Copyright 2016 The Associated Press. All rights reserved.", "© AFP 2016", "© 2016 Reuters"."""
    out: list[CreditMatch] = []
    for m in _COPYRIGHT.finditer(line, max(lead, len(line) - _LONG_TAIL) if len(line) > 2000 else lead):
        lead_m = _COPY_LEAD.match(line, m.end())
        pos = lead_m.end() if lead_m else m.end()
        hits = find_outlets(line, pos, min(len(line), pos + 80))
        outlet: Outlet | None = None
        name_end = pos
        if hits and (hits[0].start == pos or line[pos:hits[0].start].strip().lower() == "the"):
            outlet, name_end = hits[0].outlet, hits[0].end
        else:
            nm = _COPY_NAME.match(line, pos)
            if nm is not None:
                outlet = lookup(nm.group().strip())
                name_end = nm.end()
        if outlet is None:
            continue
        tail = _COPY_TAIL.match(line, name_end)
        end = tail.end() if tail else name_end
        kind = "photo" if "/" in line[name_end:end] else "copyright"
        start, end = _strip_span(line, m.start(), end)
        out.append(CreditMatch(outlet.id, None, None, start, end, kind))
    return out


def _origin(line: str, lead: int) -> CreditMatch | None:
    """ "This article originally appeared on RT.com", "Republished with permission from Reuters"."""
    if len(line) - lead > 600:
        return None
    m = _ORIGIN.search(line, lead)
    if m is None:
        return None
    rest = m.group("rest")
    o: Outlet | None = None
    url = re.match(r"(?:https?://)?(?:www\.)?[\w\-]+(?:\.[\w\-]+)+(?:/\S*)?", rest)
    if url and "." in url.group():
        o = by_domain(url.group())
    if o is None:
        hits = find_outlets(rest)
        if hits and (hits[0].start == 0 or rest[:hits[0].start].strip().lower() == "the"):
            o = hits[0].outlet
    if o is None:
        o = _outlet(re.split(r"[,.;:(]|\s+on\s|\s+in\s", rest, maxsplit=1)[0])
    if o is None:
        return None
    end = line.find(". ", m.start("rest"))
    end = len(line) if end < 0 else end + 1
    start, end = _strip_span(line, m.start(), end)
    return CreditMatch(o.id, None, None, start, end, "origin")


def _photos(line: str, lead: int) -> list[CreditMatch]:
    """Photo credits: "(AP Photo/Evan Vucci)", "(Photo: Reuters)", a caption ending "J. DOE/AFP/Getty Images".

    A slash alone proves nothing ("a Reuters/Ipsos poll"), so the credit must be marked as a photo's, or
    close a caption: a parenthesis ending the line, or a line tail made only of slash-joined names.
    """
    out: list[CreditMatch] = []
    search_from = max(lead, len(line) - _LONG_TAIL)
    spans: list[tuple[int, int, bool]] = []  # start, end, marked as a photo credit
    for m in _PAREN.finditer(line, search_from):
        body = m.group("body")
        marked = _PHOTO_WORD.match(body) is not None
        closing = not line[m.end():].strip(" .")
        if marked or ("/" in body and closing):
            spans.append((m.start(), m.end(), marked))
    m2 = _PHOTO_MARK.search(line, search_from)
    if m2 is not None:
        spans.append((m2.start(), m2.end(), True))
    cut = max(line.rfind(". ", search_from), line.rfind("” ", search_from), line.rfind("? ", search_from))
    tail = cut + 2 if cut >= 0 else lead
    m3 = _SLASH_CHUNKS.fullmatch(line, tail)
    if m3 is not None:
        spans.append((m3.start("chunk"), m3.end(), False))
    kept: list[tuple[int, int, bool]] = []
    for span in spans:
        if not any(span[0] < e and k < span[1] for k, e, _ in kept):
            kept.append(span)
    for s, e, marked in kept:
        hits = find_outlets(line, s, e)
        if marked and not hits and m2 is not None and s == m2.start():
            o = lookup(m2.group("rest").split("/")[0])
            if o is not None:
                a, b = _strip_span(line, s, e)
                out.append(CreditMatch(o.id, None, None, a, b, "photo"))
        for om in hits:
            near = line[max(s, om.start - 2):min(e, om.end + 8)]
            if marked or "/" in near:
                a, b = _strip_span(line, s, e)
                out.append(CreditMatch(om.outlet.id, None, None, a, b, "photo"))
    return _dedupe(out)


def _dedupe(ms: list[CreditMatch]) -> list[CreditMatch]:
    seen: set[tuple[str, int, int]] = set()
    out: list[CreditMatch] = []
    for c in ms:
        key = (c.outlet, c.start, c.end)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def parse_credits(line: str) -> list[CreditMatch]:
    """Every credit in one line (paragraph), with offsets into ``line``; [] when it credits nobody."""
    lead = len(line) - len(line.lstrip())
    if lead == len(line):
        return []
    out: list[CreditMatch] = []
    first = _dateline_credit(line, lead)
    if first is not None:
        out.append(first)
    else:
        whole: list[CreditMatch] = []
        t = _trailer(line, lead)
        if t is not None:
            whole.append(t)
        if not whole:
            whole.extend(_source_line(line, lead))
        if not whole and len(line) - lead <= _MAX_SHORT:
            whole.extend(_byline(line, lead))
        out.extend(whole)
    r = _reporting(line, lead)
    if r is not None:
        out.append(r)
    out.extend(_contributor(line, lead))
    o = _origin(line, lead)
    if o is not None:
        out.append(o)
    out.extend(_copyrights(line, lead))
    if not any(c.kind in ("trailer", "source", "byline") for c in out):
        e = _end_trailer(line, lead)
        if e is not None and not any(c.start <= e.start < c.end for c in out):
            out.append(e)
    taken = [(c.start, c.end) for c in out]
    out.extend(p for p in _photos(line, lead)
               if not any(a <= p.start < b or p.start <= a < p.end for a, b in taken))
    out.sort(key=lambda c: (c.start, c.end))
    return _dedupe(out)


def parse_credit(line: str) -> CreditMatch | None:
    """The first credit in a line, e.g. a credited dateline; ``end`` is where the credit part stops.

    For "MOSCOW, March 14. /TASS/. Russian President …" this is ``("TASS", "MOSCOW", "March 14", 0, 25,
    "dateline")``; a line that is a credit as a whole ("— Reuters") has ``end == len(line.rstrip())``.
    """
    found = parse_credits(line)
    return found[0] if found else None


def parse_dateline(paragraph: str) -> tuple[str, str | None, int] | None:
    """``(place, date_text, end)`` when a paragraph opens with a dateline, credited or not.

    "WASHINGTON —", "NEW YORK, March 3 --", "WASHINGTON (AP) —", "MOSCOW, March 14. /TASS/.". ``end`` is
    the offset just past the dateline's separator. A plain dateline needs a place in capitals or a date,
    so that an ordinary sentence ("Washington — the city …") is not taken for one.
    """
    lead = len(paragraph) - len(paragraph.lstrip())
    c = _dateline_credit(paragraph, lead)
    if c is not None and c.place is not None:
        return c.place, c.date_text, c.end
    m = _DATELINE_PLAIN.match(paragraph, lead)
    if m is None:
        return None
    place = m.group("place").strip()
    first_word = place.split()[0].strip(",.")
    if not (first_word.isupper() and len(first_word) >= 2) and m.group("date") is None:
        return None
    return place, m.group("date"), m.end()


def is_photo_credit(credit_text: str) -> bool:
    """Whether a credit's text is a photo credit (it credits a picture, not the article)."""
    return bool(re.search(r"/|\b(?:Photo|PHOTO|Image|IMAGE|Picture|Photograph|Video|VIDEO)\b", credit_text))


# ---------------------------------------------------------------------------------------------------
# Dates

def _parse_date_text(s: str) -> tuple[int | None, int, int] | None:
    """(year or None, month, day) of a dateline's date text."""
    s = s.strip()
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", s)
    if iso:
        return int(iso.group(1)), int(iso.group(2)), int(iso.group(3))
    words = re.findall(r"[A-Za-z]+|\d+", s)
    month = day = year = None
    for w in words:
        if w.isalpha():
            key = w.lower()[:4] if w.lower().startswith("sept") else w.lower()[:3]
            if key in _MONTHS and month is None:
                month = _MONTHS[key]
        elif len(w) == 4:
            year = int(w)
        elif day is None:
            day = int(w)
    if month is None or day is None:
        return None
    return year, month, day


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def resolve_date(date_text: str | None, reference: str | None) -> str | None:
    """ "YYYY-MM-DD" for a dateline's date, taking the year from ``reference`` ("YYYY-MM-DD") if needed.

    Of the years around the reference, the one putting the date nearest to it wins, so a "Dec. 31"
    dateline on a page published on 2 January belongs to the year before.
    """
    if not date_text:
        return None
    parsed = _parse_date_text(date_text)
    if parsed is None:
        return None
    year, month, day = parsed
    if year is not None:
        return _iso(year, month, day)
    if not reference or not re.match(r"\d{4}-\d{2}-\d{2}", reference):
        return None
    ref = date(int(reference[:4]), int(reference[5:7]), int(reference[8:10]))
    best: tuple[int, str] | None = None
    for y in (ref.year - 1, ref.year, ref.year + 1):
        iso = _iso(y, month, day)
        if iso is None:
            continue
        gap = abs((date.fromisoformat(iso) - ref).days)
        if best is None or gap < best[0]:
            best = (gap, iso)
    return best[1] if best else None


def _full_dates(text: str, stop: int) -> list[tuple[int, str]]:
    """Full dates ("March 14, 2016", "2016-03-14") stated in ``text[:stop]``, as (offset, ISO)."""
    out: list[tuple[int, str]] = []
    for m in _FULL_DATE.finditer(text, 0, stop):
        parsed = _parse_date_text(m.group())
        if parsed is None or parsed[0] is None:
            continue
        iso = _iso(parsed[0], parsed[1], parsed[2])
        if iso is not None:
            out.append((m.start(), iso))
    return out


# ---------------------------------------------------------------------------------------------------
# The stage

_FIRST_PART = 5000  # where a page states its own date, if it states one


def _lines(text: str) -> Iterator[tuple[int, str]]:
    for m in re.finditer(r"[^\n]+", text):
        yield m.start(), m.group()


def find_credit_matches(text: str) -> list[CreditMatch]:
    """Every credit in a text with offsets into it (``date_text`` as written, not yet resolved)."""
    out: list[CreditMatch] = []
    for offset, line in _lines(text):
        for c in parse_credits(line):
            out.append(c._replace(start=c.start + offset, end=c.end + offset))
    return out


def _reference_dates(doc: Document, matches: list[CreditMatch]) -> list[str | None]:
    if doc.published and re.match(r"\d{4}-\d{2}-\d{2}", doc.published):
        return [doc.published[:10]] * len(matches)
    if not any(c.date_text for c in matches):
        return [None] * len(matches)
    last = max(c.start for c in matches if c.date_text)
    stated = _full_dates(doc.text, max(last, min(len(doc.text), _FIRST_PART)))
    refs: list[str | None] = []
    for c in matches:
        before = [iso for pos, iso in stated if pos < c.start]
        if before:
            refs.append(before[-1])
        else:
            early = [iso for pos, iso in stated if pos < _FIRST_PART]
            refs.append(early[0] if early else None)
    return refs


@stage(name="credits", needs={"text"}, adds={"credits"})
def find_credits(doc: Document) -> Document:
    """Add every credit line and credited dateline on the page as ``Credit`` annotations."""
    matches = find_credit_matches(doc.text)
    refs = _reference_dates(doc, matches)
    credits = tuple(
        Credit(c.outlet, c.start, c.end, c.place, resolve_date(c.date_text, ref))
        for c, ref in zip(matches, refs, strict=True)
    )
    return doc.with_annotations("credits", credits=credits)
