"""Where the article starts and ends on real pages: its intro outside the body's container, and the
short furniture at its edges (trafilatura's evaluation pages; the snippets are the set's own)."""

from __future__ import annotations

import pytest

from newstrace.ingest.dom import category
from newstrace.ingest.html import read_html
from newstrace.model import Document

from ..real_pages import analysed, kind_at, raw_page, squash


def main_text(name: str) -> str:
    raw, doc_id, url = raw_page(name)
    doc: Document = read_html(raw, doc_id=doc_id, source=doc_id, url=url)
    return squash(" ".join(doc.text[b.start : b.end] for b in doc.blocks if b.main))


# The teaser (standfirst) of an article template, outside the body's container: in the article's own
# small header (with headline, byline, date), in a long <h2> under the headline, or in a page-wide
# "hero" box beside the headline.
INTROS = [
    ("tev:d70fab3adde74d5fb63552855c981395.html", "Der Premierminister muss eine Verlängerung"),
    ("tev:impulse.de.eltern.html", "Wie viele Tage im Jahr dürfen Mitarbeiter"),
    ("tev:thelocal.se.tattooed.html", "epidemiologist Anders Tegnell has become a household name"),
    ("tev:tell-review.de.heimweh.html", "In seinem Essay „Lob der Melancholie“"),
]


@pytest.mark.parametrize(("name", "intro"), INTROS)
def test_the_intro_before_the_body_is_main_text(name: str, intro: str) -> None:
    assert squash(intro) in main_text(name)


def test_the_intro_is_body_in_the_anatomy() -> None:
    doc = analysed("tev:impulse.de.eltern.html")
    assert kind_at(doc, "Wie viele Tage im Jahr dürfen Mitarbeiter") == "body"
    assert "Von Julia Müller" not in main_text("tev:impulse.de.eltern.html")  # its byline stays out


# Picture captions left inside the body's container without caption markup: a closing credit or a
# copyright sign marks them.
CREDITS = [
    ("tev:golfpost.de-premiere.html", "Turniere im Überblick. (Foto: Getty)"),
    ("tev:bauemotion.de-schneereampflicht.html", "was man darüber wissen muss© Rike/pixelio.de"),
    ("tev:francais.radio.cz-ministre.html", "Roman Prymula, photo: Archives du Gouvernement tchèque"),
]


@pytest.mark.parametrize(("name", "credit"), CREDITS)
def test_captions_with_a_credit_are_not_main_text(name: str, credit: str) -> None:
    text = main_text(name)
    assert len(text) > 1000  # the article is still read
    assert squash(credit) not in text


# Boxes inside the article's container named for what they are: a call to action, a donation
# appeal, an editorial (affiliate) disclosure, a recirculation module.
BOXES = [
    ("tev:gothamist.com-plagues.html", "We rely on your support to make local news available to all"),
    ("tev:theatlantic.com.disasters.html", "We want to hear what you think about this article."),
    ("tev:thepointsguy.com.alaska.html", "This post contains references to products from one or more"),
    ("tev:mein-mmo.de-MMORPG.html", "Mehr Kolumnen auf MeinMMO:"),
]


@pytest.mark.parametrize(("name", "box"), BOXES)
def test_named_boxes_in_the_article_are_not_main_text(name: str, box: str) -> None:
    text = main_text(name)
    assert len(text) > 1000
    assert squash(box) not in text


@pytest.mark.parametrize(
    ("sig", "cat"),
    [
        ("article-donation-cta", "boiler"),
        ("c-letters-cta", "boiler"),
        ("editorial-disclosure", "boiler"),
        ("news-letter-section", "boiler"),
        ("wp-block-mmo-recirculation", "related"),
        ("textwidget", "aside"),
        ("kommentarmodul", "comments"),
        ("post-content", None),
    ],
)
def test_box_names(sig: str, cat: str | None) -> None:
    assert category("div", sig) == cat


def test_a_lead_in_to_furniture_is_not_main_text() -> None:
    # "Weitere Informationen:" announces a link box after the article; "Kontakt:" is followed by the
    # contact lines, which the set counts as the article's
    text = main_text("tev:mpimet.de.klimasystem.html")
    assert squash("Weitere Informationen:") not in text
    assert squash("Kontakt:") in text
    assert squash("Release Date:") not in main_text("tev:thestkittsnevisobserver.com-bvi.html")
