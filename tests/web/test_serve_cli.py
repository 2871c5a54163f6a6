"""``newstrace serve`` as a user runs it: prints its address, serves, refuses bad setups clearly."""

from __future__ import annotations

import os
import re
import selectors
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from .conftest import Corpus


@contextmanager
def serving(*args: str) -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "newstrace", "serve", *args, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )
    try:
        assert proc.stdout is not None
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)
        assert sel.select(timeout=120), "serve printed nothing"
        line = proc.stdout.readline()
        m = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
        assert m, (line, proc.stderr.read() if proc.poll() is not None and proc.stderr else "")
        yield m[1]
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def test_serve_prints_its_address_and_serves(corpus: Corpus) -> None:
    with serving("--db", corpus.db) as url, httpx.Client(base_url=url) as c:
        r = c.get("/")
        assert r.status_code == 200 and "newstrace" in r.text
        assert r.headers["content-security-policy"].startswith("default-src 'self'")
        assert c.get("/api/documents/seed").json()["id"] == "seed"
        # Loopback server: a foreign Host header (DNS rebinding) is refused.
        assert c.get("/api/documents/seed", headers={"Host": "rebound.example"}).status_code == 400
        # No token file: ingest is off.
        assert c.post("/api/ingest", content=b'{"id": "x", "text": "y"}').status_code == 404


def test_serve_with_a_token_file(corpus: Corpus, tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("a-long-enough-token-1234\n", encoding="utf-8")
    token.chmod(0o600)
    with serving("--db", corpus.db, "--token-file", str(token)) as url, httpx.Client(base_url=url) as c:
        assert c.post("/api/ingest", content=b'{"id": "x", "text": "y"}').status_code == 401
        bad = c.post(
            "/api/ingest", content=b"nope", headers={"Authorization": "Bearer a-long-enough-token-1234"}
        )
        assert bad.status_code == 400


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newstrace", "serve", *args], capture_output=True, text=True, timeout=120
    )


def test_serve_refuses_bad_setups(tmp_path: Path, corpus: Corpus) -> None:
    r = _run("--db", str(tmp_path / "missing.db"))
    assert r.returncode == 2 and "no such store" in r.stderr
    short = tmp_path / "short"
    short.write_text("abc", encoding="utf-8")
    r = _run("--db", corpus.db, "--token-file", str(short))
    assert r.returncode == 2 and "at least 16" in r.stderr
    r = _run("--db", corpus.db, "--token-file", str(tmp_path / "absent"))
    assert r.returncode == 2 and "absent" in r.stderr
    r = _run("--db", corpus.db, "--port", "70000")
    assert r.returncode == 2 and "--port" in r.stderr
