"""Whole per-document analysis throughput, next to bare spaCy on the same texts in the same run.

newstrace's overhead is everything it does beyond spaCy's own parse: reading and normalising, credits,
anatomy, entities, quotes, dates. Both columns parse every text once with the same English pipeline.
The texts are PolNeAR train+dev articles (../shared/data/polnear), read in a fixed order.

    python benchmarks/throughput.py [--limit 300] [--workers 2] [--repeat 2]

Prints documents/s for: spaCy ``nlp.pipe`` (one process), newstrace in one process, newstrace with
``--workers N`` worker processes, and the overhead ratio. Ratios, not absolute times, are the result:
the machine is shared and noisy, so the runs are interleaved and the best of ``--repeat`` is kept.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from newstrace.analysis.nlp import load_model
from newstrace.analyze import analyze_document
from newstrace.ingest.text import read_text
from newstrace.model import Document
from newstrace.run.local import analyze_stream

ROOT = Path(__file__).resolve().parents[1]


def load_texts(data_dir: Path, limit: int) -> list[tuple[str, str]]:
    paths: list[Path] = []
    for split in ("train", "dev"):
        paths += sorted((data_dir / split / "text").glob("*.txt"))
    return [(p.stem, p.read_text(encoding="utf-8")) for p in paths[:limit]]


def run_spacy(texts: list[tuple[str, str]]) -> float:
    nlp = load_model()
    t = time.perf_counter()
    for _ in nlp.pipe((x for _, x in texts), batch_size=16):
        pass
    return time.perf_counter() - t


def run_newstrace(texts: list[tuple[str, str]], workers: int) -> float:
    t = time.perf_counter()
    docs = (read_text(x, doc_id=i, source=i) for i, x in texts)
    if workers <= 1:
        for doc in docs:
            analyze_document(doc)
    else:
        items: list[Document | object] = list(analyze_stream(docs, workers))
        assert len(items) == len(texts)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data" / "polnear")
    ap.add_argument("--limit", type=int, default=300)
    ap.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    texts = load_texts(args.data_dir, args.limit)
    chars = sum(len(x) for _, x in texts)
    # Warm up: model load, tables, first-use caches.
    run_newstrace(texts[:5], 1)
    run_spacy(texts[:5])
    best = {"spacy": float("inf"), "one": float("inf"), "many": float("inf")}
    for _ in range(args.repeat):
        best["spacy"] = min(best["spacy"], run_spacy(texts))
        best["one"] = min(best["one"], run_newstrace(texts, 1))
        if args.workers > 1:
            best["many"] = min(best["many"], run_newstrace(texts, args.workers))
    n = len(texts)
    print(f"{n} PolNeAR documents, {chars / 1e6:.2f} M characters, best of {args.repeat}")
    print(f"{'run':<44} {'docs/s':>8} {'vs spaCy':>9}")
    rows = [("spaCy nlp.pipe (1 process), parse only", best["spacy"]),
            ("newstrace analyze, 1 process (all stages)", best["one"])]
    if args.workers > 1:
        rows.append((f"newstrace analyze, {args.workers} worker processes", best["many"]))
    for label, sec in rows:
        print(f"{label:<44} {n / sec:8.1f} {best['spacy'] / sec:9.2f}x")
    overhead = best["one"] / best["spacy"] - 1
    print(f"newstrace overhead over bare spaCy (1 process): {overhead:+.1%}  (target <= +25%)")


if __name__ == "__main__":
    main()
