"""Reading inputs: paths, folders and globs in; a ``Document`` or an ``InputError`` per item out.

An item is one page: a file, a JSON Lines record or a WARC record. Batch commands must record a bad
item and go on, so ``read_paths`` never raises for bad input: it yields the error in the item's place.
``read_bytes`` reads one in-memory input and raises instead, for callers that handle a single page.

Size limits protect memory: a text or HTML page larger than ``max_bytes`` is refused from its file
size before it is read, and gzip data is refused as soon as its decompressed size passes the limit.
Containers (JSON Lines, WARC) are streamed, so the limit applies to each record, not to the file.

Ids and sources are valid Unicode whatever the file system holds: a file's id is its name with its
extension (``story.html`` and ``story.txt`` are two pages), and a name that is not UTF-8 is escaped
(``detect.escape_name``). No reader hands on a lone surrogate: they are replaced and reported.
"""

from __future__ import annotations

import glob
import gzip
import io
import logging
import os
import stat
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import IO, Any, cast

from ..errors import InputError
from ..model import Document
from ..normalize import replace_unencodable
from .detect import (
    FORMATS,
    GZIP_MAGIC,
    HEAD_BYTES,
    ByteStream,
    GzipStream,
    binary_kind,
    check_format,
    decode_text,
    escape_name,
    format_from_name,
    gunzip,
    gunzip_head,
    reject_binary,
    sniff,
)
from .jsonl import iter_jsonl
from .text import read_text
from .warc import iter_warc

__all__ = [
    "FORMATS", "MAX_INPUT_BYTES", "expand_paths", "guard_items", "read_bytes", "read_file", "read_paths",
]

PathArg = str | bytes | os.PathLike[str] | os.PathLike[bytes]

logger = logging.getLogger(__name__)

MAX_INPUT_BYTES = 20 * 1024 * 1024

STDIN = "-"  # the path that means standard input (the command-line convention)
STDIN_SOURCE = "<stdin>"  # how errors name it
STDIN_ID = "stdin"  # the id of a text or HTML page read from it (records keep their own ids)


@dataclass(frozen=True, slots=True)
class _Input:
    """One input before we know what is in it: where it came from, its default id, how to open it."""

    source: str
    doc_id: str
    size: int
    open: Callable[[], IO[bytes]]


def read_bytes(
    data: bytes, source: str, format: str = "auto", *, max_bytes: int = MAX_INPUT_BYTES
) -> list[Document]:
    """The documents in one in-memory input; raises ``InputError`` naming ``source`` if it is bad.

    ``source`` is also what the format is guessed from (its extension) and the id derived from (its
    name, extension kept). For JSON Lines and WARC input, the first bad record raises.
    """
    source = escape_name(source)
    try:
        fmt = check_format(format)
    except ValueError as e:
        raise InputError(source, str(e)) from None
    doc_id = Path(source).name or source
    out: list[Document] = []
    for item in _guarded(_Input(source, doc_id, len(data), lambda: io.BytesIO(data)), fmt, max_bytes):
        if isinstance(item, InputError):
            raise item
        out.append(item)
    return out


def read_paths(
    paths: PathArg | Iterable[PathArg], format: str = "auto", *, max_bytes: int = MAX_INPUT_BYTES
) -> Iterator[Document | InputError]:
    """Yield a ``Document`` or an ``InputError`` per input item of files, folders and glob patterns.

    Never raises for bad input: a missing path, an unreadable file, a bad JSON line or a truncated WARC
    record each come out as an ``InputError`` naming it, and reading goes on with the next item.
    """
    if isinstance(paths, str | bytes | os.PathLike):  # one path, not an iterable of characters
        paths = [paths]
    try:
        fmt = check_format(format)
    except ValueError as e:
        for p in paths:
            yield InputError(escape_name(os.fsdecode(p)), str(e))
        return
    for p in paths:
        if os.fsdecode(p) == STDIN:
            yield from read_stream(sys.stdin.buffer, STDIN_SOURCE, STDIN_ID, fmt, max_bytes)
            continue
        for item in expand_paths([p]):
            if isinstance(item, InputError):
                yield item
                continue
            path, doc_id = item
            yield from read_file(path, doc_id, fmt, max_bytes)


def expand_paths(paths: Iterable[PathArg]) -> Iterator[tuple[Path, str] | InputError]:
    """``(file, default id)`` for every file the arguments name, or an ``InputError`` for a bad argument.

    A file is taken as given (id: its name, extension kept). A folder is walked in sorted order,
    skipping hidden files and folders, the folder's own README/LICENSE files, and files whose
    extension we do not read (id: the path relative to the folder, extension kept, ``/``-separated).
    A pattern that is not an existing path is expanded as a glob. Ids and error sources are escaped
    (``escape_name``) where the file system's names are not UTF-8.
    """
    for p in paths:
        s = os.fsdecode(p)
        path = Path(s)
        if path.is_dir():
            yield from _walk(path, s)
        elif path.exists() or path.is_symlink():
            yield path, escape_name(path.name)
        elif glob.has_magic(s):
            matches = sorted(glob.glob(s, recursive=True))
            if not matches:
                yield InputError(escape_name(s), "no files match this pattern")
            for m in matches:
                mp = Path(m)
                if mp.is_dir():
                    yield from _walk(mp, m)
                else:
                    yield mp, escape_name(mp.name)
        else:
            yield InputError(escape_name(s), "no such file or directory")


_FOLDER_DOCS = ("readme", "license", "licence", "copying", "notice", "changelog")


def _is_folder_doc(name: str) -> bool:
    """A folder's own documentation (README.md, LICENSE.txt …) is not one of its pages."""
    return name.lower().split(".", 1)[0] in _FOLDER_DOCS


def _walk(root: Path, source: str) -> Iterator[tuple[Path, str] | InputError]:
    """The readable files under ``root``, sorted by relative path; errors for unreadable folders."""
    errors: list[InputError] = []

    def onerror(e: OSError) -> None:
        errors.append(InputError(escape_name(os.fsdecode(e.filename or source)), e.strerror or str(e)))

    found: list[tuple[str, Path]] = []
    ignored = 0
    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.startswith(".") or _is_folder_doc(name):
                continue
            if format_from_name(name)[0] is None:
                ignored += 1
                continue
            full = Path(dirpath) / name
            found.append((full.relative_to(root).as_posix(), full))
    if ignored:
        logger.debug("%s: ignored %d file(s) with extensions newstrace does not read", source, ignored)
    yield from errors
    if not found and not errors:
        reason = f"no readable files in this folder ({ignored} other files ignored)"
        yield InputError(escape_name(source), reason)
    for rel, full in sorted(found):
        yield full, escape_name(rel)


def read_stream(
    stream: IO[bytes], source: str, doc_id: str, format: str = "auto", max_bytes: int = MAX_INPUT_BYTES
) -> Iterator[Document | InputError]:
    """The items of a stream that cannot seek (standard input), errors in their place: its format is
    sniffed from its first bytes, JSON Lines and WARC are streamed, a page is read up to ``max_bytes``."""
    try:
        fmt = check_format(format)
        head = stream.read(HEAD_BYTES)
    except ValueError as e:
        yield InputError(source, str(e))
        return
    except OSError as e:
        yield InputError(source, e.strerror or str(e))
        return
    # The size is what has been seen so far: the size checks before reading pass, the one after catches it.
    rewound = cast(IO[bytes], _Rewound(head, stream))
    yield from _guarded(_Input(source, doc_id, len(head), lambda: rewound), fmt, max_bytes)


class _Rewound(io.RawIOBase):
    """A stream whose first bytes were read already: it reads them again, then the rest. It can be
    rewound to its start (``seek(0)``) only while no byte past them has been read."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        super().__init__()
        self._head = head
        self._rest = rest
        self._pos = 0  # bytes read so far, from the start of the stream

    def readable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        if offset != 0 or whence != 0 or self._pos > len(self._head):
            raise io.UnsupportedOperation("a stream is only read again from its start, and only once")
        self._pos = 0
        return 0

    def read(self, size: int | None = -1) -> bytes:
        whole = size is None or size < 0
        out = self._head[self._pos :] if whole else self._head[self._pos : self._pos + (size or 0)]
        if whole or len(out) < (size or 0):
            out += self._rest.read(-1 if whole else (size or 0) - len(out))
        self._pos += len(out)
        return out

    def readline(self, size: int | None = -1) -> bytes:
        limit = -1 if size is None else size
        out = b""
        if self._pos < len(self._head):
            end = self._head.find(b"\n", self._pos)
            stop = len(self._head) if end < 0 else end + 1
            if limit >= 0:
                stop = min(stop, self._pos + limit)
            out = self._head[self._pos : stop]
            if out.endswith(b"\n") or (limit >= 0 and len(out) >= limit) or stop < len(self._head):
                self._pos += len(out)
                return out
        rest = -1 if limit < 0 else limit - len(out)
        out += self._rest.readline(rest)
        self._pos += len(out)
        return out


def read_file(path: Path, doc_id: str, fmt: str, max_bytes: int) -> Iterator[Document | InputError]:
    """The items of one file (``doc_id``: its default id), errors in their place."""
    source = escape_name(str(path))
    try:
        st = path.stat()
    except OSError as e:
        yield InputError(source, e.strerror or str(e))
        return
    if not stat.S_ISREG(st.st_mode):
        yield InputError(source, "not a regular file")
        return
    yield from _guarded(_Input(source, doc_id, st.st_size, lambda: path.open("rb")), fmt, max_bytes)


def _guarded(inp: _Input, fmt: str, max_bytes: int) -> Iterator[Document | InputError]:
    """``_read_input`` with every failure turned into an ``InputError`` naming the input."""
    return guard_items(_read_input(inp, fmt, max_bytes), inp.source)


def guard_items(items: Iterator[Document | InputError], source: str) -> Iterator[Document | InputError]:
    """The items of one input, every failure of its reader turned into an ``InputError`` naming it and
    every document's text made encodable."""
    try:
        for item in items:
            yield _encodable(item) if isinstance(item, Document) else item
    except InputError as e:
        yield e
    except ImportError:
        raise  # a broken installation is not a bad input
    except (gzip.BadGzipFile, EOFError, zlib.error) as e:
        yield InputError(source, f"truncated or corrupt gzip data ({e})")
    except OSError as e:
        yield InputError(source, e.strerror or str(e))
    except RecursionError:
        yield InputError(source, "cannot read: structure nested too deeply")
    except Exception as e:  # a reader bug must not stop a batch; say what it was
        logger.debug("%s: reader failed", source, exc_info=True)
        yield InputError(source, f"cannot read ({type(e).__name__}: {e})")


def _read_input(inp: _Input, fmt: str, max_bytes: int) -> Iterator[Document | InputError]:
    """Detect, then read; raises ``InputError`` when the whole input is bad."""
    source = inp.source
    if inp.size == 0:
        raise InputError(source, "empty input")
    name_fmt, _ = format_from_name(source)
    planned = name_fmt if fmt == "auto" else fmt
    if planned in ("text", "html") and inp.size > max_bytes:
        raise _too_large(source, inp.size, max_bytes)
    with inp.open() as f:
        head = f.read(HEAD_BYTES)
        gz = head[:2] == GZIP_MAGIC
        view = gunzip_head(head, source) if gz else head
        kind = binary_kind(view[:64])
        if kind:
            raise InputError(source, f"unknown format: binary content ({kind})")
        if fmt == "auto":
            fmt = name_fmt or sniff(view, source)
        if fmt in ("warc", "jsonl"):
            f.seek(0)
            stream: ByteStream = GzipStream(f, source) if gz else f
            if fmt == "warc":
                if not view.lstrip().startswith(b"WARC/"):
                    raise InputError(source, f"not a WARC file (starts with {view[:20]!r})")
                yield from iter_warc(stream, source, max_bytes=max_bytes)
            else:
                yield from iter_jsonl(stream, source, max_bytes=max_bytes)
            return
        if inp.size > max_bytes:
            raise _too_large(source, inp.size, max_bytes)
        f.seek(0)
        data = f.read(max_bytes + 1)
        if len(data) > max_bytes:  # the file grew since we looked
            raise _too_large(source, len(data), max_bytes)
    if gz:
        data = gunzip(data, source, max_bytes)
    yield _single(data, fmt, inp)


def _single(data: bytes, fmt: str, inp: _Input) -> Document:
    """One text or HTML page."""
    if fmt == "text":
        return read_text(decode_text(data, inp.source), doc_id=inp.doc_id, source=inp.source)
    if not data.strip():
        raise InputError(inp.source, "empty input")
    reject_binary(data, inp.source)
    from .html import read_html

    return read_html(data, doc_id=inp.doc_id, source=inp.source)


def _encodable(doc: Document) -> Document:
    """``doc`` with no lone surrogate in its text or metadata, whichever reader made it (defence in
    depth: the readers replace and report them where they read them, see ``normalize``)."""
    changed: dict[str, Any] = {}
    count = 0
    for f in fields(doc):
        value = getattr(doc, f.name)
        if isinstance(value, str):
            clean, n = replace_unencodable(value)
            if n:
                changed[f.name] = clean
                count += n
    if not changed:
        return doc
    logger.warning("%s: %d unencodable code point(s) replaced with U+FFFD (in %s)",
                   changed.get("source", doc.source), count, ", ".join(sorted(changed)))
    return replace(doc, **changed)


def _too_large(source: str, size: int, max_bytes: int) -> InputError:
    return InputError(source, f"too large: {size} bytes > {max_bytes} limit")
