"""One writer per PostgreSQL store: a session advisory lock, held on its own connection.

The lock lives as long as the connection that took it, so a writer killed by ``kill -9`` loses it the
moment the server sees its socket close; nothing stale is ever left to clear. A second writer's
``pg_try_advisory_lock`` fails at once and it is refused (``StoreBusy``, naming the holder's process on
the server and its client address). Writers in one process share the lock, as on SQLite (the ingest
endpoint and the stories update open the store in turn). Readers take no lock.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import psycopg

from ..errors import StoreBusy
from .postgres_connection import connect
from .postgres_schema import writer_lock_key

_held: dict[str, tuple[psycopg.Connection[Any], int]] = {}  # database URL -> (lock connection, writers)
_guard = threading.Lock()


def held(url: str) -> bool:
    with _guard:
        return url in _held


def acquire(url: str, shown: str) -> str:
    """Take the writer lock of the database at ``url`` (``shown``: the URL without its password)."""
    with _guard:
        if url in _held:
            con, n = _held[url]
            _held[url] = (con, n + 1)
            return url
        con = connect(url, readonly=False, application=f"newstrace writer {os.getpid()}")
        key = writer_lock_key(url)
        got = con.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
        if not got or not got[0]:
            holder = con.execute(
                "SELECT a.pid, a.client_addr, a.application_name FROM pg_locks l "
                "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' "
                "AND l.objid = %s AND l.granted AND l.database = "
                "(SELECT oid FROM pg_database WHERE datname = current_database()) LIMIT 1",
                (key,),
            ).fetchone()
            con.close()
            who = ""
            if holder:
                name = str(holder[2] or "")
                mine = name.startswith("newstrace writer ")
                client = f"process {name.rsplit(' ', 1)[1]}" if mine else "a client"
                who = f" ({client} at {holder[1] or 'the local socket'})"
            raise StoreBusy(
                f"{shown}: another newstrace process is writing this store{who}; one writer at a time: "
                "wait for it to finish, then run again"
            )
        _held[url] = (con, 1)
        return url


def release(url: str) -> None:
    with _guard:
        if url not in _held:
            return
        con, n = _held[url]
        if n > 1:
            _held[url] = (con, n - 1)
            return
        del _held[url]
    con.close()  # ends the session, and with it the lock
