"""The store: the only package that speaks SQL. ``open_store(db)`` picks the backend from ``db``.

A path is SQLite (one file, the embedded default); a value starting with ``postgresql://`` is a
PostgreSQL server. Callers get a :class:`Store` and typed views back, never a connection.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import psycopg

from ..errors import StoreBusy, StoreError
from .base import (
    BODY_KINDS,
    CopiedPassage,
    CopyCheckpoint,
    CopyOf,
    DocumentInfo,
    EntityMention,
    EntityQuote,
    EntityView,
    ErrorView,
    EventSource,
    OutletQuotes,
    PassageView,
    PendingPage,
    ProvenanceView,
    PutResult,
    QueryInterrupted,
    SearchHit,
    StatementQuote,
    StatementView,
    Store,
    StoreLocked,
    StoreMissing,
    StoreReadOnly,
    StoryAssignment,
    StoryEvent,
    StoryMember,
    StorySummary,
    StoryView,
    TimelineEntry,
    as_json,
    body_text,
    content_hash,
    search_title,
)

__all__ = [
    "BODY_KINDS",
    "CopiedPassage",
    "CopyCheckpoint",
    "CopyOf",
    "DocumentInfo",
    "EntityMention",
    "EntityQuote",
    "EntityView",
    "ErrorView",
    "EventSource",
    "OutletQuotes",
    "PassageView",
    "PendingPage",
    "ProvenanceView",
    "PutResult",
    "QueryInterrupted",
    "SearchHit",
    "StatementQuote",
    "StatementView",
    "Store",
    "StoreBusy",
    "StoreError",
    "StoreLocked",
    "StoreMissing",
    "StoreReadOnly",
    "StoryAssignment",
    "StoryEvent",
    "StoryMember",
    "StorySummary",
    "StoryView",
    "TimelineEntry",
    "DATABASE_ERRORS",
    "as_json",
    "begin_request",
    "end_request",
    "body_text",
    "content_hash",
    "search_title",
    "check_store",
    "describe_error",
    "error_kind",
    "is_postgres",
    "open_reader",
    "open_store",
    "require_healthy",
]

POSTGRES_PREFIXES = ("postgresql://", "postgres://")

# What a backend's driver raises when a statement fails on an open store (a damaged page, a full disk, a
# budget run out); ``describe_error`` says it in one line.
DATABASE_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, psycopg.Error)


def error_kind(error: Exception) -> str:
    """What a driver's error means for a reader: ``"interrupted"`` (over its time budget), ``"busy"``
    (a writer held the store too long), ``"damaged"`` (not a store, or a damaged one), ``"missing"``
    (a table the store does not have), else ``"other"``."""
    text = str(error).lower()
    if "interrupted" in text or "statement timeout" in text:
        return "interrupted"
    if "locked" in text or "busy" in text or "lock timeout" in text:
        return "busy"
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return "damaged"
    if "no such table" in text or "no such column" in text or "does not exist" in text:
        return "missing"
    return "other"


def describe_error(db: str | Path, error: Exception) -> StoreError:
    """A driver's error met on ``db`` as a one-line ``StoreError`` (``QueryInterrupted``: over budget;
    ``StoreLocked``: a writer held the store too long; else the store's fault and what to do)."""
    if isinstance(error, StoreError):
        return error
    from .sqlite_health import fault

    text = str(error)
    if error_kind(error) == "interrupted":
        return QueryInterrupted(f"{db}: the query was interrupted: {' '.join(text.split())}")
    if isinstance(error, sqlite3.Error):
        described = fault(db, error)
        return StoreLocked(str(described)) if "locked" in text or "busy" in text else described
    if isinstance(error, psycopg.Error):
        from .postgres_connection import shown_url

        return StoreError(f"{shown_url(str(db))}: {' '.join(text.split())}")
    return StoreError(f"{db}: {text}")


def is_postgres(db: str) -> bool:
    """Whether ``db`` names a PostgreSQL server rather than a SQLite file."""
    return str(db).startswith(POSTGRES_PREFIXES)


def open_store(db: str, *, readonly: bool = False, check: bool = True) -> Store:
    """The store ``db`` names, opened for writing (taking the one writer's lock) or for reading.

    ``check``: a writer refuses a damaged store (SQLite: ``quick_check``) so nothing is written into it.
    """
    if is_postgres(db):
        from .postgres import PostgresStore

        return PostgresStore(db, readonly=readonly, check=check)
    from .sqlite import SqliteStore

    return SqliteStore(db, readonly=readonly, check=check)


def open_reader(db: str, *, budget: float = 5.0) -> Store:
    """A read-only store safe to share between threads (the web app): every thread reads through its
    own connection, and a read running past ``budget`` seconds after :func:`begin_request` stops with
    ``QueryInterrupted``."""
    if is_postgres(db):
        from .postgres_shared import PgSharedReader

        return PgSharedReader(db, budget=budget)
    from .sqlite_shared import SharedReader

    return SharedReader(db, budget=budget)


def check_store(db: str, *, quick: bool = False) -> list[str]:
    """What is wrong with the store ``db`` (empty: healthy): ``newstrace check``."""
    if is_postgres(db):
        from .postgres_health import check_store as check_pg

        return check_pg(db)
    from .sqlite_health import check_store as check

    return check(db, quick=quick)


def require_healthy(db: str) -> None:
    """Raise a one-line ``StoreError`` unless the store ``db`` opens and passes a quick check."""
    if is_postgres(db):
        from .postgres_health import require_healthy as require_pg

        require_pg(db)
        return
    from .sqlite_health import require_healthy as require

    require(db)


def begin_request(store: Store) -> None:
    """Start the time budget of one request on a store from :func:`open_reader` (others: no-op)."""
    begin: Callable[[], None] | None = getattr(store, "begin", None)
    if begin is not None:
        begin()


def end_request(store: Store) -> None:
    """End one request on a store from :func:`open_reader` (its connection goes back to the pool)."""
    end: Callable[[], None] | None = getattr(store, "end", None)
    if end is not None:
        end()
