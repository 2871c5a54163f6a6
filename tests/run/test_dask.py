"""The Dask runner on a real ``LocalCluster`` of two worker processes: real deaths, no stand-ins."""

from __future__ import annotations

import gzip
import json
import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import cloudpickle
import pytest

from newstrace.errors import InputError
from newstrace.ingest.readers import read_paths
from newstrace.model import Document
from newstrace.run.dask import Analysed, DaskRunner, Unchanged
from newstrace.run.local import analyze_stream, analyzer

from ..ingest.test_readers import build_warc
from ..real_pages import AEB

# The helpers below travel to the workers by value (the workers cannot import this test module).
cloudpickle.register_pickle_by_value(sys.modules[__name__])

POISON = "POISON-PILL"


def _pages(n: int) -> list[tuple[str, str, bytes]]:
    truth = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))
    return [(k, truth[k]["url"], gzip.decompress((AEB / "html" / f"{k}.html.gz").read_bytes()))
            for k in sorted(truth)[:n]]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Real pages as a scraper leaves them: page files, a JSON Lines feed (a bad line, a repeated id),
    a gzip'd WARC, a text page; several splits per container at ``per_split=3``."""
    root = tmp_path_factory.mktemp("corpus")
    pages = _pages(14)
    for key, _, raw in pages[:3]:
        (root / f"{key[:12]}.html").write_bytes(raw)
    lines = [json.dumps({"id": k, "url": u, "html": r.decode("utf-8", "replace")}) for k, u, r in pages[3:9]]
    lines.insert(2, "{not json")
    lines.append(json.dumps({"id": pages[3][0], "text": "The same id again, in a later split."}))
    (root / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    records = [("response", u, r, "text/html; charset=utf-8") for _, u, r in pages[9:]]
    (root / "crawl.warc.gz").write_bytes(build_warc(records, gz=True))
    (root / "note.txt").write_text("Storm cuts power\n\nThousands of homes lost power on Tuesday.\n",
                                   encoding="utf-8")
    return root


def _key(item: Document | InputError) -> str:
    return "".join(item.json_chunks()) if isinstance(item, Document) else f"error {item}"


def _local(paths: list[Path]) -> list[str]:
    return [_key(x) for x in analyze_stream(read_paths(paths), 1, analyze=analyzer(False))]


def _items(outcomes: Iterator[Analysed | Unchanged]) -> list[str]:
    out = []
    for o in outcomes:
        assert isinstance(o, Analysed)
        out.append(_key(o.item))
    return out


@pytest.fixture(scope="module")
def runner() -> Iterator[DaskRunner]:
    with DaskRunner(workers=2, per_split=3) as r:
        yield r


def test_same_items_in_the_same_order_as_the_local_runner(runner: DaskRunner, corpus: Path) -> None:
    got = _items(runner.stream([corpus], analyzer(False)))
    assert got == _local([corpus])
    assert sum(k.startswith("error") for k in got) == 2  # the bad line and the repeated id
    assert len(got) == 3 + 8 + 5 + 1  # page files, feed lines (a bad one, a repeat), records, text


def _slow_anatomy(item: Document | InputError) -> Document | InputError:
    time.sleep(0.3)
    return analyzer(False)(item)


def test_a_worker_killed_mid_run_costs_nothing(runner: DaskRunner, corpus: Path) -> None:
    stream = runner.stream([corpus], _slow_anatomy)
    got = _items(iter([next(stream)]))
    victim = next(iter(runner.client.scheduler_info()["workers"]))
    runner.client.run(_kill_self, workers=[victim], wait=False)
    got += _items(stream)
    assert got == _local([corpus])


async def _kill_self() -> None:
    os.kill(os.getpid(), signal.SIGKILL)  # the worker process, from outside its task


def _poisoned_anatomy(item: Document | InputError) -> Document | InputError:
    if isinstance(item, Document) and POISON in item.text:
        os.kill(os.getpid(), signal.SIGKILL)  # a page that kills its worker every time
    return analyzer(False)(item)


def test_a_page_that_kills_every_worker_is_an_error_and_the_run_goes_on(tmp_path: Path) -> None:
    lines = [json.dumps({"id": f"r{i}", "text": f"Record {i}\n\nA short report number {i}."})
             for i in range(7)]
    lines[4] = json.dumps({"id": "r4", "text": f"Record 4\n\n{POISON} in the body."})
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with DaskRunner(workers=2, per_split=3) as r:
        got = [o.item for o in r.stream([feed], _poisoned_anatomy) if isinstance(o, Analysed)]
    assert [x.id for x in got if isinstance(x, Document)] == ["r0", "r1", "r2", "r3", "r5", "r6"]
    [err] = [x for x in got if isinstance(x, InputError)]
    assert err.source == f"{feed}:5" and "worker died" in err.reason


def test_tasks_in_flight_stay_capped_whatever_the_input_size(tmp_path: Path) -> None:
    for i in range(40):
        (tmp_path / f"{i:03}.txt").write_text(f"Report {i}\n\nA line of text {i}.\n", encoding="utf-8")
    with DaskRunner(workers=2, in_flight=3) as r:
        seen_tasks = 0
        n = 0
        for o in r.stream([tmp_path], analyzer(False)):
            assert isinstance(o, Analysed) and isinstance(o.item, Document)
            n += 1
            if n % 10 == 0:
                seen_tasks = max(seen_tasks, len(r.client.who_has()))
        assert n == 40
        assert r.peak_in_flight <= 3
        assert seen_tasks <= 2 * 3  # work tasks and file plans each within the window


def test_pages_already_stored_are_screened_on_the_worker(runner: DaskRunner, corpus: Path) -> None:
    paths = [corpus / "note.txt", corpus / "feed.jsonl"]
    got = list(runner.stream(paths, analyzer(False), screen=_only_feed))
    unchanged = [o for o in got if isinstance(o, Unchanged)]
    assert [u.doc_id for u in unchanged] == ["note.txt"]
    analysed = [o for o in got if isinstance(o, Analysed) and isinstance(o.item, Document)]
    assert analysed and all(o.digest == f"digest-of-{o.item.id}" for o in analysed)  # type: ignore[union-attr]


def _only_feed(doc: Document) -> str | None:
    return None if doc.id == "note.txt" else f"digest-of-{doc.id}"
