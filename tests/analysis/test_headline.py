"""Which block is an HTML page's headline (analysis/headline): built block lists and real pages."""

from __future__ import annotations

import pytest

from newstrace.analysis.headline import (
    HeadlineChoice,
    _title_without_site,
    choose_html_headline,
    title_variants,
)
from newstrace.model import Block, Document

from ..real_pages import analysed, kind_at, layer_texts

# ---------------------------------------------------------------------------------------------------
# title_variants: the headline forms of the page's titles, and the parts that name the site


def test_title_variants_split_off_the_part_that_spells_the_host() -> None:
    variants, site = title_variants(["Storm cuts power to thousands - SPIEGEL ONLINE"], "https://www.spiegel.de/x")
    assert site == [["spiegel", "online"]]
    assert variants == [["storm", "cuts", "power", "to", "thousands"]]


def test_title_variants_keep_a_headline_that_starts_with_the_site_name() -> None:
    # "The Guardian view on …" spells more than the host: it is the headline, not the site's name.
    title = "The Guardian view on Hong Kong: a city on the brink | Editorial"
    variants, site = title_variants([title], "https://www.theguardian.com/commentisfree/2019/nov/18/x")
    assert site == []
    headline = ["the", "guardian", "view", "on", "hong", "kong", "a", "city", "on", "the", "brink"]
    # the title whole, and its parts of two words or more ("Kong: a" has no separator: one part)
    assert variants == [headline + ["editorial"], headline]


def test_title_variants_without_url_name_no_site() -> None:
    variants, site = title_variants(["Kaeser verarscht Neubauer - taz.de"], None)
    assert site == []
    assert variants[0] == ["kaeser", "verarscht", "neubauer", "taz", "de"]
    assert ["kaeser", "verarscht", "neubauer"] in variants


def test_title_variants_mobile_and_www_hosts_name_the_same_site() -> None:
    for url in ("https://m.spiegel.de/a", "https://www.spiegel.de/a", "spiegel.de/a"):
        _, site = title_variants(["Ein Titel hier - Spiegel"], url)
        assert site == [["spiegel"]], url


# ---------------------------------------------------------------------------------------------------
# _title_without_site: the <title> as the headline, its site part cut off


def test_title_without_site_cuts_a_leading_site_name() -> None:
    text = "energieverbraucher.de | Gaspreise"
    got = _title_without_site(text, 4, "https://www.energieverbraucher.de/de/preise__312/")
    assert got == HeadlineChoice(4, cut=len("energieverbraucher.de | "), head_is_site=True)
    assert got is not None and got.cut is not None and text[got.cut :] == "Gaspreise"


def test_title_without_site_cuts_a_trailing_site_name() -> None:
    text = "Storm cuts power to thousands | The Daily Example"
    got = _title_without_site(text, 0, "https://www.dailyexample.com/2019/storm")
    assert got == HeadlineChoice(0, cut=text.index(" | "), head_is_site=False)


def test_title_without_site_unknown_host_cuts_the_shorter_end() -> None:
    text = "Storm cuts power to thousands along the coast – Example Times"
    got = _title_without_site(text, 2, None)
    assert got is not None and got.cut is not None and not got.head_is_site
    assert text[: got.cut] == "Storm cuts power to thousands along the coast"
    # the site name first and shorter: the headline is the tail
    text = "Example Times :: Storm cuts power to thousands along the coast"
    got = _title_without_site(text, 2, None)
    assert got is not None and got.cut is not None and got.head_is_site
    assert text[got.cut :] == "Storm cuts power to thousands along the coast"


def test_title_without_site_whole_title_and_empty_title() -> None:
    assert _title_without_site("Storm cuts power to thousands", 3, None) == HeadlineChoice(3)
    assert _title_without_site(" | – ", 3, None) is None


# ---------------------------------------------------------------------------------------------------
# choose_html_headline on built block lists


def _blocks(rows: list[tuple[str, str, str | None, bool]]) -> tuple[list[str], list[Block | None]]:
    texts = [r[0] for r in rows]
    blocks: list[Block | None] = [Block(0, 0, tag, region, main=main) for _, tag, region, main in rows]
    return texts, blocks


BODY = "A powerful storm knocked out power to more than 40,000 homes and businesses overnight."


def test_the_h1_that_repeats_the_title_beats_a_breadcrumb_that_repeats_it_too() -> None:
    texts, blocks = _blocks([
        ("Storm cuts power to thousands | The Daily Example", "title", None, False),
        ("Home", "li", "nav", False),
        ("Storm cuts power to thousands", "li", None, False),  # breadcrumb
        ("Storm cuts power to thousands", "h1", None, False),
        (BODY, "p", "main", True),
    ])
    got = choose_html_headline(texts, blocks, [texts[0]], len(texts), "https://dailyexample.com/a")
    assert got == HeadlineChoice(3)


def test_a_heading_in_a_nav_named_wrapper_is_the_headline_when_it_repeats_the_title() -> None:
    texts, blocks = _blocks([
        ("Cells That ‘Taste’ Danger Set Off Immune Responses | Quanta Magazine", "title", None, False),
        ("Cells That ‘Taste’ Danger Set Off Immune Responses", "h1", "nav", False),
        (BODY, "p", "main", True),
    ])
    got = choose_html_headline(texts, blocks, [texts[0]], len(texts), "https://www.quantamagazine.org/x")
    assert got == HeadlineChoice(1)


def test_a_nav_link_that_repeats_part_of_the_title_is_not_the_headline() -> None:
    texts, blocks = _blocks([
        ("Storm cuts power to thousands | The Daily Example", "title", None, False),
        ("Storm cuts power", "li", "nav", False),
        (BODY, "p", "main", True),
    ])
    got = choose_html_headline(texts, blocks, [texts[0]], len(texts), "https://dailyexample.com/a")
    # no headline block: the <title> with the site name split off
    assert got == HeadlineChoice(0, cut=texts[0].index(" | "), head_is_site=False)


def test_an_h1_shorter_than_the_title_is_the_headline() -> None:
    title = "Siemens und die Kohlemine Adani: Kaeser verarscht Neubauer - taz.de"
    texts, blocks = _blocks([
        (title, "title", None, False),
        ("Kaeser verarscht Neubauer", "h1", None, False),
        (BODY, "p", "main", True),
    ])
    assert choose_html_headline(texts, blocks, [title], len(texts), "https://taz.de/x/!5655255/") \
        == HeadlineChoice(1)


def test_the_first_h1_when_no_block_repeats_a_title() -> None:
    texts, blocks = _blocks([
        ("Welcome", "title", None, False),
        ("Menu", "h1", "nav", False),  # in the nav: not the fallback
        ("Crews restore power across the coast", "h1", None, False),
        (BODY, "p", "main", True),
    ])
    assert choose_html_headline(texts, blocks, ["Welcome"], len(texts)) == HeadlineChoice(2)
    # nothing at all: no headline
    texts, blocks = _blocks([(BODY, "p", "main", True)])
    assert choose_html_headline(texts, blocks, [], len(texts)) is None


def test_a_comment_heading_after_the_body_is_never_the_headline() -> None:
    texts, blocks = _blocks([
        ("Storm cuts power to thousands", "h2", None, False),
        (BODY, "p", "main", True),
        ("Storm cuts power to thousands", "h1", "comments", False),
    ])
    got = choose_html_headline(texts, blocks, ["Storm cuts power to thousands"], len(texts))
    assert got == HeadlineChoice(0)
    # and blocks from ``stop`` on (the comment zone) are not looked at
    assert choose_html_headline(texts, blocks, ["Storm cuts power to thousands"], 2) == HeadlineChoice(0)


def test_a_block_that_matches_the_site_name_better_than_the_headline_is_not_the_headline() -> None:
    texts, blocks = _blocks([
        ("Spiegel Online", "h1", "header", False),  # the logo
        ("Storm cuts power to thousands", "h2", None, False),
        (BODY, "p", "main", True),
    ])
    got = choose_html_headline(
        texts, blocks, ["Storm cuts power to thousands - Spiegel Online"], len(texts), "https://www.spiegel.de/a"
    )
    assert got == HeadlineChoice(1)


# ---------------------------------------------------------------------------------------------------
# Real pages


@pytest.fixture(scope="module")
def wsj() -> Document:
    return analysed("aeb:042bb7b5")


def test_wsj_headline_is_the_h1_and_the_comment_counter_does_not_swallow_the_page(wsj: Document) -> None:
    assert layer_texts(wsj, "headline") == [
        "Google Stadia, Microsoft xCloud, Apple Arcade: So Many Ways to Play…and Pay"
    ]
    assert wsj.comments == ()
    assert kind_at(wsj, "Gaming used to be so simple.") == "body"
    assert kind_at(wsj, "Now we spend money over and over on virtual perks.") == "body"


def test_quanta_h1_in_a_nav_named_wrapper_is_the_headline() -> None:
    doc = analysed("aeb:bdb56ac8")
    assert layer_texts(doc, "headline") == ["Cells That ‘Taste’ Danger Set Off Immune Responses"]
    assert [x.author for x in doc.layers if x.kind == "byline"] == ["Carrie Arnold"]


def test_guardian_view_is_the_headline_on_theguardian_com() -> None:
    doc = analysed("aeb:5fa3154e")
    assert doc.url is not None and "theguardian.com" in doc.url
    assert layer_texts(doc, "headline") == ["The Guardian view on Hong Kong: a city on the brink"]
    # the <title> ("… | Editorial") is not a second headline
    assert kind_at(doc, "The Guardian view on Hong Kong: a city on the brink | Editorial") == "boilerplate"


def test_taz_h1_shorter_than_the_title_is_the_headline() -> None:
    doc = analysed("tev:taz.de.siemens.html")
    assert doc.title == "Siemens und die Kohlemine Adani: Kaeser verarscht Neubauer"
    assert layer_texts(doc, "headline") == ["Kaeser verarscht Neubauer"]


def test_page_without_h1_takes_its_title_without_the_site_name() -> None:
    doc = analysed("tev:energieverbraucher.de.energie.html")
    title = "energieverbraucher.de | Gaspreise"
    assert doc.text.startswith(title)
    assert layer_texts(doc, "headline") == ["Gaspreise"]
    assert kind_at(doc, "energieverbraucher.de |") == "boilerplate"
    assert not any(b.tag == "h1" for b in doc.blocks)
