"""Related-article lists on real pages saved as plain text (labelled pages rendered by inscriptis)."""

from __future__ import annotations

from .test_layers import layer_texts
from .test_text_captions import analysed


def test_a_related_box_inside_the_article_is_not_body() -> None:
    doc = analysed("rollingstone.com")
    related, body = " ".join(layer_texts(doc, "related")), " ".join(layer_texts(doc, "body"))
    for title in ("The Doobie Brothers: Lighting Up With the Stars of 'This Is the End'",
                  "Dave Grohl's Guest List: 21 Amazing Musical Cameos"):
        assert title in related and title not in body
    # the article goes on after the box
    assert "the white-haired McDonald took his place" in body


def test_dates_between_linked_headlines_keep_the_list_together() -> None:
    related = " ".join(layer_texts(analysed("bbc.com"), "related"))
    for title in ("Taylor Swift wants to re-record her old hits after ownership row",
                  "Taylor Swift v Scooter Braun: Is it personal or strictly business?"):
        assert title in related


def test_a_most_popular_list_is_not_related_to_the_article() -> None:
    doc = analysed("indiewire.com")
    assert not any("Emilia Clarke Was Told to Get Nude" in t for t in layer_texts(doc, "related"))
    assert any("Emilia Clarke Was Told to Get Nude" in t for t in layer_texts(doc, "boilerplate"))
