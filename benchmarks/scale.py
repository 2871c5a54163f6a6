"""How far one machine and one writer go: the local runner against Dask, and the writer alone.

1. *Runners*: the same N pages (``benchmarks/ingest.py``'s corpus: real PolNeAR sentences resampled,
   every 20th page a light edit of an earlier one) ingested into a new SQLite store with the local
   runner and with Dask (``LocalCluster``), at 1 and 2 workers; pages/s side by side (the cluster's
   start-up included, as a user waits for it).
2. *The writer alone*: pre-analysed pages (``benchmarks/web.py``'s synthetic analysed documents: quotes,
   speakers, entities; a third of each story's pages copy paragraphs of its first) fed straight to the
   ingest's writer (``corpus.ingest.IngestWriter``: copy index, then store) at each size, on SQLite and
   PostgreSQL; pages are made in batches outside the timed part. Pages/s overall and per part (copy
   index, store), peak RSS of this process at each size. Then the stories update over the store
   (``update_stories``), pages/s.
3. *Cores one writer keeps busy*: the writer's pages/s over one analysis worker's pages/s.

    python benchmarks/scale.py [--n 2000] [--nlp] [--sizes 100000,1000000] [--backends sqlite,postgresql]

Targets (issue 13): Dask within 10 % of the local runner at equal workers; the writer >= 1,000 pages/s
sustained with memory flat.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import resource
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from newstrace.corpus.ingest import CopyIndex, IngestReport, IngestWriter, ingest
from newstrace.model import Document
from newstrace.store import open_store

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.append(str(ROOT / "tests"))  # after benchmarks/: tests/ingest is a package
import ingest as ingest_bench  # noqa: E402  (benchmarks/ingest.py: the synthetic corpus)
import web as web_bench  # noqa: E402  (benchmarks/web.py: synthetic analysed documents)

POLNEAR = ROOT.parent / "shared" / "data" / "polnear"
BATCH = 5000


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fresh_sqlite(path: Path) -> str:
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return str(path)


# --------------------------------------------------------------------------------------------- runners


def bench_runners(n: int, nlp: bool, work: Path) -> float:
    src = work / f"corpus-{n}.jsonl"
    if not src.exists():
        ingest_bench.build(src, n, ingest_bench.sentences(POLNEAR))
    rows = []
    for workers in (1, 2):
        for runner in ("local", "dask"):
            db = fresh_sqlite(work / f"scale-{runner}-{workers}.db")
            report = ingest([str(src)], db, workers=workers, progress=False, nlp=nlp,
                            dask="local" if runner == "dask" else None)
            rows.append((runner, workers, report.added, report.seconds))
    stages = "all stages" if nlp else "--no-nlp"
    print(f"\nrunners: {n:,} pages ingested into SQLite ({stages}), cluster start-up included")
    print(f"{'runner':<8}{'workers':>8}{'pages':>8}{'seconds':>9}{'pages/s':>9}{'vs local':>10}")
    local = {w: added / secs for r, w, added, secs in rows if r == "local"}
    for runner, workers, added, secs in rows:
        print(f"{runner:<8}{workers:>8}{added:>8,}{secs:>9.1f}{added / secs:>9.1f}"
              f"{(added / secs) / local[workers]:>10.2f}")
    for workers in (1, 2):
        dask_rate = next(a / s for r, w, a, s in rows if r == "dask" and w == workers)
        verdict = "met" if dask_rate >= 0.9 * local[workers] else "NOT met"
        print(f"target: Dask within 10 % of local at {workers} worker(s): "
              f"{dask_rate / local[workers]:.2f} ({verdict})")
    return local[1]


# ---------------------------------------------------------------------------------------------- writer


def analysed_pages(total: int, seed: int = 7) -> Iterator[list[Document]]:
    """``total`` synthetic analysed pages in batches, in stories of 3-17 pages (as benchmarks/web.py)."""
    pool = web_bench.Pool(POLNEAR)
    rng = random.Random(seed)
    day0 = date(2015, 11, 8)
    batch: list[Document] = []
    made = story = 0
    while made < total:
        size = min(rng.randint(3, 17), total - made)
        d0 = day0 + timedelta(days=rng.randrange(366))
        title = rng.choice(pool.titles)
        star = rng.choice(pool.speakers)
        core: list[tuple[str, str, int, int]] = []
        for k in range(size):
            copying = k > 0 and rng.random() < 0.3
            copy_now = rng.sample(core, k=min(len(core), rng.randint(1, 2))) if copying else []
            doc, _, paras = web_bench.make_document(
                rng, pool, f"s{story:06d}-{k:02d}", rng.choice(web_bench.OUTLETS),
                d0 + timedelta(days=rng.randint(0, 4)), title, copy_now, [star, rng.choice(pool.speakers)],
            )
            if k == 0:
                core = [(t, doc.id, s, e) for t, s, e in paras[:3]]
            batch.append(doc)
            made += 1
            if len(batch) >= BATCH:
                yield batch
                batch = []
        story += 1
    if batch:
        yield batch


def bench_writer(sizes: list[int], backends: list[str], stories: bool, work: Path) -> dict[str, float]:
    rates: dict[str, float] = {}
    print("\nthe writer alone: pre-analysed pages through the copy index into the store")
    print(f"{'backend':<12}{'pages':>10}{'pages/s':>9}{'copy index/s':>14}{'store/s':>9}{'peak RSS MB':>13}"
          f"{'stories/s':>11}")
    with contextlib.ExitStack() as stack:
        server = None
        for backend in backends:
            for size in sizes:
                if backend == "sqlite":
                    db = fresh_sqlite(work / f"writer-{size}.db")
                else:
                    if server is None:
                        from pg_server import running_server

                        server = stack.enter_context(running_server())
                    db = server.create_database("writer")
                report = IngestReport()
                timed = 0.0
                with open_store(db) as store:
                    index = CopyIndex(store)
                    write = IngestWriter(store, index, report)
                    for batch in analysed_pages(size):
                        t = time.perf_counter()
                        for doc in batch:
                            write(doc, None)
                        timed += time.perf_counter() - t
                    t = time.perf_counter()
                    index.checkpoint()
                    timed += time.perf_counter() - t
                    story_rate = float("nan")
                    if stories:
                        from newstrace.stories.update import update_stories

                        t = time.perf_counter()
                        update_stories(store)
                        story_rate = size / (time.perf_counter() - t)
                parts = write.seconds
                rate = report.added / timed
                rates[f"{backend} {size}"] = rate
                print(f"{backend:<12}{size:>10,}{rate:>9.0f}{size / parts['copy index']:>14.0f}"
                      f"{size / parts['store']:>9.0f}{rss_mb():>13.0f}{story_rate:>11.0f}", flush=True)
    return rates


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000, help="pages for the runners (0: skip)")
    ap.add_argument("--nlp", action="store_true", help="the runners run every stage (default: --no-nlp)")
    ap.add_argument("--sizes", default="100000,1000000", help="pages fed to the writer alone (empty: skip)")
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--no-stories", action="store_true", help="skip the stories update after the writer")
    ap.add_argument("--dir", type=Path, default=ROOT / ".bench")
    args = ap.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    per_core = bench_runners(args.n, args.nlp, args.dir) if args.n else None
    sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
    if sizes:
        rates = bench_writer(sizes, args.backends.split(","), not args.no_stories, args.dir)
        if per_core:
            stages = "all stages" if args.nlp else "--no-nlp"
            print(f"\none analysis worker: {per_core:.1f} pages/s ({stages})")
            for key, rate in rates.items():
                print(f"  {key}: the writer keeps {rate / per_core:.1f} analysis cores busy")
        for key, rate in rates.items():
            verdict = "met" if rate >= 1000 else "NOT met"
            print(f"target >= 1,000 pages/s, {key}: {rate:,.0f} ({verdict})")



if __name__ == "__main__":
    main()
