"""Stories in a real store: ingest, update (idempotent, incremental), the read API and the CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from newstrace.cli import main
from newstrace.corpus.ingest import ingest
from newstrace.corpus.store import Store, dump
from newstrace.stories.store import get_story, list_stories, story_of, update_stories

from ..conftest import SEED
from .conftest import FIRE, VOTE, records

TABLES = ("stories", "story_documents")


def _write(path: Path, recs: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("stories")
    db = tmp / "t.db"
    recs = records()
    ingest([str(_write(tmp / "a.jsonl", recs[:2] + recs[3:5]))], str(db), workers=1, progress=False)
    seed = tmp / "seed.txt"
    shutil.copy(SEED, seed)
    ingest(
        [str(_write(tmp / "b.jsonl", recs[2:3] + recs[5:])), str(seed)], str(db), workers=1, progress=False
    )
    return db


def test_update_is_incremental_and_idempotent(store_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.db"
    shutil.copy(store_path, db)
    with Store(db) as store:
        first = update_stories(store)
        assert first.assigned == 7 and not first.rebuilt
        snapshot = dump(store, TABLES + ("meta",))
        again = update_stories(store)
        assert again.assigned == 0 and again.moved == 0 and not again.rebuilt
        assert dump(store, TABLES + ("meta",)) == snapshot
    # a new page later: only it is assigned
    _write(tmp_path / "c.jsonl", [{**records()[0], "id": "fire-late", "published": "2019-05-04"}])
    ingest([str(tmp_path / "c.jsonl")], str(db), workers=1, progress=False)
    with Store(db) as store:
        r = update_stories(store)
        assert r.assigned == 1 and not r.rebuilt
        assert story_of(store, "fire-late") == story_of(store, "fire-0")


def test_incremental_equals_one_pass(store_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "one.db"
    shutil.copy(store_path, db)
    with Store(db) as store:
        update_stories(store)
        groups = sorted(sorted(s["documents"]) for s in list_stories(store, detail=False))
        rebuilt = update_stories(store, rebuild=True)
        assert rebuilt.rebuilt and rebuilt.assigned == 7
        assert sorted(sorted(s["documents"]) for s in list_stories(store, detail=False)) == groups
    assert sorted(map(len, groups)) == [1, 3, 3]


def test_read_api_shape(store_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "api.db"
    shutil.copy(store_path, db)
    with Store(db) as store:
        update_stories(store)
        stories = list_stories(store, limit=10)
        assert len(stories) == 3
        sid = story_of(store, "vote-1")
        assert sid is not None
        st = get_story(store, sid)
        assert st is not None and get_story(store, "nope") is None
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
        assert list_stories(store, limit=1, offset=1)[0]["id"] == stories[1]["id"]


def test_readonly_store_reads_without_writing(store_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "ro.db"
    shutil.copy(store_path, db)
    with Store(db) as store:
        update_stories(store)
    with Store(db, readonly=True) as store:
        sid = story_of(store, "fire-1")
        assert sid is not None and get_story(store, sid) is not None


def test_cli_json(store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "cli.db"
    shutil.copy(store_path, db)
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
    assert main(["stories", "--db", str(tmp_path / "missing.db")]) == 2


def test_cli_ingest_brings_stories_up_to_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    recs = records()
    db = str(tmp_path / "cli-ingest.db")
    assert main(["ingest", str(_write(tmp_path / "a.jsonl", recs[:4])), "--db", db, "--workers", "1"]) == 0
    assert "stories: 4 pages assigned" in capsys.readouterr().err
    with Store(db, readonly=True) as store:
        assert story_of(store, "fire-0") == story_of(store, "fire-2") != story_of(store, "vote-0")
    # --no-stories leaves the new pages waiting; the next ingest (or `stories`) picks them up
    more = str(_write(tmp_path / "b.jsonl", recs[4:]))
    assert main(["ingest", more, "--db", db, "--workers", "1", "--no-stories"]) == 0
    with Store(db, readonly=True) as store:
        assert story_of(store, "vote-2") is None
    assert main(["ingest", more, "--db", db, "--workers", "1"]) == 0
    assert "stories: 2 pages assigned" in capsys.readouterr().err
    with Store(db, readonly=True) as store:
        assert story_of(store, "vote-2") == story_of(store, "vote-0") is not None


def test_tables_agree_with_the_clusterer_when_stories_regroup(tmp_path: Path) -> None:
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
    db = str(tmp_path / "regroup.db")
    ingest([str(_write(tmp_path / "r.jsonl", recs))], db, workers=1, progress=False, nlp=False)
    with Store(db) as store:
        report = update_stories(store)
        con = store.con
        in_docs = dict(con.execute("SELECT story_id, COUNT(*) FROM story_documents GROUP BY story_id"))
        rows = dict(con.execute("SELECT id, size FROM stories"))
    assert report.assigned == 90
    assert rows == in_docs and report.stories == len(rows)


def test_an_update_interrupted_midway_resumes_to_the_same_stories(
    store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages are saved with the clusterer's state as the update goes: a crash loses at most what came
    after the last save, and the next update ends where an uninterrupted one does."""
    import newstrace.stories.store as S

    whole = tmp_path / "whole.db"
    shutil.copy(store_path, whole)
    with Store(whole) as store:
        update_stories(store)
        want = dump(store, TABLES)
    db = tmp_path / "crash.db"
    shutil.copy(store_path, db)
    monkeypatch.setattr(S, "BATCH", 2)
    real = S.extract_many
    calls = {"n": 0}

    def crash_on_third(datas: list[dict[str, object]]) -> list[object]:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(datas)  # type: ignore[arg-type]

    monkeypatch.setattr(S, "extract_many", crash_on_third)
    with Store(db) as store, pytest.raises(KeyboardInterrupt):
        update_stories(store)
    with Store(db, readonly=True) as store:
        kept = int(store.con.execute("SELECT COUNT(*) FROM story_documents").fetchone()[0])
    assert 0 < kept < 7  # saved as it went
    monkeypatch.setattr(S, "extract_many", real)
    with Store(db) as store:
        resumed = update_stories(store)
        assert resumed.assigned == 7 - kept and not resumed.rebuilt
        got = dump(store, TABLES)
    strip = lambda d: {t: sorted(r[:2] for r in rows) for t, rows in d.items()}  # noqa: E731
    assert strip(got) == strip(want)


def test_one_event_worded_two_ways_is_one_record_but_different_targets_are_not() -> None:
    from newstrace.model import Event
    from newstrace.stories.store import _merge_events

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
    assert [len(m["sources"]) for m in merged] == [2, 1, 1, 1]
    assert merged[0]["starting"] == "2021-04-03" and [s["doc_id"] for s in merged[0]["sources"]] == ["a", "b"]


def test_cli_terminal_view(store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "view.db"
    shutil.copy(store_path, db)
    assert main(["stories", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    # the seed's story: its statement by Putin and the withdrawal order, carried by both its reports
    assert "statement by Vladimir Putin" in out
    assert any(
        "2016-03-14" in line and "Vladimir Putin" in line and "withdrawal" in line and "×2" in line
        for line in out.splitlines()
    ), out
