"""Readers: every format, detection by name and by content, encodings, folders, globs and ids."""

from __future__ import annotations

import gzip
import io
import json
import logging
from pathlib import Path

import pytest

from newstrace.errors import InputError
from newstrace.ingest import FORMATS, MAX_INPUT_BYTES, read_bytes, read_paths
from newstrace.ingest.detect import decode_text, format_from_name, sniff
from newstrace.ingest.readers import expand_paths
from newstrace.ingest.warc import warc_doc_id
from newstrace.model import Document

from ..conftest import SEED

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "readers"


def _has_html_reader() -> bool:
    try:
        from newstrace.ingest import html
    except ImportError:
        return False
    return hasattr(html, "read_html")


needs_html = pytest.mark.skipif(not _has_html_reader(), reason="newstrace.ingest.html.read_html missing")

PAGE = (
    b"<!DOCTYPE html><html><head><title>Withdrawal begins</title></head><body><article>"
    b"<h1>Withdrawal begins</h1><p>Russian forces began leaving Syria on Tuesday, the ministry said.</p>"
    b"</article></body></html>"
)


def docs(items: list[Document | InputError]) -> list[Document]:
    bad = [x for x in items if isinstance(x, InputError)]
    assert not bad, bad
    return [x for x in items if isinstance(x, Document)]


def errors(items: list[Document | InputError]) -> list[InputError]:
    return [x for x in items if isinstance(x, InputError)]


def build_warc(
    records: list[tuple[str, str, bytes, str]], *, gz: bool, warcinfo: bool = True
) -> bytes:
    """A WARC of ``(record type, target uri, payload, content type)`` records, written with warcio."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    if warcinfo:
        writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "newstrace tests"}))
    for rec_type, uri, payload, content_type in records:
        if rec_type == "response":
            http = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            rec = writer.create_warc_record(uri, "response", payload=io.BytesIO(payload), http_headers=http)
        else:
            rec = writer.create_warc_record(uri, rec_type, payload=io.BytesIO(payload),
                                            warc_content_type=content_type)
        writer.write_record(rec)
    return buf.getvalue()


# --- plain files and ids -------------------------------------------------------------------------


def test_public_names() -> None:
    assert FORMATS == ("auto", "text", "html", "jsonl", "warc")
    assert MAX_INPUT_BYTES == 20 * 1024 * 1024


def test_text_file_id_is_its_name(tmp_path: Path) -> None:
    path = tmp_path / "000_61ee9dba41562d1b.txt"
    path.write_text("Headline\n\nA paragraph of text.\n", encoding="utf-8")
    [doc] = docs(list(read_paths([str(path)])))
    assert doc.id == "000_61ee9dba41562d1b.txt"
    assert doc.source == str(path)
    assert doc.format == "text"
    assert doc.text.startswith("Headline")


def test_seed_page_reads_as_text() -> None:
    [doc] = docs(list(read_paths([SEED])))
    assert doc.id == "000_61ee9dba41562d1b.txt"
    assert doc.format == "text"
    assert "Syria" in doc.text


def test_folder_is_recursed_sorted_without_hidden_or_foreign_files(tmp_path: Path) -> None:
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    (tmp_path / "b.txt").write_text("second", encoding="utf-8")
    (tmp_path / "a.md").write_text("first", encoding="utf-8")
    (tmp_path / "sub" / "c.text").write_text("third", encoding="utf-8")
    (tmp_path / "sub" / "deeper" / "d.txt.gz").write_bytes(gzip.compress(b"fourth"))
    (tmp_path / ".hidden.txt").write_text("hidden", encoding="utf-8")
    (tmp_path / ".git" / "config.txt").write_text("hidden folder", encoding="utf-8")
    (tmp_path / "notes.csv").write_text("a,b\n", encoding="utf-8")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    got = docs(list(read_paths([str(tmp_path)])))
    assert [d.id for d in got] == ["a.md", "b.txt", "sub/c.text", "sub/deeper/d.txt.gz"]
    assert [d.text for d in got] == ["first", "second", "third", "fourth"]
    assert got[3].source == str(tmp_path / "sub" / "deeper" / "d.txt.gz")


def test_glob_pattern(tmp_path: Path) -> None:
    for name in ("x1.txt", "x2.txt", "y.txt"):
        (tmp_path / name).write_text(name, encoding="utf-8")
    got = docs(list(read_paths([str(tmp_path / "x*.txt")])))
    assert [d.id for d in got] == ["x1.txt", "x2.txt"]
    [err] = errors(list(read_paths([str(tmp_path / "z*.txt")])))
    assert str(tmp_path / "z*.txt") in str(err) and "no files match" in str(err)


def test_expand_paths_gives_ids(tmp_path: Path) -> None:
    (tmp_path / "d" / "e").mkdir(parents=True)
    (tmp_path / "d" / "e" / "p.html.gz").write_bytes(gzip.compress(PAGE))
    (tmp_path / "q.jsonl").write_text("", encoding="utf-8")
    items = list(expand_paths([tmp_path / "d", str(tmp_path / "q.jsonl")]))
    assert [(x[0].name, x[1]) for x in items if isinstance(x, tuple)] == [
        ("p.html.gz", "e/p.html.gz"),
        ("q.jsonl", "q.jsonl"),
    ]


def test_names_and_extensions() -> None:
    assert format_from_name("a/b.HTML") == ("html", False)
    assert format_from_name("x.warc.gz") == ("warc", True)
    assert format_from_name("x.ndjson") == ("jsonl", False)
    assert format_from_name("x.json.gz") == ("jsonl", True)
    assert format_from_name("x.pdf") == (None, False)
    assert format_from_name(".bashrc") == (None, False)


# --- detection by content ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"WARC/1.0\r\nWARC-Type: warcinfo\r\n", "warc"),
        (b'{"id": "a", "text": "b"}\n{"id": "c"', "jsonl"),
        (b'[\n  {"id": "a"}\n]', "jsonl"),
        (b"  <!DOCTYPE html>\n<html><body>x</body></html>", "html"),
        (b"<?xml version='1.0'?>\n<html xmlns='http://www.w3.org/1999/xhtml'>", "html"),
        (b"<div><p>a</p><p>b</p><span>c</span><p>d</p><p>e</p><p>f</p><p>g</p></div>", "html"),
        (b"\xef\xbb\xbf<html><head></head></html>", "html"),
        ("<html><body>x</body></html>".encode("utf-16"), "html"),
        (b"Headline\n\nA story that mentions <b> once.\n", "text"),
        (b"{not json at all, just a brace}", "text"),
    ],
)
def test_sniff(head: bytes, expected: str) -> None:
    assert sniff(head, "x") == expected


def test_files_without_extension_are_sniffed(tmp_path: Path) -> None:
    jl = tmp_path / "records"
    jl.write_text('{"id": "r1", "text": "Body text."}\n', encoding="utf-8")
    warc = tmp_path / "archive"
    warc.write_bytes(build_warc([("resource", "http://e.org/a.txt", b"Plain page.", "text/plain")], gz=True))
    txt = tmp_path / "notes"
    txt.write_text("Just some words.", encoding="utf-8")
    got = docs(list(read_paths([jl, warc, txt])))
    assert [d.format for d in got] == ["jsonl", "warc", "text"]
    assert [d.id for d in got][0::2] == ["r1", "notes"]


def test_gzip_text_with_and_without_extension(tmp_path: Path) -> None:
    (tmp_path / "a.txt.gz").write_bytes(gzip.compress("Grüße aus Berlin.".encode()))
    (tmp_path / "b.txt").write_bytes(gzip.compress(b"Hidden gzip."))
    (tmp_path / "c").write_bytes(gzip.compress(b"No name at all.") + gzip.compress(b" Two members."))
    got = docs(list(read_paths(sorted(str(p) for p in tmp_path.iterdir()))))
    assert [d.text for d in got] == ["Grüße aus Berlin.", "Hidden gzip.", "No name at all. Two members."]
    assert [d.id for d in got] == ["a.txt.gz", "b.txt", "c"]


@needs_html
def test_html_file(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(PAGE)
    [doc] = docs(list(read_paths([path])))
    assert doc.id == "page.html"
    assert "Russian forces began leaving Syria" in doc.text
    [doc2] = docs(list(read_paths([FIXTURES / "page.html"])))
    assert "Hmeymim" in doc2.text


@needs_html
def test_html_sniffed_without_extension(tmp_path: Path) -> None:
    path = tmp_path / "saved_page"
    path.write_bytes(PAGE)
    [doc] = docs(list(read_paths([path])))
    assert "Russian forces began leaving Syria" in doc.text
    assert doc.format == "html"


def test_explicit_format_wins(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(PAGE)
    [doc] = docs(list(read_paths([path], format="TEXT")))
    assert doc.format == "text"
    assert doc.text.startswith("<!DOCTYPE html>")


# --- encodings -----------------------------------------------------------------------------------


def test_legacy_encodings_are_normal_input() -> None:
    [cp] = docs(list(read_paths([FIXTURES / "cp1252.txt"])))
    assert "Le président a déclaré « nous sommes prêts » — c’est l’été." in cp.text
    assert "“we are ready”" in cp.text
    [ru] = docs(list(read_paths([FIXTURES / "koi8r.txt"])))
    assert ru.text.startswith("Президент России Владимир Путин")


@pytest.mark.parametrize(
    "data",
    [
        "Ça va, café.".encode("utf-8-sig"),
        "Ça va, café.".encode("utf-16"),
        "Ça va, café.".encode("utf-16-le"),
        "Ça va, café.".encode("utf-16-be"),
        "Ça va, café.".encode("utf-32"),
        "Ça va, café.".encode("cp1252"),
    ],
)
def test_decode_text_boms_and_guesses(data: bytes) -> None:
    assert decode_text(data, "x") == "Ça va, café."


def test_mostly_utf8_with_a_broken_byte_stays_utf8(caplog: pytest.LogCaptureFixture) -> None:
    data = ("Président Poutine a déclaré: « Mission accomplie ». " * 20).encode() + b"\xc3"
    with caplog.at_level(logging.WARNING):
        text = decode_text(data, "page.txt")
    assert text.startswith("Président Poutine") and text.endswith("\ufffd")
    assert any("page.txt" in r.getMessage() and "replaced" in r.getMessage() for r in caplog.records)


# --- JSON Lines ----------------------------------------------------------------------------------


def test_jsonl_keeps_id_outlet_published_title_url() -> None:
    got = docs(list(read_paths([FIXTURES / "records.jsonl"])))
    assert [d.id for d in got] == ["rt-2016-03-14-syria", "tass-2016-03-14-syria"]
    rt, tass = got
    assert (rt.outlet, rt.published, rt.title, rt.url) == (
        "RT",
        "2016-03-14",
        "Putin orders withdrawal",
        "https://example.org/rt/syria",
    )
    assert rt.format == "jsonl"
    assert rt.source == f"{FIXTURES / 'records.jsonl'}:1"
    assert rt.text.startswith("Putin orders start")
    assert (tass.outlet, tass.published, tass.url, tass.title) == ("TASS", "2016-03-14", None, None)


def test_jsonl_gz_and_json_array(tmp_path: Path) -> None:
    rows = [{"id": f"r{i}", "text": f"Story {i}."} for i in range(3)]
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in rows).encode()))
    (tmp_path / "b.json").write_text(json.dumps([{"id": "s1", "text": "One."}, {"id": "s2", "text": "Two."}],
                                                indent=2), encoding="utf-8")
    (tmp_path / "c.json").write_text(json.dumps({"id": "t1", "text": "Pretty."}, indent=2), encoding="utf-8")
    got = docs(list(read_paths([tmp_path])))
    assert [d.id for d in got] == ["r0", "r1", "r2", "s1", "s2", "t1"]
    assert got[4].source == f"{tmp_path / 'b.json'}#item 2"


@needs_html
def test_jsonl_html_record_goes_through_the_html_reader(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    rec = {"id": "h1", "html": PAGE.decode(), "outlet": "AP", "published": "2016-03-15 08:00"}
    path.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    [doc] = docs(list(read_paths([path])))
    assert (doc.id, doc.outlet, doc.published, doc.format) == ("h1", "AP", "2016-03-15", "jsonl")
    assert "Russian forces began leaving Syria" in doc.text
    assert "<p>" not in doc.text


# --- WARC ----------------------------------------------------------------------------------------


def _warc_records() -> list[tuple[str, str, bytes, str]]:
    return [
        ("response", "https://news.example/a", PAGE, "text/html; charset=utf-8"),
        ("response", "https://news.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png"),
        ("response", "https://news.example/app.js", b"var x = 1;", "application/javascript"),
        ("resource", "https://news.example/wire.txt", b"Wire copy: troops leave Syria.", "text/plain"),
    ]


@pytest.mark.parametrize("gz", [False, True])
def test_warc_text_records(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("a.warc.gz" if gz else "a.warc")
    records = [r for r in _warc_records() if r[0] == "resource" or r[3] == "image/png"]
    path.write_bytes(build_warc(records, gz=gz))
    [doc] = docs(list(read_paths([path])))
    assert doc.text == "Wire copy: troops leave Syria."
    assert doc.url == "https://news.example/wire.txt"
    assert doc.id.startswith("warc-") and len(doc.id) == 21
    assert doc.source == f"{path}#record 3"
    assert doc.format == "warc"
    assert doc.published is None  # WARC-Date is when it was crawled, not published
    # Ids are stable: reading again gives the same ids.
    assert [d.id for d in docs(list(read_paths([path])))] == [doc.id]


@needs_html
@pytest.mark.parametrize("gz", [False, True])
def test_warc_html_and_skipped_records(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("a.warc.gz" if gz else "a.warc")
    path.write_bytes(build_warc(_warc_records(), gz=gz))
    got = docs(list(read_paths([path])))
    assert [d.url for d in got] == ["https://news.example/a", "https://news.example/wire.txt"]
    assert "Russian forces began leaving Syria" in got[0].text
    assert got[0].source == f"{path}#record 2"
    assert got[0].published is None


@needs_html
def test_warc_http_charset_decides_the_encoding(tmp_path: Path) -> None:
    page = "<html><body><p>Le café de la gare a fermé ses portes.</p></body></html>".encode("cp1252")
    path = tmp_path / "c.warc"
    record = ("response", "https://e.fr/", page, "text/html; charset=ISO-8859-1")
    path.write_bytes(build_warc([record], gz=False))
    [doc] = docs(list(read_paths([path])))
    assert "Le café de la gare" in doc.text


def test_whole_file_gzip_warc(tmp_path: Path) -> None:
    """A WARC gzipped as one member (``gzip file.warc``) is read too, not only per-record gzip."""
    plain = build_warc([r for r in _warc_records() if r[0] == "resource"], gz=False)
    path = tmp_path / "w.warc.gz"
    path.write_bytes(gzip.compress(plain))
    [doc] = docs(list(read_paths([path])))
    assert doc.text.startswith("Wire copy")


def test_warc_doc_id_is_short_and_stable() -> None:
    rid = "<urn:uuid:12345678-1234-5678-1234-567812345678>"
    assert warc_doc_id(rid) == warc_doc_id(rid) and warc_doc_id(rid).startswith("warc-")
    assert warc_doc_id(rid) != warc_doc_id(rid.replace("5678>", "5679>"))


# --- read_bytes ----------------------------------------------------------------------------------


def test_read_bytes() -> None:
    [doc] = read_bytes(b"Some text.", "inbox/story-1.txt")
    assert (doc.id, doc.source, doc.text) == ("story-1.txt", "inbox/story-1.txt", "Some text.")
    got = read_bytes(b'{"id": "a", "text": "x"}\n{"id": "b", "text": "y"}\n', "feed.jsonl")
    assert [d.id for d in got] == ["a", "b"]
    [wdoc] = read_bytes(build_warc([_warc_records()[3]], gz=True), "crawl", format="warc")
    assert wdoc.source == "crawl#record 2"
