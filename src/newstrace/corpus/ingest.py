"""Ingest: read inputs, analyse them on every core, write them through one writer, find copies.

The store is the truth; the copy index is derived from it. The index is saved into the store at
checkpoints, and on open it catches up on every document stored after its last checkpoint, so a run
killed at any moment (even ``kill -9``) and run again ends with the same store as an uninterrupted run.
The index holds no page text: it reads stored pages back from the store when it aligns a new page.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError, StoreError
from ..ingest import read_paths
from ..ingest.readers import expand_paths
from ..model import Document
from ..run.local import analyze_stream, analyzer, default_workers
from ..store import PassageView, ProvenanceView, Store, content_hash, open_store
from .reuse import Passage, ReuseIndex

ANATOMY = "+anatomy"  # marks the content hash of a page stored by an ingest without NLP stages


@dataclass
class IngestReport:
    added: int = 0
    revised: int = 0
    unchanged: int = 0
    failed: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        rate = (self.added + self.revised) / self.seconds if self.seconds > 0 else 0.0
        return (f"{self.added} added, {self.revised} revised, {self.unchanged} unchanged, "
                f"{self.failed} failed in {self.seconds:.1f} s ({rate:.1f} documents/s)")


def _passage_rows(doc_id: str, passages: Iterable[Passage]) -> list[PassageView]:
    """The passages of ``doc_id`` found when it was added, as the store keeps them."""
    return [
        PassageView(doc_id, p.start, p.end, p.origin_id, p.origin_start, p.origin_end, p.similarity, p.kind)
        for p in passages
        if p.doc_id == doc_id
    ]


class CopyIndex:
    """The store's copy index: loaded from its last checkpoint and caught up on what came after."""

    def __init__(self, store: Store, checkpoint_every: int = 1000) -> None:
        self.store = store
        self.checkpoint_every = checkpoint_every
        self.readonly = store.readonly
        self._held: dict[str, str] = {}  # texts the index holds that the store has replaced
        self.index = ReuseIndex(text_of=self._text)
        self.seq = 0
        self._since_checkpoint = 0
        loaded = self._load_checkpoint()
        if loaded is not None:
            self.index, self.seq = loaded
        self.catch_up()

    def _load_checkpoint(self) -> tuple[ReuseIndex, int] | None:
        """The index saved at the last checkpoint and the last document it holds; None: rebuild."""
        saved = self.store.copy_checkpoint()
        # A page revised after the checkpoint (a run killed before the rebuild the revision called for)
        # is held in the index as its older text, which the store no longer has: rebuild.
        if saved is None or saved.revisions_now != saved.revisions_saved:
            return None
        try:
            return ReuseIndex.from_bytes(saved.blob, self._text), saved.seq
        except (ValueError, KeyError):
            return None  # unreadable: rebuild from the store

    def _text(self, doc_id: str) -> str:
        """The text of a page as the index holds it: the store's, unless revised since it was indexed."""
        text = self._held.get(doc_id)
        if text is None:
            text = self.store.text(doc_id)
        if text is None:
            raise KeyError(f"document {doc_id!r} is indexed but not stored")
        return text

    def catch_up(self) -> None:
        """Add every stored document newer than the index (after a crash, or a revision)."""
        for seq, data in self.store.iter_documents(self.seq):
            doc = Document.from_json(data)
            if doc.id not in self.index:
                found = self.index.add_document(doc)
                if not self.readonly:
                    self.store.replace_passages(doc.id, _passage_rows(doc.id, found))
            self.seq = seq
            self._since_checkpoint += 1
        if self._since_checkpoint and not self.readonly:
            self.checkpoint()

    def add(self, doc: Document) -> list[PassageView]:
        if doc.id in self.index:
            # A revision: the index holds the older text. Rebuild from the store once the revision
            # is written (rare: a changed page under a known id); until then, pages added are aligned
            # with the older text, which the index's offsets refer to, so keep it before it is replaced.
            if doc.id not in self._held:
                self._held[doc.id] = self._text(doc.id)
            self._stale = True
            return []
        return _passage_rows(doc.id, self.index.add_document(doc))

    _stale = False

    def stored(self, seq: int) -> None:
        self.seq = max(self.seq, seq)
        self._since_checkpoint += 1
        # Saving writes the whole index: space the saves out as it grows, so an ingest of N documents
        # writes O(N) bytes in all (a crash costs at most a quarter of the index to catch up).
        if self._since_checkpoint >= max(self.checkpoint_every, len(self.index) // 4):
            self.checkpoint()

    def checkpoint(self) -> None:
        if self._stale:
            self.rebuild()
            return
        self.store.save_copy_checkpoint(self.index.to_bytes(), self.seq)
        self._since_checkpoint = 0

    def rebuild(self) -> None:
        self._stale = False
        self._held.clear()
        self.index, self.seq = ReuseIndex(text_of=self._text), 0
        self.catch_up()
        self.checkpoint()


def _count_inputs(paths: list[str]) -> int | None:
    """How many files the paths hold (for the progress bar's ETA); None when items are not files."""
    n = 0
    for entry in expand_paths(paths):
        if isinstance(entry, InputError):
            continue
        path = str(entry[0]).lower()
        if any(path.endswith(x) for x in (".jsonl", ".ndjson", ".json", ".warc", ".warc.gz", ".jsonl.gz")):
            return None
        n += 1
    return n


def ingest(
    paths: list[str],
    db: str,
    *,
    workers: int = 0,
    format: str = "auto",
    progress: bool = True,
    checkpoint_every: int = 1000,
    nlp: bool = True,
    dask: str | None = None,
) -> IngestReport:
    """Ingest ``paths`` into the store at ``db``; idempotent and resumable.

    ``nlp=False`` runs only the stages that need no language model (anatomy, credits): several times
    faster, for bulk loads where quotes and entities can wait. ``dask``: analyse on a Dask cluster
    instead of local worker processes: ``"local"`` starts a ``LocalCluster`` of ``workers`` processes
    (0: one per core), anything else is a scheduler's address (``tcp://host:8786``). Either way this
    process stays the one writer, and the store ends the same.
    """
    from tqdm import tqdm

    started = time.perf_counter()
    report = IngestReport()
    with open_store(db) as store:
        index = CopyIndex(store, checkpoint_every)
        bar = tqdm(total=_count_inputs(paths), unit="doc", disable=not progress, file=sys.stderr,
                   dynamic_ncols=True, desc="ingest")

        write = IngestWriter(store, index, report, bar.update)

        try:
            if dask is None:
                _ingest_local(paths, db, workers, format, nlp, report, bar, write)
            else:
                _ingest_dask(paths, db, workers, format, nlp, dask, report, bar, write)
        finally:
            bar.close()
            index.checkpoint()
    report.seconds = time.perf_counter() - started
    return report


Write = Callable[[Document | InputError, str | None], None]


class IngestWriter:
    """The one writer: each analysed page (in input order) through the copy index into the store, an
    input error into the errors table. Runners only decide where pages are analysed."""

    def __init__(self, store: Store, index: CopyIndex, report: IngestReport,
                 tick: Callable[[int], object] = lambda n: None) -> None:
        self.store = store
        self.index = index
        self.report = report
        self.tick = tick
        self.seconds = {"copy index": 0.0, "store": 0.0}  # where the writer's time goes (benchmarks)

    def __call__(self, item: Document | InputError, digest: str | None) -> None:
        self.tick(1)
        report = self.report
        if isinstance(item, InputError):
            self.store.record_error(item.source, item.reason)
            report.failed += 1
            report.errors.append(str(item))
            return
        t0 = time.perf_counter()
        passages = self.index.add(item)
        t1 = time.perf_counter()
        result = self.store.put(item, passages, digest=digest)
        if result.status == "added":
            report.added += 1
        elif result.status == "revised":
            report.revised += 1
        else:
            report.unchanged += 1
        info = self.store.info(item.id)
        t2 = time.perf_counter()
        if info is not None:
            self.index.stored(info.seq)  # (a checkpoint now and then: the copy index's cost)
        self.seconds["copy index"] += (t1 - t0) + (time.perf_counter() - t2)
        self.seconds["store"] += t2 - t1


def _ingest_local(paths: list[str], db: str, workers: int, format: str, nlp: bool, report: IngestReport,
                  bar: Any, write: Write) -> None:
    """Pages read here, analysed in local worker processes, written in input order."""
    workers = default_workers() if workers <= 0 else workers
    screen = StoredScreen(db, nlp)
    digests: dict[str, str] = {}

    def todo() -> Iterator[Document | InputError]:
        # Runs in the pool's feeder thread: the screen uses its own read-only connection.
        for item in read_paths(paths, format):
            if isinstance(item, InputError):
                yield item
                continue
            digest = screen(item)
            if digest is None:
                report.unchanged += 1
                bar.update(1)
                continue
            digests[item.id] = digest
            yield item

    try:
        for item in analyze_stream(todo(), workers, analyze=analyzer(nlp)):
            write(item, None if isinstance(item, InputError) else digests.pop(item.id, None))
    finally:
        screen.close()


def _ingest_dask(paths: list[str], db: str, workers: int, format: str, nlp: bool, address: str,
                 report: IngestReport, bar: Any, write: Write) -> None:
    """Pages read and analysed on a Dask cluster (the workers screen out stored pages themselves)."""
    from ..run.dask import DaskRunner, Unchanged

    runner = DaskRunner(None if address == "local" else address, workers=workers or None)
    with runner:
        for outcome in runner.stream(paths, analyzer(nlp), format=format, screen=StoredScreen(db, nlp)):
            if isinstance(outcome, Unchanged):
                report.unchanged += 1
                bar.update(1)
                continue
            write(outcome.item, outcome.digest)


class StoredScreen:
    """Whether a page read is stored already with the same content: None if so, else the content hash
    to store it under. Picklable, so a Dask worker screens its own pages: it opens the store read-only
    where it runs (a SQLite file it cannot see, or a server it cannot reach, screens nothing: every page
    is analysed and the writer finds the unchanged ones)."""

    def __init__(self, db: str, nlp: bool) -> None:
        self.db = db
        self.nlp = nlp
        self._store: Store | None = None
        self._unreachable = False

    def __getstate__(self) -> dict[str, Any]:
        return {"db": self.db, "nlp": self.nlp}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["db"], state["nlp"])  # type: ignore[misc]

    def __call__(self, item: Document) -> str | None:
        digest = content_hash(item)
        stored = self._stored_hash(item.id)
        # A page stored without the language-model stages is redone by a full ingest.
        if stored == digest or (not self.nlp and stored == digest + ANATOMY):
            return None
        return digest if self.nlp else digest + ANATOMY

    def _stored_hash(self, doc_id: str) -> str | None:
        if self._unreachable:
            return None
        if self._store is None:
            key = (self.db, threading.get_ident())
            store = _screen_stores.get(key)  # one connection per worker thread, not one per task
            if store is None:
                try:
                    store = open_store(self.db, readonly=True)
                except StoreError:  # not made yet (a first ingest), or not reachable from here
                    self._unreachable = True
                    return None
                _screen_stores[key] = store
            self._store = store
        return self._store.stored_hash(doc_id)

    def close(self) -> None:
        """Close the connection this screen used (the driver's, at the end of a local ingest)."""
        if self._store is not None:
            for key in [k for k, v in _screen_stores.items() if v is self._store]:
                del _screen_stores[key]
            self._store.close()
        self._store = None


_screen_stores: dict[tuple[str, int], Store] = {}  # read-only stores of the screens, per (db, thread)


_loaded: dict[str, tuple[tuple[int, int], CopyIndex]] = {}


def copy_index(store: Store) -> CopyIndex:
    """The store's copy index, kept in memory per store file while the store does not change."""
    version = store.version()  # a new document raises the first, a revision the second
    cached = _loaded.get(store.path)
    if cached is not None and cached[0] == version:
        return cached[1]
    index = CopyIndex(store)
    _loaded[store.path] = (version, index)
    return index


def provenance(db: str, doc_id: str) -> ProvenanceView:
    """Where a stored document's passages came from and where its own went, from the copy index.

    Read-only: documents stored after the index's last checkpoint are added in memory only.
    """
    with open_store(db, readonly=True) as store:
        if store.info(doc_id) is None:
            raise KeyError(doc_id)
        result = copy_index(store).index.provenance(doc_id)
    return ProvenanceView.from_json({"id": doc_id, "copied": result["copied"], "copies": result["copies"]})
