"""Same statement, different words: the seed's RT and TASS renderings of one utterance are linked."""

from __future__ import annotations

from newstrace.model import Document
from newstrace.stories.statements import QuoteRef, link_quotes


def _refs(doc: Document) -> list[QuoteRef]:
    comments = [(x.start, x.end) for x in doc.layers if x.kind == "comment"]
    return [
        QuoteRef(doc.id, q.start, q.end, q.text, q.speaker)
        for q in doc.quotes
        if not any(s <= q.start < e for s, e in comments)
    ]


def test_seed_translations_are_one_statement(seed_doc: Document) -> None:
    statements = link_quotes(_refs(seed_doc))
    rt = next(s for s in statements if any(q.text.startswith("I consider the objectives") for q in s.quotes))
    texts = [q.text for q in rt.quotes]
    assert rt.speaker == "Vladimir Putin"
    assert any(t.startswith("I think that the tasks") and "generally fulfilled" in t for t in texts)
    assert any("generally accomplished" in t for t in texts)
    # the editor's excerpt of the same words joins them; other things Putin said do not
    assert "main part of our military group" in texts
    assert not any(t.startswith(("Besides, our military", "I hope today")) for t in texts)
    for q in rt.quotes:
        assert seed_doc.text[q.start : q.end] == q.text


def test_different_speakers_never_share_a_statement() -> None:
    a = QuoteRef("a", 0, 30, "We will plant 20,000 trees in the city", "Martine Delorme")
    b = QuoteRef("b", 0, 30, "We will plant 20,000 trees in the city", "Pierre Gaultier")
    c = QuoteRef("c", 0, 30, "We will plant 20,000 trees in the city", "Martine Delorme")
    d = QuoteRef("d", 0, 9, "the city", None)
    st = link_quotes([a, b, c, d])
    assert {frozenset(q.doc_id for q in s.quotes) for s in st} == {frozenset("ac"), frozenset("b")}
