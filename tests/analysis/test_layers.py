"""Page anatomy: the seed page as a golden test, and other layouts built to exercise each layer kind."""

from __future__ import annotations

from collections import Counter

import pytest

from newstrace.analyze import analyze_document
from newstrace.ingest.text import read_text
from newstrace.model import Document


def analyze(text: str, **kw: str) -> Document:
    return analyze_document(read_text(text, doc_id="t", source="test", **kw))


def layer_texts(doc: Document, kind: str) -> list[str]:
    return [doc.text[x.start : x.end] for x in doc.layers if x.kind == kind]


def assert_tiles(doc: Document) -> None:
    owner = [0] * len(doc.text)
    prev_end = 0
    for layer in doc.layers:
        assert prev_end <= layer.start < layer.end <= len(doc.text), layer
        prev_end = layer.end
        for i in range(layer.start, layer.end):
            owner[i] += 1
    for i, ch in enumerate(doc.text):
        if not ch.isspace():
            assert owner[i] == 1, (i, doc.text[max(0, i - 20) : i + 20])


# ---------------------------------------------------------------------------------------------- seed


@pytest.fixture(scope="module")
def seed(seed_text: str) -> Document:
    return analyze_document(read_text(seed_text, doc_id="seed", source="seed"))


def test_seed_tiles(seed: Document) -> None:
    assert_tiles(seed)


def test_seed_header(seed: Document) -> None:
    assert layer_texts(seed, "headline") == [
        "Breaking: Putin begins withdrawal of Russian Forces from Syria – Update"
    ]
    captions = " / ".join(layer_texts(seed, "caption"))
    assert captions.count("Putin and") == 3 and "Defense Minister Sergey Shoigu" in captions
    assert layer_texts(seed, "subheadline")[0].startswith("Putin orders start of Russian military withdrawal")
    related = layer_texts(seed, "related")
    assert len(related) == 1 and related[0].count("What will Moscow leave behind") == 2
    assert any("March 14" in t for t in layer_texts(seed, "dateline"))


def test_seed_credits_and_sections(seed: Document) -> None:
    credit_layers = [x for x in seed.layers if x.kind == "credit"]
    assert [(x.outlet, seed.text[x.start : x.end]) for x in credit_layers] == [
        ("RT", "… from Russia Today, Moscow"),
        ("TASS", "MOSCOW, March 14. /TASS/."),
    ]
    body = [x for x in seed.layers if x.kind in ("body", "section_heading")]
    outlets = [x.outlet for x in body]
    assert set(outlets) == {"RT", "TASS"}
    # One RT section, then one TASS section.
    assert outlets == sorted(outlets, key=["RT", "TASS"].index)
    rt = " ".join(seed.text[x.start : x.end] for x in body if x.outlet == "RT")
    tass = " ".join(seed.text[x.start : x.end] for x in body if x.outlet == "TASS")
    assert rt.startswith("Russian President Vladimir Putin has ordered Defense Minister")
    assert rt.endswith("inflicted fundamental damage upon them.”")
    assert tass.startswith("Russian President Vladimir Putin has issued an order")
    assert tass.endswith("the Kremlin said.")
    assert layer_texts(seed, "section_heading") == ["Troops withdrawal to motivate negotiations in Syria"]


def test_seed_editor_note(seed: Document) -> None:
    notes = [x for x in seed.layers if x.kind == "editor_note"]
    assert len(notes) == 1
    assert notes[0].author == "Jim W. Dean"
    text = seed.text[notes[0].start : notes[0].end]
    assert text.startswith("[ Editor’s Note") and text.endswith("]")
    assert "main part of our military group" in text


def test_seed_boilerplate(seed: Document) -> None:
    boiler = " ".join(layer_texts(seed, "boilerplate"))
    assert "All content herein is owned by author exclusively" in boiler
    assert "All images within are full responsibility" in boiler
    assert "Comment Policy" in boiler


def test_seed_comments(seed: Document) -> None:
    comments = seed.comments
    assert len(comments) == 26
    top = [c for c in comments if c.parent is None]
    replies = [c for c in comments if c.parent is not None]
    assert [c.number for c in top] == [str(i) for i in range(1, 21)]
    assert len(replies) == 6
    by_id = {c.id: c for c in comments}
    parents = Counter(by_id[c.parent].number for c in replies if c.parent)
    assert parents == {"14": 2, "15": 1, "17": 2, "20": 1}
    # Continuation paragraphs stay with their comment; deeper continuations with the reply.
    c3 = next(c for c in comments if c.number == "3")
    assert "This move would definitely knock" in seed.text[c3.start : c3.end]
    reply15 = next(c for c in replies if by_id[c.parent].number == "15")  # type: ignore[index]
    assert seed.text[reply15.start : reply15.end].endswith("the whole point…?")
    # Each comment has exactly one layer pointing at it, covering it.
    for c in comments:
        layers = [x for x in seed.layers if x.comment == c.id]
        assert len(layers) == 1 and layers[0].kind == "comment"
        assert (layers[0].start, layers[0].end) == (c.start, c.end)
    assert layer_texts(seed, "comments_closed") == ["Comments are closed."]


def test_seed_no_comment_is_body(seed: Document) -> None:
    first_comment = min(c.start for c in seed.comments)
    assert all(x.start < first_comment for x in seed.layers if x.kind == "body")


# ------------------------------------------------------------------------------------ other layouts

WIRE_PAGE = """Senate passes spending bill after late-night vote

Measure now heads to the House, where its fate is uncertain

By Jane Doe, Associated Press

Published: Nov. 3, 2016 4:12 p.m. ET

WASHINGTON (AP) — The Senate passed a sweeping spending bill early Thursday after a marathon session \
that stretched past midnight, sending the measure to the House.

"This is a good day for the country," the majority leader told reporters after the vote, adding that \
he expected the House to act quickly.

What happens next

House leaders said they would take up the bill next week, though several members have already \
signalled that they will vote against it in its current form.

Read more: Five things to know about the spending bill

Copyright 2016 The Associated Press. All rights reserved. This material may not be published, \
broadcast, rewritten or redistributed.

Privacy Policy | Terms of Use | Contact Us | Advertise
"""


def test_wire_page_layout() -> None:
    doc = analyze(WIRE_PAGE)
    assert_tiles(doc)
    assert layer_texts(doc, "headline") == ["Senate passes spending bill after late-night vote"]
    assert layer_texts(doc, "subheadline") == ["Measure now heads to the House, where its fate is uncertain"]
    bylines = [x for x in doc.layers if x.kind == "byline"]
    assert len(bylines) == 1 and bylines[0].author and bylines[0].author.startswith("Jane Doe")
    assert any("Nov. 3, 2016" in t for t in layer_texts(doc, "dateline"))
    assert "WASHINGTON (AP) —" in " ".join(layer_texts(doc, "credit"))
    assert layer_texts(doc, "section_heading") == ["What happens next"]
    assert layer_texts(doc, "related") == ["Read more: Five things to know about the spending bill"]
    body = [x for x in doc.layers if x.kind == "body"]
    assert body and all(x.outlet == "AP" for x in body)
    boiler = " ".join(layer_texts(doc, "boilerplate"))
    assert "Privacy Policy" in boiler
    assert not doc.comments


HEADER_COMMENTS = """City council approves new bike lanes

The city council voted 7-2 on Tuesday to approve a network of protected bike lanes across the \
downtown area, ending months of debate over parking and traffic.

Supporters said the lanes would make streets safer for everyone, while opponents warned of lost \
parking spaces for small businesses along the main avenues.

3 Comments

Mary K. says: Finally! This has been needed for years and I am glad the council listened.

Tom R. says: What about the shops on Main Street? Nobody asked them what they think.

- Mary K. says: The shops were asked, there were three public hearings last spring.
"""


def test_header_led_comments() -> None:
    doc = analyze(HEADER_COMMENTS)
    assert_tiles(doc)
    assert len(doc.comments) == 3
    assert [c.author for c in doc.comments] == ["Mary K.", "Tom R.", "Mary K."]
    assert doc.comments[2].parent == doc.comments[1].id
    assert len(layer_texts(doc, "body")) == 1


def test_unbracketed_editor_note_and_no_comments() -> None:
    text = (
        "Storm knocks out power to thousands\n\n"
        "Editor's note: This story has been updated with figures from the utility company. — The Editors\n\n"
        "A powerful storm swept through the region overnight, knocking out power to more than 40,000 "
        "homes and businesses and toppling trees onto roads.\n\n"
        "1. Check on elderly neighbours.\n2. Keep generators outside.\n"
    )
    doc = analyze(text)
    assert_tiles(doc)
    notes = [x for x in doc.layers if x.kind == "editor_note"]
    assert len(notes) == 1 and notes[0].author == "The Editors"
    # A short numbered list inside an article is not a comment section.
    assert doc.comments == ()


def test_empty_and_single_line() -> None:
    assert analyze("Just a headline").layers[0].kind == "headline"
    doc = analyze("   \n\n  ")
    assert doc.layers == ()
