"""A store's content as flat tables (``newstrace export``): typed columns, one row per item.

Made from the :class:`~newstrace.store.base.Store` protocol's own reads (stored documents in ingest order,
each page's copied passages, the stories), not from one backend's tables, so every backend exports the
same rows and the export never holds more than one page in memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .base import Store

__all__ = ["TABLES", "Column", "Table", "table_rows"]

ColumnType = Literal["string", "int64", "float64"]
Column = tuple[str, ColumnType]

_S: ColumnType = "string"
_I: ColumnType = "int64"
_F: ColumnType = "float64"

COLUMNS: dict[str, tuple[Column, ...]] = {
    "documents": (("id", _S), ("url", _S), ("outlet", _S), ("title", _S), ("published", _S), ("text", _S)),
    "layers": (("doc_id", _S), ("kind", _S), ("start", _I), ("end", _I), ("outlet", _S), ("author", _S),
               ("comment", _I), ("text", _S)),
    "quotes": (("doc_id", _S), ("start", _I), ("end", _I), ("text", _S), ("speaker", _S),
               ("speaker_entity", _S), ("cue", _S)),
    "entities": (("doc_id", _S), ("entity_id", _S), ("name", _S), ("type", _S), ("mentions", _I)),
    "passages": (("doc_id", _S), ("start", _I), ("end", _I), ("other_id", _S), ("other_start", _I),
                 ("other_end", _I), ("similarity", _F), ("kind", _S)),
    "stories": (("story_id", _S), ("title", _S), ("doc_id", _S), ("position", _I)),
}
TABLES = tuple(COLUMNS)


@dataclass(frozen=True)
class Table:
    """One table of a store: its name, typed columns, and its rows (read as they are iterated)."""

    name: str
    columns: tuple[Column, ...]
    rows: Iterator[tuple[Any, ...]]

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.columns]


def table_rows(store: Store, table: str) -> Table:
    """The rows of ``table`` (one of :data:`TABLES`) in ``store``, in ingest order (stories: the store's
    order, one row per story page); ``ValueError`` for an unknown table."""
    if table not in COLUMNS:
        raise ValueError(f"no table {table!r} (one of: {', '.join(TABLES)})")
    rows: Iterator[tuple[Any, ...]]
    if table == "passages":
        rows = _passages(store)
    elif table == "stories":
        rows = _stories(store)
    else:
        rows = _document_rows(store, table)
    return Table(table, COLUMNS[table], rows)


def _document_rows(store: Store, table: str) -> Iterator[tuple[Any, ...]]:
    for _, d in store.iter_documents():
        yield from _ROWS[table](d)


def _documents(d: Mapping[str, Any]) -> Iterator[tuple[Any, ...]]:
    yield (d["id"], d.get("url"), d.get("outlet"), d.get("title"), d.get("published"), d.get("text") or "")


def _layers(d: Mapping[str, Any]) -> Iterator[tuple[Any, ...]]:
    text = d.get("text") or ""
    for x in d.get("layers") or ():
        yield (d["id"], x["kind"], x["start"], x["end"], x.get("outlet"), x.get("author"), x.get("comment"),
               text[x["start"] : x["end"]])


def _quotes(d: Mapping[str, Any]) -> Iterator[tuple[Any, ...]]:
    for q in d.get("quotes") or ():
        yield (d["id"], q["start"], q["end"], q.get("text", ""), q.get("speaker"), q.get("speaker_entity"),
               q.get("cue"))


def _entities(d: Mapping[str, Any]) -> Iterator[tuple[Any, ...]]:
    for e in d.get("entities") or ():
        yield (d["id"], e["id"], e["name"], e["type"], len(e.get("mentions") or ()))


_ROWS = {"documents": _documents, "layers": _layers, "quotes": _quotes, "entities": _entities}


def _passages(store: Store) -> Iterator[tuple[Any, ...]]:
    for doc_id in store.ids():
        for p in store.passages(doc_id):
            yield (p.doc_id, p.start, p.end, p.other_id, p.other_start, p.other_end, p.similarity, p.kind)


def _stories(store: Store) -> Iterator[tuple[Any, ...]]:
    if not store.stories_available():
        return
    for st in store.iter_story_summaries():
        for i, doc_id in enumerate(st.documents):
            yield (st.id, st.title, doc_id, i)
