"""Page parts of HTML blocks (ingest/regions): related-article lists by their shape, site-wide lists,
the parts of one comment (writer, time, buttons, pingbacks), and schema.org comments (ingest/dom)."""

from __future__ import annotations

import pytest

from newstrace.analyze import anatomy_pipeline
from newstrace.ingest.charset import decode_html
from newstrace.ingest.dom import parse
from newstrace.ingest.html import read_html
from newstrace.ingest.main_text import read_body
from newstrace.ingest.page_meta import page_title
from newstrace.ingest.regions import related_lists
from newstrace.model import Block, Document

from ..real_pages import analysed, built_page, kind_at, labels, layer_texts, raw_page, squash


def _related_texts(after: str) -> list[str]:
    """The texts of the blocks ``related_lists`` finds on the built page."""
    root = parse(built_page(after), "built.html")
    reading = read_body(root, page_title(root))
    return [reading.segs[i].text for i in sorted(related_lists(reading.segs, reading.judged))]


def _doc(after: str) -> Document:
    return read_html(built_page(after), doc_id="built", source="built.html", url="https://www.dailyexample.com/a")


def _block(doc: Document, snippet: str) -> Block:
    at = doc.text.index(snippet)
    return next(b for b in doc.blocks if b.start <= at < b.end)


# ---------------------------------------------------------------------------------------------------
# Related lists by shape

RELATED = """<div class="box-7"><h3>Read this next</h3><ul>
<li><a href="/a">Crews restore power to coastal towns after the storm</a></li>
<li><span>Nov 21, 2019</span></li>
<li><a href="/b">How to prepare your home for the next big storm</a></li>
<li><a href="/c">Schools reopen as the clean-up continues across the region</a></li>
<li>Teachers say most pupils were back in class on Friday, though two buildings stay shut.</li>
</ul></div><p>Copyright 2019 The Daily Example</p>"""


def test_a_run_of_headline_links_with_its_title_is_a_related_list() -> None:
    assert _related_texts(RELATED) == [
        "Read this next",
        "Crews restore power to coastal towns after the storm",
        "Nov 21, 2019",
        "How to prepare your home for the next big storm",
        "Schools reopen as the clean-up continues across the region",
        "Teachers say most pupils were back in class on Friday, though two buildings stay shut.",
    ]


def test_related_list_blocks_get_region_and_layer_related() -> None:
    doc = _doc(RELATED)
    assert _block(doc, "How to prepare your home").region == "related"
    assert _block(doc, "Read this next").region == "related"
    assert _block(doc, "Copyright 2019").region != "related"
    analysed_doc = anatomy_pipeline()(doc)
    assert kind_at(analysed_doc, "Crews restore power to coastal towns") == "related"
    assert kind_at(analysed_doc, "Several school districts cancelled") == "body"


def test_a_site_menu_of_short_items_is_not_related() -> None:
    menu = """<div class="box-7"><ul>
<li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/weather">Weather</a></li><li><a href="/opinion">Opinion and analysis</a></li>
<li><a href="/about">About us</a></li></ul></div>"""
    assert _related_texts(menu) == []
    assert _block(_doc(menu), "Weather").region != "related"


def test_two_headline_links_are_not_a_list() -> None:
    two = """<div class="box-7"><ul>
<li><a href="/a">Crews restore power to coastal towns after the storm</a></li>
<li><a href="/b">How to prepare your home for the next big storm</a></li></ul></div>"""
    assert _related_texts(two) == []


def test_headline_links_in_a_nav_or_footer_are_not_related() -> None:
    links = """<ul>
<li><a href="/a">Crews restore power to coastal towns after the storm</a></li>
<li><a href="/b">How to prepare your home for the next big storm</a></li>
<li><a href="/c">Schools reopen as the clean-up continues across the region</a></li></ul>"""
    assert _related_texts(f"<nav>{links}</nav>") == []
    assert _related_texts(f"<footer>{links}</footer>") == []


def test_a_most_read_list_is_site_wide_not_related() -> None:
    # by its title
    most_read = RELATED.replace("Read this next", "Most read")
    assert _related_texts(most_read) == []
    doc = anatomy_pipeline()(_doc(most_read))
    assert kind_at(doc, "How to prepare your home") == "boilerplate"
    assert kind_at(doc, "Most read") == "boilerplate"
    # by the names of its elements: an aside
    popular = RELATED.replace('<div class="box-7">', '<div class="most-popular">')
    assert _related_texts(popular) == []
    doc = anatomy_pipeline()(_doc(popular))
    assert _block(doc, "How to prepare your home").region == "aside"
    assert kind_at(doc, "Crews restore power to coastal towns") == "boilerplate"


def test_share_buttons_are_not_a_related_list() -> None:
    # Guard: four-word share buttons read as headlines (bbc.com: "Share this with Facebook" is
    # laid out as related; regards.fr: the skip link "Aller à la navigation" and follow buttons).
    share = """<div class="box-7"><ul>
<li><a href="/s/fb">Share this with Facebook</a></li><li><a href="/s/ms">Share this with Messenger</a></li>
<li><a href="/s/tw">Share this with Twitter</a></li><li><a href="/s/em">Share this with Email</a></li>
</ul></div>"""
    assert _related_texts(share) == []


# ---------------------------------------------------------------------------------------------------
# Parts of one comment (comment_part) and schema.org comments


WORDPRESS = """<div id="comments"><h2>2 thoughts on this</h2><ol class="comment-list">
<li class="comment depth-1" id="li-comment-1"><article id="comment-1" class="comment">
<footer class="comment-meta"><div class="comment-author vcard"><b class="fn">photobix</b> says:</div>
<div class="comment-metadata"><a href="#c1">
<time datetime="2012-12-11">December 11, 2012 at 11:07 am</time></a></div>
</footer>
<section class="comment-content comment"><p>Thanks for this post, it had to be said.</p></section>
<div class="reply"><a class="comment-reply-link" href="#">Reply</a></div></article>
<ol class="children"><li class="comment depth-2" id="li-comment-2"><article id="comment-2" class="comment">
<section class="comment-content comment"><p>Right, and that goes for the others too.</p></section>
</article></li></ol></li>
<li class="pingback" id="li-comment-3"><p>Pingback: Some other blog links here | Another site</p></li>
</ol></div>"""


@pytest.fixture(scope="module")
def wordpress() -> Document:
    return _doc(WORDPRESS)


def test_comment_parts_are_tagged(wordpress: Document) -> None:
    assert _block(wordpress, "photobix says:").tag == "comment-author"
    assert _block(wordpress, "December 11, 2012").tag == "comment-date"
    assert _block(wordpress, "Reply").tag == "comment-actions"
    assert _block(wordpress, "Pingback:").tag == "comment-linkback"
    assert _block(wordpress, "Thanks for this post").tag == "p"
    assert _block(wordpress, "2 thoughts on this").tag == "h2"


def test_a_text_section_with_class_comment_is_part_of_its_item(wordpress: Document) -> None:
    head, text = _block(wordpress, "photobix says:"), _block(wordpress, "Thanks for this post")
    reply = _block(wordpress, "Right, and that goes")
    assert head.region == text.region == reply.region == "comments"
    assert head.group is not None and head.group == text.group
    assert reply.group is not None and reply.group != head.group
    assert (head.depth, text.depth, reply.depth) == (0, 0, 1)
    assert _block(wordpress, "2 thoughts on this").group is None


def test_schema_org_comment_items_without_comment_classes() -> None:
    doc = _doc("""<div class="discussion"><h3>Reader responses</h3>
<div itemscope itemtype="http://schema.org/Comment"><div itemprop="author">Anna Berg</div>
<div itemprop="text"><p>Our street still has no power this morning.</p></div>
<div itemscope itemtype="https://schema.org/Comment"><div itemprop="author">Ben Ortiz</div>
<div itemprop="text"><p>Ours came back at six this morning.</p></div></div></div>
<div itemprop="comment"><p>A comment marked by its itemprop only, without any item type.</p></div>
</div>""")
    anna, anna_text = _block(doc, "Anna Berg"), _block(doc, "Our street")
    ben = _block(doc, "Ben Ortiz")
    assert {anna.region, anna_text.region, ben.region} == {"comments"}
    assert anna.tag == "comment-author" and ben.tag == "comment-author"
    assert anna.group == anna_text.group and anna.group is not None
    assert ben.group not in (None, anna.group)
    assert (anna.depth, ben.depth) == (0, 1)
    assert _block(doc, "A comment marked by its itemprop only").region == "comments"
    assert _block(doc, "Several school districts").region == "main"


# ---------------------------------------------------------------------------------------------------
# Real pages: labelled related links are in related layers


LABELLED_RELATED = [
    "aeb:2f42ef1d3ea0c96e56355d3db93d0e06b47e760b",  # wired.com
    "aeb:921019755f4a96ac4abf9dbcb4ef9d5ac202624a",  # news.sky.com
    "aeb:3252222e61fe78982cffe0b0bad2b089c27b32f6",  # comoeducarseusfilhos.com.br (pt)
    "tev:uebermedien.de-Israel.html",
    "tev:handelsblatt.com.grenzschliessungen.html",
    "tev:laprensagrafica.com.fiscal.html",  # es
    "tev:basicthinking.de.tweets.html",
]


@pytest.mark.parametrize("name", LABELLED_RELATED)
def test_labelled_related_links_are_related_layers(name: str) -> None:
    key = next(k for k in labels() if k.startswith(name))
    doc = analysed(key)
    related = squash(" ".join(layer_texts(doc, "related")))
    wanted = labels()[key]["related"]
    assert wanted
    assert [x for x in wanted if squash(x) not in related] == []


def test_previous_and_next_post_links_are_related() -> None:
    # Guard: the labels count previous/next-post links next to the article as related
    # (README: "or previous/next-post links next to the article"); here they sit in a <nav> and are
    # left as boilerplate.
    key = "tev:de.creativecommons.org.endlich.html"
    doc = analysed(key)
    related = squash(" ".join(layer_texts(doc, "related")))
    assert [x for x in labels()[key]["related"] if squash(x) not in related] == []


def test_real_share_and_account_menus_are_not_related() -> None:
    # Guard: menus of four-word items read as headline lists (bbc.com share bar; regards.fr
    # skip link; ledevoir.com account menu).
    bbc = analysed("aeb:70cb2d5bca75ab5a8f6bb378a3")
    assert kind_at(bbc, "Share this with Facebook") != "related"
    assert kind_at(analysed("tev:regards.fr.enquetes.html"), "Aller à la navigation") != "related"
    assert kind_at(analysed("tev:ledevoir.com.trottinettes.html"), "Se connecter") != "related"


def test_related_lists_on_a_real_page_keep_out_the_body() -> None:
    raw, doc_id, _ = raw_page("tev:uebermedien.de-Israel.html")
    root = parse(decode_html(raw, doc_id), doc_id)
    reading = read_body(root, page_title(root))
    found = related_lists(reading.segs, reading.judged)
    assert found
    assert not any(reading.judged.main[i] for i in found)
