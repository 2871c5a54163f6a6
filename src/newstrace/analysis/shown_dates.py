"""The full dates pages show beside comments and bylines, in the languages of the calendar data file.

"2. April 2014 um 8:29 Uhr - Antworten", "le mercredi 15 mai 2019 à 08h07", "Nov. 19, 2019 8:03 am ET":
a day, a month (a name or a number) and a year, wherever they sit in a short line. Only full dates
count; relative ones ("3 days ago") and dates without a year are no date. Numeric dates follow the
separator's convention: "3/14/2016" month first when the first number can be a month (US), "14.03.2016"
and "14/03/2016" day first.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

# Between a writer's name and the date after it: "am", "le mercredi", " | Di,", " – ".
_JOINER = re.compile(r"(?:\s+(?:on|am|um|le|el|il|at|op|em|den|the|de|du))+\s*$|[\s,|·•–—:-]+$", re.I)


@dataclass(frozen=True, slots=True)
class ShownDate:
    """A date found in a line: where it starts and ends, and the day as "YYYY-MM-DD"."""

    start: int
    end: int
    day: str


@cache
def _calendar() -> tuple[re.Pattern[str], dict[str, int], frozenset[str]]:
    raw = json.loads(resources.files("newstrace").joinpath("data/calendar_words.json").read_text("utf-8"))
    months = {name: i for i, names in enumerate(raw["months"], 1) for name in names}
    alts = "|".join(re.escape(m) for m in sorted(months, key=len, reverse=True))
    mon = rf"(?P<{{g}}>{alts})\.?"
    day_first = (
        rf"(?P<d1>\d{{1,2}})(?:\.|st|nd|rd|th|er|º)?\s*(?:de\s+)?{mon.format(g='m1')},?\s*(?:de\s+)?(?P<y1>\d{{4}})"
    )
    month_first = rf"{mon.format(g='m2')}\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{{4}})"
    numeric = r"(?P<n1>\d{1,2})(?P<sep>[./-])\s?(?P<n2>\d{1,2})(?P=sep)\s?(?P<y3>\d{4})"
    iso = r"(?P<y4>\d{4})-(?P<m4>\d{1,2})-(?P<d4>\d{1,2})"
    rx = re.compile(rf"(?<![\d.])(?:{day_first}|{month_first}|{iso}|{numeric})(?!\d)", re.I)
    return rx, months, frozenset(raw["weekdays"])


def find_shown_date(text: str) -> ShownDate | None:
    """The first full date in ``text`` (a short line), or None."""
    rx, months, _ = _calendar()
    for m in rx.finditer(text):
        g = m.groupdict()
        if g["d1"]:
            y, mo, d = int(g["y1"]), months[g["m1"].casefold()], int(g["d1"])
        elif g["d2"]:
            y, mo, d = int(g["y2"]), months[g["m2"].casefold()], int(g["d2"])
        elif g["y4"]:
            y, mo, d = int(g["y4"]), int(g["m4"]), int(g["d4"])
        else:
            a, b = int(g["n1"]), int(g["n2"])
            y = int(g["y3"])
            mo, d = (a, b) if g["sep"] == "/" and a <= 12 else (b, a)
        if not 1900 <= y <= 2100:
            continue
        try:
            day = date(y, mo, d)
        except ValueError:
            continue
        return ShownDate(m.start(), m.end(), day.isoformat())
    return None


def months() -> frozenset[str]:
    """Month names and abbreviations, lower-case."""
    return frozenset(_calendar()[1])


def weekdays() -> frozenset[str]:
    """Weekday names and abbreviations, lower-case (to trim "Di," from "Heidemarie Heim | Di, 21. April")."""
    return _calendar()[2]


def name_and_date(text: str) -> tuple[str, str | None]:
    """A comment head split into what comes before its date (the writer, if any) and the day."""
    found = find_shown_date(text) if len(text.split()) <= 16 else None
    if found is None:
        return text, None
    return strip_joiners(text[: found.start]), found.day


def strip_joiners(head: str) -> str:
    """What is left of the text before a date once the words joining it to the date are gone:
    "Heidemarie Heim | Di," and "Par Bruno Gobin, le mercredi" end at the name."""
    week = weekdays()
    while True:
        while (shorter := _JOINER.sub("", head)) != head:
            head = shorter
        last = head.rsplit(None, 1)
        if len(last) == 2 and last[1].rstrip(".,").casefold() in week:
            head = last[0]
            continue
        if len(last) == 1 and last[0].rstrip(".,").casefold() in week:
            head = ""
        return head
