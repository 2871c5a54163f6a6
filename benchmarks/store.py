"""SQLite and PostgreSQL side by side: ingest time, search agreement, and web latency at 100,000 pages.

1. *Ingest*: the same N synthetic pages (``benchmarks/ingest.py``'s corpus: real PolNeAR sentences
   resampled, every 20th page a light edit of an earlier one) ingested with ``--no-nlp`` into a SQLite
   file and into a PostgreSQL database (a throwaway server started here, or ``--pg-url``), by
   ``newstrace.corpus.ingest.ingest`` as the CLI runs it; documents/s and the ratio.
2. *Search agreement*: on those two stores, the same queries (words drawn from the pages' headlines):
   the share with the same best page, and the overlap of the top ten (FTS5's BM25 against
   PostgreSQL's BM25 computed in SQL, ``postgres_bm25``).
3. *Web*: the 100,000-page analysed store of ``benchmarks/web.py`` (quotes, speakers, copied
   passages, stories computed by the stories subsystem) built in SQLite, copied into PostgreSQL with
   ``copy-store``, each served by the app in its own process; p50/p95 of the story, document and
   search pages with 1 and 4 client threads.

    python benchmarks/store.py [--docs 100000] [--ingest-docs 100000] [--requests 200] [--concurrency 1,4]

Targets (issue 12): PostgreSQL ingest within 1.5x of SQLite's time; story page p95 < 100 ms and search
p95 < 150 ms on both at 100,000 documents.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newstrace.corpus.ingest import ingest
from newstrace.store import open_store
from newstrace.store.copy import copy_store

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.append(str(ROOT / "tests"))  # after benchmarks/: tests/ingest is a package
import ingest as ingest_bench  # noqa: E402  (benchmarks/ingest.py: the synthetic corpus)
import web as web_bench  # noqa: E402  (benchmarks/web.py: the analysed store, the load client)

PAGES = ("/stories/{id}", "/stories/{id} of a page", "/stories/{id} 500 largest", "/documents/{id}",
         "/search?q=", "/api/search?q=")


@contextlib.contextmanager
def postgres(url: str | None) -> Iterator[Any]:
    if url:
        yield None
        return
    from pg_server import running_server  # tests/pg_server.py: initdb + pg_ctl in a temporary folder

    with running_server() as server:
        yield server


def new_database(server: Any, url: str | None, name: str) -> str:
    if server is None:
        assert url is not None
        return url
    return str(server.create_database(name))


# ---------------------------------------------------------------------------------------------- ingest


def bench_ingest(n: int, workers: int, server: Any, pg_url: str | None, work: Path) -> tuple[str, str]:
    src = work / f"corpus-{n}.jsonl"
    if not src.exists():
        ingest_bench.build(src, n, ingest_bench.sentences(ROOT.parent / "shared" / "data" / "polnear"))
    rows = []
    stores = []
    for backend in ("sqlite", "postgresql"):
        if backend == "sqlite":
            db = str(work / f"ingest-{n}.db")
            for suffix in ("", "-wal", "-shm", ".lock"):
                Path(db + suffix).unlink(missing_ok=True)
        else:
            db = new_database(server, pg_url, "ingest")
        report = ingest([str(src)], db, workers=workers, progress=False, nlp=False)
        with open_store(db, readonly=True) as s:
            count = s.count()
        rows.append((backend, count, report.seconds))
        stores.append(db)
    print(f"\ningest --no-nlp of {n:,} pages ({workers or os.cpu_count()} workers)")
    print(f"{'backend':<12}{'documents':>11}{'seconds':>10}{'docs/s':>9}{'x SQLite':>10}")
    base = rows[0][2]
    for backend, count, secs in rows:
        print(f"{backend:<12}{count:>11,}{secs:>10.1f}{count / secs:>9.0f}{secs / base:>10.2f}")
    verdict = "met" if rows[1][2] <= 1.5 * base else "NOT met"
    print(f"target: PostgreSQL within 1.5x of SQLite's time: {rows[1][2] / base:.2f}x ({verdict})")
    return stores[0], stores[1]


def bench_search_agreement(lite: str, pg: str, queries: int = 200, seed: int = 5) -> None:
    rng = random.Random(seed)
    with open_store(lite, readonly=True) as a, open_store(pg, readonly=True) as b:
        ids = a.ids()
        heads = [(a.text(rng.choice(ids)) or "").split("\n", 1)[0] for _ in range(queries)]
        vocab = sorted({w.lower() for h in heads for w in re.findall(r"[A-Za-z]{5,}", h)})
        same_best = overlap = asked = 0
        for _ in range(queries):
            q = " ".join(rng.sample(vocab, k=rng.choice((1, 2))))
            top_a = [h.doc_id for h in a.search(q, limit=200) if h.kind == "body"][:10]
            top_b = [h.doc_id for h in b.search(q, limit=200) if h.kind == "body"][:10]
            if not top_a and not top_b:
                continue
            asked += 1
            same_best += bool(top_a and top_b and top_a[0] == top_b[0])
            overlap += len(set(top_a) & set(top_b)) / max(len(top_a), len(top_b))
    print(f"\nsearch agreement, {asked} queries with matches (words of headlines, 1-2 per query)")
    print(f"  same best page: {same_best / asked:.1%}; top-10 overlap: {overlap / asked:.1%}")


# ------------------------------------------------------------------------------------------------- web


def serve(db: str) -> None:
    """Child process: the app on uvicorn on a free port of 127.0.0.1; prints the port, then serves."""
    import uvicorn

    from newstrace.web import create_app
    from newstrace.web.cli import bind

    app = create_app(db, allowed_hosts=["127.0.0.1", "localhost"])
    sock = bind("127.0.0.1", 0)
    print(json.dumps({"port": sock.getsockname()[1]}), flush=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False, limit_concurrency=128)
    uvicorn.Server(config).run(sockets=[sock])


def start_server(db: str) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen([sys.executable, __file__, "--serve", db], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        raise SystemExit("the server did not start")
    return proc, int(json.loads(line)["port"])


def bench_web(docs: int, server: Any, pg_url: str | None, requests: int, concurrency: list[int]) -> None:
    lite = ROOT / ".bench" / f"web-{docs}.db"
    want = {"version": web_bench.BUILD_VERSION, "docs": docs, "seed": 7}
    have = None
    if lite.exists():
        with open_store(str(lite), readonly=True) as s:
            have = s.get_meta("bench_web")
    if have is None or json.loads(have) != want:
        t = time.perf_counter()
        print(f"building {docs:,} analysed documents into {lite} …", file=sys.stderr, flush=True)
        web_bench.build(lite, docs, web_bench.Pool(ROOT.parent / "shared" / "data" / "polnear"))
        print(f"built in {time.perf_counter() - t:.0f} s", file=sys.stderr, flush=True)
    label = web_bench.compute_stories(lite)
    pg = new_database(server, pg_url, "web")
    t = time.perf_counter()
    copy_store(str(lite), pg)
    print(f"copied into PostgreSQL in {time.perf_counter() - t:.0f} s", file=sys.stderr, flush=True)
    rng = random.Random(11)
    eps = web_bench.endpoints(lite, rng)
    n_docs = eps.pop("_docs")
    eps = {k: v for k, v in eps.items() if k in PAGES}
    print(f"\nweb: {n_docs:,} documents; {label}; {requests} measured requests per page and concurrency; "
          f"server: one uvicorn process; machine: {os.cpu_count()} CPUs")
    plans = {c: [(name, make()) for name, make in eps.items() for _ in range(requests)] for c in concurrency}
    for plan in plans.values():
        rng.shuffle(plan)
    warm = [(name, make()) for name, make in eps.items() for _ in range(20)]
    results: dict[tuple[str, int], dict[str, list[float]]] = {}
    for backend, db in (("sqlite", str(lite)), ("postgresql", pg)):
        proc, port = start_server(db)
        try:
            web_bench.run_load(port, warm, 2)
            for c, plan in plans.items():
                times, statuses, _ = web_bench.run_load(port, plan, c)
                bad = {k: v for k, v in statuses.items() if k != "200"}
                if bad:
                    print(f"  {backend}, {c} clients: statuses {dict(statuses)}", file=sys.stderr)
                results[(backend, c)] = times
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    head = "".join(f"{b + ' p50':>16}{b + ' p95':>16}" for b in ("sqlite", "pg"))
    print(f"{'page':<28}{'clients':>8}{head}")
    for name in eps:
        for c in concurrency:
            cols = []
            for backend in ("sqlite", "postgresql"):
                xs = results[(backend, c)][name]
                cols += [web_bench.pct(xs, 50), web_bench.pct(xs, 95)]
            print(f"{name:<28}{c:>8}" + "".join(f"{x:>16.1f}" for x in cols))
    for backend in ("sqlite", "postgresql"):
        story = max(web_bench.pct(results[(backend, c)][k], 95) for c in concurrency for k in eps
                    if k.startswith("/stories/"))
        search = max(web_bench.pct(results[(backend, c)][k], 95) for c in concurrency for k in eps
                     if "search" in k)
        story_ok = "met" if story < 100 else "NOT met"
        search_ok = "met" if search < 150 else "NOT met"
        print(f"{backend}: worst story p95 {story:.1f} ms (target < 100: {story_ok}), "
              f"worst search p95 {search:.1f} ms (target < 150: {search_ok})")


def main() -> None:
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=100_000, help="pages in the web benchmark's store")
    ap.add_argument("--ingest-docs", type=int, default=100_000, help="pages ingested (0: skip)")
    ap.add_argument("--workers", type=int, default=0)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--concurrency", default="1,4")
    ap.add_argument("--pg-url", default=None, help="an existing empty database (default: a throwaway server)")
    ap.add_argument("--dir", type=Path, default=ROOT / ".bench", help="where the corpus and SQLite stores go")
    ap.add_argument("--serve", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        serve(args.serve)
        return
    args.dir.mkdir(parents=True, exist_ok=True)
    with postgres(args.pg_url) as server:
        if args.ingest_docs:
            lite, pg = bench_ingest(args.ingest_docs, args.workers, server, args.pg_url, args.dir)
            bench_search_agreement(lite, pg)
        if args.docs:
            bench_web(args.docs, server, args.pg_url, args.requests,
                      [int(x) for x in args.concurrency.split(",") if x.strip()])


if __name__ == "__main__":
    main()
