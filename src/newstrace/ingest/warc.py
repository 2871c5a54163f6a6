"""WARC archives: the HTML (and plain-text) pages among their ``response`` and ``resource`` records.

Each page record is one item with a stable id derived from its WARC-Record-ID. Records that are not
news pages (images, scripts, requests, metadata, redirects) are skipped and only counted in a debug
log. A truncated or corrupt record is reported as ``path#record N`` and ends the archive (a WARC
cannot be resynchronised reliably), after every record before it has been yielded.

The caller hands us the uncompressed WARC stream (``detect.GzipStream`` for ``.warc.gz``): it reads
both per-record and whole-file gzip and raises on a truncated member, which warcio's own
decompression silently hides (the cut record just vanishes). An archive cut inside a record's header
block is caught here too (warcio would skip the record as untyped, end silently, or fail on a missing
header with an ``AttributeError``): ``path#record N: truncated WARC record headers``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from ..errors import InputError
from ..model import Document
from .detect import ByteStream, bom_encoding, decode_text, decode_with_charset, reject_binary, sniff

logger = logging.getLogger(__name__)
T = TypeVar("T")

_HTML_TYPES = ("text/html", "application/xhtml+xml", "application/html")
_TEXT_TYPES = ("text/plain",)
_PAGE_RECORDS = ("response", "resource")


def warc_doc_id(record_id: str) -> str:
    """A short stable document id for a WARC-Record-ID: ``warc-`` and 16 hex digits of its SHA-1."""
    return "warc-" + hashlib.sha1(record_id.strip().encode("utf-8")).hexdigest()[:16]


def _media_type(content_type: str | None) -> tuple[str, str | None]:
    """``(media type, charset)`` from a Content-Type header value."""
    if not content_type:
        return "", None
    parts = [p.strip() for p in content_type.split(";")]
    charset = None
    for p in parts[1:]:
        key, _, value = p.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'")
    return parts[0].lower(), charset


def _drain(stream: Any) -> None:
    while stream.read(1 << 16):
        pass


def _truncated(record: Any) -> bool:
    """True when the record's block ended before its Content-Length (the file was cut)."""
    return int(getattr(record.raw_stream, "limit", 0) or 0) > 0


def _quietly(func: Callable[..., T], *args: Any) -> T:
    """Call into warcio with its stderr warnings turned into debug logs (the CLI owns stderr)."""
    buf = io.StringIO()
    try:
        with contextlib.redirect_stderr(buf):
            return func(*args)
    finally:
        if buf.getvalue():
            logger.debug("warcio: %s", buf.getvalue().strip()[:500])


class _Cut(Exception):
    """The data ended inside a record's header block (WARC headers, or the HTTP headers of its block)."""


class _LineWatch:
    """A stream whose ``readline`` notes a line cut short by the end of the data (or no line at all)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.cut = False

    def readline(self, *args: Any) -> bytes:
        line: bytes = self._stream.readline(*args)
        if not line.endswith(b"\n"):
            self.cut = True
        return line

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _archive(stream: ByteStream) -> Any:
    """warcio's iterator, with a record loader that refuses a header block the data ends inside.

    warcio reads header lines until a blank line or the end of the data and cannot tell the two apart
    (a header block is complete only when its blank line was read), and takes a record whose HTTP
    headers are missing altogether for the clean end of the archive.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed
    from warcio.recordloader import ArcWarcRecordLoader

    class Loader(ArcWarcRecordLoader):  # type: ignore[misc]
        def _detect_type_load_headers(self, stream: Any, statusline: Any = None,
                                      known_format: Any = None) -> Any:
            watch = _LineWatch(stream)
            if statusline is not None and not statusline.endswith(b"\n"):
                watch.cut = True  # the first line, read ahead by the iterator, is already cut
            try:
                found = super()._detect_type_load_headers(watch, statusline, known_format)
            except ArchiveLoadFailed:
                if watch.cut:
                    raise _Cut("truncated WARC record headers (the archive ends inside them)") from None
                raise
            if watch.cut:
                raise _Cut("truncated WARC record headers (the archive ends inside them)")
            return found

        def load_http_headers(self, rec_type: Any, uri: Any, stream: Any, length: Any) -> Any:
            try:
                return super().load_http_headers(rec_type, uri, stream, length)
            except EOFError:
                if length:
                    raise _Cut("truncated record (the archive ends inside its HTTP headers)") from None
                raise

    archive = ArchiveIterator(stream, check_digests=True)
    archive.loader = Loader(verify_http=False, arc2warc=False)
    return archive


@dataclass
class WarcTally:
    """What a run of records held, for a reader of one part of an archive (``ingest.splits``): the
    caller adds the parts up to say, as a whole-archive read does, that an archive had no pages."""

    records: int = 0
    skipped: int = 0
    produced: int = 0
    broken: bool = False  # the part ended at a record that breaks the archive: nothing after it is read


def iter_warc(
    stream: ByteStream,
    source: str,
    *,
    max_bytes: int,
    first: int = 1,
    count: int | None = None,
    skip: int = 0,
    tally: WarcTally | None = None,
) -> Iterator[Document | InputError]:
    """Yield a ``Document`` per HTML/text page record of an uncompressed WARC stream, or an ``InputError``.

    ``first``/``count``: the stream starts at record number ``first`` of the archive (names stay
    ``path#record N``) and only ``count`` records are read; with a ``tally`` the whole-archive check
    (no page records at all) is left to the caller; ``skip``: records passed over unread first
    (counted in ``count``, not in the tally).
    """
    skipped: Counter[str] = Counter()
    produced = 0
    read = 0
    n = first - 1
    try:
        records = iter(_archive(stream))
    except Exception as e:  # warcio raises plain Exceptions for unreadable starts
        _broken(tally)
        yield InputError(source, f"not a readable WARC ({e})")
        return
    while count is None or n - first + 1 < count:
        n += 1
        src = f"{source}#record {n}"
        try:
            record = _quietly(next, records)
        except StopIteration:
            break
        except _Cut as e:
            _broken(tally)
            yield InputError(src, str(e))
            return
        except InputError as e:  # the gzip stream was cut or corrupt
            _broken(tally)
            yield InputError(src, e.reason)
            return
        except Exception as e:  # warcio and gzip raise many kinds; all mean the archive breaks here
            _broken(tally)
            yield InputError(src, f"truncated or corrupt record ({type(e).__name__}: {_short(e)})")
            return
        if n < first + skip:
            continue  # warcio passes over the unread rest of the record itself
        read += 1
        item: Document | InputError | None
        try:
            item, reason = _page(record, src, max_bytes)
        except InputError as e:
            item, reason = e, ""
        except ImportError:
            raise  # a broken installation is not a bad record
        except Exception as e:  # a reader bug must not stop a batch; say what it was
            item, reason = InputError(src, f"cannot read record ({type(e).__name__}: {_short(e)})"), ""
        try:
            _quietly(_drain, record.raw_stream)  # also where a cut gzip stream shows
        except InputError as e:
            _broken(tally)
            yield InputError(src, e.reason)
            return
        except Exception as e:
            _broken(tally)
            yield InputError(src, f"truncated or corrupt record ({type(e).__name__}: {_short(e)})")
            return
        if _truncated(record):
            _broken(tally)
            yield InputError(src, "truncated record (the archive ends inside it)")
            return
        checker = getattr(record, "digest_checker", None)
        if checker is not None and checker.passed is False and item is not None:
            yield InputError(src, f"corrupt record (digest mismatch: {'; '.join(checker.problems)[:200]})")
            continue
        if item is None:
            skipped[reason] += 1
            continue
        if isinstance(item, Document):
            produced += 1
        yield item
    total = read
    if tally is not None:
        tally.records += total
        tally.skipped += sum(skipped.values())
        tally.produced += produced
        return
    if skipped:
        logger.debug("%s: skipped %d of %d records: %s", source, sum(skipped.values()), total,
                     ", ".join(f"{k} {v}" for k, v in sorted(skipped.items())))
    if produced == 0 and total == sum(skipped.values()):
        yield no_pages(source, total)


def no_pages(source: str, records: int) -> InputError:
    """What an archive whose every record was skipped (images, requests, metadata) is."""
    return InputError(source, f"no HTML or text page records ({records} records, all skipped)")


def _broken(tally: WarcTally | None) -> None:
    if tally is not None:
        tally.broken = True


def _short(e: BaseException) -> str:
    return " ".join(str(e).split())[:200] or "no detail"


def _page(record: Any, src: str, max_bytes: int) -> tuple[Document | None, str]:
    """The page a record holds, or ``(None, why it was skipped)``."""
    rec_type = record.rec_type
    if rec_type not in _PAGE_RECORDS:
        return None, rec_type or "untyped"
    headers = record.rec_headers
    url = headers.get_header("WARC-Target-URI")
    if rec_type == "response":
        http = record.http_headers
        if http is None:
            return None, "non-HTTP response"
        status = http.get_statuscode()
        if not (status or "").startswith("2"):
            return None, f"HTTP {status or '???'}"
        content_type = http.get_header("Content-Type")
    else:
        content_type = headers.get_header("Content-Type")
    media, charset = _media_type(content_type)
    if media and media not in _HTML_TYPES and media not in _TEXT_TYPES:
        return None, media
    data = record.content_stream().read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(src, f"too large: payload > {max_bytes} limit")
    if not data.strip():
        raise InputError(src, "empty input (empty payload)")
    kind = media or sniff(data[:65536], src)
    if kind not in ("text", "html", *_HTML_TYPES, *_TEXT_TYPES):
        return None, f"unlabelled {kind}"
    record_id = headers.get_header("WARC-Record-ID") or f"{src}|{url}"
    doc_id = warc_doc_id(record_id)
    reject_binary(data, src)
    if kind in _TEXT_TYPES or kind == "text":
        from .text import read_text

        text = decode_with_charset(data, charset) if charset else None
        if text is None:
            text = decode_text(data, src)
        doc = read_text(text, doc_id=doc_id, source=src, url=url)
    else:
        from .html import read_html

        html = None if bom_encoding(data) else decode_with_charset(data, charset)
        doc = read_html(html if html is not None else data, doc_id=doc_id, source=src, url=url)
    # WARC-Date is when the page was crawled, not published: ``published`` stays what the page says.
    return replace(doc, url=url or doc.url, format="warc"), ""
