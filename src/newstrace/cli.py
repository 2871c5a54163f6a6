"""The ``newstrace`` command (DESIGN.md §3). Thin: parses arguments, calls the library, prints."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from . import __version__
from .errors import InputError
from .ingest import FORMATS, read_paths
from .render import render_document, safe
from .run import analyze_stream
from .run.local import default_workers


def _error(msg: str) -> None:
    print(f"newstrace: error: {safe(msg)}", file=sys.stderr)


def cmd_analyze(args: argparse.Namespace) -> int:
    if args.workers == 0:
        args.workers = default_workers()
    failures = 0
    done = 0
    first = True
    for doc in analyze_stream(read_paths(args.paths, args.format), args.workers):
        if isinstance(doc, InputError):
            _error(str(doc))
            failures += 1
            continue
        done += 1
        if args.json:
            sys.stdout.write(json.dumps(doc.to_json(), ensure_ascii=False) + "\n")
        else:
            if not first:
                print()
            print(render_document(doc))
        first = False
        sys.stdout.flush()
    if failures and (done or failures > 1):
        print(f"newstrace: {done} analysed, {failures} failed", file=sys.stderr)
    return 1 if failures else 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newstrace", description=__doc__)
    p.add_argument("--version", action="version", version=f"newstrace {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    a = sub.add_parser("analyze", help="take pages apart: layers, credits, comments")
    a.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or glob patterns")
    a.add_argument("--json", action="store_true", help="one newstrace.document/1 JSON object per line")
    a.add_argument("--format", choices=FORMATS, default="auto")
    a.add_argument("--workers", type=int, default=1, metavar="N",
                   help="analyse in N worker processes (0 = one per core)")
    a.set_defaults(func=cmd_analyze)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
