"""Passage alignment: offsets on both sides, edits bridged, dropped sentences and moved paragraphs split."""

from __future__ import annotations

import random
import re

from newstrace.corpus.align import Match, align
from newstrace.corpus.shingles import tokenize

from .test_reuse import HARBOUR, MUSEUM, ORCHARD


def run(a: str, b: str, **kw: int) -> list[Match]:
    return align(tokenize(a), tokenize(b), a, b, **kw)


def test_verbatim_copy_is_one_passage_with_exact_offsets() -> None:
    note = "Editor's note: this story first ran last week.\n\n"
    copy = note + HARBOUR
    (m,) = run(HARBOUR, copy)
    body = HARBOUR.rstrip()
    assert (m.a_start, m.a_end) == (0, len(body))
    assert (m.b_start, m.b_end) == (len(note), len(note) + len(body))
    assert m.similarity == 1.0
    assert m.map_a_to_b(100) == len(note) + 100
    assert m.map_b_to_a(len(note) + 250) == 250


def test_changed_words_are_bridged() -> None:
    rng = random.Random(3)
    parts = re.split(r"(\w+)", HARBOUR)
    edited = "".join(("zzz" if rng.random() < 0.1 else p) if i % 2 else p for i, p in enumerate(parts))
    ms = run(HARBOUR, edited)
    assert len(ms) == 1
    assert ms[0].b_end - ms[0].b_start > 0.95 * len(edited.rstrip())
    assert 0.7 < ms[0].similarity < 1.0


def test_dropped_sentence_splits_the_passage() -> None:
    dropped = "Work will begin in February. "
    assert dropped in HARBOUR
    copy = HARBOUR.replace(dropped, "")
    ms = run(HARBOUR, copy)
    assert len(ms) == 2
    cut = HARBOUR.index(dropped)
    assert ms[0].a_end <= cut and ms[1].a_start >= cut + len(dropped) - 1
    assert copy[ms[1].b_start :].startswith("The contract")


def test_reordered_paragraphs_map_one_to_one() -> None:
    paras = HARBOUR.strip().split("\n\n")
    order = [3, 0, 5, 1, 4, 2]
    copy = "\n\n".join(paras[i] for i in order)
    ms = run(HARBOUR, copy)
    assert len(ms) == len(paras)
    for m in ms:
        assert HARBOUR[m.a_start : m.a_end] == copy[m.b_start : m.b_end]
        assert HARBOUR[m.a_start : m.a_end] in paras


def test_unrelated_texts_share_nothing() -> None:
    assert run(HARBOUR, ORCHARD) == []
    assert run(ORCHARD, MUSEUM) == []


def test_short_common_phrases_are_below_min_words() -> None:
    a = "Officials said on Tuesday that the new rules would take effect next month across the country."
    b = "Prices climbed. Officials said on Tuesday that the market was calm and buyers were patient."
    assert run(a, b) == []
    assert len(run(a, b, min_words=4)) == 1
