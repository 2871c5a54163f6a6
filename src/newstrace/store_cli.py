"""``newstrace copy-store SRC DST``: move a corpus between backends (SQLite file, PostgreSQL server)."""

from __future__ import annotations

import argparse
import sys
import time

from .store import is_postgres
from .store.copy import copy_store

EXAMPLES = """examples:
  newstrace copy-store newstrace.db postgresql://me@db.example.org/news
  newstrace copy-store postgresql://me@localhost/news backup.db
"""


def cmd_copy_store(args: argparse.Namespace) -> int:
    from pathlib import Path

    if not is_postgres(args.src) and not Path(args.src).exists():
        sys.stderr.write(f"newstrace: {args.src}: no such store\n")
        return 2
    started = time.monotonic()
    last = [0.0]

    def progress(table: str, rows: int) -> None:
        now = time.monotonic()
        if not args.quiet and now - last[0] > 1.0:
            last[0] = now
            sys.stderr.write(f"\rnewstrace: copying {table}: {rows} rows")
            sys.stderr.flush()

    counts = copy_store(args.src, args.dst, progress)
    if not args.quiet:
        sys.stderr.write("\r")
        rows = ", ".join(f"{n} {t}" for t, n in counts.items() if n)
        print(f"newstrace: copied {rows} in {time.monotonic() - started:.1f} s")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    c = sub.add_parser(
        "copy-store",
        help="copy a store into a new one, across backends (SQLite <-> PostgreSQL), without loss",
        description="Copy every document, revision, passage, error and story of SRC into DST, which "
        "must be a new (empty) store. SRC and DST are each a SQLite file or a postgresql:// URL. "
        "Exit code 0: copied; 2: a store could not be opened, or DST is not empty.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    c.add_argument("src", metavar="SRC", help="the store to copy (read only)")
    c.add_argument("dst", metavar="DST", help="the new store (created; refused when it holds documents)")
    c.add_argument("--quiet", action="store_true", help="no progress, no summary")
    c.set_defaults(func=cmd_copy_store)
