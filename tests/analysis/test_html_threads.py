"""Reader comments of HTML pages threaded by their markup (analysis/html_threads), and comment sections
the markup does not name (layers._unmarked_comment_section): built units and pages, and real pages
checked against their hand labels (``fixtures/anatomy/labels.json``)."""

from __future__ import annotations

import pytest

from newstrace.analysis.html_threads import shows_writer_or_time, thread_html_comments
from newstrace.analysis.shown_dates import name_and_date
from newstrace.analysis.units import Unit
from newstrace.analyze import anatomy_pipeline
from newstrace.ingest.html import read_html
from newstrace.model import Block, Comment, Document

from ..real_pages import analysed, built_page, kind_at, labels

# ---------------------------------------------------------------------------------------------------
# Head lines: who wrote a comment and when


@pytest.mark.parametrize(
    "text",
    [
        "Anna says:",
        "degski says:",
        "Michael Blahm sagt:",
        "Michael wrote on 3 May:",
        "August 5, 2019 at 4:43 pm",
        "2. April 2014 um 8:29 Uhr",
        "nostrocrompt 17 September 2020 14:17",
    ],
)
def test_blocks_that_show_a_writer_or_a_time(text: str) -> None:
    assert shows_writer_or_time(text)


def test_a_german_head_line_shows_a_writer_and_time_like_an_english_one() -> None:
    # Guard: "nostrocrompt 17 September 2020 14:17" shows a time, but the WordPress head
    # "photobix 11. Dezember 2012 um 11:07" does not (``shown_date`` finds no date after the name), so a
    # German section of such heads without item markup is not threaded by its heads.
    assert shows_writer_or_time("photobix 11. Dezember 2012 um 11:07")


@pytest.mark.parametrize(
    "text",
    [
        "Reply",
        "Leave a Reply",
        "12 Comments",
        "Anna",
        "Your email address will not be published. Required fields are marked *",
        "On August 5, 2019 the council met again and decided, after a long and heated debate, to close it.",
    ],
)
def test_blocks_that_show_neither(text: str) -> None:
    assert not shows_writer_or_time(text)


@pytest.mark.parametrize(
    ("text", "name", "day"),
    [
        ("photobix 11. Dezember 2012 um 11:07", "photobix", "2012-12-11"),
        ("Mathias Autor11. Dezember 2012 um 13:19", "Mathias Autor", "2012-12-11"),  # no space before the day
        ("Daniel on August 5, 2019", "Daniel", "2019-08-05"),
        ("Tobias Raff 11. Dezember 2012 um 13:58", "Tobias Raff", "2012-12-11"),
        ("Anna", "Anna", None),
    ],
)
def test_name_and_date_of_a_head_line(text: str, name: str, day: str | None) -> None:
    assert name_and_date(text) == (name, day)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # gormulus.wordpress.com comment heads (labelled authors)
        ("Jo Menschenfreund 12. Dezember 2012 um 09:35", "Jo Menschenfreund"),
        ("Denkmalüberdenscheißnach Dendudaschreibst 12. Dezember 2012 um 02:26",
         "Denkmalüberdenscheißnach Dendudaschreibst"),
        # tomshardware.com forum heads (labelled authors)
        ("nostrocrompt 17 September 2020 14:17", "nostrocrompt"),
        ("Blitz Hacker 17 September 2020 20:34", "Blitz Hacker"),
        ("hotaru.hino 17 September 2020 16:10", "hotaru.hino"),
        ("Max Mustermann 3 May 2019", "Max Mustermann"),
        ("Anna Schmidt am 3. Mai 2019", "Anna Schmidt"),
    ],
)
def test_name_and_date_keeps_the_whole_name(text: str, name: str) -> None:
    # Guard: the first cut whose rest shows a date wins, and ``shown_date`` finds the date anywhere
    # in that rest, so the name is cut inside a word ("Jo Menschenfre", "n", "Max", "Anna Schmidt a").
    assert name_and_date(text)[0] == name


# ---------------------------------------------------------------------------------------------------
# thread_html_comments on built units


def _units(rows: list[tuple[str, str, int, int | None]]) -> list[Unit]:
    """Units of one comment section: (text, tag, depth, group)."""
    out: list[Unit] = []
    pos = 0
    for text, tag, depth, group in rows:
        out.append(Unit(pos, pos + len(text), text, block=Block(pos, pos + len(text), tag, "comments", depth,
                                                                  group=group)))
        pos += len(text) + 2
    return out


def test_items_are_comments_and_their_parts_give_writer_and_day() -> None:
    units = _units([
        ("2 thoughts on “Storm cuts power”", "h2", 0, None),
        ("photobix 11. Dezember 2012 um 11:07", "comment-author", 0, 0),
        ("Danke für diesen Beitrag!", "p", 0, 0),
        ("Antwort", "comment-actions", 0, 0),
        ("jeuys", "comment-author", 1, 1),
        ("12. Dezember 2012 um 12:57", "comment-date", 1, 1),
        ("Richtig, und das gilt auch für andere.", "p", 1, 1),
        ("Antwort", "comment-actions", 1, 1),
        ("Pingback: Some other blog | Another site", "comment-linkback", 0, 2),
        ("Leave a Reply", "h3", 0, None),
        ("Your email address will not be published.", "p", 0, None),
    ])
    comments = thread_html_comments(units, 0, len(units))
    assert comments == [
        Comment(1, None, None, "photobix", units[1].start, units[2].end, "2012-12-11"),
        Comment(2, 1, None, "jeuys", units[4].start, units[6].end, "2012-12-12"),
    ]
    assert [u.kind for u in units] == [
        "boilerplate", "comment", "comment", "boilerplate", "comment", "comment", "comment", "boilerplate",
        "boilerplate", "boilerplate", "boilerplate",
    ]
    assert [u.comment for u in units if u.kind == "comment"] == [1, 1, 2, 2, 2]


def test_siblings_and_deeper_replies_get_their_parents() -> None:
    units = _units([
        ("Anna says:", "comment-author", 0, 0),
        ("First!", "p", 0, 0),
        ("Ben says:", "comment-author", 1, 1),
        ("Reply to Anna.", "p", 1, 1),
        ("Cleo says:", "comment-author", 2, 2),
        ("Reply to Ben.", "p", 2, 2),
        ("Dan says:", "comment-author", 1, 3),
        ("Another reply to Anna.", "p", 1, 3),
        ("Eve says:", "comment-author", 0, 4),
        ("A new thread.", "p", 0, 4),
    ])
    comments = thread_html_comments(units, 0, len(units))
    assert [(c.id, c.parent, c.author) for c in comments] == [
        (1, None, "Anna"), (2, 1, "Ben"), (3, 2, "Cleo"), (4, 1, "Dan"), (5, None, "Eve"),
    ]


def test_a_section_without_items_or_writers_is_no_thread() -> None:
    units = _units([
        ("Leave a Reply", "h3", 0, None),
        ("Your email address will not be published. Required fields are marked *", "p", 0, None),
        ("Comment", "label", 0, None),
        ("Comments are closed.", "p", 0, None),
    ])
    assert thread_html_comments(units, 0, len(units)) == []
    assert [u.kind for u in units] == ["boilerplate", "boilerplate", "boilerplate", "comments_closed"]


def test_a_section_without_items_is_threaded_by_its_head_lines() -> None:
    units = _units([
        ("3 Comments", "h3", 0, None),
        ("Anna says:", "p", 0, None),
        ("August 5, 2019 at 4:43 pm", "p", 0, None),
        ("Our street still has no power.", "p", 0, None),
        ("Ben says:", "p", 0, None),
        ("August 6, 2019 at 9:01 am", "p", 0, None),
        ("Ours came back at six.", "p", 0, None),
        ("And the school reopened too.", "p", 0, None),
    ])
    comments = thread_html_comments(units, 0, len(units))
    # Guard: a head line that is only a date gives no date (``_name_and_date`` looks for a date
    # after a name only), so both dates are None.
    assert [(c.author, c.date, c.start, c.end) for c in comments] == [
        ("Anna", "2019-08-05", units[1].start, units[3].end),
        ("Ben", "2019-08-06", units[4].start, units[7].end),
    ]
    assert units[0].kind == "boilerplate"


def test_only_units_of_the_comment_region_are_threaded() -> None:
    units = _units([("Anna says:", "comment-author", 0, 0), ("First!", "p", 0, 0)])
    body = Unit(0, 5, "Body.", block=Block(0, 5, "p", "main", main=True))
    assert thread_html_comments([body, *units], 0, 3)[0].author == "Anna"
    assert body.kind is None


# ---------------------------------------------------------------------------------------------------
# Built pages through the whole anatomy


def _page(after: str) -> Document:
    html = built_page(after, "Storm cuts power to thousands across the coast | The Daily Example")
    doc = read_html(html, doc_id="built", source="built.html", url="https://www.dailyexample.com/2019/storm")
    return anatomy_pipeline()(doc)


SCHEMA_ORG = """<div class="discussion"><h3>Reader responses</h3>
<div itemscope itemtype="http://schema.org/Comment">
 <div itemprop="author">Anna Berg</div>
 <div itemprop="text"><p>Our street still has no power this morning, and nobody has called us back.</p></div>
 <div itemscope itemtype="http://schema.org/Comment">
  <div itemprop="author">Ben Ortiz</div>
  <div itemprop="text"><p>Ours came back at six this morning, hang in there everyone.</p></div>
 </div>
</div>
<div itemscope itemtype="https://schema.org/Comment">
 <div itemprop="author">Carla Diaz</div>
 <div itemprop="text"><p>Thanks for the report, it helped us plan the drive home tonight.</p></div>
</div></div>"""


def test_schema_org_comments_without_comment_classes() -> None:
    doc = _page(SCHEMA_ORG)
    got = [(c.id, c.parent, c.author, doc.text[c.start : c.end]) for c in doc.comments]
    assert got == [
        (1, None, "Anna Berg",
         "Anna Berg\n\nOur street still has no power this morning, and nobody has called us back."),
        (2, 1, "Ben Ortiz", "Ben Ortiz\n\nOurs came back at six this morning, hang in there everyone."),
        (3, None, "Carla Diaz",
         "Carla Diaz\n\nThanks for the report, it helped us plan the drive home tonight."),
    ]
    assert kind_at(doc, "Reader responses") == "boilerplate"
    assert kind_at(doc, "Several school districts") == "body"


def test_schema_org_comment_time_gives_the_day() -> None:
    # Guard: ``comment_part`` names a block "comment-date" for a ``<time>`` only when <time> is a
    # block element, which it never is in the DOM walk; a comment's own <time> line gives no date.
    doc = _page("""<div class="discussion"><div itemscope itemtype="http://schema.org/Comment">
 <div itemprop="author">Anna Berg</div>
 <div class="when"><time datetime="2019-11-20">November 20, 2019</time></div>
 <div itemprop="text"><p>Our street still has no power this morning, and nobody has called us back.</p></div>
</div><div itemscope itemtype="http://schema.org/Comment">
 <div itemprop="author">Ben Ortiz</div>
 <div class="when"><time datetime="2019-11-21">November 21, 2019</time></div>
 <div itemprop="text"><p>Ours came back at six this morning, hang in there everyone.</p></div>
</div></div>""")
    got = [(c.author, c.date) for c in doc.comments]
    assert got == [("Anna Berg", "2019-11-20"), ("Ben Ortiz", "2019-11-21")]


WORDPRESS = """<div id="comments"><h2>2 thoughts on this</h2><ol class="comment-list">
<li class="comment depth-1" id="li-comment-1"><article id="comment-1" class="comment">
<header class="comment-meta comment-author vcard"><cite><b class="fn">photobix</b></cite>
<a href="#c1"><time datetime="2012-12-11T11:07">11. Dezember 2012 um 11:07</time></a></header>
<section class="comment-content comment">
<p>Danke für diesen Beitrag, das musste mal gesagt werden.</p></section>
<div class="reply"><a class="comment-reply-link" href="#">Antwort</a></div></article>
<ol class="children"><li class="comment depth-2" id="li-comment-2"><article id="comment-2" class="comment">
<header class="comment-meta comment-author vcard"><cite><b class="fn">jeuys</b></cite>
<a href="#c2"><time datetime="2012-12-12T12:57">12. Dezember 2012 um 12:57</time></a></header>
<section class="comment-content comment">
<p>Richtig, und das gilt auch für alle anderen Parteien hier.</p></section>
<div class="reply"><a class="comment-reply-link" href="#">Antwort</a></div></article></li></ol></li>
<li class="pingback" id="li-comment-3"><p>Pingback: Some other blog links here | Another site</p></li>
</ol></div>"""


def test_wordpress_text_section_with_class_comment_is_part_of_its_item() -> None:
    doc = _page(WORDPRESS)
    got = [(c.id, c.parent, c.author, c.date, doc.text[c.start : c.end]) for c in doc.comments]
    assert got == [
        (1, None, "photobix", "2012-12-11",
         "photobix 11. Dezember 2012 um 11:07\n\nDanke für diesen Beitrag, das musste mal gesagt werden."),
        (2, 1, "jeuys", "2012-12-12",
         "jeuys 12. Dezember 2012 um 12:57\n\nRichtig, und das gilt auch für alle anderen Parteien hier."),
    ]
    assert kind_at(doc, "Antwort") == "boilerplate"
    assert kind_at(doc, "Pingback:") == "boilerplate"
    assert kind_at(doc, "2 thoughts on this") == "boilerplate"


UNMARKED = """<div class="box"><h3>3 Comments</h3>
<p>Anna says:</p><p>Our street still has no power this morning, and nobody has called us back yet.</p>
<p>Ben says:</p><p>Ours came back at six this morning, hang in there everyone on the coast.</p>
<p>Carla says:</p><p>Thanks for the report, it helped us plan the drive home tonight.</p></div>
<footer><p>Copyright 2019 The Daily Example. All rights reserved.</p></footer>"""


def test_unmarked_comments_after_the_article() -> None:
    doc = _page(UNMARKED)
    got = [(c.id, c.parent, c.author, doc.text[c.start : c.end]) for c in doc.comments]
    assert got == [
        (1, None, "Anna",
         "Anna says:\n\nOur street still has no power this morning, and nobody has called us back yet."),
        (2, None, "Ben",
         "Ben says:\n\nOurs came back at six this morning, hang in there everyone on the coast."),
        (3, None, "Carla", "Carla says:\n\nThanks for the report, it helped us plan the drive home tonight."),
    ]
    assert kind_at(doc, "3 Comments") == "boilerplate"
    assert kind_at(doc, "Copyright 2019") == "boilerplate"
    assert kind_at(doc, "Several school districts") == "body"


def test_unmarked_dated_heads_after_the_article() -> None:
    # Guard: an unmarked section is threaded by the plain-text threader, one comment per block:
    # the head lines ("Anna Berg – May 3, 2019 at 6:34 am") become comments of their own, without
    # writer or date (the marked path, ``thread_html_comments``, joins a head and its text).
    doc = _page("""<div class="box"><h3>2 Comments</h3>
<p>Anna Berg – May 3, 2019 at 6:34 am</p>
<p>Our street still has no power this morning, and nobody called back.</p>
<p>Ben Ortiz – May 4, 2019 at 8:10 pm</p><p>Ours came back at six this morning, hang in there everyone.</p>
</div><footer><p>Copyright 2019 The Daily Example. All rights reserved.</p></footer>""")
    assert kind_at(doc, "Our street still has no power") == "comment"
    got = [(c.author, c.date, doc.text[c.start : c.end]) for c in doc.comments]
    assert got == [
        ("Anna Berg", "2019-05-03",
         "Anna Berg – May 3, 2019 at 6:34 am\n\n"
         "Our street still has no power this morning, and nobody called back."),
        ("Ben Ortiz", "2019-05-04",
         "Ben Ortiz – May 4, 2019 at 8:10 pm\n\nOurs came back at six this morning, hang in there everyone."),
    ]


def test_one_writer_line_after_the_article_is_no_comment_section() -> None:
    # One "says:" block is not two: the paragraphs after the article stay what they are.
    doc = _page("""<div class="box"><h3>Comments</h3>
<p>Anna says:</p><p>Our street still has no power this morning, and nobody has called us back yet.</p>
<p>Sign up for our newsletter to get the morning's top stories in your inbox every day.</p></div>""")
    assert doc.comments == ()
    assert kind_at(doc, "Our street still has no power") != "comment"


# ---------------------------------------------------------------------------------------------------
# Real pages against their labels


def _label(name: str) -> dict[str, object]:
    return labels()[name]


@pytest.fixture(scope="module")
def gormulus() -> Document:
    return analysed("tev:gormulus.wordpress.com.durfen.html")


def test_wordpress_threads_match_the_labelled_nesting(gormulus: Document) -> None:
    labelled = labels()["tev:gormulus.wordpress.com.durfen.html"]["comments"]
    assert len(gormulus.comments) == len(labelled) == 40
    # label parents are list indices; comment ids count from 1
    assert [c.parent for c in gormulus.comments] == [
        None if x["parent"] is None else x["parent"] + 1 for x in labelled
    ]
    for c, x in zip(gormulus.comments, labelled, strict=True):
        shown = " ".join(gormulus.text[c.start : c.end].split())
        assert " ".join(x["text_start"].split())[:30] in shown


def test_wordpress_authors_without_the_date_and_dates(gormulus: Document) -> None:
    first = gormulus.comments[0]
    assert (first.author, first.date) == ("photobix", "2012-12-11")
    assert gormulus.text[first.start : first.end].endswith("Danke!")
    assert [c.date for c in gormulus.comments[:8]] == ["2012-12-11"] * 8
    assert gormulus.comments[-1].date == "2013-01-09"
    assert all(c.date is not None for c in gormulus.comments)
    assert [c.author for c in gormulus.comments[:2]] == ["photobix", "jeuys"]


def test_wordpress_pingbacks_are_not_comments(gormulus: Document) -> None:
    assert "Pingback" not in " ".join(gormulus.text[c.start : c.end] for c in gormulus.comments)
    assert not any((c.author or "").startswith("Pingback") for c in gormulus.comments)


def test_wordpress_authors_match_the_labels(gormulus: Document) -> None:
    # Guard (see test_name_and_date_keeps_the_whole_name): "Jo Menschenfre", "…Dendudaschreibs".
    # "Mathias Autor" (the blog owner's "Autor" badge) is left out of this comparison.
    labelled = labels()["tev:gormulus.wordpress.com.durfen.html"]["comments"]
    pairs = [(c.author, x["author"]) for c, x in zip(gormulus.comments, labelled, strict=True)]
    kept = [(got, want) for got, want in pairs if want != "Mathias"]
    assert [got for got, _ in kept] == [want for _, want in kept]


@pytest.mark.parametrize("name", ["tev:lemire.me.json.html", "tev:californiaglobe.com.amazon.html"])
def test_says_threads_match_the_labels(name: str) -> None:
    doc = analysed(name)
    labelled = labels()[name]["comments"]
    assert [(c.author, c.parent) for c in doc.comments] == [
        (x["author"], None if x["parent"] is None else x["parent"] + 1) for x in labelled
    ]
    assert all(c.date is not None for c in doc.comments)


def test_lemire_says_heads_and_dates() -> None:
    doc = analysed("tev:lemire.me.json.html")
    assert [(c.author, c.date) for c in doc.comments] == [
        ("degski", "2019-08-03"), ("degski", "2019-08-05"), ("Daniel Lemire", "2019-08-05"),
        ("wmu", "2019-08-05"), ("Daniel Lemire", "2019-08-05"),
    ]
    first = doc.comments[0]
    shown = doc.text[first.start : first.end]
    assert shown.startswith("degski says:\n\nAugust 3, 2019 at 4:11 am\n\nThanks,")


def test_creativecommons_sagt_items_and_pingback() -> None:
    name = "tev:de.creativecommons.org.endlich.html"
    doc = analysed(name)
    assert [(c.author, c.date, c.parent) for c in doc.comments] == [
        ("Michael Blahm", "2014-04-02", None),
        ("GoldKind", "2014-07-10", None),
        ("Robbinho", "2014-07-29", None),
    ]
    assert [c.author for c in doc.comments] == [x["author"] for x in labels()[name]["comments"]]
    assert kind_at(doc, "Pingback: IT LawCamp 2014") == "boilerplate"
    assert kind_at(doc, "Antworten") == "boilerplate"


@pytest.fixture(scope="module")
def tomshardware() -> Document:
    return analysed("tev:tomshardware.com.rtx.html")


def test_forum_heads_without_item_markup_give_dates(tomshardware: Document) -> None:
    dated = [c for c in tomshardware.comments if c.date is not None]
    assert len(dated) == 10
    assert {c.date for c in dated} == {"2020-09-17"}
    first = dated[0]
    assert tomshardware.text[first.start : first.end].startswith(
        "nostrocrompt 17 September 2020 14:17\n\nHow to buy: be a bot"
    )


def test_forum_comment_count_header_is_not_a_comment(tomshardware: Document) -> None:
    # Guard: "32 Comments Comment from the forums" becomes comment 1 (no author, no date).
    labelled = labels()["tev:tomshardware.com.rtx.html"]["comments"]
    assert len(tomshardware.comments) == len(labelled) == 10
    assert kind_at(tomshardware, "32 Comments Comment from the forums") == "boilerplate"


def test_forum_heads_give_whole_user_names(tomshardware: Document) -> None:
    # Guard: authors come out as "n", "b", "m", "hotaru.h", "Ast", "Wick", "jgould", "Blitz" …
    labelled = labels()["tev:tomshardware.com.rtx.html"]["comments"]
    assert [c.author for c in tomshardware.comments if c.date is not None] == [x["author"] for x in labelled]


@pytest.mark.parametrize(
    ("name", "notice"),
    [
        ("aeb:8cad00dc22de45ba42e9540421b5f78333f7ac57b385d69acb27a53b9fd69f0c", "Leave a Reply"),
        ("aeb:c4a3637c6696f238cf9fe1c7fbb17bbb6731a71d4f5fe399b9b4fc3294a96a6b", "Добавить комментарий"),
    ],
)
def test_a_reply_form_alone_is_no_comment(name: str, notice: str) -> None:
    doc = analysed(name)
    assert labels()[name]["comments"] == []
    assert doc.comments == ()
    assert not any(x.kind == "comment" for x in doc.layers)
    assert kind_at(doc, notice) == "boilerplate"


def test_schema_org_items_with_comment_meta_headers() -> None:
    # comoeducarseusfilhos.com.br: <li itemtype=".../Comment"> items whose header holds
    # <cite class="comment-author" itemprop="author">Karol</cite> and a relative time ("1 ano atrás").
    name = "aeb:3252222e61fe78982cffe0b0bad2b089c27b32f65852d1c5d3951517f3c2e295"
    doc = analysed(name)
    assert [c.parent for c in doc.comments] == [None, 1]
    assert doc.text[doc.comments[1].start : doc.comments[1].end].find("Karol, acredito") >= 0
    # Guard: the header block is tagged "comment-date" (class comment-meta), so its writer is never
    # read: both authors are None (labelled: Karol, Lilian).
    assert [c.author for c in doc.comments] == [x["author"] for x in labels()[name]["comments"]]


# ---------------------------------------------------------------------------------------------------
# More labelled comment pages: nesting, and the writers their head lines show

THREADED = {
    "tev:spektrum.de.engelbart.html": "WordPress, 59 comments",
    "tev:netzpolitik.org.abmahnungen.html": "WordPress, 74 comments, replies",
    "tev:toptal.com.python.html": "Disqus fallback markup, 86 comments",
    "tev:uebermedien.de-Israel.html": "17 comments",
    "tev:exxpress.at-zaehne.html": "25 comments",
    "aeb:8e3efab59f48fd29a1e1e7aa135880c4251a9f090f94999668cdbaec59d30b5a": "profootballtalk, 34 comments",
    "tev:moritz-meyer.net.vreni.html": "20 comments among 16 pingbacks",
    "tev:hpd.de-Homosexuellenhass.html": "Drupal, 10 comments",
    "tev:cicero.de.pandemie.html": "8 comments",
    "tev:lopinion.fr.glyphosate.html": "6 comments",
    "tev:regards.fr.enquetes.html": "SPIP, 11 comments",
    "tev:lady50plus.de.sekre.html": "10 comments",
}


@pytest.mark.parametrize("name", list(THREADED))
def test_labelled_threads_have_the_labelled_comments_and_parents(name: str) -> None:
    doc = analysed(name)
    labelled = labels()[name]["comments"]
    want = [None if x["parent"] is None else x["parent"] + 1 for x in labelled]
    assert [c.parent for c in doc.comments] == want


@pytest.mark.parametrize(
    "name",
    [
        "tev:spektrum.de.engelbart.html",
        "tev:netzpolitik.org.abmahnungen.html",
        "tev:toptal.com.python.html",
        "tev:uebermedien.de-Israel.html",
        "tev:exxpress.at-zaehne.html",
        "aeb:8e3efab59f48fd29a1e1e7aa135880c4251a9f090f94999668cdbaec59d30b5a",
    ],
)
def test_labelled_comment_writers(name: str) -> None:
    doc = analysed(name)
    assert [c.author for c in doc.comments] == [x["author"] for x in labels()[name]["comments"]]


@pytest.mark.parametrize(
    ("name", "head"),
    [
        # Guards, each with a head line the page shows (all writers come out None, or with a badge):
        # a comment-author block whose date is followed by a reply link (shown_date finds no date, and the
        # whole line is too long for a name)
        ("tev:moritz-meyer.net.vreni.html", "Ben 19. Juni 2018 um 15:28 Uhr - Antworten"),
        ("tev:hpd.de-Homosexuellenhass.html",
         "Gerhard Baierlein am 18. Oktober 2023 - 13:11 Permanenter Link"),
        # an item's first block (a heading, a plain div) that shows "name | date" or "Par name, le date"
        ("tev:cicero.de.pandemie.html", "Heidemarie Heim | Di, 21. April 2020 - 16:40"),
        ("tev:lopinion.fr.glyphosate.html", "Par Bruno Gobin, le mercredi 15 mai 2019 à 08h07"),
        # a comment-date block after the text that shows the writer before the date
        ("tev:regards.fr.enquetes.html", "gabriel sempéré Le 11 septembre 2018 à 12:57"),
        # the site owner's badge read as part of the name ("Martina Berg Autor"; labelled "Martina Berg")
        ("tev:lady50plus.de.sekre.html", "Martina Berg"),
    ],
)
def test_labelled_comment_writers_from_other_head_lines(name: str, head: str) -> None:
    doc = analysed(name)
    assert head in doc.text
    assert [c.author for c in doc.comments] == [x["author"] for x in labels()[name]["comments"]]
