"""The document model's JSON: written in pieces, the same bytes as written whole."""

from __future__ import annotations

import json

from newstrace.model import Document


def test_json_chunks_are_the_json_of_the_document(seed_doc: Document) -> None:
    whole = json.dumps(seed_doc.to_json(), ensure_ascii=False)
    assert "".join(seed_doc.json_chunks()) == whole
    assert json.loads(whole)["quotes"] and json.loads(whole)["entities"]


def test_json_chunks_of_an_empty_document() -> None:
    doc = Document(id="e", text="")
    assert "".join(doc.json_chunks()) == json.dumps(doc.to_json(), ensure_ascii=False)


def test_article_text_is_body_and_section_headings_in_order() -> None:
    """What a reader reads as the article: no headline, caption or comment, headings kept in place."""
    from newstrace.model import Layer

    text = "Headline\n\nFirst para.\n\nA heading\n\nSecond para.\n\nNice post!"
    kinds = [("headline", "Headline"), ("body", "First para."), ("section_heading", "A heading"),
             ("body", "Second para."), ("comment", "Nice post!")]
    layers = tuple(Layer(k, text.index(t), text.index(t) + len(t)) for k, t in kinds)
    doc = Document(id="d", text=text, layers=layers)
    assert doc.article_text() == "First para.\n\nA heading\n\nSecond para."
