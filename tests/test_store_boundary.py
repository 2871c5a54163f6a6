"""The store boundary holds: outside ``newstrace.store`` no module speaks SQL or touches a connection.

A guard against regressions: a module that imports a database driver, reaches for ``.con``, runs
``execute(...)`` or embeds a SQL statement outside the store package fails here, naming the line.
"""

from __future__ import annotations

import re
from pathlib import Path

import newstrace

PACKAGE = Path(newstrace.__file__).parent
STORE = PACKAGE / "store"
FORBIDDEN = [
    (re.compile(r"\b(import|from)\s+(sqlite3|psycopg\w*|psycopg_pool|apsw)\b"), "imports a database driver"),
    (re.compile(r"\.con\b"), "touches a store's connection"),
    (re.compile(r"\b(execute|executemany|executescript|fetchone|fetchall)\s*\("), "runs a statement"),
    (re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+(OR\s+\w+\s+)?INTO|DELETE\s+FROM|CREATE\s+(TABLE|INDEX)|"
                r"UPDATE\s+\w+\s+SET|PRAGMA)\b"), "embeds SQL"),
]


def _violations(root: Path) -> list[str]:
    found = []
    store = root / "store"
    for path in sorted(root.rglob("*.py")):
        if store in path.parents:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for pattern, what in FORBIDDEN:
                if pattern.search(line):
                    found.append(f"{path.relative_to(root.parent)}:{n}: {what}: {line.strip()}")
    return found


def test_no_sql_outside_the_store_package() -> None:
    assert STORE.is_dir() and (STORE / "base.py").is_file()
    assert _violations(PACKAGE) == []


def test_the_guard_finds_what_it_guards_against(tmp_path: Path) -> None:
    pkg = tmp_path / "newstrace"
    (pkg / "store").mkdir(parents=True)
    (pkg / "store" / "sqlite.py").write_text("import sqlite3\ncon.execute('SELECT 1 FROM t')\n")
    (pkg / "web.py").write_text(
        "import sqlite3\nrow = store.con.execute('SELECT id FROM documents').fetchone()\n"
        "x = 1  # a line without any\nstore.con.executescript('CREATE TABLE x (y)')\n"
    )
    found = _violations(pkg)
    assert all(v.startswith("newstrace/web.py:") for v in found)
    assert {v.split(":")[1] for v in found} == {"1", "2", "4"}
