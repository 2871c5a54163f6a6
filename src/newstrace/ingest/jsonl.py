"""JSON Lines input: one record per line, ``{"id", "text"|"html", "url", "title", "published", "outlet"}``
(news-please and trafilatura records are read too: ``records``).

Each line is its own item: a bad line is reported as an ``InputError`` naming ``path:LINE`` and the rest
of the file is still read, because one malformed record must not cost a corpus. The record's ``id`` is
kept as the document id everywhere, so users can join our output back to their data.

JSON can spell code points no text encoding holds (a lone ``"\\ud800"``): they become U+FFFD in every
field, with a warning naming the record, so nothing downstream has to cope with them.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from functools import partial
from typing import Any

from ..errors import InputError
from ..model import Document
from ..normalize import replace_unencodable
from .detect import ByteStream
from .records import foreign_fields

logger = logging.getLogger(__name__)

_FIELDS = ("id", "text", "html", "url", "title", "published", "outlet")
_DATE = re.compile(r"\A(\d{4})-(\d{2})-(\d{2})")
_CHUNK = 1 << 20

def _read_html(html: str, *, doc_id: str, source: str, url: str | None) -> Document:
    """The HTML reader, imported late so the JSON Lines reader loads without lxml until it needs it."""
    from .html import read_html

    return read_html(html, doc_id=doc_id, source=source, url=url)


def parse_published(value: str, source: str) -> str:
    """``YYYY-MM-DD`` from a ``published`` value that starts with an ISO date, else ``InputError``."""
    m = _DATE.match(value.strip())
    if not m:
        raise InputError(source, f"'published' must start with YYYY-MM-DD, got {value[:40]!r}")
    try:
        return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError as e:
        raise InputError(source, f"'published' is not a valid date: {m[0]!r} ({e})") from e


def record_to_document(record: Any, source: str) -> Document:
    """A ``Document`` from one decoded input record; ``InputError`` if the record breaks the contract.

    ``html`` wins over ``text`` when both are given (it carries the page's structure). Fields the record
    gives (title, published, outlet) win over what the page's own metadata says.
    """
    if not isinstance(record, dict):
        raise InputError(source, f"record is not a JSON object (got {_json_type(record)})")
    record = foreign_fields(record)  # news-please and trafilatura records read as ours
    fields: dict[str, str | None] = {}
    replaced: dict[str, int] = {}
    for name in _FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            raise InputError(source, f"'{name}' must be a string, got {_json_type(value)}")
        if value:
            value, n = replace_unencodable(value)
            if n:
                replaced[name] = n
        fields[name] = value
    if replaced:
        logger.warning("%s: %d unencodable code point(s) (lone surrogates) replaced with U+FFFD in %s",
                       source, sum(replaced.values()), ", ".join(f"'{k}'" for k in replaced))
    doc_id = fields["id"]
    if doc_id is None or not doc_id.strip():
        raise InputError(source, "record has no 'id'")
    html, text = fields["html"], fields["text"]
    if not (html and html.strip()) and not (text and text.strip()):
        if html is None and text is None:
            raise InputError(source, "record has neither 'text' nor 'html'")
        raise InputError(source, "empty input ('text'/'html' is blank)")
    published = parse_published(fields["published"], source) if fields["published"] else None
    url, title, outlet = fields["url"], fields["title"], fields["outlet"]
    if html and html.strip():
        doc = _read_html(html, doc_id=doc_id, source=source, url=url)
        return replace(
            doc,
            title=title if title is not None else doc.title,
            published=published if published is not None else doc.published,
            outlet=outlet if outlet is not None else doc.outlet,
            url=url if url is not None else doc.url,
            format="jsonl",
        )
    from .text import read_text

    assert text is not None
    doc = read_text(text, doc_id=doc_id, source=source, url=url, title=title, published=published,
                    outlet=outlet)
    return replace(doc, format="jsonl")


def _identity(value: Any) -> Any:
    return value


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def physical_lines(stream: ByteStream, max_bytes: int, first: int = 1) -> Iterator[tuple[int, bytes, int]]:
    """``(line_no, line, length)`` per physical line; an over-long line comes back empty with its length.

    ``first``: the number of the stream's first line (a reader of one part of a file)."""
    n = first - 1
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        n += 1
        if len(line) > max_bytes and not line.endswith(b"\n"):
            length = len(line)
            while True:  # skip the rest of the line without holding it
                more = stream.readline(_CHUNK)
                length += len(more)
                if not more or more.endswith(b"\n"):
                    break
            yield n, b"", length
        else:
            yield n, line, len(line)


def _loads(raw: bytes, source: str) -> Any:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(source, f"not UTF-8 ({e.reason} at byte {e.start})") from e
    try:
        return json.loads(line)
    except json.JSONDecodeError as e:
        raise InputError(source, f"not JSON ({e.msg} at column {e.colno})") from e
    except RecursionError as e:
        raise InputError(source, "not JSON (nested too deeply)") from e


def iter_jsonl(
    stream: ByteStream, source: str, *, max_bytes: int, first: int = 1, count: int | None = None,
    skip: int = 0,
) -> Iterator[Document | InputError]:
    """Yield a ``Document`` or an ``InputError`` per record of an (uncompressed) JSON Lines stream.

    A file holding one JSON array of records, or one pretty-printed record, is read too (``.json``
    files often are); its items are named ``path#item N``. ``first``/``count``: the stream starts at
    line ``first`` of the file and only ``count`` lines are read (one part of a file; ids repeated
    across parts are the caller's to find); ``skip``: lines passed over first (counted in ``count``).
    """
    seen: dict[str, str] = {}
    whole = first == 1 and count is None
    any_line = first > 1  # only a file's own start may hold one whole JSON value
    for n, raw, length in physical_lines(stream, max_bytes, first):
        if count is not None and n >= first + count:
            break
        if n < first + skip:
            continue
        if n == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        src = f"{source}:{n}"
        if not raw and length:
            yield InputError(src, f"too large: {length} bytes > {max_bytes} limit")
            any_line = True
            continue
        stripped = raw.strip()
        if not stripped:
            continue
        if not any_line and (stripped.startswith(b"[") or stripped == b"{"):
            yield from _whole_document(raw + stream.read(max_bytes + 1), source, n, max_bytes, seen)
            return
        any_line = True
        yield from _one(partial(_loads, raw, src), src, seen)
    if not any_line and whole:
        yield InputError(source, "empty input (no records)")


def _one(parse: Callable[[], Any], src: str, seen: dict[str, str]) -> Iterator[Document | InputError]:
    """The record ``parse()`` gives as a document, or its error; a repeated id is an error."""
    try:
        doc = record_to_document(parse(), src)
    except InputError as e:
        yield e
        return
    except ImportError:
        raise
    except Exception as e:  # a reader bug must not stop a batch; say what it was
        yield InputError(src, f"cannot read record ({type(e).__name__}: {e})")
        return
    if doc.id in seen:
        yield InputError(src, f"duplicate id {doc.id!r} (first at {seen[doc.id]})")
        return
    seen[doc.id] = src
    yield doc


def _whole_document(
    data: bytes, source: str, line_no: int, max_bytes: int, seen: dict[str, str]
) -> Iterator[Document | InputError]:
    """Records from a file that is one JSON value (an array of records, or one record)."""
    if len(data) > max_bytes:
        yield InputError(source, f"too large: over {max_bytes} bytes in one JSON value ({max_bytes} limit)")
        return
    try:
        value = _loads(data, source)
    except InputError as e:
        yield e
        return
    if isinstance(value, list):
        if not value:
            yield InputError(source, "empty input (no records)")
        for i, record in enumerate(value, 1):
            yield from _one(partial(_identity, record), f"{source}#item {i}", seen)
    else:
        yield from _one(partial(_identity, value), f"{source}:{line_no}", seen)
