"""How ``newstrace serve`` runs uvicorn: connections that cannot starve the server, errors with headers.

uvicorn's ``limit_concurrency`` counts *connections*, so sockets that connect and never send a byte
(or send a header line now and then: slowloris) made every real request a 503; and uvicorn has a
keep-alive timeout but none for a fresh connection's request head. Its protocol-level 400 (a malformed
request line, oversized headers) also bypasses the app, so it lacked the security headers.

``GuardedH11Protocol`` (uvicorn's h11 protocol, subclassed) fixes these at the connection level:

- a connection that has not sent a complete request head within ``idle_timeout`` seconds of connecting
  (or of its previous response) is closed, however it trickles bytes;
- over ``max_connections`` open connections, the one idle the longest (not in a request) is closed, so
  idle sockets cannot use up file descriptors;
- a request head over ``MAX_HEAD_BYTES`` is refused (431) however it arrives;
- protocol-level errors (400, 431) carry the same security headers as every app response.

How many requests run at once is bounded in the app (``middleware.RequestLimit``), where a busy server
answers 503 with ``Retry-After`` and headers; uvicorn's own limit is not used.
"""

from __future__ import annotations

import asyncio
import http
import logging
import resource
import time
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from .safety import SECURITY_HEADERS

log = logging.getLogger(__name__)

IDLE_TIMEOUT = 10.0  # seconds a connection may take to send a complete request head
KEEP_ALIVE = 5.0  # seconds an idle keep-alive connection is kept between requests
MAX_HEAD_BYTES = 16 * 1024  # largest request head (request line and headers)


def default_max_connections() -> int:
    """Open connections allowed before idle ones are shed: well under the file-descriptor limit."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return 4096
    return max(32, min(4096, soft - 256))


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a request-head deadline, idle shedding and headers on its 400s."""

    idle_timeout: float = IDLE_TIMEOUT
    max_connections: int = 1024

    _head_timer: asyncio.TimerHandle | None = None
    _idle_since: float = 0.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._wait_for_head()
        if len(self.connections) > self.max_connections:
            self._shed_idle()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._head_too_large(data):
            self._refuse(431)
            return
        super().data_received(data)
        if self._in_request():
            self._cancel_head_timer()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and not self._in_request():
            self._wait_for_head()

    def send_400_response(self, msg: str) -> None:
        """A malformed request: 400 with the app's security headers, then close (the message is not
        echoed: it may quote the request)."""
        log.debug("malformed request from %s: %s", self.client, msg)
        self._refuse(400)

    def _refuse(self, status: int) -> None:
        """Answer ``status`` with the security headers and close, unless a response is under way."""
        if self.cycle is not None and self.cycle.response_started and not self.cycle.response_complete:
            self.transport.close()  # nothing well-formed can be sent in the middle of a response
            return
        reason = http.HTTPStatus(status).phrase
        body = f"{status} {reason}: the request is malformed or too large\n".encode()
        headers = [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
            (b"cache-control", b"no-cache"),
            *SECURITY_HEADERS,
        ]
        head = f"HTTP/1.1 {status} {reason}\r\n".encode()
        head += b"".join(k + b": " + v + b"\r\n" for k, v in headers)
        self.transport.write(head + b"\r\n" + body)
        self.transport.close()

    def _head_too_large(self, data: bytes) -> bool:
        """Whether the request head being received is over ``MAX_HEAD_BYTES``. h11 bounds only the part
        of a head still incomplete after a read, so a large head arriving in one read would pass."""
        if self.conn.their_state is not h11.IDLE:
            return False
        pending = self.conn.trailing_data[0] + data
        end = pending.find(b"\r\n\r\n")
        return end > MAX_HEAD_BYTES or (end < 0 and len(pending) > MAX_HEAD_BYTES)

    # ----------------------------------------------------------------------------------- internals

    def _in_request(self) -> bool:
        """A request head has arrived and its response is not finished (the app is working on it)."""
        return self.cycle is not None and not self.cycle.response_complete

    def _wait_for_head(self) -> None:
        self._cancel_head_timer()
        self._idle_since = time.monotonic()
        self._head_timer = self.loop.call_later(self.idle_timeout, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if not self._in_request() and not self.transport.is_closing():
            self.transport.close()

    def _shed_idle(self) -> None:
        """Close the connection idle the longest (this one included: it has sent nothing yet)."""
        idle = [
            c
            for c in self.connections
            if isinstance(c, GuardedH11Protocol) and not c._in_request() and not c.transport.is_closing()
        ]
        if idle:
            oldest = min(idle, key=lambda c: c._idle_since)
            log.debug("%d connections open: closing the longest idle", len(self.connections))
            oldest.transport.close()


def protocol_class(idle_timeout: float, max_connections: int) -> type[GuardedH11Protocol]:
    """``GuardedH11Protocol`` with these limits (uvicorn builds protocols from a class alone)."""
    if idle_timeout <= 0:
        raise ValueError("the idle timeout must be positive")
    if max_connections < 1:
        raise ValueError("max_connections must be at least 1")
    attrs: dict[str, Any] = {"idle_timeout": float(idle_timeout), "max_connections": int(max_connections)}
    return type("GuardedH11Protocol", (GuardedH11Protocol,), attrs)


def server_config(
    app: Any,
    *,
    idle_timeout: float = IDLE_TIMEOUT,
    max_connections: int | None = None,
    keep_alive: float = KEEP_ALIVE,
) -> uvicorn.Config:
    """The uvicorn configuration ``newstrace serve`` (and the tests) run the app with."""
    return uvicorn.Config(
        app,
        http=protocol_class(idle_timeout, max_connections or default_max_connections()),
        ws="none",  # no WebSocket routes: an upgrade request is answered as plain HTTP
        lifespan="on",
        log_level="warning",
        access_log=False,
        server_header=False,
        proxy_headers=False,
        limit_concurrency=None,  # counted idle connections; requests are limited in the app instead
        timeout_keep_alive=min(keep_alive, idle_timeout),  # type: ignore[arg-type]
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,
    )
