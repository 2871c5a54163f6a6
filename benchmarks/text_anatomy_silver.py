"""Page anatomy of pages saved as plain text, against silver labels from the HTML path (1,171 pages).

Why silver: the hand labels (``benchmarks/anatomy.py``) cover 65 pages, 32 with comments: too few to
tune the text path's comment, caption and headline rules on without fitting them to those pages. On
the hand labels the HTML path is nearly exact on comments (F1 0.98), headlines (0.99) and good on
captions (0.81), so its answers on all bundled pages (the article-extraction benchmark, 181, and
trafilatura's evaluation set, 990) make a larger, noisier development set. Silver labels are the HTML
path's headline, captions and comments (each comment's first words, writer and parent); the same pages
rendered by inscriptis and html-text are read as text (``read_text`` -> ``anatomy_pipeline()``) and
scored with ``benchmarks/anatomy.py``'s matching. Byline and related lists are not scored: the HTML path
is too far from the hand labels on them (0.75, 0.64) to serve as a label.

Figures are given for all pages and for two host halves (a crc32 of the host), so a rule can be kept
only when it helps both halves. Silver labels and renderings are cached (``--cache``, under /tmp by
default; delete it after changing the HTML path).

    .venv/bin/python benchmarks/text_anatomy_silver.py
    .venv/bin/python benchmarks/text_anatomy_silver.py --only-comments --json /tmp/silver.json --pages
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from anatomy import CORPORA, predict, render, score_page, summarise

from newstrace.analysis.shown_dates import find_shown_date
from newstrace.analyze import anatomy_pipeline
from newstrace.ingest.html import decode_html, read_html
from newstrace.ingest.text import read_text

SILVER_LAYERS = ("headline", "captions", "comments")
RENDERERS = ("inscriptis", "html_text")
DEFAULT_CACHE = Path("/tmp/newstrace-silver")


def bundled_pages(corpora: Path = CORPORA) -> list[dict[str, str]]:
    """Every bundled page: its corpus, file, URL and host."""
    out: list[dict[str, str]] = []
    aeb = corpora / "article-extraction-benchmark"
    truth = json.loads((aeb / "ground-truth.json").read_text(encoding="utf-8"))
    for key, rec in sorted(truth.items()):
        out.append({"corpus": "aeb", "file": f"{key}.html.gz", "url": rec.get("url") or ""})
    tra = corpora / "trafilatura-eval"
    evald = json.loads((tra / "evaldata.json").read_text(encoding="utf-8"))
    for url, rec in sorted(evald.items()):
        out.append({"corpus": "trafilatura", "file": rec["file"], "url": url})
    for p in out:
        p["host"] = (urlsplit(p["url"]).hostname or p["file"]).removeprefix("www.")
    return out


def raw_page(page: dict[str, str], corpora: Path = CORPORA) -> bytes:
    if page["corpus"] == "aeb":
        path = corpora / "article-extraction-benchmark" / "html" / page["file"]
        return gzip.decompress(path.read_bytes())
    return gzip.decompress((corpora / "trafilatura-eval" / "html" / f"{page['file']}.gz").read_bytes())


def _opening(text: str, author: str | None) -> str:
    """A comment's first words, past its head lines (the writer, a date, a "says:"), as a label has them."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    for ln in lines:
        dated = find_shown_date(ln) is not None and len(ln.split()) <= 12
        if len(ln.split()) >= 5 and not dated and not (author and ln.startswith(author)):
            return ln[:60]
    return (lines[-1] if lines else text)[:60]


def silver_label(page: dict[str, str], raw: bytes) -> dict[str, Any]:
    """The HTML path's answers on one page, in the hand labels' format (byline and related left empty)."""
    url = page["url"] if page["url"].startswith("http") else None
    doc = anatomy_pipeline()(read_html(raw, doc_id=page["file"], source=page["file"], url=url))
    pred = predict(doc)
    comments = [{"author": a, "text_start": _opening(t, a), "parent": p, "text": t}
                for t, a, p in pred.comments]
    return {**page, "headline": pred.headline or None, "byline": [], "captions": pred.captions,
            "related": [], "comments": comments, "not_body": [], "body_start": None, "body_end": None,
            "published": None}


def load(corpora: Path, cache: Path, limit: int | None) -> list[tuple[dict[str, Any], dict[str, str]]]:
    """Silver labels and renderings of every page, from the cache when there."""
    cache.mkdir(parents=True, exist_ok=True)
    out = []
    pages = bundled_pages(corpora)[:limit]
    for k, page in enumerate(pages):
        path = cache / f"{page['corpus']}-{page['file']}.json"
        if path.exists():
            rec = json.loads(path.read_text(encoding="utf-8"))
        else:
            raw = raw_page(page, corpora)
            html = decode_html(raw, page["file"])
            rec = {"label": silver_label(page, raw), "text": {how: render(html, how) for how in RENDERERS}}
            path.write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
        out.append((rec["label"], rec["text"]))
        if k % 200 == 199:
            print(f"  {k + 1}/{len(pages)} pages ready", file=sys.stderr, flush=True)
    return out


def half_of(host: str) -> int:
    return zlib.crc32(host.encode("utf-8")) % 2


def figures(scores: Sequence[dict[str, Any]]) -> dict[str, Any]:
    s = summarise(scores)
    return {k: s[k] for k in (*SILVER_LAYERS, "comment_count_acc", "comment_parent_acc")}


def fmt(v: float | None) -> str:
    return "  -  " if v is None else f"{v:.3f}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpora", type=Path, default=CORPORA, help="folder of the two corpora")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="silver labels and renderings")
    parser.add_argument("--modes", nargs="+", choices=RENDERERS, default=list(RENDERERS))
    parser.add_argument("--limit", type=int, help="first N pages only")
    parser.add_argument("--only-comments", action="store_true",
                        help="score only pages where the HTML path found comments")
    parser.add_argument("--json", type=Path, help="write the figures (and with --pages, per-page details)")
    parser.add_argument("--pages", action="store_true", help="include per-page scores")
    args = parser.parse_args(argv)

    data = load(args.corpora, args.cache, args.limit)
    if args.only_comments:
        data = [(lab, text) for lab, text in data if lab["comments"]]
    n_comments = sum(bool(lab["comments"]) for lab, _ in data)
    print(f"{len(data)} pages, {len({lab['host'] for lab, _ in data})} hosts, {n_comments} with silver "
          f"comments ({sum(len(lab['comments']) for lab, _ in data)} comments), "
          f"{sum(bool(lab['captions']) for lab, _ in data)} with captions")
    results: dict[str, Any] = {}
    details: dict[str, list[dict[str, Any]]] = {}
    for how in args.modes:
        scores, rows = [], []
        for lab, text in data:
            doc = anatomy_pipeline()(read_text(text[how], doc_id=lab["file"], source=lab["file"],
                                               url=lab["url"] if lab["url"].startswith("http") else None))
            pred = predict(doc)
            s = score_page(lab, pred)
            scores.append(s)
            rows.append({"file": lab["file"], "host": lab["host"], "scores": s, "headline": pred.headline,
                         "n_comments": len(pred.comments), "n_gold": len(lab["comments"])})
        halves = [[s for (lab, _), s in zip(data, scores, strict=True) if half_of(lab["host"]) == h]
                  for h in (0, 1)]
        spurious = sum(1 for (lab, _), s in zip(data, scores, strict=True)
                       if not lab["comments"] and s["comments"][0] is not None)
        results[how] = {"all": figures(scores), "halves": [figures(h) for h in halves], "spurious": spurious}
        details[how] = rows
    print(f"{'layer':<20}" + "".join(f"{m + ' P/R/F1 (halves F1)':>42}" for m in results))
    for k in SILVER_LAYERS:
        row = f"{k:<20}"
        for m in results:
            a, h = results[m]["all"][k], results[m]["halves"]
            cell = f"{fmt(a['p'])} {fmt(a['r'])} {fmt(a['f1'])} ({fmt(h[0][k]['f1'])}/{fmt(h[1][k]['f1'])})"
            row += cell.rjust(42)
        print(row)
    for k in ("comment_count_acc", "comment_parent_acc"):
        row = f"{k:<20}"
        for m in results:
            h = results[m]["halves"]
            row += f"{fmt(results[m]['all'][k])} ({fmt(h[0][k])}/{fmt(h[1][k])})".rjust(42)
        print(row)
    print(f"{'spurious sections':<20}" + "".join(f"{results[m]['spurious']:>42}" for m in results))
    if args.json:
        payload: dict[str, Any] = {"pages": len(data), "results": results}
        if args.pages:
            payload["details"] = details
        args.json.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
