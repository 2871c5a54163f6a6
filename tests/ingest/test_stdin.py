"""Standard input (``-``): every format read from a stream that cannot seek, sniffed from its first bytes."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

from newstrace.errors import InputError
from newstrace.ingest.detect import HEAD_BYTES
from newstrace.ingest.readers import read_stream
from newstrace.model import Document

from ..conftest import ROOT, SEED
from .test_readers import _warc_records, build_warc

READERS = Path(__file__).resolve().parents[1] / "fixtures" / "readers"


class Pipe(io.RawIOBase):
    """Bytes as a pipe gives them: no seeking, short reads."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, b: bytearray) -> int:  # type: ignore[override]
        chunk = self._data.read(min(len(b), 4096))
        b[: len(chunk)] = chunk
        return len(chunk)


def _read(data: bytes) -> list[Document | InputError]:
    return list(read_stream(io.BufferedReader(Pipe(data)), "<stdin>", "stdin"))  # type: ignore[type-var]


def test_a_text_page() -> None:
    [doc] = _read(SEED.read_bytes())
    assert isinstance(doc, Document)
    assert (doc.id, doc.source, doc.format) == ("stdin", "<stdin>", "text")
    assert doc.text.startswith(SEED.read_text(encoding="utf-8")[:40])


def test_an_html_page_gzipped_or_not() -> None:
    raw = next((ROOT / "demo").glob("4a44ab3e4c41*.html.gz")).read_bytes()  # the RT page
    for data in (raw, gzip.decompress(raw)):
        [doc] = _read(data)
        assert isinstance(doc, Document) and doc.format == "html"
        assert doc.title is not None and "pro-Morales demonstrators killed" in doc.title


def test_json_lines_with_a_record_across_the_sniffed_head() -> None:
    long_text = "Words of a long record. " * (HEAD_BYTES // 12)  # two heads long
    lines = (READERS / "records.jsonl").read_bytes() + (json.dumps({"id": "long", "text": long_text}) + "\n"
                                                        ).encode()
    got = _read(lines)
    assert [d.id for d in got if isinstance(d, Document)] == ["rt-2016-03-14-syria", "tass-2016-03-14-syria",
                                                              "long"]
    assert isinstance(got[2], Document) and got[2].text == long_text.strip()
    assert [d.id for d in _read(gzip.compress(lines)) if isinstance(d, Document)][-1] == "long"


def test_a_warc_archive() -> None:
    for gz in (False, True):
        got = _read(build_warc(_warc_records(), gz=gz))
        assert all(isinstance(d, Document) and d.format == "warc" for d in got)
        assert [getattr(d, "url", None) for d in got] == ["https://news.example/a", "https://news.example/wire.txt"]


def test_empty_and_binary_input_are_errors_naming_stdin() -> None:
    [empty] = _read(b"")
    assert isinstance(empty, InputError) and str(empty) == "<stdin>: empty input"
    [pdf] = _read(b"%PDF-1.4 binary")
    assert isinstance(pdf, InputError) and pdf.source == "<stdin>" and "PDF" in pdf.reason
