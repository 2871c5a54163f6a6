"""``newstrace copy-store SRC DST``: a corpus moved between backends (SQLite, PostgreSQL) without loss.

Every table is copied row for row, columns by name, in its own order (documents keep their ingest
positions, quotes their row ids: "who was first" and "newest first" stay as they were); the search
rows the destination derives itself (FTS5 quote rows; PostgreSQL's ``tsvector`` columns) are remade
there. The destination must be empty, and is written under its writer lock, a few thousand rows per
transaction; a copy interrupted midway leaves a store that the next attempt refuses (not empty)
rather than merges into: copy into a new one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import islice
from typing import Any

from ..errors import StoreError
from . import open_store
from .sql_documents import BLOB_KEYS, SqlDocuments
from .sql_stories import SqlStories

# (table, order): every table a store may have; story tables only once stories were computed
TABLES: tuple[tuple[str, str], ...] = (
    ("meta", "key"),
    ("blobs", "key"),
    ("documents", "seq"),
    ("revisions", "id, revision"),
    ("layers", "rowid"),
    ("quotes", "rowid"),
    ("entities", "rowid"),
    ("body_fts", "doc_id"),
    ("passages", "doc_id, start, \"end\", other_id"),
    ("errors", "source"),
    ("stories", "id"),
    ("story_documents", "doc_id"),
    ("story_events", "doc_id"),
    ("story_statements", "story_id"),
    ("story_views", "story_id"),
)
BATCH = 2000


def copy_store(src: str, dst: str, progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Copy the store ``src`` into the new (empty) store ``dst``; the rows copied per table."""
    counts: dict[str, int] = {}
    with open_store(src, readonly=True) as a, open_store(dst) as b:
        assert isinstance(a, SqlDocuments) and isinstance(a, SqlStories)
        assert isinstance(b, SqlDocuments) and isinstance(b, SqlStories)
        if b.count() or b.error_count():
            raise StoreError(f"{dst}: not empty ({b.count()} documents); copy into a new store")
        have = a._table_names()
        if "story_documents" in have:
            b._ensure_stories()
        b_tables = b._table_names()
        for table, order in TABLES:
            if table not in have or table not in b_tables or (table == "blobs" and table != a.BLOB_TABLE):
                continue
            counts[table] = _copy_table(a, b, table, order, progress)
        if a.BLOB_TABLE != b.BLOB_TABLE:  # a release-1 store keeps its binary values in meta
            for key in BLOB_KEYS:
                blob = a.get_blob(key)
                if blob is not None:
                    with b._write():
                        b._set_blob(key, blob)
        b.rebuild_search()
        b.reset_sequences()
    return counts


def _copy_table(
    a: SqlDocuments, b: SqlDocuments, table: str, order: str, progress: Callable[[str, int], None] | None
) -> int:
    src_cols, rows = a.table_rows(table, order)
    dst_cols = set(b._columns(table))
    keep = [i for i, c in enumerate(src_cols) if c in dst_cols]
    cols = [src_cols[i] for i in keep]
    verb = "INSERT INTO"
    if table == "meta":  # the version is the destination's own; binary values go to its blob table
        skip = {"schema_version", *(BLOB_KEYS if b.BLOB_TABLE != "meta" else ())}
        rows = (r for r in rows if r[0] not in skip)
        verb = "INSERT OR REPLACE INTO"
    marks = ", ".join("?" * len(cols))
    names = ", ".join(f'"{c}"' for c in cols)
    sql = f"{verb} {table}({names}) VALUES ({marks})"
    n = 0
    for batch in _batches((tuple(r[i] for i in keep) for r in rows), BATCH):
        with b._write() as con:
            con.executemany(sql, batch)
        n += len(batch)
        if progress is not None:
            progress(table, n)
    return n


def _batches(rows: Iterator[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    while True:
        batch = list(islice(rows, size))
        if not batch:
            return
        yield batch
