"""The store the web app reads: SQLite, one read-only connection per request thread.

SQLite connections are not meant to be shared across threads mid-query; WAL lets every thread read
while an ingest writes. A request running past its time budget is interrupted (FTS ranking cost grows
with the number of matches, so the budget, not the query text, bounds the cost of one request).
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from pathlib import Path

from .sql_read import EntityCache
from .sqlite import SqliteStore

PROGRESS_EVERY = 1000  # SQLite VM steps between two checks of the request's time budget


class SharedReader(SqliteStore):
    """A read-only store whose connection is the calling thread's own (opened on first use), with one
    entity cache for all threads; SQLite work past ``budget`` seconds after ``begin()`` is interrupted."""

    def __init__(self, db: str, *, budget: float = 5.0) -> None:
        self.path = str(db)
        self.readonly = True
        self._lock = None
        self.budget = budget
        self._local = threading.local()
        self._guard = threading.Lock()
        self._stores: list[SqliteStore] = []
        self._entities = EntityCache()

    def _thread_store(self) -> SqliteStore:
        s: SqliteStore | None = getattr(self._local, "store", None)
        if s is None:
            if not Path(self.path).exists():
                raise FileNotFoundError(f"{self.path}: no such store")
            s = SqliteStore(self.path, readonly=True)
            s.con.set_progress_handler(self._over_budget, PROGRESS_EVERY)
            self._local.store = s
            with self._guard:
                self._stores.append(s)
        return s

    @property
    def con(self) -> sqlite3.Connection:  # type: ignore[override]
        return self._thread_store().con

    def begin(self) -> None:
        """Start a request's budget."""
        self._local.deadline = time.monotonic() + self.budget

    def _over_budget(self) -> int:
        deadline = getattr(self._local, "deadline", None)
        return 1 if deadline is not None and time.monotonic() > deadline else 0

    def close(self) -> None:
        with self._guard:
            for s in self._stores:
                with contextlib.suppress(sqlite3.ProgrammingError):  # closed already
                    s.close()
            self._stores.clear()
        self._local = threading.local()
