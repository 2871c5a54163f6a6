"""Who copied whom: passage-level copy detection on programmatic republications of real articles.

Corpus. Real article bodies: PolNeAR train+dev texts, ECB+ train/dev documents (``split != "test"``;
sentences joined, two sentences to a paragraph) and BASIL's 300 articles (100 events x NYT / Fox /
HuffPost). Base pages that share 10 or more word 8-grams outside quotation marks with an earlier
base page (natural syndication inside the data sets) are dropped first, except BASIL, whose
triplets are the hard negatives. A reserved set of PolNeAR pages (never indexed) hosts excerpts and
supplies editor's notes. From other base pages (the origins) the script writes republications:

- ``verbatim``: the body unchanged;
- ``edit5`` / ``edit10``: 5% / 10% of the words replaced by random corpus words;
- ``drop``: about a quarter of the sentences dropped (gold: one passage per run of kept sentences);
- ``excerpt``: 2-5 consecutive paragraphs embedded at a paragraph break of an unrelated host page;
- ``reorder``: paragraphs shuffled (gold: one passage per paragraph);
- ``note``: an editor's note added on top;
- ``chain``: B = ``edit5`` of A, then C = a note on top of B verbatim; C's gold origin is A.

Every page has a publication date (real, else synthetic; a copy is 1-10 days after its origin) and
pages are inserted in a shuffled order, so many copies arrive before their origin.

Metrics.
- Passage level, character overlap: a passage ``(copy, origin, [s, e), [os, oe))`` stands for the
  characters ``(copy, origin, "copy side", x)`` for x in [s, e) plus ``(copy, origin, "origin side",
  y)`` for y in [os, oe). Precision = |predicted ∩ gold| / |predicted|, recall = |predicted ∩
  gold| / |gold|, over the union of all passages of kind ``copy`` (chain-resolved, as
  ``ReuseIndex.copied`` reports them). A right passage credited to the wrong origin scores nothing.
  Per kind, predicted characters are grouped by the copying page's kind.
- Document level: pairs (copy, first origin) with at least one ``copy`` passage vs gold pairs.
- Hard negatives: BASIL same-event pairs linked by a ``copy`` passage (target 0); pairs linked only
  by ``shared_quote`` passages are counted apart.
- Index: sign + insert throughput (bulk, one core, from body text: tokenising and shingling
  included for both) and memory of the built index (tracemalloc), for newstrace's ``PassageLSH``
  and for datasketch ``MinHashLSH`` (``MinHash.bulk``, 128 permutations, word 5-grams, threshold
  0.5). Both are also run as the candidate index of the same ``ReuseIndex`` (same alignment), so
  the quality difference comes from the index alone.

``--scale N`` inserts N synthetic pages (sentences resampled from the real ones, page lengths drawn
from the real pages) into ``PassageLSH`` alone and reports pages/s and memory.

    .venv/bin/python benchmarks/reuse.py [--data-dir ../shared/data] [--per-kind 60] [--json out.json]
    .venv/bin/python benchmarks/reuse.py --text-source   # the index reads page texts back when aligning
    .venv/bin/python benchmarks/reuse.py --scale 1000000
"""

from __future__ import annotations

import argparse
import datetime
import gc
import glob
import json
import os
import random
import re
import resource
import sys
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from newstrace.corpus.reuse import PassageLSH, ReuseIndex, quote_spans

DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
KINDS = ("verbatim", "edit5", "edit10", "drop", "excerpt", "reorder", "note", "chain")
_WORD = re.compile(r"\w+")
_SENT = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘'A-Z])")


# -- corpus ---------------------------------------------------------------------------------------


@dataclass
class Page:
    id: str
    paragraphs: list[list[str]]  # paragraphs of sentences
    published: str
    source: str  # polnear | ecb | basil | copy
    event: str | None = None  # BASIL triplet id

    @property
    def text(self) -> str:
        return "\n\n".join(" ".join(p) for p in self.paragraphs)


def _split_sentences(paragraph: str) -> list[str]:
    parts = [s.strip() for s in _SENT.split(paragraph.strip())]
    return [s for s in parts if s]


def load_polnear(root: Path) -> list[Page]:
    pages = []
    for split in ("train", "dev"):
        for f in sorted(glob.glob(str(root / "polnear" / split / "text" / "*.txt"))):
            name = Path(f).stem
            m = re.search(r"_(\d{4}-\d{2}-\d{2})_", name)
            paras = [_split_sentences(p) for p in Path(f).read_text(encoding="utf-8").split("\n\n")]
            paras = [p for p in paras if p]
            if paras:
                pages.append(Page(f"polnear/{name}", paras, m.group(1) if m else "2016-01-01", "polnear"))
    return pages


def load_ecb(root: Path) -> list[Page]:
    pages = []
    day = 0
    with open(root / "ecbplus" / "ecbplus_docs.jsonl", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            if d.get("split") == "test":
                continue
            sents = [s.strip() for s in d["sentences"] if s.strip()]
            paras = [sents[i : i + 2] for i in range(0, len(sents), 2)]
            if paras:
                day += 1
                date = (datetime.date(2010, 1, 1) + datetime.timedelta(days=day % 3000)).isoformat()
                pages.append(Page(f"ecb/{d['doc_id']}", paras, date, "ecb"))
    return pages


def load_basil(root: Path) -> list[Page]:
    pages = []
    for f in sorted(glob.glob(str(root / "basil" / "articles" / "*" / "*.json"))):
        d = json.loads(Path(f).read_text(encoding="utf-8"))
        paras = [[s for s in p if s.strip()] for p in d["body-paragraphs"]]
        paras = [p for p in paras if p]
        src = str(d["source"]).lower()
        if paras:
            event = d["triplet-uuid"]
            pages.append(Page(f"basil/{event}/{src}", paras, d["date"], "basil", event))
    return pages


def _unquoted_grams(text: str, n: int = 8) -> set[int]:
    spans = quote_spans(text)
    words = [m for m in _WORD.finditer(text.lower())]
    if spans:
        starts = np.array([s for s, _ in spans])
        ends = np.array([e for _, e in spans])
        pos = np.array([m.start() for m in words]) if words else np.zeros(0, int)
        k = np.searchsorted(starts, pos, side="right") - 1
        inside = (k >= 0) & (pos < ends[np.maximum(k, 0)])
        words = [w for w, q in zip(words, inside, strict=True) if not q]
    toks = [w.group() for w in words]
    return {hash(" ".join(toks[i : i + n])) for i in range(len(toks) - n + 1)}


def dedupe(pages: list[Page], keep_source: str = "basil", min_shared: int = 10) -> tuple[list[Page], int]:
    """Drop base pages sharing >= min_shared unquoted word 8-grams with an earlier kept page."""
    owner: dict[int, int] = {}
    kept: list[Page] = []
    dropped = 0
    for page in sorted(pages, key=lambda p: (p.published, p.id)):
        grams = _unquoted_grams(page.text)
        shared: dict[int, int] = defaultdict(int)
        for g in grams:
            if g in owner:
                shared[owner[g]] += 1
        if page.source != keep_source and any(c >= min_shared for c in shared.values()):
            dropped += 1
            continue
        idx = len(kept)
        kept.append(page)
        for g in grams:
            owner.setdefault(g, idx)
    return kept, dropped


# -- republications --------------------------------------------------------------------------------


@dataclass
class Copy:
    page: Page
    kind: str
    gold: list[tuple[str, int, int, int, int]] = field(default_factory=list)  # origin, c0, c1, o0, o1


def _later(date: str, rng: random.Random, lo: int = 1, hi: int = 10) -> str:
    return (datetime.date.fromisoformat(date[:10]) + datetime.timedelta(days=rng.randint(lo, hi))).isoformat()


def _edit(text: str, rate: float, vocab: Sequence[str], rng: random.Random) -> str:
    out: list[str] = []
    last = 0
    for m in _WORD.finditer(text):
        if rng.random() < rate:
            out.append(text[last : m.start()])
            out.append(rng.choice(vocab))
            last = m.end()
    out.append(text[last:])
    return "".join(out)


def _spans(page: Page) -> list[list[tuple[int, int]]]:
    """Char spans of every sentence, per paragraph, in ``page.text``."""
    out: list[list[tuple[int, int]]] = []
    pos = 0
    for p in page.paragraphs:
        row = []
        for k, s in enumerate(p):
            if k:
                pos += 1
            row.append((pos, pos + len(s)))
            pos += len(s)
        out.append(row)
        pos += 2
    return out


def make_copy(
    kind: str, origin: Page, n: int, hosts: list[Page], notes: list[str], vocab: list[str], rng: random.Random
) -> list[Copy]:
    src = origin.text
    cid = f"copy/{kind}/{n}"
    date = _later(origin.published, rng)

    def page(text_paras: list[list[str]], pid: str = cid, published: str = date) -> Page:
        return Page(pid, text_paras, published, "copy")

    if kind == "verbatim":
        return [Copy(page(origin.paragraphs), kind, [(origin.id, 0, len(src), 0, len(src))])]
    if kind in ("edit5", "edit10"):
        rate = 0.05 if kind == "edit5" else 0.10
        c = page([[_edit(s, rate, vocab, rng) for s in p] for p in origin.paragraphs])
        return [Copy(c, kind, [(origin.id, 0, len(c.text), 0, len(src))])]
    if kind == "note":
        note = "Editor's note: " + notes[n % len(notes)]
        c = page([[note], *origin.paragraphs])
        off = len(note) + 2
        return [Copy(c, kind, [(origin.id, off, off + len(src), 0, len(src))])]
    if kind == "chain":
        b_paras = [[_edit(s, 0.05, vocab, rng) for s in p] for p in origin.paragraphs]
        b = page(b_paras, f"{cid}/b")
        note = "Editor's note: " + notes[-1 - n % len(notes)]
        c = page([[note], *b_paras], f"{cid}/c", _later(date, rng, 1, 3))
        off = len(note) + 2
        return [
            Copy(b, "chain", [(origin.id, 0, len(b.text), 0, len(src))]),
            Copy(c, "chain", [(origin.id, off, off + len(b.text), 0, len(src))]),
        ]
    spans = _spans(origin)
    if kind == "drop":
        flat = [(pi, si) for pi, p in enumerate(origin.paragraphs) for si in range(len(p))]
        drop = set(rng.sample(range(len(flat)), max(1, len(flat) // 4)))
        paras: list[list[str]] = []
        kept: list[int] = []  # flat indices kept, in order
        prev = -1
        for k, (pi, si) in enumerate(flat):
            if k in drop:
                continue
            if pi != prev:
                paras.append([])
                prev = pi
            paras[-1].append(origin.paragraphs[pi][si])
            kept.append(k)
        c = page(paras)
        cspans = _spans(c)
        cflat = [sp for row in cspans for sp in row]
        gold = []
        run_start = 0
        for r in range(1, len(kept) + 1):
            if r == len(kept) or kept[r] != kept[r - 1] + 1:
                a, z = kept[run_start], kept[r - 1]
                o0 = spans[flat[a][0]][flat[a][1]][0]
                o1 = spans[flat[z][0]][flat[z][1]][1]
                gold.append((origin.id, cflat[run_start][0], cflat[r - 1][1], o0, o1))
                run_start = r
        return [Copy(c, kind, gold)]
    if kind == "excerpt":
        k = rng.randint(2, min(5, len(origin.paragraphs)))
        i = rng.randint(0, len(origin.paragraphs) - k)
        host = hosts[n % len(hosts)]
        j = rng.randint(1, max(1, len(host.paragraphs) - 1))
        paras = host.paragraphs[:j] + origin.paragraphs[i : i + k] + host.paragraphs[j:]
        c = page(paras)
        cs = _spans(c)
        gold = [(origin.id, cs[j][0][0], cs[j + k - 1][-1][1], spans[i][0][0], spans[i + k - 1][-1][1])]
        return [Copy(c, kind, gold)]
    if kind == "reorder":
        order = list(range(len(origin.paragraphs)))
        while order == sorted(order):
            rng.shuffle(order)
        c = page([origin.paragraphs[i] for i in order])
        cs = _spans(c)
        gold = [
            (origin.id, cs[pos][0][0], cs[pos][-1][1], spans[i][0][0], spans[i][-1][1])
            for pos, i in enumerate(order)
        ]
        return [Copy(c, kind, gold)]
    raise ValueError(kind)


@dataclass
class Corpus:
    pages: list[Page]
    copies: list[Copy]
    dropped: int
    kind_of: dict[str, str]


def build_corpus(root: Path, per_kind: int, seed: int) -> Corpus:
    rng = random.Random(seed)
    polnear, ecb, basil = load_polnear(root), load_ecb(root), load_basil(root)
    rng.shuffle(polnear)
    kept, dropped = dedupe(polnear + ecb + basil)
    # Hosts of excerpts and sources of editor's notes: PolNeAR pages that are never indexed, one per copy.
    spare = [p for p in kept if p.source == "polnear"]
    rng.shuffle(spare)
    reserve = 2 * per_kind + 20
    hosts = [p for p in spare[:reserve] if len(p.paragraphs) >= 3][:per_kind]
    notes = [" ".join(p.paragraphs[0][:2]) for p in spare[reserve : 2 * reserve]]
    reserved = {p.id for p in spare[: 2 * reserve]}
    base = [p for p in kept if p.id not in reserved]
    vocab = [w for p in base[:400] for w in _WORD.findall(p.text)]
    eligible = [p for p in base if len(p.paragraphs) >= 4 and len(_WORD.findall(p.text)) >= 150]
    rng.shuffle(eligible)
    copies: list[Copy] = []
    used = 0
    for kind in KINDS:
        for n in range(per_kind):
            origin = eligible[used % len(eligible)]
            used += 1
            copies.extend(make_copy(kind, origin, n, hosts, notes, vocab, rng))
    kind_of = {c.page.id: c.kind for c in copies}
    return Corpus(base, copies, dropped, kind_of)


# -- the two candidate indexes --------------------------------------------------------------------


class DatasketchIndex:
    """datasketch ``MinHashLSH`` behind the ``CandidateIndex`` protocol (word 5-grams, 128 perms)."""

    def __init__(self, threshold: float = 0.5, num_perm: int = 128) -> None:
        from datasketch import MinHashLSH

        self.num_perm = num_perm
        self.lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)

    def sketch_many(self, bodies: Sequence[str]) -> list[Any]:
        from datasketch import MinHash

        sets = []
        for body in bodies:
            w = _WORD.findall(body.lower())
            sets.append({" ".join(w[i : i + 5]).encode("utf-8") for i in range(len(w) - 4)})
        sigs = MinHash.bulk(sets, num_perm=self.num_perm)
        return [m if s else None for m, s in zip(sigs, sets, strict=True)]

    def query(self, sketch: Any) -> list[int]:
        return [] if sketch is None else [int(k) for k in self.lsh.query(sketch)]

    def insert(self, num: int, sketch: Any) -> None:
        if sketch is not None:
            self.lsh.insert(num, sketch)


# -- scoring --------------------------------------------------------------------------------------


def _union(iv: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(iv):
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _size(iv: list[tuple[int, int]]) -> int:
    return sum(e - s for s, e in iv)


def _overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    i = j = total = 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        total += max(0, hi - lo)
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


def _prf(tp: float, pred: float, gold: float) -> dict[str, float]:
    p = tp / pred if pred else 1.0
    r = tp / gold if gold else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4)}


def score(corpus: Corpus, index: ReuseIndex) -> dict[str, Any]:
    # key (copy_doc, origin_doc, side) -> intervals
    gold: dict[tuple[str, str, str], list[tuple[int, int]]] = defaultdict(list)
    gold_pairs = set()
    for c in corpus.copies:
        for origin, c0, c1, o0, o1 in c.gold:
            gold[(c.page.id, origin, "c")].append((c0, c1))
            gold[(c.page.id, origin, "o")].append((o0, o1))
            gold_pairs.add((c.page.id, origin))
    pred: dict[tuple[str, str, str], list[tuple[int, int]]] = defaultdict(list)
    pred_pairs = set()
    quote_pairs = set()
    all_ids = [p.id for p in corpus.pages] + [c.page.id for c in corpus.copies]
    for doc_id in all_ids:
        for p in index.copied(doc_id):
            if p.kind != "copy":
                quote_pairs.add(frozenset((p.doc_id, p.origin_id)))
                continue
            pred[(p.doc_id, p.origin_id, "c")].append((p.start, p.end))
            pred[(p.doc_id, p.origin_id, "o")].append((p.origin_start, p.origin_end))
            pred_pairs.add((p.doc_id, p.origin_id))
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # tp, pred, gold
    for key in set(gold) | set(pred):
        g, q = _union(gold.get(key, [])), _union(pred.get(key, []))
        kind = corpus.kind_of.get(key[0], "base")
        for k in (kind, "all"):
            by_kind[k][0] += _overlap(g, q)
            by_kind[k][1] += _size(q)
            by_kind[k][2] += _size(g)
    passage = {k: _prf(*v) for k, v in sorted(by_kind.items())}
    light = [sum(by_kind[k][i] for k in ("verbatim", "edit5", "edit10")) for i in range(3)]
    passage["edits_up_to_10pct"] = _prf(*light)
    tp_pairs = len(pred_pairs & gold_pairs)
    events = {p.id: p.event for p in corpus.pages if p.event}
    same_event = {
        pr for pr in pred_pairs if pr[0] in events and pr[1] in events and events[pr[0]] == events[pr[1]]
    }
    hard_copy = sorted({tuple(sorted(pr)) for pr in same_event})
    hard_quote = {
        pr for pr in quote_pairs if all(x in events for x in pr) and len({events[x] for x in pr}) == 1
    }
    texts = {p.id: p.text for p in corpus.pages}
    # Independent evidence for each linked same-event pair: verbatim word 8-grams outside quotation
    # marks (the check that removed natural duplicates from the other sources).
    shared = [len(_unquoted_grams(texts[a]) & _unquoted_grams(texts[b])) for a, b in hard_copy]
    evidence = [
        {"pair": list(pr), "shared_unquoted_8grams": n} for pr, n in zip(hard_copy, shared, strict=True)
    ]
    triplet_pairs = 3 * len({p.event for p in corpus.pages if p.event})
    return {
        "passage": passage,
        "document": _prf(tp_pairs, len(pred_pairs), len(gold_pairs)),
        "document_counts": {"gold": len(gold_pairs), "predicted": len(pred_pairs), "correct": tp_pairs},
        "false_pairs": sorted(pred_pairs - gold_pairs)[:20],
        "missed_pairs": sorted(gold_pairs - pred_pairs)[:20],
        "hard_negative_pairs": triplet_pairs,
        "hard_negatives_linked_as_copy": len(hard_copy),
        "hard_negative_copy_evidence": evidence,
        "hard_negatives_linked_as_copy_without_shared_prose": sum(1 for n in shared if n < 10),
        "hard_negatives_linked_as_shared_quote_only": len(hard_quote - {frozenset(p) for p in hard_copy}),
    }


# -- runs -----------------------------------------------------------------------------------------


def _records(pages: Sequence[Page]) -> list[tuple[str, str, None, str, tuple[()]]]:
    return [(p.id, p.text, None, p.published, ()) for p in pages]


def run_reuse(
    corpus: Corpus, make_index: Callable[[], Any], seed: int, text_source: bool = False
) -> dict[str, Any]:
    pages = corpus.pages + [c.page for c in corpus.copies]
    order = list(range(len(pages)))
    random.Random(seed + 1).shuffle(order)
    recs = _records([pages[i] for i in order])
    stored: dict[str, str] = {}  # with text_source: what a store would hold, read back when aligning
    index = ReuseIndex(make_index(), text_of=stored.__getitem__ if text_source else None)
    t0 = time.perf_counter()
    for k in range(0, len(recs), 256):
        index.add_many(recs[k : k + 256])
        stored.update((r[0], r[1]) for r in recs[k : k + 256])
    elapsed = time.perf_counter() - t0
    out = score(corpus, index)
    out["add_pages_per_s"] = round(len(recs) / elapsed, 1)
    out["pages"] = len(recs)
    return out


def _measure_index(bodies: list[str], which: str, batch: int = 1000) -> dict[str, float]:
    """Sign + insert throughput (no tracemalloc), then the index's memory (separate traced run)."""

    def build() -> Any:
        if which == "newstrace":
            idx = PassageLSH()
            for k in range(0, len(bodies), batch):
                idx.add_many(k, bodies[k : k + batch])
            idx.lsh.query(np.zeros((0, idx.lsh.num_perm), np.uint64))  # sort pending entries in
            return idx
        ds = DatasketchIndex()
        for k in range(0, len(bodies), batch):
            for num, sk in enumerate(ds.sketch_many(bodies[k : k + batch]), start=k):
                ds.insert(num, sk)
        return ds

    gc.collect()
    t0 = time.perf_counter()
    built = build()
    elapsed = time.perf_counter() - t0
    del built
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    built = build()
    gc.collect()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # the sketches are transient: what stays is the index (newstrace: arrays; datasketch: dicts/sets)
    del built
    return {
        "docs": len(bodies),
        "sign_insert_docs_per_s": round(len(bodies) / elapsed, 1),
        "index_bytes_per_doc": round((current - base) / len(bodies), 1),
        "peak_bytes_per_doc": round((peak - base) / len(bodies), 1),
    }


def run_scale(root: Path, n: int, seed: int, batch: int = 2000) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    pages = load_polnear(root) + load_ecb(root) + load_basil(root)
    sentences = [s for p in pages for para in p.paragraphs for s in para]
    lengths = np.array([sum(len(para) for para in p.paragraphs) for p in pages])
    sent_arr = np.array(sentences, dtype=object)
    del pages
    gc.collect()
    idx = PassageLSH()
    t_gen = 0.0
    t_idx = 0.0
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    for k in range(0, n, batch):
        m = min(batch, n - k)
        t0 = time.perf_counter()
        sizes = rng.choice(lengths, size=m)
        picks = rng.integers(0, len(sentences), size=int(sizes.sum()))
        cuts = np.cumsum(sizes)[:-1]
        bodies = [" ".join(x) for x in np.split(sent_arr[picks], cuts)]
        t1 = time.perf_counter()
        idx.add_many(k, bodies)
        t_idx += time.perf_counter() - t1
        t_gen += t1 - t0
        if (k // batch) % 50 == 0:
            print(f"  {k + m:>9,} pages  {(k + m) / t_idx:,.0f}/s  index {idx.lsh.nbytes / 2**20:,.0f} MiB",
                  file=sys.stderr, flush=True)  # fmt: skip
    t1 = time.perf_counter()
    idx.lsh.query(np.zeros((0, idx.lsh.num_perm), np.uint64))
    t_idx += time.perf_counter() - t1
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # query latency on the full index
    probe = idx.sketch_many([" ".join(sent_arr[rng.integers(0, len(sentences), 30)]) for _ in range(200)])
    t0 = time.perf_counter()
    for sk in probe:
        idx.query(sk)
    q_ms = (time.perf_counter() - t0) / len(probe) * 1000
    return {
        "pages": n,
        "sign_insert_pages_per_s": round(n / t_idx, 1),
        "generation_s": round(t_gen, 1),
        "index_entries": idx.lsh.entries,
        "index_bytes": idx.lsh.nbytes,
        "index_bytes_per_page": round(idx.lsh.nbytes / n, 1),
        "traced_current_bytes": current - base,
        "traced_peak_bytes": peak - base,
        "max_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "query_ms": round(q_ms, 3),
        "extrapolated_1m_index_bytes": round(idx.lsh.nbytes / n * 1_000_000),
    }


def summary(result: dict[str, Any]) -> str:
    """A short table of the headline numbers (the JSON has everything)."""
    lines = []
    for name in ("newstrace", "datasketch"):
        r, ix = result.get(f"reuse_{name}"), result.get(f"index_{name}")
        if not r or not ix:
            continue
        p = r["passage"]
        lines.append(
            f"{name:>10}: passage F1 all {p['all']['f1']:.4f}, "
            f"edits<=10% {p['edits_up_to_10pct']['f1']:.4f}, "
            f"excerpt {p['excerpt']['f1']:.4f} | doc P/R {r['document']['precision']:.4f}/"
            f"{r['document']['recall']:.4f} | hard negatives as copy {r['hard_negatives_linked_as_copy']}"
            f"/{r['hard_negative_pairs']} | sign+insert {ix['sign_insert_docs_per_s']:,.0f} docs/s, "
            f"index {ix['index_bytes_per_doc']:,.0f} B/doc | add {r['add_pages_per_s']:,.0f} pages/s"
        )
    if "ratios" in result:
        lines.append(f"ratios: {result['ratios']}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--per-kind", type=int, default=60)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--scale", type=int, default=0, help="index N synthetic pages (newstrace index alone)")
    ap.add_argument("--skip-datasketch", action="store_true")
    ap.add_argument("--text-source", action="store_true",
                    help="the index holds no page text and reads it back (as the store's copy index does)")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    root = args.data_dir
    if not (root / "polnear").is_dir():
        print(f"error: no data under {root}", file=sys.stderr)
        return 2
    result: dict[str, Any]
    if args.scale:
        result = {"scale": run_scale(root, args.scale, args.seed)}
        print(json.dumps(result, indent=2))
    else:
        corpus = build_corpus(root, args.per_kind, args.seed)
        print(
            f"corpus: {len(corpus.pages)} base pages ({corpus.dropped} natural duplicates dropped), "
            f"{len(corpus.copies)} republications",
            file=sys.stderr,
        )
        sizes = {"base": len(corpus.pages), "copies": len(corpus.copies), "dropped": corpus.dropped}
        result = {"corpus": sizes}
        bodies = [p.text for p in corpus.pages] + [c.page.text for c in corpus.copies]
        result["index_newstrace"] = _measure_index(bodies, "newstrace")
        result["reuse_newstrace"] = run_reuse(corpus, PassageLSH, args.seed, args.text_source)
        if not args.skip_datasketch:
            result["index_datasketch"] = _measure_index(bodies, "datasketch")
            result["reuse_datasketch"] = run_reuse(corpus, DatasketchIndex, args.seed, args.text_source)
            a, b = result["index_newstrace"], result["index_datasketch"]
            result["ratios"] = {
                "throughput_x": round(a["sign_insert_docs_per_s"] / b["sign_insert_docs_per_s"], 2),
                "memory_fraction": round(a["index_bytes_per_doc"] / b["index_bytes_per_doc"], 3),
            }
        print(json.dumps(result, indent=2, default=list))
        print(summary(result), file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, default=list) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
