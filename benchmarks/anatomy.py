"""Page anatomy against hand labels: headline, byline, captions, related links, comments, body edges.

The labels (``tests/fixtures/anatomy/labels.json``, 65 pages of the two bundled public corpora, made by
reading each page, not newstrace's output) say what a reader sees. Each page is read three ways: as HTML
(``read_html``) and as plain text rendered by inscriptis and by html-text (``read_text``), then given to
``anatomy_pipeline()``. Per layer and input, a page gets a precision (when the system predicts something)
and a recall (when the label has something); the figures are the mean page precision, the mean page recall
and the F1 of the two means, as the article-extraction benchmark aggregates. Five folds grouped by host
(each host in one fold) give the spread a new set of sites should expect.

Scores:
- headline, byline: word F1 (``\\w+`` tokens, case-folded) of the first headline layer's text / the byline
  layers' authors (distinct words) against the label;
- captions, related: item matching (a labelled item is found when its whitespace-free text lies inside a
  predicted layer of that kind, or the layer inside it and at least half as long);
- comments: a labelled comment is found when its first words (whitespace-free) start within the first
  400 characters of a predicted comment; item P/R over comments, count accuracy (predicted count equals
  the labelled count, on pages where either is non-zero) and parent accuracy (matched comments whose
  predicted parent is the match of the labelled parent, or both none);
- body: the share of ``not_body`` snippets found inside body layers (a leak; lower is better), and the
  share of pages whose labelled first and last body words lie inside body layers;
- published: share of dated pages whose ``Document.published`` day equals the labelled date (HTML only in
  effect: for plain text the anatomy stages set no date; dates in text are found by the language stages).

trafilatura 2.3.1 beside it (HTML only): ``extract_metadata`` title, author and date, and the comments section
of ``extract(..., include_comments=True, output_format="xml")`` (comment recall only: it has no
per-comment structure; ``spurious`` counts pages with comments found where the label has none).

    .venv/bin/python benchmarks/anatomy.py                 # table: html, inscriptis, html-text, trafilatura
    .venv/bin/python benchmarks/anatomy.py --json anatomy.json --pages   # figures and per-page details
    .venv/bin/python benchmarks/anatomy.py --modes html --no-trafilatura
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import unicodedata
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newstrace.analyze import anatomy_pipeline
from newstrace.ingest.html import decode_html, read_html
from newstrace.ingest.text import read_text
from newstrace.model import Document

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT / "tests" / "fixtures" / "corpora"
LABELS = ROOT / "tests" / "fixtures" / "anatomy" / "labels.json"
MODES = ("html", "inscriptis", "html_text")
LAYERS = ("headline", "byline", "captions", "related", "comments")
FOLDS = 5
_WORD = re.compile(r"\w+")


# --- text helpers ----------------------------------------------------------------------------------

def squash(text: str) -> str:
    """Compare text as a reader would: NFC, case-folded, without any whitespace (drop caps, wraps)."""
    return "".join(unicodedata.normalize("NFC", text).casefold().split())


def words(text: str) -> Counter[str]:
    return Counter(_WORD.findall(unicodedata.normalize("NFC", text).casefold()))


def word_pr(gold: str, pred: str, distinct: bool = False) -> tuple[float | None, float | None]:
    """Page precision (None without a prediction) and recall (None without a label) of word multisets
    (of word sets when ``distinct``: a name said twice is one author)."""
    g, p = words(gold), words(pred)
    if distinct:
        g, p = Counter(set(g)), Counter(set(p))
    tp = sum((g & p).values())
    return (tp / sum(p.values()) if p else None, tp / sum(g.values()) if g else None)


def item_match(gold: str, pred: str) -> bool:
    g, p = squash(gold), squash(pred)
    if not g or not p:
        return False
    return g in p or (p in g and 2 * len(p) >= len(g))


def item_pr(gold: Sequence[str], pred: Sequence[str]) -> tuple[float | None, float | None]:
    good_pred = sum(any(item_match(g, p) for g in gold) for p in pred)
    found = sum(any(item_match(g, p) for p in pred) for g in gold)
    return (good_pred / len(pred) if pred else None, found / len(gold) if gold else None)


# --- reading a page --------------------------------------------------------------------------------

def load_labels(path: Path = LABELS) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return data


def page_bytes(label: dict[str, Any], corpora: Path = CORPORA) -> bytes:
    if label["corpus"] == "aeb":
        path = corpora / "article-extraction-benchmark" / "html" / label["file"]
    else:
        path = corpora / "trafilatura-eval" / "html" / f"{label['file']}.gz"
    return gzip.decompress(path.read_bytes())


def render(html: str, how: str) -> str:
    """The page as plain text, the way a saved or copied page arrives (two common converters)."""
    if how == "inscriptis":
        import inscriptis  # type: ignore[import-untyped]

        return str(inscriptis.get_text(html))
    import html_text

    return str(html_text.extract_text(html))


def read(label: dict[str, Any], how: str, corpora: Path = CORPORA) -> Document:
    raw = page_bytes(label, corpora)
    name = label["file"]
    url = label["url"] if label["url"].startswith("http") else None
    if how == "html":
        doc = read_html(raw, doc_id=name, source=name, url=url)
    else:
        doc = read_text(render(decode_html(raw, name), how), doc_id=name, source=name, url=url)
    return anatomy_pipeline()(doc)


# --- what the system predicts ----------------------------------------------------------------------

@dataclass
class Prediction:
    headline: str = ""
    byline: str = ""
    captions: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    comments: list[tuple[str, str | None, int | None]] = field(default_factory=list)  # text, author, parent
    body: str = ""
    published: str | None = None


def predict(doc: Document) -> Prediction:
    """The labelled fields as the document's layers and comments give them."""
    pred = Prediction(published=doc.published)
    text = doc.text
    heads = [text[la.start : la.end] for la in doc.layers if la.kind == "headline"]
    pred.headline = " ".join(heads[:1])  # the first headline run is the article's
    pred.byline = " ".join(la.author or text[la.start : la.end] for la in doc.layers if la.kind == "byline")
    pred.captions = [text[la.start : la.end] for la in doc.layers if la.kind == "caption"]
    pred.related = [text[la.start : la.end] for la in doc.layers if la.kind == "related"]
    pred.body = "\n".join(text[la.start : la.end] for la in doc.layers if la.kind == "body")
    if doc.comments:
        index = {c.id: i for i, c in enumerate(doc.comments)}
        pred.comments = [
            (text[c.start : c.end], c.author, index.get(c.parent) if c.parent is not None else None)
            for c in doc.comments
        ]
    else:  # comment layers without threads: one comment per run of layers with the same comment id
        runs: dict[object, list[str]] = {}
        for k, la in enumerate(doc.layers):
            if la.kind == "comment":
                runs.setdefault(la.comment if la.comment is not None else ("layer", k), []).append(
                    text[la.start : la.end]
                )
        pred.comments = [("\n".join(parts), None, None) for parts in runs.values()]
    return pred


# --- scoring one page ------------------------------------------------------------------------------

PR = tuple[float | None, float | None]


def match_comments(labels: Sequence[dict[str, Any]], texts: Sequence[str]) -> dict[int, int]:
    """Labelled comment index -> predicted comment index, in page order, one to one."""
    out: dict[int, int] = {}
    used: set[int] = set()
    heads = [squash(t)[:400] for t in texts]
    for i, lab in enumerate(labels):
        key = squash(lab["text_start"])[:25]
        for j, head in enumerate(heads):
            if j not in used and key and key in head:
                out[i] = j
                used.add(j)
                break
    return out


def score_page(label: dict[str, Any], pred: Prediction) -> dict[str, Any]:
    s: dict[str, Any] = {}
    s["headline"] = word_pr(label["headline"] or "", pred.headline)
    s["byline"] = word_pr(" ".join(label["byline"]), pred.byline, distinct=True)
    s["captions"] = item_pr(label["captions"], pred.captions)
    s["related"] = item_pr(label["related"], pred.related)
    gold = label["comments"]
    matched = match_comments(gold, [t for t, _, _ in pred.comments])
    s["comments"] = (
        len(matched) / len(pred.comments) if pred.comments else None,
        len(matched) / len(gold) if gold else None,
    )
    s["comment_count"] = (len(pred.comments) == len(gold)) if (gold or pred.comments) else None
    parents = [
        (gold[i]["parent"] is None and pred.comments[j][2] is None)
        or (gold[i]["parent"] is not None and matched.get(gold[i]["parent"]) == pred.comments[j][2])
        for i, j in matched.items()
    ]
    s["comment_parents"] = (sum(parents), len(parents))
    body = squash(pred.body)
    snippets = [squash(x) for x in label["not_body"]]
    s["leak"] = sum(x in body for x in snippets) / len(snippets) if snippets else None
    s["body_start"] = squash(label["body_start"]) in body if label["body_start"] else None
    s["body_end"] = squash(label["body_end"]) in body if label["body_end"] else None
    s["published"] = (pred.published or "")[:10] == label["published"] if label["published"] else None
    return s


# --- trafilatura, for comparison -------------------------------------------------------------------

def trafilatura_page(label: dict[str, Any], html: str) -> dict[str, Any]:
    import trafilatura
    from lxml import etree

    meta = trafilatura.extract_metadata(html)
    title = (meta.title or "") if meta is not None else ""
    date = (meta.date or "")[:10] if meta is not None else ""
    author = (meta.author or "") if meta is not None else ""
    xml = trafilatura.extract(html, include_comments=True, output_format="xml") or ""
    comments = ""
    if xml:
        root = etree.fromstring(xml.encode("utf-8"), etree.XMLParser(recover=True))
        if root is not None:
            comments = "\n".join(" ".join(el.itertext()) for el in root.iter("comments"))
    gold = label["comments"]
    body = squash(comments)
    found = sum(squash(c["text_start"])[:25] in body for c in gold)
    return {
        "headline": word_pr(label["headline"] or "", title),
        "byline": word_pr(" ".join(label["byline"]), author.replace(";", " "), distinct=True),
        "comments_recall": found / len(gold) if gold else None,
        "spurious": bool(comments.strip()) and not gold,
        "published": date == label["published"] if label["published"] else None,
    }


# --- aggregation -----------------------------------------------------------------------------------

def aggregate(pairs: Sequence[PR]) -> dict[str, float | int | None]:
    """Mean page precision (pages with a prediction), mean page recall (pages with a label), F1 of both."""
    ps = [p for p, _ in pairs if p is not None]
    rs = [r for _, r in pairs if r is not None]
    p = statistics.fmean(ps) if ps else None
    r = statistics.fmean(rs) if rs else None
    f = 2 * p * r / (p + r) if p is not None and r is not None and p + r > 0 else (0.0 if ps and rs else None)
    return {"p": p, "r": r, "f1": f, "n_pred": len(ps), "n_gold": len(rs)}


def share(values: Sequence[bool | float | None]) -> float | None:
    vs = [float(v) for v in values if v is not None]
    return statistics.fmean(vs) if vs else None


def summarise(scores: Sequence[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {k: aggregate([s[k] for s in scores]) for k in LAYERS}
    out["comment_count_acc"] = share([s["comment_count"] for s in scores])
    good = sum(s["comment_parents"][0] for s in scores)
    total = sum(s["comment_parents"][1] for s in scores)
    out["comment_parent_acc"] = good / total if total else None
    out["not_body_leak"] = share([s["leak"] for s in scores])
    out["body_start_found"] = share([s["body_start"] for s in scores])
    out["body_end_found"] = share([s["body_end"] for s in scores])
    out["published_acc"] = share([s["published"] for s in scores])
    return out


def fold_of(host: str) -> int:
    """A stable fold per host (crc32), so that a site never sits in two folds."""
    return zlib.crc32(host.encode("utf-8")) % FOLDS


def fold_figures(labels: Sequence[dict[str, Any]], scores: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Mean and spread (population sd) over the five host folds of each headline figure."""
    per_fold = [
        summarise([s for lab, s in zip(labels, scores, strict=True) if fold_of(lab["host"]) == k])
        for k in range(FOLDS)
    ]
    keys: list[tuple[str, Callable[[dict[str, Any]], float | None]]] = [
        (f"{k}_f1", lambda f, k=k: f[k]["f1"]) for k in LAYERS  # type: ignore[misc]
    ]
    keys += [(k, lambda f, k=k: f[k]) for k in ("comment_parent_acc", "not_body_leak")]  # type: ignore[misc]
    out: dict[str, Any] = {}
    for name, get in keys:
        vals = [v for v in (get(f) for f in per_fold) if v is not None]
        out[name] = {"mean": statistics.fmean(vals) if vals else None,
                     "sd": statistics.pstdev(vals) if len(vals) > 1 else None, "folds": len(vals)}
    return out


# --- report ----------------------------------------------------------------------------------------

def fmt(v: float | None) -> str:
    return "  -  " if v is None else f"{v:.3f}"


def print_table(results: dict[str, Any]) -> None:
    modes = [m for m in MODES if m in results]
    print(f"{'layer':<22}" + "".join(f"{m + ' P/R/F1':>27}" for m in modes) + f"{'5-fold F1 (html)':>20}")
    for k in LAYERS:
        row = f"{k:<22}"
        for m in modes:
            a = results[m]["all"][k]
            row += f"  {fmt(a['p'])} {fmt(a['r'])} {fmt(a['f1'])}"[:27].rjust(27)
        fo = results[modes[0]]["folds"][f"{k}_f1"]
        row += f"  {fmt(fo['mean'])} ± {fmt(fo['sd'])}"
        print(row)
    extra = ("comment_count_acc", "comment_parent_acc", "not_body_leak", "body_start_found", "body_end_found",
             "published_acc")
    for k in extra:
        print(f"{k:<22}" + "".join(f"{fmt(results[m]['all'][k]):>27}" for m in modes))
    if "trafilatura" in results:
        t = results["trafilatura"]
        print(f"\ntrafilatura 2.3.1 (HTML): title P/R/F1 {fmt(t['headline']['p'])} {fmt(t['headline']['r'])} "
              f"{fmt(t['headline']['f1'])}; author {fmt(t['byline']['p'])} {fmt(t['byline']['r'])} "
              f"{fmt(t['byline']['f1'])}; comment recall {fmt(t['comments_recall'])}; "
              f"pages with spurious comments {t['spurious']}; date accuracy {fmt(t['published_acc'])}")
        n = results["html"]["all"] if "html" in results else None
        if n is not None:
            print(f"newstrace (HTML) for the same: comment recall {fmt(n['comments']['r'])}; "
                  f"pages with spurious comments {results['html']['spurious']}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--labels", type=Path, default=LABELS, help="labels JSON")
    parser.add_argument("--corpora", type=Path, default=CORPORA, help="folder of the two corpora")
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES), help="inputs to score")
    parser.add_argument("--no-trafilatura", action="store_true", help="skip the trafilatura columns")
    parser.add_argument("--json", type=Path, help="write the figures (and with --pages, per-page details)")
    parser.add_argument("--pages", action="store_true", help="include per-page scores and predictions")
    args = parser.parse_args(argv)

    labels = load_labels(args.labels)
    results: dict[str, Any] = {}
    details: dict[str, list[dict[str, Any]]] = {}
    for how in args.modes:
        scores, rows = [], []
        for lab in labels:
            pred = predict(read(lab, how, args.corpora))
            s = score_page(lab, pred)
            scores.append(s)
            rows.append({"file": lab["file"], "host": lab["host"], "scores": s, "headline": pred.headline,
                         "byline": pred.byline, "n_comments": len(pred.comments),
                         "parents": [c[2] for c in pred.comments]})
        spurious = sum(1 for lab, s in zip(labels, scores, strict=True)
                       if not lab["comments"] and s["comments"][0] is not None)
        results[how] = {"all": summarise(scores), "folds": fold_figures(labels, scores), "spurious": spurious}
        details[how] = rows
        print(f"{how}: {len(labels)} pages scored", file=sys.stderr, flush=True)
    if not args.no_trafilatura:
        tr = [
            trafilatura_page(lab, decode_html(page_bytes(lab, args.corpora), lab["file"])) for lab in labels
        ]
        results["trafilatura"] = {
            "headline": aggregate([t["headline"] for t in tr]),
            "byline": aggregate([t["byline"] for t in tr]),
            "comments_recall": share([t["comments_recall"] for t in tr]),
            "spurious": sum(t["spurious"] for t in tr),
            "published_acc": share([t["published"] for t in tr]),
        }
    langs = Counter(lab["lang"] for lab in labels)
    print(f"{len(labels)} labelled pages, {len({lab['host'] for lab in labels})} hosts, "
          f"{sum(bool(lab['comments']) for lab in labels)} with comments, "
          f"{sum(bool(lab['related']) for lab in labels)} with related links; languages {dict(langs)}")
    print_table(results)
    if args.json:
        payload: dict[str, Any] = {"labels": str(args.labels.name), "pages": len(labels), "results": results}
        if args.pages:
            payload["details"] = details
        args.json.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
