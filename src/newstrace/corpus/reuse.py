"""Who copied whom: an incremental index of pages that reports copied passages and their origin.

Each page added is checked against everything stored (no rebuild): candidates come from window
MinHash LSH over its body text (:class:`PassageLSH`), every candidate is aligned passage by passage
(:func:`newstrace.corpus.align.align`), and the pair's passages are kept. Direction is decided when
asked, not when found: the earlier publication (by ``published``, else the earlier insertion) is the
origin, so a page added later but published earlier becomes the origin of copies already stored.
Chains (A copied by B, B copied by C) resolve to the first origin: each stretch of a page takes the
earliest stored page it aligns with, and a stretch whose origin itself copied it is followed on.

A passage lying mostly inside quotation marks on both sides is a ``shared_quote`` (two outlets
quoting one statement), not a ``copy`` — unless the same pair also shares a substantial passage
outside quotes, which makes the whole pair a copy.

Given a text source (e.g. the store the pages are written to), the index keeps no page text: a stored
page's text is read back only when a new page has to be aligned with it, through a small LRU cache.
"""

from __future__ import annotations

import functools
import json
import re
import struct
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from ..model import Document
from .align import Match, align, carry
from .lsh import LSHIndex
from .minhash import MinHasher
from .shingles import Spans, Tokens, body_text, shingles_many, tokenize, word_hashes_many

Kind = str  # "copy" | "shared_quote"
TextSource = Callable[[str], str]  # doc id -> the text the page was added with
_SLIVER = 40  # chars
_MAGIC_TEXTS, _MAGIC_NO_TEXTS = b"NTREUSE1", b"NTREUSE2"  # blob with page texts / without


@dataclass(frozen=True, slots=True)
class Passage:
    """``doc_id[start:end]`` was copied from ``origin_id[origin_start:origin_end]``."""

    doc_id: str
    start: int
    end: int
    origin_id: str
    origin_start: int
    origin_end: int
    similarity: float
    kind: Kind

    def copied_json(self) -> dict[str, Any]:
        """The entry of ``provenance(doc_id)["copied"]``."""
        return {
            "start": self.start,
            "end": self.end,
            "origin_id": self.origin_id,
            "origin_start": self.origin_start,
            "origin_end": self.origin_end,
            "similarity": self.similarity,
            "kind": self.kind,
        }

    def copy_json(self) -> dict[str, Any]:
        """The entry of ``provenance(origin_id)["copies"]``."""
        return {
            "doc_id": self.doc_id,
            "start": self.start,
            "end": self.end,
            "origin_start": self.origin_start,
            "origin_end": self.origin_end,
            "similarity": self.similarity,
            "kind": self.kind,
        }


class CandidateIndex(Protocol):
    """What :class:`ReuseIndex` needs from a candidate index (documents are numbered 0, 1, …)."""

    def sketch_many(self, bodies: Sequence[str]) -> list[Any]: ...

    def query(self, sketch: Any) -> list[int]: ...

    def insert(self, num: int, sketch: Any) -> None: ...


class PassageLSH:
    """The default candidate index: word 5-gram window MinHash signatures in an :class:`LSHIndex`."""

    def __init__(
        self,
        ngram: int = 5,
        stride: int = 32,
        bands: int = 8,
        rows: int = 2,
        min_hits: int = 2,
        max_candidates: int = 50,
        seed: int = 1,
        lsh: LSHIndex | None = None,
    ) -> None:
        self.ngram, self.stride, self.seed = ngram, stride, seed
        self.min_hits, self.max_candidates = min_hits, max_candidates
        self.lsh = lsh if lsh is not None else LSHIndex(bands, rows)
        self.hasher = MinHasher(self.lsh.num_perm, seed)

    def _sign(self, bodies: Sequence[str]) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
        words, cut = word_hashes_many(bodies)
        grams, gcut = shingles_many(words, cut, self.ngram)
        return self.hasher.windows_many(grams, gcut, self.stride)

    def sketch_many(self, bodies: Sequence[str]) -> list[npt.NDArray[np.uint64]]:
        """Window signatures of each body, signed as one batch."""
        sigs, owner = self._sign(bodies)
        bounds = np.searchsorted(owner, np.arange(len(bodies) + 1))
        return [sigs[bounds[i] : bounds[i + 1]] for i in range(len(bodies))]

    def add_many(self, first: int, bodies: Sequence[str]) -> None:
        """Bulk load: sign and insert ``bodies`` as documents ``first, first + 1, …`` (no queries)."""
        sigs, owner = self._sign(bodies)
        self.lsh.insert_many(owner + first, sigs, first + len(bodies))

    def query(self, sketch: npt.NDArray[np.uint64]) -> list[int]:
        docs, _ = self.lsh.query(sketch, self.min_hits)
        return [int(d) for d in docs[: self.max_candidates]]

    def insert(self, num: int, sketch: npt.NDArray[np.uint64]) -> None:
        self.lsh.insert(num, sketch)

    def config(self) -> dict[str, int]:
        return {
            "ngram": self.ngram,
            "stride": self.stride,
            "min_hits": self.min_hits,
            "max_candidates": self.max_candidates,
            "seed": self.seed,
        }


# -- quotation marks --------------------------------------------------------------------------

_QUOTE_MARK = re.compile(r"``|''|[\"“”„«»]|\n")
_OPENERS = {"``", "“", "„", "«"}
_CLOSERS = {"”", "»"}


def _direction(text: str, start: int, end: int, mark: str) -> int:
    """+1 opening, -1 closing, 0 ambiguous, for a mark at ``text[start:end]``."""
    if mark in _OPENERS:
        return 1
    if mark in _CLOSERS:
        return -1
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    left_open = before.isspace() or before in "([{—–-:\"“‘'`"
    right_open = after.isspace() or after in ".,;:!?)]}—–-\"”’'"
    if left_open and not right_open:
        return 1
    if right_open and not left_open:
        return -1
    return 0


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Stretches inside quotation marks (marks included), found by scanning for the marks.

    Handles curly quotes, guillemets, straight ``"`` (opening or closing told apart by the
    characters around it), and the ````…''`` / ``''…''`` conventions of tokenised corpora; quotes
    nest. A paragraph is the unit: a quote still open at a line end closes there, and a closing
    mark with no opening one in its paragraph (a quote continued from the paragraph before) makes
    the paragraph's start up to the mark a quote.
    """
    spans: list[tuple[int, int]] = []
    depth, open_at, para = 0, -1, 0
    for m in _QUOTE_MARK.finditer(text):
        mark = m.group()
        if mark == "\n":
            if depth:
                spans.append((open_at, m.start()))
            depth, para = 0, m.end()
            continue
        way = _direction(text, m.start(), m.end(), mark)
        if way == 0:
            way = -1 if depth else 1
        if way > 0:
            if depth == 0:
                open_at = m.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                spans.append((open_at, m.end()))
        else:
            spans.append((para, m.end()))
    if depth:
        spans.append((open_at, len(text)))
    return spans


def _inside(spans: Sequence[tuple[int, int]], start: int, end: int) -> float:
    if end <= start:
        return 0.0
    covered = sum(max(0, min(e, end) - max(s, start)) for s, e in spans)
    return min(1.0, covered / (end - start))


def _unquoted_prefix(tokens: Tokens, quotes: Sequence[tuple[int, int]]) -> npt.NDArray[np.int64]:
    """``out[k]`` = number of the first k tokens lying outside every quotation."""
    inside = np.zeros(len(tokens), dtype=bool)
    for s, e in quotes:
        lo, hi = np.searchsorted(tokens.starts, [s, e], side="left")
        inside[lo:hi] = True
    out = np.zeros(len(tokens) + 1, dtype=np.int64)
    np.cumsum(~inside, out=out[1:])
    return out


def _count(prefix: npt.NDArray[np.int64], starts: npt.NDArray[np.int64], start: int, end: int) -> int:
    lo, hi = np.searchsorted(starts, [start, end], side="left")
    return int(prefix[hi] - prefix[lo])


# -- stored documents and pairs -----------------------------------------------------------------


@dataclass(slots=True)
class _Doc:
    id: str
    num: int
    text: str | None  # None: read through the index's text source
    body: tuple[tuple[int, int], ...] | None
    quotes: tuple[tuple[int, int], ...]
    published: str | None


@dataclass(slots=True)
class _Link:
    """One aligned passage of a pair, seen from document ``x`` of the pair."""

    x_start: int
    x_end: int
    y_start: int
    y_end: int
    similarity: float
    kind: Kind
    anchors: npt.NDArray[np.int64]  # rows (x, y, x_end, y_end) of exact runs

    def flipped(self) -> _Link:
        return _Link(
            self.y_start, self.y_end, self.x_start, self.x_end, self.similarity, self.kind,
            self.anchors[:, [1, 0, 3, 2]],
        )  # fmt: skip

    def to_y(self, pos: int) -> int:
        return carry(self.anchors, pos)

    def to_x(self, pos: int) -> int:
        return carry(self.anchors, pos, forward=False)


@dataclass(slots=True)
class _Seg:
    start: int
    end: int
    origin: int
    o_start: int
    o_end: int
    similarity: float
    kind: Kind


@dataclass
class _Settings:
    seed_words: int = 3
    max_gap: int = 10
    max_shift: int = 3
    min_words: int = 10
    min_words_in_copy: int = 6
    quote_share: float = 0.5
    quote_share_one_side: float = 0.8
    pair_copy_words: int = 25
    follow_links: int = 20


class ReuseIndex:
    """Incremental copy detection over a corpus of pages (see the module docstring).

    ``candidates`` replaces the default :class:`PassageLSH` (the benchmark plugs datasketch in).
    ``min_words``: words an aligned passage needs in exact runs to count; ``quote_share``: share of a
    passage inside quotation marks (on both sides) that makes it a ``shared_quote``;
    ``pair_copy_words``: words of an unquoted passage that make a whole pair a copy.

    ``text_of``: where stored pages' texts are read back from (``text_of(doc_id)`` must give the text
    the page was added with, as soon as :meth:`add` returns), so the index need not hold them: memory
    and checkpoints then grow with the pages' spans and passages only. ``text_cache``: how many texts
    read back are kept (a new page aligns with a few candidates; chains revisit their origin).
    """

    def __init__(
        self,
        candidates: CandidateIndex | None = None,
        *,
        min_words: int = 10,
        quote_share: float = 0.5,
        pair_copy_words: int = 25,
        text_of: TextSource | None = None,
        text_cache: int = 256,
    ) -> None:
        self.candidates: CandidateIndex = candidates if candidates is not None else PassageLSH()
        self.settings = _Settings(
            min_words=min_words, quote_share=quote_share, pair_copy_words=pair_copy_words
        )
        self.text_of = text_of
        self.text_cache = text_cache
        self._texts: OrderedDict[int, str] = OrderedDict()  # LRU of texts read through text_of
        self._docs: list[_Doc] = []
        self._nums: dict[str, int] = {}
        self._links: list[dict[int, list[_Link]]] = []  # per doc: neighbour -> passages seen from doc

    def __len__(self) -> int:
        return len(self._docs)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._nums

    # -- adding ---------------------------------------------------------------------------------

    def add(
        self,
        doc_id: str,
        text: str,
        body_spans: Spans | None = None,
        published: str | None = None,
        quote_spans: Spans = (),
    ) -> list[Passage]:
        """Store a page and return the passages it shares with pages already stored.

        ``body_spans``: the body layers' ``(start, end)``; only they are indexed and aligned
        (``None``: the whole text). ``quote_spans``: quotations (e.g. ``Document.quotes``); when
        empty, quotation marks are scanned for. Returns, chain-resolved, the new page's copied
        passages (``doc_id`` is the new page) and the passages of stored pages whose origin is now
        the new page (``origin_id`` is the new page).
        """
        return self.add_many([(doc_id, text, body_spans, published, quote_spans)])[0]

    def add_document(self, doc: Document) -> list[Passage]:
        """:meth:`add` for an analysed :class:`Document` (body layers, quotes, ``published``)."""
        return self.add_many([_document_record(doc)])[0]

    def add_many(
        self, records: Sequence[tuple[str, str, Spans | None, str | None, Spans]]
    ) -> list[list[Passage]]:
        """Add ``(doc_id, text, body_spans, published, quote_spans)`` records in order.

        Same result as calling :meth:`add` for each, but the batch is signed at once.
        """
        seen: set[str] = set()
        for rec in records:
            if rec[0] in self._nums or rec[0] in seen:
                raise ValueError(f"document {rec[0]!r} is already in the index")
            seen.add(rec[0])
        docs = [self._new_doc(len(self._docs) + k, *rec) for k, rec in enumerate(records)]
        # The batch's own texts, until the text source has them (a page may copy one added before it).
        batch = {d.num: rec[1] for d, rec in zip(docs, records, strict=True)}
        sketches = self.candidates.sketch_many([body_text(batch[d.num], d.body) for d in docs])
        out = []
        for doc, sketch in zip(docs, sketches, strict=True):
            found = self.candidates.query(sketch) if self._docs else []
            self._docs.append(doc)
            self._nums[doc.id] = doc.num
            self._links.append({})
            self._align_with(doc, self._widen(found), batch)
            self.candidates.insert(doc.num, sketch)
            out.append(self._report_new(doc.num))
        if self.text_of is not None:
            for num, text in batch.items():
                self._cache(num, text)  # news is copied soon after it appears
        return out

    def _new_doc(
        self, num: int, doc_id: str, text: str, body: Spans | None, published: str | None, quotes: Spans
    ) -> _Doc:
        q = tuple((int(s), int(e)) for s, e in quotes) if quotes else tuple(quote_spans(text))
        b = None if body is None else tuple(sorted((int(s), int(e)) for s, e in body))
        return _Doc(doc_id, num, None if self.text_of is not None else text, b, q, published or None)

    def _text(self, doc: _Doc, batch: dict[int, str]) -> str:
        """A stored page's text: held, in the batch being added, cached, or read from the text source."""
        if doc.text is not None:
            return doc.text
        if doc.num in batch:
            return batch[doc.num]
        text = self._texts.get(doc.num)
        if text is not None:
            self._texts.move_to_end(doc.num)
            return text
        assert self.text_of is not None  # a page without its text was added through the text source
        text = self.text_of(doc.id)
        self._cache(doc.num, text)
        return text

    def _cache(self, num: int, text: str) -> None:
        self._texts[num] = text
        self._texts.move_to_end(num)
        while len(self._texts) > self.text_cache:
            self._texts.popitem(last=False)

    def _widen(self, found: list[int]) -> list[int]:
        """Candidates plus the earliest pages they are linked to by copies, so chains meet their origin."""
        out = list(dict.fromkeys(found))
        seen = set(out)
        linked = {
            n
            for c in found
            for n, links in self._links[c].items()
            if n not in seen and any(x.kind == "copy" for x in links)
        }
        out.extend(sorted(linked, key=functools.cmp_to_key(self._cmp))[: self.settings.follow_links])
        return out

    def _align_with(self, doc: _Doc, others: list[int], batch: dict[int, str]) -> None:
        s = self.settings
        new_text = self._text(doc, batch)
        tok_new = tokenize(new_text, doc.body)
        free_new = _unquoted_prefix(tok_new, doc.quotes)
        for o in others:
            old = self._docs[o]
            old_text = self._text(old, batch)
            tok_old = tokenize(old_text, old.body)
            free_old = _unquoted_prefix(tok_old, old.quotes)
            matches = align(
                tok_old, tok_new, old_text, new_text,
                seed=s.seed_words, max_gap=s.max_gap, max_shift=s.max_shift, min_words=s.min_words_in_copy,
            )  # fmt: skip
            if not matches:
                continue
            # A pair is a copy when one passage carries enough words outside quotation marks on
            # both sides: the copier reproduced the origin's own prose, not a statement both quote.
            unquoted = [
                min(_count(free_new, tok_new.starts, m.b_start, m.b_end),
                    _count(free_old, tok_old.starts, m.a_start, m.a_end))
                for m in matches
            ]  # fmt: skip
            if max(unquoted) >= s.pair_copy_words:
                kinds = ["copy"] * len(matches)
            else:
                kinds = [
                    "shared_quote" if m.words >= s.min_words and self._quoted(m, doc, old) else ""
                    for m in matches
                ]
            links = [
                _Link(m.b_start, m.b_end, m.a_start, m.a_end, m.similarity, k, m.anchors[:, [1, 0, 3, 2]])
                for m, k in zip(matches, kinds, strict=True)
                if k
            ]
            if not links:
                continue  # short unquoted phrases in common are not copies
            self._links[doc.num][o] = links
            self._links[o][doc.num] = [x.flipped() for x in links]

    def _quoted(self, m: Match, new: _Doc, old: _Doc) -> bool:
        """Mostly inside quotation marks on both sides, or wholly on one side (the other page
        printed the same statement as a block, without marks). The match has a=old, b=new."""
        qn, qo = _inside(new.quotes, m.b_start, m.b_end), _inside(old.quotes, m.a_start, m.a_end)
        return min(qn, qo) >= self.settings.quote_share or max(qn, qo) >= self.settings.quote_share_one_side

    # -- direction and chains ---------------------------------------------------------------------

    def _cmp(self, x: int, y: int) -> int:
        """-1 when page x came first (earlier publication, else earlier insertion)."""
        px, py = self._docs[x].published, self._docs[y].published
        if px and py:
            n = min(len(px), len(py))
            if px[:n] != py[:n]:
                return -1 if px[:n] < py[:n] else 1
        return (x > y) - (x < y)

    def _resolve(self, x: int, memo: dict[int, list[_Seg]], depth: int = 0) -> list[_Seg]:
        """Stretches of page x with their first origin (earliest page, followed along chains)."""
        if x in memo:
            return memo[x]
        memo[x] = []  # guards against cycles (not expected: origins are strictly earlier)
        direct = [(y, link) for y, links in self._links[x].items() if self._cmp(y, x) < 0 for link in links]
        if not direct:
            return []
        bounds = sorted({p for _, lk in direct for p in (lk.x_start, lk.x_end)})
        rank = {
            y: r for r, y in enumerate(sorted({y for y, _ in direct}, key=functools.cmp_to_key(self._cmp)))
        }
        pieces: list[tuple[int, int, int, _Link]] = []
        for p, q in zip(bounds[:-1], bounds[1:], strict=True):
            cover = [(y, lk) for y, lk in direct if lk.x_start <= p and q <= lk.x_end]
            if not cover:
                continue
            y, lk = min(cover, key=lambda c: (c[1].kind != "copy", rank[c[0]]))
            if pieces and pieces[-1][3] is lk and pieces[-1][1] == p:
                pieces[-1] = (pieces[-1][0], q, y, lk)
            else:
                pieces.append((p, q, y, lk))
        segs: list[_Seg] = []
        for p, q, y, lk in pieces:
            if q - p < _SLIVER and 2 * (q - p) < lk.x_end - lk.x_start:
                continue  # the edge of a passage mostly credited to an earlier page: not evidence
            o0, o1 = lk.to_y(p), max(lk.to_y(q - 1) + 1, lk.to_y(p))
            if p == lk.x_start:
                o0 = lk.y_start
            if q == lk.x_end:
                o1 = lk.y_end
            seg = _Seg(p, q, y, o0, o1, lk.similarity, lk.kind)
            if lk.kind == "copy" and depth < 50:
                segs.extend(self._follow(seg, lk, memo, depth))
            else:
                segs.append(seg)
        memo[x] = segs
        return segs

    def _follow(self, seg: _Seg, lk: _Link, memo: dict[int, list[_Seg]], depth: int) -> list[_Seg]:
        """Split a stretch copied from y where y itself copied it from an earlier page."""
        upstream = [
            u for u in self._resolve(seg.origin, memo, depth + 1)
            if u.kind == "copy" and u.start < seg.o_end and seg.o_start < u.end
        ]  # fmt: skip
        if not upstream:
            return [seg]
        out: list[_Seg] = []
        cursor = seg.o_start
        for u in sorted(upstream, key=lambda u: u.start):
            a, b = max(u.start, seg.o_start), min(u.end, seg.o_end)
            if a > cursor:
                out.append(self._part(seg, lk, cursor, a, seg.origin, cursor, a, seg.similarity))
            # carry [a, b) of y on to u's origin, proportionally inside u
            scale = (u.o_end - u.o_start) / max(1, u.end - u.start)
            za = u.o_start + round((a - u.start) * scale)
            zb = u.o_start + round((b - u.start) * scale)
            out.append(self._part(seg, lk, a, b, u.origin, za, zb, min(seg.similarity, u.similarity)))
            cursor = max(cursor, b)
        if cursor < seg.o_end:
            out.append(self._part(seg, lk, cursor, seg.o_end, seg.origin, cursor, seg.o_end, seg.similarity))
        return [s for s in out if s.end > s.start]

    @staticmethod
    def _part(seg: _Seg, lk: _Link, ya: int, yb: int, origin: int, oa: int, ob: int, sim: float) -> _Seg:
        xa = seg.start if ya <= seg.o_start else lk.to_x(ya)
        xb = seg.end if yb >= seg.o_end else lk.to_x(yb)
        return _Seg(max(xa, seg.start), min(xb, seg.end), origin, oa, ob, sim, seg.kind)

    def _passages(self, x: int, memo: dict[int, list[_Seg]]) -> list[Passage]:
        doc = self._docs[x]
        return [
            Passage(doc.id, s.start, s.end, self._docs[s.origin].id, s.o_start, s.o_end, s.similarity, s.kind)
            for s in self._resolve(x, memo)
        ]

    def _later_copies(self, o: int, memo: dict[int, list[_Seg]], limit: int = 1000) -> list[Passage]:
        """Passages of any page whose first origin is page o (pages reached through links)."""
        out: list[Passage] = []
        seen = {o}
        frontier = [o]
        while frontier and len(seen) < limit:
            nxt = []
            for d in frontier:
                for n in self._links[d]:
                    if n not in seen and self._cmp(o, n) < 0:
                        seen.add(n)
                        nxt.append(n)
            frontier = nxt
        oid = self._docs[o].id
        for n in sorted(seen - {o}):
            out.extend(p for p in self._passages(n, memo) if p.origin_id == oid)
        return out

    def _report_new(self, x: int) -> list[Passage]:
        memo: dict[int, list[_Seg]] = {}
        return self._passages(x, memo) + self._later_copies(x, memo)

    # -- reading ---------------------------------------------------------------------------------

    def copied(self, doc_id: str) -> list[Passage]:
        """Passages of ``doc_id`` copied from earlier pages, each with its first origin."""
        return self._passages(self._num(doc_id), {})

    def copies(self, doc_id: str) -> list[Passage]:
        """Passages of later pages whose first origin is ``doc_id``."""
        return self._later_copies(self._num(doc_id), {})

    def provenance(self, doc_id: str) -> dict[str, list[dict[str, Any]]]:
        """``{"copied": [...], "copies": [...]}``, the shape `newstrace provenance --json` prints."""
        x = self._num(doc_id)
        memo: dict[int, list[_Seg]] = {}
        return {
            "copied": [p.copied_json() for p in self._passages(x, memo)],
            "copies": [p.copy_json() for p in self._later_copies(x, memo)],
        }

    def _num(self, doc_id: str) -> int:
        try:
            return self._nums[doc_id]
        except KeyError:
            raise KeyError(f"unknown document {doc_id!r}") from None

    # -- persistence -----------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """The whole index (pages, found passages, LSH tables) as one blob, e.g. for a SQLite row.

        With a text source the blob holds no page text (a page is its id, spans and date); it then
        loads only with a text source.
        """
        if not isinstance(self.candidates, PassageLSH):
            raise TypeError("only the default PassageLSH candidate index can be persisted")
        texts = self.text_of is None
        state = {
            "format": "newstrace.reuse/1" if texts else "newstrace.reuse/2",
            "settings": {
                k: getattr(self.settings, k) for k in ("min_words", "quote_share", "pair_copy_words")
            },
            "candidates": self.candidates.config(),
            "docs": [
                [d.id, *([d.text] if texts else []), d.body, d.quotes, d.published] for d in self._docs
            ],
            "links": [
                [
                    x,
                    y,
                    [
                        [
                            k.x_start,
                            k.x_end,
                            k.y_start,
                            k.y_end,
                            k.similarity,
                            k.kind,
                            k.anchors.ravel().tolist(),
                        ]
                        for k in links
                    ],
                ]
                for x, nb in enumerate(self._links)
                for y, links in nb.items()
                if x < y
            ],  # fmt: skip
        }
        head = json.dumps(state, separators=(",", ":")).encode()
        magic = _MAGIC_TEXTS if texts else _MAGIC_NO_TEXTS
        return magic + struct.pack("<Q", len(head)) + head + self.candidates.lsh.to_bytes()

    @classmethod
    def from_bytes(cls, data: bytes, text_of: TextSource | None = None) -> ReuseIndex:
        """Load an index written by :meth:`to_bytes`; ``ValueError`` when the blob is not one.

        ``text_of``: the loaded index's text source (see the class). A blob holding texts (written
        without a text source, or before text sources existed) loads either way; with a text source
        its texts are dropped.
        """
        if data[:8] not in (_MAGIC_TEXTS, _MAGIC_NO_TEXTS) or len(data) < 16:
            raise ValueError("not a newstrace reuse index")
        if data[:8] == _MAGIC_NO_TEXTS and text_of is None:
            raise ValueError("this reuse index holds no page texts: load it with a text source")
        try:
            return cls._load(data, text_of)
        except (KeyError, IndexError, TypeError, struct.error) as err:
            raise ValueError(f"corrupt newstrace reuse index: {err}") from err

    @classmethod
    def _load(cls, data: bytes, text_of: TextSource | None) -> ReuseIndex:
        (n,) = struct.unpack("<Q", data[8:16])
        state = json.loads(data[16 : 16 + n])
        lsh = LSHIndex.from_bytes(memoryview(data)[16 + n :])
        cfg = state["candidates"]
        idx = cls(PassageLSH(lsh=lsh, **cfg), **state["settings"], text_of=text_of)
        with_texts = data[:8] == _MAGIC_TEXTS
        for num, rec in enumerate(state["docs"]):
            if with_texts:
                doc_id, text, body, quotes, published = rec
            else:
                (doc_id, body, quotes, published), text = rec, None
            b = None if body is None else tuple((int(s), int(e)) for s, e in body)
            q = tuple((int(s), int(e)) for s, e in quotes)
            idx._docs.append(_Doc(doc_id, num, None if text_of is not None else text, b, q, published))
            idx._nums[doc_id] = num
            idx._links.append({})
        for x, y, links in state["links"]:
            lk = [
                _Link(a, b, c, d, sim, kind, np.array(anc, dtype=np.int64).reshape(-1, 4))
                for a, b, c, d, sim, kind, anc in links
            ]
            idx._links[x][y] = lk
            idx._links[y][x] = [k.flipped() for k in lk]
        return idx


def _document_record(doc: Document) -> tuple[str, str, Spans | None, str | None, Spans]:
    body = [(x.start, x.end) for x in doc.layers if x.kind == "body"]
    quotes = [(q.start, q.end) for q in doc.quotes]
    return doc.id, doc.text, (body if doc.layers else None), doc.published, quotes


__all__ = ["CandidateIndex", "Passage", "PassageLSH", "ReuseIndex", "TextSource", "quote_spans"]
