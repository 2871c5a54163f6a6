"""Main text on trafilatura's evaluation set (snippets that must / must not appear): newstrace, trafilatura.

Both extractors read the same page bytes in this one process and are scored by the data set's own
snippet scorer (``snippet_eval.score``, imported from ``--tools-dir``): every ``with`` snippet found
is a true positive, every ``without`` snippet found a false positive, over all snippets of all pages.

newstrace rows: ``main`` is the HTML path's own judgement (``read_html``'s ``Block.main`` blocks, what
``extract_main_text`` returns); ``body`` is the anatomy stage's article of the same document, body
layers with their section headings (``Document.article_text``; skip with ``--no-layers``).
trafilatura runs with its defaults (``trafilatura.extract(html)``).

The pages are also split by host into two halves (a hash of the host name, so a site is always in one
half): a rule tuned on pages of some sites should help the other half too. Each row shows both halves,
their mean and half their difference (the spread).

    .venv/bin/python benchmarks/snippets.py                  # all 990 pages
    .venv/bin/python benchmarks/snippets.py --limit 200 --no-layers \
        --data-dir ../shared/data/trafilatura-eval --tools-dir ../shared/tools
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scorers import CORPORA, DEFAULT_TOOLS, load_scorer, pin_one_core

from newstrace.errors import InputError
from newstrace.ingest.html import read_html
from newstrace.model import Document

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = CORPORA / "trafilatura-eval"


def host_half(url: str) -> int:
    """0 or 1 from a hash of the page's host (``www.`` dropped): every page of a site in one half."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return hashlib.md5(host.encode("utf-8")).digest()[0] % 2


def newstrace_main(doc: Document) -> str:
    """The blocks the HTML reader marks as the article body."""
    return "\n".join(doc.text[b.start : b.end] for b in doc.blocks if b.main)


def make_body_layers() -> Callable[[Document], str]:
    """The article as the anatomy stage gives it (``Document.article_text``: body layers and their
    section headings; imported only when asked for)."""
    from newstrace.analyze import anatomy_pipeline

    pipeline = anatomy_pipeline()

    def body(doc: Document) -> str:
        return pipeline(doc).article_text()

    return body


def run(
    pages: list[tuple[str, str, bytes]], layers: bool, trafilatura: bool
) -> tuple[dict[str, dict[str, str]], dict[str, float], int]:
    """Outputs per extractor ({file: text}), CPU seconds per extractor, and newstrace's unread pages."""
    outputs: dict[str, dict[str, str]] = {"newstrace main": {}}
    seconds: dict[str, float] = {"newstrace main": 0.0}
    body = make_body_layers() if layers else None
    if body is not None:
        outputs["newstrace body"], seconds["newstrace body"] = {}, 0.0
    extract: Callable[..., Any] | None = None
    if trafilatura:
        import trafilatura as tf

        extract = tf.extract
        outputs["trafilatura"], seconds["trafilatura"] = {}, 0.0
    failed = 0
    for url, name, raw in pages:
        t = time.process_time()
        try:
            doc: Document | None = read_html(raw, doc_id=name, source=name, url=url)
        except InputError:
            doc, failed = None, failed + 1
        outputs["newstrace main"][name] = newstrace_main(doc) if doc is not None else ""
        seconds["newstrace main"] += time.process_time() - t
        if body is not None:
            t = time.process_time()
            outputs["newstrace body"][name] = body(doc) if doc is not None else ""
            seconds["newstrace body"] += time.process_time() - t  # the anatomy stages only
        if extract is not None:
            t = time.process_time()
            outputs["trafilatura"][name] = extract(raw) or ""
            seconds["trafilatura"] += time.process_time() - t
    return outputs, seconds, failed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data-dir", type=Path, default=DEFAULT_DATA, help="folder of evaldata.json and html/"
    )
    parser.add_argument("--tools-dir", type=Path, default=DEFAULT_TOOLS, help="folder of snippet_eval.py")
    parser.add_argument("--limit", type=int, help="only the first N pages (in the data set's order)")
    parser.add_argument("--cpu", type=int, help="CPU core to pin to (default: the last allowed one)")
    parser.add_argument("--no-layers", action="store_true", help="skip the anatomy stage's article")
    parser.add_argument("--no-trafilatura", action="store_true", help="newstrace only")
    parser.add_argument("--json-out", type=Path, help="write the figures as JSON")
    args = parser.parse_args(argv)

    se = load_scorer(args.tools_dir, "snippet_eval")
    evaldata = args.data_dir / "evaldata.json"
    if not evaldata.is_file():
        raise SystemExit(f"data not found: {evaldata} (give --data-dir)")
    data: dict[str, Any] = json.loads(evaldata.read_text(encoding="utf-8"))
    if args.limit:
        data = dict(list(data.items())[: args.limit])
    where = pin_one_core(args.cpu)
    pages = [
        (url, v["file"], gzip.decompress((args.data_dir / "html" / f"{v['file']}.gz").read_bytes()))
        for url, v in data.items()
    ]
    halves = [{u: v for u, v in data.items() if host_half(u) == k} for k in (0, 1)]
    print(
        f"{len(pages)} pages from {args.data_dir} ({len(halves[0])} + {len(halves[1])} by host); {where}",
        flush=True,
    )
    outputs, seconds, failed = run(pages, not args.no_layers, not args.no_trafilatura)

    rows: list[dict[str, Any]] = []
    for label, preds in outputs.items():
        whole = se.score(data, preds)
        parts = [se.score(h, preds) for h in halves]
        f1s = [p["f1"] for p in parts]
        rows.append(
            {
                "extractor": label,
                **{k: whole[k] for k in ("f1", "precision", "recall", "accuracy", "pages", "snippets")},
                "halves": [{k: p[k] for k in ("f1", "precision", "recall")} for p in parts],
                "half_mean_f1": sum(f1s) / 2,
                "half_spread_f1": abs(f1s[0] - f1s[1]) / 2,
                "pages_per_cpu_second": len(pages) / seconds[label] if seconds[label] else 0.0,
            }
        )
    print(
        f"\n{'extractor':<16} {'F1':>6} {'P':>6} {'R':>6} {'acc':>6} | {'half 0 F1/P/R':>17} | "
        f"{'half 1 F1/P/R':>17} | {'mean ± spread':>13} | {'pages/cpu-s':>11}"
    )
    for r in rows:
        h = [f"{x['f1']:.3f}/{x['precision']:.3f}/{x['recall']:.3f}" for x in r["halves"]]
        print(
            f"{r['extractor']:<16} {r['f1']:6.3f} {r['precision']:6.3f} {r['recall']:6.3f} "
            f"{r['accuracy']:6.3f} | "
            f"{h[0]:>17} | {h[1]:>17} | {r['half_mean_f1']:.3f} ± {r['half_spread_f1']:.3f} | "
            f"{r['pages_per_cpu_second']:11.1f}"
        )
    if failed:
        print(f"\nnewstrace could not read {failed} page(s) (scored as empty)")
    if "newstrace body" in outputs:
        print("(newstrace body: pages/cpu-s of the anatomy stages alone, after read_html)")
    if args.json_out:
        args.json_out.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
