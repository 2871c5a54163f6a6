"""What each failure looks like to a client: a status, one line of text, never a traceback or a path.

A busy store (another process holds the writer's lock) is a 409 the client can retry; a store that
cannot be opened or read is a 503 with the store's fault in one line (the server's paths replaced by
the file's name); an over-budget query is a 503; anything unexpected is a logged 500.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from ..errors import StoreBusy, StoreError
from ..store import DATABASE_ERRORS, describe_error, error_kind
from .params import ParamError

log = logging.getLogger(__name__)

BUSY_RETRY_AFTER = 5  # seconds a client should wait before retrying an ingest refused as busy
Handler = Callable[[Request, Exception], Awaitable[Response]]


class Responder(Protocol):
    db: str

    def error_response(
        self, request: Request, status: int, message: str, headers: Mapping[str, str] | None = None
    ) -> Response: ...


def public_message(message: str, db: str) -> str:
    """``message`` on one line, with the store's paths shown as its file name only."""
    line = " ".join(str(message).split())
    name = Path(db).name
    for p in sorted({str(Path(db).resolve()), os.path.abspath(db), db}, key=len, reverse=True):
        if p and p != name:
            line = line.replace(p, name)
    return line[:500]


def exception_handlers(web: Responder) -> dict[Any, Handler]:
    """Starlette's exception handlers for the app over ``web``."""

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return web.error_response(request, exc.status_code, str(exc.detail), exc.headers)

    async def on_param_error(request: Request, exc: Exception) -> Response:
        return web.error_response(request, 400, str(exc))

    async def on_missing_store(request: Request, exc: Exception) -> Response:
        return web.error_response(request, 503, public_message(str(exc), web.db))

    async def on_store_busy(request: Request, exc: Exception) -> Response:
        return web.error_response(
            request,
            409,
            "another process is writing the store; try again shortly",
            {"Retry-After": str(BUSY_RETRY_AFTER)},
        )

    async def on_store_error(request: Request, exc: Exception) -> Response:
        log.warning("store error on %s: %s", request.url.path, exc)
        message = public_message(str(exc), web.db)
        if "newstrace check" not in message:
            message += f" (run newstrace check --db {Path(web.db).name})"
        return web.error_response(request, 503, message)

    async def on_database(request: Request, exc: Exception) -> Response:
        kind = error_kind(exc)
        if kind == "interrupted":
            return web.error_response(
                request,
                503,
                "this request would cost too much; narrow it down "
                "(e.g. more or rarer words, a speaker, an outlet or a date)",
            )
        if kind == "busy":
            return web.error_response(request, 503, "the store is busy; try again", {"Retry-After": "1"})
        if kind == "damaged":
            return await on_store_error(request, describe_error(web.db, exc))  # the CLI's words for it
        return await on_crash(request, exc)

    async def on_crash(request: Request, exc: Exception) -> Response:
        log.error("internal error on %s", request.url.path, exc_info=exc)
        return web.error_response(request, 500, "internal error (see the server log)")

    handlers: dict[Any, Handler] = {
        HTTPException: on_http_error,
        ParamError: on_param_error,
        FileNotFoundError: on_missing_store,
        StoreBusy: on_store_busy,
        StoreError: on_store_error,
    }
    handlers.update({error: on_database for error in DATABASE_ERRORS})
    handlers[Exception] = on_crash
    return handlers
