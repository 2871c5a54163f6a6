"""HTML main-text extraction: newstrace against trafilatura, scored side by side in one run.

Every extractor runs in this one process, pinned to one CPU core, on the same decompressed pages, and
is scored by the project's own scorer (``../shared/tools/extraction_eval.py``: the benchmark's shingle
P/R/F1 and exact-match accuracy), so the quality and speed columns compare like with like. Passes are
interleaved (newstrace, trafilatura, trafilatura again, then the next pass) so that a busy machine
slows every extractor alike.

    .venv/bin/python benchmarks/extraction.py             # all 181 pages, 3 timed passes
    .venv/bin/python benchmarks/extraction.py --repeat 5 --worst 10 \
        --data-dir ../shared/data/article-extraction-benchmark --tools-dir ../shared/tools
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from scorers import CORPORA, DEFAULT_TOOLS, load_scorer, pin_one_core

from newstrace.ingest.html import extract_main_text

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = CORPORA / "article-extraction-benchmark"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA, help="benchmark data folder")
    parser.add_argument("--tools-dir", type=Path, default=DEFAULT_TOOLS, help="folder of extraction_eval.py")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes per extractor (default 3)")
    parser.add_argument("--limit", type=int, help="only the first N pages (sorted by id)")
    parser.add_argument("--cpu", type=int, help="CPU core to pin to (default: the last allowed one)")
    parser.add_argument("--no-fast", action="store_true", help="skip trafilatura fast=True")
    parser.add_argument("--worst", type=int, default=0, help="list the K lowest page-F1 pages per extractor")
    parser.add_argument("--bootstrap", type=int, default=1000, help="bootstrap rounds for the ± (0 = off)")
    parser.add_argument("--json-out", type=Path, help="write the reports as JSON")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be >= 1")

    ee = load_scorer(args.tools_dir, "extraction_eval")
    ee.block_network()
    where = pin_one_core(args.cpu)
    pages = ee.load_pages(args.data_dir, args.limit)
    print(f"{len(pages)} pages from {args.data_dir}; {where}; {args.repeat} interleaved passes", flush=True)

    extractors: list[tuple[str, Callable[..., Any], str]] = [
        ("newstrace", extract_main_text, "newstrace.ingest.html.extract_main_text"),
        ("trafilatura", ee.ex_trafilatura, "include_comments=False"),
        ("trafilatura_precision", ee.ex_trafilatura_precision, "favor_precision=True"),
    ]
    if not args.no_fast:
        extractors.append(("trafilatura_fast", ee.ex_trafilatura_fast, "fast=True"))
    version = {"newstrace": ee._dist_version(["newstrace"]), "trafilatura": ee._dist_version(["trafilatura"])}

    runs: dict[str, Any] = {}
    for pass_no in range(args.repeat):
        for label, func, _ in extractors:
            # one pass each, in turn; the scorer times only the extractor calls
            run = ee.run_extractor(label, "", func, pages, 1, pass_no == 0, False)
            if label not in runs:
                runs[label] = run
            else:
                runs[label].total_seconds += run.total_seconds
                runs[label].cpu_seconds += run.cpu_seconds
                runs[label].passes += 1

    reports: list[dict[str, Any]] = []
    scores: dict[str, list[Any]] = {}
    for label, _, note in extractors:
        run = runs[label]
        ver = version["newstrace" if label == "newstrace" else "trafilatura"]
        report, page_scores = ee.build_report(label, ver, pages, run.outputs, args.bootstrap, 0, run)
        report["note"] = note
        reports.append(report)
        scores[label] = page_scores

    print()
    ee.print_table(reports)
    print()
    base = next(r for r in reports if r["extractor"] == "trafilatura")
    # pages per CPU second too: on a shared machine wall time also counts other processes' turns
    for r in reports:
        r["pages_per_cpu_second"] = r["pages"] * r["passes"] / r["cpu_seconds"] if r["cpu_seconds"] else 0.0
    print(
        f"{'extractor':<22} {'F1':>6} {'P':>6} {'R':>6} {'acc':>6} {'pages/s':>8} {'pages/cpu-s':>11} "
        f"{'speed vs trafilatura':>21}"
    )
    for r in reports:
        ratio = r["pages_per_second"] / base["pages_per_second"]
        print(
            f"{r['extractor']:<22} {r['f1']:6.3f} {r['precision']:6.3f} {r['recall']:6.3f} "
            f"{r['accuracy']:6.3f} {r['pages_per_second']:8.1f} {r['pages_per_cpu_second']:11.1f} "
            f"{ratio:20.2f}x"
        )
    nt = reports[0]
    print(
        f"\nnewstrace/trafilatura speed ratio: {nt['pages_per_second'] / base['pages_per_second']:.2f} wall, "
        f"{nt['pages_per_cpu_second'] / base['pages_per_cpu_second']:.2f} cpu "
        f"(F1 {nt['f1']:.3f} vs {base['f1']:.3f})"
    )
    if args.worst:
        url_of = {p.page_id: p.url for p in pages}
        for label, page_scores in scores.items():
            print(f"\nworst {args.worst} pages for {label}:")
            for s in sorted(page_scores, key=lambda s: s.f1)[: args.worst]:
                print(
                    f"  f1={s.f1:.3f} pred_tok={s.pred_tokens:<6} gold_tok={s.gold_tokens:<6} "
                    f"{s.page_id[:12]} {url_of.get(s.page_id) or ''}"
                )
    if args.json_out:
        args.json_out.write_text(json.dumps(reports, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
