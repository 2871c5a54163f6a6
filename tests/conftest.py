from __future__ import annotations

import atexit
import contextlib
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from newstrace.model import Document
from newstrace.store import Store, open_store

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "demo" / "000_61ee9dba41562d1b.txt"
SHARED = ROOT.parent / "shared"


def seed_wire_records() -> list[dict[str, Any]]:
    """The seed page and the two wire stories it republished, as stand-alone pages published first."""
    text = SEED.read_text(encoding="utf-8")
    rt_start = text.index("Russian President Vladimir Putin has ordered")
    rt_last = "inflicted fundamental damage upon them.”"
    rt_end = text.index(rt_last) + len(rt_last)
    tass_start = text.index("MOSCOW, March 14. /TASS/.")
    tass_end = text.index("the Kremlin said.") + len("the Kremlin said.")
    return [
        {
            "id": "rt-original",
            "outlet": "RT",
            "published": "2016-03-14",
            "url": "https://www.rt.com/news/x",
            "title": "Russian military withdrawal from Syria ordered",
            "text": "Russian military withdrawal from Syria ordered\n\n" + text[rt_start:rt_end],
        },
        {
            "id": "tass-original",
            "outlet": "TASS",
            "published": "2016-03-14",
            "title": "Withdrawal of Russian troops from Syria to begin",
            "text": "Withdrawal of Russian troops from Syria to begin\n\n" + text[tass_start:tass_end],
        },
        {"id": "seed", "published": "2016-03-15", "title": "Republished: withdrawal from Syria",
         "text": text},
    ]


# ------------------------------------------------------------------------------------------------ stores
# Tests that make a store get its place here, so the backend is chosen in one place: every such test
# runs on both backends, a SQLite file in the test's folder and a database on a throwaway PostgreSQL
# server (one per session, started on first use). Tests that inspect the SQLite file itself (faults,
# corruption, WAL, the lock file) make their own paths and say so. NEWSTRACE_TEST_BACKENDS=sqlite runs
# one backend only, for a quick local run; CI runs both.

BACKENDS = tuple(os.environ.get("NEWSTRACE_TEST_BACKENDS", "sqlite,postgresql").split(","))
_servers: list[Any] = []
_server_stack = contextlib.ExitStack()


def pg_server() -> Any:
    """The session's PostgreSQL server (``tests/pg_server.py``), started on first use, stopped at exit."""
    if not _servers:
        from .pg_server import running_server

        _servers.append(_server_stack.enter_context(running_server()))
        atexit.register(_server_stack.close)
    return _servers[0]


def test_db_url(folder: Path, name: str, backend: str) -> str:
    """The ``--db`` value of a new, empty store named ``name`` on ``backend`` (for module- and
    session-scoped stores, which take the ``backend`` fixture; tests use ``db_url`` / ``db_factory``)."""
    if backend == "postgresql":
        return str(pg_server().create_database(prefix=re.sub(r"\W", "_", name)[:20]))
    assert backend == "sqlite", backend
    return str(folder / f"{name}.db")


test_db_url.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The store backend this test runs on ("sqlite", "postgresql")."""
    return str(request.param)


@pytest.fixture()
def db_factory(tmp_path: Path, backend: str) -> Callable[[str], str]:
    """``make(name)``: the ``--db`` value of a new, empty store named ``name`` for this test."""

    def make(name: str) -> str:
        return test_db_url(tmp_path, name, backend)

    return make


@pytest.fixture()
def db_url(db_factory: Callable[[str], str]) -> str:
    """The ``--db`` value of a new, empty store for this test."""
    return db_factory("store")


def open_test_store(db: str | Path, *, readonly: bool = False) -> Store:
    """The store ``db`` (from ``db_url``/``db_factory``), opened as the CLI opens it."""
    return open_store(str(db), readonly=readonly)


def copy_test_store(src: str | Path, dst: str | Path) -> None:
    """Make the store ``dst`` (new, empty) hold what ``src`` holds (a module's store shared by its
    tests' copies): SQLite's backup, else ``copy-store``."""
    if str(src).startswith("postgresql://"):
        from newstrace.store.copy import copy_store

        copy_store(str(src), str(dst))
        return
    import sqlite3

    with sqlite3.connect(str(src)) as a, sqlite3.connect(str(dst)) as b:
        a.backup(b)
    b.close()
    a.close()


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_doc() -> Document:
    """The seed page read and run through the whole default analysis, once per test session."""
    from newstrace.analyze import analyze_document
    from newstrace.ingest import read_paths

    doc = next(iter(read_paths([str(SEED)], "auto")))
    assert isinstance(doc, Document)
    return analyze_document(doc)
