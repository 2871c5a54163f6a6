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
from dataclasses import dataclass, field, replace
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
    skip: int = 0  # lines or records passed over at the start (one record of a split: see ``singles``)

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
    out = SplitRead(split, tally=None if split.kind != "warc" else WarcTally())
    out.items = list(iter_split(split, out.tally, max_bytes=max_bytes))
    return out


def iter_split(split: Split, tally: WarcTally | None = None, *, max_bytes: int = MAX_INPUT_BYTES
               ) -> Iterator[Item]:
    """The items of one split, read as they are asked for (``tally``: a WARC split's counts)."""
    if split.kind == "whole":
        yield from read_file(Path(split.path), split.doc_id, split.format, max_bytes)
        return
    with open(split.path, "rb") as f:
        f.seek(split.offset)
        items: Iterator[Item]
        if split.kind == "jsonl":
            items = iter_jsonl(f, split.source, max_bytes=max_bytes, first=split.first, count=split.count,
                               skip=split.skip)
        else:
            stream = GzipStream(f, split.source) if split.gz else f
            items = iter_warc(stream, split.source, max_bytes=max_bytes, first=split.first,
                              count=split.count, skip=split.skip, tally=tally or WarcTally())
        yield from guard_items(items, split.source)


def singles(split: Split, per_split: int = PER_SPLIT) -> list[Split]:
    """One split per line or record of ``split`` (to find, after its reader died, which one kills it);
    a whole file has no smaller parts."""
    if split.kind == "whole":
        return [split]
    n = split.count if split.count is not None else per_split
    return [replace(split, skip=split.skip + k, count=split.skip + k + 1) for k in range(n - split.skip)]


def single_source(split: Split) -> str:
    """How a reader names the one line or record a single split holds."""
    number = split.first + split.skip
    return f"{split.source}:{number}" if split.kind == "jsonl" else f"{split.source}#record {number}"


class FileChecks:
    """The checks only a whole file knows, made while its splits come in order (``join_splits``, and
    runners whose items carry more than the page): an id repeated across a JSON Lines file's splits, a
    WARC broken off in one split (its later splits are dropped), a WARC of no page records."""

    def __init__(self) -> None:
        self.path: str | None = None
        self.broken = False
        self._seen: dict[str, str] = {}
        self._errors = False
        self._tally = WarcTally()

    def start(self, split: Split) -> bool:
        """Begin ``split``; False when its items are to be dropped (the file broke off before it)."""
        if split.path != self.path or split.first == 1 and split.skip == 0:
            self.path, self.broken, self._seen, self._errors = split.path, False, {}, False
            self._tally = WarcTally()
        return not self.broken

    def admit(self, split: Split, doc_id: str, source: str) -> InputError | None:
        """None for a page to keep; the error to put in its place when its id came earlier in the file."""
        if split.kind != "jsonl":
            return None
        if doc_id in self._seen:
            self._errors = True
            return InputError(source, f"duplicate id {doc_id!r} (first at {self._seen[doc_id]})")
        self._seen[doc_id] = source
        return None

    def error(self) -> None:
        self._errors = True

    def finish(self, split: Split, tally: WarcTally | None) -> InputError | None:
        """After ``split``'s items: the file's own error when this was its last split and it had no page."""
        if tally is None:
            return None
        self._tally.records += tally.records
        self._tally.skipped += tally.skipped
        self._tally.produced += tally.produced
        self.broken = tally.broken
        t = self._tally
        if split.last and not self._errors and t.produced == 0 and t.records == t.skipped:
            return no_pages(split.source, t.records)
        return None


def join_splits(reads: Iterable[SplitRead]) -> Iterator[Item]:
    """The items of split reads (in plan order) as reading each file whole gives them."""
    checks = FileChecks()
    for read in reads:
        split = read.split
        if not checks.start(split):
            continue
        for item in read.items:
            if isinstance(item, Document):
                item = checks.admit(split, item.id, item.source or split.source) or item
            if isinstance(item, InputError):
                checks.error()
            yield item
        last = checks.finish(split, read.tally)
        if last is not None:
            yield last
