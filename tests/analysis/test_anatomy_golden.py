"""Golden page anatomy on hand-labelled real pages: headline, comment threads, and a body free of furniture.

The labels (``tests/fixtures/anatomy/labels.json``) were made by reading each page, not newstrace's output.
Each chosen page is checked as HTML and as plain text rendered by inscriptis (the way a saved page
arrives). ``benchmarks/anatomy.py`` scores all 65 labelled pages; these tests pin the answers it gets
right (``PINNED``), at least 20 pages per answer and input.
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from collections import Counter
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import inscriptis  # the dev extra: a missing renderer is a broken install, not a skip
import pytest

from newstrace.analyze import anatomy_pipeline
from newstrace.ingest.html import decode_html, read_html
from newstrace.ingest.text import read_text
from newstrace.model import Document

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LABELS = FIXTURES / "anatomy" / "labels.json"
CORPORA = FIXTURES / "corpora"
MODES = ("html", "inscriptis")

# The labelled pages on which each answer is pinned, per input (HTML, and the page rendered to text by
# inscriptis): the pages this release gets that answer right on, found by running it over all 65 labelled
# pages (2026-12-03). A change that breaks one of them fails here; benchmarks/anatomy.py scores every
# labelled page, the wrong ones included, so these lists are not the accuracy, the benchmark is.
PINNED: dict[tuple[str, str], tuple[str, ...]] = {
    ("html", "headline"): (
        "9to5mac.com",
        "autoracing.com.br",
        "basicthinking.de",
        "bbc.com",
        "bigbrandsystem.com",
        "blog.givewell.org",
        "californiaglobe.com",
        "catchitkansas.com",
        "cicero.de",
        "comoeducarseusfilhos.com.br",
        "de.creativecommons.org",
        "deccanherald.com",
        "dietagespresse.com",
        "entermedia.co.kr",
        "express.co.uk",
        "exxpress.at",
        "fr.de",
        "franceculture.fr",
        "gizmodo.com",
        "gormulus.wordpress.com",
        "gto-normativy.ru",
        "handelsblatt.com",
        "healthline.com",
        "hpd.de",
        "indiewire.com",
        "jeongdongtheater.com",
        "journelles.de",
        "kabarislamia.com",
        "lady50plus.de",
        "laprensagrafica.com",
        "ledevoir.com",
        "lemire.me",
        "linknaija.com",
        "lopinion.fr",
        "moritz-meyer.net",
        "netzpolitik.org",
        "news.sky.com",
        "newsweek.com",
        "note100yen.com",
        "nypost.com",
        "phys.org",
        "polygraph.info",
        "profootballtalk.nbcsports.com",
        "regards.fr",
        "remember8090.it",
        "rollingstone.com",
        "scilogs.spektrum.de",
        "space.com",
        "sportsnet.ca",
        "spreeblick.com",
        "stackoverflow.blog",
        "swr.de",
        "theantijunecleaver.com",
        "theguardian.com",
        "thenervousbreakdown.com",
        "therealdeal.com",
        "tichyseinblick.de",
        "tomshardware.com",
        "toptal.com",
        "uebermedien.de",
        "verfassungsblog.de",
        "vg247.com",
        "wday.ru",
        "wired.com",
        "zugreiseblog.de",
    ),
    ("html", "comments"): (
        "9to5mac.com",
        "autoracing.com.br",
        "basicthinking.de",
        "bbc.com",
        "bigbrandsystem.com",
        "blog.givewell.org",
        "californiaglobe.com",
        "catchitkansas.com",
        "cicero.de",
        "comoeducarseusfilhos.com.br",
        "de.creativecommons.org",
        "deccanherald.com",
        "dietagespresse.com",
        "entermedia.co.kr",
        "express.co.uk",
        "exxpress.at",
        "fr.de",
        "franceculture.fr",
        "gizmodo.com",
        "gormulus.wordpress.com",
        "gto-normativy.ru",
        "handelsblatt.com",
        "healthline.com",
        "hpd.de",
        "indiewire.com",
        "jeongdongtheater.com",
        "kabarislamia.com",
        "lady50plus.de",
        "laprensagrafica.com",
        "ledevoir.com",
        "lemire.me",
        "linknaija.com",
        "lopinion.fr",
        "moritz-meyer.net",
        "netzpolitik.org",
        "news.sky.com",
        "newsweek.com",
        "note100yen.com",
        "nypost.com",
        "phys.org",
        "polygraph.info",
        "profootballtalk.nbcsports.com",
        "regards.fr",
        "remember8090.it",
        "rollingstone.com",
        "scilogs.spektrum.de",
        "space.com",
        "sportsnet.ca",
        "spreeblick.com",
        "stackoverflow.blog",
        "swr.de",
        "theantijunecleaver.com",
        "theguardian.com",
        "thenervousbreakdown.com",
        "therealdeal.com",
        "tomshardware.com",
        "toptal.com",
        "uebermedien.de",
        "verfassungsblog.de",
        "vg247.com",
        "wday.ru",
        "wired.com",
        "zugreiseblog.de",
    ),
    ("html", "body"): (
        "9to5mac.com",
        "autoracing.com.br",
        "bbc.com",
        "bigbrandsystem.com",
        "blog.givewell.org",
        "californiaglobe.com",
        "catchitkansas.com",
        "cicero.de",
        "comoeducarseusfilhos.com.br",
        "de.creativecommons.org",
        "deccanherald.com",
        "dietagespresse.com",
        "entermedia.co.kr",
        "express.co.uk",
        "exxpress.at",
        "franceculture.fr",
        "gizmodo.com",
        "gormulus.wordpress.com",
        "gto-normativy.ru",
        "handelsblatt.com",
        "healthline.com",
        "hpd.de",
        "indiewire.com",
        "jeongdongtheater.com",
        "journelles.de",
        "kabarislamia.com",
        "lady50plus.de",
        "ledevoir.com",
        "lemire.me",
        "linknaija.com",
        "lopinion.fr",
        "netzpolitik.org",
        "newsweek.com",
        "note100yen.com",
        "nypost.com",
        "phys.org",
        "polygraph.info",
        "profootballtalk.nbcsports.com",
        "regards.fr",
        "remember8090.it",
        "rollingstone.com",
        "scilogs.spektrum.de",
        "sportsnet.ca",
        "spreeblick.com",
        "stackoverflow.blog",
        "swr.de",
        "theantijunecleaver.com",
        "theguardian.com",
        "thenervousbreakdown.com",
        "therealdeal.com",
        "tomshardware.com",
        "toptal.com",
        "uebermedien.de",
        "verfassungsblog.de",
        "vg247.com",
        "wday.ru",
        "wired.com",
        "zugreiseblog.de",
    ),
    ("inscriptis", "headline"): (
        "basicthinking.de",
        "blog.givewell.org",
        "californiaglobe.com",
        "cicero.de",
        "comoeducarseusfilhos.com.br",
        "de.creativecommons.org",
        "deccanherald.com",
        "dietagespresse.com",
        "express.co.uk",
        "fr.de",
        "franceculture.fr",
        "healthline.com",
        "indiewire.com",
        "jeongdongtheater.com",
        "journelles.de",
        "ledevoir.com",
        "lemire.me",
        "linknaija.com",
        "netzpolitik.org",
        "newsweek.com",
        "note100yen.com",
        "nypost.com",
        "phys.org",
        "polygraph.info",
        "profootballtalk.nbcsports.com",
        "remember8090.it",
        "space.com",
        "sportsnet.ca",
        "spreeblick.com",
        "stackoverflow.blog",
        "swr.de",
        "theantijunecleaver.com",
        "thenervousbreakdown.com",
        "tichyseinblick.de",
        "tomshardware.com",
        "toptal.com",
        "uebermedien.de",
        "verfassungsblog.de",
        "vg247.com",
        "zugreiseblog.de",
    ),
    ("inscriptis", "comments"): (
        "9to5mac.com",
        "autoracing.com.br",
        "bbc.com",
        "bigbrandsystem.com",
        "catchitkansas.com",
        "entermedia.co.kr",
        "express.co.uk",
        "franceculture.fr",
        "gizmodo.com",
        "gto-normativy.ru",
        "healthline.com",
        "indiewire.com",
        "kabarislamia.com",
        "news.sky.com",
        "newsweek.com",
        "note100yen.com",
        "nypost.com",
        "phys.org",
        "polygraph.info",
        "profootballtalk.nbcsports.com",
        "remember8090.it",
        "rollingstone.com",
        "space.com",
        "stackoverflow.blog",
        "swr.de",
        "theguardian.com",
        "thenervousbreakdown.com",
        "therealdeal.com",
        "uebermedien.de",
        "wired.com",
        "zugreiseblog.de",
    ),
    ("inscriptis", "body"): (
        "9to5mac.com",
        "basicthinking.de",
        "bbc.com",
        "bigbrandsystem.com",
        "blog.givewell.org",
        "catchitkansas.com",
        "comoeducarseusfilhos.com.br",
        "de.creativecommons.org",
        "deccanherald.com",
        "entermedia.co.kr",
        "exxpress.at",
        "fr.de",
        "franceculture.fr",
        "gizmodo.com",
        "gto-normativy.ru",
        "healthline.com",
        "hpd.de",
        "jeongdongtheater.com",
        "kabarislamia.com",
        "lady50plus.de",
        "ledevoir.com",
        "lemire.me",
        "linknaija.com",
        "moritz-meyer.net",
        "news.sky.com",
        "note100yen.com",
        "phys.org",
        "polygraph.info",
        "profootballtalk.nbcsports.com",
        "regards.fr",
        "remember8090.it",
        "space.com",
        "sportsnet.ca",
        "spreeblick.com",
        "theantijunecleaver.com",
        "theguardian.com",
        "thenervousbreakdown.com",
        "therealdeal.com",
        "tichyseinblick.de",
        "uebermedien.de",
        "wday.ru",
        "zugreiseblog.de",
    ),
}

HEADLINE_F1 = 0.8  # word F1 of the predicted headline against the label (a kicker or site suffix may differ)
_WORD = re.compile(r"\w+")


@lru_cache(maxsize=1)
def labels() -> dict[str, dict[str, Any]]:
    return {lab["host"]: lab for lab in json.loads(LABELS.read_text(encoding="utf-8"))}


@cache
def analysed(host: str, how: str) -> Document:
    lab = labels()[host]
    if lab["corpus"] == "aeb":
        path = CORPORA / "article-extraction-benchmark" / "html" / lab["file"]
    else:
        path = CORPORA / "trafilatura-eval" / "html" / f"{lab['file']}.gz"
    raw = gzip.decompress(path.read_bytes())
    if how == "html":
        doc = read_html(raw, doc_id=lab["file"], source=lab["file"])
    else:
        text = inscriptis.get_text(decode_html(raw, lab["file"]))
        doc = read_text(text, doc_id=lab["file"], source=lab["file"])
    return anatomy_pipeline()(doc)


def squash(text: str) -> str:
    """NFC, case-folded, no whitespace: how the labels are compared with the text (drop caps, wrapping)."""
    return "".join(unicodedata.normalize("NFC", text).casefold().split())


def word_f1(gold: str, pred: str) -> float:
    g = Counter(_WORD.findall(unicodedata.normalize("NFC", gold).casefold()))
    p = Counter(_WORD.findall(unicodedata.normalize("NFC", pred).casefold()))
    tp = sum((g & p).values())
    return 2 * tp / (sum(g.values()) + sum(p.values())) if g or p else 1.0


def predicted_comments(doc: Document) -> list[tuple[str, int | None]]:
    """(text, index of the parent comment) for each comment the anatomy found, in page order."""
    index = {c.id: i for i, c in enumerate(doc.comments)}
    return [
        (doc.text[c.start : c.end], index.get(c.parent) if c.parent is not None else None)
        for c in doc.comments
    ]


def match(gold: list[dict[str, Any]], texts: list[str]) -> dict[int, int]:
    """Labelled comment -> predicted comment whose first 400 characters hold the labelled first words."""
    out: dict[int, int] = {}
    used: set[int] = set()
    heads = [squash(t)[:400] for t in texts]
    for i, lab in enumerate(gold):
        key = squash(lab["text_start"])[:25]
        j = next((j for j, h in enumerate(heads) if j not in used and key in h), None)
        if j is not None:
            out[i] = j
            used.add(j)
    return out


def cases(answer: str) -> list[Any]:
    return [pytest.param(host, how, id=f"{host}-{how}") for how in MODES for host in PINNED[(how, answer)]]


# Pages with reader comments whose threads are pinned: HTML gets 30 of the 32 labelled ones exactly right;
# the text path only 6 (exact count and parents), an open gap that benchmarks/anatomy.py measures.
MIN_THREADS = {"html": 25, "inscriptis": 5}


def test_pinned_pages_are_labelled_and_enough() -> None:
    """At least 20 labelled pages pin each answer for each input, and pages with comments pin threads."""
    for key, hosts in PINNED.items():
        assert set(hosts) <= set(labels()), key
        assert len(hosts) >= 20, key
    for how in MODES:
        threads = sum(bool(labels()[h]["comments"]) for h in PINNED[(how, "comments")])
        assert threads >= MIN_THREADS[how], how


@pytest.mark.parametrize(("host", "how"), cases("headline"))
def test_headline(host: str, how: str) -> None:
    lab, doc = labels()[host], analysed(host, how)
    heads = [doc.text[la.start : la.end] for la in doc.layers if la.kind == "headline"]
    got = heads[0] if heads else ""
    assert word_f1(lab["headline"], got) >= HEADLINE_F1, f"headline {got!r}, label {lab['headline']!r}"


@pytest.mark.parametrize(("host", "how"), cases("comments"))
def test_comment_count_and_parents(host: str, how: str) -> None:
    lab, doc = labels()[host], analysed(host, how)
    gold = lab["comments"]
    pred = predicted_comments(doc)
    assert len(pred) == len(gold), f"{len(pred)} comments found, {len(gold)} labelled"
    pairs = match(gold, [t for t, _ in pred])
    missing = [gold[i]["text_start"] for i in range(len(gold)) if i not in pairs]
    assert not missing, f"labelled comments not found as comments: {missing[:3]}"
    wrong = [
        (i, gold[i]["parent"], pred[j][1])
        for i, j in pairs.items()
        if (gold[i]["parent"] is None) != (pred[j][1] is None)
        or (gold[i]["parent"] is not None and pairs.get(gold[i]["parent"]) != pred[j][1])
    ]
    assert not wrong, f"(comment, labelled parent, predicted parent) that differ: {wrong[:5]}"


@pytest.mark.parametrize(("host", "how"), cases("body"))
def test_no_furniture_in_body(host: str, how: str) -> None:
    lab, doc = labels()[host], analysed(host, how)
    body = squash("\n".join(doc.text[la.start : la.end] for la in doc.layers if la.kind == "body"))
    leaked = [s for s in lab["not_body"] if squash(s) in body]
    assert not leaked, f"not-body snippets inside body layers: {leaked}"
