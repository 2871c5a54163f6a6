"""Ingest end to end: idempotent, resumable after kill -9, bad inputs recorded, copies found."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from newstrace.corpus.ingest import ingest, provenance

from ..conftest import SEED, open_test_store, seed_wire_records

SENTENCES = [
    s.strip()
    for s in re.split(r"(?<=[.!?])\s+", SEED.read_text(encoding="utf-8"))
    if 8 <= len(s.split()) <= 60 and "\n" not in s.strip()
]


WORDS = sorted({w for s in SENTENCES for w in re.findall(r"[A-Za-z]{3,}", s)})


def make_sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(10, 25))
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def make_page(rng: random.Random, i: int, paragraphs: tuple[int, int] = (3, 7)) -> str:
    """A page of new sentences (words from the seed, in random order): pages do not copy each other."""
    paras = [" ".join(make_sentence(rng) for _ in range(rng.randint(2, 4)))
             for _ in range(rng.randint(*paragraphs))]
    return f"Page {i}: {make_sentence(rng)[:60]}\n\n" + "\n\n".join(paras) + "\n"


def make_corpus(
    root: Path, n: int, bad_every: int = 0, seed: int = 7, paragraphs: tuple[int, int] = (3, 7)
) -> tuple[int, int]:
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    good = bad = 0
    for i in range(n):
        path = root / f"p{i:04d}.txt"
        if bad_every and i % bad_every == bad_every - 1:
            kind = (i // bad_every) % 4
            if kind == 0:
                path.write_bytes(b"")
            elif kind == 1:
                path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(2000)))
            elif kind == 2:
                path = root / f"p{i:04d}.jsonl"
                path.write_text(json.dumps({"id": f"x{i}", "text": 3}) + "\n", encoding="utf-8")
            else:
                path = root / f"p{i:04d}.warc"
                path.write_bytes(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 9999\r\n\r\ncut")
            bad += 1
        else:
            path.write_text(make_page(rng, i, paragraphs), encoding="utf-8")
            good += 1
    return good, bad


def test_ingest_is_idempotent(tmp_path: Path, db_url: str) -> None:
    make_corpus(tmp_path / "in", 12)
    db = db_url
    first = ingest([str(tmp_path / "in")], db, workers=1, progress=False)
    assert (first.added, first.failed) == (12, 0)
    with open_test_store(db) as s:
        before = s.dump()
    again = ingest([str(tmp_path / "in")], db, workers=1, progress=False)
    assert (again.added, again.unchanged) == (0, 12)
    with open_test_store(db) as s:
        assert s.dump() == before


def test_corrupt_inputs_are_recorded_and_the_batch_goes_on(tmp_path: Path, db_url: str) -> None:
    good, bad = make_corpus(tmp_path / "in", 1000, bad_every=20, paragraphs=(1, 1))
    db = db_url
    report = ingest([str(tmp_path / "in")], db, workers=2, progress=False)
    assert report.added == good and report.failed == bad
    with open_test_store(db, readonly=True) as s:
        assert s.count() == good
        errors = s.errors()
    assert len(errors) == bad
    assert all(e.source and e.reason for e in errors)
    # A rerun neither duplicates documents nor errors.
    ingest([str(tmp_path / "in")], db, workers=2, progress=False)
    with open_test_store(db, readonly=True) as s:
        assert s.count() == good and len(s.errors()) == bad


def _run_ingest(src: Path, db: str | Path, workers: int = 1) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    return subprocess.Popen(
        [sys.executable, "-m", "newstrace", "ingest", str(src), "--db", str(db), "--workers", str(workers),
         "--quiet"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )


def test_kill_9_then_rerun_equals_an_uninterrupted_run(
    tmp_path: Path, db_factory: Callable[[str], str]
) -> None:
    make_corpus(tmp_path / "in", 60, bad_every=15, paragraphs=(1, 3))
    # Near-copies inside the corpus, so the copy index has passages to keep consistent.
    pages = sorted((tmp_path / "in").glob("*.txt"))
    for k, page in enumerate(pages[:10]):
        (tmp_path / "in" / f"z_copy{k}.txt").write_text(
            "Editor's note: republished.\n\n" + page.read_text(encoding="utf-8"), encoding="utf-8")
    whole = db_factory("whole")
    proc = _run_ingest(tmp_path / "in", whole)
    assert proc.wait(timeout=600) != 0  # the corrupt inputs make it exit 1
    killed = db_factory("killed")
    proc = _run_ingest(tmp_path / "in", killed)
    deadline = time.time() + 300
    while time.time() < deadline:
        time.sleep(0.05)
        try:  # not there yet, or not a store yet: wait
            with open_test_store(killed, readonly=True) as s:
                if s.count() >= 15:
                    break
        except Exception:
            continue
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with open_test_store(killed, readonly=True) as s:
        assert 0 < s.count() < 66
    assert _run_ingest(tmp_path / "in", killed).wait(timeout=600) != 0
    with open_test_store(whole) as a, open_test_store(killed) as b:
        da, db_ = a.dump(), b.dump()
        assert da == db_
        ids = a.ids()
    for doc_id in ids[:5] + [i for i in ids if i.startswith("z_copy")][:3]:
        assert provenance(str(whole), doc_id) == provenance(str(killed), doc_id)


def test_seed_sections_found_as_copies_of_standalone_pages(tmp_path: Path, db_url: str) -> None:
    records = seed_wire_records()
    src = tmp_path / "records.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    db = db_url
    report = ingest([str(src)], db, workers=1, progress=False)
    assert report.added == 3
    prov = provenance(db, "seed")
    copied = [p for p in prov.copied if p.kind == "copy"]
    origins = {p.origin_id for p in copied}
    assert origins == {"rt-original", "tass-original"}
    with open_test_store(db) as s:
        doc = s.get("seed")
    assert doc is not None
    seed_text = doc["text"]
    rt = [p for p in copied if p.origin_id == "rt-original"]
    tass = [p for p in copied if p.origin_id == "tass-original"]
    rt_text = " ".join(seed_text[p.start : p.end] for p in rt)
    tass_text = " ".join(seed_text[p.start : p.end] for p in tass)
    assert "has ordered Defense Minister Sergey Shoigu" in rt_text
    assert "the Kremlin said" in tass_text
    # No copied passage reaches into the reader comments.
    first_comment = min(c["start"] for c in doc["comments"])
    assert all(p.end <= first_comment for p in copied)
    for name in ("rt-original", "tass-original"):
        assert any(c.doc_id == "seed" for c in provenance(db, name).copies)


@pytest.mark.parametrize("workers", [1, 2])
def test_ingest_reads_while_an_ingest_writes(tmp_path: Path, db_url: str, workers: int) -> None:
    make_corpus(tmp_path / "in", 30, paragraphs=(1, 2))
    db = db_url
    proc = _run_ingest(tmp_path / "in", db, workers)
    seen = []
    while proc.poll() is None:
        time.sleep(0.05)
        try:
            with open_test_store(db, readonly=True) as s:
                seen.append(s.count())
                s.search("Syria")
        except Exception as e:  # a reader must never see a broken store (only none yet)
            if "no such table" not in str(e) and "no such store" not in str(e):
                raise
    assert proc.returncode == 0
    assert seen == sorted(seen)
    with open_test_store(db, readonly=True) as s:
        assert s.count() == 30


def test_changed_page_is_a_new_revision_and_the_copy_index_follows(tmp_path: Path, db_url: str) -> None:
    text = SEED.read_text(encoding="utf-8")
    body = text[text.index("MOSCOW, March 14. /TASS/.") : text.index("the Kremlin said.") + 17]
    src = tmp_path / "in"
    src.mkdir()
    (src / "a_tass.txt").write_text("Withdrawal ordered\n\n" + body, encoding="utf-8")
    (src / "b_page.txt").write_text("Unrelated page about something else entirely\n\nNothing to see here, "
                                  "only a few words that no other page has ever printed anywhere.\n",
                                  encoding="utf-8")
    db = db_url
    ingest([str(src)], db, workers=1, progress=False)
    assert provenance(db, "b_page.txt").copied == ()
    # The page under the same id now republishes the wire story: a revision, and a copy.
    (src / "b_page.txt").write_text("Republished\n\n" + body, encoding="utf-8")
    report = ingest([str(src)], db, workers=1, progress=False)
    assert (report.revised, report.unchanged) == (1, 1)
    with open_test_store(db, readonly=True) as s:
        info = s.info("b_page.txt")
        assert info is not None and info.revision == 2
        assert [r[:2] for r in s.dump()["revisions"] if r[0] == "b_page.txt"] == [("b_page.txt", 1)]
    copied = provenance(db, "b_page.txt").copied
    assert copied and {p.origin_id for p in copied} == {"a_tass.txt"}
