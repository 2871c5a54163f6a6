"""Online story clustering: each page joins a story or opens one, in arrival order, and says why.

Two levels, both online:

1. *Threads* (fine clusters). A page joins the thread it is most similar to when the similarity clears a
   strict bar, else it opens a thread. Similarity is a learnt linear score over dot products of the
   page's vectors with the thread's summed vectors (``features.py``), divided by the thread's size: the
   page's *average* similarity to the thread's pages (average linkage), computed in one dot product.
2. *Stories* are threads grouped by average linkage at a looser bar. After every page, the threads around
   the one that changed (its neighbours and their stories) are regrouped, so a story can absorb another
   once the evidence for it arrives, or shed a thread that no longer fits. Strict threads first and
   average linkage over them is what keeps a greedy stream close to a batch clustering.

Sublinear candidate retrieval: an inverted index from a page's entities and top terms to the threads
that hold them (posting lists capped to the most recent threads), plus a time window on dated pages, so
only a few dozen threads are ever scored per page, however many stories are held.

Time: dated groups carry a time term (``log_gap`` weight times the log of the days between their date
ranges beyond ``grace_days``) and never meet beyond ``window_days``; undated pages have no time term.

The score between two groups of pages is bilinear in their summed vectors, so thread-to-thread scores
are kept up to date incrementally (``G``): adding a page adds its score with each neighbour. Weights and
bars come from ``data/story_model.json`` (fitted on ECB+ train by ``benchmarks/stories.py --train``).
"""

from __future__ import annotations

import hashlib
import io
import json
import math
from collections import Counter, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from .features import CHANNELS, EMBED_DIM, PRESENCE, DocumentFeatures, FeatureSpace, Vector, channel_of

__all__ = ["Assignment", "Model", "StoryClusterer", "cluster", "FEATURE_NAMES"]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
F32 = npt.NDArray[np.float32]
I32 = npt.NDArray[np.int32]

CONTAIN = ("term", "lead", "name", "ent")  # channels with a containment feature (short pages in long stories)
FEATURE_NAMES: tuple[str, ...] = (
    *(f"dot_{c}" for c in CHANNELS),
    "embedding",
    "lead_embedding",
    *(f"both_{c}" for c in PRESENCE),
    *(f"contain_{c}" for c in CONTAIN),
    "log_gap",
)
_ENTITY_CHANNELS = ("ent", "person", "lead_person", "name")
_TERM_CHANNELS = ("term", "lead", "head")


@dataclass(frozen=True)
class Model:
    """The pair score's weights and bias, the two bars, the time prior and the retrieval bounds."""

    weights: dict[str, float]
    bias: float
    join: float  # a page joins a thread when its average score to it is at least this (logit)
    group: float  # threads form one story when their average score is at least this
    window_days: int = 90  # dated pages more than this many days from a story's dates never join it
    grace_days: int = 0  # the time term starts this many days after a story's dates
    copy_bonus: float = 20.0  # a page that copies a stored page's passage is in that page's story
    max_candidates: int = 24
    posting_cap: int = 256
    neighbourhood: int = 48
    provenance: str = ""

    @classmethod
    def default(cls) -> Model:
        return _default_model()

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Model:
        fields = {
            k: data[k]
            for k in (
                "join",
                "group",
                "window_days",
                "grace_days",
                "copy_bonus",
                "max_candidates",
                "posting_cap",
                "neighbourhood",
            )
            if k in data
        }
        return cls(
            weights={k: float(v) for k, v in data["weights"].items()},
            bias=float(data["bias"]),
            provenance=str(data.get("provenance", "")),
            **fields,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "weights": self.weights,
            "bias": self.bias,
            "join": self.join,
            "group": self.group,
            "window_days": self.window_days,
            "grace_days": self.grace_days,
            "copy_bonus": self.copy_bonus,
            "max_candidates": self.max_candidates,
            "posting_cap": self.posting_cap,
            "neighbourhood": self.neighbourhood,
            "provenance": self.provenance,
        }

    def w(self, name: str) -> float:
        return self.weights.get(name, 0.0)


@lru_cache(maxsize=1)
def _default_model() -> Model:
    text = resources.files("newstrace").joinpath("data/story_model.json").read_text(encoding="utf-8")
    return Model.from_json(json.loads(text))


def pair_features(a: Vector, b: Vector) -> list[float]:
    """The features of :data:`FEATURE_NAMES` for two pages (what the model is trained on)."""
    out = []
    for ch in CHANNELS:
        out.append(sum(v * b.sparse.get(k, 0.0) for k, v in a.sparse.items() if channel_of(k) == ch))
    out.append(_edot(a.embedding, b.embedding))
    out.append(_edot(a.lead_embedding, b.lead_embedding))
    out.extend(float(x) for x in a.presence * b.presence)
    for ch in CONTAIN:
        sa = sum(v * v for k, v in a.sparse.items() if channel_of(k) == ch and k in b.sparse)
        sb = sum(v * v for k, v in b.sparse.items() if channel_of(k) == ch and k in a.sparse)
        out.append((sa + sb) / 2)
    gap = _gap(a.date, a.date, b.date, b.date)
    out.append(0.0 if gap is None else math.log1p(gap))
    return out


def _edot(a: npt.NDArray[np.float32] | None, b: npt.NDArray[np.float32] | None) -> float:
    if a is None or b is None:
        return 0.0
    return float(np.dot(a, b))


# ------------------------------------------------------------------------------------------------ threads


@dataclass
class _Probe:
    """A page, ready to be scored against a thread's sums: score = a.s + b.df + c.q (+ dense terms)."""

    ids: I64
    a: F64
    b: F64
    c: F64
    x: F64  # the page's own unit values (to add into sums)
    emb: F32
    lead: F32
    presence: F32
    date: int | None


@dataclass
class _Thread:
    id: int
    ids: I32  # key ids, sorted (compact: a held story costs a few kB)
    s: F32  # sum of the pages' unit values
    df: F32  # pages holding each key
    q: F32  # sum of squared unit values
    emb: F32
    lead: F32
    presence: F32  # pages having each PRESENCE channel
    k: int
    lo: int | None
    hi: int | None
    docs: list[str]
    story: str
    nbr: dict[int, float] = field(default_factory=dict)  # thread id -> G (summed raw pair scores)

    def add_probe(self, p: _Probe) -> None:
        self._merge(p.ids, p.x, np.ones_like(p.x), p.x * p.x)
        self.emb = self.emb + p.emb
        self.lead = self.lead + p.lead
        self.presence = self.presence + p.presence
        self.k += 1
        self._dates(p.date, p.date)

    def absorb(self, o: _Thread) -> None:
        self._merge(o.ids, o.s, o.df, o.q)
        self.emb = self.emb + o.emb
        self.lead = self.lead + o.lead
        self.presence = self.presence + o.presence
        self.k += o.k
        self._dates(o.lo, o.hi)
        self.docs += o.docs

    def _merge(
        self, ids: npt.NDArray[Any], s: npt.NDArray[Any], df: npt.NDArray[Any], q: npt.NDArray[Any]
    ) -> None:
        all_ids = np.concatenate([self.ids, ids])
        uniq, inv = np.unique(all_ids, return_inverse=True)
        n = len(uniq)
        self.s = np.bincount(inv, np.concatenate([self.s, s]), n).astype(np.float32)
        self.df = np.bincount(inv, np.concatenate([self.df, df]), n).astype(np.float32)
        self.q = np.bincount(inv, np.concatenate([self.q, q]), n).astype(np.float32)
        self.ids = uniq.astype(np.int32)

    def _dates(self, lo: int | None, hi: int | None) -> None:
        if lo is not None:
            self.lo = lo if self.lo is None else min(self.lo, lo)
        if hi is not None:
            self.hi = hi if self.hi is None else max(self.hi, hi)


def _gap(alo: int | None, ahi: int | None, blo: int | None, bhi: int | None) -> int | None:
    """Days between two date ranges (0 when they overlap; None when either is undated)."""
    if alo is None or ahi is None or blo is None or bhi is None:
        return None
    return max(0, alo - bhi, blo - ahi)


@dataclass
class Assignment:
    """Where one page went and why (the per-assignment explanation the store keeps)."""

    doc_id: str
    story: str
    thread: int
    level: str  # "thread": joined a thread; "story": opened a thread grouped into a story; "new": a new story
    score: float | None  # average score (logit) to the thread that tied it; None for a new story
    entities: list[str]
    terms: list[str]
    gap_days: int | None
    linked: list[str]  # pages of the thread that tied it (up to 3)
    candidates: int

    @property
    def new_story(self) -> bool:
        return self.level == "new"

    def explanation(self) -> dict[str, Any]:
        return {
            "score": None if self.score is None else round(self.score, 3),
            "level": self.level,
            "entities": self.entities,
            "terms": self.terms,
            "time_gap_days": self.gap_days,
            "with": self.linked,
            "candidates": self.candidates,
        }


class StoryClusterer:
    """The online two-level clusterer (see the module docstring). Feed pages in publication order."""

    def __init__(self, model: Model | None = None, space: FeatureSpace | None = None) -> None:
        self.model = model or Model.default()
        self.space = space or FeatureSpace()
        self.vocab: dict[str, int] = {}
        self.key_names: list[str] = []
        self.threads: dict[int, _Thread] = {}
        self.alias: dict[int, int] = {}
        self.postings: dict[int, deque[int]] = {}
        self.stories: dict[str, set[int]] = {}
        self.doc_thread: dict[str, int] = {}
        self._next = 0
        self._cw = np.zeros(0)  # per key id: channel weight
        self._cc = np.zeros(0)  # per key id: containment weight / 2
        m = self.model
        self._wch = {ch: m.w(f"dot_{ch}") for ch in CHANNELS}
        self._wct = {ch: m.w(f"contain_{ch}") / 2 for ch in CONTAIN}
        self._wp = np.array([m.w(f"both_{ch}") for ch in PRESENCE], dtype=np.float32)

    # -- public ------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.doc_thread)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self.doc_thread

    def story_of(self, doc_id: str) -> str | None:
        t = self.doc_thread.get(doc_id)
        return None if t is None else self.threads[self._find(t)].story

    def refine(self) -> None:
        """Regroup around every thread once more (a batch run's last pass; streams need not call it)."""
        for tid in sorted(self.threads):
            if tid in self.threads:
                self._regroup(tid)

    def doc_thread_root(self, doc_id: str) -> int:
        """The live thread a page is in (threads merge)."""
        return self._find(self.doc_thread[doc_id])

    def story_documents(self) -> dict[str, list[str]]:
        """Story id -> its pages, in the order they were added."""
        order = {d: i for i, d in enumerate(self.doc_thread)}
        out = {}
        for sid, ts in self.stories.items():
            out[sid] = sorted((d for t in ts for d in self.threads[t].docs), key=order.__getitem__)
        return out

    def add_features(self, feats: DocumentFeatures, copies_of: Sequence[str] = ()) -> Assignment:
        """Count a page into the IDF, vectorise it and assign it."""
        self.space.observe(feats)
        return self.add(self.space.vector(feats), copies_of)

    def add(self, vec: Vector, copies_of: Sequence[str] = ()) -> Assignment:
        """Assign one page (vectorised with this clusterer's :attr:`space`)."""
        if vec.id in self.doc_thread:
            raise ValueError(f"{vec.id!r} is already assigned")
        m = self.model
        p = self._probe(vec)
        cands = self._retrieve(vec, p)
        linked = [self._find(self.doc_thread[d]) for d in copies_of if d in self.doc_thread]
        for t in linked:
            if t not in cands:
                cands.append(t)
        raw = {t: self._raw(p, self.threads[t]) for t in cands}
        scores: dict[int, float] = {}
        for t, r in raw.items():
            th = self.threads[t]
            if t in linked or self._window_ok(p.date, p.date, th.lo, th.hi):
                score = r / th.k + m.bias + self._time(p.date, p.date, th.lo, th.hi)
                scores[t] = score + (m.copy_bonus if t in linked else 0.0)
        best = max(scores, key=scores.__getitem__) if scores else None
        joined = best is not None and scores[best] >= m.join
        # what ties the page to each plausible thread, read before anything changes
        why = {
            t: (
                self._explain(p, self.threads[t]),
                _gap(p.date, p.date, self.threads[t].lo, self.threads[t].hi),
                self.threads[t].docs[:3],
            )
            for t, sc in scores.items()
            if sc >= m.group - 1.0 or t == best
        }
        if joined:
            assert best is not None
            th = self.threads[best]
            known = {t: th.nbr[t] + (raw[t] if t in raw else self._raw(p, self.threads[t])) for t in th.nbr}
            th.add_probe(p)
            th.docs.append(vec.id)
            # G: the thread gains this page's score with each neighbour; new neighbours are scored whole
            for t in raw:
                if t != best and t not in known:
                    known[t] = self._raw_threads(th, self.threads[t])
            for t, g in known.items():
                self._link(best, t, g)
            tid = best
        else:
            tid = self._new_thread(p, vec.id)
            for t, r in raw.items():
                self._link(tid, t, r)
        self.doc_thread[vec.id] = tid
        self._index(vec, tid)
        tid = self._merge_threads(tid)
        self._prune(tid)
        self._regroup(tid)
        th = self.threads[tid]
        if joined:
            level, tie = "thread", best
        else:
            same = [
                t
                for t in why
                if self._find(t) in self.threads and self.threads[self._find(t)].story == th.story
            ]
            tie = max(same, key=scores.__getitem__) if same else None
            level = "story" if tie is not None or th.k > 1 or len(self.stories[th.story]) > 1 else "new"
        if tie is None:
            return Assignment(vec.id, th.story, tid, level, None, [], [], None, [], len(cands))
        (ents, terms), gap, docs = why[tie]
        return Assignment(vec.id, th.story, tid, level, scores[tie], ents, terms, gap, docs, len(cands))

    # -- internals -----------------------------------------------------------------------------------

    def _find(self, t: int) -> int:
        while t in self.alias:
            t = self.alias[t]
        return t

    def _key_id(self, key: str) -> int:
        i = self.vocab.get(key)
        if i is None:
            i = len(self.key_names)
            self.vocab[key] = i
            self.key_names.append(key)
            if i >= len(self._cw):
                grow = max(1024, len(self._cw))
                self._cw = np.concatenate([self._cw, np.zeros(grow)])
                self._cc = np.concatenate([self._cc, np.zeros(grow)])
            ch = channel_of(key)
            self._cw[i] = self._wch.get(ch, 0.0)
            self._cc[i] = self._wct.get(ch, 0.0)
        return i

    def _probe(self, vec: Vector) -> _Probe:
        pairs = sorted((self._key_id(k), v) for k, v in vec.sparse.items())
        ids = np.array([i for i, _ in pairs], dtype=np.int64)
        x = np.array([v for _, v in pairs], dtype=np.float64)
        cw, cc = self._cw[ids], self._cc[ids]
        zero = np.zeros(EMBED_DIM, dtype=np.float32)
        emb = zero if vec.embedding is None else vec.embedding.astype(np.float32)
        lead = zero if vec.lead_embedding is None else vec.lead_embedding.astype(np.float32)
        return _Probe(ids, cw * x, cc * x * x, cc, x, emb, lead, vec.presence, vec.date)

    def _raw(self, p: _Probe, th: _Thread) -> float:
        """Summed pair score (without bias) of page ``p`` with every page of ``th``."""
        m = self.model
        pos = np.searchsorted(th.ids, p.ids)
        pos[pos >= len(th.ids)] = 0
        hit = th.ids[pos] == p.ids
        r = 0.0
        if hit.any():
            j = pos[hit]
            r = float(p.a[hit] @ th.s[j] + p.b[hit] @ th.df[j] + p.c[hit] @ th.q[j])
        r += m.w("embedding") * float(p.emb @ th.emb) + m.w("lead_embedding") * float(p.lead @ th.lead)
        r += float(self._wp @ (p.presence * th.presence))
        return r

    def _raw_threads(self, a: _Thread, b: _Thread) -> float:
        """Summed pair score (without bias) over every pair of pages of threads ``a`` and ``b``."""
        m = self.model
        common, ia, ib = np.intersect1d(a.ids, b.ids, assume_unique=True, return_indices=True)
        r = float(
            np.sum(
                self._cw[common] * a.s[ia] * b.s[ib]
                + self._cc[common] * (a.q[ia] * b.df[ib] + a.df[ia] * b.q[ib])
            )
        )
        r += m.w("embedding") * float(a.emb @ b.emb) + m.w("lead_embedding") * float(a.lead @ b.lead)
        r += float(self._wp @ (a.presence * b.presence))
        return r

    def _time(self, alo: int | None, ahi: int | None, blo: int | None, bhi: int | None) -> float:
        """The score's time term: days between the two groups' date ranges (0 when either is undated)."""
        g = _gap(alo, ahi, blo, bhi)
        return 0.0 if g is None else self.model.w("log_gap") * math.log1p(max(0, g - self.model.grace_days))

    def _window_ok(self, alo: int | None, ahi: int | None, blo: int | None, bhi: int | None) -> bool:
        g = _gap(alo, ahi, blo, bhi)
        return g is None or g <= self.model.window_days

    def _retrieve(self, vec: Vector, p: _Probe) -> list[int]:
        hits: dict[int, float] = {}
        for key in vec.keys:
            kid = self.vocab.get(key)
            if kid is None:
                continue
            plist = self.postings.get(kid)
            if not plist:
                continue
            w = vec.sparse.get(key, 0.0)
            for t in plist:
                hits[t] = hits.get(t, 0.0) + w
        out: list[int] = []
        seen: set[int] = set()
        for t in sorted(hits, key=lambda t: -hits[t]):
            t = self._find(t)
            if t in seen:
                continue
            seen.add(t)
            th = self.threads[t]
            if self._window_ok(p.date, p.date, th.lo, th.hi):
                out.append(t)
                if len(out) >= self.model.max_candidates:
                    break
        return out

    def _index(self, vec: Vector, tid: int) -> None:
        cap = self.model.posting_cap
        for key in vec.keys:
            kid = self.vocab[key]
            plist = self.postings.get(kid)
            if plist is None:
                plist = self.postings[kid] = deque(maxlen=cap)
            if not plist or plist[-1] != tid:
                plist.append(tid)

    def _new_thread(self, p: _Probe, doc_id: str) -> int:
        tid = self._next
        self._next += 1
        th = _Thread(
            tid,
            p.ids.astype(np.int32),
            p.x.astype(np.float32),
            np.ones(len(p.x), dtype=np.float32),
            (p.x * p.x).astype(np.float32),
            p.emb.copy(),
            p.lead.copy(),
            p.presence.copy(),
            1,
            p.date,
            p.date,
            [doc_id],
            "",
        )
        self.threads[tid] = th
        th.story = self._story_id(doc_id)
        self.stories[th.story] = {tid}
        return tid

    def _story_id(self, doc_id: str) -> str:
        base = "s" + hashlib.sha1(doc_id.encode("utf-8", "surrogatepass")).hexdigest()[:12]
        sid, n = base, 1
        while sid in self.stories:
            n += 1
            sid = f"{base}-{n}"
        return sid

    def _link(self, a: int, b: int, g: float, margin: float = 6.0) -> None:
        """Set the summed score of threads ``a`` and ``b``; links far below the story bar are dropped."""
        ta, tb = self.threads[a], self.threads[b]
        if self._avg(ta, tb, g) < self.model.group - margin:
            ta.nbr.pop(b, None)
            tb.nbr.pop(a, None)
            return
        ta.nbr[b] = g
        tb.nbr[a] = g

    def _avg(self, a: _Thread, b: _Thread, g: float | None = None) -> float:
        g = a.nbr.get(b.id, 0.0) if g is None else g
        return g / (a.k * b.k) + self.model.bias + self._time(a.lo, a.hi, b.lo, b.hi)

    def _merge_threads(self, tid: int) -> int:
        """Merge the thread with neighbours that now clear the joining bar (level-1 merges)."""
        m = self.model
        while True:
            th = self.threads[tid]
            best, best_s = None, m.join
            for o, g in th.nbr.items():
                other = self.threads[o]
                s = self._avg(th, other, g)
                if s >= best_s and self._window_ok(th.lo, th.hi, other.lo, other.hi):
                    best, best_s = o, s
            if best is None:
                return tid
            other = self.threads[best]
            both = set(th.nbr) & set(other.nbr)
            sums = {o: th.nbr[o] + other.nbr[o] for o in both if o not in (tid, best)}
            either = (set(th.nbr) | set(other.nbr)) - both - {tid, best}
            for o in set(other.nbr):
                self.threads[o].nbr.pop(best, None)
            th.nbr.pop(best, None)
            th.absorb(other)
            for o in either:  # one side never scored it: score the merged thread whole
                sums[o] = self._raw_threads(th, self.threads[o])
            for o, g in sums.items():
                self._link(tid, o, g)
            for d in other.docs:
                self.doc_thread[d] = tid
            self.stories[other.story].discard(best)
            if not self.stories[other.story]:
                del self.stories[other.story]
            del self.threads[best]
            self.alias[best] = tid

    def _prune(self, tid: int, margin: float = 6.0) -> None:
        """Forget neighbour links far below the story bar (keeps the neighbour lists short)."""
        th = self.threads[tid]
        floor = self.model.group - margin
        for o in [o for o, g in th.nbr.items() if self._avg(th, self.threads[o], g) < floor]:
            del th.nbr[o]
            self.threads[o].nbr.pop(tid, None)

    def _regroup(self, tid: int) -> None:
        """Average-link the threads around ``tid`` into stories again (level 2)."""
        m = self.model
        th = self.threads[tid]
        near = sorted(((self._avg(th, self.threads[o], g), o) for o, g in th.nbr.items()), reverse=True)
        hood = [tid] + [o for s, o in near[: m.neighbourhood] if s >= m.group - 2.0]
        members: list[int] = []
        seen: set[int] = set()
        for t in hood:
            for u in (
                sorted(self.stories[self.threads[t].story]) if len(members) < 4 * m.neighbourhood else [t]
            ):
                if u not in seen:
                    seen.add(u)
                    members.append(u)
        if len(members) == 1:
            return
        groups = self._average_link(members)
        old = {t: self.threads[t].story for t in members}
        used: set[str] = set()
        for g in sorted(groups, key=lambda g: -sum(self.threads[t].k for t in g)):
            votes: Counter[str] = Counter()
            oldest: dict[str, int] = {}
            for t in g:
                votes[old[t]] += self.threads[t].k
                oldest[old[t]] = min(oldest.get(old[t], t), t)
            ranked = sorted(votes, key=lambda s: (-votes[s], oldest[s]))  # most pages, then the oldest story
            sid = next((s for s in ranked if s not in used), None)
            if sid is None:
                first = min(g, key=lambda t: self.threads[t].id)
                sid = self._story_id(self.threads[first].docs[0])
            used.add(sid)
            for t in g:
                if old[t] != sid:
                    self.stories[old[t]].discard(t)
                    if not self.stories[old[t]]:
                        del self.stories[old[t]]
                    self.stories.setdefault(sid, set()).add(t)
                    self.threads[t].story = sid

    def _average_link(self, members: list[int]) -> list[list[int]]:
        m = self.model
        n = len(members)
        idx = {t: i for i, t in enumerate(members)}
        g = np.zeros((n, n))
        for t in members:
            i = idx[t]
            for o, v in self.threads[t].nbr.items():
                j = idx.get(o)
                if j is not None:
                    g[i, j] = v
        k = np.array([self.threads[t].k for t in members], dtype=np.float64)
        nan = float("nan")
        lo = np.array([nan if self.threads[t].lo is None else self.threads[t].lo for t in members])
        hi = np.array([nan if self.threads[t].hi is None else self.threads[t].hi for t in members])
        groups = [[t] for t in members]
        alive = np.ones(n, dtype=bool)
        wg = m.w("log_gap")
        while True:
            gap = np.maximum(0.0, np.maximum(lo[:, None] - hi[None, :], lo[None, :] - hi[:, None]))
            undated = np.isnan(gap)
            late = np.maximum(0.0, np.nan_to_num(gap) - m.grace_days)
            avg = g / np.outer(k, k) + m.bias + np.where(undated, 0.0, wg * np.log1p(late))
            avg[~undated & (np.nan_to_num(gap) > m.window_days)] = -np.inf
            avg[~alive, :] = -np.inf
            avg[:, ~alive] = -np.inf
            np.fill_diagonal(avg, -np.inf)
            flat = int(np.argmax(avg))
            i, j = divmod(flat, n)
            if avg[i, j] < m.group:
                return [grp for a, grp in zip(alive, groups, strict=True) if a]
            g[i, :] += g[j, :]
            g[:, i] += g[:, j]
            g[i, i] = 0.0
            k[i] += k[j]
            groups[i] += groups[j]
            alive[j] = False
            g[j, :] = 0.0
            g[:, j] = 0.0
            lo[i] = np.fmin(lo[i], lo[j])
            hi[i] = np.fmax(hi[i], hi[j])

    def _explain(self, p: _Probe, th: _Thread, top: int = 5) -> tuple[list[str], list[str]]:
        """The entities and terms that tied page ``p`` to thread ``th``, strongest first."""
        pos = np.searchsorted(th.ids, p.ids)
        pos[pos >= len(th.ids)] = 0
        hit = th.ids[pos] == p.ids
        contrib = np.zeros(len(p.ids))
        j = pos[hit]
        contrib[hit] = p.a[hit] * th.s[j] + p.b[hit] * th.df[j] + p.c[hit] * th.q[j]
        ents: list[str] = []
        terms: list[str] = []
        for i in np.argsort(-contrib):
            if contrib[i] <= 0:
                break
            ch, key = self.key_names[int(p.ids[i])].split("|", 1)
            if ch in _ENTITY_CHANNELS and key not in ents and len(ents) < top:
                ents.append(key)
            elif ch in _TERM_CHANNELS and key not in terms and len(terms) < top:
                terms.append(key)
        return ents, terms

    # -- persistence ---------------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """The whole state (numpy ``.npz``, no pickles) for a store's meta table."""
        ths = list(self.threads.values())
        head = {
            "format": "newstrace.stories/1",
            "model": self.model.to_json(),
            "space": self.space.to_json(),
            "keys": self.key_names,
            "next": self._next,
            "alias": [[a, b] for a, b in self.alias.items()],
            "threads": [
                [
                    t.id,
                    t.k,
                    t.presence.tolist(),
                    t.lo,
                    t.hi,
                    t.docs,
                    t.story,
                    [[o, g] for o, g in t.nbr.items()],
                ]
                for t in ths
            ],
            "postings": [[k, list(v)] for k, v in self.postings.items()],
            "order": list(self.doc_thread),
        }
        sizes = np.array([len(t.ids) for t in ths], dtype=np.int64)
        arrays = {
            "head": np.frombuffer(json.dumps(head, separators=(",", ":")).encode(), dtype=np.uint8),
            "sizes": sizes,
            "ids": np.concatenate([t.ids for t in ths]) if ths else np.zeros(0, np.int32),
            "s": np.concatenate([t.s for t in ths]) if ths else np.zeros(0),
            "df": np.concatenate([t.df for t in ths]) if ths else np.zeros(0),
            "q": np.concatenate([t.q for t in ths]) if ths else np.zeros(0),
            "emb": np.stack([t.emb for t in ths]).astype(np.float32) if ths else np.zeros((0, EMBED_DIM)),
            "lead": np.stack([t.lead for t in ths]).astype(np.float32) if ths else np.zeros((0, EMBED_DIM)),
        }
        buf = io.BytesIO()
        np.savez_compressed(buf, **arrays)  # type: ignore[arg-type]
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, model: Model | None = None) -> StoryClusterer:
        """Load a state written by :meth:`to_bytes` (``ValueError`` when it is not one)."""
        try:
            z = np.load(io.BytesIO(data), allow_pickle=False)
            head = json.loads(bytes(z["head"]).decode())
            if head.get("format") != "newstrace.stories/1":
                raise ValueError("not a newstrace stories state")
            self = cls(model or Model.from_json(head["model"]), FeatureSpace.from_json(head["space"]))
            for key in head["keys"]:
                self._key_id(key)
            self._next = int(head["next"])
            self.alias = {int(a): int(b) for a, b in head["alias"]}
            offs = np.concatenate([[0], np.cumsum(z["sizes"])])
            ids, s, df, q, emb, lead = z["ids"], z["s"], z["df"], z["q"], z["emb"], z["lead"]
            for n, (tid, k, presence, lo, hi, docs, story, nbr) in enumerate(head["threads"]):
                a, b = int(offs[n]), int(offs[n + 1])
                th = _Thread(
                    int(tid),
                    ids[a:b].astype(np.int32),
                    s[a:b].astype(np.float32),
                    df[a:b].astype(np.float32),
                    q[a:b].astype(np.float32),
                    emb[n].astype(np.float32),
                    lead[n].astype(np.float32),
                    np.array(presence, dtype=np.float32),
                    int(k),
                    lo,
                    hi,
                    list(docs),
                    str(story),
                    {int(o): float(g) for o, g in nbr},
                )
                self.threads[th.id] = th
                self.stories.setdefault(th.story, set()).add(th.id)
                for d in docs:
                    self.doc_thread[d] = th.id
            cap = self.model.posting_cap
            self.postings = {int(k): deque((int(t) for t in v), maxlen=cap) for k, v in head["postings"]}
            order = {d: i for i, d in enumerate(head["order"])}
            self.doc_thread = dict(sorted(self.doc_thread.items(), key=lambda kv: order.get(kv[0], 0)))
            return self
        except (KeyError, IndexError, TypeError, OSError, json.JSONDecodeError) as e:
            raise ValueError(f"corrupt newstrace stories state: {e}") from e


def cluster(
    vectors: Iterable[Vector], model: Model | None = None, space: FeatureSpace | None = None
) -> tuple[StoryClusterer, list[Assignment]]:
    """Stream already-vectorised pages through a fresh clusterer (benchmarks, batch runs)."""
    c = StoryClusterer(model, space)
    out = [c.add(v) for v in vectors]
    return c, out
