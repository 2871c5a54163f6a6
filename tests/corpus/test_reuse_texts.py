"""The copy index without page texts: texts read back from a source (the store) give the same passages,
checkpoints hold no text, old checkpoints still load, and revisions keep offsets consistent.

SQLite-specific where a test rewrites the checkpoint rows of the store's ``meta`` table (``SqliteStore``)."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

from newstrace.corpus import ingest as ingest_module
from newstrace.corpus.ingest import CopyIndex, ingest, provenance
from newstrace.corpus.reuse import Passage, ReuseIndex
from newstrace.ingest import read_paths
from newstrace.model import Document
from newstrace.run.local import analyzer
from newstrace.store.sqlite import INDEX_KEY, REVISIONS_KEY, SqliteStore

from ..conftest import ROOT, SEED, seed_wire_records

FIXTURES = ROOT / "tests" / "fixtures" / "html"
SHOIGU = "has ordered Defense Minister Sergey Shoigu"  # a sentence of the seed and of the RT story


def _paragraphs(doc: Document) -> list[str]:
    body = [doc.text[x.start : x.end] for x in doc.layers if x.kind == "body"]
    return [p for b in body for p in b.split("\n") if len(p.split()) >= 25]


@functools.cache
def real_pages() -> tuple[Document, ...]:
    """The HTML fixture pages and the seed with its wire stories (anatomy only: body layers, no NLP),
    plus pages reusing them: excerpts republished, a copy of a copy (a chain), a quoted paragraph,
    and an excerpt published before its source (direction decided by date, not by insertion)."""
    anatomy = analyzer(False)
    pages: list[Document] = []
    for item in read_paths([str(FIXTURES)], "auto"):
        doc = anatomy(item)
        if isinstance(doc, Document):
            pages.append(doc)
    for r in seed_wire_records():
        doc = anatomy(Document(id=r["id"], text=r["text"], published=r["published"]))
        assert isinstance(doc, Document)
        pages.append(doc)
    derived: list[Document] = []
    for k, doc in enumerate(p for p in pages if len(_paragraphs(p)) >= 3):
        paras = _paragraphs(doc)
        copy = f"Republished with thanks\n\n{paras[0]}\n\nOur own words on the matter.\n\n{paras[2]}"
        derived.append(Document(id=f"copy{k}", text=copy, published="2030-01-02"))
        derived.append(Document(id=f"chain{k}", text="Via a partner\n\n" + copy.replace(" the ", " a ", 3),
                                published="2030-01-03"))
        derived.append(Document(id=f"quote{k}", text=f'A reader wrote:\n\n"{paras[1]}"\n\nWe disagree.',
                                published="2030-01-04"))
        derived.append(Document(id=f"early{k}", text=f"First!\n\n{paras[1]}", published="1990-01-01"))
        if k == 7:
            break
    return tuple(pages + derived)


def _added_one_by_one(index: ReuseIndex, pages: tuple[Document, ...], stored: dict[str, str]) -> list[
    list[Passage]
]:
    out = []
    for doc in pages:
        out.append(index.add_document(doc))
        stored[doc.id] = doc.text  # the page is stored once the index has seen it, as ingest does
    return out


def test_a_text_source_finds_exactly_the_passages_held_texts_find() -> None:
    pages = real_pages()
    plain = ReuseIndex()
    want = _added_one_by_one(plain, pages, {})
    kinds = {p.kind for found in want for p in found}
    assert kinds == {"copy", "shared_quote"}
    assert sum(len(found) for found in want) >= 30

    stored: dict[str, str] = {}
    reads: list[str] = []

    def text_of(doc_id: str) -> str:
        reads.append(doc_id)
        return stored[doc_id]

    sourced = ReuseIndex(text_of=text_of, text_cache=3)  # a tiny cache: most texts are read back
    assert _added_one_by_one(sourced, pages, stored) == want
    assert len(reads) > len(set(reads))  # texts were read back, some again once the cache dropped them
    for doc in pages:
        assert sourced.provenance(doc.id) == plain.provenance(doc.id)

    # One batch: its pages align with each other before the source has any of them.
    later: dict[str, str] = {}
    batched = ReuseIndex(text_of=lambda doc_id: later[doc_id], text_cache=2)
    records = [(d.id, d.text, [(x.start, x.end) for x in d.layers if x.kind == "body"] if d.layers else None,
                d.published, [(q.start, q.end) for q in d.quotes]) for d in pages]
    assert batched.add_many(records) == want
    later.update((d.id, d.text) for d in pages)
    assert batched.add("late", pages[-1].text, None, "2031-01-01") == plain.add("late", pages[-1].text, None,
                                                                                 "2031-01-01")


def test_checkpoint_holds_no_text_and_an_old_checkpoint_with_texts_still_loads() -> None:
    pages = real_pages()
    stored = {d.id: d.text for d in pages}
    head, tail = pages[:-12], pages[-12:]
    plain = ReuseIndex()
    _added_one_by_one(plain, head, {})
    old = plain.to_bytes()  # the format written before text sources (and still without one)
    assert SHOIGU.encode() in old

    sourced = ReuseIndex.from_bytes(old, text_of=stored.__getitem__)
    blob = sourced.to_bytes()
    assert SHOIGU.encode() not in blob
    for doc in head:
        assert json.dumps(doc.text[100:160])[1:-1].encode() not in blob
    assert len(blob) < len(old) - sum(len(d.text) for d in head)
    with pytest.raises(ValueError, match="text source"):
        ReuseIndex.from_bytes(blob)

    again = ReuseIndex.from_bytes(blob, text_of=stored.__getitem__)
    for doc in tail:
        want = plain.add_document(doc)
        assert sourced.add_document(doc) == want
        assert again.add_document(doc) == want
    for doc in pages:
        assert again.provenance(doc.id) == plain.provenance(doc.id)


def _write_records(path: Path, docs: list[dict[str, str]]) -> str:
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    return str(path)


def _wire_corpus() -> list[dict[str, str]]:
    records = seed_wire_records()
    rt = records[0]["text"]
    copy = {"id": "rt-copy", "published": "2016-03-16", "text": "From RT\n\n" + rt.split("\n\n", 1)[1]}
    return [*records, copy]


def test_a_store_with_an_old_checkpoint_loads_it_and_catches_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "s.db")
    ingest([_write_records(tmp_path / "in.jsonl", _wire_corpus())], db, workers=1, progress=False, nlp=False)
    with SqliteStore(db) as store:
        stored = list(store.iter_documents())
        ids = [data["id"] for _, data in stored]
        want = {i: provenance(db, i).to_json() for i in ids}
        # What the code before text sources saved: an index holding texts, for the first two pages.
        old = ReuseIndex()
        for _, data in stored[:2]:
            old.add_document(Document.from_json(data))
        store.set_meta(INDEX_KEY + "_seq", str(stored[1][0]))
        store.con.execute("UPDATE blobs SET value = ? WHERE key = ?", (old.to_bytes(), INDEX_KEY))
        store.con.execute("DELETE FROM meta WHERE key = ?", (REVISIONS_KEY,))
        store.con.execute("DELETE FROM passages")

        added: list[str] = []
        add_document = ReuseIndex.add_document

        def add_and_note(self: ReuseIndex, doc: Document) -> list[Passage]:
            added.append(doc.id)
            return add_document(self, doc)

        monkeypatch.setattr(ReuseIndex, "add_document", add_and_note)
        index = CopyIndex(store)
        assert added == ids[2:]  # loaded, not rebuilt
        for i in ids:
            got = index.index.provenance(i)
            assert {"id": i, **got} == want[i]
        blob = store.get_blob(INDEX_KEY)
        assert blob is not None
        assert blob[:8] == b"NTREUSE2" and SHOIGU.encode() not in blob
        assert store.get_meta(REVISIONS_KEY) == "0"
        assert store.passages("seed") and store.passages("rt-copy")  # caught-up pages' passages rewritten


TASS = SEED.read_text(encoding="utf-8")
TASS_BODY = TASS[TASS.index("MOSCOW, March 14. /TASS/.") : TASS.index("the Kremlin said.") + 17]
UNRELATED = ("Unrelated page about something else entirely\n\nNothing to see here, only a few words that no "
             "other page has ever printed anywhere.\n")


def test_pages_added_after_a_revision_align_with_the_text_the_index_holds(tmp_path: Path) -> None:
    first = Document(id="x", text="Withdrawal ordered\n\n" + TASS_BODY, published="2016-03-14")
    revised = Document(id="x", text=UNRELATED, published="2016-03-14")
    copy = Document(id="y", text="Republished\n\n" + TASS_BODY, published="2016-03-15")
    with SqliteStore(tmp_path / "s.db") as store:
        index = CopyIndex(store, checkpoint_every=100)
        index.index.text_cache = 0  # every old text is read back (in a large ingest, "x" left the cache)

        def put(doc: Document) -> list[dict[str, object]]:
            rows = index.add(doc)
            store.put(doc, rows)
            index.stored(store.info(doc.id).seq)  # type: ignore[union-attr]
            return rows

        put(first)
        assert put(revised) == []  # the index still holds the first text, until its rebuild
        reference = ReuseIndex()
        reference.add_document(first)
        want = reference.add_document(copy)
        assert want
        rows = put(copy)
        assert rows == ingest_module._passage_rows("y", want)
        assert all(first.text[r.other_start : r.other_end] == copy.text[r.start : r.end]
                   for r in rows)
        # The rebuild aligns with the text the store now has: the copied story is gone from "x".
        index.checkpoint()
        assert store.passages("y") == []
        assert "x" in index.index and index.index.provenance("y")["copied"] == []


def test_a_run_stopped_before_a_revisions_rebuild_is_rebuilt_by_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a_tass.txt").write_text("Withdrawal ordered\n\n" + TASS_BODY, encoding="utf-8")
    (src / "b_page.txt").write_text(UNRELATED, encoding="utf-8")
    whole, stopped = str(tmp_path / "whole.db"), str(tmp_path / "stopped.db")
    for db in (whole, stopped):
        ingest([str(src)], db, workers=1, progress=False)
    (src / "b_page.txt").write_text("Republished\n\n" + TASS_BODY, encoding="utf-8")
    ingest([str(src)], whole, workers=1, progress=False)

    def killed(self: CopyIndex) -> None:
        raise KeyboardInterrupt  # the run dies after storing the revision, before the rebuild it calls for

    with monkeypatch.context() as m:
        m.setattr(CopyIndex, "rebuild", killed)
        with pytest.raises(KeyboardInterrupt):
            ingest([str(src)], stopped, workers=1, progress=False)
    with SqliteStore(stopped, readonly=True) as s:
        assert s.info("b_page.txt").revision == 2 and s.passages("b_page.txt") == []  # type: ignore[union-attr]
    report = ingest([str(src)], stopped, workers=1, progress=False)
    assert (report.revised, report.unchanged) == (0, 2)
    with SqliteStore(whole) as a, SqliteStore(stopped) as b:
        assert a.dump() == b.dump()
    assert provenance(stopped, "b_page.txt") == provenance(whole, "b_page.txt")
    assert {p.origin_id for p in provenance(stopped, "b_page.txt").copied} == {"a_tass.txt"}
