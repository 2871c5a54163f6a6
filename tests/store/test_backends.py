"""The two backends hold the same corpus the same way: SQLite and PostgreSQL side by side, a corpus
copied between them without loss, one writer at a time on both, and a release-1 store migrated."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newstrace.corpus.ingest import ingest, provenance
from newstrace.errors import StoreBusy, StoreError
from newstrace.store import open_reader, open_store
from newstrace.store.copy import copy_store
from newstrace.stories.update import update_stories

from ..conftest import ROOT, pg_server, seed_wire_records, test_db_url

DEMO = ROOT / "demo"
V1_STORE = ROOT / "tests" / "fixtures" / "stores" / "v1.db.gz"
QUERIES = ("Putin", "withdrawal Syria", '"military group"', "campaign drugs", "Shoigu airbase",
           "South Dakota", "meth", "president")
# Both backends rank by BM25 (FTS5's; postgres_bm25 on PostgreSQL), so the pages come in the same order,
# the seed's near-ties with the wire stories it copied included (a "quoted phrase" is one term on both).
# benchmarks/search_agreement.py measures the agreement on a large corpus.


def _corpus(folder: Path) -> list[str]:
    src = folder / "records.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in seed_wire_records()), "utf-8")
    return [str(src), *sorted(str(p) for p in DEMO.iterdir() if p.name != "README.md"
                              and not p.name.startswith("000_"))]


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """One corpus (the seed with the wire stories it copied, the demo pages) ingested into a SQLite
    file and into a PostgreSQL database, stories computed on each."""
    root = tmp_path_factory.mktemp("both")
    paths = _corpus(root)
    stores = (test_db_url(root, "both", "sqlite"), test_db_url(root, "both", "postgresql"))
    for db in stores:
        report = ingest(paths, db, workers=1, progress=False)
        assert report.failed == 0 and report.added >= 8, report.summary()
        with open_store(db) as s:
            update_stories(s)
    return stores


def test_same_documents_passages_provenance_and_stories(both: tuple[str, str]) -> None:
    lite, pg = both
    with open_store(lite, readonly=True) as a, open_store(pg, readonly=True) as b:
        assert a.ids() == b.ids()
        assert a.dump() == b.dump()  # documents, revisions, layers, quotes, entities, passages, errors
        assert [s.to_json() for s in a.iter_stories()] == [s.to_json() for s in b.iter_stories()]
        assert a.stories_state() == b.stories_state()
        ids = a.ids()
        for doc_id in ids:
            assert a.passages(doc_id) == b.passages(doc_id)
            assert a.info(doc_id) is not None and b.info(doc_id) is not None
        assert any(a.passages(i) for i in ids)  # the seed's copied wire passages are there
    for doc_id in ids:
        assert provenance(lite, doc_id) == provenance(pg, doc_id)


def test_search_returns_the_same_top_documents(both: tuple[str, str]) -> None:
    lite, pg = both
    with open_store(lite, readonly=True) as a, open_store(pg, readonly=True) as b:
        for query in QUERIES:
            body_a = [h.doc_id for h in a.search(query, limit=200) if h.kind == "body"]
            body_b = [h.doc_id for h in b.search(query, limit=200) if h.kind == "body"]
            assert body_a and body_a == body_b, query  # the same pages match, in the same order
            # every match, quotes included (quotes tied on one backend may not be on the other, which
            # counts tokens a little differently, so the interleaving may differ)
            every_a, every_b = a.search(query, limit=200), b.search(query, limit=200)
            assert {(h.kind, h.doc_id, h.snippet if h.kind == "quote" else "") for h in every_a} == \
                {(h.kind, h.doc_id, h.snippet if h.kind == "quote" else "") for h in every_b}, query
        assert a.search("Putin", speaker="Vladimir Putin") and \
            {h.snippet for h in a.search("", speaker="vladimir putin")} == \
            {h.snippet for h in b.search("", speaker="vladimir putin")}
        by_outlet = [sorted(h.doc_id for h in x.search("Syria", outlet="rt")) for x in (a, b)]
        assert by_outlet[0] == by_outlet[1] and "rt-original" in by_outlet[0]
        assert a.search("Syria", since="2030") == b.search("Syria", since="2030") == []


def test_copy_store_round_trip_loses_nothing(both: tuple[str, str], tmp_path: Path) -> None:
    lite, _ = both
    pg = test_db_url(tmp_path, "copied", "postgresql")
    back = str(tmp_path / "back.db")
    counts = copy_store(lite, pg)
    assert counts["documents"] >= 8 and counts["passages"] > 0 and counts["story_documents"] >= 8
    done = subprocess.run([sys.executable, "-m", "newstrace", "copy-store", pg, back],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "copied" in done.stdout and "documents" in done.stdout
    with open_store(lite, readonly=True) as a, open_store(pg, readonly=True) as b, \
            open_store(back, readonly=True) as c:
        assert a.dump() == b.dump() == c.dump()
        assert [s.to_json() for s in a.iter_stories()] == [s.to_json() for s in b.iter_stories()] == \
            [s.to_json() for s in c.iter_stories()]
        assert a.copy_checkpoint() == b.copy_checkpoint() == c.copy_checkpoint()
        assert [h.doc_id for h in a.search("Putin")] == [h.doc_id for h in c.search("Putin")]
        assert {h.doc_id for h in a.search("Putin")} == {h.doc_id for h in b.search("Putin")}
    # the copy goes on as a store of its own: a new page gets the next position after the copied ones
    extra = tmp_path / "extra.txt"
    extra.write_text("Harbour vote\n\nThe council voted on the harbour plan today, after a long debate.\n")
    for db in (pg, back):
        assert ingest([str(extra)], db, workers=1, progress=False, nlp=False).added == 1
        with open_store(db, readonly=True) as s:
            assert s.ids()[-1] == "extra.txt" or s.ids()[-1].endswith("extra.txt")
    again = subprocess.run([sys.executable, "-m", "newstrace", "copy-store", lite, back],
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 2 and "not empty" in again.stderr


def _hold_writer(db: str) -> subprocess.Popen[str]:
    code = ("import sys, time\nfrom newstrace.store import open_store\n"
            "s = open_store(sys.argv[1])\nprint('ready', flush=True)\ntime.sleep(600)\n")
    proc = subprocess.Popen([sys.executable, "-c", code, db], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc


def test_a_second_writer_is_refused_on_both_backends(
    db_url: str, tmp_path: Path, backend: str
) -> None:
    page = tmp_path / "page.txt"
    page.write_text("Harbour vote\n\nThe council voted on the harbour plan today, after a long debate.\n")
    assert ingest([str(page)], db_url, workers=1, progress=False, nlp=False).added == 1
    holder = _hold_writer(db_url)
    try:
        with pytest.raises(StoreBusy, match="another newstrace process is writing this store"):
            open_store(db_url)
        other = tmp_path / "other.txt"
        other.write_text("Bridge vote\n\nThe council voted on the bridge plan today, after a short debate.\n")
        done = subprocess.run([sys.executable, "-m", "newstrace", "ingest", str(other), "--db", db_url,
                               "--quiet", "--no-nlp"], capture_output=True, text=True, timeout=300)
        assert done.returncode == 2 and "one writer at a time" in done.stderr
        with open_store(db_url, readonly=True) as s:  # readers are not blocked
            assert s.ids() == ["page.txt"] and s.search("harbour")
    finally:
        holder.send_signal(signal.SIGKILL)  # the lock dies with its holder, kill -9 included
        holder.wait()
    deadline = time.monotonic() + 30
    while True:
        try:
            report = ingest([str(tmp_path / "other.txt")], db_url, workers=1, progress=False, nlp=False)
            break
        except StoreBusy:  # the server has not noticed the dead session yet
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    assert report.added == 1
    with open_store(db_url, readonly=True) as s:
        assert s.ids() == ["page.txt", "other.txt"] and s.count() == 2


def test_a_release_1_store_is_migrated_when_opened_for_writing(tmp_path: Path) -> None:
    db = tmp_path / "v1.db"
    with gzip.open(V1_STORE) as f, open(db, "wb") as out:
        shutil.copyfileobj(f, out)
    with open_store(str(db), readonly=True) as s:  # read as it is
        before = s.dump()
        stories = [v.id for v in s.iter_stories()]
        checkpoint = s.copy_checkpoint()
        state = s.stories_state()
        assert s.get_meta("schema_version") == "1" and checkpoint is not None and state is not None
    with open_store(str(db)) as s:
        assert s.get_meta("schema_version") == "2"
        assert s.dump() == before and [v.id for v in s.iter_stories()] == stories
        assert s.copy_checkpoint() == checkpoint and s.stories_state() == state
    page = tmp_path / "page.txt"
    page.write_text("Harbour vote\n\nThe council voted on the harbour plan today, after a long debate.\n")
    assert ingest([str(page)], str(db), workers=1, progress=False, nlp=False).added == 1
    with open_store(str(db)) as s:
        update_stories(s)  # from the migrated clusterer's state
        assert s.story_of("page.txt") is not None and s.unassigned() == 0


def test_a_newer_store_is_refused_on_both_backends(db_url: str) -> None:
    with open_store(db_url) as s:
        s.set_meta("schema_version", "99")
    for readonly in (True, False):
        with pytest.raises(StoreError, match=r"made by a newer newstrace \(schema 99"):
            open_store(db_url, readonly=readonly)


def test_postgres_errors_name_the_server_never_the_password() -> None:
    server = pg_server()
    url = server.url("no_such_database").replace("newstrace@", "newstrace:s3cret@")
    with pytest.raises(StoreError) as caught:
        open_store(url)
    assert "s3cret" not in str(caught.value) and "***" in str(caught.value)
    with pytest.raises(StoreError) as caught:
        open_reader(url)
    assert "s3cret" not in str(caught.value)
    empty = server.create_database("empty")
    with pytest.raises(StoreError, match="not a newstrace store"):
        open_store(empty, readonly=True)
    assert os.environ.get("PGPASSWORD") is None
