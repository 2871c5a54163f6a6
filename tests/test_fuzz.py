"""Fuzzing the door and the anatomy: hostile bytes, records and pages never get past as anything but a
``Document`` that every writer downstream accepts, or an ``InputError`` naming the input.

Runs in CI with every other test: derandomized (the same examples on every run and machine, no example
database) and bounded so the whole file takes well under a minute on two cores. For a deeper run, set
``NEWSTRACE_FUZZ_EXAMPLES`` (e.g. 5000): every test then tries that many examples.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newstrace.analyze import anatomy_pipeline
from newstrace.errors import InputError
from newstrace.ingest import FORMATS, read_bytes, read_paths
from newstrace.ingest.html import read_html
from newstrace.ingest.text import read_text
from newstrace.model import Document

from .conftest import ROOT
from .ingest.test_readers import build_warc

SCALE = int(os.environ.get("NEWSTRACE_FUZZ_EXAMPLES", "0") or 0)
FIXTURES = ROOT / "tests" / "fixtures"
_SURROGATE = re.compile("[\ud800-\udfff]")


def fuzz(examples: int) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Hypothesis settings for this file: reproducible, no deadline, ``examples`` (or the env's count)."""
    return settings(
        max_examples=SCALE or examples,
        deadline=None,
        derandomize=True,
        database=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                               HealthCheck.large_base_example],
    )


# --- what every reader output must be -------------------------------------------------------------


def check_document(doc: Document) -> None:
    """Writable everywhere (UTF-8, no surrogates), with annotations inside the text."""
    assert doc.id and doc.id.strip()
    for value in (doc.id, doc.text, doc.url, doc.title, doc.outlet, doc.published, doc.source):
        if value is not None:
            assert _SURROGATE.search(value) is None, value[:80]
            value.encode("utf-8")
    json.dumps(doc.to_json(), ensure_ascii=False).encode("utf-8")
    assert doc.offsets.norm_length == len(doc.text)
    for b in doc.blocks:
        assert 0 <= b.start < b.end <= len(doc.text)
    for i in range(0, len(doc.text), max(1, len(doc.text) // 16)):
        assert 0 <= doc.offsets.to_original(i) <= doc.offsets.orig_length
    if doc.published is not None:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", doc.published)


def check_error(err: InputError, source: str) -> None:
    """One line, valid UTF-8, naming the input."""
    line = str(err)
    line.encode("utf-8")
    assert "\n" not in line and err.source.startswith(source), line[:200]


_SCRATCH = Path(tempfile.mkdtemp(prefix="newstrace-fuzz-"))


@pytest.fixture(scope="module", autouse=True)
def _scratch_cleanup() -> Iterator[None]:
    yield
    shutil.rmtree(_SCRATCH, ignore_errors=True)


def _scratch_file(name: str, data: bytes) -> Path:
    """A file for the path readers (read_paths), rewritten per example."""
    path = _SCRATCH / name
    path.write_bytes(data)
    return path


def read_or_error(data: bytes, source: str, fmt: str = "auto") -> list[Document]:
    try:
        got = read_bytes(data, source, fmt)
    except InputError as e:
        check_error(e, source)
        return []
    for doc in got:
        check_document(doc)
    return got


# --- readers: arbitrary bytes under each format ---------------------------------------------------

_NAMES = st.sampled_from(["in.txt", "in.html", "in.jsonl", "in.warc", "in.html.gz", "in", "in.json"])
_HEADS = st.sampled_from(
    [
        b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff",
        b"<html><body><p>", b'<?xml version="1.0" encoding="utf-8">', b"WARC/1.0\r\n",
        b'{"id": "a", "text": "', b"[", b"\x1f\x8b", b"%PDF-", b"<!--", b"\xed\xa0\x80",
    ]
)


@fuzz(600)
@given(head=_HEADS, body=st.binary(max_size=2000), name=_NAMES, fmt=st.sampled_from(FORMATS))
def test_read_bytes_any_bytes(head: bytes, body: bytes, name: str, fmt: str) -> None:
    read_or_error(head + body, name, fmt)


_TEXTISH = st.text(st.characters(exclude_categories=()), max_size=400)


@fuzz(400)
@given(text=_TEXTISH, name=_NAMES,
       encoding=st.sampled_from(["utf-8", "utf-16", "utf-32", "utf-16-be", "cp1252", "koi8-r"]))
def test_read_bytes_any_text_in_any_encoding(text: str, encoding: str, name: str) -> None:
    data = text.encode(encoding, errors="surrogatepass" if encoding.startswith("utf") else "replace")
    read_or_error(data, name)


_PRINTABLE = st.text(st.characters(exclude_categories=("Cs", "Cc", "Cn", "Co")), min_size=1, max_size=300)
_BOMS = [("utf-8-sig", b""), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
         ("utf-32-le", b"\xff\xfe\x00\x00"), ("utf-32-be", b"\x00\x00\xfe\xff")]


@fuzz(300)
@given(text=_PRINTABLE.filter(lambda t: t.strip()), bom=st.sampled_from(_BOMS),
       name=st.sampled_from(["in.html", "in.txt", "in"]))
def test_text_with_a_byte_order_mark_is_never_binary(text: str, bom: tuple[str, bytes], name: str) -> None:
    encoding, mark = bom
    page = f"<html><body><p>{text}</p></body></html>" if name != "in.txt" else text
    try:
        read_bytes(mark + page.encode(encoding), name)
    except InputError as e:
        assert "binary" not in e.reason, e


# --- readers: real pages, mutated -------------------------------------------------------------------


def _pages() -> list[bytes]:
    smallest = sorted((FIXTURES / "html").glob("*.html.gz"), key=lambda p: p.stat().st_size)[:3]
    return [(FIXTURES / "readers" / "page.html").read_bytes()] + [gzip.decompress(p.read_bytes())
                                                                  for p in smallest]


PAGES = _pages()
_SPICE = st.sampled_from(
    [
        b"\x00", b"\xed\xa0\x80", b"&#xd800;", b"&#0;", b"&#x110000;", b"\xff\xfe", b"\xef\xbb\xbf", b"<!--",
        b"-->", b"<![CDATA[", b"<script>", b"</p></div></body></html>", b"<div>" * 300, b"<b><i>" * 200,
        b'<?xml version="1.0" encoding="utf-16">', b"<meta charset=utf-32>", b"<meta charset=nonsense>",
        b"\r", "\u2028".encode(), b"\xe2\x80\xae", b"<p>", b"</p>" * 50,
        b'<time datetime="9999-99-99">', b'<meta property="article:published_time" content="0000-00-00">',
    ]
)


@st.composite
def mutated_page(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(PAGES)))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["insert", "delete", "flip", "truncate", "duplicate"]))
        if op == "insert":
            data[at:at] = draw(st.one_of(_SPICE, st.binary(min_size=1, max_size=40)))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 2000))]
        elif op == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif op == "truncate":
            del data[at:]
        elif op == "duplicate":
            data[at:at] = data[at : at + draw(st.integers(1, 3000))]
    return bytes(data)


@fuzz(200)
@given(page=mutated_page(), name=st.sampled_from(["page.html", "page", "page.html.gz"]))
def test_read_bytes_mutated_real_pages(page: bytes, name: str) -> None:
    data = gzip.compress(page, mtime=0) if name.endswith(".gz") else page
    read_or_error(data, name)


# --- WARC: real archives, cut and mutated ----------------------------------------------------------


def _warcs() -> list[bytes]:
    records = [
        ("resource", "https://e.org/one.txt", b"First wire story.", "text/plain"),
        ("response", "https://e.org/two.html", PAGES[0], "text/html; charset=utf-8"),
        ("response", "https://e.org/pic.jpg", b"\xff\xd8\xff\xe0" + bytes(50), "image/jpeg"),
        ("response", "https://e.org/three.html", PAGES[1][:5000], "text/html"),
    ]
    return [build_warc(records, gz=False), build_warc(records, gz=True)]


WARCS = _warcs()


@fuzz(200)
@given(which=st.sampled_from([0, 1]), cut=st.integers(1, 40_000), flips=st.lists(
    st.tuples(st.integers(0, 40_000), st.integers(0, 255)), max_size=3))
def test_warc_cut_and_mutated(which: int, cut: int, flips: list[tuple[int, int]]) -> None:
    data = bytearray(WARCS[which][:cut])
    for at, value in flips:
        if at < len(data):
            data[at] = value
    path = "crawl.warc.gz" if which else "crawl.warc"
    for item in read_paths([_scratch_file(path, bytes(data))]):
        if isinstance(item, InputError):
            check_error(item, str(_SCRATCH / path))
        else:
            check_document(item)
    read_or_error(bytes(data), path)


def _record_spans(data: bytes) -> list[tuple[int, int]]:
    """``(start, end of block)`` of every record of an uncompressed WARC warcio wrote."""
    starts = [m.start() for m in re.finditer(rb"WARC/1\.[01]\r\n", data)]
    return [(a, b - 4) for a, b in zip(starts, [*starts[1:], len(data)], strict=True)]


@fuzz(250)
@given(cut=st.integers(len(b"WARC/1.0\r\n"), len(WARCS[0])))
def test_a_cut_warc_is_never_silent(cut: int) -> None:
    """Cut anywhere inside a record, an archive gives the pages before and one error for the cut one."""
    spans = _record_spans(WARCS[0])
    items = list(read_paths([_scratch_file("cut.warc", WARCS[0][:cut])]))
    errs = [x for x in items if isinstance(x, InputError)]
    inside = [n for n, (a, b) in enumerate(spans, 1) if a < cut < b]
    if inside:
        assert [e.source.rsplit("#", 1)[-1] for e in errs] == [f"record {inside[0]}"], (cut, errs)
        assert "truncated" in errs[0].reason
    else:
        assert not errs or "no HTML or text page records" in errs[0].reason, (cut, errs)
    pages = [n for n, (_, b) in enumerate(spans, 1) if b <= cut and n in (2, 3, 5)]
    assert len([x for x in items if isinstance(x, Document)]) == len(pages), (cut, items)


# --- JSON Lines: arbitrary records ------------------------------------------------------------------

_FIELDS = ["id", "text", "html", "url", "title", "published", "outlet"]
_STRINGS = st.one_of(
    _TEXTISH,
    st.sampled_from(["2016-03-14", "2016-02-30T10:00", "<p>Body text of a page.</p>", "  ", "a\ud800b"]),
)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _STRINGS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_STRINGS, inner, max_size=4),
    max_leaves=12,
)
_RECORD = st.dictionaries(st.one_of(st.sampled_from(_FIELDS), _TEXTISH), _JSON, max_size=8)


def _line(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["record", "record", "record", "value", "nested", "garbage", "blank"]))
    if kind == "record":
        record = draw(_RECORD)
        if draw(st.booleans()):
            record.setdefault("id", draw(_STRINGS))
            record.setdefault(draw(st.sampled_from(["text", "html"])), draw(_STRINGS))
        text = json.dumps(record, ensure_ascii=draw(st.booleans()))
        return text.encode("utf-8", errors="surrogatepass")  # unescaped surrogates: invalid UTF-8
    if kind == "value":
        return json.dumps(draw(_JSON)).encode()
    if kind == "nested":
        depth = draw(st.sampled_from([50, 5000, 200_000]))
        return b'{"id": "deep", "text": ' + b"[" * depth + b"]" * depth + b"}"
    if kind == "garbage":
        return draw(st.binary(max_size=200)).replace(b"\n", b"")
    return b""


@st.composite
def jsonl_file(draw: st.DrawFn) -> bytes:
    lines = [_line(draw) for _ in range(draw(st.integers(1, 8)))]
    return b"\n".join(lines) + draw(st.sampled_from([b"\n", b"", b"\r\n"]))


@fuzz(300)
@given(data=jsonl_file())
def test_jsonl_any_records(data: bytes) -> None:
    path = _scratch_file("feed.jsonl", data)
    seen: set[str] = set()
    for item in read_paths([path]):
        if isinstance(item, InputError):
            check_error(item, str(path))
        else:
            check_document(item)
            assert item.id not in seen  # a repeated id is an error, never a second document
            seen.add(item.id)
    read_or_error(data, "feed.jsonl")  # the single-input form raises InputError only


# --- the anatomy stages over generated documents ------------------------------------------------------

_WORDS = st.sampled_from(
    ["the", "Minister", "said", "on", "Monday", "MOSCOW,", "(AP)", "—", "Reuters", "“quote”", "Editor’s",
     "Note:", "1.", "•", "Comments", "closed.", "©", "2016", "/TASS/.", "By", "Reply", "Share",
     "Advertisement", "\ud800", "\u202e", "\u200b", "\x00", "\t", "e\u0301"]
)
_PHRASE = st.one_of(st.lists(_WORDS, min_size=1, max_size=30).map(" ".join), _TEXTISH.map(lambda s: s[:80]))


def assert_tiles(doc: Document) -> None:
    """Every character that is not whitespace lies in exactly one layer (as tests/analysis checks)."""
    text = doc.text
    covered = [0] * len(text)
    prev = 0
    for layer in doc.layers:
        assert prev <= layer.start < layer.end <= len(text), layer
        assert not text[layer.start].isspace() and not text[layer.end - 1].isspace(), layer
        prev = layer.end
        for i in range(layer.start, layer.end):
            covered[i] += 1
    for i, ch in enumerate(text):
        if not ch.isspace():
            assert covered[i] == 1, (i, text[max(0, i - 20) : i + 20])
    for c in doc.comments:
        assert 0 <= c.start < c.end <= len(text)
        assert c.parent is None or c.parent < c.id
    for cr in doc.credits:
        assert 0 <= cr.start < cr.end <= len(text)


@st.composite
def text_page(draw: st.DrawFn) -> str:
    rows = draw(st.lists(st.tuples(st.sampled_from(["", "  ", "    ", "\t", "\u3000"]), _PHRASE,
                                   st.sampled_from(["\n", "\n\n", "\n\n\n\n\n", "\r\n", "\r", "\u2029"])),
                         max_size=30))
    return "".join(i + line + end for i, line, end in rows)


_TAGS = ["p", "div", "h1", "h2", "li", "blockquote", "figcaption", "aside", "nav", "footer", "section",
         "span", "article", "time", "a", "br", "table", "td", "script", "style", "pre"]
_CLASSES = ["", "comments", "comment reply", "related", "byline", "caption", "footer", "share", "main", "x"]


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;")


@st.composite
def html_page(draw: st.DrawFn) -> str:
    def node(depth: int) -> str:
        tag = draw(st.sampled_from(_TAGS))
        cls = draw(st.sampled_from(_CLASSES))
        attrs = f' class="{cls}"' if cls else ""
        if depth >= 3 or draw(st.booleans()):
            inner = _esc(draw(_PHRASE))
        else:
            inner = "".join(node(depth + 1) for _ in range(draw(st.integers(1, 4))))
        return f"<{tag}{attrs}>{inner}</{tag}>"

    head = draw(st.sampled_from(_PROLOGUES))
    title = _esc(draw(_PHRASE))
    body = "".join(node(0) for _ in range(draw(st.integers(0, 6))))
    # One paragraph anyone sees, so the page is always readable: an InputError here is a reader bug.
    return f"{head}<html><head><title>{title}</title></head><body><p>Seen words.</p>{body}</body></html>"


_PROLOGUES = [
    "", "\ufeff", "<!DOCTYPE html>", " \n", '<?xml version="1.0" encoding="utf-8">',
    '<?xml version="1.0" encoding="utf-8"?>', '\ufeff \n<?xml version="1.0" encoding="ISO-8859-1"?>\n',
    '<?xml version="1.0"?><?xml version="1.0" encoding="utf-8"?><!DOCTYPE html>',
]


def _anatomy(read: Callable[[], Document], readable: bool = False) -> None:
    try:
        doc = read()
    except InputError:
        if readable:
            raise
        return  # nothing readable on the page (an empty one): the door said so
    check_document(doc)
    out = anatomy_pipeline()(doc)
    assert out.text == doc.text
    assert_tiles(out)


@fuzz(300)
@given(raw=text_page())
def test_anatomy_of_any_text_page(raw: str) -> None:
    _anatomy(lambda: read_text(raw, doc_id="p", source="fuzz"))


@fuzz(250)
@given(html=html_page())
def test_anatomy_of_any_html_page(html: str) -> None:
    _anatomy(lambda: read_html(html, doc_id="p", source="fuzz.html"), readable=True)


@fuzz(80)
@given(page=mutated_page())
def test_anatomy_of_mutated_real_pages(page: bytes) -> None:
    _anatomy(lambda: read_html(page, doc_id="p", source="fuzz.html"))

