"""A pool of worker processes that notices when one dies, so a run never hangs on a lost page.

``multiprocessing.Pool`` waits for ever for the result of a worker the kernel killed (out of memory, a
crash in native code, ``kill -9``): the run hangs. Here the driver gives each worker one item at a time
and watches both its pipe and its process: a worker that dies is replaced, its item is tried once more on
a fresh worker (the death may have come from outside), and an item that kills a worker twice becomes an
error in its place (``worker died …: out of memory?``) and the run goes on. Results come back in input
order with a bounded number of items in flight, so the driver's memory does not grow with the input.
A worker whose driver is gone (killed) finds its pipe closed and exits quietly.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

DEATHS_ALLOWED = 2  # an item that kills this many workers is given up


def _serve(conn: Connection, func: Callable[[Any], Any], drivers: list[Connection]) -> None:
    """A worker's loop: items in, results out, until the driver closes the pipe or goes away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the driver's to handle
    # The driver's ends of the pipes, inherited through fork: held open here, they would keep this
    # worker (and the others) from ever seeing the driver go away.
    for end in drivers:
        end.close()
    try:
        while True:
            try:
                job = conn.recv()
            except (EOFError, OSError):
                return
            if job is None:
                return
            seq, item = job
            conn.send((seq, func(item)))
    except (BrokenPipeError, EOFError, OSError):
        return  # the driver is gone: nothing to report to
    finally:
        os._exit(0)  # no interpreter teardown in a forked child (no atexit of the parent, no tracebacks)


@dataclass
class _Worker:
    process: Any
    conn: Connection
    job: tuple[int, Any] | None = None


@dataclass
class _Pending:
    item: Any
    deaths: int = 0
    done: bool = False
    result: Any = None
    causes: list[str] = field(default_factory=list)


def _cause(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"killed by {name}"
    return f"exit code {exitcode}"


class SupervisedPool:
    """``map`` over worker processes, in order, surviving workers that die."""

    def __init__(self, func: Callable[[Any], Any], workers: int, *, in_flight: int | None = None) -> None:
        self.func = func
        self.size = max(1, workers)
        self.in_flight = max(self.size, in_flight or 2 * self.size)
        self._ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
        self._workers: list[_Worker] = []
        self.deaths = 0  # workers lost so far (for reports and tests)

    def _start(self) -> _Worker:
        ours, theirs = self._ctx.Pipe(duplex=True)
        drivers = [ours, *(w.conn for w in self._workers if not w.conn.closed)]
        p = self._ctx.Process(target=_serve, args=(theirs, self.func, drivers), daemon=True)
        p.start()
        theirs.close()
        return _Worker(p, ours)

    def close(self) -> None:
        for w in self._workers:
            with contextlib.suppress(BrokenPipeError, OSError):
                w.conn.send(None)
            w.conn.close()
        for w in self._workers:
            w.process.join(timeout=5)
            if w.process.is_alive():
                w.process.kill()
                w.process.join()
        self._workers = []

    def __enter__(self) -> SupervisedPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def map(self, items: Iterable[T], on_death: Callable[[T, str], R]) -> Iterator[Any]:
        """``func(item)`` for every item, in input order. ``on_death(item, reason)`` is yielded in the place
        of an item that killed ``DEATHS_ALLOWED`` workers."""
        self._workers = []
        for _ in range(self.size):
            self._workers.append(self._start())  # one by one: each new worker closes the others' ends
        source = iter(items)
        exhausted = False
        pending: dict[int, _Pending] = {}
        retry: list[int] = []
        next_seq = 0  # sequence number of the next item read
        next_out = 0  # sequence number of the next result to yield
        while True:
            # Hand out work: retries first, then new items while the window allows.
            for w in self._workers:
                if w.job is not None:
                    continue
                if not w.process.is_alive():  # died between items: nothing of ours was lost with it
                    self._bury(w, pending, retry, on_death)
                if retry:
                    seq = retry.pop(0)
                elif not exhausted and next_seq - next_out < self.in_flight:
                    try:
                        item = next(source)
                    except StopIteration:
                        exhausted = True
                        break
                    seq = next_seq
                    next_seq += 1
                    pending[seq] = _Pending(item)
                else:
                    break
                w.job = (seq, pending[seq].item)
                with contextlib.suppress(BrokenPipeError, OSError):  # if it died, the wait sees its sentinel
                    w.conn.send(w.job)
            # Yield what is complete, in order.
            while next_out in pending and pending[next_out].done:
                yield pending.pop(next_out).result
                next_out += 1
            busy = [w for w in self._workers if w.job is not None]
            if not busy:
                if exhausted and not retry and not pending:
                    return
                if retry or not exhausted:
                    continue
                return  # pragma: no cover - every pending item is done or being retried
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy])
            for w in busy:
                got = False
                if w.conn in ready or w.conn.poll():
                    try:
                        seq, result = w.conn.recv()
                    except (EOFError, OSError):
                        pass
                    else:
                        got = True
                        pending[seq].done, pending[seq].result = True, result
                        w.job = None
                if not got and w.process.sentinel in ready and not w.process.is_alive():
                    self._bury(w, pending, retry, on_death)

    def _bury(
        self, w: _Worker, pending: dict[int, _Pending], retry: list[int], on_death: Callable[[Any, str], Any]
    ) -> None:
        """A worker died: replace it; its item is retried or, at its last death, given up."""
        w.process.join()
        self.deaths += 1
        cause = _cause(w.process.exitcode)
        w.conn.close()
        job, w.job = w.job, None
        fresh = self._start()
        w.process, w.conn = fresh.process, fresh.conn
        if job is None:
            return
        seq = job[0]
        p = pending[seq]
        p.deaths += 1
        p.causes.append(cause)
        if p.deaths >= DEATHS_ALLOWED:
            p.done = True
            p.result = on_death(p.item, f"worker died {p.deaths} times analysing it ({', '.join(p.causes)}): "
                                        "out of memory?")
        else:
            retry.append(seq)
