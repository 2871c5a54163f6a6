"""``POST /api/ingest`` on hostile bodies, through a real server: a 4xx with a JSON error for every
malformed body (never a 500), errors named by the request's own records (never a server path), and a
busy or broken store answered as such."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from newstrace.web import create_app
from newstrace.web.safety import CSP

from .conftest import LiveServer

TOKEN = "test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture()
def server(writable_copy: str) -> Iterator[httpx.Client]:
    with LiveServer(create_app(writable_copy, TOKEN)) as live, httpx.Client(
        base_url=live.url, timeout=300
    ) as client:
        yield client


def _records(*records: dict[str, Any]) -> bytes:
    return ("\n".join(json.dumps(r) for r in records) + "\n").encode()


MALFORMED = {
    "100,000 nested [": b"[" * 100_000,
    "nested objects": b'{"a": ' * 50_000,
    "deep inside a record": b'{"id": "deep", "text": "x", "extra": ' + b"[" * 100_000 + b"}\n",
    "a good record then a deep one": _records({"id": "fine", "text": "Fine."}) + b"[" * 100_000,
    "invalid UTF-8": b'{"id": "x", "text": "caf\xe9"}\n',
    "truncated UTF-8": b'{"id": "x", "text": "\xe2\x82"}\n',
    "empty body": b"",
    "blank lines only": b"\n \n\t\r\n",
    "not JSON": b"hello\n",
    "JSON null": b"null\n",
    "JSON number": b"5\n",
    "JSON string": b'"text"\n',
    "JSON array of records": b'[{"id": "x", "text": "y"}]\n',
    "id a number": b'{"id": 5, "text": "y"}\n',
    "id a list": b'{"id": ["x"], "text": "y"}\n',
    "no id": b'{"text": "y"}\n',
    "a record cut short": b'{"id": "x", "text": "y"\n',
    "NUL byte": b'{"id": "x", "text": "y"}\x00\n',
}


def test_a_record_just_under_the_depth_limit_fails_alone_and_by_name(server: httpx.Client) -> None:
    """Parseable where the endpoint checks it, too deep for the reader's stack: the reader records it as a
    failed record, named as the client knows it, and the request is answered (no 500)."""
    body = b'{"id": "x", "text": "\\ud800", "a": ' + b"[" * 990 + b"]" * 990 + b"}\n"
    r = server.post("/api/ingest", content=body, headers=AUTH)
    assert r.status_code == 200, r.text[:300]
    report = r.json()
    assert report["failed"] == 1 and report["errors"][0].startswith("record 1 (id 'x'): ")


@pytest.mark.parametrize("name", list(MALFORMED))
def test_a_malformed_body_is_a_4xx_with_a_json_error(server: httpx.Client, name: str) -> None:
    r = server.post("/api/ingest", content=MALFORMED[name], headers=AUTH)
    assert r.status_code in (400, 422), (name, r.status_code, r.text[:300])
    error = r.json()["error"]
    assert isinstance(error, str) and "\n" not in error and "Traceback" not in error
    assert r.headers["content-security-policy"] == CSP
    # The server is still there and serving.
    assert server.get("/api/documents/seed").status_code == 200


def test_a_malformed_record_is_named_by_its_number(server: httpx.Client) -> None:
    body = _records({"id": "a", "text": "A."}, {"id": "b", "text": "B."}) + b"[" * 100_000 + b"\n"
    r = server.post("/api/ingest", content=body, headers=AUTH)
    assert r.status_code == 400 and r.json()["error"].startswith("record 3: ")


def test_lone_surrogates_do_not_crash_the_ingest(server: httpx.Client) -> None:
    body = (
        b'{"id": "surrogate-text", "title": "Title \\udfff", "text": "Hello \\ud800 world. '
        b'A second sentence with \\udc00 in it."}\n'
        b'{"id": "surrogate-id-\\ud800", "text": "Fine text."}\n'
        b'{"id": "surrogate-key", "\\ud800": 1, "text": "Fine text \\uDBFF too."}\n'
        b'{"id": "pair", "text": "A proper pair: \\ud83d\\ude00."}\n'
    )
    r = server.post("/api/ingest", content=body, headers=AUTH)
    assert r.status_code == 200 or 400 <= r.status_code < 500, (r.status_code, r.text[:300])
    report = r.json()
    if r.status_code == 200:
        assert report["added"] == 4 and report["failed"] == 0, report
        doc = server.get("/api/documents/surrogate-text").json()
        assert "Hello \ufffd world." in doc["text"]
        assert "\U0001f600" in server.get("/api/documents/pair").json()["text"]
        assert server.get("/documents/surrogate-text").status_code == 200
    for url in ("/api/errors", "/errors", "/", "/api/stories"):
        assert server.get(url).status_code == 200, url


def test_a_line_separator_inside_a_record_is_not_a_line_break(server: httpx.Client) -> None:
    # JSON allows U+2028 and U+2029 unescaped in strings; JSON Lines break on "\n" only.
    body = '{"id": "ls", "text": "One paragraph\u2028still the same line.\u2029End."}\n'.encode()
    r = server.post("/api/ingest", content=body, headers=AUTH)
    assert r.status_code == 200 and r.json()["added"] == 1, r.text[:300]


def test_ingest_errors_name_the_record_never_a_server_path(server: httpx.Client) -> None:
    body = _records(
        {"id": "good", "text": "Council approves budget\n\nThe council approved the budget."},
        {"id": "bad-text", "text": 5},
        {"id": "bad-date", "text": "Some text.", "published": "yesterday"},
        {"id": "good", "text": "The same id again."},
    )
    r = server.post("/api/ingest", content=body, headers=AUTH)
    assert r.status_code == 200, r.text[:300]
    report = r.json()
    assert report["added"] == 1 and report["failed"] == 3, report
    errors = sorted(report["errors"])
    assert errors[0].startswith("record 2 (id 'bad-text'): "), errors
    assert errors[1].startswith("record 3 (id 'bad-date'): "), errors
    assert errors[2].startswith("record 4 (id 'good'): duplicate id"), errors
    assert not any("/" in e or "newstrace-api" in e for e in errors), errors
    # The store's errors table (the corpus's own failed file aside) names them the same way.
    stored = [e for e in server.get("/api/errors").json()["errors"] if "broken.jsonl" not in e["source"]]
    assert sorted(e["source"] for e in stored) == [
        "POST /api/ingest record 2 (id 'bad-text')",
        "POST /api/ingest record 3 (id 'bad-date')",
        "POST /api/ingest record 4 (id 'good')",
    ]
    assert not any("newstrace-api" in e["reason"] or "/" in e["reason"] for e in stored), stored
    assert "newstrace-api" not in server.get("/errors").text


@contextlib.contextmanager
def another_writer(db: str) -> Iterator[None]:
    """Another process with the store open for writing, as ``newstrace ingest`` has it, until the end."""
    code = (
        "import sys\nfrom newstrace.store import open_store\n"
        "with open_store(sys.argv[1]):\n    print('open', flush=True)\n    sys.stdin.read()\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, db], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "open\n"
        yield
    finally:
        if proc.stdin is not None:
            proc.stdin.close()
        proc.wait(timeout=60)


def test_ingest_while_another_process_writes_is_a_409(server: httpx.Client, writable_copy: str) -> None:
    body = _records({"id": "later", "text": "Later."})
    with another_writer(writable_copy):
        r = server.post("/api/ingest", content=body, headers=AUTH)
        assert r.status_code == 409, r.text[:300]
        assert int(r.headers["retry-after"]) > 0
        error = r.json()["error"]
        assert "\n" not in error and "Traceback" not in r.text
        assert str(Path(writable_copy).parent) not in r.text
        assert r.headers["content-security-policy"] == CSP
    # Once the other writer is done, the same request goes through.
    r = server.post("/api/ingest", content=body, headers=AUTH)
    assert r.status_code == 200 and r.json()["added"] == 1, r.text[:300]
