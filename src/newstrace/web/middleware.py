"""The ASGI layers around the Starlette app: security headers on everything, a bound on active requests.

``SecureApp`` wraps the whole Starlette app (Starlette sends its 500s from its outermost layer, before
its own middleware could add headers); ``RequestLimit`` is the first of Starlette's middleware, so the
limit holds before any routing work and its 503s get the headers on their way out.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .safety import SECURITY_HEADERS

log = logging.getLogger(__name__)

RETRY_AFTER = 2  # seconds a client told "busy" should wait


class SecureApp:
    """The outermost layer: security headers on every response, errors and static files included.

    An exception that escapes before any response started gets a 500 from here (with headers), not
    uvicorn's bare one.
    """

    def __init__(self, app: ASGIApp, web: Any) -> None:
        self.app = app
        self.web = web

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                if b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-cache"))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, with_headers)
        except Exception:
            if started:
                raise
            log.exception("internal error on %s", scope.get("path"))
            await plain_response(with_headers, scope, 500, "internal error (see the server log)")


async def plain_response(
    send: Send, scope: Scope, status: int, message: str, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    """A small error response without Starlette: JSON under ``/api/``, plain text elsewhere."""
    if str(scope.get("path", "")).startswith("/api/"):
        body, kind = json.dumps({"error": message}).encode(), b"application/json"
    else:
        body, kind = f"{status} {message}\n".encode(), b"text/plain; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", kind),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})


class RequestLimit:
    """At most ``limit`` requests inside the app at once; the rest wait their turn for at most ``wait``
    seconds (at most ``queue`` of them), then get 503 with ``Retry-After``.

    This bounds the work in progress, not the connections: an idle socket holds no slot, so idle or
    slow clients cannot turn real requests away (uvicorn's ``limit_concurrency`` counted them).
    """

    def __init__(self, app: ASGIApp, limit: int = 32, wait: float = 10.0, queue: int = 1000) -> None:
        if limit < 1:
            raise ValueError("the request limit must be at least 1")
        self.app = app
        self.limit = limit
        self.wait = wait
        self.queue = queue
        self.waiting = 0
        self._sem: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _semaphore(self) -> asyncio.Semaphore:
        # One per event loop: a test client may run each request on a loop of its own.
        loop = asyncio.get_running_loop()
        if self._sem is None or self._loop is not loop:
            self._sem, self._loop = asyncio.Semaphore(self.limit), loop
        return self._sem

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sem = self._semaphore()
        if not await self._acquire(sem):
            await plain_response(
                send,
                scope,
                503,
                "the server is busy; try again shortly",
                [(b"retry-after", str(RETRY_AFTER).encode())],
            )
            return
        try:
            await self.app(scope, receive, send)
        finally:
            sem.release()

    async def _acquire(self, sem: asyncio.Semaphore) -> bool:
        if not sem.locked():
            await sem.acquire()  # does not block
            return True
        if self.wait <= 0 or self.waiting >= self.queue:
            return False
        self.waiting += 1
        try:
            async with asyncio.timeout(self.wait):
                await sem.acquire()
            return True
        except TimeoutError:
            return False
        finally:
            self.waiting -= 1
