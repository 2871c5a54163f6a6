"""``newstrace serve`` refuses a store it cannot open (exit 2, one line on stderr, no server), and the app
maps store faults to clear answers instead of 500s.

SQLite's own faults: damaged files, and the per-request budget SQLite enforces step by step (this
module's ``backend`` is SQLite; PostgreSQL's server-side budget is tested in ``test_postgres_reader``)."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from newstrace.errors import StoreError
from newstrace.web import create_app

from .conftest import Corpus, LiveServer, Stories


@pytest.fixture(scope="session", params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    """The files damaged here are SQLite files: this module's corpus is a SQLite store."""
    return str(request.param)


def _folder(path: Path, corpus: Corpus) -> None:
    path.mkdir()


def _empty(path: Path, corpus: Corpus) -> None:
    path.write_bytes(b"")


def _random_bytes(path: Path, corpus: Corpus) -> None:
    path.write_bytes(random.Random(7).randbytes(64 * 1024))


def _truncated(path: Path, corpus: Corpus) -> None:
    with sqlite3.connect(corpus.db) as src, sqlite3.connect(path) as out:
        src.backup(out)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _header_only(path: Path, corpus: Corpus) -> None:
    path.write_bytes(Path(corpus.db).read_bytes()[:60])


def _foreign(path: Path, corpus: Corpus) -> None:
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE photos(id INTEGER PRIMARY KEY, name TEXT)")


BROKEN: dict[str, Callable[[Path, Corpus], None]] = {
    "a folder": _folder,
    "an empty file": _empty,
    "random bytes": _random_bytes,
    "a truncated store": _truncated,
    "the first 60 bytes of a store": _header_only,
    "another application's SQLite file": _foreign,
}


def _serve(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``newstrace serve``; a server that starts instead of refusing is stopped at once (its
    "serving" line is on stdout) and its output returned for the assertions to fail on."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "newstrace", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    try:
        first = proc.stdout.readline()  # "" when it exits without serving
        if first:
            proc.terminate()
        proc.wait(timeout=300)
        out, err = first + proc.stdout.read(), proc.stderr.read()
        return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize("name", list(BROKEN))
def test_serve_refuses_a_store_it_cannot_open(name: str, tmp_path: Path, corpus: Corpus) -> None:
    db = tmp_path / "store.db"
    BROKEN[name](db, corpus)
    r = _serve("--db", str(db))
    assert r.returncode == 2, (name, r.stdout, r.stderr)
    assert r.stdout == "", name  # never said it was serving
    lines = r.stderr.splitlines()
    assert len(lines) == 1, (name, r.stderr)
    assert lines[0].startswith(f"newstrace: error: {db}: "), lines
    assert f"newstrace check --db {db}" in lines[0], lines
    with pytest.raises(StoreError, match="newstrace check"):
        create_app(str(db))


def test_serve_refuses_a_store_with_damaged_pages(tmp_path: Path, corpus: Corpus) -> None:
    db = tmp_path / "store.db"
    with sqlite3.connect(corpus.db) as src, sqlite3.connect(db) as out:
        src.backup(out)
    data = bytearray(db.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    middle = (len(data) // page // 2) * page  # a page in the middle: the header and page 1 are intact
    data[middle : middle + page] = random.Random(3).randbytes(page)
    db.write_bytes(bytes(data))
    r = _serve("--db", str(db))
    assert r.returncode == 2 and r.stdout == "", (r.stdout, r.stderr)
    assert len(r.stderr.splitlines()) == 1 and "newstrace check" in r.stderr, r.stderr


def test_serve_refuses_a_broken_store_with_ingest_enabled_too(tmp_path: Path, corpus: Corpus) -> None:
    token = tmp_path / "token"
    token.write_text("a-long-enough-token-1234\n", encoding="utf-8")
    token.chmod(0o600)
    db = tmp_path / "store.db"
    _random_bytes(db, corpus)
    before = db.read_bytes()
    r = _serve("--db", str(db), "--token-file", str(token))
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1, r.stderr
    assert db.read_bytes() == before  # not "repaired" into an empty store


def test_a_store_broken_while_serving_is_a_503_not_a_500(tmp_path: Path, corpus: Corpus) -> None:
    db = tmp_path / "store.db"
    with sqlite3.connect(corpus.db) as src, sqlite3.connect(db) as out:
        src.backup(out)
    with LiveServer(create_app(str(db))) as live, httpx.Client(base_url=live.url, timeout=60) as client:
        _random_bytes(db, corpus)  # damaged under the server (a disk fault, a careless copy)
        for url in ("/api/documents/seed", "/api/search?q=Syria", "/documents/seed", "/"):
            r = client.get(url)
            assert r.status_code == 503, (url, r.status_code, r.text[:300])
            assert str(tmp_path) not in r.text and "Traceback" not in r.text
        assert "newstrace check" in client.get("/api/documents/seed").json()["error"]


def test_a_request_over_its_query_budget_is_interrupted(
    corpus: Corpus, stories: Stories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # check the budget at every step: a tiny store
    monkeypatch.setattr("newstrace.store.sqlite_shared.PROGRESS_EVERY", 1)
    c = TestClient(create_app(corpus.db, query_budget=0.0))
    r = c.get("/api/search", params={"q": "Syria"})
    assert r.status_code == 503 and "narrow it down" in r.json()["error"]
    assert c.get("/search", params={"q": "Syria"}).status_code == 503
    # a story read that runs out of budget is a 503 too, never "no such story" or "no stories"
    assert c.get(f"/api/stories/{stories.withdrawal}").status_code == 503
    assert c.get("/api/stories").status_code == 503
    # The budget is per request: the next one starts afresh (and a normal budget answers).
    ok = TestClient(create_app(corpus.db))
    assert ok.get("/api/search", params={"q": "Syria"}).status_code == 200
