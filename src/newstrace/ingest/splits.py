"""Input splits: the pieces of an input that workers read by themselves, for runners on many machines.

A driver that read every page and shipped the bytes to workers would be the bottleneck of a cluster,
so the driver only lists files (names and sizes) and the workers do the rest, in two steps:

1. ``plan_file`` (on a worker) looks into one file and cuts it into splits: a page file, a gzip'd
   JSON Lines file and a WARC compressed as one gzip stream are one split each; a JSON Lines file is
   cut every ``per_split`` lines, a WARC (plain, or gzip'd per record as crawlers write them) every
   ``per_split`` records, at offsets a reader can seek to. Planning reads the file but parses no page.
2. ``read_split`` (on a worker) reads the items of one split, named exactly as reading the whole
   file names them (``path:LINE``, ``path#record N``).

Reading a file split by split gives the items reading it whole gives, in the same order, with two
facts only the whole file knows left to the caller (``SplitRead``): ids repeated across the splits of
a JSON Lines file, and a WARC holding no page at all or breaking off in a split (its later splits are
then dropped, as a whole read stops there).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Literal

from ..errors import InputError
from ..model import Document
from .detect import GZIP_MAGIC, HEAD_BYTES, GzipStream, format_from_name, gunzip_head, sniff
from .jsonl import iter_jsonl, physical_lines
from .readers import MAX_INPUT_BYTES, guard_items, read_file
from .warc import WarcTally, iter_warc, no_pages

PER_SPLIT = 64  # records per split: enough to amortise a task, few enough to spread one file

Kind = Literal["whole", "jsonl", "warc"]
Item = Document | InputError


@dataclass(frozen=True, slots=True)
class Split:
    """Where a worker starts reading (``offset``, the number of the line or record found there) and how
    many lines or records it reads (``count``; None: to the end of the file)."""

    path: str
    doc_id: str
    format: str
    kind: Kind = "whole"
    offset: int = 0
    first: int = 1
    count: int | None = None
    gz: bool = False

    @property
    def source(self) -> str:
        return self.path

    @property
    def last(self) -> bool:
        return self.count is None


@dataclass
class SplitRead:
    """The items of one split, and what the caller needs to finish the file's whole-file checks."""

    split: Split
    items: list[Item] = field(default_factory=list)
    tally: WarcTally | None = None


def plan_file(path: str, doc_id: str, format: str = "auto", *, per_split: int = PER_SPLIT,
              max_bytes: int = MAX_INPUT_BYTES) -> list[Split]:
    """The splits of one file, in reading order; one whole split whenever cutting it could change what
    a reader sees (unreadable, a page, gzip'd JSON Lines, one JSON value, fewer lines than a split)."""
    whole = [Split(path, doc_id, format)]
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size == 0:
            return whole
        with open(path, "rb") as f:
            head = f.read(HEAD_BYTES)
            gz = head[:2] == GZIP_MAGIC
            view = gunzip_head(head, path) if gz else head
            fmt = format
            if fmt == "auto":
                fmt = format_from_name(path)[0] or sniff(view, path)
            if fmt == "jsonl" and not gz:
                return _jsonl_splits(f, path, doc_id, format, per_split, max_bytes) or whole
            if fmt == "warc" and view.lstrip().startswith(b"WARC/"):
                return _warc_splits(f, path, doc_id, format, gz, per_split) or whole
    except (OSError, InputError, ValueError):
        return whole  # the reader meets the same fault and names it
    return whole


def _jsonl_splits(
    stream: BinaryIO, path: str, doc_id: str, fmt: str, per_split: int, max_bytes: int
) -> list[Split]:
    stream.seek(0)
    starts: list[tuple[int, int]] = []  # (offset, line number) of each split
    offset = 0
    records = 0
    for n, raw, length in physical_lines(stream, max_bytes):
        stripped = raw.strip()
        if stripped and records == 0 and (stripped.startswith(b"[") or stripped == b"{"):
            return []  # one JSON value for the whole file: read whole
        if (n - 1) % per_split == 0:
            starts.append((offset, n))
        if stripped:
            records += 1
        offset += length
    if len(starts) < 2 or records == 0:
        return []
    out = [Split(path, doc_id, fmt, "jsonl", off, line, per_split) for off, line in starts]
    last = out[-1]
    out[-1] = Split(path, doc_id, fmt, "jsonl", last.offset, last.first, None)
    return out


def _warc_splits(stream: BinaryIO, path: str, doc_id: str, fmt: str, gz: bool, per_split: int) -> list[Split]:
    """Record offsets from warcio's own iterator (it knows gzip members); a split starts at a record
    whose offset a reader can seek to: the file's bytes there start a gzip member, or it is plain."""
    from warcio.archiveiterator import ArchiveIterator

    stream.seek(0)
    starts: list[tuple[int, int]] = []
    try:
        archive = ArchiveIterator(stream)
        for n, _ in enumerate(archive, 1):
            if (n - 1) % per_split == 0:
                starts.append((int(archive.get_record_offset()), n))
    except Exception:  # noqa: BLE001 - a broken archive: splits up to the break, the reader names it
        pass
    if len(starts) < 2:
        return []
    if gz:
        for offset, _ in starts:
            stream.seek(offset)
            if stream.read(2) != GZIP_MAGIC:
                return []  # one gzip stream for the whole file: not seekable by record
    out = [Split(path, doc_id, fmt, "warc", off, n, per_split, gz) for off, n in starts]
    last = out[-1]
    out[-1] = Split(path, doc_id, fmt, "warc", last.offset, last.first, None, gz)
    return out


def read_split(split: Split, *, max_bytes: int = MAX_INPUT_BYTES) -> SplitRead:
    """The items of one split (documents and errors, in file order)."""
    if split.kind == "whole":
        return SplitRead(split, list(read_file(Path(split.path), split.doc_id, split.format, max_bytes)))
    out = SplitRead(split)
    with open(split.path, "rb") as f:
        f.seek(split.offset)
        if split.kind == "jsonl":
            items = iter_jsonl(f, split.source, max_bytes=max_bytes, first=split.first, count=split.count)
        else:
            out.tally = WarcTally()
            stream = GzipStream(f, split.source) if split.gz else f
            items = iter_warc(stream, split.source, max_bytes=max_bytes, first=split.first,
                              count=split.count, tally=out.tally)
        out.items = list(guard_items(items, split.source))
    return out


def join_splits(reads: Iterable[SplitRead]) -> Iterator[Item]:
    """The items of split reads (in plan order) as reading each file whole gives them: an id repeated
    across a JSON Lines file's splits is an error in its later place, a WARC's splits after the one it
    broke off in are dropped, and a WARC of no page records is one error."""
    path: str | None = None
    seen: dict[str, str] = {}
    broken = errors = False
    records = skipped = produced = 0
    for read in reads:
        split = read.split
        if split.path != path or split.first == 1:
            path, seen, broken, errors = split.path, {}, False, False
            records = skipped = produced = 0
        if broken:
            continue
        for item in read.items:
            if isinstance(item, Document) and split.kind == "jsonl":
                if item.id in seen:
                    item = InputError(item.source or split.source,
                                      f"duplicate id {item.id!r} (first at {seen[item.id]})")
                else:
                    seen[item.id] = item.source or split.source
            errors = errors or isinstance(item, InputError)
            yield item
        if read.tally is not None:
            records += read.tally.records
            skipped += read.tally.skipped
            produced += read.tally.produced
            broken = read.tally.broken
            if split.last and not errors and produced == 0 and records == skipped:
                yield no_pages(split.source, records)
