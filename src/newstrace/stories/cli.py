"""``newstrace stories``: bring a store's stories up to date and print them."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..store import StorySummary, StoryView

__all__ = ["register"]


def register(subparsers: Any) -> None:
    """Add the ``stories`` command to the ``newstrace`` parser."""
    p = subparsers.add_parser(
        "stories",
        help="pages that tell the same story, with events, statements and how their tellings differ",
    )
    p.add_argument("--db", default="newstrace.db",
                   help="the store: a SQLite file (default newstrace.db) or a PostgreSQL URL "
                   "(postgresql://user:password@host:port/database)")
    p.add_argument("--json", action="store_true", help="one story JSON object per line")
    p.add_argument("--rebuild", action="store_true", help="cluster every stored page again from scratch")
    p.add_argument("--limit", type=int, default=0, metavar="N", help="print only the N most recent stories")
    p.add_argument(
        "--brief",
        action="store_true",
        help="ids, titles, pages and outlets only (no events, statements or comparison)",
    )
    p.set_defaults(func=cmd_stories)


def _safe(s: object) -> str:
    from ..render import safe

    return safe(str(s))


def cmd_stories(args: argparse.Namespace) -> int:
    from ..store import StoreBusy, StoreReadOnly, is_postgres, open_store
    from .update import update_stories

    if not is_postgres(args.db) and not Path(args.db).exists():
        print(
            f"newstrace: error: {_safe(args.db)}: no such store "
            f"(run `newstrace ingest PATH --db {_safe(args.db)}` "
            "first)",
            file=sys.stderr,
        )
        return 2
    try:
        store = open_store(args.db)
    except (StoreBusy, StoreReadOnly) as e:
        if args.rebuild:
            raise
        # Another process is writing the store, or it cannot be written here: list what it holds.
        print(f"newstrace: warning: {_safe(e)}; stories listed as stored, not brought up to date",
              file=sys.stderr)
        store = open_store(args.db, readonly=True)
    else:
        report = update_stories(store, rebuild=args.rebuild, progress=sys.stderr.isatty())
        if report.assigned or report.rebuilt:
            print(f"newstrace: stories: {report.summary()}", file=sys.stderr)
    with store:
        stories: Iterable[StoryView | StorySummary]
        if args.brief:
            stories = store.story_summaries(args.limit) if args.limit > 0 else store.iter_story_summaries()
        else:
            stories = store.stories(args.limit) if args.limit > 0 else store.iter_stories()
        for st in stories:
            if args.json:
                sys.stdout.write(json.dumps(st.to_json(), ensure_ascii=False) + "\n")
            else:
                _print(st.to_json())
    return 0


def _print(st: dict[str, Any]) -> None:
    docs = st["documents"]
    print(f"== {_safe(st['id'])}  {_safe(st.get('title') or '(untitled)')}")
    print(f"   {len(docs)} page(s); outlets: {', '.join(_safe(o) for o in st.get('outlets') or []) or '-'}")
    for d in docs[:10]:
        print(f"   - {_safe(d)}")
    if len(docs) > 10:
        print(f"   … {len(docs) - 10} more")
    comp = st.get("comparison")
    if comp:
        print(f"   independent reports: {comp['independent_reports']}; copies: {len(comp['copies'])}")
    for s in (st.get("statements") or [])[:5]:
        if len(s["quotes"]) > 1:
            print(
                f"   statement by {_safe(s['speaker'])}: {len(s['quotes'])} quotes, "
                f"e.g. “{_safe(s['quotes'][0]['text'][:80])}”"
            )
    # the events a reader can follow first: someone did something to someone or somewhere, by date
    events = st.get("events") or []
    full = [e for e in events if e.get("actor") and (e.get("target") or e.get("place"))]
    shown = sorted(full or events, key=lambda e: (e.get("date") is None, e.get("date") or ""))[:12]
    for e in shown:
        what = " ".join(str(e[k]) for k in ("actor", "action", "target") if e.get(k))
        where = f" ({e['place']})" if e.get("place") else ""
        reports = len(e.get("sources") or ())
        times = f"  ×{reports}" if reports > 1 else ""
        print(f"   {e.get('date') or '          '}  {_safe((what + where)[:100])}{times}")
    if len(events) > len(shown):
        print(f"   … {len(events) - len(shown)} more events (--json)")
