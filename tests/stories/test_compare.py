"""Comparison: outlets and ownership, copies, independent reports, what each telling leaves out."""

from __future__ import annotations

from newstrace.stories.compare import Copy, Page, compare
from newstrace.stories.statements import QuoteRef, Statement


def test_reports_owners_copies_and_omissions() -> None:
    pages = [
        # a site republishing an RT and a TASS report on one page
        Page(
            "p1",
            None,
            None,
            [(0, 100, "RT"), (100, 200, "TASS")],
            [("Vladimir Putin", "person", [5, 120]), ("Tartus", "place", [150])],
        ),
        Page("p2", "Reuters", None, [(0, 100, None)], [("Vladimir Putin", "person", [3])]),
        Page("p3", "Reuters", None, [(0, 100, None)], [("Vladimir Putin", "person", [3])]),
        Page("p4", "Sputnik", None, [(0, 100, None)], [("Vladimir Putin", "person", [3])]),
        Page("p5", None, "https://ria.ru/x", [(0, 100, None)], [("Vladimir Putin", "person", [3])]),
    ]
    statement = Statement(
        "q1",
        "Vladimir Putin",
        (
            QuoteRef("p1", 10, 40, "the bases will operate", "V"),
            QuoteRef("p2", 10, 40, "the bases will keep working", "V"),
        ),
    )
    out = compare(pages, [Copy("p3", "p2", 90)], [statement])
    outlets = {o["outlet"]: o for o in out["outlets"]}
    assert outlets["RT"]["state"] == "owned" and outlets["RT"]["documents"] == ["p1"]
    assert outlets["TASS"]["state"] == "owned" and outlets["Reuters"]["state"] is None
    assert outlets["RIA"]["documents"] == ["p5"]  # found from the page's address
    assert out["copies"] == [{"doc_id": "p3", "origin_id": "p2"}]
    # RT (TV-Novosti), TASS, Reuters (p2; p3 copies it), Sputnik + RIA (both Rossiya Segodnya): 4
    assert out["independent_reports"] == 4
    assert out["exclusive"]["p1"]["entities"] == ["Tartus"]
    assert out["omissions"]["p4"]["quotes"] == [
        {"statement": "q1", "speaker": "Vladimir Putin", "text": "the bases will operate"}
    ]
    rt, tass = (r for r in out["reports"] if r["doc_id"] == "p1")
    assert rt["outlet"] == "RT" and tass["outlet"] == "TASS"
    assert "Tartus" in tass["exclusive"]["entities"] and "Tartus" not in rt["exclusive"]["entities"]


def test_single_page_has_nothing_omitted() -> None:
    out = compare([Page("p", "AP", None, [(0, 10, None)], [("X", "person", [1])])], [], [])
    assert out["omissions"] == {"p": {"quotes": [], "entities": []}}
    assert out["independent_reports"] == 1
