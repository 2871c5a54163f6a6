"""MinHash signatures of shingle sets and of fixed windows of them, signed in bulk with numpy.

Why windows: a whole-page signature estimates the Jaccard similarity of whole pages, so an excerpt
of three paragraphs inside a longer page, or a copy with 10% of its words changed, falls below any
useful threshold. A signature per window of ``2 * stride`` consecutive shingles (windows overlap by
half, so any stretch of ``1.5 * window`` shingles contains a whole window) lets a short copied
stretch match a stored window almost as well as a whole copy matches a whole page.

Why multiply-add hashing: shingle hashes are already uniform 64-bit values, so the family
``h_k(x) = a_k * x + b_k  (mod 2**64)`` with odd ``a_k`` is a permutation of the 64-bit space per k,
and one numpy broadcast computes all ``n x K`` values; no per-shingle Python and no SHA-1 (which
dominates datasketch's signing time). Constants come from splitmix64 so signatures are stable.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .shingles import I64, U64, splitmix64

Sig = npt.NDArray[np.uint64]  # shape (windows, num_perm)


class MinHasher:
    """``num_perm`` hash functions over 64-bit shingle hashes, and signatures under them."""

    def __init__(self, num_perm: int = 16, seed: int = 1) -> None:
        if num_perm < 1:
            raise ValueError("num_perm must be >= 1")
        self.num_perm = num_perm
        self.seed = seed
        self._a = np.array([splitmix64(seed * 1000003 + 2 * k) | 1 for k in range(num_perm)], np.uint64)
        self._b = np.array([splitmix64(seed * 1000003 + 2 * k + 1) for k in range(num_perm)], np.uint64)

    def _hash(self, shingles: U64) -> Sig:
        with np.errstate(over="ignore"):
            out: Sig = shingles[:, None] * self._a[None, :] + self._b[None, :]
        return out

    def signature(self, shingles: U64) -> npt.NDArray[np.uint64]:
        """Whole-set signature (``num_perm`` values); all-ones for an empty set."""
        if shingles.shape[0] == 0:
            return np.full(self.num_perm, np.iinfo(np.uint64).max, dtype=np.uint64)
        return self._hash(shingles).min(axis=0)  # type: ignore[no-any-return]

    def windows(self, shingles: U64, stride: int = 32) -> Sig:
        """Signatures of the windows of one shingle sequence (see :meth:`windows_many`)."""
        cut = np.array([0, shingles.shape[0]], dtype=np.int64)
        sigs, _ = self.windows_many(shingles, cut, stride)
        return sigs

    def windows_many(self, shingles: U64, cut: I64, stride: int = 32) -> tuple[Sig, I64]:
        """Window signatures of a batch: text i owns ``shingles[cut[i]:cut[i+1]]``.

        A text's shingles fall in blocks of ``stride``; a window is two neighbouring blocks, and a
        text with a single block has that block as its one window. Returns the signatures and, per
        window, the index of the text it belongs to. Texts with no shingle have no window.
        """
        counts = np.diff(cut)
        nblocks = (counts + stride - 1) // stride
        owner_b = np.repeat(np.arange(counts.shape[0], dtype=np.int64), nblocks)
        if owner_b.shape[0] == 0:
            return np.zeros((0, self.num_perm), np.uint64), owner_b
        first_block = np.cumsum(nblocks) - nblocks
        rank = np.arange(owner_b.shape[0], dtype=np.int64) - first_block[owner_b]
        block_starts = cut[:-1][owner_b] + rank * stride
        mins = self._block_mins(shingles, block_starts)
        if mins.shape[0] == 1:
            return mins, owner_b
        pair = np.minimum(mins[:-1], mins[1:])
        same = owner_b[:-1] == owner_b[1:]
        single = nblocks[owner_b] == 1
        sigs = np.concatenate([pair[same], mins[single]])
        owner = np.concatenate([owner_b[:-1][same], owner_b[single]])
        order = np.argsort(owner, kind="stable")
        return sigs[order], owner[order]

    def _block_mins(self, shingles: U64, block_starts: I64, chunk: int = 1 << 13) -> Sig:
        """Per-block minima of the hash matrix, in cache-sized slices, reduced along contiguous rows."""
        n = shingles.shape[0]
        out = np.empty((self.num_perm, block_starts.shape[0]), dtype=np.uint64)
        b0 = 0
        while b0 < block_starts.shape[0]:
            lo = int(block_starts[b0])
            b1 = int(np.searchsorted(block_starts, lo + chunk, side="left"))
            b1 = max(b1, b0 + 1)
            hi = int(block_starts[b1]) if b1 < block_starts.shape[0] else n
            with np.errstate(over="ignore"):
                h = self._a[:, None] * shingles[None, lo:hi] + self._b[:, None]
            out[:, b0:b1] = np.minimum.reduceat(h, block_starts[b0:b1] - lo, axis=1)
            b0 = b1
        return np.ascontiguousarray(out.T)
