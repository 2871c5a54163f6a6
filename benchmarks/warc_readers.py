"""WARC parsing: warcio (what newstrace reads WARC with) against FastWARC, on the bundled real pages.

The 1,171 bundled pages (``tests/fixtures/corpora``: 181 + 990) are written as WARC response records
(one gzip member per record, and uncompressed), repeated ``--copies`` times, then read back by each
library: every record's HTTP headers parsed and its payload read whole, as a reader must. With
``--newstrace`` the same archive goes through newstrace's own WARC reader as well (records and HTML
reading, no analysis), to show what share of a page's reading the WARC parsing is.

    python benchmarks/warc_readers.py [--copies 5] [--repeat 3] [--newstrace]

FastWARC is not a newstrace dependency: run this in an environment that has it (``pip install
fastwarc warcio==1.8.1``); a library that is not installed is reported as such.
"""

from __future__ import annotations

import argparse
import gzip
import io
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT / "tests" / "fixtures" / "corpora"


def pages() -> list[tuple[str, bytes]]:
    """``(url, html bytes)`` of every bundled page."""
    out = []
    for path in sorted(CORPORA.glob("*/html/*.gz")):
        out.append((f"https://bench.example/{path.parent.parent.name}/{quote(path.name[:-3])}",
                    gzip.decompress(path.read_bytes())))
    return out


def build(path: Path, items: list[tuple[str, bytes]], copies: int, gz: bool) -> int:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    n = 0
    with path.open("wb") as f:
        writer = WARCWriter(f, gzip=gz)
        for c in range(copies):
            for url, body in items:
                http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                        protocol="HTTP/1.1")
                rec = writer.create_warc_record(f"{url}?copy={c}", "response", payload=io.BytesIO(body),
                                                http_headers=http)
                writer.write_record(rec)
                n += 1
    return n


def read_warcio(path: Path) -> int:
    from warcio.archiveiterator import ArchiveIterator

    total = 0
    with path.open("rb") as f:
        for record in ArchiveIterator(f):
            if record.rec_type != "response":
                continue
            assert record.http_headers.get_header("Content-Type")
            total += len(record.content_stream().read())
    return total


def read_fastwarc(path: Path) -> int:
    from fastwarc import ArchiveIterator, WarcRecordType  # type: ignore[import-not-found,unused-ignore]

    total = 0
    records = ArchiveIterator(str(path), record_types=WarcRecordType.response, parse_http=True,
                              fsspec_args=False)  # gzip detected from the data
    for record in records:
        assert record.http_content_type
        total += len(record.reader.read())
    return total


def read_newstrace(path: Path) -> int:
    from newstrace.ingest import read_paths
    from newstrace.model import Document

    total = 0
    for item in read_paths([path], "warc"):
        assert isinstance(item, Document), item
        total += 1
    return total


def best(func: Callable[[Path], int], path: Path, repeat: int) -> tuple[float, int]:
    times = []
    result = 0
    for _ in range(repeat):
        started = time.perf_counter()
        result = func(path)
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=5, help="times the bundled pages are repeated (default 5)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per reader; the best is reported")
    ap.add_argument("--newstrace", action="store_true", help="also newstrace's own WARC reader (with HTML)")
    args = ap.parse_args()
    items = pages()
    readers: dict[str, Callable[[Path], int]] = {"warcio 1.8.1": read_warcio, "FastWARC": read_fastwarc}
    if args.newstrace:
        readers["newstrace read_paths (warcio + HTML reading)"] = read_newstrace
    with tempfile.TemporaryDirectory() as tmp:
        for gz in (False, True):
            path = Path(tmp) / ("bench.warc.gz" if gz else "bench.warc")
            n = build(path, items, args.copies, gz)
            mb = path.stat().st_size / 1e6
            print(f"\n{path.name}: {n} records, {mb:.1f} MB")
            base = None
            for name, func in readers.items():
                try:
                    seconds, result = best(func, path, args.repeat)
                except ImportError as e:
                    print(f"  {name:<48} not installed ({e.name})")
                    continue
                base = base or seconds
                print(f"  {name:<48} {seconds:7.3f} s  {n / seconds:9.0f} records/s  "
                      f"{seconds / base:5.2f}x warcio's time  ({result})")


if __name__ == "__main__":
    main()
