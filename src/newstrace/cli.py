"""The ``newstrace`` command. Thin: parses arguments, calls the library, prints."""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from . import __version__
from .errors import InputError, StoreError
from .ingest import FORMATS, read_paths
from .render import render_document, safe
from .run import analyze_stream
from .run.local import default_workers
from .store import DATABASE_ERRORS, describe_error, is_postgres


def _error(msg: str) -> None:
    """One line on stderr, whatever the message holds (page-derived names may carry newlines)."""
    print(f"newstrace: error: {' '.join(safe(msg).split())}", file=sys.stderr)


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
            sys.stdout.writelines(doc.json_chunks())  # no whole-page JSON string in memory
            sys.stdout.write("\n")
        else:
            if not first:
                print()
            print(render_document(doc))
        first = False
        sys.stdout.flush()
    if failures and (done or failures > 1):
        print(f"newstrace: {done} analysed, {failures} failed", file=sys.stderr)
    return 1 if failures else 0


def _db_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", default="newstrace.db",
                   help="the store: a SQLite file (default newstrace.db) or a PostgreSQL URL "
                   "(postgresql://user:password@host:port/database)")


def _open_existing(db: str) -> bool:
    if not is_postgres(db) and not Path(db).exists():
        _error(f"{db}: no such store (run `newstrace ingest PATH --db {db}` first)")
        return False
    return True


def cmd_ingest(args: argparse.Namespace) -> int:
    from .corpus.ingest import ingest
    from .store import open_store

    progress = not args.quiet and sys.stderr.isatty() or args.progress
    # The store is opened (its writer lock taken, its health checked) before any input is read, and held
    # until the stories are up to date: a second ingest is refused at once, not halfway.
    with open_store(args.db) as store:
        report = ingest(args.paths, args.db, workers=args.workers, format=args.format, progress=progress,
                        nlp=not args.no_nlp)
        for line in report.errors:
            _error(line)
        print(f"newstrace: {report.summary()}", file=sys.stderr)
        if not args.no_stories:
            from .stories.update import update_stories

            stories = update_stories(store, progress=progress)
            print(f"newstrace: stories: {stories.summary()}", file=sys.stderr)
    return 1 if report.failed else 0


def cmd_check(args: argparse.Namespace) -> int:
    from .store import check_store

    problems = check_store(args.db, quick=args.quick)
    if args.json:
        sys.stdout.write(json.dumps({"db": args.db, "ok": not problems, "problems": problems},
                                    ensure_ascii=False) + "\n")
    elif problems:
        for p in problems:
            print(f"{safe(args.db)}: {safe(p)}")
    else:
        print(f"{safe(args.db)}: ok")
    return 1 if problems else 0


def _search_field(value: str) -> str:
    """A page-derived search field on one terminal line: controls, tabs and line breaks shown escaped."""
    return safe(value).translate(_LINE_BREAKS)


_LINE_BREAKS = {ord("\t"): "\\t", ord("\n"): "\\n", 0x2028: "\\u2028", 0x2029: "\\u2029"}
_SINCE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def _search_since(value: str) -> str:
    """``--since``: YYYY-MM-DD, YYYY-MM or YYYY (a prefix of the stored dates, compared as text)."""
    m = _SINCE.fullmatch(value.strip())
    try:
        if m is None:
            raise ValueError("not YYYY-MM-DD")
        date(int(m[1]), int(m[2] or 1), int(m[3] or 1))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a date: {value[:40]!r} (expected YYYY-MM-DD, YYYY-MM or YYYY)") from None
    return m[0]


def cmd_search(args: argparse.Namespace) -> int:
    from .store import open_store

    if not _open_existing(args.db):
        return 2
    with open_store(args.db, readonly=True) as store:
        hits = store.search(args.query, speaker=args.speaker, outlet=args.outlet, since=args.since,
                            limit=args.limit)
    line = _search_field
    for h in hits:
        if args.json:
            sys.stdout.write(json.dumps(h.to_json(), ensure_ascii=False) + "\n")
        else:
            who = f" {line(h.speaker)}:" if h.speaker else ""
            where = f"{line(h.outlet or '-')} {line(h.published or '')}"
            print(f"{h.score:6.2f}  {line(h.doc_id)}  [{line(h.kind)}] {where}"
                  f"\n        {who} {line(' '.join(h.snippet.split()))}")
    return 0


def cmd_errors(args: argparse.Namespace) -> int:
    from .store import open_store

    if not _open_existing(args.db):
        return 2
    with open_store(args.db, readonly=True) as store:
        rows = store.errors()
    for r in rows:
        if args.json:
            sys.stdout.write(json.dumps(r.to_json(), ensure_ascii=False) + "\n")
        else:
            print(f"{safe(r.source)}: {safe(r.reason)}")
    return 0


def cmd_provenance(args: argparse.Namespace) -> int:
    from .corpus.ingest import provenance

    if not _open_existing(args.db):
        return 2
    try:
        result = provenance(args.db, args.doc_id)
    except KeyError:
        _error(f"{args.doc_id}: no such document in {args.db}")
        return 2
    if args.json:
        sys.stdout.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
        return 0
    print(f"== {safe(args.doc_id)}")
    print(f"copied passages ({len(result.copied)}):")
    for p in result.copied:
        origin = f"{safe(p.origin_id)} [{p.origin_start}:{p.origin_end}]"
        print(f"  [{p.start}:{p.end}] from {origin}  {p.kind} similarity={p.similarity:.2f}")
    print(f"copies elsewhere ({len(result.copies)}):")
    for c in result.copies:
        print(f"  {safe(c.doc_id)} [{c.start}:{c.end}] of [{c.origin_start}:{c.origin_end}]"
              f"  {c.kind} similarity={c.similarity:.2f}")
    return 0


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

    i = sub.add_parser("ingest", help="analyse pages into a store (idempotent, resumable)")
    i.add_argument("paths", nargs="+", metavar="PATH")
    _db_arg(i)
    i.add_argument("--format", choices=FORMATS, default="auto")
    i.add_argument("--workers", type=int, default=0, metavar="N", help="worker processes (0 = one per core)")
    i.add_argument("--quiet", action="store_true", help="no progress bar")
    i.add_argument("--no-nlp", action="store_true",
                   help="anatomy and credits only (no quotes, entities, dates): for fast bulk loads")
    i.add_argument("--progress", action="store_true",
                   help="a progress bar even when stderr is not a terminal")
    i.add_argument("--no-stories", action="store_true",
                   help="leave stories for later (`newstrace stories` brings them up to date)")
    i.set_defaults(func=cmd_ingest)

    s = sub.add_parser("search", help="ranked search over body text and quotes")
    s.add_argument("query")
    _db_arg(s)
    s.add_argument("--speaker", help="only quotes by this speaker (canonical name)")
    s.add_argument("--outlet", help="only pages or body sections of this outlet (registry id)")
    s.add_argument("--since", type=_search_since, metavar="DATE",
                   help="only pages published on or after DATE (YYYY-MM-DD, YYYY-MM or YYYY)")
    s.add_argument("--limit", type=int, default=20)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_search)

    e = sub.add_parser("errors", help="inputs that failed, with the reason")
    _db_arg(e)
    e.add_argument("--json", action="store_true")
    e.set_defaults(func=cmd_errors)

    v = sub.add_parser("provenance", help="copied passages of a page and where its text went")
    v.add_argument("doc_id", metavar="DOC_ID")
    _db_arg(v)
    v.add_argument("--json", action="store_true")
    v.set_defaults(func=cmd_provenance)

    c = sub.add_parser("check", help="check a store's health: SQLite integrity, search indexes, schema",
                       description="Exit code 0: healthy; 1: problems found (each printed); 2: no store.")
    _db_arg(c)
    c.add_argument("--quick", action="store_true",
                   help="SQLite's quick_check instead of the full integrity_check (faster on large stores)")
    c.add_argument("--json", action="store_true", help='one JSON object: {"db", "ok", "problems"}')
    c.set_defaults(func=cmd_check)

    # Commands that live with their subsystem: each module's ``register(subparsers)`` adds its own.
    for module in ("newstrace.stories.cli", "newstrace.web.cli", "newstrace.store_cli"):
        try:
            register = importlib.import_module(module).register
        except ModuleNotFoundError as e:
            if e.name is None or not module.startswith(e.name):
                raise
            continue
        register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except StoreError as e:  # a store fault: one line naming the store and what to do
        _error(str(e))
        return 2
    except DATABASE_ERRORS as e:  # met while reading or writing an open store (damaged pages, a full disk)
        _error(str(describe_error(getattr(args, "db", "the store"), e)))
        return 2


if __name__ == "__main__":
    sys.exit(main())
