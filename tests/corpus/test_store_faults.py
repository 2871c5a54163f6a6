"""Store faults as a user meets them: every one a one-line error naming the store, nothing written to a
damaged store, one writer at a time. Real stores made by a real ingest, damaged the way disks and people
damage them.

SQLite-specific: these tests damage, lock and inspect the SQLite file itself (``SqliteStore``)."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from newstrace.cli import main
from newstrace.corpus.ingest import ingest
from newstrace.errors import StoreBusy, StoreError
from newstrace.store import check_store
from newstrace.store.sqlite import SqliteStore

from ..conftest import ROOT, SEED

DEMO = ROOT / "demo"


@pytest.fixture(scope="module")
def healthy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the demo pages (anatomy only: faults are about the file, not the analysis)."""
    db = tmp_path_factory.mktemp("healthy") / "s.db"
    report = ingest([str(DEMO)], str(db), workers=1, progress=False, nlp=False)
    assert report.added >= 5
    with SqliteStore(db) as s:  # fold the WAL into the file, so that damaging the file damages the store
        s.con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _one_line_error(err: str, db: Path | str) -> str:
    lines = [x for x in err.splitlines() if x.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith(f"newstrace: error: {db}: "), err
    assert "Traceback" not in err
    return lines[0]


def _damage(kind: str, src: Path, dst: Path) -> None:
    data = bytearray(src.read_bytes())
    if kind == "truncated-50":
        data = data[: len(data) // 2]
    elif kind == "truncated-95":
        data = data[: len(data) * 95 // 100]
    elif kind == "header-zeroed":
        data[:100] = bytes(100)
    elif kind == "text":
        data = bytearray(b"this is not a database, it is a note someone saved over it\n" * 50)
    elif kind in ("overwritten-25", "overwritten-50"):
        at = len(data) * int(kind[-2:]) // 100
        data[at : at + 4096] = os.urandom(4096)
    else:  # pragma: no cover - a typo in a parameter
        raise ValueError(kind)
    dst.write_bytes(bytes(data))


DAMAGES = ["truncated-50", "truncated-95", "header-zeroed", "text", "overwritten-25", "overwritten-50"]


@pytest.mark.parametrize("kind", DAMAGES)
def test_a_damaged_store_is_never_written_and_every_command_says_so_in_one_line(
    healthy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    db = tmp_path / "s.db"
    _damage(kind, healthy, db)
    before = _digest(db)
    problems = check_store(db)
    assert problems, f"{kind}: check_store found nothing"
    code, out, err = _run(capsys, "check", "--db", str(db))
    assert code == 1 and out.strip()
    code, _, err = _run(capsys, "ingest", str(SEED), "--db", str(db), "--no-nlp", "--quiet")
    assert code == 2
    line = _one_line_error(err, db)
    assert "check" in line  # it says what to do
    code, _, err = _run(capsys, "stories", "--db", str(db))
    assert code == 2
    _one_line_error(err, db)
    assert _digest(db) == before  # nothing was written into it
    # Readers read what they can; what they cannot read is a one-line error, never a traceback.
    for argv in (["search", "Putin"], ["errors"], ["provenance", "000_61ee9dba41562d1b.txt"]):
        code, _, err = _run(capsys, *argv, "--db", str(db))
        assert "Traceback" not in err
        if code != 0:
            _one_line_error(err, db)
    assert _digest(db) == before


def test_an_empty_file_is_not_a_store_to_readers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "empty.db"
    db.write_bytes(b"")
    for argv in (["search", "Putin"], ["errors"], ["provenance", "x"], ["check"]):
        code, _, err = _run(capsys, *argv, "--db", str(db))
        assert code in (1, 2)
        if argv != ["check"]:
            assert "not a newstrace store" in _one_line_error(err, db)


def test_a_clobbered_search_index_is_named_not_hidden(
    healthy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A damaged FTS page: the error says what is wrong ("cannot rollback - no transaction is active"
    used to hide it), and the store is not written."""
    db = tmp_path / "s.db"
    shutil.copy(healthy, db)
    con = sqlite3.connect(db)
    rows = con.execute("SELECT pageno FROM dbstat WHERE name = 'body_fts_data' ORDER BY pageno")
    pages = [r[0] for r in rows]
    size = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    assert pages
    with db.open("r+b") as f:
        f.seek((pages[-1] - 1) * size)
        f.write(os.urandom(size))
    before = _digest(db)
    assert check_store(db)
    code, _, err = _run(capsys, "ingest", str(SEED), "--db", str(db), "--no-nlp", "--quiet")
    assert code == 2
    line = _one_line_error(err, db)
    assert "cannot rollback" not in line
    assert _digest(db) == before


def test_a_folder_or_a_missing_folder_as_the_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = ("does not exist", "no such store")
    for db, says in ((tmp_path, ("is a folder",)), (tmp_path / "nowhere" / "s.db", missing)):
        for argv in (["ingest", str(SEED)], ["search", "x"], ["errors"], ["stories"], ["check"]):
            code, _, err = _run(capsys, *argv, "--db", str(db))
            assert code in (1, 2), (argv, db)
            if argv != ["check"]:
                line = _one_line_error(err, db)
                assert any(x in line for x in says), line


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody may write in, root included (tests run as root in CI: chattr +i, not chmod)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    yield folder
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    folder.chmod(0o755)


def _make_read_only(folder: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(folder)], check=True)
    else:
        folder.chmod(0o555)
    assert not os.access(folder, os.W_OK)


def test_a_store_in_a_read_only_folder_is_read_and_refuses_writes(
    healthy: Path, read_only_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = read_only_folder / "s.db"
    shutil.copy(healthy, db)
    _make_read_only(read_only_folder)
    code, out, err = _run(capsys, "search", "Putin", "--db", str(db))
    assert code == 0 and "Putin" in out, err  # was "attempt to write a readonly database"
    assert _run(capsys, "errors", "--db", str(db))[0] == 0
    assert _run(capsys, "provenance", "000_61ee9dba41562d1b.txt", "--db", str(db))[0] == 0
    code, out, err = _run(capsys, "check", "--db", str(db))
    assert code == 0 and out.strip().endswith("ok")
    code, _, err = _run(capsys, "ingest", str(SEED), "--db", str(db), "--quiet")
    assert code == 2 and "cannot write in the folder" in _one_line_error(err, db)
    code, _, err = _run(capsys, "ingest", str(SEED), "--db", str(read_only_folder / "new.db"), "--quiet")
    assert code == 2
    code, _, err = _run(capsys, "stories", "--db", str(db))  # listed as stored, with a warning
    assert code == 0 and "not brought up to date" in err
    assert sorted(p.name for p in read_only_folder.iterdir()) == ["s.db"]


def test_a_store_made_by_a_newer_release_is_refused(healthy: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    shutil.copy(healthy, db)
    con = sqlite3.connect(db)
    con.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    for readonly in (True, False):
        with pytest.raises(StoreError, match="newer newstrace"):
            SqliteStore(db, readonly=readonly)


# ------------------------------------------------------------------------------------------ one writer


def test_a_second_writer_is_refused_at_once_and_the_first_goes_on(healthy: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    shutil.copy(healthy, db)
    with SqliteStore(db) as first:
        first.count()
        proc = subprocess.run(
            [sys.executable, "-m", "newstrace", "ingest", str(SEED), "--db", str(db), "--quiet"],
            capture_output=True, text=True, timeout=300,
        )
        assert proc.returncode == 2
        line = _one_line_error(proc.stderr, db)
        assert "another newstrace process is writing this store" in line and f"process {os.getpid()}" in line
        first.record_error("still-mine", "the first writer goes on writing")
    with SqliteStore(db, readonly=True) as s:
        assert [e.source for e in s.errors()] == ["still-mine"]
    with SqliteStore(db) as again:  # released when the first closed
        again.count()


def test_writers_in_one_process_share_the_lock_and_a_stale_lock_file_blocks_nobody(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    with SqliteStore(db) as a, SqliteStore(db) as b:  # the ingest endpoint and the stories update, in turn
        a.count()
        b.count()
    Path(str(db.resolve()) + ".lock").write_text("12345\n")  # left by a process killed with -9
    with SqliteStore(db) as c:
        c.count()


def _wire_corpus(root: Path, n: int = 300) -> None:
    """Pages that copy the seed's RT and TASS stories, among pages that copy nothing."""
    from .test_ingest import make_corpus

    make_corpus(root, n, paragraphs=(1, 2))
    text = SEED.read_text(encoding="utf-8")
    rt = text[text.index("Russian President Vladimir Putin has ordered") : text.index("fundamental damage")]
    tass = text[text.index("MOSCOW, March 14. /TASS/.") : text.index("the Kremlin said.")]
    for i in range(6):
        body = rt if i % 2 else tass
        page = f"Copy {i}\n\nOur own lead for page {i}.\n\n{body}\n"
        (root / f"copy{i}.txt").write_text(page, encoding="utf-8")


def test_two_ingests_at_the_same_moment_one_refused_store_equal_to_one_run(tmp_path: Path) -> None:
    src = tmp_path / "in"
    _wire_corpus(src)
    alone = tmp_path / "alone.db"
    ingest([str(src)], str(alone), workers=1, progress=False, nlp=False)
    for attempt in range(3):
        db = tmp_path / f"race{attempt}.db"
        argv = [sys.executable, "-m", "newstrace", "ingest", str(src), "--db", str(db), "--no-nlp",
                "--workers", "1", "--quiet", "--no-stories"]
        procs = [subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
        results = [(p.wait(timeout=600), p.stderr.read() if p.stderr else "") for p in procs]
        codes = sorted(code for code, _ in results)
        assert codes == [0, 2], results
        refused = next(err for code, err in results if code == 2)
        assert "another newstrace process is writing this store" in _one_line_error(refused, db)
        with SqliteStore(alone, readonly=True) as a, SqliteStore(db, readonly=True) as b:
            assert b.dump() == a.dump()


def test_store_busy_is_a_store_error() -> None:
    assert issubclass(StoreBusy, StoreError)
