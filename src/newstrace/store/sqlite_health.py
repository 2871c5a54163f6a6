"""SQLite store health: every fault of a store file said in one line, and the checks behind `newstrace check`.

A store can be a folder, in a missing or read-only folder, truncated, overwritten, replaced by another
file or made by a newer release. Each of these used to surface as a traceback, or worse, not at all: a
store with damaged pages still answered searches and took new writes. Here each becomes a ``StoreError``
naming the store and what to do; writers run SQLite's ``quick_check`` when they open a store and never
write to a damaged one; ``check_store`` runs the full integrity check and FTS5's own.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from ..errors import StoreError
from .base import StoreMissing, StoreReadOnly

FTS_TABLES = ("body_fts", "quotes_fts")
REQUIRED_TABLES = ("meta", "documents", "layers", "quotes", "passages", "errors", "body_fts")


def _what_to_do(path: str | Path) -> str:
    return f"run `newstrace check --db {path}`; restore a backup or ingest again into a new store"


def before_open(path: str | Path, *, readonly: bool) -> None:
    """Faults visible before SQLite is asked: a folder, a missing folder or store, no write permission."""
    p = Path(path)
    if p.is_dir():
        raise StoreError(f"{path}: is a folder, not a store file (give a file, e.g. {p / 'newstrace.db'})")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise StoreError(f"{path}: the folder {parent} does not exist")
    if readonly:
        if not p.exists():
            raise StoreMissing(f"{path}: no such store (run `newstrace ingest PATH --db {path}` first)")
        if not os.access(p, os.R_OK):
            raise StoreError(f"{path}: the store is not readable (permission denied)")
        return
    if not os.access(parent, os.W_OK):
        raise StoreReadOnly(f"{path}: cannot write in the folder {parent} (read-only?); choose another place")
    if p.exists() and not os.access(p, os.W_OK):
        raise StoreReadOnly(f"{path}: the store file is read-only; copy it somewhere writable to add to it")


def fault(path: str | Path, error: sqlite3.Error) -> StoreError:
    """A SQLite error met on ``path`` as a one-line ``StoreError`` that says what to do."""
    msg = str(error)
    low = msg.lower()
    if "not a database" in low or "malformed" in low or "corrupt" in low:
        return StoreError(
            f"{path}: the store is damaged or not a newstrace store ({msg}); {_what_to_do(path)}"
        )
    if "no such table" in low:
        return StoreError(f"{path}: not a newstrace store ({msg}); ingest into it or give another --db")
    if "readonly" in low or "read-only" in low:
        return StoreError(f"{path}: cannot write to the store ({msg}); check the permissions")
    if "locked" in low or "busy" in low:
        return StoreError(f"{path}: the store is busy ({msg}); try again when the other process is done")
    if "disk i/o" in low or "unable to open" in low:
        return StoreError(f"{path}: the store cannot be read or written ({msg}); check the disk and the path")
    return StoreError(f"{path}: store error ({msg}); {_what_to_do(path)}")


def quick_check(con: sqlite3.Connection, path: str | Path) -> None:
    """Refuse a damaged store: SQLite's ``quick_check`` (every page and row read once; O(store))."""
    try:
        rows = [str(r[0]) for r in con.execute("PRAGMA quick_check(5)")]
    except sqlite3.Error as e:
        raise fault(path, e) from None
    if rows != ["ok"]:
        found = [x.strip() for r in rows for x in r.splitlines() if x.strip() and not x.startswith("***")]
        raise StoreError(f"{path}: the store is damaged ({'; '.join(found[:2])}); {_what_to_do(path)}")


_MAGIC = b"SQLite format 3\x00"


def header_problem(path: str | Path) -> str | None:
    """What the file's first 100 bytes say is wrong with it (cheap, whatever the store's size)."""
    p = Path(path)
    size = p.stat().st_size
    if size == 0:
        return "an empty file, not a newstrace store"
    with p.open("rb") as f:
        head = f.read(100)
    if not head.startswith(_MAGIC):
        return "not a newstrace store (not an SQLite file)"
    if len(head) < 100:
        return "truncated (shorter than an SQLite header)"
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    # The header's page count is valid when its "version-valid-for" matches the change counter.
    if head[92:96] == head[24:28] and pages and page_size >= 512 and size < pages * page_size:
        return f"truncated ({size} bytes; its header says {pages * page_size})"
    return None


def require_healthy(path: str | Path) -> None:
    """Raise a one-line ``StoreError`` unless the store at ``path`` opens and passes the quick check
    (what ``serve`` asks before it starts, so it never answers 500 to everything)."""
    from .sqlite import SqliteStore

    problems = check_store(path, quick=True)
    if not problems:
        with SqliteStore(path, readonly=True):  # the schema version, readable by this release
            return
    first = " ".join(problems[0].split()).removeprefix(f"{path}: ")
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    hint = "" if "newstrace check" in first else f" (run `newstrace check --db {path}`)"
    raise StoreError(f"{path}: {first}{more}{hint}")


def check_store(path: str | Path, *, quick: bool = False) -> list[str]:
    """What is wrong with the store at ``path`` (empty: healthy).

    The whole ``integrity_check``, the tables a store has, its schema version, and FTS5's
    ``integrity-check`` of the search indexes (when the store's folder is writable: FTS5 will not run it
    on a read-only connection). ``quick`` (what ``serve`` runs at start): SQLite's ``quick_check`` on a
    read-only connection, no FTS5 check, so a running ingest is neither waited for nor disturbed.
    """
    from .sqlite_schema import SCHEMA_VERSION

    try:
        before_open(path, readonly=True)
        header = header_problem(path)
    except StoreError as e:
        return [str(e)]
    except OSError as e:
        return [f"{path}: cannot be read ({e.strerror or e})"]
    if header is not None:
        return [header]
    problems: list[str] = []
    folder_writable = os.access(Path(path).resolve().parent, os.W_OK)
    writable = not quick and os.access(path, os.W_OK) and folder_writable
    try:
        flags = "" if writable else "?mode=ro" if folder_writable else "?mode=ro&immutable=1"
        uri = f"file:{Path(path).resolve()}{flags}"
        con = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30)
    except sqlite3.Error as e:
        return [str(fault(path, e))]
    try:
        pragma = "PRAGMA quick_check(20)" if quick else "PRAGMA integrity_check(20)"
        rows = [str(r[0]) for r in con.execute(pragma)]
        if rows != ["ok"]:
            problems += [f"integrity: {x.strip()}" for r in rows for x in r.splitlines() if x.strip()]
        tables = {str(r[0]) for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        missing = [t for t in REQUIRED_TABLES if t not in tables]
        if missing:
            problems.append(f"not a newstrace store: no {', '.join(missing)} table")
        else:
            row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if row is None:
                problems.append("no schema version recorded")
            elif int(row[0]) > SCHEMA_VERSION:
                problems.append(f"made by a newer newstrace (schema {row[0]}; this one: {SCHEMA_VERSION})")
        for t in FTS_TABLES:
            if t not in tables:
                continue
            if not writable:
                continue
            try:
                con.execute("BEGIN")
                con.execute(f"INSERT INTO {t}({t}) VALUES ('integrity-check')")
            except sqlite3.Error as e:
                problems.append(f"search index {t}: {e}")
            finally:
                if con.in_transaction:
                    con.execute("ROLLBACK")
    except sqlite3.Error as e:
        problems.append(str(fault(path, e)))
    finally:
        con.close()
    return problems
