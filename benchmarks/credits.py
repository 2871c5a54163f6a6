"""Credited wire agencies on PolNeAR (train + dev): does newstrace find who a publisher credited?

PolNeAR's ``metadata.tsv`` records, per article, the wire agency the publisher credited (``wire``: AP,
UPI, Reuters, AFP; None/NA/empty = none). newstrace reads each article's text, runs the credits stage,
and takes the set of credited outlets of kind ``agency`` (photo credits excluded: they credit a picture,
not the article). Document-level scoring: a predicted agency that matches the gold one is a true
positive; a prediction on an article without gold wire is a false positive; a wrong agency counts as
one false positive and one false negative. A gold value of literally "wire" names no agency: those
articles are reported apart and left out of the scores. The test split is never read.

    .venv/bin/python benchmarks/credits.py [--data-dir ../shared/data/polnear] [--errors]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from newstrace.analysis.credits import find_credits, is_photo_credit
from newstrace.analysis.outlets import registry
from newstrace.ingest.text import read_text

SPLITS = ("train", "dev")
DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "polnear"
_NONE = {"", "none", "na", "n/a", "null"}


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    docs: int = 0
    positives: int = 0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.docs += other.docs
        self.positives += other.positives

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Error:
    split: str
    filename: str
    gold: str | None
    predicted: list[str]
    evidence: list[str] = field(default_factory=list)


def gold_wire(value: str) -> str | None:
    """Registry id for a metadata ``wire`` value; None for no wire, "?" for the unspecific "wire"."""
    v = value.strip()
    if v.lower() in _NONE:
        return None
    if v.lower() == "wire":
        return "?"
    outlet = registry().lookup(v) or registry().lookup(v.capitalize())
    if outlet is None:
        raise SystemExit(f"unknown wire value in metadata: {value!r}")
    return outlet.id


def predict(text: str, doc_id: str, source: str) -> tuple[list[str], list[str]]:
    """The agencies credited on a page and the credit texts that say so."""
    doc = find_credits(read_text(text, doc_id=doc_id, source=source))
    reg = registry()
    agencies: dict[str, None] = {}
    evidence: list[str] = []
    for c in doc.credits:
        outlet = reg.get(c.outlet)
        span = doc.text[c.start:c.end]
        if outlet is None or not outlet.is_agency or is_photo_credit(span):
            continue
        agencies.setdefault(c.outlet, None)
        evidence.append(f"{c.outlet}: {span}")
    return list(agencies), evidence


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA, help="PolNeAR folder (with metadata.tsv)")
    ap.add_argument("--errors", action="store_true", help="list every wrong document with its evidence")
    ap.add_argument("--splits", nargs="+", default=list(SPLITS), choices=SPLITS)
    args = ap.parse_args(argv)

    meta = args.data_dir / "metadata.tsv"
    if not meta.is_file():
        print(f"error: {meta} not found (give --data-dir)", file=sys.stderr)
        return 2
    with meta.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t") if r["compartment"] in args.splits]

    scores = {s: Score() for s in args.splits}
    errors: list[Error] = []
    unknown: list[tuple[str, list[str]]] = []
    t0 = time.perf_counter()
    chars = 0
    for row in rows:
        split, name = row["compartment"], row["filename"]
        path = args.data_dir / split / "text" / f"{name}.txt"
        text = path.read_text(encoding="utf-8")
        chars += len(text)
        gold = gold_wire(row.get("wire") or "")
        pred, evidence = predict(text, doc_id=name, source=str(path))
        if gold == "?":
            unknown.append((name, pred))
            continue
        sc = scores[split]
        sc.docs += 1
        sc.positives += gold is not None
        tp = int(gold is not None and gold in pred)
        fp = len([p for p in pred if p != gold])
        fn = int(gold is not None and not tp)
        sc.tp, sc.fp, sc.fn = sc.tp + tp, sc.fp + fp, sc.fn + fn
        if fp or fn:
            errors.append(Error(split, name, gold, pred, evidence))
    elapsed = time.perf_counter() - t0

    total = Score()
    print(f"{'split':<8}{'docs':>6}{'gold':>6}{'TP':>5}{'FP':>5}{'FN':>5}{'P':>8}{'R':>8}{'F1':>8}")
    for name, sc in [*scores.items(), ("all", total)]:
        if name != "all":
            total.add(sc)
        print(f"{name:<8}{sc.docs:>6}{sc.positives:>6}{sc.tp:>5}{sc.fp:>5}{sc.fn:>5}"
              f"{sc.precision:>8.3f}{sc.recall:>8.3f}{sc.f1:>8.3f}")
    print(f"{len(rows)} documents, {chars / 1e6:.2f} M characters in {elapsed:.2f} s")
    if unknown:
        print(f"{len(unknown)} documents with gold 'wire' (agency unknown), not scored; predicted: "
              + ", ".join(f"{n}={'/'.join(p) or '-'}" for n, p in unknown))
    if args.errors:
        print(f"\n{len(errors)} documents with errors:")
        for e in errors:
            predicted = ",".join(e.predicted) or "-"
            print(f"- [{e.split}] {e.filename}  gold={e.gold or '-'}  predicted={predicted}")
            for ev in e.evidence[:5]:
                print(f"    {ev[:160]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
