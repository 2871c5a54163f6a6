"""Comment sections of pages saved as plain text, found by their heads (labelled real pages, inscriptis)."""

from __future__ import annotations

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
