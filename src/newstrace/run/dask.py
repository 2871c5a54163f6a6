"""Run the per-document analysis on a Dask cluster: a ``LocalCluster`` here, or any cluster a user runs.

What runs where. The driver lists input files (names and sizes only: it never reads a page) and stays
the single writer. Workers plan each file into splits (``ingest.splits``), read their splits and analyse
every page; a page already stored unchanged is recognised on the worker (``Screen``) and not analysed
again. Results come back to the driver in input order with a bounded number of tasks in flight, so the
driver's memory does not grow with the corpus.

Faults. A worker that dies (killed, out of memory) has its tasks run again on another worker by the
scheduler. A task that has killed ``allowed-failures`` workers (``KilledWorker``) is split into one task
per line or record, so one poisoned page costs only itself: it becomes an ``InputError`` in its place
(``worker died … analysing it``) and the run goes on.
"""

from __future__ import annotations

import collections
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import InputError
from ..ingest.readers import PathArg, expand_paths
from ..ingest.splits import PER_SPLIT, FileChecks, Split, iter_split, plan_file, single_source, singles
from ..ingest.warc import WarcTally
from ..model import Document

Item = Document | InputError
log = logging.getLogger(__name__)

ALLOWED_FAILURES = 2  # deaths a task may cause on a cluster we start before it is given up


@dataclass(frozen=True, slots=True)
class Unchanged:
    """A page the store already holds with this content: read, not analysed."""

    doc_id: str
    source: str


@dataclass(frozen=True, slots=True)
class Analysed:
    """An analysed page (or the error in its place) and the hash of its content as read."""

    item: Item
    digest: str | None = None


Outcome = Analysed | Unchanged
# On the worker, before analysis: the digest to store the page under, or None when it is stored already.
Screen = Callable[[Document], str | None]


@dataclass
class _Result:
    """What one task sends back: a split's outcomes (as a ``SplitRead`` for ``join_splits``)."""

    split: Split
    outcomes: list[Outcome]
    tally: WarcTally | None


def _plan(path: str, doc_id: str, fmt: str, per_split: int) -> list[Split]:
    return plan_file(path, doc_id, fmt, per_split=per_split)


def _work(split: Split, analyze: Callable[[Item], Item], screen: Screen | None) -> _Result:
    """Read one split and analyse its pages (runs on a worker)."""
    tally = WarcTally() if split.kind == "warc" else None
    outcomes: list[Outcome] = []
    for item in iter_split(split, tally):
        if isinstance(item, Document) and screen is not None:
            digest = screen(item)
            if digest is None:
                outcomes.append(Unchanged(item.id, item.source or item.id))
                continue
            outcomes.append(Analysed(analyze(item), digest))
        else:
            outcomes.append(Analysed(analyze(item)))
    return _Result(split, outcomes, tally)


def default_cluster_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


class DaskRunner:
    """The analysis on Dask: ``DaskRunner()`` starts a ``LocalCluster`` of worker processes sized to the
    machine, ``DaskRunner("tcp://scheduler:8786")`` uses a running cluster. A context manager."""

    def __init__(
        self,
        address: str | None = None,
        *,
        workers: int | None = None,
        in_flight: int | None = None,
        per_split: int = PER_SPLIT,
    ) -> None:
        self.address = address
        self.workers = workers or default_cluster_workers()
        self.per_split = per_split
        self._in_flight = in_flight
        self._cluster: Any = None
        self.client: Any = None
        self.peak_in_flight = 0  # the most tasks submitted and not yet consumed (tests, reports)

    def __enter__(self) -> DaskRunner:
        import dask
        from distributed import Client, LocalCluster

        if self.address:
            self.client = Client(self.address)  # type: ignore[no-untyped-call]
        else:
            # One task per worker thread at a time: a task sent ahead to a worker that then dies is
            # counted as a suspect of its death, as the task that killed it is.
            settings = {"distributed.scheduler.allowed-failures": ALLOWED_FAILURES,
                        "distributed.scheduler.worker-saturation": 1.0}
            with dask.config.set(settings):
                self._cluster = LocalCluster(  # type: ignore[no-untyped-call]
                    n_workers=self.workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                    silence_logs=logging.ERROR,
                )
                self.client = Client(self._cluster)  # type: ignore[no-untyped-call]
        return self

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.close()
        if self._cluster is not None:
            self._cluster.close()
        self.client = self._cluster = None

    @property
    def in_flight(self) -> int:
        if self._in_flight:
            return self._in_flight
        if self.client is None:
            return 2 * self.workers
        threads: dict[str, int] = self.client.nthreads()
        return 2 * max(1, sum(threads.values()))

    def stream(
        self,
        paths: Iterable[PathArg],
        analyze: Callable[[Item], Item],
        *,
        format: str = "auto",
        screen: Screen | None = None,
    ) -> Iterator[Outcome]:
        """Every page of ``paths`` analysed by ``analyze`` on the cluster, in input order."""
        if self.client is None:
            raise RuntimeError("DaskRunner is used as a context manager: with DaskRunner() as runner: …")
        checks = FileChecks()
        for result in self._results(self._splits(paths, format), analyze, screen):
            split = result.split
            if not checks.start(split):
                continue
            for outcome in result.outcomes:
                yield _checked(outcome, split, checks)
            last = checks.finish(split, result.tally)
            if last is not None:
                yield Analysed(last)

    # ------------------------------------------------------------------------------------ the driver

    def _splits(self, paths: Iterable[PathArg], fmt: str) -> Iterator[Split | InputError]:
        """Every file's splits in input order; plans run on the workers, a few files ahead."""
        ahead: collections.deque[Any] = collections.deque()
        files = iter(expand_paths(paths))
        done = False
        while True:
            while not done and len(ahead) < self.in_flight:
                entry = next(files, None)
                if entry is None:
                    done = True
                    break
                if isinstance(entry, InputError):
                    ahead.append(entry)
                else:
                    path, doc_id = entry
                    plan = self.client.submit(_plan, str(path), doc_id, fmt, self.per_split, pure=False)
                    ahead.append(plan)
            if not ahead:
                return
            head = ahead.popleft()
            if isinstance(head, InputError):
                yield head
                continue
            yield from head.result()
            head.release()

    def _results(
        self, splits: Iterator[Split | InputError], analyze: Callable[[Item], Item], screen: Screen | None
    ) -> Iterator[_Result]:
        """Submit splits with at most ``in_flight`` tasks out; hand back their results in order."""
        window: collections.deque[tuple[Split | InputError, Any]] = collections.deque()
        exhausted = False
        while True:
            while not exhausted and len(window) < self.in_flight:
                nxt = next(splits, None)
                if nxt is None:
                    exhausted = True
                    break
                if isinstance(nxt, InputError):
                    window.append((nxt, None))
                else:
                    window.append((nxt, self.client.submit(_work, nxt, analyze, screen, pure=False)))
                self.peak_in_flight = max(self.peak_in_flight, len(window))
            if not window:
                return
            split, future = window.popleft()
            if isinstance(split, InputError):
                yield _Result(Split(split.source, split.source, "auto"), [Analysed(split)], None)
                continue
            yield from self._collect(split, future, analyze, screen)

    def _collect(
        self, split: Split, future: Any, analyze: Callable[[Item], Item], screen: Screen | None
    ) -> Iterator[_Result]:
        from distributed import KilledWorker

        try:
            result: _Result = future.result()
        except KilledWorker:
            yield from self._one_by_one(split, analyze, screen)
            return
        finally:
            future.release()
        yield result

    def _one_by_one(
        self, split: Split, analyze: Callable[[Item], Item], screen: Screen | None
    ) -> Iterator[_Result]:
        """A split that killed its workers, run one line or record a task; the killer becomes an error."""
        from distributed import KilledWorker

        parts = singles(split, self.per_split)
        if split.kind == "whole":
            # Too short to have been cut (fewer lines or records than a split): cut it now, line by line
            # (planned on a worker: the driver reads no page); a page file has no smaller parts.
            planned: list[Split] = self.client.submit(_plan, split.path, split.doc_id, split.format, 1,
                                                      pure=False).result()
            parts = planned if len(planned) > 1 else parts
        for part in parts:
            # One at a time, so that a page that kills its worker takes no other page down with it.
            fut = self.client.submit(_work, part, analyze, screen, pure=False)
            try:
                result: _Result = fut.result()
            except KilledWorker:
                source = split.source if part.kind == "whole" else single_source(part)
                log.warning("%s: worker died analysing it; recorded as an error", source)
                yield _Result(part, [Analysed(_died(source))], None)
                continue
            finally:
                fut.release()
            yield result


def _died(source: str) -> InputError:
    return InputError(source, f"worker died {ALLOWED_FAILURES + 1} times analysing it: out of memory?")


def _checked(outcome: Outcome, split: Split, checks: FileChecks) -> Outcome:
    """``outcome`` after the whole-file checks: an id repeated in a JSON Lines file becomes an error."""
    if isinstance(outcome, Unchanged):
        dup = checks.admit(split, outcome.doc_id, outcome.source)
        return outcome if dup is None else Analysed(dup)
    item = outcome.item
    if isinstance(item, Document):
        dup = checks.admit(split, item.id, item.source or split.source)
        if dup is not None:
            checks.error()
            return Analysed(dup)
    else:
        checks.error()
    return outcome
