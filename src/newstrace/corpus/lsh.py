"""Incremental LSH over window signatures, stored as sorted runs of packed 64-bit entries.

Why not dicts of sets (datasketch's layout): a Python set entry costs ~60 bytes and a band table per
band multiplies it. Here one entry is a single ``uint64``: the high bits are a hash of
(band, the band's ``rows`` minima), the low ``doc_bits`` bits the document number. Entries live in
a few sorted numpy arrays (an LSM-style tiered set of runs): inserting appends to a pending buffer
that is sorted into a run when needed, and small runs are merged as they grow, so an insert never
rebuilds the index and a lookup is a binary search per run. Persisting writes one sorted array.

Candidates are documents sharing at least ``min_hits`` distinct band keys with the query; because
keys come from windows, an excerpt or a reordered paragraph of a stored page shares keys with it.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import numpy.typing as npt

from .shingles import I64, U64, mix64, splitmix64

MAGIC = b"NTLSH\x00\x01\x00"
FORMAT = "newstrace.lsh/1"
_MAX_RUN = 1 << 24  # runs are merged up to this many entries (128 MiB), bounding a merge's copy


class LSHIndex:
    """Band tables for ``bands x rows`` minhash values per window, in compact memory.

    Documents are numbered by the caller (``0 <= doc < 2**doc_bits``); the index knows nothing else
    about them.
    """

    def __init__(self, bands: int = 8, rows: int = 2, doc_bits: int = 26) -> None:
        if not 8 <= doc_bits <= 40:
            raise ValueError("doc_bits must be in 8..40")
        self.bands = bands
        self.rows = rows
        self.doc_bits = doc_bits
        self._doc_mask = np.uint64((1 << doc_bits) - 1)
        self._shift = np.uint64(doc_bits)
        self._row_mult = np.array([splitmix64(0xB4D + t) | 1 for t in range(rows)], dtype=np.uint64)
        self._band_salt = np.array([splitmix64(0x5A17 + j) for j in range(bands)], dtype=np.uint64)
        self._runs: list[U64] = []
        self._pending: list[U64] = []
        self._pending_size = 0
        self._docs = 0

    @property
    def num_perm(self) -> int:
        return self.bands * self.rows

    def __len__(self) -> int:
        """Number of documents covered: one more than the highest document number inserted."""
        return self._docs

    @property
    def entries(self) -> int:
        return sum(int(r.shape[0]) for r in self._runs) + self._pending_size

    @property
    def nbytes(self) -> int:
        return sum(r.nbytes for r in self._runs) + sum(p.nbytes for p in self._pending)

    def keys(self, signatures: npt.NDArray[np.uint64]) -> U64:
        """Band keys (the high bits of each entry) of a ``(windows, bands * rows)`` signature array."""
        if signatures.ndim != 2 or signatures.shape[1] != self.num_perm:
            raise ValueError(f"signatures must have shape (windows, {self.num_perm})")
        if signatures.shape[0] == 0:
            return np.zeros(0, dtype=np.uint64)
        s = signatures.reshape(signatures.shape[0], self.bands, self.rows)
        with np.errstate(over="ignore"):
            acc = (s * self._row_mult[None, None, :]).sum(axis=2, dtype=np.uint64) + self._band_salt[None, :]
        return mix64(acc.ravel()) >> self._shift

    def insert(self, doc: int, signatures: npt.NDArray[np.uint64]) -> None:
        """Add one document's window signatures."""
        self.insert_many(np.full(signatures.shape[0], doc, dtype=np.int64), signatures, doc + 1)

    def insert_many(self, owner: I64, signatures: npt.NDArray[np.uint64], docs: int | None = None) -> None:
        """Add a batch of window signatures; window i belongs to document ``owner[i]``.

        ``docs`` is the number of documents the index then covers (default: ``max(owner) + 1``).
        """
        if owner.shape[0]:
            if int(owner.max()) >> self.doc_bits or int(owner.min()) < 0:
                raise ValueError(f"document number out of range for doc_bits={self.doc_bits}")
            keys = self.keys(signatures)
            packed = (keys << self._shift) | np.repeat(owner.astype(np.uint64), self.bands)
            packed.sort()
            distinct = np.ones(packed.shape[0], dtype=bool)
            np.not_equal(packed[1:], packed[:-1], out=distinct[1:])
            run = packed[distinct]  # sorted, one entry per (key, document)
            self._pending.append(run)
            self._pending_size += run.shape[0]
            self._docs = max(self._docs, int(owner.max()) + 1)
        if docs is not None:
            self._docs = max(self._docs, docs)
        if self._pending_size >= 1 << 16:
            self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        if len(self._pending) > 1:
            run = np.concatenate(self._pending)
            run.sort()
        else:
            run = self._pending[0]
        self._pending, self._pending_size = [], 0
        self._runs.append(run)
        # Tiered merging: keep run sizes decreasing geometrically, so there are O(log n) runs.
        while (
            len(self._runs) > 1
            and self._runs[-2].shape[0] <= 2 * self._runs[-1].shape[0]
            and self._runs[-2].shape[0] + self._runs[-1].shape[0] <= _MAX_RUN
        ):
            b = self._runs.pop()
            a = self._runs.pop()
            merged = np.concatenate((a, b))
            merged.sort(kind="stable")  # timsort: linear on two sorted runs
            self._runs.append(merged)

    def query(self, signatures: npt.NDArray[np.uint64], min_hits: int = 1) -> tuple[I64, I64]:
        """Documents sharing at least ``min_hits`` band keys with these windows: ``(docs, hits)``.

        Most hits first. Sees everything inserted so far (pending entries are sorted in first).
        """
        self._flush()
        keys = np.unique(self.keys(signatures))
        if keys.shape[0] == 0 or not self._runs:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        lo = keys << self._shift
        hi = lo | self._doc_mask
        found: list[U64] = []
        for run in self._runs:
            a = np.searchsorted(run, lo, side="left")
            z = np.searchsorted(run, hi, side="right")
            n = z - a
            total = int(n.sum())
            if total == 0:
                continue
            nz = n > 0
            a, n = a[nz], n[nz]
            # indices a[i], a[i]+1, …, a[i]+n[i]-1 for every hit range, without a Python loop
            step = np.ones(total, dtype=np.int64)
            heads = np.cumsum(n) - n
            step[0] = a[0]
            step[heads[1:]] = a[1:] - (a[:-1] + n[:-1] - 1)
            found.append(run[np.cumsum(step)] & self._doc_mask)
        if not found:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        docs, hits = np.unique(np.concatenate(found).astype(np.int64), return_counts=True)
        keep = hits >= min_hits
        docs, hits = docs[keep], hits[keep]
        order = np.lexsort((docs, -hits))
        return docs[order], hits[order].astype(np.int64)

    # -- persistence -------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """One self-describing blob (header + one sorted little-endian ``uint64`` array)."""
        self._flush()
        if len(self._runs) > 1:
            merged = np.concatenate(self._runs)
            merged.sort(kind="stable")
            self._runs = [merged] if merged.shape[0] <= _MAX_RUN else self._runs
        else:
            merged = self._runs[0] if self._runs else np.zeros(0, np.uint64)
        header = json.dumps(
            {
                "format": FORMAT,
                "bands": self.bands,
                "rows": self.rows,
                "doc_bits": self.doc_bits,
                "docs": self._docs,
                "entries": int(merged.shape[0]),
            }
        ).encode()
        return MAGIC + struct.pack("<I", len(header)) + header + merged.astype("<u8", copy=False).tobytes()

    @classmethod
    def from_bytes(cls, data: bytes | memoryview) -> LSHIndex:
        """Rebuild an index written by :meth:`to_bytes` (the array is used in place, not copied)."""
        mv = memoryview(data)
        if bytes(mv[: len(MAGIC)]) != MAGIC:
            raise ValueError("not a newstrace LSH index")
        (hlen,) = struct.unpack("<I", mv[len(MAGIC) : len(MAGIC) + 4])
        start = len(MAGIC) + 4
        header = json.loads(bytes(mv[start : start + hlen]))
        if header.get("format") != FORMAT:
            raise ValueError(f"unsupported LSH index format {header.get('format')!r}")
        index = cls(int(header["bands"]), int(header["rows"]), int(header["doc_bits"]))
        arr = np.frombuffer(mv, dtype="<u8", count=int(header["entries"]), offset=start + hlen)
        if arr.shape[0]:
            index._runs = [arr.astype(np.uint64, copy=False)]
        index._docs = int(header["docs"])
        return index

    def save(self, path: str | Path) -> None:
        Path(path).write_bytes(self.to_bytes())

    @classmethod
    def load(cls, path: str | Path) -> LSHIndex:
        return cls.from_bytes(Path(path).read_bytes())
