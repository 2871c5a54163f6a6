"""Every page of the two bundled public corpora goes through the anatomy without an error and keeps a body.

Pages: the 181 of the article-extraction benchmark and the 990 of trafilatura's evaluation set
(``tests/fixtures/corpora``). Every page is read as HTML; as plain text (rendered by inscriptis, the way a
page arrives when someone saved its text) every fifth page, so the whole module stays near a minute of CPU
on a 2-core machine. A page "truly without text" is one whose rendering has fewer than 200 characters.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import pytest

from newstrace.analyze import anatomy_pipeline
from newstrace.ingest.html import decode_html, read_html
from newstrace.ingest.text import read_text
from newstrace.model import Document

CORPORA = Path(__file__).resolve().parents[1] / "fixtures" / "corpora"
AEB = CORPORA / "article-extraction-benchmark"
TEV = CORPORA / "trafilatura-eval"
TEXT_SAMPLE = 5  # every n-th page (in corpus order) is also read as rendered text
MIN_TEXT = 200  # a rendering shorter than this is a page with no article text to find

# Pages allowed to have no body layer, each with the reason (checked by reading the page).
NO_BODY: dict[str, str] = {
    "mitundvoneinander.com-Frühling.html": "the post is a link to a PDF ('PDF: ratschlage-geben') and nothing"
    " else; trafilatura's own gold for it is the one word 'PDF:'",
}


def _pages() -> Iterator[tuple[str, str, Path]]:
    """(corpus, page id, gzip path) for all 1,171 pages, in a fixed order."""
    gold = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))
    for page_id in sorted(gold):
        yield "aeb", page_id, AEB / "html" / f"{page_id}.html.gz"
    evaldata = json.loads((TEV / "evaldata.json").read_text(encoding="utf-8"))
    for url in evaldata:
        name = evaldata[url]["file"]
        yield "tev", name, TEV / "html" / f"{name}.gz"


@lru_cache(maxsize=1)
def pages() -> tuple[tuple[str, str, bytes], ...]:
    return tuple((corpus, page_id, gzip.decompress(path.read_bytes())) for corpus, page_id, path in _pages())


def has_body(doc: Document) -> bool:
    return any(layer.kind == "body" and layer.end > layer.start for layer in doc.layers)


def test_corpora_are_complete() -> None:
    counts = {"aeb": 0, "tev": 0}
    for corpus, _, _ in pages():
        counts[corpus] += 1
    assert counts == {"aeb": 181, "tev": 990}


def _run(how: str) -> tuple[list[str], list[str]]:
    """Read every page (or the text sample) one way; the pages that raised and those left without a body."""
    pipeline = anatomy_pipeline()
    errors: list[str] = []
    empty: list[str] = []
    for i, (corpus, page_id, raw) in enumerate(pages()):
        if how == "text" and i % TEXT_SAMPLE:
            continue
        try:
            if how == "html":
                doc = pipeline(read_html(raw, doc_id=page_id, source=page_id))
                text = doc.text
            else:
                import inscriptis  # type: ignore[import-untyped]

                text = inscriptis.get_text(decode_html(raw, page_id))
                doc = pipeline(read_text(text, doc_id=page_id, source=page_id))
        except Exception as exc:  # noqa: BLE001 - every failure is collected and reported at once
            errors.append(f"{corpus}/{page_id}: {type(exc).__name__}: {str(exc)[:120]}")
            continue
        if not has_body(doc) and len(text.strip()) >= MIN_TEXT and page_id not in NO_BODY:
            empty.append(f"{corpus}/{page_id} ({len(text)} chars)")
    return errors, empty


@lru_cache(maxsize=2)
def run(how: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    errors, empty = _run(how)
    return tuple(errors), tuple(empty)


@pytest.mark.parametrize("how", ["html", "text"])
def test_every_page_is_read_without_error(how: str) -> None:
    errors, _ = run(how)
    assert not errors, f"{len(errors)} pages raised:\n" + "\n".join(errors)


@pytest.mark.parametrize("how", ["html", "text"])
def test_every_page_with_text_has_a_body(how: str) -> None:
    _, empty = run(how)
    assert not empty, f"{len(empty)} pages with text but no body layer:\n" + "\n".join(empty)
