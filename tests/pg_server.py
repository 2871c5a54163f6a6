"""A throwaway PostgreSQL server in a temporary directory, for the tests and the benchmarks.

Debian's ``postgresql`` package (installed by ``.ci/run``) gives ``initdb`` and ``pg_ctl``; the server
runs on a free loopback port with its socket in the same directory and trust authentication, and is
stopped (``pg_ctl stop -m immediate``) and removed at the end. PostgreSQL refuses to run as root, so as
root the server runs as the ``postgres`` system user the package creates. A machine without PostgreSQL
is an error, never a skip: the shared store must be tested wherever the suite runs.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

USER = "newstrace"


class PostgresMissing(RuntimeError):
    pass


def _bindir() -> Path:
    """Where initdb and pg_ctl are: pg_config's answer, else Debian's versioned folders (newest first)."""
    found = shutil.which("pg_config")
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True, check=False).stdout
        path = Path(out.strip())
        if (path / "initdb").exists():
            return path
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    for folder in reversed(versions):
        if (Path(folder) / "initdb").exists():
            return Path(folder)
    initdb = shutil.which("initdb")
    if initdb:
        return Path(os.path.realpath(initdb)).parent
    raise PostgresMissing(
        "PostgreSQL is not installed (no initdb): install Debian's postgresql package "
        "(apt-get install postgresql), as .ci/run does"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """One running server; ``url(db)`` is a connection URL for a database on it."""

    def __init__(self, root: Path, port: int, run_as: str | None) -> None:
        self.root = root
        self.port = port
        self.run_as = run_as
        self.bindir = _bindir()
        self._seq = 0

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = list(args)
        if self.run_as:
            cmd = ["runuser", "-u", self.run_as, "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=120)
        if done.returncode:
            why = done.stderr or done.stdout
            raise RuntimeError(f"{' '.join(args[:2])} failed ({done.returncode}): {why}")
        return done

    def start(self) -> None:
        data = self.root / "data"
        self._run(str(self.bindir / "initdb"), "-D", str(data), "-U", USER, "-A", "trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        opts = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(str(self.bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(self.root / "log"),
                  "-w", "-t", "60", "start")

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate", "stop")

    def url(self, db: str = "postgres") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{db}"

    def create_database(self, prefix: str = "t") -> str:
        """A new empty database's URL (one per test keeps tests apart at the cost of ~50 ms)."""
        import psycopg

        self._seq += 1
        name = f"{prefix}_{os.getpid()}_{self._seq}"
        with psycopg.connect(self.url(), autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.url(), autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def running_server() -> Iterator[Server]:
    """Start a server for the duration of the block; stop it and delete its files after."""
    run_as = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError as e:
            raise PostgresMissing("running as root and no 'postgres' user to run the server as") from e
        run_as = "postgres"
    root = Path(tempfile.mkdtemp(prefix="newstrace-pg-"))
    if run_as:
        pw = pwd.getpwnam(run_as)
        os.chown(root, pw.pw_uid, pw.pw_gid)
    server = Server(root, _free_port(), run_as)
    try:
        server.start()
        _wait(server)
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def _wait(server: Server, seconds: float = 30.0) -> None:
    import psycopg

    deadline = time.monotonic() + seconds
    while True:
        try:
            with psycopg.connect(server.url(), connect_timeout=2):
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                log = (server.root / "log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"PostgreSQL did not start: {log}") from None
            time.sleep(0.2)
