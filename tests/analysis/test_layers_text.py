"""Page anatomy on whole pages saved as plain text (benchmark pages rendered by two renderers)."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest

from newstrace.analysis import text_lines as tl
from newstrace.analysis.text_headline import choose_headline
from newstrace.analyze import anatomy_pipeline
from newstrace.ingest.text import read_text
from newstrace.model import Document

from .test_layers import assert_tiles, layer_texts

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "text"
RENDERERS = ("inscriptis", "html-text")
PAGES = ("264dc3ae3124", "851498a2b9f4", "8e3efab59f48", "ec7fc408c5ce")


@cache
def gold(page: str) -> dict[str, str]:
    data: dict[str, dict[str, str]] = json.loads((FIXTURES / "ground-truth.json").read_text(encoding="utf-8"))
    return data[page]


@cache
def analysed(page: str, renderer: str) -> Document:
    text = (FIXTURES / f"{page}.{renderer}.txt").read_text(encoding="utf-8")
    return anatomy_pipeline()(read_text(text, doc_id=page, source=f"{page}.{renderer}.txt"))


def _words(s: str) -> list[str]:
    return re.findall(r"\w+", s)


@pytest.mark.parametrize("renderer", RENDERERS)
@pytest.mark.parametrize("page", PAGES)
def test_rendered_page_body(page: str, renderer: str) -> None:
    doc = analysed(page, renderer)
    assert_tiles(doc)
    body = " ".join(layer_texts(doc, "body") + layer_texts(doc, "section_heading"))
    gold_words = _words(gold(page)["articleBody"])
    body_words = _words(body)
    # Most of the article is body, and most of the body is article (menus, teasers, comments are not).
    assert sum(w in set(body_words) for w in gold_words) / len(gold_words) >= 0.9
    assert sum(w in set(gold_words) for w in body_words) / len(body_words) >= 0.9


@pytest.mark.parametrize("renderer", RENDERERS)
@pytest.mark.parametrize("page", PAGES)
def test_rendered_page_headline(page: str, renderer: str) -> None:
    doc = analysed(page, renderer)
    assert layer_texts(doc, "headline") == [gold(page)["headline"]]


@pytest.mark.parametrize("renderer", RENDERERS)
def test_menus_share_buttons_and_footers_are_not_body(renderer: str) -> None:
    doc = analysed("264dc3ae3124", renderer)
    body = layer_texts(doc, "body")
    for furniture in ("Home", "Today’s Paper", "Click to share on Facebook", "OUR PICKS", "Contact Us"):
        assert not any(furniture in t for t in body), furniture
    boiler = " ".join(layer_texts(doc, "boilerplate"))
    assert "Click to share on Twitter (Opens in new window)" in boiler
    # A numbered "most popular" list is neither comments nor article.
    assert doc.comments == ()
    assert not any("Skimming device found at Eagan Kwik Trip" in t for t in body)


@pytest.mark.parametrize("renderer", RENDERERS)
def test_a_comment_button_is_not_a_comment_section(renderer: str) -> None:
    doc = analysed("851498a2b9f4", renderer)
    assert doc.comments == ()
    assert not any("Slate Plus" in t for t in layer_texts(doc, "body"))


@pytest.mark.parametrize("renderer", RENDERERS)
def test_says_heads_open_comments(renderer: str) -> None:
    doc = analysed("8e3efab59f48", renderer)
    comments = doc.comments
    # "34 responses to …": html-text repeats one comment at the end of the list.
    assert len(comments) == (34 if renderer == "inscriptis" else 35)
    assert [c.author for c in comments[:3]] == ["thelastchargersfan", "joetoronto", "theprocess12"]
    assert all(c.parent is None for c in comments)
    first = doc.text[comments[0].start : comments[0].end]
    assert first.endswith("this is a dumpster fire.") and "November 19, 2019 at 6:34 am" in first
    assert not any("You must be logged in" in doc.text[c.start : c.end] for c in comments)
    assert not any("dumpster fire" in t for t in layer_texts(doc, "body"))


def test_numbered_comments_with_replies() -> None:
    doc = analysed("ec7fc408c5ce", "inscriptis")
    comments = doc.comments
    assert len(comments) == 6
    assert [c.number for c in comments if c.parent is None] == ["1", "2", "3"]
    replies = [c for c in comments if c.parent is not None]
    assert [c.parent for c in replies] == [1, 3, 5]
    reply = doc.text[replies[0].start : replies[0].end]
    assert reply.startswith("+ Pamela Wilson") and "comfort/discomfort continuum" in reply
    # The article's own numbered headings are not comments, and nothing after "Comments are closed." is.
    assert layer_texts(doc, "comments_closed") == ["Comments are closed."]
    closed = doc.text.index("Comments are closed.")
    assert all(c.end < closed for c in comments)


def test_name_over_date_heads_open_comments() -> None:
    doc = analysed("ec7fc408c5ce", "html-text")
    comments = doc.comments
    assert len(comments) == 6
    heads = {doc.text[c.start : c.end].split("\n")[0].strip() for c in comments}
    assert heads == {"Vatsala Shukla", "Pamela Wilson", "Bo", "Mary Collette Rogers"}


# ------------------------------------------------------------------------------------- line shapes

@pytest.mark.parametrize("line", ["Advertisement", "Share Close", "* Facebook", "Read more", "Menu", "Print"])
def test_furniture_lines(line: str) -> None:
    assert tl.is_furniture(line) or tl.is_share(line)


@pytest.mark.parametrize(
    "line", ["Share this:", "Facebook Twitter Email", "Click to share on Reddit (Opens in new window)"]
)
def test_share_lines(line: str) -> None:
    assert tl.is_share(line)


@pytest.mark.parametrize(
    "line", ["Senate passes spending bill after late-night vote", "He declined to comment."]
)
def test_article_lines_are_not_furniture(line: str) -> None:
    assert not tl.is_furniture(line) and not tl.is_share(line) and not tl.is_boilerplate(line)


def test_site_policy_words_are_boilerplate() -> None:
    assert tl.is_boilerplate("The views expressed are those of the authors alone.")
    assert tl.is_boilerplate("All content herein is the property of its owners.")


def test_headline_from_the_title_line_and_the_record_title() -> None:
    lines = ["Storm cuts power to thousands | The Daily Example", "Home", "News", "Weather",
             "Storm cuts power to thousands", "By Jane Doe", "Nov. 20, 2019",
             "A powerful storm knocked out power to more than 40,000 homes and businesses overnight, "
             "officials said."]
    assert choose_headline(lines, [True] * len(lines), 7, None) == 4
    assert choose_headline(lines, [True] * len(lines), 7, "Storm cuts power to thousands") == 4
