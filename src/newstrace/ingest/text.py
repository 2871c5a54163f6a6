"""Plain-text pages: decoded text, normalised, no structure but what the text itself shows."""

from __future__ import annotations

from ..model import Document
from ..normalize import normalize_text


def read_text(text: str, *, doc_id: str, source: str, url: str | None = None, title: str | None = None,
              published: str | None = None, outlet: str | None = None) -> Document:
    normalised, offsets = normalize_text(text)
    return Document(
        id=doc_id,
        text=normalised,
        url=url,
        outlet=outlet,
        title=title,
        published=published,
        source=source,
        format="text",
        offsets=offsets,
        annotated=frozenset({"text", "blocks"}),
    )
