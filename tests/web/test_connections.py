"""Connections that cannot starve the server, on real servers over loopback: idle and slow sockets are
closed and never turn real requests away, a burst of requests waits its turn, a busy server says so with
``Retry-After``, and protocol-level errors carry the security headers like every other response.

No timing thresholds: waits are bounded only so a broken server fails the test instead of hanging it.
"""

from __future__ import annotations

import asyncio
import contextlib
import select
import socket
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from newstrace.web import create_app
from newstrace.web.safety import CSP, SECURITY_HEADERS

from .conftest import Corpus, LiveServer
from .test_serve_cli import serving

TOKEN = "test-token-0123456789abcdef"
BOUND = 60.0  # seconds before a wait is declared a failure (never reached by a working server)


@contextlib.contextmanager
def idle_sockets(port: int, n: int) -> Iterator[list[socket.socket]]:
    """``n`` connections to ``port`` that never send a byte."""
    socks: list[socket.socket] = []
    try:
        for _ in range(n):
            socks.append(socket.create_connection(("127.0.0.1", port), timeout=BOUND))
        yield socks
    finally:
        for s in socks:
            s.close()


def closed_by_server(socks: list[socket.socket], want: int) -> int:
    """Wait (bounded) until ``want`` of ``socks`` are closed by the server; how many were."""
    closed: set[socket.socket] = set()
    deadline = time.monotonic() + BOUND
    while len(closed) < want and time.monotonic() < deadline:
        readable, _, _ = select.select([s for s in socks if s not in closed], [], [], 0.5)
        for s in readable:
            try:
                data = s.recv(1024)
            except ConnectionError:
                data = b""
            if data == b"":
                closed.add(s)
    return len(closed)


def test_idle_sockets_neither_block_requests_nor_stay_open(corpus: Corpus) -> None:
    with serving("--db", corpus.db, "--idle-timeout", "1") as url:
        port = int(url.rstrip("/").rsplit(":", 1)[1])
        with idle_sockets(port, 150) as socks:
            got = [httpx.get(url + "api/documents/seed", timeout=BOUND).status_code for _ in range(20)]
            statuses = Counter(got)
            assert statuses == {200: 20}
            assert closed_by_server(socks, len(socks)) == len(socks)
        # Still serving after they are gone.
        assert httpx.get(url + "api/documents/seed", timeout=BOUND).status_code == 200


def test_a_request_head_sent_too_slowly_is_cut_off(corpus: Corpus) -> None:
    with LiveServer(create_app(corpus.db), idle_timeout=1.0) as live:
        s = socket.create_connection(("127.0.0.1", live.port), timeout=BOUND)
        try:
            s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            closed = False
            for i in range(int(BOUND / 0.2)):  # a header line every 0.2 s: slowloris
                if select.select([s], [], [], 0.2)[0]:
                    with contextlib.suppress(ConnectionError):
                        closed = s.recv(1024) == b""
                    closed = True
                    break
                try:
                    s.sendall(b"X-Slow-%d: 1\r\n" % i)
                except ConnectionError:
                    closed = True
                    break
            assert closed
        finally:
            s.close()
        # A whole request on a fresh connection is served as usual.
        assert httpx.get(live.url + "/api/documents/seed", timeout=BOUND).status_code == 200


def test_idle_connections_over_the_cap_are_shed(corpus: Corpus) -> None:
    server = LiveServer(create_app(corpus.db), idle_timeout=BOUND * 2, max_connections=50)
    with server as live, idle_sockets(live.port, 150) as socks:
        assert closed_by_server(socks, 100) >= 100
        for _ in range(10):
            assert httpx.get(live.url + "/api/documents/seed", timeout=BOUND).status_code == 200


@pytest.mark.parametrize("limit", [{}, {"max_requests": 4}], ids=["default limit", "4 at a time"])
def test_a_burst_of_requests_waits_its_turn(corpus: Corpus, limit: dict[str, int]) -> None:
    async def burst(url: str, n: int) -> Counter[int]:
        limits = httpx.Limits(max_connections=n, max_keepalive_connections=0)
        async with httpx.AsyncClient(base_url=url, limits=limits, timeout=BOUND) as client:
            responses = await asyncio.gather(*(client.get("/api/documents/seed") for _ in range(n)))
        return Counter(r.status_code for r in responses)

    with LiveServer(create_app(corpus.db, **limit)) as live, ThreadPoolExecutor(1) as pool:
        # In a thread of its own: the browser tests' Playwright keeps an event loop running in this one.
        assert pool.submit(asyncio.run, burst(live.url, 200)).result() == {200: 200}


def test_a_busy_server_answers_503_with_retry_after_and_headers(writable_copy: str) -> None:
    app = create_app(writable_copy, TOKEN, max_requests=1, queue_wait=0)
    with LiveServer(app) as live, httpx.Client(base_url=live.url, timeout=BOUND) as client:
        # An upload that sends part of its body holds the only request slot while the app reads it.
        s = socket.create_connection(("127.0.0.1", live.port), timeout=BOUND)
        try:
            s.sendall(
                b"POST /api/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n"
                + f"Authorization: Bearer {TOKEN}\r\n\r\n".encode()
                + b'{"id": "slow"'
            )
            r = client.get("/api/documents/seed")
            for _ in range(int(BOUND / 0.1)):
                if r.status_code == 503:
                    break
                time.sleep(0.1)
                r = client.get("/api/documents/seed")
            assert r.status_code == 503
            assert int(r.headers["retry-after"]) > 0
            assert "busy" in r.json()["error"]
            for name, value in SECURITY_HEADERS:
                assert r.headers[name.decode()] == value.decode()
            assert client.get("/").status_code == 503  # HTML pages too
        finally:
            s.close()
        # The slot is free again once that request is over.
        for _ in range(int(BOUND / 0.1)):
            if (r := client.get("/api/documents/seed")).status_code != 503:
                break
            time.sleep(0.1)
        assert r.status_code == 200


def _raw_response(port: int, data: bytes) -> tuple[int, dict[str, str]]:
    """Send ``data`` as is; the status and headers of the server's answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=BOUND) as s:
        s.sendall(data)
        got = b""
        while b"\r\n\r\n" not in got:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
    head = got.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    assert head[0].startswith("HTTP/1.1 "), got[:200]
    headers = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(head[0].split()[1]), headers


MALFORMED_REQUESTS = {
    "garbage request line": b"GARBAGE\r\n\r\n",
    "header without a colon": b"GET / HTTP/1.1\r\nHost: a\r\nNo colon here\r\n\r\n",
    "oversized header": b"GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + b"a" * 40_000 + b"\r\n\r\n",
    "control byte in the target": b"GET /\x01 HTTP/1.1\r\nHost: a\r\n\r\n",
    "bad Content-Length": b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n",
    "HTTP/1.1 without Host": b"GET / HTTP/1.1\r\n\r\n",
}


@pytest.mark.parametrize("name", list(MALFORMED_REQUESTS))
def test_protocol_errors_carry_the_security_headers(live: LiveServer, name: str) -> None:
    status, headers = _raw_response(live.port, MALFORMED_REQUESTS[name])
    assert status in (400, 431), name
    assert headers["content-security-policy"] == CSP
    for key, value in SECURITY_HEADERS:
        assert headers[key.decode()] == value.decode(), (name, key)
