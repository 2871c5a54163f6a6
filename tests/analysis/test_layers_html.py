"""Page anatomy on HTML: a page built to exercise every layer kind, and real benchmark pages."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from newstrace.analyze import anatomy_pipeline
from newstrace.ingest.html import read_html
from newstrace.model import Document

from .test_layers import assert_tiles, layer_texts

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "html"

PAGE = """<!doctype html><html><head><title>Storm cuts power to thousands - The Daily Example</title>
<meta property="article:published_time" content="2019-11-20T08:00:00Z"></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article>
<h1>Storm cuts power to thousands</h1>
<h2>Crews expect to restore most homes by Friday</h2>
<p class="byline">By Jane Doe, Associated Press</p>
<time datetime="2019-11-20">Nov. 20, 2019</time>
<figure><img src="a.jpg"><figcaption>Workers clear a fallen tree on Main Street.</figcaption></figure>
<p>[Editor's note: This story has been updated with new figures from the utility. — The Editors]</p>
<p>BOSTON (AP) — A powerful storm knocked out power to more than 40,000 homes and businesses overnight,
toppling trees onto roads and cutting off several towns along the coast.</p>
<p>"We have crews working around the clock," a utility spokeswoman said on Wednesday, adding that most
customers should have power back by the end of the week.</p>
<h3>Schools closed</h3>
<p>Several school districts cancelled classes for the day, and officials urged residents to stay off
the roads while crews cleared debris and repaired downed lines across the region.</p>
</article>
<aside class="related"><h4>Related</h4>
<ul><li><a href="/x">Five ways to prepare for a storm</a></li></ul></aside>
<div id="comments"><h3>2 Comments</h3><ol class="commentlist">
<li class="comment"><div class="comment-body">
<p>Anna says: Our street still has no power this morning.</p></div>
 <ul class="children"><li class="comment"><div class="comment-body">
 <p>Ben says: Ours came back at six, hang in there.</p></div></li></ul>
</li></ol><p>Comments are closed.</p></div>
<footer><p>Copyright 2019 The Daily Example. All rights reserved.</p>
<p>Privacy Policy | Terms of Use</p></footer>
</body></html>"""


@pytest.fixture(scope="module")
def page() -> Document:
    return anatomy_pipeline()(read_html(PAGE, doc_id="built", source="built.html"))


def test_built_page_tiles(page: Document) -> None:
    assert_tiles(page)


def test_built_page_every_kind(page: Document) -> None:
    kinds = {x.kind for x in page.layers}
    assert {"headline", "subheadline", "byline", "dateline", "caption", "editor_note", "credit", "body",
            "section_heading", "related", "boilerplate", "comment", "comments_closed"} <= kinds
    assert layer_texts(page, "headline") == ["Storm cuts power to thousands"]
    assert layer_texts(page, "subheadline") == ["Crews expect to restore most homes by Friday"]
    assert layer_texts(page, "caption") == ["Workers clear a fallen tree on Main Street."]
    assert layer_texts(page, "section_heading") == ["Schools closed"]
    assert "BOSTON (AP) —" in layer_texts(page, "credit")
    body = [x for x in page.layers if x.kind == "body"]
    assert body and all(x.outlet == "AP" for x in body)
    note = next(x for x in page.layers if x.kind == "editor_note")
    assert note.author == "The Editors"
    assert page.published == "2019-11-20"


def test_built_page_comment_thread(page: Document) -> None:
    assert [(c.author, c.parent) for c in page.comments] == [("Anna", None), ("Ben", 1)]
    assert layer_texts(page, "comments_closed") == ["Comments are closed."]
    assert all("Copyright" not in t for t in layer_texts(page, "body"))


def _fixture_ids() -> list[str]:
    return sorted(p.name.split(".")[0] for p in FIXTURES.glob("*.html.gz"))


@pytest.mark.parametrize("page_id", _fixture_ids())
def test_real_pages_anatomy(page_id: str) -> None:
    html = gzip.decompress((FIXTURES / f"{page_id}.html.gz").read_bytes()).decode("utf-8")
    doc = anatomy_pipeline()(read_html(html, doc_id=page_id, source=page_id))
    assert_tiles(doc)
    gold = json.loads((FIXTURES / "ground-truth.json").read_text(encoding="utf-8"))[page_id]["articleBody"]
    body = " ".join(layer_texts(doc, "body") + layer_texts(doc, "section_heading"))
    gold_words = re.findall(r"\w+", gold)
    body_words = set(re.findall(r"\w+", body))
    # Most of the article's words are in body layers, and the headline is not in the comments.
    assert gold_words and sum(w in body_words for w in gold_words) / len(gold_words) >= 0.8
    assert len(layer_texts(doc, "headline")) <= 1
