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
