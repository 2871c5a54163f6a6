"""Dates: every day a page names, resolved against the page's own date, on the seed page and on rules."""

from __future__ import annotations

from datetime import date

import pytest

from newstrace.analysis.dates import anchor_date, find_date_mentions, find_dates
from newstrace.analysis.nlp import parse
from newstrace.model import Credit, DateMention, Document

from .test_entities import seed_pipeline


@pytest.fixture(scope="module")
def seed(seed_text: str) -> Document:
    return seed_pipeline(seed_text)


def values(doc: Document) -> list[tuple[str, str]]:
    return [(d.text, d.value) for d in doc.dates]


def dates_in(text: str, anchor: str | None, *, with_parse: bool = True) -> list[tuple[str, str]]:
    doc = Document(id="t", text=text, published=anchor, annotated=frozenset({"text", "blocks", "credits"}))
    if with_parse:
        doc = parse(doc)
    return [(d.text, d.value) for d in find_dates(doc).dates]


# ---------------------------------------------------------------------------------------------- seed


def test_seed_anchor_is_the_credited_dateline(seed: Document) -> None:
    assert anchor_date(seed) == date(2016, 3, 14)


def test_seed_dates(seed: Document) -> None:
    got = values(seed)
    near = {text: value for text, value in got}
    assert near["March 14, 2016"] == "2016-03-14"
    assert near["September 30 last year"] == "2015-09-30"
    assert near["September 30"] == "2015-09-30"  # the TASS part: the most recent past one
    assert near["March 15"] == "2016-03-15"  # "starting from March 15": a cue allows the near future
    assert near["March 14"] == "2016-03-14"  # the TASS dateline
    assert near["Tuesday"] == "2016-03-15"  # "starting Tuesday"
    assert near["Monday evening"] == "2016-03-14"
    assert [v for t, v in got if t == "tomorrow"] == ["2016-03-15", "2016-03-15"]  # "starting from tomorrow"
    assert [v for t, v in got if t == "Monday"] == ["2016-03-14"] * 3  # "on Monday", "earlier on Monday"


def test_seed_mentions_are_exact_and_vague_spans_get_none(seed: Document) -> None:
    for d in seed.dates:
        assert seed.text[d.start : d.end] == d.text
        date.fromisoformat(d.value)
    texts = {d.text for d in seed.dates}
    for vague in ("25 years", "the last week", "Good Friday", "the weekend", "time being", "Today", "80s"):
        assert not any(vague in t for t in texts), vague
    # "Russia Today" is an outlet, not a day
    i = seed.text.index("Russia Today")
    assert not any(d.start >= i and d.end <= i + 12 for d in seed.dates)


# ----------------------------------------------------------------------------------------------- rules


@pytest.mark.parametrize(
    ("text", "anchor", "expected"),
    [
        # weekdays: the most recent one on or before the anchor (2016-03-16 is a Wednesday)
        ("He said on Monday that talks failed.", "2016-03-16", [("Monday", "2016-03-14")]),
        ("He spoke on Wednesday.", "2016-03-16", [("Wednesday", "2016-03-16")]),
        ("He arrived last Wednesday.", "2016-03-16", [("last Wednesday", "2016-03-09")]),
        ("They meet next Monday.", "2016-03-16", [("next Monday", "2016-03-21")]),
        ("Talks resumed Thursday morning.", "2016-03-16", [("Thursday morning", "2016-03-10")]),
        # a cue or a future verb lets it be the coming one
        ("The ban applies starting Friday.", "2016-03-16", [("Friday", "2016-03-18")]),
        ("The leaders will meet on Friday.", "2016-03-16", [("Friday", "2016-03-18")]),
        # relative days
        (
            "It rained yesterday and will rain tomorrow.",
            "2016-03-01",
            [("yesterday", "2016-02-29"), ("tomorrow", "2016-03-02")],
        ),
        ("It happened three days ago.", "2016-03-01", [("three days ago", "2016-02-27")]),
        (
            "Not today, the day after tomorrow.",
            "2016-12-31",
            [("today", "2016-12-31"), ("the day after tomorrow", "2017-01-02")],
        ),
        # month-days: the most recent past one unless the year, a cue or a future verb says otherwise
        ("The raid took place on September 30.", "2016-10-02", [("September 30", "2016-09-30")]),
        ("The raid took place on September 30.", "2016-03-14", [("September 30", "2015-09-30")]),
        ("Prices rose on March 15.", "2016-03-14", [("March 15", "2015-03-15")]),
        ("The rule applies from March 15.", "2016-03-14", [("March 15", "2016-03-15")]),
        ("The vote will be held on January 5.", "2016-12-20", [("January 5", "2017-01-05")]),
        ("It began on December 30 last year.", "2016-01-02", [("December 30 last year", "2015-12-30")]),
        ("It opens May 1 next year.", "2016-01-02", [("May 1 next year", "2017-05-01")]),
        ("It opened on 14 March 2015.", "2016-01-02", [("14 March 2015", "2015-03-14")]),
        ("Signed on the 3rd of May.", "2016-06-01", [("the 3rd of May", "2016-05-03")]),
        (
            "Filed 2015-07-04, then 7/4/2015 and 04.07.2015.",
            None,
            [("2015-07-04", "2015-07-04"), ("7/4/2015", "2015-07-04"), ("04.07.2015", "2015-07-04")],
        ),
        ("Posted Monday, Jan. 4, 2016 at noon.", None, [("Monday, Jan. 4, 2016", "2016-01-04")]),
        # no anchor: relative expressions cannot be resolved, full dates still can
        ("He said on Monday it ends March 3.", None, []),
        # durations, months, years, holidays and names are not days
        (
            "For 25 years, in March 2016, in 2015, until Good Friday, on Russia Today, for the time being.",
            "2016-03-14",
            [],
        ),
        ("I may 5 times ask.", "2016-03-14", []),
    ],
)
def test_rules(text: str, anchor: str | None, expected: list[tuple[str, str]]) -> None:
    assert dates_in(text, anchor) == expected


def test_rules_hold_without_a_parse() -> None:
    assert dates_in("Putin said on Monday.", "2016-03-14", with_parse=False) == [("Monday", "2016-03-14")]
    assert dates_in("Starting Tuesday, forces leave.", "2016-03-14", with_parse=False) == [
        ("Tuesday", "2016-03-15")
    ]


def test_dateline_dates_are_the_story_s_own_day() -> None:
    text = "HEMPSTEAD, N.Y., Sept. 26 — The candidates met."
    assert dates_in(text, "2016-09-25") == [("Sept. 26", "2016-09-26")]


def test_anchor_order_published_then_credit_then_top_of_page() -> None:
    text = "Posted March 10, 2015. Updated March 12, 2015.\n\nThe minister spoke on Tuesday."
    credit = Credit("AP", 0, 6, None, "2015-03-20")
    doc = Document(id="t", text=text, annotated=frozenset({"text", "blocks", "credits"}))
    assert anchor_date(doc) == date(2015, 3, 12)  # the latest full date near the top
    assert anchor_date(doc.with_annotations("credits", credits=(Credit("AP", 0, 6),))) == date(2015, 3, 12)
    with_credit = doc.with_annotations("credits", credits=(credit,))
    assert anchor_date(with_credit) == date(2015, 3, 20)
    assert anchor_date(Document(id="t", text=text, published="2015-04-01T10:00:00Z")) == date(2015, 4, 1)
    assert [(d.text, d.value) for d in find_date_mentions(doc, anchor_date(doc))][-1] == (
        "Tuesday",
        "2015-03-10",
    )


def test_spacy_date_spans_the_rules_miss_go_to_dateparser() -> None:
    pytest.importorskip("dateparser")
    # "March the 14th" fits no rule; spaCy calls it a DATE and dateparser reads it
    assert dates_in("The accord was signed on March the 14th in Geneva.", "2016-03-20") == [
        ("March the 14th", "2016-03-14")
    ]


def test_mentions_are_character_exact() -> None:
    text = "On  Monday   evening, and on March 14,\u00a02016, and yesterday."
    doc = find_dates(
        parse(
            Document(
                id="t", text=text, published="2016-03-15", annotated=frozenset({"text", "blocks", "credits"})
            )
        )
    )
    assert doc.dates
    for d in doc.dates:
        assert isinstance(d, DateMention)
        assert text[d.start : d.end] == d.text
