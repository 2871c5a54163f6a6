"""One writer per store, enforced: a lock file beside the store, taken before anything is read.

SQLite alone lets two writers take turns, and two ingests interleaving their copy indexes lost passages
(each index saw only its own pages) while both exited 0; a writer that started a little later died on
"database is locked". So a writer holds an exclusive ``flock`` on ``STORE.lock`` for as long as it is
open: a second writer is refused at once (``StoreBusy``, naming the process that holds it), whatever the
timing, and the kernel releases the lock when the holder exits, ``kill -9`` included, so a stale lock
file never blocks anyone. Readers (search, the web app) take no lock: WAL lets them read meanwhile.
Writers in one process share the lock (the ingest endpoint and the stories update open the store in turn).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from pathlib import Path

from ..errors import StoreBusy, StoreError

_held: dict[str, tuple[int, int]] = {}  # lock path -> (file descriptor, writers in this process)
_guard = threading.Lock()


def lock_path(store: str | Path) -> str:
    return str(Path(store).resolve()) + ".lock"


def _holder(fd: int) -> str:
    try:
        pid = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""
    return f" (process {pid})" if pid.isdigit() else ""


def held(store: str | Path) -> bool:
    """Whether this process already holds the writer lock of ``store``."""
    with _guard:
        return lock_path(store) in _held


def acquire(store: str | Path) -> str:
    """Take the writer lock of ``store``; raises ``StoreBusy`` if another process holds it."""
    path = lock_path(store)
    with _guard:
        held = _held.get(path)
        if held is not None:
            _held[path] = (held[0], held[1] + 1)
            return path
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            raise StoreError(f"{store}: cannot write beside the store ({e.strerror}: {path})") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            who = _holder(fd)
            os.close(fd)
            raise StoreBusy(
                f"{store}: another newstrace process is writing this store{who}; one writer at a time: "
                "wait for it to finish, then run again"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        _held[path] = (fd, 1)
        return path


def release(path: str) -> None:
    """Give back one hold of the lock at ``path`` (from :func:`acquire`); the last one unlocks it."""
    with _guard:
        held = _held.get(path)
        if held is None:
            return
        fd, count = held
        if count > 1:
            _held[path] = (fd, count - 1)
            return
        del _held[path]
        os.close(fd)  # closing the descriptor releases the flock


def _forget_after_fork() -> None:
    """In a forked child (a worker): the parent's locks are not the child's. Its copies of their
    descriptors are closed, which leaves the parent's lock in place (a flock ends when its last
    descriptor closes) and frees it as soon as the parent exits, even while workers linger."""
    for fd, _ in _held.values():
        with contextlib.suppress(OSError):
            os.close(fd)
    _held.clear()


os.register_at_fork(after_in_child=_forget_after_fork)
