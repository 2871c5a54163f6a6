"""``newstrace export``: every table in every format, the same rows in each, read back (Parquet: pyarrow)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]
import pytest

from newstrace.cli import main
from newstrace.store.tables import COLUMNS, TABLES

from .conftest import ROOT, open_test_store, seed_wire_records, test_db_url

DEMO = ROOT / "demo"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, backend: str) -> str:
    """The seed, the two wire stories it copied and the demo's HTML pages, every stage run."""
    folder = tmp_path_factory.mktemp("export")
    records = folder / "wire.jsonl"
    records.write_text("".join(json.dumps(r) + "\n" for r in seed_wire_records()), encoding="utf-8")
    db = test_db_url(folder, "export", backend)
    assert main(["ingest", str(records), *map(str, sorted(DEMO.glob("*.html.gz"))), "--db", db, "--workers",
                 "1", "-q"]) == 0
    return db


def _export(db: str, table: str, fmt: str, out: Path) -> list[dict[str, Any]]:
    assert main(["export", "--db", db, "--table", table, "--format", fmt, "--out", str(out), "-q"]) == 0
    if fmt == "parquet":
        return list(pq.read_table(out).to_pylist())
    if fmt == "jsonl":
        return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    with out.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("table", TABLES)
def test_every_table_in_every_format(store: str, table: str, tmp_path: Path) -> None:
    names = [n for n, _ in COLUMNS[table]]
    parquet = _export(store, table, "parquet", tmp_path / "t.parquet")
    jsonl = _export(store, table, "jsonl", tmp_path / "t.jsonl")
    rows = _export(store, table, "csv", tmp_path / "t.csv")
    assert parquet, f"{table}: no rows"
    assert parquet == jsonl  # typed the same
    assert [list(r) for r in (parquet[0], jsonl[0], rows[0])] == [names] * 3
    as_text = [{k: "" if v is None else str(v) for k, v in r.items()} for r in parquet]
    assert rows == as_text  # CSV holds the same values, as text
    schema = pq.read_schema(tmp_path / "t.parquet")
    kinds = {"string": pa.string(), "int64": pa.int64(), "float64": pa.float64()}
    assert [(f.name, f.type) for f in schema] == [(n, kinds[k]) for n, k in COLUMNS[table]]


def test_rows_are_what_the_store_holds(store: str, tmp_path: Path) -> None:
    docs = {r["id"]: r for r in _export(store, "documents", "parquet", tmp_path / "d.parquet")}
    assert len(docs) == 8 and {"seed", "rt-original", "tass-original"} <= set(docs)
    with open_test_store(store, readonly=True) as st:
        seed = st.document("seed")
    assert seed is not None
    assert (docs["seed"]["text"], docs["seed"]["published"]) == (seed.text, "2016-03-15")
    layers = [r for r in _export(store, "layers", "parquet", tmp_path / "l.parquet") if r["doc_id"] == "seed"]
    assert [(r["kind"], r["start"], r["end"]) for r in layers] == [(x.kind, x.start, x.end)
                                                                   for x in seed.layers]
    assert all(r["text"] == seed.text[r["start"] : r["end"]] for r in layers)
    quotes = [r for r in _export(store, "quotes", "parquet", tmp_path / "q.parquet") if r["doc_id"] == "seed"]
    assert len(quotes) == len(seed.quotes) and any(r["speaker"] == "Vladimir Putin" for r in quotes)
    entities = _export(store, "entities", "parquet", tmp_path / "e.parquet")
    assert any(r["name"] == "Vladimir Putin" and r["mentions"] > 1 for r in entities if r["doc_id"] == "seed")


def test_passages_and_stories_link_the_copies(store: str, tmp_path: Path) -> None:
    passages = _export(store, "passages", "parquet", tmp_path / "p.parquet")
    assert {r["other_id"] for r in passages if r["doc_id"] == "seed"} == {"rt-original", "tass-original"}
    assert all(0 < r["similarity"] <= 1 and r["start"] < r["end"] for r in passages)
    stories = _export(store, "stories", "parquet", tmp_path / "s.parquet")
    story_of = {r["doc_id"]: r["story_id"] for r in stories}
    assert len(story_of) == 8  # every page in one story
    assert story_of["seed"] == story_of["rt-original"] == story_of["tass-original"]


def test_csv_to_standard_output(store: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "newstrace", "export", "--db", store, "--table", "quotes",
                           "--format", "csv"], capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout.decode("utf-8"), newline="")))
    assert rows and set(rows[0]) == {n for n, _ in COLUMNS["quotes"]}
    assert b"row(s) of quotes written to standard output as csv" in proc.stderr


def test_an_empty_table_is_a_readable_file(db_factory: Any, tmp_path: Path) -> None:
    db = db_factory("empty")
    assert main(["ingest", str(DEMO / "000_61ee9dba41562d1b.txt"), "--db", db, "--no-nlp", "--no-stories",
                 "-q"]) == 0
    assert _export(db, "quotes", "parquet", tmp_path / "q.parquet") == []
    assert pq.read_schema(tmp_path / "q.parquet").names == [n for n, _ in COLUMNS["quotes"]]
    assert _export(db, "stories", "csv", tmp_path / "s.csv") == []


def test_missing_store_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--db", str(tmp_path / "none.db")]) == 2
    assert "no such store" in capsys.readouterr().err
