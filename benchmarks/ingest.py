"""Ingest at scale: documents per second, peak memory and store size for N pages.

The corpus is resampled from real sentences (PolNeAR train+dev articles): each page is a headline and
3-8 paragraphs of sentences drawn at random (every fourth word swapped, so that pages do not share
long runs by chance), with every 20th page a republication of an earlier one (light edits), so the
copy index has real work. Pages are written to one JSON Lines file and ingested
through ``newstrace.corpus.ingest.ingest`` exactly as the CLI does.

    python benchmarks/ingest.py --n 100000 --no-nlp      # bulk: anatomy, credits, copy index
    python benchmarks/ingest.py --n 2000                 # every stage (spaCy parse, quotes, entities)

Peak memory is the largest resident set of this process and of the worker processes (ru_maxrss).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import tempfile
import time
from pathlib import Path

from newstrace.corpus.ingest import ingest
from newstrace.store.sqlite import SqliteStore as Store

ROOT = Path(__file__).resolve().parents[1]


def sentences(data_dir: Path) -> list[str]:
    out: list[str] = []
    for split in ("train", "dev"):
        for p in sorted((data_dir / split / "text").glob("*.txt")):
            for para in p.read_text(encoding="utf-8").split("\n")[1:]:
                out += [s for s in re.split(r"(?<=[.!?])\s+", para.strip()) if 6 <= len(s.split()) <= 50]
    return out


def _variant(rng: random.Random, sentence: str, vocab: list[str]) -> str:
    """A real sentence with every fourth word swapped, so pages do not share long runs by chance."""
    words = sentence.split(" ")
    for k in range(rng.randrange(4), len(words), 4):
        words[k] = rng.choice(vocab)
    return " ".join(words)


def build(path: Path, n: int, pool: list[str], seed: int = 1) -> None:
    rng = random.Random(seed)
    vocab = sorted({w for s in pool[:5000] for w in s.split(" ") if w.isalpha()})
    pages: list[str] = []
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            if i >= 20 and i % 20 == 0:
                words = rng.choice(pages[-1000:]).split(" ")
                for _ in range(max(1, len(words) // 30)):
                    words[rng.randrange(len(words))] = rng.choice(["also", "then", "still", "now"])
                text = "Republished\n\n" + " ".join(words)
            else:
                paras = [" ".join(_variant(rng, s, vocab) for s in rng.sample(pool, rng.randint(2, 4)))
                         for _ in range(rng.randint(3, 8))]
                text = rng.choice(pool)[:80] + "\n\n" + "\n\n".join(paras)
            pages.append(text)
            if len(pages) > 2000:
                pages = pages[-1000:]
            day = f"2016-{1 + i * 12 // max(n, 1):02d}-{1 + i % 28:02d}"
            f.write(json.dumps({"id": f"d{i:07d}", "text": text, "published": day}) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data" / "polnear")
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--no-nlp", action="store_true")
    ap.add_argument("--workers", type=int, default=0)
    ap.add_argument("--dir", type=Path, default=None, help="where to build the corpus and store")
    args = ap.parse_args()
    work = args.dir or Path(tempfile.mkdtemp(prefix="newstrace-ingest-"))
    work.mkdir(parents=True, exist_ok=True)
    src = work / f"corpus-{args.n}.jsonl"
    db = work / f"store-{args.n}{'-nonlp' if args.no_nlp else ''}.db"
    for p in (db, Path(str(db) + "-wal"), Path(str(db) + "-shm")):
        p.unlink(missing_ok=True)
    t = time.perf_counter()
    build(src, args.n, sentences(args.data_dir))
    built = time.perf_counter() - t
    report = ingest([str(src)], str(db), workers=args.workers, progress=False, nlp=not args.no_nlp)
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    with Store(db, readonly=True) as s:
        count = s.count()
        copies = s.con.execute(
            "SELECT COUNT(DISTINCT doc_id) FROM passages WHERE kind = 'copy'"
        ).fetchone()[0]
    size = sum(p.stat().st_size for p in work.glob(db.name + "*")) / 1e6
    print(f"corpus: {args.n} pages ({src.stat().st_size / 1e6:.0f} MB JSON Lines, built in {built:.0f} s)")
    stages = "anatomy + credits (no NLP)" if args.no_nlp else "all (spaCy parse, entities, quotes, dates)"
    print(f"stages: {stages}")
    print(f"{'documents stored':<32}{count:>12,}")
    print(f"{'pages with copied passages':<32}{copies:>12,}")
    print(f"{'failed inputs':<32}{report.failed:>12,}")
    print(f"{'wall time (s)':<32}{report.seconds:>12.1f}")
    print(f"{'documents/s':<32}{count / report.seconds:>12.1f}")
    print(f"{'peak RSS, writer process (MB)':<32}{me:>12.0f}")
    print(f"{'peak RSS, a worker (MB)':<32}{kids:>12.0f}")
    print(f"{'store size on disk (MB)':<32}{size:>12.0f}")


if __name__ == "__main__":
    main()
