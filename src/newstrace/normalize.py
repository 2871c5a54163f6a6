"""Text normalisation that remembers where every character came from.

Scraped text mixes line-ending styles, non-breaking and exotic spaces, zero-width and direction-control
characters and decomposed accents. Analysis wants one clean form; evidence must still point into what
the user gave us. ``normalize_text`` returns both the clean text and an ``OffsetMap`` back to the input.

Kept on purpose: leading indentation and blank lines (up to two in a row), because indentation carries
comment threading and blank lines carry section breaks in scraped text.

Lone surrogates (a JSON ``\\ud800`` escape, a file name that is not UTF-8) cannot be encoded, so every
writer downstream (SQLite, JSON output, the shingler) would fail on them: they become U+FFFD, one code
point for one, which keeps every offset. Readers call :func:`replace_unencodable` at the door to count
and report them; ``normalize_text`` replaces any that still arrive.
"""

from __future__ import annotations

import re
import unicodedata

from .model import OffsetMap

# Code points a Python str can hold but UTF-8 cannot encode: surrogates (even two that would make a pair).
_UNENCODABLE = re.compile("[\ud800-\udfff]")

# Same-length substitutions: exotic spaces become a plain space, tabs a space.
_SPACE_LIKE = (
    "\t\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
)
_LINE_LIKE = "\u2028\u2029\x0b\x0c\x85"
_TRANSLATE = {ord(c): " " for c in _SPACE_LIKE} | {ord(c): "\n" for c in _LINE_LIKE}

# Length-changing edits, in order of alternation:
#  1 line endings  2 trailing spaces  3 internal space runs  4 invisible / control / bidi characters
#  5 long blank runs
_EDITS = re.compile(
    r"(\r\n|\r)"
    r"|(?<! )( +)(?=\r?\n|\r|\Z)"
    r"|(?<=\S)( {2,})"
    r"|([\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069"
    r"\x00-\x08\x0e-\x1f\x7f]+)"
    r"|(\n{4,})"
)


class _Builder:
    """Collects output text and the runs of the offset map."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.norm_starts: list[int] = []
        self.orig_starts: list[int] = []
        self.linear: list[bool] = []
        self.pos = 0

    def copy(self, text: str, orig: int) -> None:
        """Append ``text`` that stands one to one for the original starting at ``orig``."""
        if not text:
            return
        aligned = (
            bool(self.linear)
            and self.linear[-1]
            and self.pos - self.norm_starts[-1] == orig - self.orig_starts[-1]
        )
        if not aligned:
            self._start_run(orig, True)
        self.parts.append(text)
        self.pos += len(text)

    def edit(self, text: str, orig: int) -> None:
        """Append ``text`` that replaces original characters starting at ``orig`` (not one to one)."""
        if not text:
            return
        self._start_run(orig, False)
        self.parts.append(text)
        self.pos += len(text)

    def _start_run(self, orig: int, linear: bool) -> None:
        self.norm_starts.append(self.pos)
        self.orig_starts.append(orig)
        self.linear.append(linear)

    def build(self, orig_length: int) -> tuple[str, OffsetMap]:
        if not self.norm_starts:
            self._start_run(0, True)
        text = "".join(self.parts)
        return text, OffsetMap(
            tuple(self.norm_starts), tuple(self.orig_starts), len(text), orig_length, tuple(self.linear)
        )


def _compose_nfc(segment: str, orig: int, out: _Builder) -> None:
    """NFC-compose ``segment`` cluster by cluster, so each composed character maps to its source."""
    if unicodedata.is_normalized("NFC", segment):
        out.copy(segment, orig)
        return
    i = 0
    n = len(segment)
    while i < n:
        j = i + 1
        while j < n and (unicodedata.combining(segment[j]) or "\u1160" <= segment[j] <= "\u11ff"):
            j += 1
        cluster = segment[i:j]
        composed = unicodedata.normalize("NFC", cluster)
        if composed == cluster:
            out.copy(cluster, orig + i)
        else:
            out.edit(composed, orig + i)
        i = j


def replace_unencodable(text: str) -> tuple[str, int]:
    """``(text, n)``: ``text`` with its ``n`` lone surrogates replaced by U+FFFD (same length)."""
    if _UNENCODABLE.search(text) is None:
        return text, 0
    return _UNENCODABLE.subn("\ufffd", text)


def normalize_text(raw: str) -> tuple[str, OffsetMap]:
    """Return ``(text, offsets)``: the normalised text and its map back to ``raw``."""
    translated = replace_unencodable(raw)[0].translate(_TRANSLATE)
    out = _Builder()
    pos = 0
    for m in _EDITS.finditer(translated):
        if m.start() > pos:
            _compose_nfc(translated[pos : m.start()], pos, out)
        group = m.lastindex
        if group == 1:
            out.edit("\n", m.start())
        elif group == 3:
            out.edit(" ", m.start())
        elif group == 5:
            out.edit("\n\n\n", m.start())
        # groups 2 and 4 are dropped entirely
        pos = m.end()
    if pos < len(translated):
        _compose_nfc(translated[pos:], pos, out)
    return out.build(len(raw))
