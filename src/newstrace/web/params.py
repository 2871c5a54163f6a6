"""Query parameters checked before they reach the store: a bad value is a clear 400, never a 500.

Bounds keep each request's cost bounded: a page of at most ``MAX_LIMIT`` rows, at most ``MAX_OFFSET``
rows deep (FTS ranks everything before the offset), a query of at most ``MAX_QUERY`` characters.
"""

from __future__ import annotations

import re

from starlette.datastructures import QueryParams

from .charts import parse_day

MAX_LIMIT = 100
MAX_OFFSET = 5000
MAX_QUERY = 300
MAX_FIELD = 200
MAX_ID = 1000
_DATE = re.compile(r"\A\d{4}(-\d{2}(-\d{2})?)?\Z")
ENTITY_KEY = re.compile(r"\A[a-z0-9][a-z0-9-]{0,199}\Z")


class ParamError(ValueError):
    """A request parameter the app refuses (shown as 400 with this message)."""


def integer(params: QueryParams, name: str, default: int, lo: int, hi: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if not re.fullmatch(r"[+-]?\d{1,9}", raw.strip()):
        raise ParamError(f"'{name}' must be an integer, got {raw[:40]!r}")
    value = int(raw)
    if not lo <= value <= hi:
        raise ParamError(f"'{name}' must be between {lo} and {hi}, got {value}")
    return value


def text(params: QueryParams, name: str, cap: int = MAX_FIELD) -> str | None:
    raw = params.get(name)
    if raw is None:
        return None
    raw = raw.strip()
    if len(raw) > cap:
        raise ParamError(f"'{name}' is too long ({len(raw)} characters; at most {cap})")
    if "\x00" in raw:
        raise ParamError(f"'{name}' contains a NUL character")
    return raw or None


def day(params: QueryParams, name: str) -> str | None:
    raw = text(params, name, 10)
    if raw is None:
        return None
    if not _DATE.match(raw) or parse_day(raw) is None:
        raise ParamError(f"'{name}' must be a date YYYY-MM-DD (or YYYY-MM, YYYY), got {raw!r}")
    return raw


def paging(params: QueryParams, default_limit: int = 20) -> tuple[int, int]:
    """(limit, offset) from ``limit``/``offset``, or from ``page`` (1-based) when given."""
    limit = integer(params, "limit", default_limit, 1, MAX_LIMIT)
    if params.get("page") not in (None, ""):
        page = integer(params, "page", 1, 1, MAX_OFFSET // limit + 1)
        return limit, (page - 1) * limit
    return limit, integer(params, "offset", 0, 0, MAX_OFFSET)
