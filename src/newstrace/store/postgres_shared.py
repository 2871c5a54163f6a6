"""The store the web app reads on PostgreSQL: a pool of read-only connections shared by the threads.

Each request borrows one connection for its duration (``begin`` .. ``end``), so a few connections
serve many threads; every statement stops at the request's time budget (``statement_timeout``, which
the server enforces), and the request answers 503 as on SQLite.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from ..errors import StoreError
from .postgres import PostgresStore
from .postgres_connection import CONNECT_TIMEOUT, PgConnection, shown_url
from .sql_read import EntityCache

POOL_SIZE = 8  # connections at most; requests beyond it wait for one


class PgSharedReader(PostgresStore):
    """A read-only PostgreSQL store safe to share between threads (see the module's docstring)."""

    def __init__(self, url: str, *, budget: float = 5.0, size: int = POOL_SIZE) -> None:
        self.url = url
        self.path = shown_url(url)
        self.readonly = True
        self._lock = None
        self.budget = budget
        self._local = threading.local()
        self._entities = EntityCache()
        self._timeout_ms = max(1, int(budget * 1000))

        def configure(con: psycopg.Connection[Any]) -> None:
            con.execute("SET default_transaction_read_only = on")

        self.pool = ConnectionPool(
            url, min_size=1, max_size=size, open=False, configure=configure, timeout=max(budget, 1.0),
            kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT,
                    "application_name": "newstrace web"},
            name="newstrace-web",
        )
        try:
            self.pool.open(wait=True, timeout=CONNECT_TIMEOUT)
            self._borrow(CONNECT_TIMEOUT * 1000)  # opening is not a request: no request's budget
            self._open()  # the store's schema version, readable by this release
        except (psycopg.Error, PoolTimeout) as e:
            self.pool.close()
            raise StoreError(f"{self.path}: cannot read the store: {' '.join(str(e).split())}") from None
        except BaseException:
            self.pool.close()
            raise
        finally:
            if not self.pool.closed:
                self.end()

    @property  # type: ignore[override]
    def con(self) -> PgConnection:
        con: PgConnection | None = getattr(self._local, "con", None)
        if con is None:  # a read outside a request (start-up): a connection of its own for this thread
            self.begin()
            con = self._local.con
        assert con is not None
        return con

    @con.setter
    def con(self, value: PgConnection) -> None:
        self._local.con = value

    def begin(self) -> None:
        """Start a request: borrow a connection (the one this thread still holds is given back) whose
        statements stop at the request's budget."""
        self._borrow(self._timeout_ms)

    def _borrow(self, timeout_ms: int) -> None:
        self.end()
        con = PgConnection(self.pool.getconn())
        self._local.con = con
        con.execute(f"SET statement_timeout = {int(timeout_ms)}")

    def end(self) -> None:
        """End a request: give its connection back to the pool."""
        con: PgConnection | None = getattr(self._local, "con", None)
        if con is not None:
            self._local.con = None
            if con.in_transaction and not con.raw.closed:
                with contextlib.suppress(psycopg.Error):  # a broken connection: the pool replaces it
                    con.execute("ROLLBACK")
            self.pool.putconn(con.raw)

    def close(self) -> None:
        self.pool.close()
        self._local = threading.local()
