"""Picture captions on real pages saved as plain text (labelled pages rendered by inscriptis)."""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path
from typing import Any

import inscriptis  # the dev extra: a missing renderer is a broken install, not a skip
import pytest

from newstrace.analysis.text_captions import is_credited_caption
from newstrace.analyze import anatomy_pipeline
from newstrace.ingest.html import decode_html
from newstrace.ingest.text import read_text
from newstrace.model import Document

from .test_layers import layer_texts

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@cache
def _labels() -> dict[str, dict[str, Any]]:
    data = json.loads((FIXTURES / "anatomy" / "labels.json").read_text(encoding="utf-8"))
    return {lab["host"]: lab for lab in data}


@cache
def analysed(host: str) -> Document:
    lab = _labels()[host]
    corpora = FIXTURES / "corpora"
    if lab["corpus"] == "aeb":
        path = corpora / "article-extraction-benchmark" / "html" / lab["file"]
    else:
        path = corpora / "trafilatura-eval" / "html" / f"{lab['file']}.gz"
    text = inscriptis.get_text(decode_html(gzip.decompress(path.read_bytes()), lab["file"]))
    return anatomy_pipeline()(read_text(text, doc_id=lab["file"], source=lab["file"]))


def test_captions_with_their_credit_on_the_line() -> None:
    doc = analysed("express.co.uk")
    captions, body = layer_texts(doc, "caption"), " ".join(layer_texts(doc, "body"))
    for label in _labels()["express.co.uk"]["captions"]:
        assert any(label in c for c in captions), label
        assert label not in body


def test_a_caption_line_that_says_so_and_its_credit_alone() -> None:
    doc = analysed("bbc.com")
    captions = layer_texts(doc, "caption")
    assert any(c.startswith("Image caption Scooter Braun has managed Justin Bieber") for c in captions)
    # the credit alone is not a caption (nor is the article's sentence above it)
    assert not any(c.startswith("Image copyright") for c in captions)
    assert not any("He has consistently denied being unfair to her." in c for c in captions)


def test_a_line_over_a_credit_line_is_its_caption() -> None:
    doc = analysed("space.com")
    captions = layer_texts(doc, "caption")
    assert any(c.endswith("water vapor emanating from Jupiter's moon Europa.") for c in captions)
    assert not any("NASA/ESA/K. Retherford" in c for c in captions)
    assert "Europa's elusive and enigmatic water-vapor plumes" in " ".join(layer_texts(doc, "body"))


def test_menu_items_between_headline_and_article_are_not_captions() -> None:
    captions = layer_texts(analysed("theantijunecleaver.com"), "caption")
    assert not any("Parenting" in c for c in captions)
    assert not any(c.strip(" *+\n") == "" for c in captions)


@pytest.mark.parametrize(
    "line",
    [
        "China has warned they will cease control of Hong Kong (Image: GETTY )",
        "Energetische Sanierungsmaßnahmen senken den Energieverbrauch © iStock.com/djedzura",
        "Bitcoin-Futures-Börsen, Rangliste nach Open Interest. Quelle: Coinglass",
        "Image caption Taylor Swift's seventh album, Lover, is the only one she owns the rights to",
    ],
)
def test_credited_caption_lines(line: str) -> None:
    assert is_credited_caption(line)


@pytest.mark.parametrize(
    "line",
    [
        "Photo: Reuters",
        "(Image credit: Best Buy)",
        "Copyright © 2020 Example Media. All rights reserved.",
        "He declined to comment on the photos.",
    ],
)
def test_not_credited_caption_lines(line: str) -> None:
    assert not is_credited_caption(line)
