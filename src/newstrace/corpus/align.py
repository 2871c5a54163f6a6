"""Passage alignment between two texts: seed on shared word n-grams, extend along diagonals, merge.

Why seed-and-extend rather than edit distance: a copy is rarely one contiguous edit of its source
(paragraphs are reordered, sentences dropped, a note added on top), and a quadratic DP over two
1,000-word pages per candidate pair is too slow for an index. Shared word trigrams give exact
anchors in O(n log n); anchors on one diagonal (``j - i`` constant) form runs; runs are chained into
a passage while the gaps between them are short on both sides and nearly equal (changed words keep
the diagonal, a dropped sentence or a moved paragraph breaks it). Passages overlapping a better
one on either side are dropped, so every stretch of text maps to at most one counterpart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .shingles import I64, Tokens, shingle_hashes


@dataclass(frozen=True, slots=True)
class Match:
    """One aligned passage: ``a[a_start:a_end]`` corresponds to ``b[b_start:b_end]`` (chars).

    ``similarity`` is the share of the longer side's words covered by exact anchor runs (1.0 for
    a verbatim copy). ``anchors`` holds the exact runs as ``(a_char, b_char, a_char_end,
    b_char_end)`` rows, so an offset inside the passage can be carried to the other side.
    """

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    similarity: float
    words: int  # words inside exact runs
    anchors: npt.NDArray[np.int64]

    def map_b_to_a(self, pos: int) -> int:
        """Offset in ``a`` corresponding to offset ``pos`` in ``b`` (nearest anchor, clamped)."""
        return carry(self.anchors, pos, forward=False)

    def map_a_to_b(self, pos: int) -> int:
        """Offset in ``b`` corresponding to offset ``pos`` in ``a``."""
        return carry(self.anchors, pos)


def carry(anchors: npt.NDArray[np.int64], pos: int, forward: bool = True) -> int:
    """Carry an offset across anchor rows ``(a, b, a_end, b_end)``: a -> b, or b -> a if not forward."""
    s0, d0, s1, d1 = (0, 1, 2, 3) if forward else (1, 0, 3, 2)
    src0, src1, dst0, dst1 = anchors[:, s0], anchors[:, s1], anchors[:, d0], anchors[:, d1]
    order = np.argsort(src0, kind="stable")
    k = int(np.searchsorted(src0[order], pos, side="right")) - 1
    if k < 0:
        return int(dst0[order[0]])
    r = order[k]
    return int(min(dst0[r] + (pos - src0[r]), dst1[r])) if pos < src1[r] else int(dst1[r])


def _seed_pairs(ga: npt.NDArray[np.uint64], gb: npt.NDArray[np.uint64], max_repeat: int) -> tuple[I64, I64]:
    """All (i, j) with ``ga[i] == gb[j]``, skipping n-grams repeated more than ``max_repeat`` times."""
    if ga.shape[0] == 0 or gb.shape[0] == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    oa = np.argsort(ga, kind="stable")
    sa = ga[oa]
    lo = np.searchsorted(sa, gb, side="left")
    cnt = np.searchsorted(sa, gb, side="right") - lo
    if max_repeat > 0:
        ub, inv, bcount = np.unique(gb, return_inverse=True, return_counts=True)
        keep = (cnt > 0) & (cnt <= max_repeat) & (bcount[inv] <= max_repeat)
    else:
        keep = cnt > 0
    jb = np.flatnonzero(keep)
    if jb.shape[0] == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    lo, cnt = lo[jb], cnt[jb]
    total = int(cnt.sum())
    step = np.ones(total, dtype=np.int64)
    heads = np.cumsum(cnt) - cnt
    step[0] = lo[0]
    step[heads[1:]] = lo[1:] - (lo[:-1] + cnt[:-1] - 1)
    i = oa[np.cumsum(step)]
    j = np.repeat(jb, cnt)
    return i.astype(np.int64), j.astype(np.int64)


def _runs(i: I64, j: I64, n: int) -> I64:
    """Diagonal runs of seeds as rows ``(i0, j0, length_in_tokens)``, sorted by ``j0``."""
    if i.shape[0] == 0:
        return np.zeros((0, 3), np.int64)
    d = j - i
    order = np.lexsort((i, d))
    i, d = i[order], d[order]
    brk = np.ones(i.shape[0], dtype=bool)
    brk[1:] = (d[1:] != d[:-1]) | (i[1:] != i[:-1] + 1)
    heads = np.flatnonzero(brk)
    tails = np.append(heads[1:], i.shape[0]) - 1
    i0 = i[heads]
    length = i[tails] - i0 + n
    runs = np.stack([i0, i0 + d[heads], length], axis=1)
    return runs[np.argsort(runs[:, 1], kind="stable")]


def _chain(runs: I64, max_gap: int, max_shift: int, n: int) -> list[list[int]]:
    """Greedily chain runs (sorted by ``j0``) into passages; returns run indices per chain."""
    chains: list[list[int]] = []
    ends: list[tuple[int, int]] = []  # (i_end, j_end) of each chain, exclusive
    active: list[int] = []
    for r in range(runs.shape[0]):
        i0, j0, ln = int(runs[r, 0]), int(runs[r, 1]), int(runs[r, 2])
        best, best_cost = -1, 1 << 30
        still: list[int] = []
        for c in active:
            ie, je = ends[c]
            if j0 - je > max_gap:
                continue  # this chain can no longer grow: j only increases
            still.append(c)
            gi, gj = i0 - ie, j0 - je
            if -n <= gi <= max_gap and -n <= gj <= max_gap and abs(gi - gj) <= max_shift:
                cost = abs(gi - gj) * 4 + max(gi, gj, 0)
                if cost < best_cost:
                    best, best_cost = c, cost
        active = still
        if best < 0:
            chains.append([r])
            ends.append((i0 + ln, j0 + ln))
            active.append(len(chains) - 1)
        else:
            chains[best].append(r)
            ie, je = ends[best]
            ends[best] = (max(ie, i0 + ln), max(je, j0 + ln))
    return chains


def _trim_breaks(
    a: Tokens, b: Tokens, text_a: str, text_b: str, i_lo: int, i_hi: int, j_lo: int, j_hi: int, n: int
) -> tuple[int, int, int, int]:
    """Cut a word or two hanging over a line break on both sides (a chance n-gram across paragraphs).

    When both texts happen to start their next paragraphs with the same word ("The"), the n-gram
    spanning the break matches and drags that word into the passage.
    """

    def brk(t: Tokens, text: str, k: int) -> bool:  # a line break between token k-1 and k
        return "\n" in text[int(t.ends[k - 1]) : int(t.starts[k])]

    for k in range(1, n):
        if i_hi - k - 1 <= i_lo:
            break
        if brk(a, text_a, i_hi - k) and brk(b, text_b, j_hi - k):
            i_hi, j_hi = i_hi - k, j_hi - k
            break
    for k in range(1, n):
        if i_lo + k + 1 >= i_hi:
            break
        if brk(a, text_a, i_lo + k) and brk(b, text_b, j_lo + k):
            i_lo, j_lo = i_lo + k, j_lo + k
            break
    return i_lo, i_hi, j_lo, j_hi


def _extend(text_a: str, text_b: str, a0: int, a1: int, b0: int, b1: int) -> tuple[int, int, int, int]:
    """Take in punctuation (closing quote, full stop …) that both sides share at the edges."""
    for _ in range(3):
        if a1 < len(text_a) and b1 < len(text_b):
            ca, cb = text_a[a1], text_b[b1]
            if ca == cb and not ca.isspace() and not ca.isalnum():
                a1, b1 = a1 + 1, b1 + 1
                continue
        break
    for _ in range(3):
        if a0 > 0 and b0 > 0:
            ca, cb = text_a[a0 - 1], text_b[b0 - 1]
            if ca == cb and not ca.isspace() and not ca.isalnum():
                a0, b0 = a0 - 1, b0 - 1
                continue
        break
    return a0, a1, b0, b1


def _free_runs(rr: I64, used_a: npt.NDArray[np.bool_], used_b: npt.NDArray[np.bool_]) -> I64:
    """Each run cut down to its longest stretch on tokens not yet used on either side."""
    out = []
    for i0, j0, ln in rr.tolist():
        free = ~used_a[i0 : i0 + ln] & ~used_b[j0 : j0 + ln]
        if free.all():
            out.append((i0, j0, ln))
            continue
        best, best_len, cur = 0, 0, 0
        for t, ok in enumerate(free.tolist()):
            cur = cur + 1 if ok else 0
            if cur > best_len:
                best, best_len = t - cur + 1, cur
        if best_len:
            out.append((i0 + best, j0 + best, best_len))
    return np.array(out, dtype=np.int64).reshape(-1, 3)


def _words(rr: I64) -> int:
    """Words of the ``b`` side covered by the runs ``rr`` (overlapping runs counted once)."""
    j_lo, j_hi = int(rr[:, 1].min()), int((rr[:, 1] + rr[:, 2]).max())
    covered = np.zeros(j_hi - j_lo, dtype=bool)
    for _, j0, ln in rr:
        covered[j0 - j_lo : j0 - j_lo + ln] = True
    return int(covered.sum())


def align(
    a: Tokens,
    b: Tokens,
    text_a: str = "",
    text_b: str = "",
    *,
    seed: int = 3,
    max_gap: int = 10,
    max_shift: int = 3,
    min_words: int = 12,
    max_repeat: int = 4,
) -> list[Match]:
    """Aligned passages between two tokenised texts, in order of their position in ``b``.

    ``seed``: anchor n-gram length in words; ``max_gap``: longest unmatched stretch (words) bridged
    inside one passage; ``max_shift``: how far the two sides' gaps may differ (a larger difference is
    an insertion or deletion, which ends the passage); ``min_words``: words in exact runs needed to
    report a passage; ``max_repeat``: n-grams occurring more often on a side are not anchors.
    The texts, when given, let passages take in shared punctuation at their edges.
    """
    i, j = _seed_pairs(shingle_hashes(a.hashes, seed), shingle_hashes(b.hashes, seed), max_repeat)
    runs = _runs(i, j, seed)
    if runs.shape[0] == 0:
        return []
    candidates = []
    for chain in _chain(runs, max_gap, max_shift, seed):
        rr = runs[chain]
        words = _words(rr)
        if words >= min_words:
            candidates.append((words, rr))
    candidates.sort(key=lambda c: -c[0])
    used_a = np.zeros(len(a), dtype=bool)
    used_b = np.zeros(len(b), dtype=bool)
    out: list[Match] = []
    for words, rr in candidates:
        # text a better passage already took is cut out of the runs; what is left may still count
        if used_a.any():
            rr = _free_runs(rr, used_a, used_b)
            words = _words(rr) if rr.shape[0] else 0
            if words < min_words:
                continue
        i_lo, i_hi = int(rr[:, 0].min()), int((rr[:, 0] + rr[:, 2]).max())
        j_lo, j_hi = int(rr[:, 1].min()), int((rr[:, 1] + rr[:, 2]).max())
        if text_a and text_b:
            i_lo, i_hi, j_lo, j_hi = _trim_breaks(a, b, text_a, text_b, i_lo, i_hi, j_lo, j_hi, seed)
        used_a[i_lo:i_hi] = True
        used_b[j_lo:j_hi] = True
        a0, a1 = int(a.starts[i_lo]), int(a.ends[i_hi - 1])
        b0, b1 = int(b.starts[j_lo]), int(b.ends[j_hi - 1])
        if text_a and text_b:
            a0, a1, b0, b1 = _extend(text_a, text_b, a0, a1, b0, b1)
        anchors = np.stack(
            [
                a.starts[rr[:, 0]],
                b.starts[rr[:, 1]],
                a.ends[rr[:, 0] + rr[:, 2] - 1],
                b.ends[rr[:, 1] + rr[:, 2] - 1],
            ],
            axis=1,
        ).astype(np.int64)
        sim = words / max(i_hi - i_lo, j_hi - j_lo)
        out.append(Match(a0, a1, b0, b1, round(min(sim, 1.0), 4), words, anchors))
    out.sort(key=lambda m: m.b_start)
    return out
