"""The Python API: what ``import newstrace`` offers a notebook or a script (re-exported by ``__init__``).

Small on purpose, as the command line is: analyse one page held in memory (:func:`analyze`), read and
analyse files (:func:`read`), and a store of analysed pages (:func:`open_store`). Every function here
delegates to the same readers, pipeline, ingest and store reads the ``newstrace`` command uses, so the
API and the CLI cannot drift apart. Heavy modules (the language model, the worker pool) are imported
when first needed, so ``import newstrace`` stays fast.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .errors import InputError, StoreError
from .model import Document

if TYPE_CHECKING:
    from .corpus.ingest import IngestReport
    from .store import ProvenanceView, SearchHit, StoryView
    from .store import Store as _BackendStore

__all__ = ["Store", "analyze", "open_store", "read", "since_prefix"]

logger = logging.getLogger("newstrace")

PathLike = str | os.PathLike[str]
ContentFormat = Literal["auto", "text", "html"]

_SINCE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def analyze(
    content: str | bytes,
    *,
    url: str | None = None,
    title: str | None = None,
    published: str | date | None = None,
    format: ContentFormat = "auto",
    nlp: bool = True,
    id: str | None = None,
) -> Document:
    """Analyse one page held in memory: its anatomy, credits and, with ``nlp``, quotes, entities, dates.

    ``content`` is the page as text or as bytes (HTML or plain text; bytes have their charset detected,
    gzip'd bytes are unpacked). ``format``: ``"html"``, ``"text"`` or ``"auto"`` (sniffed from the first
    bytes). ``url``, ``title`` and ``published`` (``YYYY-MM-DD`` or a ``date``) are what you know of the
    page; they win over what the page says of itself. ``nlp=False`` runs only the stages that need no
    language model (anatomy and credits), several times faster. ``id`` names the page (default: its
    URL, else ``"document"``).

    Raises :class:`InputError` for content that is not a page (empty, binary, over 20 MiB, JSON records
    or a WARC archive: read those with :func:`read`) and ``ValueError`` for a bad argument.
    """
    from .ingest.detect import GZIP_MAGIC, decode_text, gunzip, reject_binary, sniff
    from .ingest.jsonl import parse_published
    from .ingest.readers import MAX_INPUT_BYTES
    from .ingest.text import read_text
    from .normalize import replace_unencodable

    if format not in ("auto", "text", "html"):
        raise ValueError(f"format must be 'auto', 'text' or 'html', not {format!r}")
    doc_id = id or url or "document"
    source = doc_id
    if isinstance(content, str):
        content = replace_unencodable(content)[0]
        size = len(content.encode("utf-8", "replace"))
        head = content[: 64 * 1024].encode("utf-8", "replace")
    elif isinstance(content, bytes | bytearray | memoryview):
        content = bytes(content)
        if content[:2] == GZIP_MAGIC:
            content = gunzip(content, source, MAX_INPUT_BYTES)
        size = len(content)
        head = content[: 64 * 1024]
    else:
        raise TypeError(f"content must be str or bytes, not {type(content).__name__}")
    if size > MAX_INPUT_BYTES:
        raise InputError(source, f"too large: {size} bytes > {MAX_INPUT_BYTES} limit")
    if not head.strip():
        raise InputError(source, "empty input")
    fmt: str = format
    if fmt == "auto":
        fmt = sniff(head, source)
        if fmt in ("jsonl", "warc"):
            raise InputError(source, f"looks like {'JSON records' if fmt == 'jsonl' else 'a WARC archive'}, "
                                     "not one page: read it with newstrace.read(path), or pass format='text'")
    if isinstance(content, bytes):
        reject_binary(content[:64 * 1024], source)
    day = published.isoformat()[:10] if isinstance(published, date) else published
    if day is not None:
        day = parse_published(day, source)
    if fmt == "html":
        from .ingest.html import read_html

        doc = read_html(content, doc_id=doc_id, source=source, url=url)
        doc = replace(doc, title=title if title is not None else doc.title,
                      published=day if day is not None else doc.published)
    else:
        text = content if isinstance(content, str) else decode_text(content, source)
        doc = read_text(text, doc_id=doc_id, source=source, url=url, title=title, published=day)
    return _analysed(doc, nlp)


def _analysed(doc: Document, nlp: bool) -> Document:
    """``doc`` through the default analysis (or the anatomy alone), its parse dropped as the CLI drops it."""
    from .analyze import analyze_document, anatomy_pipeline

    if not nlp:
        return anatomy_pipeline()(doc)
    return replace(analyze_document(doc), parse=None)


def read(
    path: PathLike | Iterable[PathLike],
    *,
    format: str = "auto",
    nlp: bool = True,
    workers: int = 1,
    errors: Literal["raise", "skip"] = "raise",
) -> Iterator[Document]:
    """Read and analyse every page under ``path``, in order: files, folders (recursively), globs, JSON
    Lines / JSON records (newstrace's, news-please's, trafilatura's), WARC archives, gzip'd or not;
    ``"-"`` is standard input.

    ``format`` forces one reader (``auto``, ``text``, ``html``, ``jsonl``, ``warc``). ``workers``: worker
    processes (0: one per core). A bad input raises :class:`InputError` naming it (``path``,
    ``path:LINE``, ``path#record N``); with ``errors="skip"`` it is logged as a warning and skipped.
    """
    from .ingest import read_paths
    from .run.local import analyze_stream, analyzer, default_workers

    if errors not in ("raise", "skip"):
        raise ValueError(f"errors must be 'raise' or 'skip', not {errors!r}")
    paths = [path] if isinstance(path, str | os.PathLike) else list(path)
    items = read_paths(paths, format)
    for item in analyze_stream(items, default_workers() if workers <= 0 else workers, analyze=analyzer(nlp)):
        if isinstance(item, InputError):
            if errors == "raise":
                raise item
            logger.warning("%s", item)
            continue
        yield item


def since_prefix(value: str | date) -> str:
    """A ``since`` bound as stored dates compare: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` (or a ``date``);
    ``ValueError`` for anything else, so a typo is never taken for a date."""
    if isinstance(value, date):
        return value.isoformat()[:10]
    m = _SINCE.fullmatch(value.strip())
    try:
        if m is None:
            raise ValueError("no date")
        date(int(m[1]), int(m[2] or 1), int(m[3] or 1))
    except ValueError:
        raise ValueError(f"not a date: {value[:40]!r} (expected YYYY-MM-DD, YYYY-MM or YYYY)") from None
    return m[0]


class Store:
    """A newstrace store (a SQLite file, or a PostgreSQL URL): pages analysed into it with
    :meth:`ingest`, read back with :meth:`search`, :meth:`document`, :meth:`provenance`, :meth:`stories`.

    Made by :func:`open_store`. Reads go through one read-only connection, opened on the first read and
    closed by :meth:`close` (or the ``with`` block); :meth:`ingest` takes the store's one writer's lock
    for its duration, as ``newstrace ingest`` does.
    """

    def __init__(self, db: PathLike) -> None:
        self.db = os.fspath(db)
        self._reader: _BackendStore | None = None

    def __repr__(self) -> str:
        return f"<newstrace.Store {self.db!r}>"

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the read connection (the store can be used again: it reopens on the next read)."""
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def _read(self) -> _BackendStore:
        from .store import StoreMissing, is_postgres
        from .store import open_store as open_backend

        if self._reader is None:
            if not is_postgres(self.db) and not Path(self.db).exists():
                raise StoreMissing(f"{self.db}: no such store (ingest pages into it first)")
            self._reader = open_backend(self.db, readonly=True)
        return self._reader

    def ingest(
        self,
        paths: PathLike | Iterable[PathLike],
        *,
        format: str = "auto",
        nlp: bool = True,
        workers: int = 0,
        stories: bool = True,
        progress: bool = False,
    ) -> IngestReport:
        """Analyse the pages under ``paths`` into the store (made if missing) and bring its stories up to
        date; idempotent and resumable, as ``newstrace ingest``. Bad inputs are recorded in the store and
        listed in the report (``report.errors``), the batch goes on.

        ``nlp=False``: anatomy and credits only (a later full ingest redoes those pages);
        ``workers``: worker processes (0: one per core); ``stories=False`` leaves the stories for later.
        Raises ``StoreBusy`` when another process is writing the store.
        """
        from .corpus.ingest import ingest as ingest_paths
        from .store import open_store as open_backend

        names = [os.fspath(paths)] if isinstance(paths, str | os.PathLike) else [os.fspath(p) for p in paths]
        with open_backend(self.db) as store:  # the writer's lock, held through the stories update
            report = ingest_paths(names, self.db, workers=workers, format=format, progress=progress, nlp=nlp)
            if stories:
                from .stories.update import update_stories

                update_stories(store, progress=progress)
        return report

    def search(
        self,
        query: str,
        *,
        speaker: str | None = None,
        outlet: str | None = None,
        since: str | date | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> list[SearchHit]:
        """Ranked hits for ``query`` over body text and quotes (the CLI's ``search``): ``speaker`` (a
        canonical name), ``outlet`` (a registry id) and ``since`` (``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY`` or
        a ``date``) narrow it. Each hit has ``doc_id``, ``kind``, ``score``, ``snippet`` and ``to_json()``."""
        bound = since_prefix(since) if since is not None else None
        return self._read().search(query, speaker=speaker, outlet=outlet, since=bound, limit=limit,
                                   offset=offset)

    def document(self, id: str) -> Document:
        """The stored page ``id`` with every annotation, as it was analysed (``KeyError`` if absent)."""
        doc = self._read().document(id)
        if doc is None:
            raise KeyError(id)
        return doc

    def provenance(self, id: str) -> ProvenanceView:
        """Where the page ``id``'s passages were copied from (``.copied``) and where its own text went
        (``.copies``), with offsets on both sides (``KeyError`` if the page is not stored)."""
        from .corpus.ingest import provenance

        self._read()  # a missing store is a StoreMissing, not a KeyError
        return provenance(self.db, id)

    def stories(self, *, limit: int | None = None) -> list[StoryView]:
        """The store's stories, most recent first (all of them, or the ``limit`` most recent), as the last
        ingest left them: pages, outlets, events, linked statements and the comparison of tellings."""
        reader = self._read()
        if not reader.stories_available():
            return []
        return reader.stories(limit) if limit is not None else list(reader.iter_stories())


def open_store(db: PathLike) -> Store:
    """The store ``db`` names: a SQLite file path (made by the first :meth:`Store.ingest`) or a
    ``postgresql://`` URL. Nothing is opened until it is used; use it in a ``with`` block, or call
    :meth:`Store.close`, to close its read connection."""
    if not os.fspath(db):
        raise StoreError("no store given (a SQLite file path or a postgresql:// URL)")
    return Store(db)
