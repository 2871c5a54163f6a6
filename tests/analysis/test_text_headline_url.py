"""The headline of a text page and the page's address: the slug names the article, folders a section."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import inscriptis

from newstrace.analyze import anatomy_pipeline
from newstrace.ingest.html import decode_html
from newstrace.ingest.text import read_text

from .test_layers import layer_texts

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_a_breadcrumb_of_section_folders_is_not_the_headline() -> None:
    # "/music/music-news/doobie-brothers-…": the breadcrumb "Home Music Music News" repeats the folders
    labels = json.loads((FIXTURES / "anatomy" / "labels.json").read_text(encoding="utf-8"))
    lab = next(x for x in labels if x["host"] == "rollingstone.com")
    path = FIXTURES / "corpora" / "article-extraction-benchmark" / "html" / lab["file"]
    text = inscriptis.get_text(decode_html(gzip.decompress(path.read_bytes()), lab["file"]))
    doc = anatomy_pipeline()(read_text(text, doc_id=lab["file"], source=lab["file"], url=lab["url"]))
    assert layer_texts(doc, "headline") == [lab["headline"]]
