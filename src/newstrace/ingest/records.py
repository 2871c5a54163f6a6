"""Records other tools write, read as newstrace's own: news-please and trafilatura JSON.

Scrapers already save pages as JSON records; asking users to rewrite them first would cost a step and
lose fields. A record whose own fields are absent is mapped field by field onto newstrace's record
(``{"id", "text"|"html", "url", "title", "published", "outlet"}``); newstrace's own fields always win.

- news-please (one JSON file per article, or JSON Lines of them): ``maintext``, ``date_publish``
  (``YYYY-MM-DD HH:MM:SS``), ``title``, ``url``, ``source_domain``.
- trafilatura's JSON output (``extract(..., output_format="json")``): ``text``, ``title``, ``date``,
  ``source`` (its URL since 2.0; ``url`` before), ``hostname``; its ``id`` is usually null.

A record without an ``id`` takes its URL as id (both tools key articles by URL). A host becomes the
outlet: the registry's id when the registry knows the host, else the host itself (``www.`` dropped).
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["foreign_fields"]

# newstrace field -> the other tools' names for it, in the order they are tried.
_ALIASES: dict[str, tuple[str, ...]] = {
    "text": ("maintext",),  # news-please (trafilatura's ``text`` is already ours)
    "published": ("date_publish", "date"),  # news-please, trafilatura
    "url": ("source",),  # trafilatura 2.x; only taken when it is a URL
}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_HOSTS = ("source_domain", "hostname")  # news-please, trafilatura


def _fits(field: str, value: Any) -> bool:
    """Whether another tool's value can stand for ours: a URL for ``url``, an ISO date for ``published``
    (another tool's date field may hold anything; ours must be a date, so only dates are taken)."""
    if not isinstance(value, str):
        return field == "text"  # a wrong type is reported by the record reader, naming the field
    if field == "url":
        return value.strip().lower().startswith(("http://", "https://"))
    if field == "published":
        return _ISO_DATE.match(value.strip()) is not None
    return True


def foreign_fields(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` with news-please / trafilatura fields mapped onto newstrace's names.

    Only fields the record does not give under newstrace's own name are filled; a value of the wrong
    type is passed on as it is, so the record reader names the field in its error.
    """
    out = dict(record)
    for ours, theirs in _ALIASES.items():
        if out.get(ours) is not None:
            continue
        for name in theirs:
            value = record.get(name)
            if value is None or not _fits(ours, value):
                continue
            out[ours] = value
            break
    if out.get("outlet") is None:
        host = next((record[h] for h in _HOSTS if isinstance(record.get(h), str) and record[h].strip()), None)
        if host is not None:
            out["outlet"] = _outlet_of_host(host.strip())
    if out.get("id") is None and isinstance(out.get("url"), str) and out["url"].strip():
        out["id"] = out["url"].strip()
    return out


def _outlet_of_host(host: str) -> str:
    """The registry id of the outlet that owns ``host``, else the bare host."""
    from ..analysis.outlets import by_domain

    found = by_domain(host)
    return found.id if found is not None else host.lower().removeprefix("www.")
