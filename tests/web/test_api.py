"""Every endpoint through Starlette's TestClient: pages, JSON API, bad parameters, the ingest token."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.routing import Route
from starlette.testclient import TestClient

from newstrace.corpus.ingest import ingest, provenance
from newstrace.store import DATABASE_ERRORS, Store, StorySummary, StoryView, end_request
from newstrace.stories.update import update_stories
from newstrace.web import create_app
from newstrace.web.safety import CSP

from ..conftest import open_test_store, test_db_url
from .conftest import Corpus, Stories

TOKEN = "test-token-0123456789abcdef"
PAGES = [
    "/",
    "/stories/{withdrawal}",
    "/stories/{campaign}",
    "/documents/seed",
    "/documents/rt-original",
    "/search",
    "/search?q=Syria",
    "/search?speaker=Vladimir+Putin",
    "/entities/vladimir-putin",
    "/errors",
]
API = [
    "/api/stories",
    "/api/stories/{withdrawal}",
    "/api/documents/seed",
    "/api/documents/seed/provenance",
    "/api/search?q=Syria",
    "/api/entities/vladimir-putin",
    "/api/errors",
    "/api/openapi.json",
]


@pytest.fixture(scope="module")
def client(corpus: Corpus) -> TestClient:
    return TestClient(create_app(corpus.db))


def _security_headers_ok(r: Any) -> None:
    assert r.headers["content-security-policy"] == CSP
    for part in (
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert part in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize("url", PAGES)
def test_pages_render_with_security_headers(client: TestClient, stories: Stories, url: str) -> None:
    r = client.get(url.format(**stories.__dict__))
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"].startswith("text/html")
    _security_headers_ok(r)
    assert "<script" not in r.text.lower()  # no script at all, inline or not
    assert ' style="' not in r.text  # the CSP allows no inline styles either


@pytest.mark.parametrize("url", API)
def test_api_answers_json(client: TestClient, stories: Stories, url: str) -> None:
    r = client.get(url.format(**stories.__dict__))
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"].startswith("application/json")
    _security_headers_ok(r)
    assert isinstance(r.json(), dict)


def test_static_and_error_responses_carry_the_headers(client: TestClient) -> None:
    for url, status in (
        ("/static/style.css", 200),
        ("/nope", 404),
        ("/api/nope", 404),
        ("/search?limit=0", 400),
        ("/api/search?limit=0&q=x", 400),
    ):
        r = client.get(url)
        assert r.status_code == status
        _security_headers_ok(r)


def test_document_json_is_the_stored_document(client: TestClient, corpus: Corpus) -> None:
    with open_test_store(corpus.db, readonly=True) as s:
        for doc_id in ("seed", corpus.hill):
            assert client.get(f"/api/documents/{doc_id}").json() == s.get(doc_id)


@pytest.mark.parametrize("doc_id", ["seed", "rt-original", "tass-original"])
def test_provenance_matches_the_cli(client: TestClient, corpus: Corpus, doc_id: str) -> None:
    got = client.get(f"/api/documents/{doc_id}/provenance").json()
    assert got == provenance(corpus.db, doc_id).to_json()
    if doc_id == "seed":
        assert {p["origin_id"] for p in got["copied"]} == {"rt-original", "tass-original"}
    else:
        assert [c["doc_id"] for c in got["copies"]] == ["seed"]


def test_search_api_with_filters(client: TestClient) -> None:
    hits = client.get("/api/search", params={"q": "Syria withdrawal"}).json()["hits"]
    assert {"seed", "rt-original"} <= {h["doc_id"] for h in hits}
    by_speaker = client.get("/api/search", params={"speaker": "Vladimir Putin", "limit": 100}).json()["hits"]
    assert by_speaker and all(h["kind"] == "quote" and h["speaker"] == "Vladimir Putin" for h in by_speaker)
    tass = client.get("/api/search", params={"q": "Syria", "outlet": "TASS"}).json()["hits"]
    assert tass and {h["doc_id"] for h in tass} <= {"tass-original", "seed"}  # seed carries a TASS section
    later = client.get("/api/search", params={"q": "Syria", "since": "2016-03-15"}).json()["hits"]
    assert later and {h["doc_id"] for h in later} == {"seed"}
    page1 = client.get("/api/search", params={"q": "Syria", "limit": 2}).json()["hits"]
    page2 = client.get("/api/search", params={"q": "Syria", "limit": 2, "offset": 2}).json()["hits"]
    assert len(page1) == 2 and page1 != page2


def test_entity_api_gathers_quotes_across_outlets(client: TestClient) -> None:
    data = client.get("/api/entities/vladimir-putin").json()
    assert "Vladimir Putin" in data["names"]
    assert data["quote_count"] >= 5 and len({q["doc_id"] for q in data["quotes"]}) >= 2
    # Quotes on the republishing page are credited to the outlet whose section holds them.
    assert {"RT", "TASS"} <= {q["credited"] for q in data["quotes"]}
    assert data["mentioned_in"] >= 3


def test_stories_api(client: TestClient, stories: Stories, corpus: Corpus) -> None:
    listed = client.get("/api/stories").json()
    assert {s["id"] for s in listed["stories"]} == {stories.withdrawal, stories.campaign}
    assert listed["available"]
    with open_test_store(corpus.db, readonly=True) as s:
        assert [x["id"] for x in listed["stories"]] == [x.id for x in s.stories(20)]
        story = client.get(f"/api/stories/{stories.withdrawal}").json()
        stored = s.story(stories.withdrawal)
        assert stored is not None and story == stored.to_json()  # as `newstrace stories --json` prints it
    assert set(story["documents"]) == {"seed", "rt-original", "tass-original"}
    assert {"RT", "TASS"} <= set(story["outlets"])
    assert {"doc_id": "seed", "origin_id": "rt-original"} in story["comparison"]["copies"]
    assert any(e["action"].startswith("order") for e in story["events"])
    putin = [st for st in story["statements"] if st["speaker"] == "Vladimir Putin"]
    assert any(len({q["doc_id"] for q in st["quotes"]}) >= 2 for st in putin)
    second = client.get("/api/stories?limit=1&offset=1").json()["stories"][0]["id"]
    assert second == listed["stories"][1]["id"]


def test_a_store_without_stories_lists_none_with_a_note(
    corpus: Corpus, tmp_path: Path, backend: str
) -> None:
    db = test_db_url(tmp_path, "nostories", backend)
    src = tmp_path / "one.jsonl"
    src.write_text(json.dumps({"id": "one", "text": "A short page about a council vote."}) + "\n", "utf-8")
    ingest([str(src)], db, workers=1, progress=False, nlp=False)  # ingest() alone computes no stories
    c = TestClient(create_app(db))
    listed = c.get("/api/stories").json()
    assert listed["stories"] == [] and listed["available"] is False and listed["unassigned"] is None
    r = c.get("/")
    assert r.status_code == 200 and "Recent documents" in r.text
    assert "stories have not been computed for this store" in r.text
    assert c.get("/documents/one").status_code == 200
    # computed, then one more page arrives without them: the list says how many wait
    with open_test_store(db) as s:
        update_stories(s)
    src.write_text(json.dumps({"id": "two", "text": "Another page, on a harbour."}) + "\n", "utf-8")
    ingest([str(src)], db, workers=1, progress=False, nlp=False)
    listed = c.get("/api/stories").json()
    assert listed["available"] is True and listed["unassigned"] == 1 and len(listed["stories"]) == 1
    assert "1 pages are not in a story yet" in c.get("/").text


BAD = [
    ("/search?limit=0", 400),
    ("/search?limit=101", 400),
    ("/search?limit=abc", 400),
    ("/search?limit=1e3", 400),
    ("/search?offset=-1", 400),
    ("/search?offset=99999999", 400),
    ("/search?page=0", 400),
    ("/search?q=x&since=2016-02-30", 400),
    ("/search?q=x&since=yesterday", 400),
    ("/search?q=" + "a" * 301, 400),
    ("/search?q=a%00b", 400),
    ("/search?speaker=" + "s" * 201, 400),
    ("/api/search", 400),
    ("/api/search?q=x&limit=-5", 400),
    ("/api/search?q=x&offset=abc", 400),
    ("/api/search?q=x&since=2016-13", 400),
    ("/api/stories?limit=1000", 400),
    ("/api/errors?offset=-1", 400),
    ("/api/documents/nope", 404),
    ("/api/documents/" + "x" * 2000, 404),
    ("/api/documents/nope/provenance", 404),
    ("/documents/nope", 404),
    ("/documents/" + "%2F" * 50, 404),
    ("/stories/nope", 404),
    ("/api/stories/nope", 404),
    ("/api/entities/nobody-at-all", 404),
    ("/entities/nobody-at-all", 404),
    ("/api/entities/%00", 400),
    ("/entities/%21%21%21", 400),
    ("/api/entities/" + "a" * 300, 400),
    ("/entities/?limit=5", 400),
    ("/api/entities/vladimir-putin?limit=0", 400),
    ("/nowhere", 404),
]


@pytest.mark.parametrize(("url", "status"), BAD)
def test_bad_parameters_are_clear_client_errors(client: TestClient, url: str, status: int) -> None:
    r = client.get(url, follow_redirects=False)
    assert r.status_code == status, r.text[:300]
    if url.startswith("/api/"):
        assert r.json()["error"]
    else:
        assert r.headers["content-type"].startswith("text/html")


def test_odd_but_valid_queries_are_answered(client: TestClient) -> None:
    for q in ['"', "AND OR NOT (", "NEAR(a b)", "*", "a:b", "\u202eSyria", "Syria' OR 1=1 --", "日本"]:
        assert client.get("/api/search", params={"q": q}).status_code == 200
        assert client.get("/search", params={"q": q}).status_code == 200


def test_names_redirect_to_their_entity_key(client: TestClient) -> None:
    r = client.get("/entities/Vladimir%20Putin", follow_redirects=False)
    assert r.status_code == 308 and r.headers["location"] == "/entities/vladimir-putin"
    r = client.get("/api/entities/Vladimir Putin", follow_redirects=False)
    assert r.status_code == 308 and r.headers["location"] == "/api/entities/vladimir-putin"


def test_wrong_methods_are_refused(client: TestClient) -> None:
    assert client.post("/api/search?q=x").status_code == 405
    assert client.delete("/api/documents/seed").status_code == 405
    assert client.put("/documents/seed").status_code == 405


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(q=st.text(max_size=40), limit=st.text(max_size=6), since=st.text(max_size=12))
def test_arbitrary_parameters_never_crash(client: TestClient, q: str, limit: str, since: str) -> None:
    for path in ("/api/search", "/search"):
        r = client.get(path, params={"q": q, "limit": limit, "since": since})
        assert r.status_code in (200, 400), r.text[:300]


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(doc_id=st.text(min_size=1, max_size=30))
def test_arbitrary_ids_never_crash(client: TestClient, doc_id: str) -> None:
    from urllib.parse import quote

    for prefix in ("/documents/", "/api/documents/", "/api/entities/", "/stories/"):
        r = client.get(prefix + quote(doc_id, safe=""), follow_redirects=False)
        assert r.status_code in (200, 308, 400, 404), (prefix, doc_id, r.status_code)


def test_openapi_describes_exactly_the_api_routes(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    app = client.app.app  # type: ignore[attr-defined]
    served = {
        re.sub(r"\{(\w+):\w+\}", r"{\1}", r.path)
        for r in app.routes
        if isinstance(r, Route) and r.path.startswith("/api/")
    }
    assert served == set(spec["paths"])


def test_the_store_is_opened_read_only(corpus: Corpus) -> None:
    """Tries to write through the reader's own connection (the driver refuses, on either backend)."""
    app = create_app(corpus.db)
    store = app.web.reader
    assert store.readonly
    with pytest.raises(DATABASE_ERRORS, match="readonly|read-only"):
        store.con.execute("CREATE TABLE intruder(x INTEGER)")  # type: ignore[attr-defined]
    end_request(store)
    with pytest.raises(DATABASE_ERRORS, match="readonly|read-only"):
        store.record_error("intruder", "a reader must not write")
    app.web.reader.close()


def test_a_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such store"):
        create_app(str(tmp_path / "missing.db"))


def test_host_header_is_checked_when_hosts_are_given(corpus: Corpus) -> None:
    app = create_app(corpus.db, allowed_hosts=["127.0.0.1", "localhost"])
    assert TestClient(app, base_url="http://127.0.0.1:8000").get("/").status_code == 200
    r = TestClient(app, base_url="http://rebound.example").get("/api/documents/seed")
    assert r.status_code == 400
    _security_headers_ok(r)


def test_crashes_are_500_without_details(corpus: Corpus) -> None:
    class Broken:
        def story(self, store: Store, story_id: str) -> StoryView | None:
            return None

        def story_of(self, store: Store, doc_id: str) -> str | None:
            return None

        def unassigned(self, store: Store) -> int | None:
            return 0

        def stories(self, store: Store, limit: int = 100, offset: int = 0) -> list[StoryView]:
            raise RuntimeError("secret internals")

        def story_summaries(self, store: Store, limit: int = 100, offset: int = 0) -> list[StorySummary]:
            raise RuntimeError("secret internals")

    c = TestClient(create_app(corpus.db, stories=Broken()), raise_server_exceptions=False)
    for url in ("/", "/api/stories"):
        r = c.get(url)
        assert r.status_code == 500 and "secret internals" not in r.text
        _security_headers_ok(r)


# ------------------------------------------------------------------------------------------- ingest


def _records(*records: dict[str, Any]) -> bytes:
    return ("\n".join(json.dumps(r) for r in records) + "\n").encode()


def test_ingest_is_off_without_a_token(client: TestClient) -> None:
    r = client.post(
        "/api/ingest",
        content=_records({"id": "x", "text": "Hello world."}),
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert r.status_code == 404 and "not enabled" in r.json()["error"]


def test_ingest_needs_the_token(writable_copy: str) -> None:
    c = TestClient(create_app(writable_copy, TOKEN))
    body = _records({"id": "x", "text": "Hello world."})
    for headers in (
        {},
        {"Authorization": "Bearer wrong-token-0123456789"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": TOKEN},
        {"Authorization": f"Bearer {TOKEN}x"},
    ):
        r = c.post("/api/ingest", content=body, headers=headers)
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    with open_test_store(writable_copy, readonly=True) as s:
        assert s.info("x") is None


def test_ingest_checks_the_body(writable_copy: str) -> None:
    c = TestClient(create_app(writable_copy, TOKEN, max_ingest_bytes=2000))
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert c.post("/api/ingest", content=b"", headers=auth).status_code == 400
    assert c.post("/api/ingest", content=b"\xff\xfe\x00", headers=auth).status_code == 400
    assert c.post("/api/ingest", content=b"not json\n", headers=auth).status_code == 400
    assert c.post("/api/ingest", content=b'["a list"]\n', headers=auth).status_code == 400
    assert c.post("/api/ingest", content=b'{"text": "no id"}\n', headers=auth).status_code == 400
    big = _records({"id": "big", "text": "word " * 1000})
    r = c.post("/api/ingest", content=big, headers=auth)
    assert r.status_code == 413

    def chunks() -> Any:  # no Content-Length: the cap applies while reading
        for _ in range(10):
            yield b" " * 500

    assert c.post("/api/ingest", content=chunks(), headers=auth).status_code == 413


def test_ingest_with_the_token_stores_and_serves(writable_copy: str) -> None:
    c = TestClient(create_app(writable_copy, TOKEN))
    auth = {"Authorization": f"Bearer {TOKEN}"}
    body = _records(
        {
            "id": "api-1",
            "outlet": "AP",
            "published": "2020-01-02",
            "text": "Council approves budget\n\nThe city council approved the budget on Monday, "
            'the mayor said. "We are done," she said.',
        },
        {"id": "api-2", "text": 5},
    )
    assert c.get("/api/documents/api-1").status_code == 404
    r = c.post("/api/ingest", content=body, headers=auth)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["added"] == 1 and report["failed"] == 1 and report["errors"]
    assert c.get("/api/documents/api-1").json()["outlet"] == "AP"
    assert c.get("/documents/api-1").status_code == 200
    assert c.post("/api/ingest", content=body, headers=auth).json()["unchanged"] == 1


def test_a_short_token_is_refused(corpus: Corpus) -> None:
    with pytest.raises(ValueError, match="at least 16"):
        create_app(corpus.db, "short")


