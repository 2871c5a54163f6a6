"""Two ingests into one new store at the same moment, many times: one writes, the other is refused.

Before the writer lock, both exited 0 and the store held 165-172 copy passages of 206 (each copy index
saw only its own pages); started 1.5-3 s apart, the second died on "database is locked". Each try here
starts two `newstrace ingest` processes on the same new store (pages that copy each other among pages
that do not), then compares the store with one made by a single uninterrupted run: tables equal,
passages equal. Prints the count of tries where exactly one was refused with the one-line message.

    python benchmarks/writers.py --tries 100
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "demo" / "000_61ee9dba41562d1b.txt"


def corpus(root: Path, n: int) -> None:
    """``n`` pages of seed words in new orders, and pages that copy the seed's RT and TASS stories."""
    text = SEED.read_text(encoding="utf-8")
    words = sorted({w for w in text.split() if w.isalpha() and len(w) > 2})
    rng = random.Random(7)
    root.mkdir(parents=True)
    for i in range(n):
        paras = [" ".join(rng.choices(words, k=40)) + "." for _ in range(3)]
        (root / f"p{i:04d}.txt").write_text(f"Page {i}\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8")
    rt = text[text.index("Russian President Vladimir Putin has ordered") : text.index("fundamental damage")]
    tass = text[text.index("MOSCOW, March 14. /TASS/.") : text.index("the Kremlin said.")]
    for i in range(n // 10):
        body = rt if i % 2 else tass
        (root / f"copy{i:03d}.txt").write_text(f"Copy {i}\n\nA lead of our own, {i}.\n\n{body}\n",
                                                encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tries", type=int, default=100)
    ap.add_argument("--pages", type=int, default=300)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from newstrace.store import open_store

    with tempfile.TemporaryDirectory(prefix="newstrace-writers-") as tmp:
        src = Path(tmp) / "in"
        corpus(src, args.pages)
        base = [sys.executable, "-m", "newstrace", "ingest", str(src), "--no-nlp", "--workers", "1",
                "--quiet", "--no-stories"]
        alone = Path(tmp) / "alone.db"
        subprocess.run([*base, "--db", str(alone)], check=True, capture_output=True)
        with open_store(str(alone), readonly=True) as s:
            want = s.dump()
        refused = equal = 0
        seconds: list[float] = []
        for t in range(args.tries):
            db = Path(tmp) / f"race{t}.db"
            started = time.perf_counter()
            procs = [subprocess.Popen([*base, "--db", str(db)], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE, text=True) for _ in range(2)]
            outs = [(p.wait(), p.stderr.read() if p.stderr else "") for p in procs]
            seconds.append(time.perf_counter() - started)
            codes = sorted(c for c, _ in outs)
            lines = [e.strip() for c, e in outs if c == 2]
            if codes == [0, 2] and len(lines) == 1 and "\n" not in lines[0] \
                    and "another newstrace process is writing this store" in lines[0]:
                refused += 1
            with open_store(str(db), readonly=True) as s:
                equal += s.dump() == want
            for p in Path(tmp).glob(f"race{t}.db*"):
                p.unlink()
        print("| tries | second ingest refused (exit 2, one line) | store equal to one run's "
              "| passages in one run | seconds per try |")
        print("|---|---|---|---|---|")
        n, passages = args.tries, len(want["passages"])
        print(f"| {n} | {refused} of {n} | {equal} of {n} | {passages} | {sum(seconds) / len(seconds):.1f} |")
    return 0 if refused == equal == args.tries else 1


if __name__ == "__main__":
    sys.exit(main())
