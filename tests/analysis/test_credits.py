"""Credit lines and credited datelines: each form on small realistic paragraphs, and the seed page."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from newstrace.analysis.credits import (
    CreditMatch,
    find_credit_matches,
    find_credits,
    is_photo_credit,
    parse_credit,
    parse_credits,
    parse_dateline,
    resolve_date,
)
from newstrace.ingest.text import read_text
from newstrace.model import Document
from newstrace.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[2]
SEED_NAME = "000_61ee9dba41562d1b.txt"
SEED_PATHS = (ROOT.parent / "shared" / "seed" / SEED_NAME, ROOT / "demo" / SEED_NAME)


def credits_of(text: str, **kw: str) -> tuple[Document, list[tuple[str, str, str | None, str | None]]]:
    doc = find_credits(read_text(text, doc_id="t", source="test", **kw))
    return doc, [(c.outlet, doc.text[c.start:c.end], c.place, c.date) for c in doc.credits]


def one(line: str) -> tuple[str, str, str | None, str | None, str]:
    found = parse_credits(line)
    assert len(found) == 1, found
    c = found[0]
    return c.outlet, line[c.start:c.end], c.place, c.date_text, c.kind


# ---- credited datelines ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("WASHINGTON (AP) — President Barack Obama will get one more chance on Saturday.",
         ("AP", "WASHINGTON (AP) —", "WASHINGTON", None)),
        ("DALLAS (AP) -- Police said Tuesday that the suspect had been arrested.",
         ("AP", "DALLAS (AP) --", "DALLAS", None)),
        ("LONDON (Reuters) - Britain's finance minister said on Monday.",
         ("Reuters", "LONDON (Reuters) -", "LONDON", None)),
        ("MOSCOW, March 14. /TASS/. The Russian president has issued an order.",
         ("TASS", "MOSCOW, March 14. /TASS/.", "MOSCOW", "March 14")),
        ("BEIJING, Jan. 5 (Xinhua) -- China's exports rose in December.",
         ("Xinhua", "BEIJING, Jan. 5 (Xinhua) --", "BEIJING", "Jan. 5")),
        ("PARIS (AFP) – France's president said on Sunday.", ("AFP", "PARIS (AFP) –", "PARIS", None)),
        ("New York (AFP) – Oscar-winning actress Susan Sarandon is not sure.",
         ("AFP", "New York (AFP) –", "New York", None)),
        ("HEMPSTEAD, N.Y., Sept. 26 (UPI) — Green Party presidential candidate Jill Stein was escorted off.",
         ("UPI", "HEMPSTEAD, N.Y., Sept. 26 (UPI) —", "HEMPSTEAD, N.Y.", "Sept. 26")),
        ("RIO DE JANEIRO (AP) — Brazil's Senate voted.",
         ("AP", "RIO DE JANEIRO (AP) —", "RIO DE JANEIRO", None)),
        ("MOSCOW (Sputnik) — Russian forces began the withdrawal.",
         ("Sputnik", "MOSCOW (Sputnik) —", "MOSCOW", None)),
        ("(CNN)The President said on Monday.", ("CNN", "(CNN)", None, None)),
        ("WASHINGTON, March 14 (Reuters) - U.S. stocks fell.",
         ("Reuters", "WASHINGTON, March 14 (Reuters) -", "WASHINGTON", "March 14")),
    ],
)
def test_credited_datelines(line: str, expected: tuple[str, str, str | None, str | None]) -> None:
    outlet, text, place, when, kind = one(line)
    assert (outlet, text, place, when) == expected
    assert kind == "dateline"
    c = parse_credit(line)
    assert c is not None and c.start == 0
    assert line[c.end:].startswith(" ") or line[c.end:][:1].isupper()


def test_dateline_in_a_document_points_into_the_text_and_gets_a_year() -> None:
    text = ("Russia begins withdrawal\n\nFirst published March 14, 2016\n\n"
            "MOSCOW, March 14. /TASS/. The Russian president has issued an order.\n")
    doc, found = credits_of(text)
    assert found == [("TASS", "MOSCOW, March 14. /TASS/.", "MOSCOW", "2016-03-14")]
    assert doc.credits[0].start == text.index("MOSCOW")
    assert "credits" in doc.annotated


def test_date_year_comes_from_published_first() -> None:
    _, found = credits_of("BEIJING, Jan. 5 (Xinhua) -- China's exports rose.\n", published="2017-01-06")
    assert found == [("Xinhua", "BEIJING, Jan. 5 (Xinhua) --", "BEIJING", "2017-01-05")]


def test_date_with_own_year_and_without_any_year() -> None:
    _, found = credits_of("BEIJING, Jan. 5, 2015 (Xinhua) -- China's exports rose.\n")
    assert found[0][3] == "2015-01-05"
    _, found = credits_of("BEIJING, Jan. 5 (Xinhua) -- China's exports rose.\n")
    assert found[0][3] is None


def test_resolve_date_crosses_year_ends() -> None:
    assert resolve_date("Dec. 31", "2017-01-02") == "2016-12-31"
    assert resolve_date("Jan. 2", "2016-12-30") == "2017-01-02"
    assert resolve_date("March 14", "2016-03-15") == "2016-03-14"
    assert resolve_date("14 March 2016", None) == "2016-03-14"
    assert resolve_date("2016-03-14", None) == "2016-03-14"
    assert resolve_date("Feb. 30", "2016-03-01") is None
    assert resolve_date(None, "2016-03-01") is None


# ---- whole credit lines ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("… from Russia Today,  Moscow", ("RT", "… from Russia Today,  Moscow", "Moscow", None, "source")),
        ("Source: RT", ("RT", "Source: RT", None, None, "source")),
        ("Source: https://www.rt.com/news/335553-putin/", ("RT", "Source: https://www.rt.com/news/335553-putin/",
                                                           None, None, "source")),
        ("Via UPI", ("UPI", "Via UPI", None, None, "source")),
        ("— Reuters", ("Reuters", "— Reuters", None, None, "trailer")),
        ("-- The Associated Press", ("AP", "-- The Associated Press", None, None, "trailer")),
        ("—AP", ("AP", "—AP", None, None, "trailer")),
        ("— Sputnik", ("Sputnik", "— Sputnik", None, None, "trailer")),
        ("By Jane Doe, Associated Press", ("AP", "By Jane Doe, Associated Press", None, None, "byline")),
        ("By JANE DOE Associated Press", ("AP", "By JANE DOE Associated Press", None, None, "byline")),
        ("By JULIE PACE, AP White House Correspondent",
         ("AP", "By JULIE PACE, AP White House Correspondent", None, None, "byline")),
        ("By Reuters Staff", ("Reuters", "By Reuters Staff", None, None, "byline")),
        ("Associated Press writer Ken Thomas contributed to this report.",
         ("AP", "Associated Press writer Ken Thomas contributed to this report.", None, None, "contributor")),
        ("Copyright 2016 The Associated Press. All rights reserved.",
         ("AP", "Copyright 2016 The Associated Press. All rights reserved.", None, None, "copyright")),
        ("© AFP 2016", ("AFP", "© AFP 2016", None, None, "copyright")),
        ("This article originally appeared on RT.com.",
         ("RT", "This article originally appeared on RT.com.", None, None, "origin")),
        ("This story was originally published by The Washington Post.",
         ("WaPo", "This story was originally published by The Washington Post.", None, None, "origin")),
    ],
)
def test_credit_lines(line: str, expected: tuple[str, str, str | None, str | None, str]) -> None:
    assert one(line) == expected


def test_credit_line_offsets_exclude_surrounding_whitespace() -> None:
    text = "Headline\n\n   … from Russia Today,  Moscow   \nBody text here.\n"
    doc, found = credits_of(text)
    # The reader folds the double space; the credit covers exactly the line's text.
    assert found == [("RT", "… from Russia Today, Moscow", "Moscow", None)]
    c = doc.credits[0]
    assert doc.text[c.start - 1] == " " and doc.text[c.end] in " \n"


def test_reuters_reporting_signature() -> None:
    line = "One member voted against it. (Reporting by David Bailey; Editing by Cynthia Osterman.)"
    outlet, text, _, _, kind = one(line)
    assert (outlet, kind) == ("Reuters", "reporting")
    assert text == "(Reporting by David Bailey; Editing by Cynthia Osterman.)"
    extra = "(Additional reporting by Marius Zaharia in Singapore; Editing by Raju Gopalakrishnan.)"
    assert one(extra)[:2] == ("Reuters", extra)


def test_trailing_credit_at_paragraph_end() -> None:
    line = "Hillary Clinton called on the U.S. to do more against the Islamic State. (via UPI)"
    assert one(line)[:2] == ("UPI", "(via UPI)")
    line = "The vote is expected on Friday. — AP"
    assert one(line)[:2] == ("AP", "— AP")


def test_photo_credits_in_captions() -> None:
    line = "Christoph Blocher reacts during a meeting. (FABRICE COFFRINI/AFP/Getty Images.)"
    outlet, text, _, _, kind = one(line)
    assert (outlet, text, kind) == ("AFP", "(FABRICE COFFRINI/AFP/Getty Images.)", "photo")
    assert one("President Obama speaks in Washington. REUTERS/Kevin Lamarque")[1:] == (
        "REUTERS/Kevin Lamarque", None, None, "photo")
    assert one("(AP Photo/Evan Vucci)")[0] == "AP"
    assert is_photo_credit("(AP Photo/Evan Vucci)") and not is_photo_credit("WASHINGTON (AP) —")


@pytest.mark.parametrize(
    "line",
    [
        "WASHINGTON — Something rare happened Monday.",
        "However, as the archbishop told the Associated Press (AP), “We have suffered the same fate.”",
        "The latest Reuters/Ipsos opinion poll released Friday shows that Clinton leads.",
        "The Reuters/Ipsos poll showed Clinton doing better than in other post-debate polls.",
        "By winning the Republican primary in Ohio, John Kasich picked up all 66 delegates, CNN reported.",
        "By now it should be obvious to the AP and to Reuters that voters want to know.",
        "Source: NATO.",
        "From Washington, a view of the race.",
        "From STEALING AMERICA by Dinesh D’Souza. Copyright © 2015 by Dinesh D’Souza.",
        "Sen. Marco Rubio (R-Fla.) didn’t get very far.",
        "Washington (Reuters) reported that the talks failed.",
        "Bryant Rousseau and Caryn Wilson contributed reporting.",
        "The ap said, and the times wrote — nothing.",
        "You can call RT America whatever you want -- a news network, a propaganda arm.",
        "",
        "   ",
    ],
)
def test_not_credits(line: str) -> None:
    assert parse_credits(line) == []


# ---- datelines for the anatomy stage --------------------------------------------------------------

def test_parse_dateline() -> None:
    assert parse_dateline("WASHINGTON — Something rare happened.") == ("WASHINGTON", None, 12)
    assert parse_dateline("NEW YORK, March 3 -- Stocks fell.") == ("NEW YORK", "March 3", 20)
    assert parse_dateline("MIDWAY ATOLL - Seventy-four years ago") == ("MIDWAY ATOLL", None, 14)
    assert parse_dateline("Moscow, March 14 — Talks began.") == ("Moscow", "March 14", 18)
    line = "MOSCOW, March 14. /TASS/. Russian President"
    assert parse_dateline(line) == ("MOSCOW", "March 14", 25)
    assert parse_dateline("Washington — the city is quiet.") is None
    assert parse_dateline("The president said — nothing.") is None


def test_parse_credit_tells_where_the_credit_ends() -> None:
    line = "MOSCOW, March 14. /TASS/. Russian President Vladimir Putin has issued an order."
    c = parse_credit(line)
    assert isinstance(c, CreditMatch) and isinstance(c, tuple)
    assert (c.outlet, c.place, c.date_text, c.start, c.end) == ("TASS", "MOSCOW", "March 14", 0, 25)
    assert parse_credit("An ordinary paragraph about the news.") is None


# ---- the seed page --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed() -> Document:
    path = next(p for p in SEED_PATHS if p.is_file())
    return find_credits(read_text(path.read_text(encoding="utf-8"), doc_id="seed", source=str(path)))


def test_seed_credits_rt_and_tass(seed: Document) -> None:
    found = [(c.outlet, seed.text[c.start:c.end], c.place, c.date) for c in seed.credits]
    assert found == [
        ("RT", "… from Russia Today, Moscow", "Moscow", None),
        ("TASS", "MOSCOW, March 14. /TASS/.", "MOSCOW", "2016-03-14"),
    ]


def test_seed_comments_credit_nobody(seed: Document) -> None:
    comments_start = seed.text.index("\n  1. ")
    assert all(c.end <= comments_start for c in seed.credits)
    assert find_credit_matches(seed.text[comments_start:]) == []


def test_seed_credit_offsets_map_back_to_the_original(seed: Document) -> None:
    path = next(p for p in SEED_PATHS if p.is_file())
    original = path.read_text(encoding="utf-8")
    tass = seed.credits[1]
    a, b = seed.offsets.span_to_original(tass.start, tass.end)
    assert original[a:b] == "MOSCOW, March 14. /TASS/."


def test_stage_declares_needs_and_adds() -> None:
    assert find_credits.name == "credits"
    assert find_credits.needs == frozenset({"text"}) and find_credits.adds == frozenset({"credits"})
    assert "credits" in Pipeline([find_credits]).adds
    doc = read_text("Nothing credited here.\n", doc_id="x", source="t")
    out = find_credits(doc)
    assert out.credits == () and out.text == doc.text and "credits" in out.annotated


def test_linear_on_a_large_page() -> None:
    para = ("WASHINGTON (AP) — The vote was close. " + "Words and more words, said the AP. " * 20 + "\n\n")
    lines = "By now it is clear. © (c) A/B (x/y) NEW YORK ST. LOUIS " * 40 + "\n"
    text = (para + lines) * 1500  # about 4.4 MB
    assert len(text) > 4_000_000
    t0 = time.perf_counter()
    found = find_credit_matches(text)
    assert time.perf_counter() - t0 < 20
    assert len(found) == 1500
