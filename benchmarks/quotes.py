"""Benchmark: direct quotes and their speakers on PolNeAR, newstrace against textacy, plus a scale test.

    .venv/bin/python benchmarks/quotes.py                      # train and dev, both systems, a table
    .venv/bin/python benchmarks/quotes.py --split dev --errors 20
    .venv/bin/python benchmarks/quotes.py --scale              # time quote extraction alone on big inputs

Every number is computed by the shared scorer (``../shared/tools/polnear_eval.py``), imported, so the
figures here are the ones its own command line would print. Both systems see the same spaCy parses of
the same normalised texts: the comparison is about quote finding and speaker resolution, not parsing.
Parses are cached (``--cache``) because they cost ~95 % of the run time.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newstrace.analysis import nlp  # noqa: E402
from newstrace.ingest.text import read_text  # noqa: E402
from newstrace.model import Document, Layer  # noqa: E402
from newstrace.pipeline import Pipeline, Stage, stage  # noqa: E402

DEFAULT_TOOLS = ROOT.parent / "shared" / "tools"
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "polnear"


def load_scorer(tools: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("polnear_eval", tools / "polnear_eval.py")
    if spec is None or spec.loader is None:
        sys.exit(f"cannot load {tools / 'polnear_eval.py'}")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["polnear_eval"] = mod  # dataclasses look their module up by name
    spec.loader.exec_module(mod)
    return mod


# ------------------------------------------------------------------------------------------ pipeline


@stage("layers", needs={"text"}, adds={"layers", "comments", "credits"})
def _whole_body(doc: Document) -> Document:
    """Stand-in anatomy while the credits/layers stages are not importable: the page is one body."""
    return doc.with_annotations("layers", layers=(Layer("body", 0, len(doc.text)),))


def quote_stages(entities: bool = True) -> tuple[list[Stage], list[str]]:
    """The stages after ``parse``: the project's default pipeline when it has quotes, else composed here."""
    from newstrace.analysis.quotes import attribute_quotes

    notes: list[str] = []
    try:
        from newstrace.analyze import default_pipeline

        dp = list(default_pipeline().stages)
    except ImportError as e:
        dp = []
        notes.append(f"default pipeline not importable ({e}); page anatomy replaced by one body layer")
    names = [s.name for s in dp]
    if "quotes" in names:
        return [s for s in dp if s.name != "parse" and (entities or s.name != "entities")], notes
    stages: list[Stage] = []
    if entities:
        try:
            from newstrace.analysis.entities import find_entities

            stages.append(find_entities)
        except ImportError:
            notes.append("entities stage not importable: speakers resolved from the parse alone")
    stages += [s for s in dp if s.name not in {"parse", "entities"}] or [_whole_body]
    stages.append(attribute_quotes)
    return stages, notes


def parse_all(texts: list[str], cache: Path | None) -> list[Any]:
    """spaCy parses of ``texts`` (the parse stage's own model and chunking), cached as a DocBin."""
    from spacy.tokens import DocBin

    model = nlp.load_model()
    key = hashlib.sha1(("\0".join(texts) + nlp.MODEL + model.meta.get("version", "")).encode()).hexdigest()
    path = cache / f"parses-{key[:16]}.spacy" if cache else None
    if path is not None and path.exists():
        return list(DocBin().from_disk(path).get_docs(model.vocab))
    short = [t for t in texts if len(t) <= nlp.CHUNK_CHARS]
    piped = iter(model.pipe(short, batch_size=16))
    docs = [next(piped) if len(t) <= nlp.CHUNK_CHARS else nlp.parse_text(t) for t in texts]
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = DocBin(
            attrs=[
                "ORTH",
                "LEMMA",
                "TAG",
                "POS",
                "MORPH",
                "HEAD",
                "DEP",
                "ENT_IOB",
                "ENT_TYPE",
                "SENT_START",
            ],
            store_user_data=False,
        )
        for d in docs:
            db.add(d)
        db.to_disk(path)
    return docs


# ------------------------------------------------------------------------------------------- systems


def newstrace_predictions(
    docs: list[Document], stages: list[Stage]
) -> tuple[dict[str, dict[str, Any]], float]:
    """Prediction objects in file coordinates (offsets mapped back through the normaliser's map)."""
    pipe = Pipeline(stages, provided={"text", "blocks", "parse"})
    out: dict[str, dict[str, Any]] = {}
    t0 = time.perf_counter()
    for d in docs:
        r = pipe(d)
        qs = []
        for q in r.quotes:
            s, e = r.offsets.span_to_original(q.start, q.end)
            qs.append({"start": s, "end": e, "speaker": q.speaker, "cue": q.cue})
        out[d.id] = {"id": d.id, "quotes": qs}
    return out, time.perf_counter() - t0


def textacy_quotes(sdoc: Any) -> list[tuple[int, int, str, str]]:
    """textacy's direct quotations; on its odd-quote-count error, retried paragraph by paragraph."""
    from textacy.extract.triples import direct_quotations

    def run(d: Any, base: int) -> list[tuple[int, int, str, str]]:
        res = []
        for sp, cue, content in direct_quotations(d):
            speaker = " ".join(t.text for t in sp)
            res.append(
                (base + content.start_char, base + content.end_char, speaker, " ".join(t.text for t in cue))
            )
        return res

    try:
        return run(sdoc, 0)
    except ValueError:
        pass
    out = []
    for m in re.finditer(r"[^\n]+", sdoc.text):
        span = sdoc.char_span(m.start(), m.end(), alignment_mode="expand")
        if span is None or not span.text.strip():
            continue
        try:
            out += run(span.as_doc(), span.start_char)
        except ValueError:
            continue
    return out


def textacy_predictions(docs: list[Document]) -> tuple[dict[str, dict[str, Any]], float]:
    out: dict[str, dict[str, Any]] = {}
    t0 = time.perf_counter()
    for d in docs:
        qs = []
        for s, e, sp, cue in textacy_quotes(d.parse):
            a, b = d.offsets.span_to_original(s, e)
            qs.append({"start": a, "end": b, "speaker": sp, "cue": cue})
        out[d.id] = {"id": d.id, "quotes": qs}
    return out, time.perf_counter() - t0


# ------------------------------------------------------------------------------------------ scoring


def score(
    pe: ModuleType, gold: list[Any], preds: dict[str, dict[str, Any]], errors: bool
) -> tuple[dict, list]:
    scores, _all, _mm = pe.evaluate(gold, preds, keep_errors=errors)
    return pe.totals(scores), scores


ROWS: list[tuple[str, Callable[[dict[str, Any]], float]]] = [
    ("overlap P", lambda r: r["overlap"][0]),
    ("overlap R", lambda r: r["overlap"][1]),
    ("overlap F1", lambda r: r["overlap"][2]),
    ("exact F1", lambda r: r["exact"][2]),
    ("named-speaker accuracy", lambda r: r["speaker_acc"]),
    ("strict P", lambda r: r["strict"][0]),
    ("strict R", lambda r: r["strict"][1]),
    ("strict F1", lambda r: r["strict"][2]),
]


def print_table(
    results: dict[tuple[str, str], dict[str, Any]], splits: list[str], systems: list[str]
) -> None:
    cols = [(sp, sy) for sp in splits for sy in systems]
    print()
    print(f"{'':<24}" + "".join(f"{sp + ' ' + sy:>20}" for sp, sy in cols))
    for name, get in ROWS:
        print(f"{name:<24}" + "".join(f"{get(results[c]):>20.3f}" for c in cols))
    print(f"{'quotes predicted':<24}" + "".join(f"{results[c]['counts']['preds']:>20d}" for c in cols))
    print(f"{'seconds after parse':<24}" + "".join(f"{results[c]['seconds']:>20.1f}" for c in cols))
    print()


def print_errors(scores: Iterable[Any], n: int) -> None:
    by_kind: dict[str, list[tuple[str, str, str]]] = {}
    for d in scores:
        for k, txt, det in d.errors:
            by_kind.setdefault(k, []).append((d.stem, txt, str(det)))
    for k, rows in sorted(by_kind.items()):
        print(f"  newstrace {k} ({len(rows)}):")
        for stem, txt, det in rows[:n]:
            print(f"    {stem[:34]}: {txt[:120]!r}\n        -> {det[:160]}")
    print()


def load_split(pe: ModuleType, data: Path, split: str, limit: int | None) -> tuple[list[Any], list[Document]]:
    gold = pe.load_split(data / split, limit)
    tdir = data / split / "text"
    docs = []
    for g in gold:
        path = tdir / f"{g.stem}.txt"
        docs.append(read_text(path.read_text(encoding="utf-8"), doc_id=g.stem, source=str(path)))
    return gold, docs


def run_polnear(a: argparse.Namespace) -> int:
    pe = load_scorer(a.tools_dir)
    stages, notes = quote_stages(not a.no_entities)
    for n in notes:
        print(f"note: {n}")
    print("newstrace stages after parse: " + " -> ".join(s.name for s in stages))
    cache = None if a.no_cache else a.cache
    splits = [a.split] if a.split else ["train", "dev"]
    systems = ["newstrace"] + ([] if a.no_textacy else ["textacy"])
    results: dict[tuple[str, str], dict[str, Any]] = {}
    for split in splits:
        gold, docs = load_split(pe, a.data_dir, split, a.limit)
        t0 = time.perf_counter()
        parses = parse_all([d.text for d in docs], cache)
        docs = [replace(d, parse=p) for d, p in zip(docs, parses, strict=True)]
        print(f"{split}: {len(docs)} docs parsed/loaded in {time.perf_counter() - t0:.1f} s")
        preds, secs = newstrace_predictions(docs, stages)
        res, scores = score(pe, gold, preds, a.errors > 0)
        results[(split, "newstrace")] = res | {"seconds": secs}
        if a.errors:
            print(f"--- {split} errors")
            print_errors(scores, a.errors)
        if "textacy" in systems:
            tpreds, tsecs = textacy_predictions(docs)
            tres, _ = score(pe, gold, tpreds, False)
            results[(split, "textacy")] = tres | {"seconds": tsecs}
        print(f"{split} newstrace: {pe.final_line(res, pe.gold_stats(gold))}")
    print_table(results, splits, systems)
    return 0


# --------------------------------------------------------------------------------------------- scale


def synthetic(kind: str, size: int) -> str:
    """Generated pages: ``marks`` = ``size`` quotation marks (nested, single, a few unbalanced);
    ``mb`` = about ``size`` bytes of news-like paragraphs with attributed quotes and apostrophes."""
    if kind == "marks":
        unit = 'She said "a" and ‘b’ then "c ‘d’ e" again.\n'  # 8 marks
        return unit * (size // 8 - 1) + '“ open " ” ’ ‘ " ‘ ”\n'  # the last 8 do not pair up
    para = (
        "“We will not stop until the work is done,” Mayor Jane Doe said on Monday. “It is not easy.”\n\n"
        "The council, according to a spokesman, called the plan ‘reckless’ and said it would respond.\n\n"
        'He added: "Nobody asked us. They don\'t listen, and the ’80s are over."\n\n'
    )
    return para * (size // len(para.encode()) + 1)


def run_scale(a: argparse.Namespace) -> int:
    """Quote extraction alone (the parse is timed apart) on growing inputs: seconds per MB stay flat."""
    from newstrace.analysis.quotes import attribute_quotes

    blank = None
    if a.scale_parser == "blank":
        import spacy

        blank = spacy.blank("en")
        blank.add_pipe("sentencizer")
        blank.max_length = 10**8
    print(f"parser: {a.scale_parser}")
    head = ["chars", "marks", "quotes", "parse s", "quotes s", "quotes s/MB"]
    print(f"{'input':<14}" + "".join(f"{h:>{w}}" for h, w in zip(head, [11, 9, 9, 10, 10, 13], strict=True)))
    cases = [("marks", n) for n in (1_000, 10_000, 100_000)]
    cases += [("mb", int(mb * 1_000_000)) for mb in (0.5, 1, 2, 5)]
    for kind, n in cases:
        text = synthetic(kind, n)
        doc = read_text(text, doc_id=f"{kind}{n}", source="synthetic")
        t0 = time.perf_counter()
        doc = nlp.parse(doc) if blank is None else doc.with_annotations("parse", parse=blank(doc.text))
        doc = _whole_body(doc)
        t1 = time.perf_counter()
        out = attribute_quotes(doc)
        t2 = time.perf_counter()
        marks = sum(doc.text.count(c) for c in "\"“”‘’'")
        mb = len(doc.text.encode()) / 1e6
        label = f"{n:,} marks" if kind == "marks" else f"{n / 1e6:g} MB"
        print(
            f"{label:<14}{len(doc.text):>11,}{marks:>9,}{len(out.quotes):>9,}{t1 - t0:>10.1f}{t2 - t1:>10.2f}"
            f"{(t2 - t1) / mb:>13.2f}"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA, help="PolNeAR folder with train/ and dev/")
    ap.add_argument("--tools-dir", type=Path, default=DEFAULT_TOOLS, help="folder with polnear_eval.py")
    ap.add_argument("--split", choices=["train", "dev"], help="one split only (default: both)")
    ap.add_argument("--limit", type=int, help="first N documents of each split")
    ap.add_argument("--errors", type=int, default=0, help="print up to N newstrace errors of each kind")
    ap.add_argument("--no-textacy", action="store_true", help="skip the textacy peer")
    ap.add_argument("--no-entities", action="store_true", help="leave the entities stage out")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "newstrace-bench-cache")
    ap.add_argument("--no-cache", action="store_true", help="parse again, keep nothing")
    ap.add_argument("--scale", action="store_true", help="time quote extraction on synthetic large inputs")
    ap.add_argument(
        "--scale-parser",
        choices=["model", "blank"],
        default="model",
        help="parse the scale inputs with the English model (default) or a bare tokenizer (fast)",
    )
    a = ap.parse_args(argv)
    return run_scale(a) if a.scale else run_polnear(a)


if __name__ == "__main__":
    sys.exit(main())
