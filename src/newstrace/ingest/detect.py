"""What an input is and how its bytes become text: extensions, content sniffing, gzip, encodings.

Detection trusts the file name first (a user who names a file ``.jsonl`` means it), then the bytes.
Binary formats we do not read (PDF, images, archives, executables) are recognised by their magic
numbers so the error says what the file is instead of printing mojibake. Decompression is always
bounded, so a small gzip bomb cannot fill memory.
"""

from __future__ import annotations

import codecs
import logging
import re
import zlib
from typing import Protocol

from ..errors import InputError

logger = logging.getLogger(__name__)

FORMATS = ("auto", "text", "html", "jsonl", "warc")

# File name endings we read, and the format each means. ``.gz`` of any of them is read too.
EXTENSIONS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".warc": "warc",
}

GZIP_MAGIC = b"\x1f\x8b"
HEAD_BYTES = 64 * 1024  # how much of an input sniffing looks at

# Magic numbers of binary formats people feed to text tools by mistake.
_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"%PDF-", 0, "PDF document"),
    (b"\x89PNG\r\n\x1a\n", 0, "PNG image"),
    (b"\xff\xd8\xff", 0, "JPEG image"),
    (b"GIF87a", 0, "GIF image"),
    (b"GIF89a", 0, "GIF image"),
    (b"WEBP", 8, "WebP image"),
    (b"PK\x03\x04", 0, "ZIP archive"),
    (b"PK\x05\x06", 0, "ZIP archive"),
    (b"\x7fELF", 0, "ELF executable"),
    (b"\xca\xfe\xba\xbe", 0, "Mach-O or Java class file"),
    (b"\xcf\xfa\xed\xfe", 0, "Mach-O executable"),
    (b"\xfd7zXZ\x00", 0, "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", 0, "7z archive"),
    (b"\x28\xb5\x2f\xfd", 0, "zstd archive"),
    (b"1AY&SY", 4, "bzip2 archive"),
    (b"Rar!\x1a\x07", 0, "RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "MS Office (OLE) document"),
    (b"SQLite format 3\x00", 0, "SQLite database"),
    (b"ftyp", 4, "MP4/ISO media"),
    (b"OggS", 0, "Ogg media"),
    (b"ID3\x03", 0, "MP3 audio"),
    (b"ID3\x04", 0, "MP3 audio"),
    (b"fLaC", 0, "FLAC audio"),
    (b"wOFF", 0, "WOFF font"),
    (b"wOF2", 0, "WOFF2 font"),
    (b"\x00asm", 0, "WebAssembly module"),
)

# Byte-order marks, longest first (UTF-32 LE starts with the UTF-16 LE mark).
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# C0 controls that never appear in text (tab, newlines, form feed and ESC are allowed), and DEL.
_CONTROL = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
_MAX_CONTROL_SHARE = 0.03
# The same controls as characters, and the replacement character an undecodable unit becomes.
_TEXT_CONTROL = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f\ufffd]")
_MAX_CHAOS = 0.2  # charset-normalizer's "mess" ratio above which a guess is not trusted

# What a page in windows-1252 (the legacy web default) shows outside ASCII when it really is one.
_WESTERN = frozenset(
    [chr(c) for c in range(0xC0, 0x100) if c not in (0xD7, 0xF7)]
    + list("ŒœŠšŽžŸƒ’‘“”„‚–—…€•«»°£¥©®™¡¿§¶·\xa0´¨")
)
# Western text is mostly ASCII letters with a few accented ones; Cyrillic or Greek read as 1252 is not.
_MAX_NON_ASCII_LETTERS = 0.3
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_ASCII_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

_WARC_START = re.compile(rb"\A\s*WARC/[01]\.")
_JSON_START = re.compile(rb"\A\s*(?:\{\s*\"|\{\s*\Z|\{\s*\n|\[\s*(?:\{|\]|\Z))")
_HTML_START = re.compile(
    rb"\A\s*(?:<!--.*?-->\s*|<\?xml[^>]*>\s*)*<(?:!doctype\s+html|html|head|body)\b",
    re.IGNORECASE | re.DOTALL,
)
_HTML_TAG = re.compile(
    rb"</?(p|div|span|a|br|hr|img|li|ul|ol|table|tr|td|th|h[1-6]|script|style|meta|link|article|section"
    rb"|header|footer|nav|main|body|head|title|em|strong|b|i|u|figure|figcaption|blockquote|iframe|form"
    rb"|input|button|time|small|sup|sub|pre|code)\b[^<>]{0,2000}>",
    re.IGNORECASE,
)


def format_from_name(name: str) -> tuple[str | None, bool]:
    """``(format, gzipped)`` the file name announces; format is None for names we do not know."""
    lower = name.lower()
    gz = lower.endswith(".gz")
    if gz:
        lower = lower[:-3]
    dot = lower.rfind(".")
    slash = max(lower.rfind("/"), lower.rfind("\\"))
    ext = lower[dot:] if dot > slash + 1 else ""
    return EXTENSIONS.get(ext), gz


# What a name must have escaped to be valid Unicode: a backslash (the escape character itself) and lone
# surrogates (Python decodes file-name bytes that are not UTF-8 to U+DC80..U+DCFF, "surrogateescape").
_NAME_ESCAPE = re.compile("[\\\\\ud800-\udfff]")


def escape_name(name: str) -> str:
    """A file name or path as valid Unicode that still tells every name apart (ids, sources).

    Names that are valid UTF-8 without a backslash come back unchanged. Otherwise each byte that is not
    UTF-8 is written ``\\xNN`` (``caf\\xe9.html`` is the Latin-1 name ``café.html``), a backslash is
    doubled, and any other lone surrogate is written ``\\uNNNN``. The escaping is reversible
    (:func:`unescape_name`), so two different names never get one id.
    """
    if _NAME_ESCAPE.search(name) is None:
        return name

    def one(m: re.Match[str]) -> str:
        code = ord(m.group())
        if code == 0x5C:
            return "\\\\"
        if 0xDC80 <= code <= 0xDCFF:
            return f"\\x{code - 0xDC00:02x}"
        return f"\\u{code:04x}"

    return _NAME_ESCAPE.sub(one, name)


_NAME_UNESCAPE = re.compile(r"\\(?:(\\)|x([0-9a-f]{2})|u([0-9a-f]{4}))")


def unescape_name(escaped: str) -> str:
    """The name :func:`escape_name` escaped, as Python spells file names (surrogateescape)."""

    def one(m: re.Match[str]) -> str:
        if m.group(1):
            return "\\"
        if m.group(2):
            return chr(0xDC00 + int(m.group(2), 16))
        return chr(int(m.group(3), 16))

    return _NAME_UNESCAPE.sub(one, escaped)


def check_format(format: str) -> str:
    """The canonical format name, or a ``ValueError`` naming the ones we know."""
    fmt = format.strip().lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {format!r} (expected one of: {', '.join(FORMATS)})")
    return fmt


def binary_kind(head: bytes) -> str | None:
    """The name of a binary format ``head`` starts like, or None."""
    for magic, offset, kind in _MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return kind
    return None


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """``(codec, BOM length)`` when ``data`` starts with a byte-order mark, else None."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return enc, len(bom)
    return None


def reject_binary(data: bytes, source: str) -> None:
    """Raise ``InputError`` if ``data`` is a known binary format or mostly control bytes.

    Text with a UTF-16 or UTF-32 byte-order mark is judged on its decoded characters: its bytes are
    full of NULs (and, for Cyrillic or Greek, other control bytes) however much text it is.
    """
    kind = binary_kind(data[:64])
    if kind:
        raise InputError(source, f"unknown format: binary content ({kind})")
    bom = bom_encoding(data)
    if bom is not None and bom[0] != "utf-8":
        enc, skip = bom
        unit = 4 if enc.startswith("utf-32") else 2
        sample = data[skip : skip + HEAD_BYTES]
        text = sample[: len(sample) - len(sample) % unit].decode(enc, errors="replace")
        if text and len(_TEXT_CONTROL.findall(text)) > _MAX_CONTROL_SHARE * len(text):
            raise InputError(source, f"binary content (not valid {enc} after its byte-order mark)")
        return
    if _utf16_without_bom(data) is None:
        share = control_share(data)
        if share > _MAX_CONTROL_SHARE:
            raise InputError(source, f"binary content ({share:.0%} control bytes)")


def control_share(data: bytes) -> float:
    """Share of bytes in ``data`` that are control characters text never contains."""
    if not data:
        return 0.0
    return (len(data) - len(data.translate(None, _CONTROL))) / len(data)


def gunzip(data: bytes, source: str, max_bytes: int) -> bytes:
    """Decompress (possibly multi-member) gzip ``data``, refusing more than ``max_bytes`` of output."""
    out: list[bytes] = []
    total = 0
    rest = data
    while True:
        d = zlib.decompressobj(wbits=31)
        buf = rest
        try:
            while buf:
                chunk = d.decompress(buf, max_bytes + 1 - total)
                total += len(chunk)
                if total > max_bytes:
                    raise InputError(source, f"too large: decompressed size > {max_bytes} limit")
                out.append(chunk)
                buf = d.unconsumed_tail
        except zlib.error as e:
            raise InputError(source, f"corrupt gzip data ({e})") from e
        if not d.eof:
            raise InputError(source, "truncated gzip data")
        rest = d.unused_data
        if not rest.strip(b"\x00"):  # some writers pad the end with zeros
            return b"".join(out)
        if rest[:2] != GZIP_MAGIC:
            raise InputError(source, "corrupt gzip data (garbage after the last member)")


def gunzip_head(data: bytes, source: str, size: int = HEAD_BYTES) -> bytes:
    """The first ``size`` decompressed bytes of gzip ``data`` (enough to sniff it)."""
    try:
        return zlib.decompressobj(wbits=31).decompress(data, size)
    except zlib.error as e:
        raise InputError(source, f"corrupt gzip data ({e})") from e


def _sniff_view(head: bytes) -> bytes:
    """``head`` as ASCII-compatible bytes, so UTF-16/32 inputs can be sniffed like the rest."""
    for bom, enc in _BOMS:
        if head.startswith(bom):
            if enc == "utf-8":
                return head[len(bom) :]
            return head[len(bom) :].decode(enc, errors="ignore").encode("utf-8")
    return head


def sniff(head: bytes, source: str) -> str:
    """The format the first bytes of an (uncompressed) input look like: warc, jsonl, html or text.

    Raises ``InputError`` for binary formats we do not read.
    """
    kind = binary_kind(head[:64])
    if kind:
        raise InputError(source, f"unknown format: binary content ({kind})")
    view = _sniff_view(head)
    if _WARC_START.match(view[:64]):
        return "warc"
    if _JSON_START.match(view[:4096]):
        return "jsonl"
    if _HTML_START.match(view[:4096]):
        return "html"
    tags = _HTML_TAG.findall(view)
    if len(tags) >= 10 and len({t.lower() for t in tags}) >= 3:
        return "html"
    return "text"


def _utf16_without_bom(data: bytes) -> str | None:
    """The UTF-16 codec ``data`` is in when it has no BOM but the tell-tale NUL every other byte."""
    sample = data[:HEAD_BYTES]
    if len(sample) < 4 or sample.count(0) < len(sample) // 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _plausible_cp1252(data: bytes) -> str | None:
    """``data`` decoded as windows-1252 if it reads like Western text in that code page."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    non_ascii = _NON_ASCII.findall(text)
    if not non_ascii or not _WESTERN.issuperset(non_ascii):
        return None
    ascii_letters = len(data) - len(data.translate(None, _ASCII_LETTERS))
    foreign = sum(1 for c in non_ascii if c.isalpha())
    if foreign > _MAX_NON_ASCII_LETTERS * (ascii_letters + foreign):
        return None
    return text


def _utf8_damage(data: bytes) -> tuple[str, int, int]:
    """``(text, bad, good)``: UTF-8 decoded with replacement, invalid sequences, valid non-ASCII chars."""
    text = data.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd")
    bad = max(replaced - data.count(b"\xef\xbf\xbd"), 0)
    good = len(text) - len(text.encode("ascii", errors="ignore")) - replaced
    return text, bad, good


def decode_text(data: bytes, source: str) -> str:
    """Decode a text input: BOM, then UTF-8, then the best trusted guess; refuse binary and empty input.

    UTF-8 with a few broken bytes (a truncated multi-byte character, a stray byte) stays UTF-8 with
    replacement characters and a logged warning, so one bad byte does not lose a page. Legacy pages
    (windows-1252, koi8-r …) are normal input and are decoded by their encoding.
    """
    if not data.strip():
        raise InputError(source, "empty input")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return _non_empty(data[len(bom) :].decode(enc), source)
            except UnicodeDecodeError as e:
                raise InputError(source, f"invalid {enc} after its byte-order mark ({e.reason})") from e
    reject_binary(data, source)
    try:
        return _non_empty(data.decode("utf-8"), source)
    except UnicodeDecodeError:
        pass
    utf16 = _utf16_without_bom(data)
    if utf16:
        try:
            return _non_empty(data.decode(utf16), source)
        except UnicodeDecodeError as e:
            raise InputError(source, f"binary content (not valid {utf16})") from e
    text, bad, good = _utf8_damage(data)
    if bad <= 0.01 * len(data) and good >= bad:
        logger.warning("%s: decoded as UTF-8 with %d invalid byte sequence(s) replaced", source, bad)
        return _non_empty(text, source)
    guess = _plausible_cp1252(data)
    if guess is not None:
        return _non_empty(guess, source)
    guess = _charset_guess(data)
    if guess is not None:
        return _non_empty(guess, source)
    if bad <= 0.01 * len(data):
        logger.warning("%s: decoded as UTF-8 with %d invalid byte sequence(s) replaced", source, bad)
        return _non_empty(text, source)
    raise InputError(source, "binary content (not UTF-8 and no text encoding fits)")


def _charset_guess(data: bytes) -> str | None:
    """charset-normalizer's best decoding, if it is confident enough."""
    from charset_normalizer import from_bytes

    has_nul = b"\x00" in data
    for match in from_bytes(data[:2 * 1024 * 1024]):
        if match.chaos > _MAX_CHAOS:
            continue
        enc = match.encoding.lower()
        if not has_nul and enc.startswith(("utf_16", "utf_32")):
            continue  # a guess charset-normalizer makes for short inputs, never right without NULs
        try:
            text = data.decode(match.encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        logger.debug("decoded as %s (chaos %.2f)", match.encoding, match.chaos)
        return text
    return None


def _non_empty(text: str, source: str) -> str:
    if not text.strip():
        raise InputError(source, "empty input")
    return text


def decode_with_charset(data: bytes, charset: str | None) -> str | None:
    """``data`` decoded by a declared charset (HTTP header), or None if it is unknown or does not fit.

    ISO-8859-1 and ASCII labels mean windows-1252, as browsers (and the WHATWG encoding spec) read them.
    """
    if not charset:
        return None
    label = charset.strip().strip("\"'").lower()
    if label in ("iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii"):
        label = "cp1252"
    try:
        codecs.lookup(label)
        return data.decode(label)
    except (LookupError, UnicodeDecodeError):
        return None


class ByteStream(Protocol):
    """What the streaming readers need of a binary file."""

    def read(self, size: int = -1, /) -> bytes: ...

    def readline(self, size: int = -1, /) -> bytes: ...


class GzipStream:
    """Streaming decompression of (multi-member) gzip that raises ``InputError`` when the data is cut.

    ``gzip.GzipFile`` raises ``EOFError`` on a truncated member, which warcio takes for a clean end of
    the archive (records silently vanish), and its buffered ``read(n)`` drops the data it had already
    decompressed. This stream returns everything it could decompress first, then raises on the next
    read, so every complete record before the cut is still read.
    """

    _CHUNK = 64 * 1024

    def __init__(self, raw: ByteStream, source: str) -> None:
        self._raw = raw
        self._source = source
        self._d = zlib.decompressobj(wbits=31)
        self._started = False  # the current member has consumed input
        self._pending = b""
        self._buf = b""
        self._pos = 0
        self._offset = 0
        self._error: InputError | None = None

    def _more(self) -> bytes:
        """The next decompressed chunk; ``b""`` at a clean end."""
        while True:
            if self._d.eof:
                self._pending = self._d.unused_data + self._pending
                self._d = zlib.decompressobj(wbits=31)
                self._started = False
            tail = self._d.unconsumed_tail
            if not tail:
                if not self._pending:
                    self._pending = self._raw.read(self._CHUNK)
                    if not self._pending:
                        if self._started:
                            raise InputError(self._source, "truncated gzip data (the file ends mid-member)")
                        return b""
                if not self._started:
                    self._pending = self._pending.lstrip(b"\x00")  # zero padding between members
                    if not self._pending:
                        continue
                tail, self._pending = self._pending, b""
                self._started = True
            try:
                data = self._d.decompress(tail, self._CHUNK)
            except zlib.error as e:
                raise InputError(self._source, f"corrupt gzip data ({e})") from e
            if data:
                return data

    def _fill(self, want: int) -> None:
        """Buffer at least ``want`` bytes (or all that is left); keep an error for the next call."""
        have = len(self._buf) - self._pos
        if self._error is not None:
            if have:
                return
            raise self._error
        if have >= want:
            return
        parts = [self._buf[self._pos :]]
        while have < want:
            try:
                more = self._more()
            except InputError as e:
                self._error = e
                break
            if not more:
                break
            parts.append(more)
            have += len(more)
        self._buf = b"".join(parts)
        self._pos = 0
        if self._error is not None and not self._buf:
            raise self._error

    def read(self, size: int | None = -1, /) -> bytes:
        want = (1 << 62) if size is None or size < 0 else size
        if want == 0:
            return b""
        self._fill(want)
        out = self._buf[self._pos : self._pos + want]
        self._pos += len(out)
        self._offset += len(out)
        return out

    def readline(self, size: int | None = -1, /) -> bytes:
        limit = (1 << 62) if size is None or size < 0 else size
        searched = 0  # bytes after the read position already known to hold no newline
        while True:
            end = min(len(self._buf), self._pos + limit)
            nl = self._buf.find(b"\n", self._pos + searched, end)
            if nl >= 0:
                return self.read(nl + 1 - self._pos)
            have = len(self._buf) - self._pos
            if have >= limit:
                return self.read(limit)
            searched = have
            self._fill(have + 1)
            if len(self._buf) - self._pos <= have:  # nothing more to come
                return self.read(limit)

    def tell(self) -> int:
        return self._offset

    def close(self) -> None:
        """Nothing to release: the raw file belongs to the caller."""
