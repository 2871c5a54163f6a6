"""The supervised worker pool with real processes: real deaths (SIGKILL), no stand-ins."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from newstrace.errors import InputError
from newstrace.model import Document
from newstrace.run.local import analyze_stream
from newstrace.run.pool import SupervisedPool

ROOT = Path(__file__).resolve().parents[2]


def _square_or_die(x: int) -> int:
    if x == 13:
        os.kill(os.getpid(), signal.SIGKILL)  # a page that kills its worker every time
    return x * x


def _die_once(x: int) -> int:
    """Dies the first time it sees 5 (a marker file remembers), like a worker killed from outside."""
    marker = Path(os.environ["POOL_MARKER"])
    if x == 5 and not marker.exists():
        marker.write_text("died")
        os.kill(os.getpid(), signal.SIGKILL)
    return x * x


def test_results_in_order() -> None:
    with SupervisedPool(_square_or_die, 2) as pool:
        assert list(pool.map(range(13), on_death=lambda x, why: None)) == [x * x for x in range(13)]


def test_an_item_that_kills_workers_twice_is_given_up_and_the_run_goes_on() -> None:
    with SupervisedPool(_square_or_die, 2) as pool:
        out = list(pool.map(range(20), on_death=lambda x, why: ("dead", x, why)))
    assert out[:13] == [x * x for x in range(13)]
    assert out[14:] == [x * x for x in range(14, 20)]
    marker, item, why = out[13]
    assert (marker, item) == ("dead", 13)
    assert "worker died 2 times" in why and "SIGKILL" in why and "out of memory?" in why
    assert pool.deaths == 2


def test_a_worker_killed_once_costs_nothing(tmp_path: Path, monkeypatch: object) -> None:
    os.environ["POOL_MARKER"] = str(tmp_path / "marker")
    try:
        with SupervisedPool(_die_once, 2) as pool:
            out = list(pool.map(range(10), on_death=lambda x, why: None))
    finally:
        del os.environ["POOL_MARKER"]
    assert out == [x * x for x in range(10)]  # retried on a fresh worker
    assert pool.deaths == 1


def test_analyze_stream_turns_a_dead_page_into_an_error_naming_it() -> None:
    def analyse(item: Document | InputError) -> Document | InputError:
        if isinstance(item, Document) and item.id == "poison":
            os.kill(os.getpid(), signal.SIGKILL)
        return item

    docs = [Document(id=f"p{i}", text="x", source=f"in/p{i}.txt") for i in range(6)]
    docs.insert(3, Document(id="poison", text="x", source="in/poison.txt"))
    out = list(analyze_stream(docs, 2, analyze=analyse))
    assert [getattr(d, "id", None) for d in out] == ["p0", "p1", "p2", None, "p3", "p4", "p5"]
    err = out[3]
    assert isinstance(err, InputError) and err.source == "in/poison.txt" and "worker died" in err.reason


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(x) for x in path.read_text().split()] if path.exists() else []


def _analyze_seed_copies(tmp_path: Path, n: int, *, stdout: int) -> subprocess.Popen[str]:
    """`newstrace analyze --workers 2 --json` started on ``n`` copies of the seed page."""
    pages = tmp_path / "pages"
    pages.mkdir()
    seed = (ROOT / "demo" / "000_61ee9dba41562d1b.txt").read_text(encoding="utf-8")
    for i in range(n):
        (pages / f"p{i}.txt").write_text(f"Page {i}\n\n" + seed, encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, "-m", "newstrace.cli", "analyze", str(pages), "--workers", "2", "--json"],
        stdout=stdout, stderr=subprocess.PIPE, text=True,
    )


def test_cli_run_survives_a_worker_killed_from_outside(tmp_path: Path) -> None:
    """`analyze --workers 2` with a worker killed mid-run returns, with every page analysed."""
    proc = _analyze_seed_copies(tmp_path, 8, stdout=subprocess.PIPE)
    killed = None
    for _ in range(600):  # wait (bounded) until the workers exist, then kill one
        kids = _children(proc.pid)
        if len(kids) >= 2:
            time.sleep(1.0)
            killed = kids[0]
            os.kill(killed, signal.SIGKILL)
            break
        time.sleep(0.05)
    out, err = proc.communicate(timeout=600)
    assert killed is not None
    assert proc.returncode == 0, err
    assert len(out.splitlines()) == 8


def test_workers_of_a_killed_driver_exit_quietly(tmp_path: Path) -> None:
    """kill -9 of `analyze --workers 2`: its workers find their pipe closed and exit, without the
    BrokenPipeError tracebacks orphaned pool workers used to print."""
    proc = _analyze_seed_copies(tmp_path, 20, stdout=subprocess.DEVNULL)
    kids: list[int] = []
    for _ in range(600):
        kids = _children(proc.pid)
        if len(kids) >= 2:
            break
        time.sleep(0.05)
    assert len(kids) >= 2
    time.sleep(2.0)  # the workers are busy now
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    # A busy worker finishes its page, finds the driver gone and exits: wait for that (bounded).
    for _ in range(1200):
        alive = [pid for pid in kids if _running(pid)]
        if not alive:
            break
        time.sleep(0.1)
    assert not alive, "workers outlived their driver"
    err = proc.stderr.read() if proc.stderr else ""
    assert "Traceback" not in err and "BrokenPipeError" not in err


def _running(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    try:
        return "zombie" not in status.read_text().lower()
    except OSError:
        return False
