"""Stories in a real store: ingest, update (idempotent, incremental), stored story pages, the CLI."""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from newstrace.cli import main
from newstrace.corpus.ingest import ingest
from newstrace.store import Store
from newstrace.stories.update import update_stories

from ..conftest import ROOT, SEED, copy_test_store, open_test_store, test_db_url
from .conftest import FIRE, VOTE, records

Factory = Callable[[str], str]


def _write(path: Path, recs: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory, backend: str) -> str:
    """Pages ingested, stories not computed yet (each test works on its own copy)."""
    tmp = tmp_path_factory.mktemp("stories")
    db = test_db_url(tmp, "stories", backend)
    recs = records()
    ingest([str(_write(tmp / "a.jsonl", recs[:2] + recs[3:5]))], str(db), workers=1, progress=False)
    seed = tmp / "seed.txt"
    shutil.copy(SEED, seed)
    ingest(
        [str(_write(tmp / "b.jsonl", recs[2:3] + recs[5:])), str(seed)], str(db), workers=1, progress=False
    )
    return db


def _copy(store_path: str, db_url: str) -> str:
    copy_test_store(store_path, db_url)
    return db_url


def _groups(store: Store) -> list[list[str]]:
    return sorted(sorted(s.documents) for s in store.story_summaries())


def test_update_is_incremental_and_idempotent(store_path: str, db_url: str, tmp_path: Path) -> None:
    db = _copy(store_path, db_url)
    with open_test_store(db) as store:
        first = update_stories(store)
        assert first.assigned == 7 and not first.rebuilt
        snapshot = (_groups(store), [s.to_json() for s in store.stories()], store.stories_state())
        again = update_stories(store)
        assert again.assigned == 0 and again.moved == 0 and not again.rebuilt
        assert (_groups(store), [s.to_json() for s in store.stories()], store.stories_state()) == snapshot
    # a new page later: only it is assigned
    _write(tmp_path / "c.jsonl", [{**records()[0], "id": "fire-late", "published": "2019-05-04"}])
    ingest([str(tmp_path / "c.jsonl")], str(db), workers=1, progress=False)
    with open_test_store(db) as store:
        r = update_stories(store)
        assert r.assigned == 1 and not r.rebuilt
        assert store.story_of("fire-late") == store.story_of("fire-0")
        # the story the new page joined was rendered again with it
        sid = store.story_of("fire-late")
        assert sid is not None
        view = store.story(sid)
        assert view is not None and "fire-late" in view.documents and "fire-late" in view.assignments


def test_incremental_equals_one_pass(store_path: str, db_url: str) -> None:
    db = _copy(store_path, db_url)
    with open_test_store(db) as store:
        update_stories(store)
        groups = _groups(store)
        rebuilt = update_stories(store, rebuild=True)
        assert rebuilt.rebuilt and rebuilt.assigned == 7
        assert _groups(store) == groups
    assert sorted(map(len, groups)) == [1, 3, 3]


def test_read_api_shape(store_path: str, db_url: str) -> None:
    db = _copy(store_path, db_url)
    with open_test_store(db) as store:
        update_stories(store)
        stories = [s.to_json() for s in store.stories(limit=10)]
        assert len(stories) == 3
        sid = store.story_of("vote-1")
        assert sid is not None
        view = store.story(sid)
        assert view is not None and store.story("nope") is None
        st = view.to_json()
        assert json.loads(json.dumps(st)) == st  # plain JSON, as the CLI and the API print it
        assert set(st) >= {
            "id",
            "title",
            "documents",
            "outlets",
            "events",
            "statements",
            "timeline",
            "comparison",
        }
        assert sorted(st["documents"]) == ["vote-0", "vote-1", "vote-2"]
        for e in st["events"]:
            assert set(e) >= {"actor", "action", "target", "place", "date", "doc_id", "start", "end"}
        for s in st["statements"]:
            assert set(s) >= {"speaker", "quotes"}
            assert all(set(q) >= {"doc_id", "start", "end", "text"} for q in s["quotes"])
        assert all(t["kind"] in ("document", "event") for t in st["timeline"])
        comp = st["comparison"]
        assert set(comp) >= {"outlets", "copies", "independent_reports", "omissions"}
        assert set(comp["omissions"]) == set(st["documents"])
        assert set(st["assignments"]) == set(st["documents"])
        assert any(a["level"] != "new" and a["entities"] for a in st["assignments"].values())
        assert store.stories(limit=1, offset=1)[0].id == stories[1]["id"]
        assert [s.id for s in store.story_summaries(limit=10)] == [s["id"] for s in stories]


def test_reading_a_story_never_computes(
    store_path: str, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The update computes every story page (events, statements, comparison) and stores it; a reader,
    read-only or not, only reads it: no embedding, no parse, the same JSON every time."""
    import newstrace.stories.render as R

    db = _copy(store_path, db_url)
    with open_test_store(db) as store:
        update_stories(store)
        written = [s.to_json() for s in store.stories()]
    assert any(s["statements"] and s["events"] and s["comparison"]["outlets"] for s in written)

    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("a read computed a story")

    monkeypatch.setattr(R, "link_quotes", refuse)
    monkeypatch.setattr(R, "extract_events", refuse)
    monkeypatch.setattr(R, "compare", refuse)
    with open_test_store(db, readonly=True) as store:
        assert [s.to_json() for s in store.stories()] == written
        assert [s.to_json() for s in store.iter_stories()] == written
        sid = store.story_of("fire-1")
        assert sid is not None and store.story(sid) is not None
    with open_test_store(db) as store:  # a writer with nothing new renders nothing
        assert update_stories(store).assigned == 0
        assert [s.to_json() for s in store.stories()] == written


def test_a_store_of_the_first_release_shows_what_it_stores_until_updated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Release 1 stored stories without their pages (computed on read): read-only, such a store shows its
    stories' pages and why they are together; the next `newstrace stories` renders them.
    SQLite-specific: the fixture is a SQLite file made by release 1."""
    db = tmp_path / "v1.db"
    db.write_bytes(gzip.decompress((ROOT / "tests" / "fixtures" / "stores" / "v1.db.gz").read_bytes()))
    with open_test_store(db, readonly=True) as store:
        stored = list(store.iter_stories())
        assert stored and all(s.documents and s.assignments for s in stored)
        assert all(not s.events and not s.statements and not s.comparison for s in stored)
        assert all(len(s.timeline) == len(s.documents) for s in stored)
    assert main(["stories", "--db", str(db), "--json"]) == 0
    rendered = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.strip()]
    assert [s["id"] for s in rendered] == [s.id for s in stored]
    assert all(s["comparison"]["outlets"] is not None and "omissions" in s["comparison"] for s in rendered)
    assert any(s["events"] for s in rendered)
    with open_test_store(db, readonly=True) as store:
        assert [s.to_json() for s in store.iter_stories()] == rendered


def test_cli_json(store_path: str, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = _copy(store_path, db_url)
    assert main(["stories", "--db", str(db), "--json"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.strip()]
    assert len(lines) == 3
    seed = next(s for s in lines if any(d.startswith("seed") for d in s["documents"]))
    assert {"RT", "TASS"} <= set(seed["outlets"])
    assert seed["comparison"]["independent_reports"] == 2
    linked = [s for s in seed["statements"] if len(s["quotes"]) >= 2]
    assert linked and linked[0]["speaker"] == "Vladimir Putin"
    # one event record however many pages report it, with every report's evidence
    keys = [(e["date"], e["actor"], e["action"], e["target"], e["place"]) for e in seed["events"]]
    assert len(keys) == len(set(keys))
    # RT's "ordered … to start withdrawal" and TASS's "issued an order to begin withdrawal": one event
    orders = [e for e in seed["events"] if e["actor"] == "Vladimir Putin" and "order" in e["action"]]
    assert len(orders) == 1 and len(orders[0]["sources"]) >= 2, orders
    assert orders[0]["starting"] == "2016-03-15"
    assert all(e["sources"][0] == {k: e[k] for k in ("doc_id", "start", "end")} for e in seed["events"])
    assert main(["stories", "--db", str(Path(db).parent / "missing.db")]) == 2


def test_cli_ingest_brings_stories_up_to_date(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recs = records()
    db = db_url
    assert main(["ingest", str(_write(tmp_path / "a.jsonl", recs[:4])), "--db", db, "--workers", "1"]) == 0
    assert "stories: 4 pages assigned" in capsys.readouterr().err
    with open_test_store(db, readonly=True) as store:
        assert store.story_of("fire-0") == store.story_of("fire-2") != store.story_of("vote-0")
    # --no-stories leaves the new pages waiting; the next ingest (or `stories`) picks them up
    more = str(_write(tmp_path / "b.jsonl", recs[4:]))
    assert main(["ingest", more, "--db", db, "--workers", "1", "--no-stories"]) == 0
    with open_test_store(db, readonly=True) as store:
        assert store.story_of("vote-2") is None
    assert main(["ingest", more, "--db", db, "--workers", "1"]) == 0
    assert "stories: 2 pages assigned" in capsys.readouterr().err
    with open_test_store(db, readonly=True) as store:
        assert store.story_of("vote-2") == store.story_of("vote-0") is not None


def test_tables_agree_with_the_clusterer_when_stories_regroup(db_url: str, tmp_path: Path) -> None:
    """Many pages in one batch, so stories regroup after some pages were assigned: every page is written
    in the story it ended up in, and every story row matches its pages."""
    import random

    rng = random.Random(3)
    recs: list[dict[str, object]] = []
    for k in range(90):
        title, text = (FIRE + VOTE)[rng.randrange(6)]
        words = text.split()
        rng.shuffle(words)  # same words, scrambled: near-duplicates that merge and regroup
        recs.append({"id": f"p{k}", "title": title, "text": " ".join(words[: rng.randint(20, len(words))])})
    db = db_url
    ingest([str(_write(tmp_path / "r.jsonl", recs))], db, workers=1, progress=False, nlp=False)
    with open_test_store(db) as store:
        report = update_stories(store)
        summaries = store.story_summaries(limit=1000)
        pages = {sid: [m.doc_id for m in store.story_members(sid)] for sid in (s.id for s in summaries)}
        placed = {d: store.story_of(d) for d in store.ids()}
        views = {s.id: s.documents for s in store.stories(limit=1000)}
    assert report.assigned == 90
    assert report.stories == len(summaries) and sum(map(len, pages.values())) == 90
    assert all(placed[d] == sid for sid, ids in pages.items() for d in ids)
    assert {s.id: s.documents for s in summaries} == views  # every stored page is its story's now


def test_an_update_interrupted_midway_resumes_to_the_same_stories(
    store_path: str, db_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages are saved with the clusterer's state as the update goes: a crash loses at most what came
    after the last save, and the next update ends where an uninterrupted one does."""
    import newstrace.stories.update as S

    whole = _copy(store_path, db_factory("whole"))
    with open_test_store(whole) as store:
        update_stories(store)
        want = [s.to_json() for s in store.stories()]
    db = _copy(store_path, db_factory("crash"))
    monkeypatch.setattr(S, "BATCH", 2)
    real = S.extract_many
    calls = {"n": 0}

    def crash_on_third(datas: list[dict[str, object]]) -> list[object]:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(datas)  # type: ignore[arg-type]

    monkeypatch.setattr(S, "extract_many", crash_on_third)
    with open_test_store(db) as store, pytest.raises(KeyboardInterrupt):
        update_stories(store)
    with open_test_store(db, readonly=True) as store:
        kept = 7 - (store.unassigned() or 0)
    assert 0 < kept < 7  # saved as it went
    monkeypatch.setattr(S, "extract_many", real)
    with open_test_store(db) as store:
        resumed = update_stories(store)
        assert resumed.assigned == 7 - kept and not resumed.rebuilt
        got = [s.to_json() for s in store.stories()]
    assert got == want  # the same stories, rendered the same


def test_one_event_worded_two_ways_is_one_record_but_different_targets_are_not() -> None:
    from newstrace.model import Event
    from newstrace.stories.render import _merge_events

    def ev(action: str, target: str, starting: str | None = None) -> Event:
        return Event("Ana Ruiz", action, target, None, "2021-04-02", starting, 0, 10)

    merged = _merge_events(
        [
            ("a", ev("order to start", "withdrawal of troops from the border", "2021-04-03")),
            ("b", ev("issue order to begin", "withdrawal of all troops from the border")),
            ("a", ev("meet", "Carlos Vega")),
            ("b", ev("meet", "Elena Soto")),
            ("c", ev("order to start", "withdrawal of troops from the border", "2021-05-01")),
        ]
    )
    assert [len(m.sources) for m in merged] == [2, 1, 1, 1]
    assert merged[0].starting == "2021-04-03" and [s.doc_id for s in merged[0].sources] == ["a", "b"]


def test_cli_terminal_view(store_path: str, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = _copy(store_path, db_url)
    assert main(["stories", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    # the seed's story: its statement by Putin and the withdrawal order, carried by both its reports
    assert "statement by Vladimir Putin" in out
    assert any(
        "2016-03-14" in line and "Vladimir Putin" in line and "withdrawal" in line and "×2" in line
        for line in out.splitlines()
    ), out
