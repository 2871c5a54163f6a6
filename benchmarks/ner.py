"""Entity mentions against CoNLL-2003 (dev), and what the entities + dates stages cost next to spaCy.

1. Accuracy. CoNLL-2003 English dev (``valid.txt`` = eng.testa, Reuters 1996; the test split is never
   read). Each document's tokens are joined with single spaces, sentences with newlines, and parsed once.
   Scored with the conlleval definition: entity-level micro precision/recall/F1, a mention counting only
   with its exact span and type. Two systems on the same parse:
   - ``spacy``: the bare statistical NER of the small English model (PERSON -> PER, ORG -> ORG,
     GPE/LOC/FAC -> LOC, NORP/EVENT/PRODUCT/WORK_OF_ART/LAW/LANGUAGE -> MISC);
   - ``newstrace``: the name mentions of the entities stage (title mentions such as "the president" are
     not names and are left out): person -> PER, organization -> ORG, place -> LOC, group -> MISC.
   newstrace keeps no MISC but nationality nouns, so scores are also given over PER/ORG/LOC alone. Both
   rest on ``en_core_web_sm``, whose own NER is the bound (published sm NER F1 on OntoNotes: ~0.85).
2. Cost. On the PolNeAR dev texts (84 US news articles, ``published`` from the file name), the time of the
   spaCy parse and of the entities and dates stages, each summed over the corpus after one warm-up
   document (table loading is reported apart), and their ratio.

    .venv/bin/python benchmarks/ner.py [--conll ../shared/data/conll2003-en/valid.txt]
                                       [--polnear ../shared/data/polnear/dev/text] [--limit N]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from newstrace.analysis.dates import find_dates
from newstrace.analysis.entities import find_entities, is_title_mention
from newstrace.analysis.nlp import load_model, parse
from newstrace.model import Document

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
SPACY_MAP = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "EVENT": "MISC",
    "PRODUCT": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "LANGUAGE": "MISC",
}
OURS_MAP = {"person": "PER", "organization": "ORG", "place": "LOC", "group": "MISC"}
TYPES = ("PER", "ORG", "LOC", "MISC")

Span = tuple[int, int, str]


def conll_docs(path: Path) -> Iterator[tuple[str, set[Span]]]:
    """(text, gold spans) per document of a CoNLL-2003 file (IOB2 tags in the last column)."""
    sentences: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []

    def flush_doc() -> tuple[str, set[Span]] | None:
        if not sentences:
            return None
        parts: list[str] = []
        gold: set[Span] = set()
        pos = 0
        for sent in sentences:
            if parts:
                parts.append("\n")
                pos += 1
            open_: tuple[int, str] | None = None
            last_end = pos
            for i, (tok, tag) in enumerate(sent):
                if i:
                    parts.append(" ")
                    pos += 1
                start, end = pos, pos + len(tok)
                if open_ is not None and not (tag.startswith("I-") and tag[2:] == open_[1]):
                    gold.add((open_[0], last_end, open_[1]))
                    open_ = None
                if tag.startswith("B-") or (tag.startswith("I-") and open_ is None):
                    open_ = (start, tag[2:])
                parts.append(tok)
                pos = end
                last_end = end
            if open_ is not None:
                gold.add((open_[0], last_end, open_[1]))
        sentences.clear()
        return "".join(parts), gold

    with path.open(encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("-DOCSTART-"):
                if current:
                    sentences.append(current)
                    current = []
                doc = flush_doc()
                if doc is not None:
                    yield doc
                continue
            if not line.strip():
                if current:
                    sentences.append(current)
                    current = []
                continue
            cols = line.split()
            current.append((cols[0], cols[-1]))
    if current:
        sentences.append(current)
    doc = flush_doc()
    if doc is not None:
        yield doc


class Score:
    def __init__(self) -> None:
        self.tp: Counter[str] = Counter()
        self.fp: Counter[str] = Counter()
        self.fn: Counter[str] = Counter()

    def add(self, gold: set[Span], pred: set[Span]) -> None:
        for s in pred & gold:
            self.tp[s[2]] += 1
        for s in pred - gold:
            self.fp[s[2]] += 1
        for s in gold - pred:
            self.fn[s[2]] += 1

    def prf(self, types: Iterable[str]) -> tuple[float, float, float, int]:
        ts = list(types)
        tp = sum(self.tp[t] for t in ts)
        fp = sum(self.fp[t] for t in ts)
        fn = sum(self.fn[t] for t in ts)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f, tp + fn


def run_conll(path: Path, limit: int | None) -> None:
    systems = {"spacy": Score(), "newstrace": Score()}
    n = 0
    t0 = time.perf_counter()
    for text, gold in conll_docs(path):
        if limit is not None and n >= limit:
            break
        n += 1
        doc = find_entities(parse(Document(id=str(n), text=text, annotated=frozenset({"text", "blocks"}))))
        bare = {
            (e.start_char, e.end_char, SPACY_MAP[e.label_]) for e in doc.parse.ents if e.label_ in SPACY_MAP
        }
        ours: set[Span] = set()
        for ent in doc.entities:
            for m in ent.mentions:
                if not is_title_mention(text[m.start : m.end]):
                    ours.add((m.start, m.end, OURS_MAP[ent.type]))
        systems["spacy"].add(gold, bare)
        systems["newstrace"].add(gold, ours)
    print(f"CoNLL-2003 dev ({path.name}): {n} documents, {time.perf_counter() - t0:.1f} s")
    print(f"{'system':<10} {'types':<12} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6}")
    for name, sc in systems.items():
        for label, types in (("all", TYPES), ("PER/ORG/LOC", TYPES[:3]), *((t, (t,)) for t in TYPES)):
            p, r, f, g = sc.prf(types)
            print(f"{name:<10} {label:<12} {p:6.3f} {r:6.3f} {f:6.3f} {g:6d}")


_DATE_IN_NAME = re.compile(r"_(\d{4}-\d{2}-\d{2})_")


def run_cost(folder: Path, limit: int | None) -> None:
    files = sorted(folder.glob("*.txt"))[: limit or None]
    if not files:
        print(f"no texts in {folder}", file=sys.stderr)
        return
    load_model()
    t0 = time.perf_counter()
    warm = parse(
        Document(id="warm", text=files[0].read_text(encoding="utf-8"), annotated=frozenset({"text"}))
    )
    t1 = time.perf_counter()
    find_dates(find_entities(warm))
    try:  # dateparser compiles its patterns on first use
        import dateparser  # type: ignore[import-untyped,unused-ignore]

        dateparser.parse("14 March 2016", languages=["en"])
    except ImportError:
        pass
    t2 = time.perf_counter()
    t_parse = t_ent = t_dates = 0.0
    n_ent = n_dates = chars = 0
    for f in files:
        text = f.read_text(encoding="utf-8")
        m = _DATE_IN_NAME.search(f.name)
        doc = Document(
            id=f.stem,
            text=text,
            published=m.group(1) if m else None,
            annotated=frozenset({"text", "blocks", "credits"}),
        )
        a = time.perf_counter()
        doc = parse(doc)
        b = time.perf_counter()
        doc = find_entities(doc)
        c = time.perf_counter()
        doc = find_dates(doc)
        d = time.perf_counter()
        t_parse += b - a
        t_ent += c - b
        t_dates += d - c
        n_ent += len(doc.entities)
        n_dates += len(doc.dates)
        chars += len(text)
    print()
    print(f"PolNeAR dev: {len(files)} texts, {chars} characters, {n_ent} entities, {n_dates} dates")
    print(f"one-time: first parse {t1 - t0:.2f} s, tables + matcher + dateparser import {t2 - t1:.2f} s")
    print(f"{'step':<18} {'seconds':>8} {'x parse':>8}")
    for name, t in (("spaCy parse", t_parse), ("entities", t_ent), ("dates", t_dates)):
        print(f"{name:<18} {t:8.3f} {t / t_parse:8.3f}")
    print(f"{'entities + dates':<18} {t_ent + t_dates:8.3f} {(t_ent + t_dates) / t_parse:8.3f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--conll", type=Path, default=SHARED / "conll2003-en" / "valid.txt")
    ap.add_argument("--polnear", type=Path, default=SHARED / "polnear" / "dev" / "text")
    ap.add_argument("--limit", type=int, default=None, help="only the first N documents of each set")
    ap.add_argument("--skip-conll", action="store_true")
    args = ap.parse_args(argv)
    if "test" in args.conll.name:
        print("the CoNLL test split is withheld: tune and report on dev only", file=sys.stderr)
        return 2
    if not args.skip_conll:
        run_conll(args.conll, args.limit)
    run_cost(args.polnear, args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
