"""Latency of the web app's main pages and API calls on a 100,000-document store, under bounded local load.

The store is built directly through ``Store.put`` from synthetic *analysed* documents (full analysis of
100,000 pages would take hours here and is not what is measured): their sentences, quotes and speakers
are resampled from PolNeAR (../shared/data/polnear, train+dev), their events (actor, action, target,
place, date: what the analysis's events stage adds) made up from the page's speakers and headline,
written as ~10,000 groups in which some pages copy paragraphs of the group's first page verbatim
(stored as copied passages), with reader comments on a third of the pages. The build is cached
(``--db``) and reused while its parameters match.

Stories: computed over the whole store by the stories subsystem (``update_stories``, as ``newstrace
ingest`` does; once, then kept in the store) and served by the app as in production. Page bodies are
random sentences, so most pages stay alone (about 50,000 stories, 39,000 of one page): story pages are
timed on three samples: any story, the story of a random page (weighted by pages), the 500 largest.

The server runs in its own process (uvicorn, as ``newstrace serve`` runs it); this process is the client:
a fixed number of requests per endpoint (after a warm-up), from ``--concurrency`` threads, each with its
own keep-alive connection, in a shuffled order. Client-side latency, in milliseconds.

    python benchmarks/web.py [--docs 100000] [--requests 200] [--concurrency 1,4] [--rebuild]

Target: p95 < 100 ms for a story page.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from newstrace.analysis.entities import canonical_key
from newstrace.model import Comment, Document, Entity, Event, Layer, Mention, Quote
from newstrace.store import PassageView
from newstrace.store.sqlite import SqliteStore as Store

ROOT = Path(__file__).resolve().parents[1]
BUILD_VERSION = 2  # 2: pages carry events, as the default analysis now adds them
STORIES_KEY = "bench_web_stories"
OUTLETS = [
    "AP",
    "Reuters",
    "AFP",
    "TASS",
    "Xinhua",
    "RT",
    "BBC",
    "CNN",
    "FoxNews",
    "NYT",
    "WaPo",
    "WSJ",
    "USAToday",
    "Guardian",
    "AlJazeera",
    "DW",
    "France24",
    "NPR",
    "Bloomberg",
    "LATimes",
]
ORIGIN_OUTLETS = ["AP", "Reuters", "AFP", "TASS", "Xinhua"]
ACTIONS = ["announce", "meet", "vote on", "sign", "reject", "launch", "visit", "order", "criticize", "win"]
PLACES = [
    "Washington",
    "Iowa",
    "New Hampshire",
    "Ohio",
    "Florida",
    "New York",
    "Syria",
    "Russia",
    "China",
    "Mexico",
    "Texas",
    "California",
    "Virginia",
    "Nevada",
    "South Carolina",
]
_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")
_NAME = re.compile(r"\A[A-Z][a-z]+(?: [A-Z]\.)?(?: [A-Z][a-z]+){1,2}\Z")


# ------------------------------------------------------------------------------------------ corpus


class Pool:
    """Real sentences, quotations, speakers and titles from PolNeAR to resample from."""

    def __init__(self, data_dir: Path) -> None:
        self.sentences: list[str] = []
        self.titles: list[str] = []
        self.quotes: list[str] = []
        speakers: Counter[str] = Counter()
        texts = []
        for split in ("train", "dev"):
            texts += sorted((data_dir / split / "text").glob("*.txt"))
        if not texts:
            raise SystemExit(f"no PolNeAR texts under {data_dir} (give --data-dir)")
        for path in texts:
            text = path.read_text(encoding="utf-8")
            head, _, body = text.partition("\n")
            if 3 <= len(head.split()) <= 16:
                self.titles.append(head.strip())
            for para in body.split("\n"):
                for s in _SENT.split(para.strip()):
                    if 6 <= len(s.split()) <= 45:
                        self.sentences.append(s.strip())
            ann = sorted((data_dir / path.parent.parent.name / "attributions").glob(path.stem + "_*.ann"))
            if not ann:
                continue
            for line in ann[0].read_text(encoding="utf-8").splitlines():
                parts = line.split("\t")
                if len(parts) < 3:
                    continue
                label = parts[1].split(" ")[0]
                span = parts[2].strip()
                if label == "Source" and _NAME.match(span):
                    speakers[span] += 1
                elif label == "Content" and 6 <= len(span.split()) <= 40 and "\n" not in span:
                    self.quotes.append(span.strip("“”\"' "))
        self.speakers = [s for s, n in speakers.most_common(400) if n >= 2]
        self.vocabulary = sorted(
            {w.lower() for s in self.sentences[:20000] for w in re.findall(r"[A-Za-z]{5,}", s)}
        )


class Page:
    """Text assembled piece by piece, keeping the offsets of what was put in."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0

    def add(self, s: str, sep: str = "\n\n") -> tuple[int, int]:
        if self.parts:
            self.parts.append(sep)
            self.pos += len(sep)
        start = self.pos
        self.parts.append(s)
        self.pos += len(s)
        return start, self.pos

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _paragraph(rng: random.Random, pool: Pool) -> str:
    return " ".join(rng.choice(pool.sentences) for _ in range(rng.randint(2, 4)))


def _quote_paragraph(
    rng: random.Random, pool: Pool, speaker: str
) -> tuple[str, tuple[int, int], tuple[int, int]]:
    content = rng.choice(pool.quotes)
    lead = rng.choice(pool.sentences) + " “"
    text = f"{lead}{content},” {speaker} said."
    q = (len(lead), len(lead) + len(content))
    s = text.rindex(speaker)
    return text, q, (s, s + len(speaker))


def make_document(
    rng: random.Random,
    pool: Pool,
    doc_id: str,
    outlet: str,
    published: date,
    headline: str,
    core: list[tuple[str, str, int, int]],
    speakers: list[str],
) -> tuple[Document, list[PassageView], list[tuple[str, int, int]]]:
    """One analysed page: headline, body (own paragraphs, quotes, paragraphs copied from ``core``),
    boilerplate and sometimes comments. Returns the document, its copied passages, and its paragraphs
    (text, start, end) for pages that will copy it."""
    page = Page()
    layers: list[Layer] = []
    quotes: list[Quote] = []
    events: list[Event] = []
    mentions: dict[str, list[Mention]] = defaultdict(list)
    passages: list[PassageView] = []
    paragraphs: list[tuple[str, int, int]] = []
    h = page.add(headline)
    layers.append(Layer("headline", *h))
    body: list[tuple[int, int]] = []
    plan: list[Any] = [("own", None)] * rng.randint(3, 6) + [("quote", s) for s in speakers]
    plan += [("copy", c) for c in core]
    rng.shuffle(plan)
    for kind, arg in plan:
        if kind == "own":
            text = _paragraph(rng, pool)
            span = page.add(text)
            for _ in range(rng.randint(1, 3)):  # what the analysis's events stage would find in it
                words = headline.split()
                k = rng.randrange(max(1, len(words) - 3))
                events.append(
                    Event(
                        rng.choice(speakers),
                        rng.choice(ACTIONS),
                        " ".join(words[k : k + 4]),
                        rng.choice([None, rng.choice(PLACES)]),
                        (published - timedelta(days=rng.randint(0, 2))).isoformat(),
                        None,
                        *span,
                    )
                )
        elif kind == "quote":
            text, (qs, qe), (ss, se) = _quote_paragraph(rng, pool, arg)
            span = page.add(text)
            quotes.append(Quote(span[0] + qs, span[0] + qe, text[qs:qe], arg, None, "said"))
            mentions[arg].append(Mention(span[0] + ss, span[0] + se))
        else:
            text, origin_id, o_start, o_end = arg
            span = page.add(text)
            passages.append(PassageView(doc_id, span[0], span[1], origin_id, o_start, o_end, 1.0, "copy"))
        body.append(span)
        paragraphs.append((text, *span))
    layers.append(Layer("body", body[0][0], body[-1][1], outlet=outlet))
    bp = page.add(f"© {published.year} {outlet}. All rights reserved. Share this article.")
    layers.append(Layer("boilerplate", *bp))
    comments: list[Comment] = []
    if rng.random() < 0.33:
        for n in range(1, rng.randint(2, 7)):
            parent = rng.choice([None, None, *[c.id for c in comments]])
            span = page.add(f"{n}. {rng.choice(pool.sentences)}")
            comments.append(Comment(n, parent, str(n), None, *span))
            layers.append(Layer("comment", *span, comment=n))
    text = page.text
    entities = []
    for i, (name, ms) in enumerate(mentions.items(), 1):
        entities.append(Entity(f"e{i}", name, "person", (), tuple(ms)))
    for place in PLACES:
        at = text.find(place)
        if at >= 0:
            entities.append(
                Entity(f"e{len(entities) + 1}", place, "place", (), (Mention(at, at + len(place)),))
            )
    doc = Document(
        id=doc_id,
        text=text,
        outlet=outlet,
        title=headline,
        published=published.isoformat(),
        url=f"https://example.com/{outlet.lower()}/{doc_id}",
        source=f"bench:{doc_id}",
        format="jsonl",
        layers=tuple(layers),
        comments=tuple(comments),
        quotes=tuple(quotes),
        entities=tuple(entities),
        events=tuple(events),
    )
    return doc, passages, paragraphs


def build(db: Path, n_docs: int, pool: Pool, seed: int = 7) -> list[dict[str, Any]]:
    """Write ``n_docs`` synthetic analysed documents in stories into a fresh store; returns the stories."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    db.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    stories: list[dict[str, Any]] = []
    started = time.perf_counter()
    day0 = date(2015, 11, 8)
    with Store(db) as store:
        store.con.execute("PRAGMA synchronous=OFF")  # a throwaway benchmark store: durability not needed
        made = 0
        while made < n_docs:
            sid = f"story-{len(stories):05d}"
            size = min(rng.randint(3, 17), n_docs - made)
            d0 = day0 + timedelta(days=rng.randrange(366))
            title = rng.choice(pool.titles)
            star = rng.choice(pool.speakers)
            ids = []
            core: list[tuple[str, str, int, int]] = []
            for k in range(size):
                doc_id = f"{sid}-{k:02d}"
                outlet = rng.choice(ORIGIN_OUTLETS) if k == 0 else rng.choice(OUTLETS)
                when = d0 if k == 0 else d0 + timedelta(days=rng.randint(0, 4))
                headline = title if k == 0 else rng.choice([title, rng.choice(pool.titles)])
                speakers = [star] + ([rng.choice(pool.speakers)] if rng.random() < 0.7 else [])
                if k > 0 and rng.random() < 0.5:
                    speakers = speakers[1:] + [star] if rng.random() < 0.5 else speakers
                copy_now = (
                    rng.sample(core, k=min(len(core), rng.randint(1, 2)))
                    if k > 0 and rng.random() < 0.5
                    else []
                )
                doc, passages, paras = make_document(
                    rng, pool, doc_id, outlet, when, headline, copy_now, speakers
                )
                if k == 0:
                    core = [(t, doc_id, s, e) for t, s, e in paras[:3]]
                store.put(doc, passages)
                ids.append(doc_id)
                made += 1
                if made % 10000 == 0:
                    rate = made / (time.perf_counter() - started)
                    print(f"  built {made:,} documents ({rate:,.0f}/s)", file=sys.stderr, flush=True)
            stories.append({"id": sid, "title": title, "documents": ids, "published": d0.isoformat()})
        for i in range(50):
            store.record_error(f"bench-input-{i:03d}.html", "empty input (no text)")
        store.set_meta(STORIES_KEY, json.dumps(stories))
        store.set_meta("bench_web", json.dumps({"version": BUILD_VERSION, "docs": n_docs, "seed": seed}))
        store.con.execute("PRAGMA optimize")
    return stories


# ----------------------------------------------------------------------------------------- stories


def compute_stories(db: Path) -> str:
    """The stories subsystem over the store (``update_stories``, as ``newstrace ingest`` runs it);
    incremental, so a store whose stories are up to date costs one scan."""
    from newstrace.stories.update import update_stories

    with Store(db) as store:
        report = update_stories(store)
        n = int(store.con.execute("SELECT COUNT(*) FROM stories").fetchone()[0])
    if report.assigned:
        print(f"stories: {report.summary()}", file=sys.stderr, flush=True)
    return f"{n:,} stories computed by the stories subsystem"


# ------------------------------------------------------------------------------------------ server


def serve(db: Path) -> None:
    """Child process: the app on uvicorn on a free port of 127.0.0.1; prints the port, then serves."""
    import uvicorn

    from newstrace.web import create_app
    from newstrace.web.cli import bind

    app = create_app(str(db), allowed_hosts=["127.0.0.1", "localhost"])
    sock = bind("127.0.0.1", 0)
    print(json.dumps({"port": sock.getsockname()[1]}), flush=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False, limit_concurrency=128)
    uvicorn.Server(config).run(sockets=[sock])


def start_server(db: Path) -> tuple[subprocess.Popen[str], int]:
    cmd = [sys.executable, __file__, "--db", str(db), "--serve"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=dict(os.environ))
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        raise SystemExit("the server did not start")
    info = json.loads(line)
    return proc, int(info["port"])


# ------------------------------------------------------------------------------------------ client


def endpoints(db: Path, rng: random.Random) -> dict[str, Any]:
    """Each endpoint with a function giving a fresh URL for it."""
    with Store(db, readonly=True) as s:
        story_ids = [r[0] for r in s.con.execute("SELECT id FROM stories")]
        # a page's story (what a reader opens from a page): stories weighted by their pages
        sample = "SELECT story_id FROM story_documents WHERE rowid % 7 = 0"
        page_story_ids = [r[0] for r in s.con.execute(sample)]
        largest = "SELECT id FROM stories ORDER BY size DESC LIMIT 500"
        big_story_ids = [r[0] for r in s.con.execute(largest)]
        n = s.count()
        doc_ids = [r[0] for r in s.con.execute("SELECT id FROM documents WHERE seq % 97 = 0")]
        speakers = [r[0] for r in s.con.execute("SELECT DISTINCT speaker FROM quotes LIMIT 2000")]
        words = [
            r[0]
            for r in s.con.execute("SELECT title FROM documents WHERE seq % 251 = 0 AND title IS NOT NULL")
        ]
    vocab = sorted({w.lower() for t in words for w in re.findall(r"[A-Za-z]{5,}", t)})
    keys = [canonical_key(x) for x in speakers]

    def doc() -> str:
        return quote(rng.choice(doc_ids), safe="")

    def q() -> str:
        return urlencode({"q": " ".join(rng.sample(vocab, k=rng.choice((1, 2))))})

    return {
        "_docs": n,
        "/ (stories list)": lambda: "/",
        "/stories/{id}": lambda: "/stories/" + rng.choice(story_ids),
        "/stories/{id} of a page": lambda: "/stories/" + rng.choice(page_story_ids),
        "/stories/{id} 500 largest": lambda: "/stories/" + rng.choice(big_story_ids),
        "/documents/{id}": lambda: "/documents/" + doc(),
        "/search?q=": lambda: "/search?" + q(),
        "/entities/{id}": lambda: "/entities/" + rng.choice(keys),
        "/errors": lambda: "/errors",
        "/api/stories/{id}": lambda: "/api/stories/" + rng.choice(story_ids),
        "/api/documents/{id}": lambda: "/api/documents/" + doc(),
        "/api/documents/{id}/provenance": lambda: f"/api/documents/{doc()}/provenance",
        "/api/search?q=": lambda: "/api/search?" + q(),
        "/api/entities/{id}": lambda: "/api/entities/" + rng.choice(keys),
    }


def run_load(
    port: int, plan: list[tuple[str, str]], concurrency: int
) -> tuple[dict[str, list[float]], Counter[str], float]:
    import httpx

    base = f"http://127.0.0.1:{port}"
    times: dict[str, list[float]] = defaultdict(list)
    statuses: Counter[str] = Counter()
    lock = threading.Lock()
    local = threading.local()

    def one(item: tuple[str, str]) -> None:
        name, url = item
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = httpx.Client(base_url=base, timeout=30.0)
        t = time.perf_counter()
        r = client.get(url)
        _ = r.content
        dt = (time.perf_counter() - t) * 1000
        with lock:
            times[name].append(dt)
            statuses[f"{r.status_code}"] += 1
            if r.status_code != 200:
                print(f"  {r.status_code} {url}", file=sys.stderr)

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, plan))
    return times, statuses, time.perf_counter() - started


def pct(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s) + 0.5) - 1))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument(
        "--db", type=Path, default=None, help="the benchmark store (default .bench/web-<docs>.db)"
    )
    ap.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data" / "polnear")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the store even if a matching one exists")
    ap.add_argument(
        "--requests", type=int, default=200, help="measured requests per endpoint and concurrency"
    )
    ap.add_argument("--warmup", type=int, default=20, help="unmeasured requests per endpoint first")
    ap.add_argument("--concurrency", default="1,4", help="client threads, e.g. 1,4")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    db: Path = args.db or ROOT / ".bench" / f"web-{args.docs}.db"
    if args.serve:
        serve(db)
        return

    want = {"version": BUILD_VERSION, "docs": args.docs, "seed": 7}
    have = None
    if db.exists() and not args.rebuild:
        with Store(db, readonly=True) as s:
            have = s.get_meta("bench_web")
    if have is None or json.loads(have) != want:
        t = time.perf_counter()
        print(f"building {args.docs:,} documents into {db} …", file=sys.stderr, flush=True)
        pool = Pool(args.data_dir)
        build(db, args.docs, pool)
        print(f"built in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    size = sum(Path(str(db) + x).stat().st_size for x in ("", "-wal") if Path(str(db) + x).exists())

    label = compute_stories(db)
    proc, port = start_server(db)
    try:
        rng = random.Random(args.seed)
        eps = endpoints(db, rng)
        n_docs = eps.pop("_docs")
        print(
            f"\nnewstrace web benchmark: {n_docs:,} documents, store {size / 1e6:,.0f} MB; stories: {label}"
        )
        print(
            f"{args.requests} measured requests per endpoint (after {args.warmup} warm-up), "
            f"server: one uvicorn process; machine: {os.cpu_count()} CPUs"
        )
        warm = [(name, make()) for name, make in eps.items() for _ in range(args.warmup)]
        run_load(port, warm, 2)
        for c in [int(x) for x in args.concurrency.split(",") if x.strip()]:
            plan = [(name, make()) for name, make in eps.items() for _ in range(args.requests)]
            rng.shuffle(plan)
            times, statuses, wall = run_load(port, plan, c)
            print(
                f"\nconcurrency {c}: {len(plan)} requests in {wall:.1f} s ({len(plan) / wall:,.0f} req/s), "
                f"statuses {dict(statuses)}"
            )
            print(f"{'endpoint':<34}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'mean ms':>9}")
            for name in eps:
                xs = times[name]
                cols = (pct(xs, 50), pct(xs, 95), max(xs), statistics.fmean(xs))
                print(f"{name:<34}" + "".join(f"{x:>9.1f}" for x in cols))
            story = max(pct(times[k], 95) for k in times if k.startswith("/stories/"))
            verdict = "met" if story < 100 else "NOT met"
            print(f"target p95 < 100 ms for a story page (worst of 3 samples): {story:.1f} ms ({verdict})")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
