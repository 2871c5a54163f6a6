"""Input hygiene at the door ("robust in the wild"): whatever a page, a record or a file name holds, what
comes out of the readers is valid Unicode with distinct ids, and a bad input is one error naming it."""

from __future__ import annotations

import codecs
import gzip
import json
import logging
import os
from pathlib import Path

import pytest

from newstrace.corpus.ingest import ingest
from newstrace.corpus.shingles import tokenize, word_hashes_many
from newstrace.errors import InputError
from newstrace.ingest import read_bytes, read_paths
from newstrace.ingest.detect import escape_name, unescape_name
from newstrace.ingest.html import read_html
from newstrace.model import Document

from ..conftest import open_test_store
from .test_readers import build_warc, docs, errors

BODY = "A page with enough words in it to be a page, about a council vote on a harbour."


def _encodable(doc: Document) -> None:
    """Every string a reader hands on can be written as UTF-8 (SQLite, JSON, the shingler need it)."""
    for value in (doc.id, doc.text, doc.url, doc.title, doc.outlet, doc.published, doc.source):
        if value is not None:
            value.encode("utf-8")


# --- 1. lone surrogates ----------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["text", "title", "url", "outlet", "id"])
def test_lone_surrogate_in_a_record_is_replaced_and_reported(
    tmp_path: Path, field: str, caplog: pytest.LogCaptureFixture
) -> None:
    record = {"id": "r1", "text": BODY, "title": "Title", "url": "https://e.org/a", "outlet": "AP"}
    record[field] = "\ud800" + record[field] + "\udfff"
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps(record) + "\n" + json.dumps({"id": "r2", "text": BODY}) + "\n", "utf-8")
    assert "\\ud800" in path.read_text("utf-8")  # the JSON escape, as the probe wrote it
    with caplog.at_level(logging.WARNING):
        got = docs(list(read_paths([path])))
    assert [d.id for d in got] == (["\ufffdr1\ufffd", "r2"] if field == "id" else ["r1", "r2"])
    for doc in got:
        _encodable(doc)
    value = getattr(got[0], field)
    assert value.startswith("\ufffd") and value.endswith("\ufffd")
    [warning] = [r.getMessage() for r in caplog.records if "U+FFFD" in r.getMessage()]
    assert warning.startswith(f"{path}:1: 2 unencodable code point(s)") and f"'{field}'" in warning


def test_replacing_a_surrogate_keeps_the_offset_map(tmp_path: Path) -> None:
    raw = "Head  line\r\n\r\nbad \ud800 char  and \udcff more words\n"
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps({"id": "r", "text": raw}) + "\n", "utf-8")
    [doc] = docs(list(read_paths([path])))
    for at in (doc.text.index("\ufffd"), doc.text.rindex("\ufffd")):
        assert raw[doc.offsets.to_original(at)] in "\ud800\udcff"
    assert doc.offsets.orig_length == len(raw)


def test_surrogates_never_stop_a_batch(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    lines = [json.dumps({"id": f"s{i}", "text": f"Page {i}: \ud800 {BODY}", "title": "T\udc80"})
             for i in range(3)]
    (src / "a.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    (src / "b.txt").write_text("Another page after the bad ones. " + BODY, "utf-8")
    db = str(tmp_path / "s.db")
    report = ingest([str(src)], db, workers=1, progress=False, nlp=False)
    assert (report.added, report.failed) == (4, 0), report.summary()
    with open_test_store(db, readonly=True) as s:
        assert sorted(s.ids()) == ["b.txt", "s0", "s1", "s2"]


def test_shingler_survives_a_surrogate() -> None:
    tokens = tokenize("ab \ud800cd ef")
    assert list(zip(tokens.starts.tolist(), tokens.ends.tolist(), strict=True)) == [(0, 2), (3, 6), (7, 9)]
    hashes, cut = word_hashes_many(["ab \ud800 x", "y"])
    assert cut.tolist() == [0, 3, 4] and len(hashes) == 4


# --- 2. file names that are not UTF-8 --------------------------------------------------------------


def _bytes_names(folder: Path, names: list[bytes]) -> None:
    for name in names:
        try:
            with open(os.fsencode(folder) + b"/" + name, "wb") as f:
                f.write(b"<html><body><p>" + name + b" " + BODY.encode() + b"</p></body></html>")
        except OSError:  # a file system that only stores UTF-8 names (APFS …): nothing to test
            pytest.skip("this file system refuses names that are not UTF-8")


NAMES = [b"caf\xe9.html", "café.html".encode(), b"caf\\xe9.html", b"sub\xff\xfe.html"]


def test_names_that_are_not_utf8_become_distinct_escaped_ids(tmp_path: Path) -> None:
    _bytes_names(tmp_path, NAMES)
    got = docs(list(read_paths([tmp_path])))
    ids = sorted(d.id for d in got)
    assert ids == sorted(["caf\\xe9.html", "café.html", "caf\\\\xe9.html", "sub\\xff\\xfe.html"])
    for doc in got:
        _encodable(doc)
        assert doc.source == str(tmp_path / doc.id)  # the folder's own name is plain ASCII here
        assert os.fsencode(unescape_name(doc.id)) in NAMES  # reversible: the name on disk
    one = tmp_path / os.fsdecode(b"caf\xe9.html")
    [doc] = docs(list(read_paths([one])))  # a file given by name, as the shell passes it
    assert doc.id == "caf\\xe9.html" and doc.source == str(tmp_path / "caf\\xe9.html")
    [err] = errors(list(read_paths([tmp_path / os.fsdecode(b"gone\xe9.txt")])))
    assert err.source == str(tmp_path / "gone\\xe9.txt") and "no such file" in err.reason
    err.source.encode("utf-8")


def test_names_that_are_not_utf8_ingest_and_print_valid_utf8(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from newstrace.cli import main

    _bytes_names(tmp_path, NAMES[:2])
    db = str(tmp_path / "s.db")
    report = ingest([str(tmp_path)], db, workers=1, progress=False, nlp=False)
    assert (report.added, report.failed) == (2, 0), report.summary()
    assert main(["analyze", str(tmp_path), "--json"]) == 0
    out = capsys.readouterr().out
    out.encode("utf-8")  # strict: no surrogate escapes reach stdout
    assert sorted(json.loads(line)["id"] for line in out.splitlines()) == ["caf\\xe9.html", "café.html"]


@pytest.mark.parametrize(
    "name", ["plain.html", "café.html", "a\\b", "caf\udce9.html", "\udcff\udc80", "x\ud800y", "\\x41"]
)
def test_name_escaping_round_trips(name: str) -> None:
    escaped = escape_name(name)
    escaped.encode("utf-8")
    assert unescape_name(escaped) == name
    plain = "\\" not in name and not any("\ud800" <= c <= "\udfff" for c in name)
    assert (escaped == name) == plain


# --- 3. ids of files keep their extension --------------------------------------------------------


def test_same_stem_different_extension_are_two_pages(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "story.html").write_text(f"<html><body><p>The HTML telling. {BODY}</p></body></html>", "utf-8")
    (src / "story.txt").write_text(f"The text telling. {BODY}", "utf-8")
    (src / "story.txt.gz").write_bytes(gzip.compress(f"The gzip telling. {BODY}".encode()))
    got = docs(list(read_paths([src])))
    assert [d.id for d in got] == ["story.html", "story.txt", "story.txt.gz"]
    db = str(tmp_path / "s.db")
    first = ingest([str(src)], db, workers=1, progress=False, nlp=False)
    assert (first.added, first.revised) == (3, 0)
    again = ingest([str(src)], db, workers=1, progress=False, nlp=False)
    assert (again.added, again.revised, again.unchanged) == (0, 0, 3)


def test_record_and_warc_ids_are_unchanged(tmp_path: Path) -> None:
    (tmp_path / "feed.jsonl").write_text(json.dumps({"id": "story", "text": BODY}) + "\n", "utf-8")
    (tmp_path / "crawl.warc").write_bytes(build_warc([("resource", "https://e.org/a.txt", BODY.encode(),
                                                       "text/plain")], gz=False))
    got = docs(list(read_paths([tmp_path])))
    assert got[1].id == "story" and got[0].id.startswith("warc-") and len(got[0].id) == 21


# --- 4. XML declarations before HTML ---------------------------------------------------------------

PAGE = f"<html><head><title>Council vote</title></head><body><p>{BODY}</p></body></html>"


@pytest.mark.parametrize(
    "head",
    [
        '<?xml version="1.0" encoding="utf-8">',
        '<?xml version="1.0"?><?xml version="1.0" encoding="utf-8"?>',
        '<?xml version="1.0" encoding="utf-8"?>\n<?xml version="1.0" encoding="utf-8">\n',
        '<?xml version="1.0" encoding="utf-8"?>',
        '\ufeff  \n<?xml version="1.0" encoding="ISO-8859-1"?>',
        '  \ufeff<?XML version="1.0" encoding="utf-8"?>',
        '<?xml version="1.0" encoding="utf-8"?><?xml-stylesheet href="a.xsl" encoding="utf-8"?>',
    ],
)
def test_leading_xml_declarations_are_stripped(head: str, tmp_path: Path) -> None:
    for doc in (
        read_html(head + PAGE, doc_id="x", source="x.html"),
        read_bytes((head + PAGE).encode("utf-8"), "x.html")[0],
        read_bytes(json.dumps({"id": "r", "html": head + PAGE}).encode(), "feed.jsonl")[0],
    ):
        assert BODY in doc.text and doc.title == "Council vote"


def test_a_declaration_cut_off_is_an_input_error() -> None:
    with pytest.raises(InputError, match="x.html"):
        read_html('<?xml version="1.0" encoding="utf-8"', doc_id="x", source="x.html")


# --- 5. UTF-16 and UTF-32 pages with a byte-order mark ---------------------------------------------

ENCODINGS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
CYRILLIC = "Москва. Президент России Владимир Путин приказал начать вывод войск из Сирии."


@pytest.mark.parametrize(("bom", "encoding"), ENCODINGS, ids=[e for _, e in ENCODINGS])
@pytest.mark.parametrize("name", ["page.html", "page", "page.txt"])
@pytest.mark.parametrize("words", [BODY, CYRILLIC], ids=["latin", "cyrillic"])
def test_pages_with_a_bom_are_read(bom: bytes, encoding: str, name: str, words: str) -> None:
    page = f"<html><head><title>T</title></head><body><p>{words}</p></body></html>"
    [doc] = read_bytes(bom + page.encode(encoding), name)
    assert words in doc.text


@pytest.mark.parametrize(("bom", "encoding"), ENCODINGS[:2], ids=["utf-32-le", "utf-32-be"])
def test_pages_with_a_bom_in_a_warc(bom: bytes, encoding: str) -> None:
    page = f"<html><body><p>{CYRILLIC}</p></body></html>".encode(encoding)
    data = build_warc([("response", "https://e.org/ru.html", bom + page, "text/html")], gz=True)
    [doc] = read_bytes(data, "crawl.warc.gz")
    assert CYRILLIC in doc.text


def test_garbage_after_a_utf32_bom_is_still_binary() -> None:
    junk = bytes(range(256)) * 40
    for bom, _ in ENCODINGS[:2]:
        with pytest.raises(InputError, match="binary content"):
            read_bytes(bom + junk[: len(junk) - len(junk) % 4], "x.html")


# --- 6. WARC archives cut inside a record's headers ------------------------------------------------


def _three_pages() -> bytes:
    def html(words: bytes) -> bytes:
        return b"<html><body><p>" + words + b"</p></body></html>"

    return build_warc(
        [
            ("resource", "https://e.org/one.txt", b"First wire story.", "text/plain"),
            ("response", "https://e.org/two.html", html(b"Second story."), "text/html"),
            ("response", "https://e.org/three.html", html(b"Third story."), "text/html"),
        ],
        gz=False,
    )


def _texts(items: list[Document | InputError]) -> list[str]:
    return [d.text for d in items if isinstance(d, Document)]


def test_warc_cut_inside_record_headers(tmp_path: Path) -> None:
    data = _three_pages()
    start = data.index(b"WARC/1.", data.index(b"Second story."))
    head_end = data.index(b"\r\n\r\n", start) + 4
    path = tmp_path / "crawl.warc"
    for cut in range(start + 1, head_end + 1):
        path.write_bytes(data[:cut])
        items = list(read_paths([path]))
        assert _texts(items) == ["First wire story.", "Second story."], cut
        [err] = errors(items)
        assert err.source == f"{path}#record 4", cut
        if cut < head_end:
            assert err.reason == "truncated WARC record headers (the archive ends inside them)", cut
        else:  # the WARC headers are whole, the record's HTTP headers are missing
            assert err.reason.startswith("truncated record"), cut


def test_gzipped_warc_cut_inside_record_headers(tmp_path: Path) -> None:
    plain = _three_pages()
    start = plain.index(b"WARC/1.", plain.index(b"Second story."))
    cut = plain.index(b"Content-Length", start)
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(gzip.compress(plain[:cut]))  # a whole gzip member whose data stops mid-headers
    items = list(read_paths([path]))
    assert _texts(items) == ["First wire story.", "Second story."]
    [err] = errors(items)
    assert err.source == f"{path}#record 4" and "truncated WARC record headers" in err.reason
