"""The HTML reader: whole-page blocks with regions, the main-text extractor, decoding, bad pages."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from newstrace.errors import InputError
from newstrace.ingest.html import decode_html, extract_main_text, read_html
from newstrace.model import Block, Document

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "html"

# --- helpers ---------------------------------------------------------------------------------------

_WORD = re.compile(r"\w+")


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """The benchmark's 4-token shingle multiset (same definition as ../shared/tools/extraction_eval.py)."""
    toks = _WORD.findall(text)
    if len(toks) < 4:
        return Counter([tuple(toks)]) if toks else Counter()
    return Counter(tuple(toks[i : i + 4]) for i in range(len(toks) - 3))


def precision_recall(gold: str, pred: str) -> tuple[float | None, float | None]:
    g, p = shingles(gold), shingles(pred)
    tp = sum((g & p).values())
    return (tp / sum(p.values()) if p else None, tp / sum(g.values()) if g else None)


def fixture_pages() -> list[tuple[str, str, str]]:
    gold = json.loads((FIXTURES / "ground-truth.json").read_text(encoding="utf-8"))
    out = []
    for page_id in sorted(gold):
        with gzip.open(FIXTURES / f"{page_id}.html.gz", "rt", encoding="utf-8") as fh:
            out.append((page_id, fh.read(), gold[page_id]["articleBody"]))
    return out


def block_texts(doc: Document) -> list[str]:
    return [doc.text[b.start : b.end] for b in doc.blocks]


def by_text(doc: Document, text: str) -> Block:
    [block] = [b for b in doc.blocks if doc.text[b.start : b.end] == text]
    return block


def check_tiling(doc: Document) -> None:
    """Blocks are ordered, disjoint, stripped, and everything between them is whitespace."""
    pos = 0
    for b in doc.blocks:
        assert pos <= b.start < b.end <= len(doc.text)
        assert doc.text[pos : b.start].strip() == "", doc.text[pos : b.start]
        piece = doc.text[b.start : b.end]
        assert piece == piece.strip()
        pos = b.end
    assert doc.text[pos:].strip() == ""
    assert doc.offsets.norm_length == len(doc.text)


def page(body: str, head: str = "<title>Troops leave Syria | Example News</title>") -> str:
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


BODY = (
    "<p>Russian forces began leaving Syria on Tuesday, the defence ministry said, after President "
    "Vladimir Putin ordered the withdrawal of the main part of the contingent.</p>"
    "<p>The first group of aircraft left the Hmeymim air base for Russia, the ministry said in a "
    "statement, adding that the pilots would be welcomed home with honours.</p>"
    "<p>Analysts said the move, which took Western capitals by surprise, was meant to push the Syrian "
    "government towards the peace talks that resumed in Geneva on Monday.</p>"
)


# --- extraction quality on real pages ----------------------------------------------------------------

# Measured when written: aggregate F1 0.959 (P 0.939, R 0.979), lowest page F1 0.80. Floors sit a bit under.
AGGREGATE_F1_FLOOR = 0.94
PAGE_F1_FLOOR = 0.70


def test_main_text_quality_on_benchmark_sample() -> None:
    pages = fixture_pages()
    assert len(pages) == 25
    precisions, recalls = [], []
    for page_id, html, gold in pages:
        p, r = precision_recall(gold, extract_main_text(html))
        assert p is not None and r is not None, page_id
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        assert f1 >= PAGE_F1_FLOOR, (page_id, f1)
        precisions.append(p)
        recalls.append(r)
    mp, mr = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
    assert 2 * mp * mr / (mp + mr) >= AGGREGATE_F1_FLOOR


def test_real_pages_tile_and_main_blocks_are_the_extracted_text() -> None:
    regions: Counter[str | None] = Counter()
    for page_id, html, _ in fixture_pages():
        doc = read_html(html, doc_id=page_id[:12], source=f"{page_id}.html.gz")
        check_tiling(doc)
        assert doc.format == "html" and doc.annotated == frozenset({"text", "blocks"})
        main = "\n\n".join(doc.text[b.start : b.end] for b in doc.blocks if b.main)
        assert _WORD.findall(main) == _WORD.findall(extract_main_text(html)), page_id
        assert all(b.source_line is None or b.source_line >= 1 for b in doc.blocks)
        regions.update(b.region for b in doc.blocks if b.main)
    assert regions["main"] >= 0.9 * sum(regions.values())


# --- blocks and regions on small pages ---------------------------------------------------------------


def test_blocks_tile_and_slice_to_their_text() -> None:
    html = page(
        "<h1>Troops leave Syria</h1>" + BODY + "<ul><li>One item</li><li>Two <b>bold</b> items</li></ul>"
        "<blockquote><p>We did it, he said.</p></blockquote><pre>line 1\n  line 2</pre>"
        "<table><tr><td>Cell A</td><td>Cell B</td></tr></table>"
    )
    doc = read_html(html, doc_id="t", source="t.html")
    check_tiling(doc)
    texts = block_texts(doc)
    assert texts[0] == "Troops leave Syria | Example News"
    assert doc.blocks[0].tag == "title"
    assert texts[1] == "Troops leave Syria"
    assert "Two bold items" in texts
    assert "line 1\n  line 2" in texts
    tags = {doc.text[b.start : b.end]: b.tag for b in doc.blocks}
    assert tags["We did it, he said."] == "blockquote"
    assert tags["One item"] == "li"
    assert tags["Cell A"] == "td" and tags["Cell B"] == "td"
    assert "\n\n".join(texts) == doc.text


def test_scripts_styles_and_hidden_parts_are_not_text() -> None:
    html = page(
        "<script>var secret = 1;</script><style>p {color: red}</style><noscript>Enable JS</noscript>"
        "<template><p>template text</p></template><div style='display:none'>hidden text</div>"
        "<p hidden>also hidden</p>" + BODY
    )
    doc = read_html(html, doc_id="s", source="s.html")
    for gone in ("secret", "color", "Enable JS", "template text", "hidden text", "also hidden"):
        assert gone not in doc.text


def test_headline_and_byline() -> None:
    html = page(
        "<article><h1 class='entry-title'>Troops leave Syria</h1>"
        "<p class='byline'>By <a rel='author' href='/a'>Jane Doe</a></p>"
        "<div class='meta'>Published <time datetime='2016-03-15T08:00'>March 15, 2016</time></div>"
        f"<div class='entry-content'>{BODY}</div></article>"
    )
    doc = read_html(html, doc_id="h", source="h.html")
    headline = by_text(doc, "Troops leave Syria")
    assert headline.tag == "h1" and not headline.main
    assert by_text(doc, "By Jane Doe").region == "byline"
    assert by_text(doc, "Published March 15, 2016").region == "time"
    assert doc.title == "Troops leave Syria | Example News"
    assert doc.published == "2016-03-15"
    body = [b for b in doc.blocks if b.main]
    assert len(body) == 3 and all(b.region == "main" and b.tag == "p" for b in body)
    assert extract_main_text(html).startswith("Russian forces began leaving Syria")
    assert "Troops leave Syria" not in extract_main_text(html)


def test_inline_byline_signal() -> None:
    html = page(f"<div><span class='author-name'>Jane Doe</span></div><div>{BODY}</div>")
    doc = read_html(html, doc_id="b", source="b.html")
    assert by_text(doc, "Jane Doe").region == "byline"


def test_figure_caption() -> None:
    html = page(
        "<article><div class='story-body'>"
        + BODY[:200]
        + "<figure><img src='a.jpg'><figcaption><p>Aircraft at the Hmeymim base.</p>"
        "<p>Photo: Reuters</p></figcaption></figure>" + BODY[200:] + "</div></article>"
    )
    doc = read_html(html, doc_id="f", source="f.html")
    cap = by_text(doc, "Aircraft at the Hmeymim base.")
    credit = by_text(doc, "Photo: Reuters")
    assert cap.tag == "figcaption" and cap.region == "caption" and not cap.main
    assert credit.region == "caption" and credit.group == cap.group is not None
    assert "Hmeymim base." not in extract_main_text(html).split("\n\n")[0]
    assert "Aircraft at the Hmeymim base" not in extract_main_text(html)


def test_wordpress_comment_thread_depth() -> None:
    html = page(
        f"<article><div class='entry-content'>{BODY}</div></article>"
        "<div id='comments' class='comments-area'><h2 class='comments-title'>2 thoughts</h2>"
        "<ol class='commentlist'>"
        "<li id='comment-1' class='comment even thread-even depth-1'><article class='comment-body'>"
        "<footer class='comment-meta'><b class='fn'>Ann</b> says:</footer>"
        "<div class='comment-content'><p>First comment, with enough words to look like a paragraph.</p>"
        "</div></article><ol class='children'>"
        "<li id='comment-2' class='comment odd depth-2'><article class='comment-body'>"
        "<footer class='comment-meta'><b class='fn'>Bob</b> says:</footer>"
        "<div class='comment-content'><p>A reply to Ann.</p></div></article></li></ol></li>"
        "<li id='comment-3' class='comment even thread-odd depth-1'><article class='comment-body'>"
        "<div class='comment-content'><p>Another top-level comment.</p></div></article></li>"
        "</ol></div>"
    )
    doc = read_html(html, doc_id="c", source="c.html")
    first = by_text(doc, "First comment, with enough words to look like a paragraph.")
    reply = by_text(doc, "A reply to Ann.")
    other = by_text(doc, "Another top-level comment.")
    assert (first.region, first.depth) == ("comments", 0)
    assert (reply.region, reply.depth) == ("comments", 1)
    assert (other.region, other.depth) == ("comments", 0)
    assert by_text(doc, "Ann says:").group == first.group
    assert len({first.group, reply.group, other.group}) == 3
    assert not any(b.main for b in doc.blocks if b.region == "comments")
    assert "First comment" not in extract_main_text(html)


def test_nested_comment_elements_without_depth_classes() -> None:
    html = page(
        f"<main><div class='article-body'>{BODY}</div></main>"
        "<section class='comments'><div class='comment'><p>Top comment text.</p>"
        "<div class='comment'><p>Nested reply text.</p>"
        "<div class='comment'><p>Reply to the reply.</p></div></div></div></section>"
    )
    doc = read_html(html, doc_id="n", source="n.html")
    depths = {
        t: by_text(doc, t).depth for t in ("Top comment text.", "Nested reply text.", "Reply to the reply.")
    }
    assert depths == {"Top comment text.": 0, "Nested reply text.": 1, "Reply to the reply.": 2}


def test_nav_header_footer_aside_related() -> None:
    html = page(
        "<header class='site-header'><div class='logo'>Example News</div>"
        "<nav><ul><li><a href='/'>Home</a></li><li><a href='/world'>World</a></li></ul></nav></header>"
        f"<main><article><div class='article-body'>{BODY}</div></article>"
        "<div class='related-stories'><h3>More stories</h3>"
        "<ul><li><a href='/x'>Another story</a></li></ul></div>"
        "</main><aside><p>Sidebar note.</p></aside>"
        "<footer class='site-footer'><p>Copyright 2016 Example News</p></footer>"
    )
    doc = read_html(html, doc_id="r", source="r.html")
    assert by_text(doc, "Home").region == "nav"
    assert by_text(doc, "Example News").region == "header"
    assert by_text(doc, "Another story").region == "related"
    assert by_text(doc, "Sidebar note.").region == "aside"
    assert by_text(doc, "Copyright 2016 Example News").region == "footer"
    assert [b.region for b in doc.blocks if b.main] == ["main", "main", "main"]
    text = extract_main_text(html)
    for junk in ("Home", "Another story", "Sidebar", "Copyright"):
        assert junk not in text


# --- metadata --------------------------------------------------------------------------------------


def test_metadata_sources() -> None:
    head = (
        "<title>Tab title</title><meta property='og:title' content='Troops leave Syria'>"
        "<link rel='canonical' href='https://news.example/syria'>"
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2016-03-14T22:10:00Z"}'
        "</script>"
    )
    doc = read_html(page(BODY, head), doc_id="m", source="m.html")
    assert (doc.title, doc.url, doc.published) == (
        "Troops leave Syria",
        "https://news.example/syria",
        "2016-03-14",
    )
    given = read_html(page(BODY, head), doc_id="m", source="m.html", url="https://given.example/")
    assert given.url == "https://given.example/"
    assert given.outlet is None and given.source == "m.html" and given.id == "m"
    bare = read_html(f"<html><body><h1>Only a headline here</h1>{BODY}</body></html>", doc_id="x", source="x")
    assert bare.title == "Only a headline here" and bare.published is None and bare.url is None


# --- robustness ------------------------------------------------------------------------------------


def test_broken_markup_is_read() -> None:
    html = (
        "<html><body><div><p>Unclosed paragraph one<p>Second <b>bold <i>italic</b> text</i>"
        "<table><tr><td>cell<div>inner</table></span></div><p>Trailing & stray < bracket"
    )
    doc = read_html(html, doc_id="b", source="b.html")
    check_tiling(doc)
    texts = block_texts(doc)
    assert "Unclosed paragraph one" in texts
    assert "Second bold italic text" in texts
    assert any("Trailing & stray" in t for t in texts)
    fragment = read_html("just words, no markup", doc_id="w", source="w.html")
    assert block_texts(fragment) == ["just words, no markup"]
    odd = read_html(
        "<p>lone \udcff surrogate, control \x01\x7f chars and a \u200b gap</p>", doc_id="o", source="o"
    )
    assert block_texts(odd) == ["lone \ufffd surrogate, control chars and a gap"]


def test_hundred_thousand_nested_divs() -> None:
    html = (
        "<html><body>"
        + "<div>" * 100_000
        + "<p>deep text</p>"
        + "</div>" * 100_000
        + "<p>after</p></body></html>"
    )
    doc = read_html(html, doc_id="d", source="deep.html")
    assert block_texts(doc) == ["deep text", "after"]
    assert extract_main_text(html) == ""


def test_invisible_characters_are_normalised_and_blocks_still_tile() -> None:
    html = page("<p>Zero\u200bwidth and\u00a0non-breaking   spaces in one line of text.</p>" + BODY)
    doc = read_html(html, doc_id="z", source="z.html")
    check_tiling(doc)
    assert "Zerowidth and non-breaking spaces in one line of text." in block_texts(doc)
    start, end = doc.offsets.span_to_original(0, len(doc.text))
    assert start == 0 and end >= len(doc.text)


@pytest.mark.parametrize(
    ("declaration", "codec", "text"),
    [
        (
            "<meta charset='iso-8859-1'>",
            "cp1252",
            "Le président a déclaré « nous sommes prêts » — c’est l’été.",
        ),
        (
            "<meta http-equiv='Content-Type' content='text/html; charset=windows-1251'>",
            "cp1251",
            "Президент России Владимир Путин приказал начать вывод войск из Сирии.",
        ),
    ],
)
def test_declared_charsets(declaration: str, codec: str, text: str) -> None:
    data = f"<html><head>{declaration}<title>t</title></head><body><p>{text}</p></body></html>".encode(codec)
    assert text in decode_html(data, "page.html")
    doc = read_html(data, doc_id="c", source="page.html")
    assert text in block_texts(doc)


def test_undeclared_bytes_are_detected() -> None:
    assert "€" in decode_html("<p>price: 5 € only</p>".encode(), "u.html")
    assert decode_html(b"\xef\xbb\xbf<p>bom</p>", "bom.html") == "<p>bom</p>"
    guessed = decode_html(
        ("<p>" + "Съешь же ещё этих мягких французских булок. " * 5 + "</p>").encode("cp1251"), "g"
    )
    assert "французских" in guessed


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"  \n\t  ",
        "   ",
        "<html><head></head><body></body></html>",
        "<html><body><script>var a = 1;</script></body></html>",
    ],
)
def test_empty_pages_are_input_errors(data: str | bytes) -> None:
    with pytest.raises(InputError) as err:
        read_html(data, doc_id="e", source="empty.html")
    assert err.value.source == "empty.html"
    assert str(err.value).startswith("empty.html: ")
