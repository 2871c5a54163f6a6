"""Comment sections of pages saved as plain text, found by their heads (labelled real pages, inscriptis)."""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

import inscriptis

from newstrace.analyze import anatomy_pipeline
from newstrace.ingest.html import decode_html
from newstrace.ingest.text import read_text
from newstrace.model import Document

from .test_layers import layer_texts
from .test_text_captions import _labels, analysed


def test_name_and_date_heads_far_down_a_long_page_thread_as_labelled() -> None:
    # A long article whose 40 comments ("1. name 11. Dezember 2012 um 11:07", "Antwort ↓") outweigh it:
    # the heads show the section even where the weight of prose does not.
    host = "gormulus.wordpress.com"
    doc = analysed(host)
    gold = _labels()[host]["comments"]
    index = {c.id: i for i, c in enumerate(doc.comments)}
    parents = [index.get(c.parent) if c.parent is not None else None for c in doc.comments]
    assert parents == [c["parent"] for c in gold]
    assert [c.author for c in doc.comments[:2]] == ["photobix", "jeuys"]
    assert not any("richtig gormulus" in t for t in layer_texts(doc, "body"))
    assert any("Dieser Artikel folgt auf einen betont sachlich" in t for t in layer_texts(doc, "body"))


@cache
def _trafilatura_eval_page(name: str) -> Document:
    path = Path(__file__).resolve().parents[1] / "fixtures" / "corpora" / "trafilatura-eval" / "html"
    path = path / f"{name}.gz"
    text = inscriptis.get_text(decode_html(gzip.decompress(path.read_bytes()), name))
    return anatomy_pipeline()(read_text(text, doc_id=name, source=name))


def test_numbered_comments_signed_under_their_text() -> None:
    # "1. <text>" … "Comment by Name — 17.07, 2011 @ 13:04": signatures show the numbered list is comments.
    doc = _trafilatura_eval_page("internet-law.de.pseudonymen.html")
    assert len(doc.comments) >= 30
    first = doc.text[doc.comments[0].start : doc.comments[0].end]
    assert first.startswith("1. Also im Klartext") and "Comment by Mirko Lange" in first
    assert not any("Also im Klartext" in t for t in layer_texts(doc, "body"))


def test_comment_text_set_a_little_left_of_its_head() -> None:
    # heads ("geschrieben von X am 21. Jan. 2015, 19:04 [ antworten ]") two columns right of the text
    doc = _trafilatura_eval_page("oekonomenstimme.org.keynes.html")
    assert [c.author for c in doc.comments[:3]] == ["berg2012", "wScherf", "GeorgQuaas"]
    first = doc.text[doc.comments[0].start : doc.comments[0].end]
    assert "Ich hätte eine andere Erklärung" in first
