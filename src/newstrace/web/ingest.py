"""``POST /api/ingest``: the only write, behind a bearer token, a size cap and a body-read deadline.

The body is hostile input like any page: every malformed body (not UTF-8, not JSON, nested past the
parser's depth, the wrong JSON types, empty) is a 400 naming the record, never a 500; lone surrogate
escapes (``"\\ud800"``) are replaced by the JSON Lines reader, as for any file. Errors are reported by
the request's own record number and id: the temporary file the records pass through is the server's
business.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import re
import tempfile
import threading
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from ..normalize import replace_unencodable
from ..store import Store, open_store
from .params import ParamError

MAX_INGEST_BYTES = 8 * 1024 * 1024
MAX_INGEST_RECORDS = 2000
BODY_TIMEOUT = 60.0  # seconds to receive the whole body: a slow sender must not hold a request slot
API_SOURCE = "POST /api/ingest"  # how stored errors name a record that came through the API
_SHOWN_ID = 200  # characters of a record id quoted in an error


class IngestEndpoint:
    """Checks, then analyses and stores, JSON Lines records (one writer at a time in this server)."""

    def __init__(self, db: str, token: str | None, max_bytes: int, workers: int) -> None:
        self.db = db
        self.token = token
        self.max_bytes = max_bytes
        self.workers = workers
        self._lock = threading.Lock()

    async def handle(self, request: Request) -> Response:
        """The endpoint (a method: Starlette calls a bare callable object as an ASGI app)."""
        if self.token is None:
            raise HTTPException(404, "ingest is not enabled on this server (start it with --token-file)")
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), self.token.encode()):
            raise HTTPException(
                401,
                "a valid 'Authorization: Bearer <token>' header is needed",
                headers={"WWW-Authenticate": "Bearer"},
            )
        body = await self._body(request)
        records = await run_in_threadpool(parse_records, body)
        report = await run_in_threadpool(self._ingest, records)
        return JSONResponse(report)

    async def _body(self, request: Request) -> bytes:
        length = request.headers.get("content-length")
        if length is not None:
            if not length.strip().isdigit():
                raise ParamError("bad Content-Length")
            if int(length) > self.max_bytes:
                raise HTTPException(413, f"body too large (at most {self.max_bytes} bytes)")
        body = bytearray()
        try:
            async with asyncio.timeout(BODY_TIMEOUT):
                async for chunk in request.stream():
                    body += chunk
                    if len(body) > self.max_bytes:
                        raise HTTPException(413, f"body too large (at most {self.max_bytes} bytes)")
        except TimeoutError:
            raise HTTPException(408, f"the body took over {BODY_TIMEOUT:.0f} s to arrive") from None
        except ClientDisconnect:  # nobody to answer; not a server error
            raise HTTPException(400, "the client closed the connection before sending the body") from None
        return bytes(body)

    def _ingest(self, records: list[tuple[str, str]]) -> dict[str, Any]:
        from ..corpus.ingest import ingest
        from ..stories.update import update_stories

        ids = [doc_id for doc_id, _ in records]
        with self._lock, tempfile.TemporaryDirectory(prefix="newstrace-api-") as tmp:
            path = str(Path(tmp) / "api-ingest.jsonl")
            Path(path).write_text("".join(line + "\n" for _, line in records), encoding="utf-8")
            # The writer lock is taken once, before anything is read, and held to the end of the stories:
            # another writer cannot slip in between (the records stored, then a 409 for the stories).
            with open_store(self.db) as store:
                report = ingest([path], self.db, workers=self.workers, progress=False)
                _rename_stored_errors(store, path, ids)
                stories = update_stories(store)
        return {
            "added": report.added,
            "revised": report.revised,
            "unchanged": report.unchanged,
            "failed": report.failed,
            "errors": [client_error(e, path, ids) for e in report.errors],
            "seconds": round(report.seconds, 3),
            "stories": {"assigned": stories.assigned, "moved": stories.moved, "total": stories.stories},
        }


def parse_records(body: bytes) -> list[tuple[str, str]]:
    """``(id, JSON line)`` per record of a request body, or ``ParamError`` naming the first bad record."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ParamError(f"the body is not UTF-8 ({e.reason} at byte {e.start})") from None
    text = text.removeprefix("\ufeff")
    # JSON Lines are split on "\n" only: U+2028 and friends may stand unescaped inside a JSON string.
    lines = [ln.rstrip("\r") for ln in text.split("\n")]
    lines = [ln for ln in lines if ln.strip(" \t\r")]
    if not lines:
        raise ParamError("empty body: send JSON Lines records, one object per line")
    if len(lines) > MAX_INGEST_RECORDS:
        raise HTTPException(413, f"too many records ({len(lines)}; at most {MAX_INGEST_RECORDS})")
    records = []
    for n, line in enumerate(lines, 1):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            raise ParamError(f"record {n}: not JSON ({e.msg} at column {e.colno})") from None
        except RecursionError:
            raise ParamError(f"record {n}: not JSON (nested too deeply)") from None
        if not isinstance(record, dict) or not isinstance(record.get("id"), str):
            raise ParamError(f"record {n}: a record is a JSON object with a string 'id'")
        # The line goes to the JSON Lines reader, which replaces lone surrogates in every field; the id
        # is also named in this response, which must be encodable: the reader's replacement, here too.
        records.append((replace_unencodable(record["id"])[0], line))
    return records


def _record_name(n: int, ids: list[str]) -> str:
    doc_id = ids[n - 1] if 0 < n <= len(ids) else None
    if doc_id is None:
        return f"record {n}"
    shown = doc_id if len(doc_id) <= _SHOWN_ID else doc_id[: _SHOWN_ID - 1] + "…"
    return f"record {n} (id {shown!r})"


def client_error(error: str, path: str, ids: list[str]) -> str:
    """An ingest error as the client should read it: ``record N (id 'x'): reason``, no server path."""
    named = re.sub(re.escape(path) + r":(\d+)", lambda m: _record_name(int(m[1]), ids), error)
    named = named.replace(path, "the request").replace(str(Path(path).parent), "the server")
    return named


def _rename_stored_errors(store: Store, path: str, ids: list[str]) -> None:
    """Name the records that failed in the store's errors table as the client knows them (the temporary
    path would mean nothing there, and differs on every request)."""
    store.rename_errors(path, lambda text: f"{API_SOURCE} {client_error(text, path, ids)}",
                        lambda text: client_error(text, path, ids))
