"""The SQLite store: idempotent writes, revisions, search, errors, reads during writes."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

from newstrace.analyze import analyze_document
from newstrace.ingest.text import read_text
from newstrace.model import Document, Quote
from newstrace.store.sqlite import SqliteStore, fts_query

from ..conftest import SEED, open_test_store


def seed_doc(doc_id: str = "seed"):  # type: ignore[no-untyped-def]
    return analyze_document(read_text(SEED.read_text(encoding="utf-8"), doc_id=doc_id, source=str(SEED)))


def test_put_is_idempotent_and_revisions_are_kept(db_url: str) -> None:
    db = db_url
    doc = seed_doc()
    with open_test_store(db) as store:
        assert store.put(doc).status == "added"
        before = store.dump()
        assert store.put(doc).status == "unchanged"
        assert store.dump() == before
        changed = replace(doc, text=doc.text + "\nA late correction was added to this page.")
        res = store.put(changed)
        assert (res.status, res.revision) == ("revised", 2)
        assert store.count() == 1
        got = store.get("seed")
        assert got is not None and got["text"].endswith("added to this page.")
        assert [r[:2] for r in store.dump()["revisions"]] == [("seed", 1)]


def test_search_body_quotes_and_filters(db_url: str) -> None:
    doc = seed_doc()
    quote = Quote(0, 10, "objectives generally accomplished", "Vladimir Putin", None, "said")
    doc = replace(doc, quotes=(quote,), published="2016-03-14")
    with open_test_store(db_url) as store:
        store.put(doc)
        hits = store.search("withdrawal Syria")
        assert hits and hits[0].doc_id == "seed" and "[" in hits[0].snippet
        # Comments are not searchable body text.
        assert not [h for h in store.search("Talmudia") if h.kind == "body"]
        assert store.search("objectives", speaker="vladimir putin")[0].kind == "quote"
        assert store.search("withdrawal", outlet="TASS")
        assert not store.search("withdrawal", outlet="AFP")
        assert store.search("withdrawal", since="2016-01-01")
        assert not store.search("withdrawal", since="2017-01-01")


def test_fts_query_neutralises_operators() -> None:
    assert fts_query('putin AND "main part" NEAR( -x') == '"putin" "AND" "main part" "NEAR" "x"'
    assert fts_query("***") == ""


def test_errors_are_recorded_once_per_source(db_url: str) -> None:
    with open_test_store(db_url) as store:
        store.record_error("a.html", "empty input")
        store.record_error("a.html", "empty input")
        store.record_error("b.warc#record 3", "truncated record")
        assert [e.source for e in store.errors()] == ["a.html", "b.warc#record 3"]


def test_readers_see_whole_documents_while_a_writer_writes(tmp_path: Path) -> None:
    """SQLite-specific: counts the rows of the layers table as a reader of the file sees them."""
    db = tmp_path / "s.db"
    base = seed_doc()
    with open_test_store(db) as store:
        store.put(base)
    errors: list[BaseException] = []
    counts: list[int] = []

    def write() -> None:
        try:
            with open_test_store(db) as w:
                for i in range(30):
                    w.put(replace(base, id=f"d{i}"))
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    t = threading.Thread(target=write)
    t.start()
    with SqliteStore(db, readonly=True) as reader:
        while t.is_alive():
            n = reader.count()
            counts.append(n)
            # Every document a reader can see is complete: its layers are there too.
            layers = reader.con.execute("SELECT COUNT(DISTINCT doc_id) FROM layers").fetchone()[0]
            assert layers >= n
    t.join()
    assert not errors
    assert counts and counts == sorted(counts)
    with open_test_store(db, readonly=True) as reader:
        assert reader.count() == 31


def test_text_alone_is_the_stored_text_even_with_escaped_characters(db_url: str) -> None:
    texts = {
        "plain": "A page.\n\nWith “curly” quotes, a tab\there, an emoji 😀 and Кириллица.",
        "nul": "Cut\x00 here? SQLite's json_extract stops at an escaped NUL; the text must not.",
        "slash": "A literal \\u0000 and a backslash \\ are text too.",
    }
    with open_test_store(db_url) as store:
        for doc_id, text in texts.items():
            store.put(Document(id=doc_id, text=text))
        for doc_id, text in texts.items():
            assert store.text(doc_id) == text == store.get(doc_id)["text"]  # type: ignore[index]
        assert store.text("missing") is None
