"""Decoding page bytes: byte-order mark, the page's own charset declaration, UTF-8, then a guess."""

from __future__ import annotations

import re

from ..errors import InputError

_META_CHARSET = re.compile(rb"""<meta[^>]{0,400}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.+-]{2,40})""", re.I)
_XML_ENCODING = re.compile(
    rb"""[\s\xef\xbb\xbf]*<\?xml[^>]{0,200}?encoding\s*=\s*["']?([A-Za-z0-9_:.+-]{2,40})""", re.I
)
# WHATWG: these labels mean windows-1252 (and friends) in real pages.
_CHARSET_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-9": "cp1254",
    "latin5": "cp1254",
    "iso-8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "x-sjis": "shift_jis",
    "shift-jis": "shift_jis",
    "windows-31j": "cp932",
    "utf-16": "utf-8",
    "utf-16le": "utf-8",
    "utf-16be": "utf-8",
    "utf8": "utf-8",
}
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _codec(label: str) -> str | None:
    import codecs

    name = _CHARSET_ALIASES.get(label.lower(), label.lower())
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(data: bytes, source: str) -> str:
    """Decode page bytes: byte-order mark, then UTF-8 when the bytes are valid UTF-8 beyond ASCII, then
    the page's own <meta charset> / http-equiv / XML declaration, then charset-normalizer's guess.

    Declarations lie often (a page re-encoded to UTF-8 keeps its old "iso-8859-1"; a template says
    "utf-8" over windows-1252 bytes), and non-ASCII bytes that happen to form valid UTF-8 are almost
    never legacy text, so what decodes wins over what is declared. An undecodable page is read with
    replacement characters rather than rejected, since most of its text is still useful.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(enc, errors="replace")
    if not data.isascii():
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    declared = None
    m = _META_CHARSET.search(data, 0, 8192) or _XML_ENCODING.match(data, 0, 1024)
    if m is not None:
        declared = _codec(m.group(1).decode("ascii", errors="ignore"))
    if declared is not None and declared != "utf-8":
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            pass
    if data.isascii():
        return data.decode("ascii")
    try:
        from charset_normalizer import from_bytes

        matches = from_bytes(data)
        best = matches.best()
    except Exception as e:  # pragma: no cover - the detector should not fail, but never lose a page to it
        raise InputError(source, f"cannot detect the character encoding ({e})") from e
    if best is not None:
        for match in matches:
            # a tie on short Latin text (cp1250 or cp1252?): the web's usual legacy encoding wins
            if match.encoding == "cp1252" and match.chaos <= best.chaos and match.coherence >= best.coherence:
                return str(match)
        return str(best)
    return data.decode(declared or "cp1252", errors="replace")
