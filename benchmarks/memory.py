"""Peak memory against page size: `analyze`, `ingest` and `stories` on one page of 10 KB ... 20 MB.

Each command runs in a fresh process on a store or page of its own, and its peak resident set size is
read from the kernel (``wait4``'s ``ru_maxrss``: the largest process of the command, workers included).
The pages are real prose: the demo pages' paragraphs, repeated to the size asked for. Side by side, in
the same run, the peers on the same text: trafilatura's ``extract`` on the page as HTML (what a user of
the field would run to take a page apart), and wordllama's own ``WordLlama.embed`` on the page's text
among 70 small pages (what the stories used before: it pads each batch to its longest text).

    python benchmarks/memory.py                 # 10 KB, 100 KB, 1 MB, 5 MB, 20 MB (about 40 min)
    python benchmarks/memory.py --sizes 10K 1M  # a quick look

The claim it checks: from 1 MB to 20 MB, the peak of `analyze` and `stories` stays within 2x of a
10 KB page's (a long page's language analysis runs in bounded windows; embeddings are summed piece by
piece). `ingest --no-nlp` is shown too: its copy index keeps each page's word arrays, so it grows with
the page (about 30 bytes per character), but not with the language model.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "demo"
MAX_BYTES = 20 * 1024 * 1024 - 4096  # just under the input limit


def _size(s: str) -> int:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([KM]?)", s.upper())
    if not m:
        raise argparse.ArgumentTypeError(f"not a size: {s} (e.g. 10K, 1M, 20M)")
    n = float(m.group(1)) * {"": 1, "K": 1024, "M": 1024 * 1024}[m.group(2)]
    return min(int(n), MAX_BYTES)


def _prose() -> str:
    """Paragraphs of the demo pages (text and HTML), as a long page of ordinary news prose."""
    sys.path.insert(0, str(ROOT / "src"))
    from newstrace.ingest import read_paths
    from newstrace.model import Document

    paras: list[str] = []
    for doc in read_paths([str(DEMO)]):
        if isinstance(doc, Document):
            paras += [p.strip() for p in doc.text.split("\n\n") if len(p.strip()) > 120]
    return "\n\n".join(paras) + "\n\n"


def _page(size: int, prose: str) -> str:
    return (prose * (size // len(prose.encode("utf-8")) + 1)).encode("utf-8")[:size].decode("utf-8", "ignore")


def _peak(argv: list[str], *, stdout: int | None = subprocess.DEVNULL) -> tuple[float, float, int]:
    """Peak RSS (MB) and wall seconds of a command, and its exit code."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if proc.stderr is not None:
        err = proc.stderr.read().decode("utf-8", "replace")
        proc.stderr.close()
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            print(f"  ! {' '.join(argv[2:5])}: {err.strip()[-300:]}", file=sys.stderr)
    return usage.ru_maxrss / 1024, seconds, os.waitstatus_to_exitcode(status)


_TRAFILATURA = """
import sys, trafilatura
html = open(sys.argv[1], encoding="utf-8").read()
trafilatura.extract(html)
"""

_WORDLLAMA = """
import sys, pathlib, wordllama
from wordllama import WordLlama
m = WordLlama.load(cache_dir=pathlib.Path(wordllama.__file__).parent, disable_download=True)
big = open(sys.argv[1], encoding="utf-8").read()
small = [p for p in big.split("\\n\\n") if p][:70]
m.embed(small + [big], norm=True)
"""


def _html(text: str) -> str:
    from html import escape

    return "<html><head><title>Page</title></head><body><article>" + "".join(
        f"<p>{escape(p)}</p>" for p in text.split("\n\n") if p
    ) + "</article></body></html>"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default = [_size(s) for s in ("10K", "100K", "1M", "5M", "20M")]
    ap.add_argument("--sizes", nargs="+", type=_size, default=default, help="page sizes (10K ... 20M)")
    ap.add_argument("--peer-limit", type=_size, default=_size("200K"),
                    help="largest page given to wordllama's own embed (it needs ~30 GB per MB of page)")
    args = ap.parse_args()
    python = sys.executable
    prose = _prose()
    rows = []
    with tempfile.TemporaryDirectory(prefix="newstrace-mem-") as tmp:
        for size in args.sizes:
            page = Path(tmp) / f"page-{size}.txt"
            text = _page(size, prose)
            page.write_text(text, encoding="utf-8")
            html = Path(tmp) / f"page-{size}.html"
            html.write_text(_html(text), encoding="utf-8")
            db = Path(tmp) / f"store-{size}.db"
            cli = [python, "-m", "newstrace"]
            analyze = _peak([*cli, "analyze", str(page), "--json"])
            ingest = _peak([*cli, "ingest", str(page), str(DEMO), "--db", str(db), "--no-nlp", "--no-stories",
                            "--workers", "1", "--quiet"])
            stories = _peak([*cli, "stories", "--db", str(db), "--rebuild", "--brief"])
            trafilatura = _peak([python, "-c", _TRAFILATURA, str(html)])
            wordllama = _peak([python, "-c", _WORDLLAMA, str(page)]) if size <= args.peer_limit else None
            rows.append((size, analyze, ingest, stories, trafilatura, wordllama))
            print(f"  {size / 1024:,.0f} KB: analyze {analyze[0]:.0f} MB in {analyze[1]:.0f} s; stories "
                  f"{stories[0]:.0f} MB", file=sys.stderr, flush=True)
    base = rows[0]
    print()
    print("| page | analyze peak (x first row) | stories peak (x first row) | ingest --no-nlp peak "
          "| trafilatura.extract peak | wordllama embed (old stories path) peak | analyze s |")
    print("|---|---|---|---|---|---|---|")
    for size, analyze, ingest, stories, trafilatura, wordllama in rows:
        label = f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"
        peer = f"{wordllama[0]:,.0f} MB" if wordllama else "not run (> 24 GB)"
        print(f"| {label} | {analyze[0]:,.0f} MB ({analyze[0] / base[1][0]:.2f}x) "
              f"| {stories[0]:,.0f} MB ({stories[0] / base[3][0]:.2f}x) | {ingest[0]:,.0f} MB "
              f"| {trafilatura[0]:,.0f} MB | {peer} | {analyze[1]:,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
