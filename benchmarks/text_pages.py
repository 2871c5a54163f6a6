"""Whole pages saved as plain text: the article newstrace finds in them, beside what others would keep.

Scrapers often save a page as the text a browser shows (navigation, headline, article, share buttons,
related links, comments, footer, all as lines). This benchmark renders the bundled HTML pages to text
with two common converters (``inscriptis`` and ``html-text``; rendering is not timed), gives newstrace
only the text (``read_text`` -> anatomy -> ``Document.article_text``) and scores the article:

- the 181 pages of the article-extraction benchmark, by its own shingle scorer (``extraction_eval``);
- trafilatura's 990-page evaluation set, by its snippet scorer (``snippet_eval``), with the pages split
  by host into two halves (mean ± spread: a rule fitted to some sites should help the others too).

Beside newstrace, in the same run: keeping all the text, and trafilatura 2.3.1 given the text with each
line wrapped in ``<p>`` (what a user without a text path would do).

    .venv/bin/python benchmarks/text_pages.py
    .venv/bin/python benchmarks/text_pages.py --limit 300 --tools-dir ../shared/tools
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import html
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from scorers import CORPORA, DEFAULT_TOOLS, load_scorer

from newstrace.analyze import anatomy_pipeline
from newstrace.ingest.charset import decode_html
from newstrace.ingest.text import read_text

RENDERERS = ("inscriptis", "html-text")


def renderer(name: str) -> Callable[[str], str]:
    if name == "inscriptis":
        import inscriptis

        return inscriptis.get_text  # type: ignore[no-any-return]
    import html_text

    return html_text.extract_text  # type: ignore[no-any-return]


def newstrace_article(text: str, page_id: str) -> str:
    doc = anatomy_pipeline()(read_text(text, doc_id=page_id, source=page_id))
    return doc.article_text()


def keep_all(text: str, page_id: str) -> str:
    return text


def trafilatura_on_text(text: str, page_id: str) -> str:
    import trafilatura

    wrapped = "<html><body>" + "".join(
        f"<p>{html.escape(line.strip())}</p>" for line in text.splitlines() if line.strip()
    ) + "</body></html>"
    return trafilatura.extract(wrapped) or ""


SYSTEMS: tuple[tuple[str, Callable[[str, str], str]], ...] = (
    ("newstrace", newstrace_article),
    ("keep all text", keep_all),
    ("trafilatura on <p> lines", trafilatura_on_text),
)


def host_half(url: str) -> int:
    host = (urlsplit(url).hostname or url).removeprefix("www.")
    return hashlib.sha1(host.encode()).digest()[0] % 2


def run_systems(texts: dict[str, str]) -> dict[str, tuple[dict[str, str], float]]:
    """Each system's output per page, and its CPU seconds."""
    out: dict[str, tuple[dict[str, str], float]] = {}
    for label, func in SYSTEMS:
        t = time.process_time()
        got = {pid: func(text, pid) for pid, text in texts.items()}
        out[label] = (got, time.process_time() - t)
    return out


def benchmark_pages(ee: ModuleType, limit: int | None) -> list[dict[str, Any]]:
    pages = ee.load_pages(CORPORA / "article-extraction-benchmark", limit)
    rows = []
    for name in RENDERERS:
        render = renderer(name)
        texts = {p.page_id: render(p.html) for p in pages}
        for label, (got, cpu) in run_systems(texts).items():
            scores = [ee.score_page(p.page_id, p.gold, got[p.page_id]) for p in pages]
            agg = ee.aggregate(scores)
            rows.append({"set": "181 pages", "renderer": name, "system": label, "f1": agg["f1"],
                         "precision": agg["precision"], "recall": agg["recall"],
                         "pages_per_cpu_second": len(pages) / cpu if cpu else 0.0})
    return rows


def snippet_pages(se: ModuleType, limit: int | None) -> list[dict[str, Any]]:
    folder = CORPORA / "trafilatura-eval"
    data = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
    items = list(data.items())[:limit] if limit else list(data.items())
    data = dict(items)
    raw = {
        v["file"]: gzip.decompress((folder / "html" / f"{v['file']}.gz").read_bytes()) for v in data.values()
    }
    halves = [{u: v for u, v in data.items() if host_half(u) == k} for k in (0, 1)]
    rows = []
    for name in RENDERERS:
        render = renderer(name)
        texts = {f: render(decode_html(b, f)) for f, b in raw.items()}
        for label, (got, cpu) in run_systems(texts).items():
            whole = se.score(data, got)
            parts = [se.score(h, got)["f1"] for h in halves]
            rows.append({"set": "trafilatura-eval", "renderer": name, "system": label, "f1": whole["f1"],
                         "precision": whole["precision"], "recall": whole["recall"],
                         "halves": parts, "pages_per_cpu_second": len(texts) / cpu if cpu else 0.0})
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tools-dir", type=Path, default=DEFAULT_TOOLS,
                        help="folder of extraction_eval.py and snippet_eval.py")
    parser.add_argument("--limit", type=int, help="only the first N pages of each set")
    parser.add_argument("--json-out", type=Path, help="write the figures as JSON")
    args = parser.parse_args(argv)
    ee = load_scorer(args.tools_dir, "extraction_eval")
    se = load_scorer(args.tools_dir, "snippet_eval")
    ee.block_network()
    rows = benchmark_pages(ee, args.limit) + snippet_pages(se, args.limit)
    print(f"{'set':<17} {'renderer':<11} {'system':<26} {'F1':>6} {'P':>6} {'R':>6} "
          f"{'host halves (mean ± spread)':>28} {'pages/cpu-s':>11}")
    for r in rows:
        halves = r.get("halves")
        speed = f"{r['pages_per_cpu_second']:.1f}" if r["system"] != "keep all text" else "-"
        spread = (f"{halves[0]:.3f}/{halves[1]:.3f} ({(halves[0] + halves[1]) / 2:.3f} ± "
                  f"{abs(halves[0] - halves[1]) / 2:.3f})") if halves else ""
        print(f"{r['set']:<17} {r['renderer']:<11} {r['system']:<26} {r['f1']:6.3f} {r['precision']:6.3f} "
              f"{r['recall']:6.3f} {spread:>28} {speed:>11}")
    if args.json_out:
        args.json_out.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
