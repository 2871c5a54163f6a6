"""Ingest on Dask (a real ``LocalCluster`` of two worker processes) ends with the store a local ingest
makes, on both backends: same documents, layers, quotes, passages, provenance and stories; a page that
kills every worker is recorded in the errors table; a driver killed mid-run resumes like a local one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import cloudpickle
import pytest

from newstrace.corpus.ingest import StoredScreen, ingest, provenance
from newstrace.errors import InputError
from newstrace.model import Document
from newstrace.run.local import analyzer
from newstrace.stories.update import update_stories

from ..conftest import open_test_store, seed_wire_records
from ..run.test_dask import POISON
from .test_ingest import make_corpus

cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the poisoned analysis travels by value

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The seed with the wire stories it copied (records), two demo pages on one story, a corrupt line."""
    import json

    root = tmp_path_factory.mktemp("dask-in")
    feed = root / "records.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in seed_wire_records()]
    lines.insert(1, "{not json")
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    demo = sorted(p for p in (ROOT / "demo").glob("*.html.gz"))[:2]
    return [str(feed), *map(str, demo)]


def test_a_dask_ingest_stores_what_a_local_ingest_stores(
    inputs: list[str], db_factory: Callable[[str], str]
) -> None:
    local, dask = db_factory("local"), db_factory("dask")
    a = ingest(inputs, local, workers=1, progress=False)
    b = ingest(inputs, dask, workers=2, progress=False, dask="local")
    assert (a.added, a.failed) == (b.added, b.failed) == (5, 1)
    for db in (local, dask):
        with open_test_store(db) as s:
            update_stories(s)
    with open_test_store(local, readonly=True) as x, open_test_store(dask, readonly=True) as y:
        assert x.ids() == y.ids()  # the same ingest order: "who was first" is the same
        assert x.dump() == y.dump()
        assert [v.to_json() for v in x.iter_stories()] == [v.to_json() for v in y.iter_stories()]
        assert [(e.source, e.reason) for e in x.errors()] == [(e.source, e.reason) for e in y.errors()]
    for doc_id in ("seed", "rt-original", "tass-original"):
        assert provenance(local, doc_id) == provenance(dask, doc_id)
    assert any(p.kind == "copy" for p in provenance(dask, "seed").copied)
    again = ingest(inputs, dask, workers=2, progress=False, dask="local")  # stored pages screened out
    assert (again.added, again.unchanged) == (0, 5)


def _poisoned(item: Document | InputError) -> Document | InputError:
    if isinstance(item, Document) and POISON in item.text:
        os.kill(os.getpid(), signal.SIGKILL)  # a page that kills its worker every time
    return analyzer(False)(item)


def test_a_page_that_kills_every_worker_is_recorded_and_the_run_goes_on(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    lines = [json.dumps({"id": f"r{i}", "text": f"Record {i}\n\nA short report number {i}."})
             for i in range(6)]
    lines[3] = json.dumps({"id": "r3", "text": f"Record 3\n\n{POISON} in the body."})
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr("newstrace.corpus.ingest.analyzer", lambda full=True: _poisoned)
    report = ingest([str(feed)], db_url, workers=2, progress=False, nlp=False, dask="local")
    assert (report.added, report.failed) == (5, 1)
    with open_test_store(db_url, readonly=True) as s:
        assert s.ids() == ["r0", "r1", "r2", "r4", "r5"]
        [err] = s.errors()
        assert err.source == f"{feed}:4" and "worker died" in err.reason


def test_a_killed_driver_reruns_to_the_store_a_whole_run_makes(
    tmp_path: Path, db_factory: Callable[[str], str]
) -> None:
    make_corpus(tmp_path / "in", 40, bad_every=13, paragraphs=(1, 3))
    whole, killed = db_factory("whole"), db_factory("killed")
    ingest([str(tmp_path / "in")], whole, workers=1, progress=False, nlp=False)

    def run() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "newstrace", "ingest", str(tmp_path / "in"), "--db", killed, "--quiet",
             "--no-nlp", "--no-stories", "--dask", "--workers", "2"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )

    proc = run()
    deadline = time.time() + 300
    while time.time() < deadline:
        time.sleep(0.1)
        try:
            with open_test_store(killed, readonly=True) as s:
                if s.count() >= 10:
                    break
        except Exception:  # not made yet
            continue
    os.killpg(proc.pid, signal.SIGKILL)  # the driver and its cluster's processes
    proc.wait()
    with open_test_store(killed, readonly=True) as s:
        assert 0 < s.count() < 40
    assert run().wait(timeout=600) == 1  # the corrupt inputs
    with open_test_store(whole, readonly=True) as a, open_test_store(killed, readonly=True) as b:
        assert a.dump() == b.dump()


def test_the_screen_travels_to_workers_without_its_connection(db_url: str, tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text("Harbour vote\n\nThe council voted on the harbour plan today, after a long debate.\n")
    ingest([str(page)], db_url, workers=1, progress=False, nlp=False)
    screen = StoredScreen(db_url, nlp=False)
    from newstrace.ingest import read_paths

    [doc] = [d for d in read_paths([str(page)]) if isinstance(d, Document)]
    assert screen(doc) is None  # stored already (as an anatomy-only page)
    clone = cloudpickle.loads(cloudpickle.dumps(screen))
    assert clone(doc) is None and StoredScreen(db_url, nlp=True)(doc) is not None
    screen.close()
    clone.close()
    missing = StoredScreen(str(tmp_path / "no-such.db"), nlp=False)
    assert missing(doc) is not None  # a store it cannot open screens nothing
