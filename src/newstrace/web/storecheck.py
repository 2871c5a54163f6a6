"""Is a store fit to serve? Checked once before the server starts, so a folder, an empty file, random
bytes or a truncated copy is refused with one line instead of a server answering 500 to everything.

Cheap checks first, whatever the store's size: the file's SQLite header (a truncated file is shorter
than its header says), a read-only open and one count. Then ``corpus.health.check_store(quick=True)``
(SQLite's ``quick_check``, which reads every page once and so finds damage anywhere), the same check
``newstrace check --quick`` runs.
"""

from __future__ import annotations

import shlex
import sqlite3
from pathlib import Path

from ..corpus.health import check_store
from ..corpus.store import Store
from ..errors import StoreError

_MAGIC = b"SQLite format 3\x00"


def _header_problem(path: Path) -> str | None:
    """What the first 100 bytes say is wrong with the file, if anything."""
    size = path.stat().st_size
    if size == 0:
        return "an empty file, not a newstrace store"
    with path.open("rb") as f:
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


def store_problem(db: str) -> str | None:
    """Why the store at ``db`` cannot be served (one line), or None when it reads."""
    path = Path(db)
    try:
        if path.is_dir():
            return "a folder, not a store file"
        if not path.exists():
            return "no such store"
        problem = _header_problem(path)
        if problem:
            return problem
        with Store(db, readonly=True) as s:
            s.con.execute("SELECT count(*) FROM documents").fetchone()
    except StoreError as e:
        return _reason(db, str(e))
    except sqlite3.DatabaseError as e:
        if "no such table" in str(e):
            return "not a newstrace store (no documents table)"
        return f"cannot be read ({e})"
    except OSError as e:
        return f"cannot be read ({e.strerror or e})"
    try:
        problems = check_store(db, quick=True)
    except (StoreError, sqlite3.DatabaseError, OSError) as e:
        problems = [str(e)]
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return _reason(db, str(problems[0])) + more
    return None


def _reason(db: str, message: str) -> str:
    """``message`` on one line, without a leading ``DB: `` (the caller names the store)."""
    line = " ".join(message.split())
    prefix = f"{db}: "
    return line[len(prefix) :] if line.startswith(prefix) else line


def check_servable(db: str) -> None:
    """Raise ``StoreError`` (``DB: reason (run newstrace check --db DB)``) unless ``db`` can be served."""
    problem = store_problem(db)
    if problem is not None:
        hint = "" if "newstrace check" in problem else f" (run newstrace check --db {shlex.quote(db)})"
        raise StoreError(f"{db}: {problem}{hint}")
