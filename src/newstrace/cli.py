"""The ``newstrace`` command. Thin: parses arguments, calls the library, prints.

Conventions shared by every command: ``-`` as a PATH reads standard input; ``-q/--quiet`` and
``-v/--verbose`` set the logging level; ``--workers`` defaults to one process per core (never more than
the inputs); the exit codes (``cli_help``) are shown by ``--help`` and every command's ``--help``.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import logging
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from . import __version__
from ._api import since_prefix
from .cli_export import EXPORT_FORMATS, cmd_export
from .cli_help import EXIT_CODES, LOGGING, epilog
from .errors import InputError, StoreError
from .ingest import FORMATS, read_paths
from .render import CSV_COLUMNS, csv_rows, render_document, render_markdown, safe
from .run import analyze_stream
from .run.local import analyzer, default_workers
from .store import DATABASE_ERRORS, describe_error, is_postgres
from .store.tables import TABLES

DESCRIPTION = ("Take news pages apart with character-exact evidence: what each part of a page is (headline, "
               "body, captions, comments …) and who wrote it (credited outlets, quoted speakers), which "
               "passages were copied from where, and which pages tell one story.")
OUTPUTS = ("text", "jsonl", "md", "csv")
DEFAULT_WORKERS = 0  # every command: one worker process per core, never more than the inputs


def _error(msg: str) -> None:
    """One line on stderr, whatever the message holds (page-derived names may carry newlines)."""
    print(f"newstrace: error: {' '.join(safe(msg).split())}", file=sys.stderr)


def _note(args: argparse.Namespace, msg: str) -> None:
    """A summary line on stderr, unless ``--quiet``."""
    if not getattr(args, "quiet", False):
        print(f"newstrace: {msg}", file=sys.stderr)


def workers_for(requested: int, paths: Iterable[str], format: str = "auto") -> int:
    """``--workers``: ``N`` > 0 as given; 0 (the default) one per core, but no more than the inputs, so
    one page is not handed to a pool (a worker loads the language model before it can start)."""
    if requested > 0:
        return requested
    cores = default_workers()
    from .ingest.detect import format_from_name
    from .ingest.readers import expand_paths

    count = 0
    for p in paths:
        if p == "-":
            count += 1 if format in ("text", "html") else cores
            continue
        for item in expand_paths([p]):
            if isinstance(item, InputError):
                continue
            kind = format if format != "auto" else format_from_name(item[1])[0]
            count += cores if kind in ("jsonl", "warc") else 1  # a container holds many pages
            if count >= cores:
                return cores
    return max(1, min(cores, count))


def cmd_analyze(args: argparse.Namespace) -> int:
    output = "jsonl" if args.json else args.output
    workers = workers_for(args.workers, args.paths, args.format)
    failures = 0
    done = 0
    table = csv.writer(sys.stdout, lineterminator="\n") if output == "csv" else None
    if table is not None:
        table.writerow(CSV_COLUMNS)
    items = analyze_stream(read_paths(args.paths, args.format), workers, analyze=analyzer(not args.no_nlp))
    for doc in items:
        if isinstance(doc, InputError):
            _error(str(doc))
            failures += 1
            continue
        if output == "jsonl":
            sys.stdout.writelines(doc.json_chunks())  # no whole-page JSON string in memory
            sys.stdout.write("\n")
        elif table is not None:
            table.writerows(csv_rows(doc))
        else:
            if done:
                print()
            sys.stdout.write(render_markdown(doc) if output == "md" else render_document(doc) + "\n")
        done += 1
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
    workers = workers_for(args.workers, args.paths, args.format)
    # The store is opened (its writer lock taken, its health checked) before any input is read, and held
    # until the stories are up to date: a second ingest is refused at once, not halfway.
    with open_store(args.db) as store:
        report = ingest(args.paths, args.db, workers=workers, format=args.format, progress=progress,
                        nlp=not args.no_nlp, dask=args.dask)
        for line in report.errors:
            _error(line)
        _note(args, report.summary())
        if not args.no_stories:
            from .stories.update import update_stories

            stories = update_stories(store, progress=progress)
            _note(args, f"stories: {stories.summary()}")
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


def _search_since(value: str) -> str:
    """``--since``: YYYY-MM-DD, YYYY-MM or YYYY (a prefix of the stored dates, compared as text)."""
    try:
        return since_prefix(value)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


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


def _command(sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str, summary: str,
             description: str | None = None) -> argparse.ArgumentParser:
    """A subcommand whose ``--help`` ends with an example of every flag and the exit codes."""
    return sub.add_parser(name, help=summary, description=description or summary[:1].upper() + summary[1:],
                          epilog=epilog(name), formatter_class=argparse.RawDescriptionHelpFormatter)


def _common(p: argparse.ArgumentParser) -> None:
    """``-q/--quiet`` and ``-v/--verbose`` on a command (those it already has are kept as they are)."""
    have = p._option_string_actions
    quiet = [f for f in ("-q", "--quiet") if f not in have]
    if "--quiet" in quiet:
        p.add_argument(*quiet, action="store_true", help="errors only: no progress, no summary")
    verbose = [f for f in ("-v", "--verbose") if f not in have]
    if "--verbose" in verbose:
        p.add_argument(*verbose, action="count", default=0,
                       help="say more: -v what is being done, -vv debugging detail")


def _workers_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workers", type=int, default=DEFAULT_WORKERS, metavar="N",
                   help="analyse in N worker processes (default 0: one per core, no more than the inputs)")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newstrace", description=DESCRIPTION,
                                epilog=f"{LOGGING}\n{EXIT_CODES}\n`newstrace COMMAND --help` shows a "
                                       "command's flags with an example of each.",
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"newstrace {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    a = _command(sub, "analyze", "take pages apart: layers, credits, quotes, comments (nothing is stored)")
    a.add_argument("paths", nargs="+", metavar="PATH",
                   help="files, folders (read recursively) or glob patterns; '-' reads standard input")
    a.add_argument("--output", choices=OUTPUTS, default="text",
                   help="text: the terminal view (default); jsonl: one newstrace.document/1 object per "
                   "line; md: the anatomy as Markdown; csv: one row per layer or quote")
    a.add_argument("--json", action="store_true", help="the same as --output jsonl")
    a.add_argument("--format", choices=FORMATS, default="auto",
                   help="the reader to use (default auto: from the file name, else the first bytes)")
    a.add_argument("--no-nlp", action="store_true",
                   help="anatomy and credits only, no language model (no quotes, entities, dates): fast")
    _workers_arg(a)
    a.set_defaults(func=cmd_analyze)

    i = _command(sub, "ingest", "analyse pages into a store (idempotent, resumable)")
    i.add_argument("paths", nargs="+", metavar="PATH",
                   help="files, folders (read recursively) or glob patterns; '-' reads standard input")
    _db_arg(i)
    i.add_argument("--format", choices=FORMATS, default="auto",
                   help="the reader to use (default auto: from the file name, else the first bytes)")
    _workers_arg(i)
    i.add_argument("--no-nlp", action="store_true",
                   help="anatomy and credits only (no quotes, entities, dates): for fast bulk loads")
    i.add_argument("--progress", action="store_true",
                   help="a progress bar even when stderr is not a terminal")
    i.add_argument("--no-stories", action="store_true",
                   help="leave stories for later (`newstrace stories` brings them up to date)")
    i.add_argument("--dask", nargs="?", const="local", default=None, metavar="ADDRESS",
                   help="analyse on Dask: alone, a LocalCluster of --workers processes on this machine; "
                   "with a scheduler's ADDRESS (tcp://host:8786), that cluster (this process stays the "
                   "one writer: use a PostgreSQL store the workers can reach, or a SQLite file they see)")
    i.set_defaults(func=cmd_ingest)

    s = _command(sub, "search", "ranked search over body text and quotes")
    s.add_argument("query", metavar="QUERY", help="words to find (FTS5 syntax: \"a phrase\", OR, prefix*)")
    _db_arg(s)
    s.add_argument("--speaker", help="only quotes by this speaker (canonical name)")
    s.add_argument("--outlet", help="only pages or body sections of this outlet (registry id)")
    s.add_argument("--since", type=_search_since, metavar="DATE",
                   help="only pages published on or after DATE (YYYY-MM-DD, YYYY-MM or YYYY)")
    s.add_argument("--limit", type=int, default=20, metavar="N", help="at most N hits (default 20)")
    s.add_argument("--json", action="store_true", help="one JSON object per hit, one per line")
    s.set_defaults(func=cmd_search)

    e = _command(sub, "errors", "inputs that failed, with the reason")
    _db_arg(e)
    e.add_argument("--json", action="store_true", help="one JSON object per failed input, one per line")
    e.set_defaults(func=cmd_errors)

    v = _command(sub, "provenance", "copied passages of a page and where its text went")
    v.add_argument("doc_id", metavar="DOC_ID", help="the page's id (its file name, record id or WARC id)")
    _db_arg(v)
    v.add_argument("--json", action="store_true", help='one JSON object: {"id", "copied", "copies"}')
    v.set_defaults(func=cmd_provenance)

    c = _command(sub, "check", "check a store's health: SQLite integrity, search indexes, schema",
                 "Check a store's health. Exit code 0: healthy; 1: problems found (each printed); "
                 "2: no store.")
    _db_arg(c)
    c.add_argument("--quick", action="store_true",
                   help="SQLite's quick_check instead of the full integrity_check (faster on large stores)")
    c.add_argument("--json", action="store_true", help='one JSON object: {"db", "ok", "problems"}')
    c.set_defaults(func=cmd_check)

    x = _command(sub, "export", "a store's table as Parquet, CSV or JSON Lines (for pandas, R, DuckDB)")
    _db_arg(x)
    x.add_argument("--format", choices=EXPORT_FORMATS, default="parquet",
                   help="parquet (default; typed columns), csv (a header row) or jsonl (an object per row)")
    x.add_argument("--table", choices=TABLES, default="documents",
                   help="documents (default), layers, quotes, entities, passages (copied passages with "
                   "both offsets) or stories (one row per story page)")
    x.add_argument("--out", default="-", metavar="FILE", help="where to write (default '-': standard output)")
    x.set_defaults(func=cmd_export)

    # Commands that live with their subsystem: each module's ``register(subparsers)`` adds its own.
    for module in ("newstrace.stories.cli", "newstrace.web.cli", "newstrace.store_cli"):
        try:
            register = importlib.import_module(module).register
        except ModuleNotFoundError as e:
            if e.name is None or not module.startswith(e.name):
                raise
            continue
        register(sub)
    for name, command in sub.choices.items():
        _common(command)
        if command.epilog is None:
            command.epilog = epilog(name)
        elif "exit codes:" not in command.epilog:
            command.epilog += "\n" + EXIT_CODES
        command.formatter_class = argparse.RawDescriptionHelpFormatter
    return p


class _Formatter(logging.Formatter):
    """``newstrace: warning: message``, as the command's own error lines read."""

    def format(self, record: logging.LogRecord) -> str:
        return f"newstrace: {record.levelname.lower()}: {safe(record.getMessage())}" + (
            "\n" + self.formatException(record.exc_info) if record.exc_info else "")


@contextmanager
def _logging(args: argparse.Namespace) -> Iterator[None]:
    """The ``newstrace`` loggers' level from ``--quiet``/``--verbose``, written to this stderr, for the
    command's run only (a caller of :func:`main` in its own process keeps its logging as it was)."""
    level = (logging.ERROR if getattr(args, "quiet", False) else
             {0: logging.WARNING, 1: logging.INFO}.get(getattr(args, "verbose", 0) or 0, logging.DEBUG))
    logger = logging.getLogger("newstrace")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter())
    before = logger.level
    logger.addHandler(handler)
    logger.setLevel(level)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(before)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    with _logging(args):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
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
