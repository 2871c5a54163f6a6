"""The web app's reader on PostgreSQL: a pool of read-only connections, a request's budget enforced by the
server (``statement_timeout``), and connections given back after every request."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from starlette.testclient import TestClient

from newstrace.store import (
    DATABASE_ERRORS,
    begin_request,
    describe_error,
    end_request,
    error_kind,
    open_reader,
)
from newstrace.store.base import QueryInterrupted
from newstrace.web import create_app

from .conftest import Corpus


@pytest.fixture(scope="session", params=["postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_a_read_over_its_budget_is_interrupted_and_the_next_request_starts_afresh(corpus: Corpus) -> None:
    reader = open_reader(corpus.db, budget=0.2)
    try:
        begin_request(reader)
        with pytest.raises(DATABASE_ERRORS) as caught:
            reader.con.execute("SELECT pg_sleep(3)").fetchone()  # type: ignore[attr-defined]
        assert error_kind(caught.value) == "interrupted"
        described = describe_error(corpus.db, caught.value)
        assert isinstance(described, QueryInterrupted) and "interrupted" in str(described)
        end_request(reader)
        begin_request(reader)
        assert reader.count() == 5 and reader.search("Syria")
        end_request(reader)
    finally:
        reader.close()


def test_many_threads_share_a_few_connections(corpus: Corpus) -> None:
    reader = open_reader(corpus.db)

    def one(k: int) -> int:
        begin_request(reader)
        try:
            return len(reader.search("Syria" if k % 2 else "Putin")) + reader.count()
        finally:
            end_request(reader)

    try:
        with ThreadPoolExecutor(24) as pool:
            results = list(pool.map(one, range(200)))
        assert all(r > 5 for r in results)
        stats = reader.pool.get_stats()  # type: ignore[attr-defined]
        assert stats["pool_max"] <= 8 and stats["requests_num"] >= 200
    finally:
        reader.close()


def test_the_app_answers_503_when_the_server_stops_a_slow_request(corpus: Corpus) -> None:
    app = create_app(corpus.db, query_budget=0.0001)  # 1 ms: the search's ranking and snippets take longer
    c = TestClient(app)
    codes = {c.get("/api/search", params={"q": "Syria Putin withdrawal"}).status_code for _ in range(5)}
    assert codes <= {200, 503} and 503 in codes
    ok = TestClient(create_app(corpus.db))
    assert ok.get("/api/search", params={"q": "Syria"}).status_code == 200
