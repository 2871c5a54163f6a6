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


def test_comment_date_round_trips_through_the_stored_json() -> None:
    """A comment's day is written by ``Document.to_json`` and read back by ``Document.from_json``."""
    from newstrace.model import Comment, Layer

    text = "Storm hits.\n\nAnna says: no power.\n\nBen says: back at six."
    comments = (
        Comment(1, None, None, "Anna", 13, 33, "2019-08-05"),
        Comment(2, 1, "2", "Ben", 35, 57, None),
    )
    layers = (Layer("body", 0, 11), Layer("comment", 13, 33, comment=1), Layer("comment", 35, 57, comment=2))
    doc = Document(id="c", text=text, layers=layers, comments=comments)
    stored = json.loads("".join(doc.json_chunks()))
    assert stored["comments"][0] == {
        "id": 1, "parent": None, "number": None, "author": "Anna",
        "start": 13, "end": 33, "date": "2019-08-05",
    }
    assert stored["comments"][1]["date"] is None
    back = Document.from_json(stored)
    assert back.comments == comments
    assert back.layers == layers
    # JSON written before comments had a day reads back with none
    del stored["comments"][0]["date"]
    assert Document.from_json(stored).comments[0].date is None


def test_from_json_is_the_way_back_from_storage(seed_doc: Document) -> None:
    """Every annotation the JSON carries comes back as it was analysed; reading back runs no analysis."""
    from dataclasses import replace

    stored = json.loads("".join(seed_doc.json_chunks()))
    back = Document.from_json(stored)
    assert back.to_json() == stored
    assert back.events and back.quotes and back.entities and back.credits
    assert back == replace(seed_doc, source=None, format=None, offsets=back.offsets, blocks=(),
                           annotated=back.annotated)
    assert "events" in back.annotated and back.parse is None
    # JSON stored before events were analysed reads back without them, and says so
    del stored["events"]
    assert "events" not in Document.from_json(stored).annotated
