"""``newstrace check`` on PostgreSQL: the server reachable, the store's tables, its schema version, and
its search rows in step with its documents (the server keeps its own pages whole: there is no page
check to run, as SQLite's ``integrity_check``)."""

from __future__ import annotations

import psycopg

from ..errors import StoreError
from .postgres_connection import connect, shown_url
from .postgres_schema import SCHEMA_VERSION
from .sqlite_health import REQUIRED_TABLES


def check_store(url: str) -> list[str]:
    """What is wrong with the store at ``url`` (empty: healthy)."""
    try:
        con = connect(url, readonly=True)
    except StoreError as e:
        return [str(e)]
    problems: list[str] = []
    try:
        tables = {str(r[0]) for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        )}
        missing = [t for t in REQUIRED_TABLES if t not in tables]
        if missing:
            return [f"not a newstrace store: no {', '.join(missing)} table"]
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None:
            problems.append("no schema version recorded")
        elif int(row[0]) > SCHEMA_VERSION:
            problems.append(f"made by a newer newstrace (schema {row[0]}; this one: {SCHEMA_VERSION})")
        lost = con.execute(
            "SELECT COUNT(*) FROM documents d LEFT JOIN body_fts f ON f.doc_id = d.id WHERE f.doc_id IS NULL"
        ).fetchone()
        if lost and lost[0]:
            problems.append(f"search index body_fts: {lost[0]} document(s) without searchable rows")
    except psycopg.Error as e:
        problems.append(f"{shown_url(url)}: {' '.join(str(e).split())}")
    finally:
        con.close()
    return problems


def require_healthy(url: str) -> None:
    """Raise a one-line ``StoreError`` unless the store at ``url`` answers and passes the check."""
    problems = check_store(url)
    if problems:
        shown = shown_url(url)
        first = " ".join(problems[0].split()).removeprefix(f"{shown}: ")
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise StoreError(f"{shown}: {first}{more} (run `newstrace check --db {shown}`)")
