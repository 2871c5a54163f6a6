"""PostgreSQL's BM25 (``postgres_bm25``) against FTS5's on the same pages: the term counts it reads
from ``ts_rank`` are the ``tsvector``'s own, its scores are FTS5's within tokenising differences (a
phrase one term, a word asked twice two, as FTS5 counts them), pages of results are slices of one
ranking, and a page added later changes the statistics it uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from newstrace.corpus.ingest import ingest
from newstrace.store import open_store
from newstrace.store.postgres_bm25 import UNIT, ZETA2

from ..conftest import test_db_url
from .test_backends import _corpus

WORDS = ("Putin", "withdrawal Syria", "campaign drugs", "Shoigu airbase", "South Dakota", "meth",
         "president", "Russia troops", '"military group"', '"South Dakota" meth', "campaign campaign")


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, list[str]]:
    """The seed's wire corpus and the demo pages but the last ingested into SQLite and PostgreSQL;
    the last page is returned for a test to add."""
    root = tmp_path_factory.mktemp("pgsearch")
    paths = _corpus(root)
    stores = (test_db_url(root, "s", "sqlite"), test_db_url(root, "s", "postgresql"))
    for db in stores:
        report = ingest(paths[:-1], db, workers=1, progress=False)
        assert report.failed == 0
    return stores[0], stores[1], paths[-1:]


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 0.05 * max(abs(a), abs(b)) + 0.01


def test_term_counts_read_from_ts_rank_are_the_tsvectors(both: tuple[str, str, list[str]]) -> None:
    _, pg, _ = both
    with open_store(pg, readonly=True) as b:
        rows = b.con.execute(
            f"SELECT cardinality(u.positions), ts_rank({UNIT}, f.tsv, q.q, 0) "
            "FROM body_fts f, unnest(f.tsv) u, "
            "LATERAL (SELECT array_to_tsvector(ARRAY[u.lexeme])::text::tsquery AS q) q"
        ).fetchall()
    assert len(rows) > 1000 and max(r[0] for r in rows) > 10
    for tf, r0 in rows:
        assert round(1 / (ZETA2 * (1 - r0)) - 0.5) == tf


def test_scores_are_fts5s_bm25(both: tuple[str, str, list[str]]) -> None:
    lite, pg, _ = both
    with open_store(lite, readonly=True) as a, open_store(pg, readonly=True) as b:
        for query in WORDS:
            score_a = {(h.kind, h.doc_id, h.snippet if h.kind == "quote" else ""): h.score
                       for h in a.search(query, limit=200)}
            score_b = {(h.kind, h.doc_id, h.snippet if h.kind == "quote" else ""): h.score
                       for h in b.search(query, limit=200)}
            assert score_a and score_a.keys() == score_b.keys(), query
            for key, score in score_a.items():
                if key[0] == "body":
                    assert _close(score, score_b[key]), (query, key, score, score_b[key])
            # quotes are short: a token counted differently (``I’m``: two to FTS5) moves a score more
            assert sum(_close(s, score_b[k]) for k, s in score_a.items()) >= 0.5 * len(score_a), query


def test_pages_of_results_are_slices_of_one_ranking(both: tuple[str, str, list[str]]) -> None:
    _, pg, _ = both
    with open_store(pg, readonly=True) as b:
        for query in ("Syria", "Putin", "said"):
            every = [(h.kind, h.doc_id, h.snippet) for h in b.search(query, limit=200)]
            assert len(every) > 6, query
            pages = [(h.kind, h.doc_id, h.snippet) for k in range(0, len(every), 3)
                     for h in b.search(query, limit=3, offset=k)]
            assert pages == every, query


def test_a_page_added_later_changes_the_statistics(both: tuple[str, str, list[str]], tmp_path: Path) -> None:
    lite, pg, rest = both
    query = "withdrawal Syria"
    with open_store(pg, readonly=True) as b:
        before = {h.doc_id: h.score for h in b.search(query, limit=200) if h.kind == "body"}
    for db in (lite, pg):
        assert ingest(rest, db, workers=1, progress=False).added == 1
    with open_store(lite, readonly=True) as a, open_store(pg, readonly=True) as b:
        after_a = {h.doc_id: h.score for h in a.search(query, limit=200) if h.kind == "body"}
        after_b = {h.doc_id: h.score for h in b.search(query, limit=200) if h.kind == "body"}
    assert after_a.keys() == after_b.keys() and before.keys() <= after_b.keys()
    assert all(_close(after_a[d], after_b[d]) for d in after_a)
    assert any(not _close(before[d], after_b[d]) for d in before)  # idf moved with N
