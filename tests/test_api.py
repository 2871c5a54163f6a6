"""The Python API (``import newstrace``) on real bundled pages: the same results as the command line."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import pytest

import newstrace
from newstrace.store import StoreMissing

from .conftest import ROOT, SEED, seed_wire_records, test_db_url

DEMO = ROOT / "demo"
RT_PAGE = next(DEMO.glob("4a44ab3e4c41*.html.gz"))  # rt.com, 2019
RT_URL = "https://www.rt.com/news/473849-3-morales-supporters-killed-bolivia/"


def test_public_surface_is_small() -> None:
    assert sorted(newstrace.__all__) == sorted([
        "Document", "InputError", "NewstraceError", "Store", "StoreError", "__version__", "analyze",
        "open_store", "read",
    ])
    for name in newstrace.__all__:
        assert getattr(newstrace, name) is not None
        if name != "__version__":
            assert getattr(newstrace, name).__doc__, name


def test_analyze_text_gives_what_the_pipeline_gives(seed_doc: newstrace.Document) -> None:
    doc = newstrace.analyze(SEED.read_text(encoding="utf-8"), id=seed_doc.id)
    assert isinstance(doc, newstrace.Document)
    ours, theirs = doc.to_json(), seed_doc.to_json()
    assert ours == theirs
    assert {x.outlet for x in doc.layers if x.kind == "body"} >= {"RT", "TASS"}
    assert len(doc.comments) == 26 and doc.quotes and doc.entities
    assert doc.parse is None  # the parse is not kept: everything derived from it is stand-off


def test_analyze_html_bytes_without_nlp() -> None:
    raw = RT_PAGE.read_bytes()
    doc = newstrace.analyze(raw, url=RT_URL, nlp=False)  # gzip'd bytes are unpacked
    assert doc.id == RT_URL and doc.format == "html"
    assert doc.outlet == "RT"  # from the URL's domain
    [headline] = [x for x in doc.layers if x.kind == "headline"]
    assert "3 pro-Morales demonstrators killed" in doc.text[headline.start : headline.end]
    assert "Three people have died during protests in Bolivia" in doc.article_text()
    assert not doc.quotes and not doc.entities  # no language-model stages
    same = newstrace.analyze(gzip.decompress(raw).decode("utf-8"), url=RT_URL, nlp=False)
    assert same.to_json() == doc.to_json()


def test_analyze_takes_what_the_caller_knows() -> None:
    html = gzip.decompress(RT_PAGE.read_bytes())
    doc = newstrace.analyze(html, format="html", title="A title of mine", published=date(2019, 11, 20),
                            nlp=False, id="mine")
    assert (doc.id, doc.title, doc.published) == ("mine", "A title of mine", "2019-11-20")
    assert doc.url == RT_URL  # the page's own canonical URL, as none was given
    text = newstrace.analyze("Troops leave.\n\nThe ministry said the pullout began on Tuesday morning.",
                             format="text", published="2016-03-15T08:00:00Z", nlp=False)
    assert (text.format, text.published, text.id) == ("text", "2016-03-15", "document")


def test_analyze_refuses_what_is_not_one_page() -> None:
    with pytest.raises(newstrace.InputError, match="empty input"):
        newstrace.analyze(b"   \n")
    with pytest.raises(newstrace.InputError, match="newstrace.read"):
        newstrace.analyze((ROOT / "tests" / "fixtures" / "readers" / "records.jsonl").read_text("utf-8"))
    with pytest.raises(newstrace.InputError, match="PDF"):
        newstrace.analyze(b"%PDF-1.7\n" + bytes(range(256)))
    with pytest.raises(newstrace.InputError, match="published"):
        newstrace.analyze("Some page text here.", published="last week")
    with pytest.raises(ValueError, match="format"):
        newstrace.analyze("Some page text here.", format="warc")  # type: ignore[arg-type]


def test_read_a_folder_and_records() -> None:
    docs = list(newstrace.read(DEMO, nlp=False))
    assert sorted(d.id for d in docs) == sorted(p.name for p in DEMO.iterdir() if p.name != "README.md")
    assert all(d.layers for d in docs)
    traf = list(newstrace.read(ROOT / "tests" / "fixtures" / "readers" / "trafilatura.jsonl", nlp=False))
    assert [d.outlet for d in traf] == ["RT", "timesunion.com"]


def test_read_raises_or_skips_bad_inputs(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "seed.txt").write_bytes(SEED.read_bytes())
    with pytest.raises(newstrace.InputError, match="empty.txt: empty input"):
        list(newstrace.read(tmp_path, nlp=False))
    got = list(newstrace.read([tmp_path / "empty.txt", tmp_path / "seed.txt"], nlp=False, errors="skip"))
    assert [d.id for d in got] == ["seed.txt"]
    assert any("empty.txt: empty input" in r.getMessage() for r in caplog.records)


def test_document_json_round_trip(seed_doc: newstrace.Document) -> None:
    data = seed_doc.to_json()
    assert data["schema"] == "newstrace.document/1"
    back = newstrace.Document.from_json(json.loads(json.dumps(data)))
    assert back.to_json() == data
    assert back.article_text() == seed_doc.article_text()
    assert "".join(seed_doc.json_chunks()) == json.dumps(data, ensure_ascii=False)


# ------------------------------------------------------------------------------------------------ store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, backend: str) -> newstrace.Store:
    """The seed page, the two wire stories it republished and the demo's HTML pages, ingested through
    the API (the language-model stages skipped: copies, search and stories need none)."""
    folder = tmp_path_factory.mktemp("api")
    records = folder / "wire.jsonl"
    records.write_text("".join(json.dumps(r) + "\n" for r in seed_wire_records()), encoding="utf-8")
    st = newstrace.open_store(test_db_url(folder, "api", backend))
    report = st.ingest([records, *sorted(DEMO.glob("*.html.gz"))], nlp=False, workers=1)
    assert (report.added, report.failed) == (8, 0)
    assert st.ingest([records], nlp=False, workers=1).unchanged == 3  # idempotent
    return st


def test_store_search(store: newstrace.Store) -> None:
    hits = store.search("withdrawal Syria")
    assert {"rt-original", "tass-original", "seed"} <= {h.doc_id for h in hits}
    assert all(h.to_json()["doc_id"] == h.doc_id for h in hits)
    later = store.search("withdrawal Syria", since="2016-03-15")
    assert {h.doc_id for h in later} == {"seed"}
    assert {h.doc_id for h in store.search("withdrawal Syria", since=date(2016, 3, 15))} == {"seed"}
    with pytest.raises(ValueError, match="not a date"):
        store.search("withdrawal", since="15/03/2016")


def test_store_document(store: newstrace.Store) -> None:
    doc = store.document("seed")
    assert doc.published == "2016-03-15"
    assert {x.outlet for x in doc.layers if x.kind == "body"} >= {"RT", "TASS"}
    with pytest.raises(KeyError):
        store.document("no-such-page")


def test_store_provenance(store: newstrace.Store) -> None:
    prov = store.provenance("seed")
    assert {p.origin_id for p in prov.copied} == {"rt-original", "tass-original"}
    seed = store.document("seed")
    rt = store.document("rt-original")
    p = next(p for p in prov.copied if p.origin_id == "rt-original")
    assert seed.text[p.start : p.start + 40] == rt.text[p.origin_start : p.origin_start + 40]
    assert {c.doc_id for c in store.provenance("rt-original").copies} == {"seed"}
    with pytest.raises(KeyError):
        store.provenance("no-such-page")


def test_store_stories(store: newstrace.Store) -> None:
    stories = store.stories()
    assert stories
    [syria] = [s for s in stories if "seed" in s.documents]
    assert {"rt-original", "tass-original"} <= set(syria.documents)
    assert len(store.stories(limit=1)) == 1
    store.close()
    assert store.stories()  # reopens on the next read


def test_missing_store_is_a_store_error(tmp_path: Path) -> None:
    with newstrace.open_store(tmp_path / "none.db") as st, pytest.raises(StoreMissing, match="no such store"):
        st.search("anything")
    assert not (tmp_path / "none.db").exists()
