"""Bad inputs: each one gives an ``InputError`` that names it, and a batch goes on past it."""

from __future__ import annotations

import gzip
import io
import json
import os
import random
from pathlib import Path

import pytest

from newstrace.errors import InputError
from newstrace.ingest import read_bytes, read_paths
from newstrace.model import Document

from .test_readers import PAGE, build_warc, docs, errors, needs_html


def one_error(path: Path | str, **kwargs: object) -> InputError:
    items = list(read_paths([str(path)], **kwargs))  # type: ignore[arg-type]
    assert len(items) == 1, items
    [err] = items
    assert isinstance(err, InputError), err
    assert str(path) in str(err) and err.source.startswith(str(path))
    assert "\n" not in str(err)
    return err


def test_missing_path(tmp_path: Path) -> None:
    err = one_error(tmp_path / "nope.txt")
    assert "no such file" in err.reason


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n  ", "\ufeff \n".encode()])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    assert "empty input" in one_error(path).reason


def test_empty_html_and_jsonl(tmp_path: Path) -> None:
    (tmp_path / "e.html").write_bytes(b"\n\n")
    (tmp_path / "e.jsonl").write_bytes(b"\n\n")
    assert "empty input" in one_error(tmp_path / "e.html").reason
    assert "empty input" in one_error(tmp_path / "e.jsonl").reason


def test_random_bytes(tmp_path: Path) -> None:
    path = tmp_path / "blob.txt"
    path.write_bytes(random.Random(7).randbytes(50_000))
    assert "binary content" in one_error(path).reason


@pytest.mark.parametrize(
    ("name", "head", "kind"),
    [
        ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
        ("paper.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF document"),
        ("archive.zip", b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "ZIP archive"),
        ("program", b"\x7fELF\x02\x01\x01\x00" + bytes(8), "ELF executable"),
        ("page.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),  # a lying extension
        ("page.txt.gz", gzip.compress(b"%PDF-1.4\n..."), "PDF document"),
    ],
)
def test_binary_formats_are_named(tmp_path: Path, name: str, head: bytes, kind: str) -> None:
    path = tmp_path / name
    path.write_bytes(head + bytes(range(256)) * 4)
    err = one_error(path)
    assert "unknown format" in err.reason and "binary content" in err.reason and kind in err.reason


def test_binary_is_refused_when_forced_too(tmp_path: Path) -> None:
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    for fmt in ("text", "html"):
        assert "binary content" in one_error(path, format=fmt).reason


def test_invalid_utf8_that_is_not_text(tmp_path: Path) -> None:
    path = tmp_path / "garbage.txt"
    rng = random.Random(3)
    path.write_bytes(bytes(rng.randrange(0x80, 0x100) for _ in range(5000)))
    assert "binary content" in one_error(path).reason


def test_invalid_utf8_that_is_a_legacy_page_is_read(tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes("Zürich: Die Regierung erklärte am Montag, dass …".encode("cp1252"))
    [doc] = docs(list(read_paths([path])))
    assert doc.text == "Zürich: Die Regierung erklärte am Montag, dass …"


def test_utf8_with_a_few_broken_bytes_is_read_with_replacement(tmp_path: Path) -> None:
    path = tmp_path / "broken.txt"
    path.write_bytes("Déclaration du président. ".encode() * 50 + b"\xff\xfe broken " + "fin é.".encode())
    [doc] = docs(list(read_paths([path])))
    assert "\ufffd" in doc.text and doc.text.endswith("fin é.")


def test_fifty_megabyte_page(tmp_path: Path) -> None:
    size = 50 * 1024 * 1024
    chunk = b"<p>" + b"word " * 200 + b"</p>\n"
    with (tmp_path / "huge.html").open("wb") as f:
        f.write(b"<!DOCTYPE html><html><body>")
        while f.tell() < size - len(chunk):
            f.write(chunk)
        f.write(b" " * (size - f.tell()))
    assert (tmp_path / "huge.html").stat().st_size == size
    os.link(tmp_path / "huge.html", tmp_path / "huge")  # no extension: sniffed, then refused by size
    for path in (tmp_path / "huge.html", tmp_path / "huge"):
        err = one_error(path)
        assert err.reason == "too large: 52428800 bytes > 20971520 limit"
    with pytest.raises(InputError, match="too large"):
        read_bytes(b"x" * 2048, "small.txt", max_bytes=1024)


def test_gzip_bomb_stops_at_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "bomb.txt.gz"
    path.write_bytes(gzip.compress(b"a" * (8 * 1024 * 1024)))  # 8 MiB of text in a few KiB
    assert path.stat().st_size < 100_000
    err = one_error(path, max_bytes=1024 * 1024)
    assert "too large" in err.reason and "1048576" in err.reason


def test_truncated_and_corrupt_gzip(tmp_path: Path) -> None:
    data = gzip.compress(("Some words. " * 2000).encode())
    (tmp_path / "cut.txt.gz").write_bytes(data[: len(data) // 2])
    assert "truncated gzip" in one_error(tmp_path / "cut.txt.gz").reason
    bad = bytearray(data)
    bad[20:40] = b"\xff" * 20
    (tmp_path / "bad.txt.gz").write_bytes(bytes(bad))
    assert "gzip" in one_error(tmp_path / "bad.txt.gz").reason


@needs_html
def test_deeply_nested_html_is_read_or_refused_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "nested.html"
    depth = 100_000
    nested = b"<div>" * depth + b"deep text" + b"</div>" * depth
    path.write_bytes(b"<html><body>" + nested + b"</body></html>")
    items = list(read_paths([path]))
    assert len(items) == 1
    [item] = items
    if isinstance(item, InputError):
        assert str(path) in str(item)
    else:
        assert "deep text" in item.text


def test_unknown_format_name(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("hello", encoding="utf-8")
    err = one_error(path, format="pdf")
    assert "unknown format 'pdf'" in err.reason
    with pytest.raises(InputError, match="unknown format"):
        read_bytes(b"hello", "a.txt", format="docx")


def test_not_a_regular_file() -> None:
    assert "not a regular file" in one_error("/dev/null").reason


def test_folder_with_nothing_to_read(tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_text("a,b\n", encoding="utf-8")
    err = one_error(tmp_path)
    assert "no readable files" in err.reason


def test_forced_warc_on_something_else(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("not an archive", encoding="utf-8")
    assert "not a WARC" in one_error(path, format="warc").reason


# --- JSON Lines ----------------------------------------------------------------------------------


def test_bad_jsonl_lines_are_reported_one_by_one(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"id": "ok1", "text": "Fine.", "outlet": "RT"}),  # 1
        "this is not json",  # 2
        json.dumps({"text": "no id"}),  # 3
        json.dumps({"id": "x"}),  # 4: neither text nor html
        json.dumps({"id": 7, "text": "numeric id"}),  # 5
        json.dumps({"id": "y", "text": ["a", "list"]}),  # 6
        json.dumps({"id": "z", "text": "bad date", "published": "14 March 2016"}),  # 7
        json.dumps({"id": "w", "text": "impossible date", "published": "2016-02-30"}),  # 8
        json.dumps(["an", "array"]),  # 9
        json.dumps({"id": "ok1", "text": "duplicate"}),  # 10
        "",  # 11: blank lines are fine
        json.dumps({"id": "ok2", "text": "Also fine.", "published": "2016-03-14T09:00:00Z"}),  # 12
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_paths([path]))
    assert [d.id for d in items if isinstance(d, Document)] == ["ok1", "ok2"]
    errs = {e.source: e.reason for e in errors(items)}
    assert sorted(errs) == sorted(f"{path}:{n}" for n in (2, 3, 4, 5, 6, 7, 8, 9, 10))
    assert "not JSON" in errs[f"{path}:2"]
    assert "no 'id'" in errs[f"{path}:3"]
    assert "neither 'text' nor 'html'" in errs[f"{path}:4"]
    assert "'id' must be a string" in errs[f"{path}:5"]
    assert "'text' must be a string" in errs[f"{path}:6"]
    assert "YYYY-MM-DD" in errs[f"{path}:7"]
    assert "not a valid date" in errs[f"{path}:8"]
    assert "not a JSON object" in errs[f"{path}:9"]
    assert "duplicate id 'ok1'" in errs[f"{path}:10"]


def test_jsonl_line_over_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    big = json.dumps({"id": "big", "text": "x" * 5000})
    path.write_text(big + "\n" + json.dumps({"id": "small", "text": "ok"}) + "\n", encoding="utf-8")
    items = list(read_paths([path], max_bytes=1000))
    [err] = errors(items)
    assert err.source == f"{path}:1" and "too large" in err.reason
    assert [d.id for d in items if isinstance(d, Document)] == ["small"]


def test_read_bytes_raises_on_the_first_bad_record() -> None:
    with pytest.raises(InputError) as info:
        read_bytes(b'{"id": "a", "text": "x"}\n{oops\n', "feed.jsonl")
    assert info.value.source == "feed.jsonl:2"


# --- WARC ----------------------------------------------------------------------------------------


def _records() -> list[tuple[str, str, bytes, str]]:
    return [
        ("resource", "https://e.org/one.txt", b"First wire story.", "text/plain"),
        ("response", "https://e.org/pic.jpg", b"\xff\xd8\xff\xe0" + bytes(100), "image/jpeg"),
        ("resource", "https://e.org/two.txt", b"Second wire story. " * 50, "text/plain"),
    ]


def test_warc_with_a_truncated_gzip_member_at_the_end(tmp_path: Path) -> None:
    good = build_warc(_records()[:2], gz=True)
    last = build_warc(_records()[2:], gz=True, warcinfo=False)
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(good + last[: len(last) // 2])
    items = list(read_paths([path]))
    assert [d.text for d in items if isinstance(d, Document)] == ["First wire story."]
    [err] = errors(items)
    assert err.source == f"{path}#record 4" and "truncated" in err.reason


def test_warc_with_a_truncated_record(tmp_path: Path) -> None:
    data = build_warc(_records(), gz=False)
    path = tmp_path / "crawl.warc"
    path.write_bytes(data[:-300])
    items = list(read_paths([path]))
    assert [d.text for d in items if isinstance(d, Document)] == ["First wire story."]
    [err] = errors(items)
    assert err.source == f"{path}#record 4" and "truncated" in err.reason


def test_warc_with_a_corrupt_record(tmp_path: Path) -> None:
    data = bytearray(build_warc(_records(), gz=False))
    at = data.find(b"First wire")
    data[at : at + 5] = b"XXXXX"
    path = tmp_path / "crawl.warc"
    path.write_bytes(bytes(data))
    items = list(read_paths([path]))
    [err] = errors(items)
    assert err.source == f"{path}#record 2" and "corrupt" in err.reason
    assert [d.text.split(".")[0] for d in items if isinstance(d, Document)] == ["Second wire story"]


def test_warc_without_pages(tmp_path: Path) -> None:
    path = tmp_path / "images.warc"
    path.write_bytes(build_warc([_records()[1]], gz=False))
    err = one_error(path)
    assert "no HTML or text page records" in err.reason


def test_warc_garbage_after_magic(tmp_path: Path) -> None:
    path = tmp_path / "fake.warc"
    path.write_bytes(b"WARC/1.0\r\nthis is not a header block\x00\x01\r\n\r\n" + bytes(300))
    items = list(read_paths([path]))
    assert items and all(isinstance(x, InputError) and str(path) in str(x) for x in items)


# --- batches -------------------------------------------------------------------------------------


def test_batch_of_good_and_bad_files(tmp_path: Path) -> None:
    good: dict[str, Path] = {}
    for name in ("g1.txt", "g2.md"):
        good[name] = tmp_path / name
        good[name].write_text(f"Good page {name}.", encoding="utf-8")
    good["g3.jsonl"] = tmp_path / "g3.jsonl"
    good["g3.jsonl"].write_text(json.dumps({"id": "g3-rec", "text": "Record."}) + "\n", encoding="utf-8")
    good["g4.warc.gz"] = tmp_path / "g4.warc.gz"
    good["g4.warc.gz"].write_bytes(build_warc(_records()[:1], gz=True))
    bad: dict[str, bytes] = {
        "b1.txt": b"",
        "b2.txt": random.Random(1).randbytes(4096),
        "b3.png": b"\x89PNG\r\n\x1a\n" + bytes(64),
        "b4.txt.gz": gzip.compress(b"cut off " * 1000)[:40],
        "b5.jsonl": b"{broken\n",
        "b6.warc": b"WARC/1.0\r\nWARC-Type: resource\r\nContent-Length: 5000\r\n\r\nshort",
    }
    for name, data in bad.items():
        (tmp_path / name).write_bytes(data)
    missing = tmp_path / "missing.txt"
    paths = [str(tmp_path / n) for n in sorted({*good, *bad})] + [str(missing)]
    items = list(read_paths(paths))
    warc_id = next(d.id for d in items if isinstance(d, Document) and d.format == "warc")
    ids = sorted(d.id for d in items if isinstance(d, Document))
    assert ids == sorted(["g1.txt", "g2.md", "g3-rec", warc_id])
    assert len([d for d in items if isinstance(d, Document)]) == 4
    errs = errors(items)
    assert len(errs) == len(bad) + 1
    for name in [*bad, "missing.txt"]:
        assert sum(str(tmp_path / name) in str(e) for e in errs) == 1, name


@needs_html
def test_batch_with_html(tmp_path: Path) -> None:
    (tmp_path / "ok.html").write_bytes(PAGE)
    (tmp_path / "bad.html").write_bytes(b"\x00\x01\x02\x03" * 100)
    items = list(read_paths([tmp_path]))
    assert [d.id for d in items if isinstance(d, Document)] == ["ok.html"]
    [err] = errors(items)
    assert str(tmp_path / "bad.html") in str(err)


def test_read_bytes_single_bad_inputs() -> None:
    for data, reason in [(b"", "empty input"), (b"\x89PNG\r\n\x1a\n", "binary content")]:
        with pytest.raises(InputError) as info:
            read_bytes(data, "upload.bin")
        assert info.value.source == "upload.bin" and reason in info.value.reason
    assert read_bytes(io.BytesIO(b"fine").getvalue(), "upload.txt")[0].text == "fine"
