"""Does PostgreSQL's search put FTS5's pages first? One corpus in SQLite and in PostgreSQL, the same queries.

The SQLite store ``.bench/ingest-10000.db`` (``benchmarks/store.py``'s ingest, made here with
``benchmarks/ingest.py``'s synthetic corpus and ``--no-nlp`` ingest when missing) is copied into a
throwaway PostgreSQL (``copy_store``); queries are 1-2 words of 5+ letters drawn from 400 random
headlines (seeded). For each query, the top ten body hits of ``Store.search`` on both backends: the
share of queries with the same best page, and the mean overlap of the top ten (|A ∩ B| / max(|A|, |B|)),
for the even and the odd queries apart (two halves, to see the spread). The line ``ts_rank`` is
the ranking before BM25 (``ts_rank(tsv, q, 1)`` over the same matches), for comparison; p50/p95 are
the PostgreSQL store's ``search`` calls, in this process.

    python benchmarks/search_agreement.py [--docs 10000] [--queries 300] [--pg-url URL] [--db STORE]

``--db`` takes another SQLite store instead (``.bench/web-10000.db``, ``benchmarks/web.py``'s analysed
store, has quotes): quote hits (document and quote text) are then compared too.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

from newstrace.corpus.ingest import ingest
from newstrace.store import open_store
from newstrace.store.copy import copy_store
from newstrace.store.postgres_search import tsquery

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.append(str(ROOT / "tests"))
import ingest as ingest_bench  # noqa: E402  (benchmarks/ingest.py: the synthetic corpus)


def sqlite_store(docs: int, work: Path) -> str:
    """The SQLite store of ``docs`` synthetic pages (made if missing, as benchmarks/store.py makes it)."""
    db = work / f"ingest-{docs}.db"
    if db.exists():
        return str(db)
    work.mkdir(parents=True, exist_ok=True)
    src = work / f"corpus-{docs}.jsonl"
    if not src.exists():
        ingest_bench.build(src, docs, ingest_bench.sentences(ROOT.parent / "shared" / "data" / "polnear"))
    ingest([str(src)], str(db), progress=False, nlp=False)
    return str(db)


def queries(lite: str, n: int, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    with open_store(lite, readonly=True) as a:
        ids = a.ids()
        heads = [(a.text(rng.choice(ids)) or "").split("\n", 1)[0] for _ in range(400)]
    vocab = sorted({w.lower() for h in heads for w in re.findall(r"[A-Za-z]{5,}", h)})
    return [" ".join(rng.sample(vocab, k=rng.choice((1, 2)))) for _ in range(n)]


def ts_rank_top(store: object, query: str) -> list[str]:
    """The ten best pages by ``ts_rank(tsv, q, 1)``, the ranking before BM25."""
    q_sql, params = tsquery(query)
    rows = store.con.execute(  # type: ignore[attr-defined]
        f"WITH q AS (SELECT {q_sql} AS q) SELECT f.doc_id FROM body_fts f CROSS JOIN q "
        "JOIN documents d ON d.id = f.doc_id WHERE f.tsv @@ q.q ORDER BY ts_rank(f.tsv, q.q, 1) DESC, d.seq "
        "LIMIT 10",
        params,
    ).fetchall()
    return [r[0] for r in rows]


def report(name: str, ref: dict[str, list[str]], got: dict[str, list[str]]) -> None:
    asked = [q for q in ref if ref[q] or got[q]]
    cols = []
    for half in (0, 1):
        qs = asked[half::2]
        same = sum(bool(ref[q] and got[q] and ref[q][0] == got[q][0]) for q in qs) / len(qs)
        overlap = sum(len(set(ref[q]) & set(got[q])) / max(len(ref[q]), len(got[q])) for q in qs) / len(qs)
        cols.append((same, overlap))
    (b0, o0), (b1, o1) = cols
    print(f"{name:<10}{len(asked):>8}   {b0:.3f} / {b1:.3f}      {o0:.3f} / {o1:.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--pg-url", default=None, help="an existing empty database (default: a throwaway server)")
    ap.add_argument("--dir", type=Path, default=ROOT / ".bench")
    ap.add_argument("--db", default=None, help="a SQLite store to compare instead of the ingested corpus")
    args = ap.parse_args()
    lite = args.db or sqlite_store(args.docs, args.dir)
    qs = queries(lite, args.queries)
    with open_store(lite, readonly=True) as a:
        args.docs = a.count()
        ref = {q: [h.doc_id for h in a.search(q, limit=200) if h.kind == "body"][:10] for q in qs}
        ref_quotes = {q: [f"{h.doc_id} {h.snippet}" for h in a.search(q, limit=200) if h.kind == "quote"][:10]
                      for q in qs}
    from pg_server import running_server  # tests/pg_server.py: initdb + pg_ctl in a temporary folder

    with running_server() as server:
        pg = args.pg_url or server.create_database("agree")
        t = time.perf_counter()
        copy_store(lite, pg)
        took = time.perf_counter() - t
        print(f"{args.docs:,} pages copied into PostgreSQL in {took:.0f} s", file=sys.stderr)
        times: list[float] = []
        with open_store(pg, readonly=True) as b:
            before = {q: ts_rank_top(b, q) for q in qs}
            b.search(qs[0], limit=200)  # statistics cached for the store's state
            after = {}
            quotes = {}
            for q in qs:
                t = time.perf_counter()
                hits = b.search(q, limit=200)
                times.append(time.perf_counter() - t)
                after[q] = [h.doc_id for h in hits if h.kind == "body"][:10]
                quotes[q] = [f"{h.doc_id} {h.snippet}" for h in hits if h.kind == "quote"][:10]
    print(f"\nsearch agreement with FTS5 (SQLite), {args.docs:,} pages; queries with matches, "
          "halves even / odd")
    print(f"{'ranking':<10}{'queries':>8}   {'same best page':<17}{'top-10 overlap'}")
    report("ts_rank", ref, before)
    report("bm25", ref, after)
    if any(ref_quotes.values()):
        report("quotes", ref_quotes, quotes)
    times.sort()
    print(f"PostgreSQL search(limit=200): p50 {1000 * times[len(times) // 2]:.1f} ms, "
          f"p95 {1000 * times[int(len(times) * 0.95)]:.1f} ms over {len(times)} queries")


if __name__ == "__main__":
    main()
