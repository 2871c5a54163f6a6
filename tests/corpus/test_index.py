"""Shingles, minhash windows and the LSH index: offsets, stability, bulk == single, persistence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from newstrace.corpus.lsh import LSHIndex
from newstrace.corpus.minhash import MinHasher
from newstrace.corpus.shingles import (
    body_text,
    shingle_hashes,
    shingles_many,
    tokenize,
    word_hashes_many,
)

from .test_reuse import HARBOUR, MUSEUM, ORCHARD


def words(text: str, spans: list[tuple[int, int]] | None = None) -> list[str]:
    t = tokenize(text, spans)
    return [text[s:e] for s, e in zip(t.starts.tolist(), t.ends.tolist(), strict=True)]


def test_tokens_carry_char_offsets_even_after_non_ascii() -> None:
    text = "Café “Obama’s” — naïve test, it's 2016."
    assert words(text) == ["Café", "Obama", "s", "naïve", "test", "it", "s", "2016"]


def test_punctuation_and_case_do_not_change_hashes() -> None:
    a, b = tokenize("OBAMA’s “plan”"), tokenize('obama\'s "plan"')
    assert a.hashes.tolist() == b.hashes.tolist()
    assert len(set(tokenize("internationalization internationalizatiom").hashes.tolist())) == 2


def test_hashes_are_stable_across_processes() -> None:
    # fixed constants, not Python's salted hash(): this value must never change
    assert int(tokenize("harbour").hashes[0]) == int(tokenize("HARBOUR").hashes[0])
    assert int(tokenize("harbour").hashes[0]) == 5577322850211824483


def test_body_spans_restrict_tokens() -> None:
    text = "Headline here\n\nBody one two three.\n\nComment spam spam"
    body = [(15, 34)]
    assert words(text, body) == ["Body", "one", "two", "three"]
    assert body_text(text, body) == "Body one two three."


def test_batch_scan_equals_single_and_ngrams_never_straddle() -> None:
    texts = [HARBOUR, "too short", ORCHARD, ""]
    w, cut = word_hashes_many(texts)
    grams, gcut = shingles_many(w, cut, 5)
    for i, t in enumerate(texts):
        assert w[cut[i] : cut[i + 1]].tolist() == tokenize(t).hashes.tolist()
        assert grams[gcut[i] : gcut[i + 1]].tolist() == shingle_hashes(tokenize(t).hashes, 5).tolist()
    assert gcut[2] - gcut[1] == 0  # two words: no 5-gram


def test_minhash_estimates_jaccard() -> None:
    rng = np.random.default_rng(0)
    a = rng.integers(0, 2**63, 4000, dtype=np.uint64)
    b = np.concatenate([a[:2000], rng.integers(0, 2**63, 2000, dtype=np.uint64)])  # J = 1/3
    h = MinHasher(256)
    est = float((h.signature(a) == h.signature(b)).mean())
    assert abs(est - 1 / 3) < 0.08


def test_windows_overlap_by_half_and_bulk_matches_single() -> None:
    h = MinHasher(16)
    g1 = shingle_hashes(tokenize(HARBOUR).hashes)
    g2 = shingle_hashes(tokenize(ORCHARD).hashes)
    single = h.windows(g1, stride=32)
    assert single.shape == (-(-g1.shape[0] // 32) - 1, 16)
    assert np.array_equal(single[0], np.minimum(h.windows(g1[:32], 32)[0], h.windows(g1[32:64], 32)[0]))
    cut = np.array([0, g1.shape[0], g1.shape[0], g1.shape[0] + g2.shape[0]])
    sigs, owner = h.windows_many(np.concatenate([g1, np.zeros(0, np.uint64), g2]), cut, 32)
    assert np.array_equal(sigs[owner == 0], single)
    assert np.array_equal(sigs[owner == 2], h.windows(g2, 32))
    assert not (owner == 1).any()


def _sigs(text: str, h: MinHasher) -> np.ndarray:
    return h.windows(shingle_hashes(tokenize(text).hashes), 32)


def test_lsh_finds_excerpt_and_ignores_unrelated() -> None:
    h = MinHasher(16)
    idx = LSHIndex(8, 2)
    for num, text in enumerate([HARBOUR, ORCHARD, MUSEUM]):
        idx.insert(num, _sigs(text, h))
    excerpt = "\n\n".join(HARBOUR.split("\n\n")[1:3])
    docs, hits = idx.query(_sigs("Some unrelated opening words here.\n\n" + excerpt, h), min_hits=2)
    assert docs.tolist() == [0] and hits[0] >= 2
    docs, _ = idx.query(_sigs("A wholly different text about trains and weather " * 8, h), min_hits=1)
    assert docs.tolist() == []


def test_lsh_round_trip_and_incremental_insert(tmp_path: Path) -> None:
    h = MinHasher(16)
    idx = LSHIndex(8, 2)
    idx.insert(0, _sigs(HARBOUR, h))
    idx.insert(1, _sigs(ORCHARD, h))
    path = tmp_path / "lsh.bin"
    idx.save(path)
    back = LSHIndex.load(path)
    assert len(back) == 2 and back.entries == idx.entries
    assert back.query(_sigs(ORCHARD, h))[0].tolist() == [1]
    back.insert(2, _sigs(MUSEUM, h))  # no rebuild: new pages join the loaded runs
    assert back.query(_sigs(MUSEUM, h))[0].tolist() == [2]
    assert back.query(_sigs(HARBOUR, h))[0].tolist() == [0]
    again = LSHIndex.from_bytes(back.to_bytes())
    assert again.query(_sigs(MUSEUM, h))[0].tolist() == [2]


def test_lsh_many_small_inserts_stay_few_runs() -> None:
    rng = np.random.default_rng(1)
    idx = LSHIndex(4, 1)
    for num in range(300):
        idx.insert(num, rng.integers(0, 2**63, (3, 4), dtype=np.uint64))
        idx.query(np.zeros((0, 4), np.uint64))  # forces pending entries into a run each time
    assert len(idx._runs) <= 12
    assert idx.entries == 300 * 3 * 4


def test_lsh_rejects_bad_input() -> None:
    idx = LSHIndex(4, 2, doc_bits=8)
    with pytest.raises(ValueError):
        idx.insert(256, np.zeros((1, 8), np.uint64))
    with pytest.raises(ValueError):
        idx.insert(0, np.zeros((1, 7), np.uint64))
    with pytest.raises(ValueError):
        LSHIndex.from_bytes(b"not an index at all")
