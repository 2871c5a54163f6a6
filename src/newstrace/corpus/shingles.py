"""Text -> words and word n-gram hashes (with character offsets), in a few numpy passes.

Why not a ``\\w+`` regex: tokenising is the largest cost of indexing a page, and a regex pass costs
~180 us per average article here. ``bytes.translate`` (one C pass) folds case and turns every
non-word byte into a space; numpy then finds word edges and hashes each word from two unaligned
8-byte loads (first and last 8 bytes) plus its length. Batches of pages are scanned as one buffer
(:func:`word_hashes_many`), which amortises numpy's per-call cost: that is where indexing speed
comes from.

A word is a maximal run of ASCII letters/digits or non-ASCII letters; Unicode punctuation (curly
quotes, dashes, no-break space, guillemets …) separates words, so ``Obama’s`` and ``Obama's`` give
the same words. Case is folded for ASCII. Hashes are stable across runs and machines (fixed
constants, never Python's salted ``hash``), so a persisted index stays valid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
Spans = Sequence[tuple[int, int]]

_MASK64 = (1 << 64) - 1
# Readers replace lone surrogates, but a text built elsewhere may hold one: encoded as the 3 bytes UTF-8
# would give it (a lead byte and two continuation bytes), it stays one character for the offsets below.
_SURROGATES = "surrogatepass"


def splitmix64(x: int) -> int:
    """One step of splitmix64: a fixed, well-mixed 64-bit function (derives every constant here)."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK64
    return x ^ (x >> 31)


def mix64(x: U64) -> U64:
    """Vectorised splitmix64 finaliser: spreads every input bit over the whole word."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint64(30))
        x = x * np.uint64(0xBF58476D1CE4E5B9)
        x = x ^ (x >> np.uint64(27))
        x = x * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def _fold_table() -> bytes:
    out = bytearray(256)
    for c in range(256):
        ch = chr(c)
        if c >= 0x80:
            out[c] = c  # part of a non-ASCII character: kept, punctuation among them masked later
        elif ch.isascii() and ch.isalnum():
            out[c] = ord(ch.lower())
        else:
            out[c] = 0x20
    return bytes(out)


_FOLD = _fold_table()
_SPACE = np.uint8(0x20)
_PAD = b" " * 9
_ALL = np.uint64(_MASK64)
_K1 = np.uint64(splitmix64(1))
_K2 = np.uint64(splitmix64(2) | 1)
_NGRAM_MULT = np.array([splitmix64(0xA11CE + i) | 1 for i in range(16)], dtype=np.uint64)


@dataclass(frozen=True, slots=True)
class Tokens:
    """Words of a text: character offsets into the text and 64-bit hashes of the case-folded word."""

    starts: I64
    ends: I64
    hashes: U64

    def __len__(self) -> int:
        return int(self.hashes.shape[0])


def _empty() -> Tokens:
    return Tokens(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.uint64))


def _punctuation(b: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_]:
    """Bytes of Unicode punctuation/space characters, which must separate words."""
    sep = np.zeros(b.shape[0], dtype=bool)
    # U+2000-U+206F general punctuation (quotes, dashes, ellipsis, thin spaces): E2 80|81 xx
    lead = np.flatnonzero((b[:-2] == 0xE2) & ((b[1:-1] == 0x80) | (b[1:-1] == 0x81)))
    for k in range(3):
        sep[lead + k] = True
    # U+00A0-U+00BF Latin-1 punctuation (no-break space, guillemets, inverted marks …): C2 A0..BF
    lead = np.flatnonzero((b[:-1] == 0xC2) & (b[1:] >= 0xA0) & (b[1:] <= 0xBF))
    sep[lead] = True
    sep[lead + 1] = True
    return sep


def _scan(data: bytes) -> tuple[I64, I64, U64]:
    """Byte offsets (start, end) and hashes of the words of one UTF-8 buffer."""
    buf = b" " + data.translate(_FOLD) + _PAD
    a = np.frombuffer(buf, dtype=np.uint8)
    w = a != _SPACE
    if not data.isascii():
        w &= ~_punctuation(a)
    starts = np.flatnonzero(w[1:] & ~w[:-1]) + 1
    ends = np.flatnonzero(w[:-1] & ~w[1:]) + 1
    if starts.shape[0] == 0:
        e = _empty()
        return e.starts, e.ends, e.hashes
    length = ends - starts
    grams = sliding_window_view(a, 8)
    first = np.ascontiguousarray(grams[starts]).view("<u8").ravel()
    last = np.ascontiguousarray(grams[ends - 8]).view("<u8").ravel()
    ln = length.astype(np.uint64)
    with np.errstate(over="ignore"):
        one, eight = np.uint64(1), np.uint64(8)
        keep = np.where(length >= 8, _ALL, (one << (np.minimum(ln, eight) * eight)) - one)
        tail = np.where(length > 8, last, np.uint64(0))
        h = (first & keep) * _K1 + tail * _K2 + ln
    return starts - 1, ends - 1, mix64(h.astype(np.uint64, copy=False))


def _char_offsets(data: bytes, text: str, *offsets: I64) -> list[I64]:
    """Convert byte offsets of ``data`` (``text`` in UTF-8) to character offsets."""
    if len(data) == len(text):
        return list(offsets)
    b = np.frombuffer(data, dtype=np.uint8)
    chars_before = np.zeros(b.shape[0] + 1, dtype=np.int64)
    np.cumsum((b & 0xC0) != 0x80, out=chars_before[1:])
    return [chars_before[o] for o in offsets]


def restrict(tokens: Tokens, spans: Spans | None) -> Tokens:
    """The tokens lying wholly inside ``spans`` (``None``: all of them)."""
    if spans is None or len(tokens) == 0:
        return tokens
    ordered = sorted((int(s), int(e)) for s, e in spans if e > s)
    if not ordered:
        return _empty()
    ss = np.array([s for s, _ in ordered], dtype=np.int64)
    ee = np.array([e for _, e in ordered], dtype=np.int64)
    k = np.searchsorted(ss, tokens.starts, side="right") - 1
    inside = (k >= 0) & (tokens.ends <= ee[np.maximum(k, 0)])
    if inside.all():
        return tokens
    return Tokens(tokens.starts[inside], tokens.ends[inside], tokens.hashes[inside])


def tokenize(text: str, spans: Spans | None = None) -> Tokens:
    """Words of ``text`` with character offsets (only those inside ``spans`` when given)."""
    data = text.encode("utf-8", _SURROGATES)
    bs, be, h = _scan(data)
    cs, ce = _char_offsets(data, text, bs, be)
    return restrict(Tokens(cs, ce, h), spans)


def body_text(text: str, spans: Spans | None) -> str:
    """The text of ``spans`` joined by newlines: what indexing sees of a page."""
    if spans is None:
        return text
    return "\n".join(text[s:e] for s, e in sorted(spans) if e > s)


def word_hashes_many(texts: Sequence[str]) -> tuple[U64, I64]:
    """Word hashes of a batch, scanned as one buffer; text i owns ``hashes[cut[i]:cut[i+1]]``."""
    cut = np.zeros(len(texts) + 1, dtype=np.int64)
    if not texts:
        return np.zeros(0, dtype=np.uint64), cut
    data = [t.encode("utf-8", _SURROGATES) for t in texts]
    bs, _, h = _scan(b"\n".join(data))
    sizes = np.fromiter((len(d) + 1 for d in data), dtype=np.int64, count=len(data))
    text_starts = np.cumsum(sizes) - sizes
    cut[:-1] = np.searchsorted(bs, text_starts)
    cut[-1] = bs.shape[0]
    return h, cut


def shingle_hashes(words: U64, n: int = 5) -> U64:
    """Hashes of every word ``n``-gram (entry i covers words i..i+n-1); empty if fewer words."""
    m = words.shape[0] - n + 1
    if m <= 0:
        return np.zeros(0, dtype=np.uint64)
    with np.errstate(over="ignore"):
        acc = words[:m] * _NGRAM_MULT[0]
        for k in range(1, n):
            acc = acc + words[k : k + m] * _NGRAM_MULT[k % 16]
    return mix64(acc)


def shingles_many(words: U64, cut: I64, n: int = 5) -> tuple[U64, I64]:
    """N-gram hashes of a batch of word sequences (as from :func:`word_hashes_many`).

    Returns the hashes and their cut points: text i owns ``grams[gcut[i]:gcut[i+1]]``. No n-gram
    straddles two texts.
    """
    counts = np.maximum(np.diff(cut) - n + 1, 0)
    gcut = np.zeros(cut.shape[0], dtype=np.int64)
    np.cumsum(counts, out=gcut[1:])
    allgrams = shingle_hashes(words, n)
    if allgrams.shape[0] == 0:
        return allgrams, gcut
    pos = np.arange(allgrams.shape[0], dtype=np.int64)
    owner = np.searchsorted(cut, pos, side="right") - 1
    keep = pos + n <= cut[owner + 1]
    return allgrams[keep], gcut
