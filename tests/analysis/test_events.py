"""Golden events of the seed page (generic grammar rules only; nothing in src names these people)."""

from __future__ import annotations

from typing import Any

from newstrace.analysis.events import extract_events
from newstrace.model import Document


def _find(events: list[dict[str, Any]], **want: str) -> list[dict[str, Any]]:
    out = []
    for e in events:
        if all(v.lower() in (e.get(k) or "").lower() for k, v in want.items()):
            out.append(e)
    return out


def test_seed_events(seed_doc: Document) -> None:
    events = [e.to_json() for e in seed_doc.events]  # the default analysis adds them
    assert events == [e.to_json() for e in extract_events(seed_doc)]
    text = seed_doc.text
    for e in events:
        assert 0 <= e["start"] < e["end"] <= len(text)

    # Putin orders the withdrawal of Russian forces from Syria: ordered 2016-03-14, starting 2016-03-15
    orders = _find(events, actor="Vladimir Putin", action="order", target="withdrawal")
    assert len(orders) >= 2  # once in the RT report, once in the TASS report
    for e in orders:
        assert e["place"] == "Syria" and e["date"] == "2016-03-14" and e["starting"] == "2016-03-15"
        assert "withdraw" in text[e["start"] : e["end"]]

    # the Putin-Assad phone call
    call = _find(events, action="phone")
    assert call and call[0]["actor"] == "Vladimir Putin" and call[0]["target"] == "Bashar Assad"
    assert call[0]["date"] == "2016-03-14"
    told = _find(events, actor="Bashar Assad", action="tell", target="Vladimir Putin")
    assert told

    # the bases at Tartus and Khmeimim stay in operation
    bases = _find(events, actor="bases", action="continue")
    assert bases and "Tartus" in bases[0]["place"] and "Khmeimim" in bases[0]["place"]

    # the intra-Syrian talks resumed in Geneva
    talks = _find(events, actor="intra-Syrian talks", action="resume")
    assert talks and talks[0]["place"] == "Geneva" and talks[0]["date"] == "2016-03-14"


def test_no_events_from_comments_or_quotes(seed_doc: Document) -> None:
    body = [(x.start, x.end) for x in seed_doc.layers if x.kind == "body"]
    quotes = [(q.start, q.end) for q in seed_doc.quotes]
    for e in seed_doc.events:
        assert any(s <= e.start < t for s, t in body)
        # the sentence may hold a quote, but the event is not read from inside it
        assert not any(s <= e.start and e.end <= t for s, t in quotes)


def _analysed(text: str) -> Document:
    from newstrace.analyze import analyze_document
    from newstrace.ingest.text import read_text

    return analyze_document(read_text(text, doc_id="test", source="test"))


def test_passive_conjunct_and_a_first_sentence_joined_to_the_headline() -> None:
    """The parser joins the headline to the first body sentence (no full stop between them): that
    sentence's event is still found; a passive conjunct's shared subject is its target."""
    doc = _analysed(
        "Council approves the budget\n\n"
        "The city council approved the budget for 2020 on Monday. The new budget has its basis in the "
        "tax law and has been adopted by the finance committee of the city."
    )
    approved = [e for e in doc.events if e.action == "approve"]
    assert approved and "council" in (approved[0].actor or ""), [e.to_json() for e in doc.events]
    adopted = [e for e in doc.events if e.action == "adopt"]
    assert adopted, [e.to_json() for e in doc.events]
    assert adopted[0].target is not None and "budget" in adopted[0].target
    assert adopted[0].actor is not None and "committee" in adopted[0].actor
