"""ReuseIndex: every reuse kind with its offsets, direction, chains, shared quotes, persistence."""

from __future__ import annotations

import random
import re

import pytest

from newstrace.corpus.reuse import Passage, ReuseIndex, quote_spans
from newstrace.model import Document, Layer, Quote

# Small invented news articles (written for these tests) to copy, edit, excerpt and quote.
HARBOUR = (
    "The city council voted on Tuesday to close the old harbour bridge for eighteen months of "
    "repairs, a decision that will send thousands of daily commuters onto ferries and a single "
    "detour along the river road.\n\n"
    "Engineers found last spring that corrosion had eaten into two of the steel cables that "
    "carry the main span, and a report delivered to the council in September warned that the "
    "bridge could not safely carry buses beyond the end of the year.\n\n"
    "Work will begin in February. The contract, worth about forty million dollars, went to a "
    "regional construction firm that rebuilt the northern rail viaduct in record time three "
    "years ago and finished that project under budget.\n\n"
    "Shop owners on both banks said they feared the closure would cut their trade in half. "
    "Several of them gathered outside the council chamber before the vote with hand-written "
    "signs asking for a temporary footbridge.\n\n"
    "The transport department promised extra ferry sailings at rush hour and said a shuttle bus"
    " would run every ten minutes between the two ferry piers and the central station while the"
    " bridge is closed.\n\n"
    "Council members who voted against the plan argued that the repairs could be done at night,"
    " one lane at a time, keeping the bridge open to cars during the day. The engineers "
    "rejected that option as slower and more dangerous for the crews.\n"
)

ORCHARD = (
    "Farmers across the valley began the apple harvest two weeks early this year after a warm "
    "spring and a dry summer pushed the fruit to ripen ahead of schedule, leaving many growers "
    "scrambling to find enough pickers.\n\n"
    "The regional growers association estimated that the crop would be about a fifth smaller "
    "than last year, mostly because a late frost in April damaged blossoms on the higher "
    "orchards along the eastern ridge.\n\n"
    "Prices at the wholesale market rose sharply in the first week of picking. Buyers from two "
    "supermarket chains said they had signed contracts early to secure supply for the autumn "
    "season and expected shelf prices to follow.\n\n"
    "Several family farms have turned to students from the agricultural college to fill the gap"
    " left by seasonal workers who did not return this year. The college shortened its autumn "
    "term by one week to let them help.\n\n"
    "Growers also warned that the dry weather had left the soil hard and cracked, and that "
    "irrigation ponds were lower than at any time in the past decade, which could hurt next "
    "year's crop if the winter brings little rain.\n"
)

MUSEUM = (
    "The natural history museum reopened its main hall on Saturday after a three-year "
    "renovation that replaced the leaking glass roof, restored the mosaic floor and brought the"
    " skeleton of a blue whale down from storage.\n\n"
    "Visitors queued around the block before the doors opened at nine. The museum said more "
    "than six thousand people came through in the first day, nearly twice the number it had "
    "planned for when it printed its timed tickets.\n\n"
    "The renovation cost about twenty-two million dollars, most of it raised from private "
    "donors and a national lottery grant. The city paid for the new heating system, which the "
    "museum says will cut its energy bills by a third.\n\n"
    "The director told reporters that the whale, which had not been on display for almost forty"
    " years, was the piece visitors asked about most often in letters and emails during the "
    "long closure of the hall.\n\n"
    "A new education wing with three classrooms and a small laboratory will open next spring. "
    "School groups will be able to book free visits on weekday mornings, and the museum plans a"
    " series of evening lectures for adults.\n"
)

# Two outlets' own reports of one event, both quoting the same statement.
STATEMENT = (
    "We regret the disruption this closure will cause to families and businesses on both sides of "
    "the river, and we will do everything in our power to finish the work safely and ahead of schedule. "
    "Every extra ferry, every shuttle bus and every hour of night work that can shorten the closure "
    "will be paid for by the city, not by the people who depend on this crossing"
)

REPORT_A = (
    "Commuters face a long year and a half of detours after councillors approved the closure of"
    " the harbour bridge on Tuesday evening, ending months of argument about how to fix the "
    "corroded crossing.\n\n"
    f'In a written statement the mayor said: f"{STATEMENT}."\n\n'
    "Ferry operators have already been asked to add morning sailings, and traders near the "
    "bridge say they will lobby for a footbridge before work starts in the new year.\n"
)

REPORT_B = (
    "The harbour crossing will shut for repairs next year, the council decided this week, a "
    "move its opponents called rushed and its supporters called overdue after a damning "
    "inspection report.\n\n"
    f"“{STATEMENT},” the mayor's office said in a statement released after the vote.\n\n"
    "Opposition members said night works would have kept the crossing open, but the council's "
    "engineers told them such an approach would take much longer and put the crews at risk.\n"
)


BODY = HARBOUR.rstrip()


def index_with_others() -> ReuseIndex:
    idx = ReuseIndex()
    idx.add("orchard", ORCHARD, published="2024-03-01")
    idx.add("museum", MUSEUM, published="2024-03-02")
    return idx


def only(passages: list[Passage], doc_id: str) -> list[Passage]:
    return [p for p in passages if p.doc_id == doc_id and p.kind == "copy"]


def test_verbatim_republication() -> None:
    idx = index_with_others()
    idx.add("origin", HARBOUR, published="2024-03-05")
    found = idx.add("copy", HARBOUR, published="2024-03-06")
    assert [(p.start, p.end, p.origin_id, p.origin_start, p.origin_end) for p in found] == [
        (0, len(BODY), "origin", 0, len(BODY))
    ]
    assert found[0].similarity == 1.0 and found[0].kind == "copy"


def test_light_edits_keep_one_passage() -> None:
    rng = random.Random(5)
    parts = re.split(r"(\w+)", HARBOUR)
    edited = "".join(("people" if rng.random() < 0.1 else p) if i % 2 else p for i, p in enumerate(parts))
    idx = index_with_others()
    idx.add("origin", HARBOUR, published="2024-03-05")
    (p,) = only(idx.add("edited", edited, published="2024-03-07"), "edited")
    assert p.origin_id == "origin"
    assert p.end - p.start >= 0.97 * len(edited.rstrip())
    assert p.origin_end - p.origin_start >= 0.97 * len(BODY)
    assert p.similarity < 1.0


def test_dropped_sentences_give_one_passage_per_kept_run() -> None:
    gone = "Work will begin in February. "
    copy = HARBOUR.replace(gone, "")
    idx = index_with_others()
    idx.add("origin", HARBOUR, published="2024-03-05")
    ps = sorted(only(idx.add("trimmed", copy, published="2024-03-06"), "trimmed"), key=lambda p: p.start)
    assert len(ps) == 2
    cut = HARBOUR.index(gone)
    assert (ps[0].origin_start, ps[0].origin_end) == (0, HARBOUR.rindex(".", 0, cut) + 1)
    assert (ps[1].origin_start, ps[1].origin_end) == (cut + len(gone), len(BODY))
    assert copy[ps[1].start : ps[1].end] == HARBOUR[ps[1].origin_start : ps[1].origin_end]


def test_excerpt_inside_a_longer_page() -> None:
    paras = HARBOUR.strip().split("\n\n")
    excerpt = "\n\n".join(paras[2:4])
    host = ORCHARD.strip().split("\n\n")
    page = "\n\n".join(host[:2] + [excerpt] + host[2:])
    idx = ReuseIndex()
    idx.add("museum", MUSEUM, published="2024-03-02")
    idx.add("origin", HARBOUR, published="2024-03-05")
    (p,) = only(idx.add("blog", page, published="2024-03-09"), "blog")
    start = page.index(excerpt)
    assert (p.start, p.end) == (start, start + len(excerpt))
    assert (p.origin_start, p.origin_end) == (HARBOUR.index(excerpt), HARBOUR.index(excerpt) + len(excerpt))


def test_reordered_paragraphs() -> None:
    paras = HARBOUR.strip().split("\n\n")
    order = [2, 0, 5, 3, 1, 4]
    page = "\n\n".join(paras[i] for i in order)
    idx = index_with_others()
    idx.add("origin", HARBOUR, published="2024-03-05")
    ps = only(idx.add("shuffled", page, published="2024-03-06"), "shuffled")
    assert len(ps) == len(paras)
    for p in ps:
        assert page[p.start : p.end] == HARBOUR[p.origin_start : p.origin_end]


def test_editor_note_on_top_and_body_spans_only() -> None:
    note = "EDITOR'S NOTE: We republish this report with permission. Views are the author's own."
    comments = "\n\nComments\n\nreader1: " + " ".join(ORCHARD.split()[:40])
    page = note + "\n\n" + HARBOUR + comments
    body = [(len(note) + 2, len(note) + 2 + len(BODY))]
    idx = ReuseIndex()
    idx.add("orchard", ORCHARD, published="2024-03-01")
    idx.add("origin", HARBOUR, published="2024-03-05")
    found = idx.add("noted", page, body_spans=body, published="2024-03-06")
    assert [(p.origin_id, p.start, p.end, p.origin_start, p.origin_end) for p in found] == [
        ("origin", body[0][0], body[0][1], 0, len(BODY))
    ]  # the comment quoting the orchard story is not body: no link to it


def test_direction_follows_publication_date_not_insertion() -> None:
    idx = index_with_others()
    idx.add("copy", HARBOUR, published="2024-03-09")
    found = idx.add("origin", "Editor's pick.\n\n" + HARBOUR, published="2024-03-05")
    # the page added last is the origin
    assert [(p.doc_id, p.origin_id) for p in found] == [("copy", "origin")]
    prov = idx.provenance("origin")
    assert prov["copied"] == []
    assert [c["doc_id"] for c in prov["copies"]] == ["copy"]
    assert idx.provenance("copy")["copied"][0]["origin_id"] == "origin"


def test_direction_without_dates_is_insertion_order() -> None:
    idx = ReuseIndex()
    idx.add("first", HARBOUR)
    idx.add("second", HARBOUR)
    assert [p.origin_id for p in idx.copied("second")] == ["first"]
    assert idx.copied("first") == []


def test_chain_resolves_to_first_origin_and_flips_when_the_origin_arrives_late() -> None:
    note = "Editor's note: a reader sent us this story.\n\n"
    b_text = HARBOUR.replace("eighteen months", "a year and a half")
    idx = index_with_others()
    idx.add("B", b_text, published="2024-03-06")
    idx.add("C", note + b_text, published="2024-03-08")
    assert {p.origin_id for p in idx.copied("C")} == {"B"}
    # A, published before both, arrives last: everything now resolves to A
    idx.add("A", HARBOUR, published="2024-03-05")
    for doc in ("B", "C"):
        ps = only(idx.copied(doc), doc)
        assert {p.origin_id for p in ps} == {"A"}, doc
    c = only(idx.copied("C"), "C")
    assert min(p.start for p in c) == len(note) and min(p.origin_start for p in c) == 0
    assert {c["doc_id"] for c in idx.provenance("A")["copies"]} == {"B", "C"}
    assert idx.provenance("B")["copies"] == []


def test_chain_without_a_direct_link_is_followed() -> None:
    # C copies B's second half only; B copied A. C's stretch resolves through B to A.
    paras = HARBOUR.strip().split("\n\n")
    idx = ReuseIndex()
    idx.add("A", HARBOUR, published="2024-03-05")
    idx.add("B", ORCHARD + "\n\n" + HARBOUR, published="2024-03-06")
    tail = "\n\n".join(paras[3:])
    idx.add("C", MUSEUM + "\n\n" + tail, published="2024-03-07")
    ps = only(idx.copied("C"), "C")
    assert {p.origin_id for p in ps} == {"A"}
    (p,) = ps
    assert HARBOUR[p.origin_start : p.origin_end] == tail


def test_shared_quotation_is_not_a_copy() -> None:
    idx = index_with_others()
    idx.add("outlet-a", REPORT_A, published="2024-03-05")
    found = idx.add("outlet-b", REPORT_B, published="2024-03-05")
    assert found, "the shared statement should be found"
    assert {p.kind for p in found} == {"shared_quote"}
    (p,) = found
    assert STATEMENT[:60] in REPORT_B[p.start : p.end]
    assert idx.provenance("outlet-b")["copied"][0]["kind"] == "shared_quote"


def test_document_quotes_are_used_when_given() -> None:
    start = REPORT_B.index(STATEMENT)
    doc = Document(
        id="b",
        text=REPORT_B,
        published="2024-03-05",
        layers=(Layer("body", 0, len(REPORT_B)),),
        quotes=(Quote(start, start + len(STATEMENT), STATEMENT, speaker="Mayor"),),
    )
    idx = ReuseIndex()
    idx.add("a", REPORT_A, published="2024-03-04")
    found = idx.add_document(doc)
    assert [p.kind for p in found] == ["shared_quote"]


def test_same_topic_in_own_words_is_not_linked() -> None:
    own_words = (
        "Drivers and ferry users are bracing for disruption after local politicians agreed to shut the "
        "corroded harbour bridge. The repairs, expected to last about a year and a half, follow an "
        "inspection that found damaged cables. Businesses near the crossing asked for a temporary "
        "footbridge, and transport officials pledged more ferries during the busiest hours.\n\n"
        "A construction company that previously rebuilt a rail viaduct won the forty million dollar "
        "contract, and the work is due to start early next year."
    )
    idx = index_with_others()
    idx.add("origin", HARBOUR, published="2024-03-05")
    assert idx.add("rewrite", own_words, published="2024-03-06") == []
    assert idx.provenance("rewrite") == {"copied": [], "copies": []}


def test_quote_scan() -> None:
    text = "He said \"one\" and “two ‘three’ four”.\nIt went on.” Then ``five'' and ''six''."
    got = [text[s:e] for s, e in quote_spans(text)]
    assert got == ['"one"', "“two ‘three’ four”", "It went on.”", "``five''", "''six''"]


def test_persistence_round_trip_then_incremental_add() -> None:
    idx = index_with_others()
    idx.add("A", HARBOUR, published="2024-03-05")
    idx.add("B", "Editor's note: shared with thanks.\n\n" + HARBOUR, published="2024-03-06")
    blob = idx.to_bytes()
    back = ReuseIndex.from_bytes(blob)
    assert len(back) == 4 and "B" in back
    assert back.provenance("B") == idx.provenance("B")
    assert back.provenance("A") == idx.provenance("A")
    # a new page is checked against everything stored, without rebuilding the loaded index
    found = back.add("C", HARBOUR, published="2024-03-07")
    assert {p.origin_id for p in found if p.doc_id == "C"} == {"A"}
    assert {c["doc_id"] for c in back.provenance("A")["copies"]} == {"B", "C"}


def test_add_many_equals_one_by_one() -> None:
    recs = [
        ("orchard", ORCHARD, None, "2024-03-01", ()),
        ("A", HARBOUR, None, "2024-03-05", ()),
        ("B", HARBOUR + "\n\nMore to follow.", None, "2024-03-06", ()),
    ]
    one = ReuseIndex()
    for rec in recs:
        one.add(*rec)
    many = ReuseIndex()
    many.add_many(recs)
    assert one.provenance("B") == many.provenance("B")


def test_duplicate_id_and_unknown_id() -> None:
    idx = ReuseIndex()
    idx.add("A", HARBOUR)
    with pytest.raises(ValueError):
        idx.add("A", ORCHARD)
    with pytest.raises(KeyError):
        idx.provenance("nope")
