"""``newstrace export``: a store's tables as Parquet, CSV or JSON Lines, for pandas, R, DuckDB, a spreadsheet.

The rows come from the store's reads (``store.tables``); this module only writes them. Parquet goes
through pyarrow in batches, so a large store is never held in memory whole.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from typing import IO, Any

from .store.tables import Table

__all__ = ["EXPORT_FORMATS", "cmd_export", "write_table"]

EXPORT_FORMATS = ("parquet", "csv", "jsonl")
_BATCH = 10_000


def write_table(table: Table, fmt: str, out: IO[bytes]) -> int:
    """Write ``table`` to ``out`` as ``fmt``; the number of rows written."""
    if fmt == "parquet":
        return _parquet(table, out)
    if fmt not in ("csv", "jsonl"):
        raise ValueError(f"unknown export format {fmt!r}")
    import io

    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    try:
        return _csv(table, text) if fmt == "csv" else _jsonl(table, text)
    finally:
        text.flush()
        text.detach()  # leave ``out`` open: it may be standard output


def _csv(table: Table, out: IO[str]) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.names)
    n = 0
    for row in table.rows:
        writer.writerow(row)
        n += 1
    return n


def _jsonl(table: Table, out: IO[str]) -> int:
    names = table.names
    n = 0
    for row in table.rows:
        out.write(json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False) + "\n")
        n += 1
    return n


def _parquet(table: Table, out: IO[bytes]) -> int:
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
    import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]

    types = {"string": pa.string(), "int64": pa.int64(), "float64": pa.float64()}
    schema = pa.schema([(name, types[kind]) for name, kind in table.columns])
    n = 0
    with pq.ParquetWriter(out, schema) as writer:
        for batch in _batches(table.rows):
            columns = list(zip(*batch, strict=True))
            writer.write_batch(pa.record_batch(
                [pa.array(col, type=f.type) for col, f in zip(columns, schema, strict=True)], schema=schema))
            n += len(batch)
        if not n:
            writer.write_table(schema.empty_table())
    return n


def _batches(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    while batch := list(islice(rows, _BATCH)):
        yield batch


@contextmanager
def _destination(path: str) -> Iterator[IO[bytes]]:
    if path == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    with open(path, "wb") as f:
        yield f


def cmd_export(args: argparse.Namespace) -> int:
    """Write one table of the store to ``--out`` (standard output by default)."""
    from pathlib import Path

    from .render import safe
    from .store import is_postgres, open_store
    from .store.tables import table_rows

    if not is_postgres(args.db) and not Path(args.db).exists():
        print(f"newstrace: error: {safe(args.db)}: no such store (run `newstrace ingest PATH --db "
              f"{safe(args.db)}` first)", file=sys.stderr)
        return 2
    if args.format == "parquet" and args.out == "-" and sys.stdout.isatty():
        print("newstrace: error: Parquet is binary: give a file with --out FILE, or redirect standard output",
              file=sys.stderr)
        return 2
    with open_store(args.db, readonly=True) as store, _destination(args.out) as out:
        n = write_table(table_rows(store, args.table), args.format, out)
    if not args.quiet:
        where = "standard output" if args.out == "-" else args.out
        print(f"newstrace: {n} row(s) of {args.table} written to {where} as {args.format}", file=sys.stderr)
    return 0
