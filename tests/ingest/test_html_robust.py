"""The HTML reader on awkward real-world pages: XML prologues, lying charsets, frames, script-only
pages, bodies only in structured data, pages with nothing visible but their name."""

from __future__ import annotations

import html
import json

import pytest

from newstrace.errors import InputError
from newstrace.ingest.html import decode_html, extract_main_text, read_html
from newstrace.model import Document

PARA = (
    "Der Bürgermeister hat am Montag angekündigt, dass die alte Brücke über die Mosel im Frühjahr für "
    "drei Monate gesperrt wird. Pendler müssen sich auf Umwege über Zell und Bernkastel einstellen."
)
PARA2 = (
    "Die Sanierung kostet nach Angaben der Stadt rund vier Millionen Euro, von denen das Land die "
    "Hälfte übernimmt. Der Stadtrat hatte die Arbeiten im Herbst einstimmig beschlossen."
)
ARTICLE = f"<article><h1>Moselbrücke wird gesperrt</h1><p>{PARA}</p><p>{PARA2}</p></article>"


def page(body: str, head: str = "<title>Moselbrücke wird gesperrt</title>") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


def main_text(doc: Document) -> str:
    return "\n\n".join(doc.text[b.start : b.end] for b in doc.blocks if b.main)


@pytest.mark.parametrize("encoding", ["ISO-8859-1", "windows-1252", "utf-8", "latin1"])
def test_xml_declaration_before_html(encoding: str) -> None:
    codec = "utf-8" if encoding == "utf-8" else "cp1252"
    prologue = f'<?xml version="1.0" encoding="{encoding}"?>\n'
    data = (prologue + page(ARTICLE)).encode(codec)
    doc = read_html(data, doc_id="x", source="x.html")
    assert PARA in main_text(doc) and PARA2 in main_text(doc)
    assert doc.title == "Moselbrücke wird gesperrt"
    assert PARA in extract_main_text(prologue + page(ARTICLE))  # the str path


def test_xml_declaration_is_read_when_no_meta_says_more() -> None:
    # short Latin text, where a detector could take cp1250 for cp1252; the prologue settles it
    text = "Señor Muñoz llegó a España el año pasado."
    data = (
        '<?xml version="1.0" encoding="iso-8859-1"?><html><body><p>' + text + "</p></body></html>"
    ).encode("cp1252")
    assert text in decode_html(data, "x.html")


def test_meta_says_latin1_but_bytes_are_utf8() -> None:
    data = page(ARTICLE, "<meta charset='iso-8859-1'><title>Moselbrücke</title>").encode("utf-8")
    assert "Bürgermeister" in decode_html(data, "x.html")
    doc = read_html(data, doc_id="x", source="x.html")
    assert PARA in main_text(doc)
    assert doc.title == "Moselbrücke"


@pytest.mark.parametrize(
    "text",
    [
        "Le président a déclaré « nous sommes prêts » — c’est l’été.",
        "Señor Muñoz llegó a España el año pasado.",
        "Grüße aus Köln – schön!",
    ],
)
def test_meta_says_utf8_but_bytes_are_cp1252(text: str) -> None:
    data = page(f"<p>{text}</p>", "<meta charset='utf-8'><title>t</title>").encode("cp1252")
    assert text in decode_html(data, "x.html")


def test_frameset_page_reads_its_noframes_text() -> None:
    doc = read_html(
        "<html><head><title>Gemeinde Zell</title></head><frameset cols='20%,80%'><frame src='menu.html'>"
        f"<frame src='start.html'><noframes><body><p>{PARA}</p><p>{PARA2}</p></body></noframes>"
        "</frameset></html>",
        doc_id="f",
        source="f.html",
    )
    assert PARA in main_text(doc)
    assert "<p>" not in doc.text


def test_frameset_without_text_is_its_title() -> None:
    doc = read_html(
        "<html><head><title>Gemeinde Zell</title></head><frameset cols='20%,80%'><frame src='menu.html'>"
        "<frame src='start.html'></frameset></html>",
        doc_id="f",
        source="f.html",
    )
    assert doc.text == "Gemeinde Zell"
    assert [b.tag for b in doc.blocks] == ["title"]


def test_iframe_srcdoc_is_read_in_place() -> None:
    doc = read_html(
        page(f'<nav><a href="/">Start</a></nav><iframe srcdoc="{html.escape(ARTICLE)}"></iframe>'),
        doc_id="s",
        source="s.html",
    )
    assert main_text(doc) == f"{PARA}\n\n{PARA2}"
    assert "Moselbrücke wird gesperrt" in [doc.text[b.start : b.end] for b in doc.blocks if b.tag == "h1"]


def test_text_only_in_noscript() -> None:
    source = page(f'<div id="app"></div><noscript>{ARTICLE}</noscript><script>render()</script>')
    doc = read_html(source, doc_id="n", source="n.html")
    assert main_text(doc) == f"{PARA}\n\n{PARA2}"
    assert extract_main_text(source) == f"{PARA}\n\n{PARA2}"


def test_noscript_notice_does_not_replace_a_visible_article() -> None:
    source = page(
        f"<noscript><p>Bitte aktivieren Sie JavaScript, um alle Funktionen zu nutzen.</p></noscript>{ARTICLE}"
    )
    doc = read_html(source, doc_id="n", source="n.html")
    assert main_text(doc) == f"{PARA}\n\n{PARA2}"
    assert "JavaScript" not in doc.text


def _ld(body: str) -> str:
    data = {"@context": "https://schema.org", "@graph": [{"@type": "NewsArticle", "articleBody": body}]}
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def test_jsonld_article_body_found_in_the_page_marks_those_blocks() -> None:
    # the body sits in an unusual wrapper the extractor does not take for an article
    source = page(
        f'<div class="sidebar"><p>{PARA}</p><p>{PARA2}</p></div><footer>Impressum</footer>',
        "<title>t</title>" + _ld(f"{PARA}\n\n{PARA2}"),
    )
    doc = read_html(source, doc_id="j", source="j.html")
    assert main_text(doc) == f"{PARA}\n\n{PARA2}"
    assert "articleBody" not in [b.tag for b in doc.blocks]
    assert extract_main_text(source) == f"{PARA}\n\n{PARA2}"


def test_jsonld_article_body_not_in_the_page_is_appended() -> None:
    source = page(
        '<div id="root"><a href="/">Start</a></div>', "<title>t</title>" + _ld(f"<p>{PARA}</p><p>{PARA2}</p>")
    )
    doc = read_html(source, doc_id="j", source="j.html")
    last = doc.blocks[-1]
    assert last.tag == "articleBody" and last.main
    assert doc.text[last.start : last.end] == f"{PARA}\n{PARA2}"
    assert extract_main_text(source) == f"{PARA}\n{PARA2}"


def test_jsonld_article_body_is_not_used_when_the_page_shows_the_body() -> None:
    source = page(
        ARTICLE, "<title>t</title>" + _ld("A different teaser text that is not on the page at all.")
    )
    doc = read_html(source, doc_id="j", source="j.html")
    assert main_text(doc) == f"{PARA}\n\n{PARA2}"
    assert "teaser" not in doc.text


def test_nothing_visible_but_a_description() -> None:
    doc = read_html(
        "<html><head><meta name='description' content='Die Moselbrücke wird im Frühjahr gesperrt.'></head>"
        "<body><div id='app'></div></body></html>",
        doc_id="d",
        source="d.html",
    )
    assert doc.text == "Die Moselbrücke wird im Frühjahr gesperrt."
    assert [b.tag for b in doc.blocks] == ["description"]


def test_nothing_visible_but_a_title_and_description() -> None:
    doc = read_html(
        "<html><head><title>Moselbrücke</title><meta property='og:description' content='Gesperrt.'></head>"
        "<body><script>app()</script></body></html>",
        doc_id="d",
        source="d.html",
    )
    assert doc.text == "Moselbrücke"  # the visible title is the document; the description is not needed
    assert doc.title == "Moselbrücke"


def test_nothing_at_all_is_still_an_input_error() -> None:
    with pytest.raises(InputError):
        read_html(
            "<html><head><meta charset='utf-8'></head><body><script>x()</script></body></html>",
            doc_id="e",
            source="e.html",
        )
